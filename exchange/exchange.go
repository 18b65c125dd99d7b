package exchange

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"lifeline"
	"lifeline/coord"
)

// Options say who exports: the instance that speaks, and when.
type Options struct {
	// Instance is the host name of the Lifeline instance, such as
	// "lifeline.example.org". It makes identifiers globally unique: CAP
	// senders and identifiers, EDXL-RM message ids, STIX identities.
	Instance string
	// Now is when the message is sent; exports that carry a sending time
	// use it, so that the same call gives the same bytes.
	Now time.Time
}

func (o Options) check(op string) error {
	if o.Instance == "" || strings.ContainsAny(o.Instance, " ,<>&\"'\t\r\n/:") {
		return lifeline.Errorf(lifeline.EINVALID, op, "instance: expected a host name such as lifeline.example.org, found %q", o.Instance)
	}
	if o.Now.IsZero() {
		return lifeline.Errorf(lifeline.EINVALID, op, "now: the sending time is required")
	}
	return nil
}

// MaxDocument bounds the size of a document an import reads, so that a
// hostile file cannot exhaust memory.
const MaxDocument = 32 << 20

// MaxField bounds one field: an XML attribute or text, a CSV cell or a
// JSON string.
const MaxField = 1 << 20

// readAll reads r up to MaxDocument bytes, or fails naming the limit.
func readAll(op string, r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxDocument+1))
	if err != nil {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "reading the document: %v", err)
	}
	if len(b) > MaxDocument {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "the document is larger than %d MiB", MaxDocument>>20)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	return b, nil
}

// visible keeps the items v may see, in order. It is the one place exports
// ask the policy.
func visible[T any](v coord.Viewer, items []T, mark func(*T) coord.Marking) []*T {
	var out []*T
	for i := range items {
		if coord.CanSee(v, mark(&items[i])) {
			out = append(out, &items[i])
		}
	}
	return out
}

func incidentMarking(in *coord.Incident) coord.Marking { return in.Marking }
func needMarking(n *coord.Need) coord.Marking          { return n.Marking }
func offerMarking(o *coord.Offer) coord.Marking        { return o.Marking }
func matchMarking(m *coord.Match) coord.Marking        { return m.Marking }

// invalid returns an EINVALID error for an import, naming where.
func invalid(op, where, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if where != "" {
		msg = where + ": " + msg
	}
	return &lifeline.Error{Code: lifeline.EINVALID, Op: op, Message: msg}
}

// wrapInvalid names where a validation error of an imported value came
// from, keeping its message for people.
func wrapInvalid(op, where string, err error) error {
	msg := err.Error()
	var e *lifeline.Error
	if errors.As(err, &e) {
		msg = e.Message
	}
	return &lifeline.Error{Code: lifeline.EINVALID, Op: op, Message: where + ": " + msg}
}
