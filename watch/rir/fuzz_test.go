package rir

import (
	"os"
	"strings"
	"testing"
)

// FuzzRead checks that no input makes Read panic, and that whatever it
// accepts gives a table whose ranges are sorted and disjoint and whose
// lookups agree with them.
func FuzzRead(f *testing.F) {
	seed, err := os.ReadFile("testdata/delegated-test-extended")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(seed))
	f.Add("2|arin|1|1|1|1|0\narin|US|asn|1|4294967295|20100101|assigned|x\n")
	f.Add("2|x|\nx|AA|asn|5|3||allocated|\nx|BB|asn|6|1|20200101|allocated|\n")
	f.Fuzz(func(t *testing.T, in string) {
		var b Builder
		if err := b.Read(strings.NewReader(in), "fuzz"); err != nil {
			return
		}
		tab := b.Table()
		rs := tab.Ranges()
		for i, r := range rs {
			if r.First > r.Last || i > 0 && rs[i-1].Last >= r.First {
				t.Fatalf("ranges not sorted and disjoint: %+v", rs)
			}
			if cc, ok := tab.Country(r.First); !ok || cc != r.Country {
				t.Fatalf("Country(%d) = %q, range says %q", r.First, cc, r.Country)
			}
		}
	})
}
