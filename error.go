// Package lifeline holds what every part of Lifeline shares: the error type
// with its codes. The domain lives in the packages below it (atlas, geo,
// impact, mrt, watch, coord, ledger); adapters (store, api, web) and the
// binary (cmd/lifeline) wire them together.
package lifeline

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes. The API maps each to one HTTP status in one table; the CLI
// maps them to exit codes.
const (
	ECONFLICT  = "conflict"  // the action conflicts with the current state
	EINTERNAL  = "internal"  // a fault of ours; details are logged, not shown
	EINVALID   = "invalid"   // the input is wrong; the message says where and how
	ENOTFOUND  = "not_found" // no such thing, or one the caller may not see
	EFORBIDDEN = "forbidden" // the caller may not do this
)

// Error is the error type of Lifeline: a code a program can act on, the
// operation that failed, and a message a person can act on.
type Error struct {
	Code    string // one of the E* constants
	Op      string // what was being done, e.g. "atlas.Load"
	Message string // for people: names the file, record or field
	Err     error  // the underlying error, if any

	// Key names the message in the web's catalogues (web/i18n), so that a
	// page can say it in the reader's language; Args are its arguments.
	// Message stays the English sentence, for the API, logs and the CLI.
	// An error without a key is shown in English everywhere.
	Key  string
	Args []any
}

// Error returns the message for people: what was wrong, where, and what
// is accepted, followed by the underlying error's. It never shows Op, so
// that no Go identifier reaches a page, a problem document or a terminal;
// logs get the operations from Trace.
func (e *Error) Error() string {
	s := e.Message
	if e.Err != nil {
		if s == "" {
			return e.Err.Error()
		}
		return s + ": " + e.Err.Error()
	}
	if s == "" {
		return genericMessage(e.Code)
	}
	return s
}

// genericMessage says what a code means, for an error without a message.
func genericMessage(code string) string {
	switch code {
	case EINVALID:
		return "the input is not valid"
	case ENOTFOUND:
		return "not found"
	case ECONFLICT:
		return "the request conflicts with the current state"
	case EFORBIDDEN:
		return "not allowed"
	}
	return "internal error"
}

// Trace returns err for a log: each *Error in the chain prefixed by its
// operation, so an operator can find where it failed. Never show it to
// users.
func Trace(err error) string {
	if err == nil {
		return ""
	}
	var parts []string
	for e := err; e != nil; e = errors.Unwrap(e) {
		if le, ok := e.(*Error); ok {
			if le.Op != "" {
				parts = append(parts, le.Op)
			}
		}
	}
	if len(parts) == 0 {
		return err.Error()
	}
	return strings.Join(parts, " > ") + ": " + err.Error()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code, operation and formatted message.
func Errorf(code, op, format string, args ...any) *Error {
	return &Error{Code: code, Op: op, Message: fmt.Sprintf(format, args...)}
}

// Errork is Errorf with a catalogue key: the message is format in
// English, and a page may say it in the reader's language from key with
// the same args. Args may be Phrases (translated in turn) or Fields (a
// field of a form, named in the reader's words where the page has them).
func Errork(code, op, key, format string, args ...any) *Error {
	return &Error{Code: code, Op: op, Message: fmt.Sprintf(format, args...), Key: key, Args: args}
}

// Phrase is a piece of a message for people named by a catalogue key,
// with its English text: an argument of a keyed message that is itself a
// sentence, or a reason the matching engine gives.
type Phrase struct {
	Key     string
	Args    []any
	English string
}

// P returns the Phrase key with its English text format and args.
func P(key, format string, args ...any) Phrase {
	return Phrase{Key: key, Args: args, English: fmt.Sprintf(format, args...)}
}

// String returns the English text, so that a Phrase formats with %s.
func (p Phrase) String() string { return p.English }

// Field is the name of a field of the input as the API spells it
// ("title", "lead_time"); it prints as itself, and a page may show the
// label its form gives the field instead.
type Field string

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != "" {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or a
// generic text for errors that are not ours, so internals never leak.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Error()
	}
	return "internal error"
}
