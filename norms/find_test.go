package norms

import (
	"slices"
	"strings"
	"testing"
)

func ids(es []*Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

func TestFind(t *testing.T) {
	c := mustDefault(t)
	if got := c.Find(Query{}); len(got) != len(c.Entries) {
		t.Errorf("the empty query finds %d of %d entries", len(got), len(c.Entries))
	}
	for _, tc := range []struct {
		name string
		q    Query
		want []string // exactly these, in catalogue order
	}{
		// Written from the catalogue's text: the four Tampere entries name
		// the Convention in their instrument, and Resolution 136's summary
		// recalls it.
		{"instrument word", Query{Text: "tampere"}, []string{"itu-pp-res-136", "tampere-4", "tampere-5", "tampere-8", "tampere-9"}},
		{"every word must occur", Query{Text: "TAMPERE  coordinator"}, []string{"tampere-4", "tampere-8"}},
		{"citation", Query{Text: "principle 38(2)"}, []string{"achpr-declaration-2019-p38-2"}},
		{"topic", Query{Topic: "law_of_the_sea"}, []string{"unclos-113", "unclos-114", "unclos-115", "cable-convention-1884-2", "cable-convention-1884-15"}},
		{"kind and topic", Query{Kind: "judgment", Topic: "regional_systems", Text: "ecowas"}, []string{"ecowas-amnesty-togo-2020", "ecowas-serap-nigeria-2022"}},
		{"binds", Query{Binds: "investigators"}, []string{"berkeley-protocol"}},
		{"nothing", Query{Text: "no such words anywhere"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ids(c.Find(tc.q)); !slices.Equal(got, tc.want) {
				t.Errorf("Find(%+v) = %v, want %v", tc.q, got, tc.want)
			}
		})
	}
	for _, e := range c.Find(Query{Binds: "operators", Unconfirmed: true}) {
		if e.Unconfirmed == "" || !slices.Contains(e.Binds, "operators") {
			t.Errorf("%s: does not match the query", e.ID)
		}
	}
}

func TestConditions(t *testing.T) {
	r := Rule{When: map[string][]string{
		"situation": {"state_of_emergency"},
		"kind":      {"shutdown", "throttling"},
		"region":    {"echr"},
	}, Because: "B"}
	want := []string{
		"the incident is a shutdown, or the incident is a throttling (deliberate slowdown)",
		"an affected country is a party to the European Convention on Human Rights",
		"the recorded context of an affected country is a declared state of emergency",
	}
	if got := r.Conditions(); !slices.Equal(got, want) {
		t.Errorf("Conditions() =\n%q\nwant\n%q", got, want)
	}
	for _, e := range mustDefault(t).Entries {
		for i, r := range e.Applies {
			for _, s := range r.Conditions() {
				if strings.Contains(s, "_") {
					t.Errorf("%s: rule %d: a condition reads like an identifier: %q", e.ID, i, s)
				}
			}
		}
	}
}
