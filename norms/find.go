package norms

import (
	"slices"
	"strings"
)

// Query narrows the catalogue: every field that is set must hold. Text is
// split into words, each of which must occur (ignoring case) in the
// entry's id, instrument, citation or summary.
type Query struct {
	Text        string
	Kind        string // a value of Kinds
	Binds       string // a value of Addressees
	Topic       string // a name of Topics
	Unconfirmed bool   // only entries with something not confirmed
}

// Find returns the entries that match q, in catalogue order. An empty
// query returns every entry.
func (c *Catalogue) Find(q Query) []*Entry {
	words := strings.Fields(strings.ToLower(q.Text))
	var out []*Entry
	for i := range c.Entries {
		e := &c.Entries[i]
		if q.Kind != "" && e.Kind != q.Kind || q.Topic != "" && e.Topic != q.Topic ||
			q.Binds != "" && !slices.Contains(e.Binds, q.Binds) || q.Unconfirmed && e.Unconfirmed == "" {
			continue
		}
		if len(words) > 0 {
			hay := strings.ToLower(e.ID + " " + e.Instrument + " " + e.Citation + " " + e.Summary)
			if !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(hay, w) }) {
				out = append(out, e)
			}
			continue
		}
		out = append(out, e)
	}
	return out
}

// Conditions says the rule's clauses in words, one sentence per clause in
// the order findings explain them; the rule holds when all of them do.
// For example {"kind": ["shutdown", "throttling"], "situation":
// ["state_of_emergency"]} reads "the incident is a shutdown, or the
// incident is a throttling (deliberate slowdown)" and "the recorded
// context of an affected country is a declared state of emergency".
func (r Rule) Conditions() []string {
	out := make([]string, 0, len(r.When))
	for _, name := range r.Clauses() {
		f, _ := FieldByName(name)
		phrases := make([]string, len(r.When[name]))
		for i, v := range r.When[name] {
			switch name {
			case "region":
				phrases[i] = "an affected country " + f.phrase(v)
			case "situation":
				phrases[i] = "the recorded context of an affected country is " + f.phrase(v)
			default:
				phrases[i] = f.phrase(v)
			}
		}
		out = append(out, strings.Join(phrases, ", or "))
	}
	return out
}
