package norms

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"lifeline"
)

// Schema is the version of the catalogue format this package reads.
const Schema = 1

// Catalogue is a validated list of entries, in the order they are listed
// (the order findings come in). It is read-only and safe for concurrent use.
type Catalogue struct {
	Entries []Entry
	byID    map[string]int
}

// Entry is one article, rule, paragraph or holding.
type Entry struct {
	ID          string   `json:"id"`                    // lower case, digits and hyphens, e.g. "iccpr-19-3"
	Instrument  string   `json:"instrument"`            // the full name of the instrument
	Citation    string   `json:"citation"`              // article and paragraph, e.g. "Article 19(3)"
	Kind        string   `json:"kind"`                  // one of Kinds
	Topic       string   `json:"topic"`                 // one of the names of Topics
	Date        string   `json:"date"`                  // adoption, signature or decision, YYYY-MM-DD
	Binds       []string `json:"binds"`                 // whom it binds or addresses, from Addressees
	Summary     string   `json:"summary"`               // in our words; short quotations marked and cited
	SourceURL   string   `json:"source_url"`            // the official text
	Checked     string   `json:"checked"`               // where the citation was checked
	Unconfirmed string   `json:"unconfirmed,omitempty"` // what could not be confirmed, if anything
	Note        string   `json:"note,omitempty"`        // interpretation caveats
	Applies     []Rule   `json:"applies"`               // the entry applies when any rule holds
}

// Rule is one set of conditions under which an entry applies: every clause
// in When must hold (a clause holds when the incident or its context has at
// least one of the listed values of that field). Because says, in a
// sentence, why the entry applies when the rule holds.
type Rule struct {
	When    map[string][]string `json:"when"`
	Because string              `json:"because"`
}

// Clauses returns the rule's field names in the order findings explain them.
func (r Rule) Clauses() []string {
	names := slices.Collect(maps.Keys(r.When))
	slices.SortFunc(names, func(a, b string) int { return fieldOrder(a) - fieldOrder(b) })
	return names
}

// Mentions reports whether any rule of the entry tests field.
func (e *Entry) Mentions(field string) bool {
	for _, r := range e.Applies {
		if _, ok := r.When[field]; ok {
			return true
		}
	}
	return false
}

// Entry returns the entry with the given id.
func (c *Catalogue) Entry(id string) (*Entry, bool) {
	i, ok := c.byID[id]
	if !ok {
		return nil, false
	}
	return &c.Entries[i], true
}

//go:embed catalogue.json
var embedded []byte

var (
	defaultOnce sync.Once
	defaultCat  *Catalogue
	defaultErr  error
)

// Default returns the embedded catalogue. It is decoded once; an error means
// the build carries a broken catalogue, which the package tests rule out.
func Default() (*Catalogue, error) {
	defaultOnce.Do(func() {
		defaultCat, defaultErr = Decode(bytes.NewReader(embedded), "norms/catalogue.json")
	})
	return defaultCat, defaultErr
}

const decodeOp = "norms.Decode"

// maxCatalogue bounds what Decode reads, so a wrong file cannot exhaust memory.
const maxCatalogue = 8 << 20

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Decode reads and validates a catalogue in the format of docs/norms.md.
// name is used in messages (a file name). It returns EINVALID naming the
// line of a syntax error, or the entry and field of the first invalid value,
// with what was expected and what was found.
func Decode(r io.Reader, name string) (*Catalogue, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxCatalogue+1))
	if err != nil {
		return nil, fmt.Errorf("read catalogue %s: %w", name, err)
	}
	if len(data) > maxCatalogue {
		return nil, lifeline.Errorf(lifeline.EINVALID, decodeOp, "%s: larger than %d bytes", name, maxCatalogue)
	}
	var doc struct {
		Schema  int     `json:"schema"`
		Entries []Entry `json:"entries"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, lifeline.Errorf(lifeline.EINVALID, decodeOp, "%s: %s", name, jsonProblem(data, err))
	}
	if dec.More() {
		return nil, lifeline.Errorf(lifeline.EINVALID, decodeOp, "%s: unexpected data after the catalogue object", name)
	}
	if doc.Schema != Schema {
		return nil, lifeline.Errorf(lifeline.EINVALID, decodeOp, "%s: schema: expected %d, found %d", name, Schema, doc.Schema)
	}
	if len(doc.Entries) == 0 {
		return nil, lifeline.Errorf(lifeline.EINVALID, decodeOp, "%s: entries: expected at least one entry", name)
	}
	c := &Catalogue{Entries: doc.Entries, byID: make(map[string]int, len(doc.Entries))}
	for i := range c.Entries {
		e := &c.Entries[i]
		if err := e.validate(); err != nil {
			return nil, lifeline.Errorf(lifeline.EINVALID, decodeOp, "%s: entry %d (%s): %s", name, i+1, quoteID(e.ID), err)
		}
		if j, dup := c.byID[e.ID]; dup {
			return nil, lifeline.Errorf(lifeline.EINVALID, decodeOp, "%s: entry %d: id %q is already used by entry %d", name, i+1, e.ID, j+1)
		}
		c.byID[e.ID] = i
	}
	return c, nil
}

func quoteID(id string) string {
	if id == "" {
		return "no id"
	}
	return fmt.Sprintf("%q", id)
}

// jsonProblem turns a decoding error into a sentence with a line number.
func jsonProblem(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tim *time.ParseError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("line %d: %s", lineAt(data, syn.Offset), strings.TrimPrefix(syn.Error(), "json: "))
	case errors.As(err, &typ):
		return fmt.Sprintf("line %d: field %s: expected %s, found a JSON %s", lineAt(data, typ.Offset), typ.Field, typ.Type, typ.Value)
	case errors.As(err, &tim):
		return fmt.Sprintf("a date and time: expected RFC 3339 such as \"2026-11-05T06:00:00Z\", found %q", tim.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the file ends before the catalogue object does"
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if f, ok := strings.CutPrefix(msg, "unknown field "); ok {
		return "unknown field " + f + " (see the schema in docs/norms.md)"
	}
	return msg
}

func lineAt(data []byte, offset int64) int {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	return 1 + bytes.Count(data[:offset], []byte("\n"))
}

func (e *Entry) validate() error {
	if !idPattern.MatchString(e.ID) || len(e.ID) > 80 {
		return fmt.Errorf("id: expected lower-case letters, digits and single hyphens (at most 80), found %q", e.ID)
	}
	for _, f := range []struct{ name, value string }{
		{"instrument", e.Instrument}, {"citation", e.Citation}, {"summary", e.Summary}, {"checked", e.Checked},
	} {
		if strings.TrimSpace(f.value) == "" {
			return fmt.Errorf("%s: required", f.name)
		}
		if len(f.value) > 4000 {
			return fmt.Errorf("%s: at most 4000 bytes", f.name)
		}
	}
	if !slices.Contains(Kinds, e.Kind) {
		return fmt.Errorf("kind: expected one of %s, found %q", strings.Join(Kinds, ", "), e.Kind)
	}
	if _, ok := TopicByName(e.Topic); !ok {
		return fmt.Errorf("topic: expected one of %s, found %q", strings.Join(topicNames(), ", "), e.Topic)
	}
	if _, err := time.Parse(time.DateOnly, e.Date); err != nil {
		return fmt.Errorf("date: expected YYYY-MM-DD, found %q", e.Date)
	}
	if len(e.Binds) == 0 {
		return fmt.Errorf("binds: expected at least one of %s", strings.Join(Addressees, ", "))
	}
	for i, b := range e.Binds {
		if !slices.Contains(Addressees, b) {
			return fmt.Errorf("binds[%d]: expected one of %s, found %q", i, strings.Join(Addressees, ", "), b)
		}
	}
	u, err := url.Parse(e.SourceURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("source_url: expected an http(s) URL, found %q", e.SourceURL)
	}
	if len(e.Applies) == 0 {
		return fmt.Errorf("applies: expected at least one rule")
	}
	for i, r := range e.Applies {
		if err := r.validate(); err != nil {
			return fmt.Errorf("applies[%d].%s", i, err)
		}
	}
	return nil
}

func (r Rule) validate() error {
	if len(r.When) == 0 {
		return fmt.Errorf("when: expected at least one clause")
	}
	for _, name := range slices.Sorted(maps.Keys(r.When)) {
		f, ok := FieldByName(name)
		if !ok {
			return fmt.Errorf("when: unknown field %q; expected one of %s", name, strings.Join(fieldNames(), ", "))
		}
		if len(r.When[name]) == 0 {
			return fmt.Errorf("when.%s: expected at least one value", name)
		}
		for _, v := range r.When[name] {
			if !f.Has(v) {
				return fmt.Errorf("when.%s: expected one of %s, found %q", name, strings.Join(f.ValueNames(), ", "), v)
			}
		}
	}
	if strings.TrimSpace(r.Because) == "" {
		return fmt.Errorf("because: required: say in a sentence why the entry applies")
	}
	return nil
}

func fieldNames() []string {
	out := make([]string, len(Fields))
	for i, f := range Fields {
		out[i] = f.Name
	}
	return out
}
