package watch

import (
	"strings"
	"testing"
)

// FuzzReadCSV checks that no input makes ReadCSV panic and that what it
// accepts is bounded: every series has a positive step and no more bins
// than the grid budget of the points read allows.
func FuzzReadCSV(f *testing.F) {
	f.Add("entity,time,value\ncountry/IR,2024-01-01T00:00:00Z,1\nIR,2024-01-01T00:05:00Z,2\n")
	f.Add("AS1,0,1\nAS1,300,\nAS1,900,3\n# comment\n")
	f.Add("value,entity,time\n1,Iran,2024-01-01 00:00\n")
	f.Add("IR,0,1\nIR,1,1\nIR,253402300799,1\n")
	f.Fuzz(func(t *testing.T, in string) {
		series, err := ReadCSV(strings.NewReader(in), CSVOptions{Name: "fuzz.csv", Kind: KindBGP})
		if err != nil {
			return
		}
		bins := 0
		for _, s := range series {
			if s.Step <= 0 || len(s.Values) == 0 || len(s.Values) > MaxPoints {
				t.Fatalf("series %s: step %v, %d values", s.Key, s.Step, len(s.Values))
			}
			bins += len(s.Values)
		}
		if lines := strings.Count(in, "\n") + 1; bins > gridBudget(lines) {
			t.Fatalf("%d bins from %d lines", bins, lines)
		}
	})
}
