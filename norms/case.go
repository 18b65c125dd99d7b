package norms

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"lifeline"
)

// maxCase bounds what DecodeCase reads.
const maxCase = 4 << 20

// DecodeCase reads a [Case] (an incident and its situations, the format of
// docs/norms.md) and validates it. Unknown fields are errors, so a
// misspelt field is not silently ignored. It returns EINVALID naming the
// file and line of a syntax error, or the first bad field.
func DecodeCase(r io.Reader, name string) (Case, error) {
	const op = "norms.DecodeCase"
	data, err := io.ReadAll(io.LimitReader(r, maxCase+1))
	if err != nil {
		return Case{}, fmt.Errorf("read %s: %w", name, err)
	}
	if len(data) > maxCase {
		return Case{}, lifeline.Errorf(lifeline.EINVALID, op, "%s: larger than %d bytes", name, maxCase)
	}
	var c Case
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Case{}, lifeline.Errorf(lifeline.EINVALID, op, "%s: %s", name, jsonProblem(data, err))
	}
	if dec.More() {
		return Case{}, lifeline.Errorf(lifeline.EINVALID, op, "%s: unexpected data after the case object", name)
	}
	if _, err := Derive(c.Incident, c.Situations); err != nil {
		return Case{}, lifeline.Errorf(lifeline.EINVALID, op, "%s: %s", name, message(err))
	}
	return c, nil
}

// message returns the message of a *lifeline.Error without its op.
func message(err error) string {
	if e, ok := err.(*lifeline.Error); ok {
		return e.Message
	}
	return err.Error()
}
