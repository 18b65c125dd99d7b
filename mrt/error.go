package mrt

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, wrapped by *Error; test for them with errors.Is.
var (
	// ErrTruncated means the input ends inside a record.
	ErrTruncated = errors.New("truncated")
	// ErrCorrupt means a record's content contradicts itself or the format:
	// a length that runs past its container, an unknown code where only
	// known ones are allowed, a record larger than the configured maximum.
	ErrCorrupt = errors.New("corrupt")
	// ErrUnsupported means the record is of a type or subtype that the
	// function called does not decode.
	ErrUnsupported = errors.New("unsupported record type")
)

// Error describes a record that could not be read or decoded. Offset is the
// byte offset of the record's MRT header in the decompressed stream, so
// "zcat FILE | tail -c +$((Offset+1)) | xxd | head" shows the record.
type Error struct {
	Name    string // the input, usually a file path; may be empty
	Offset  int64  // offset of the record header in the decompressed stream
	Type    Type   // the record's type, 0 if the header itself is bad
	Subtype uint16
	Err     error // what is wrong; wraps ErrTruncated or ErrCorrupt when it is one of those
}

// Error returns "NAME: record at byte N (TYPE/SUBTYPE): what is wrong".
// The name is left out when empty, for callers that add it themselves.
func (e *Error) Error() string {
	s := fmt.Sprintf("record at byte %d", e.Offset)
	if e.Type != 0 {
		s += fmt.Sprintf(" (%s/%s)", e.Type, SubtypeName(e.Type, e.Subtype))
	}
	s += ": " + e.Err.Error()
	if e.Name != "" {
		s = e.Name + ": " + s
	}
	return s
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// corrupt returns an error wrapping ErrCorrupt with a formatted message.
func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrCorrupt}, args...)...)
}

// truncated returns an error wrapping ErrTruncated with a formatted message.
func truncated(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrTruncated}, args...)...)
}

func unsupported(rec *Record) error {
	return fmt.Errorf("%w %s/%s", ErrUnsupported, rec.Type, SubtypeName(rec.Type, rec.Subtype))
}

// within puts the decoding error err in context: "corrupt: CTX: what".
func within(ctx string, err error) error {
	if !errors.Is(err, ErrCorrupt) {
		return fmt.Errorf("%s: %w", ctx, err)
	}
	return corrupt("%s: %s", ctx, strings.TrimPrefix(err.Error(), ErrCorrupt.Error()+": "))
}
