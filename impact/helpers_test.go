package impact

import (
	"context"
	"encoding/json"
	"lifeline"
	"strings"
	"sync"
	"testing"

	"lifeline/atlas"
	"lifeline/atlas/opencable"
	"lifeline/internal/shareddata"
)

var real struct {
	once  sync.Once
	atlas *atlas.Atlas
	graph *Graph
	err   error
}

// realGraph compiles the full open cable map dataset once for all tests,
// or skips when the shared data is absent.
func realGraph(tb testing.TB) *Graph {
	tb.Helper()
	dir := shareddata.Path(tb, "cables")
	real.once.Do(func() {
		real.atlas, real.err = opencable.Load(dir)
		if real.err == nil {
			real.graph, real.err = NewGraph(real.atlas, Options{})
		}
	})
	if real.err != nil {
		tb.Fatal(real.err)
	}
	return real.graph
}

// simulate parses a scenario and runs it.
func simulate(tb testing.TB, g *Graph, yaml string, opt RunOptions) *Result {
	tb.Helper()
	sc, err := ParseScenario(strings.NewReader(yaml), "test.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	r, err := g.Simulate(context.Background(), sc, opt)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// byCountry indexes a result's countries by code.
func byCountry(r *Result) map[string]CountryImpact {
	m := make(map[string]CountryImpact, len(r.Countries))
	for _, c := range r.Countries {
		m[c.Country] = c
	}
	return m
}

// sameForWorkers runs the scenario with 1, 2 and 3 workers and fails the
// test unless the three outputs are the same byte for byte; it returns
// the run with one worker and its JSON.
func sameForWorkers(tb testing.TB, g *Graph, yaml string, opt RunOptions) (*Result, string) {
	tb.Helper()
	var first *Result
	var outs []string
	for _, workers := range []int{1, 2, 3} {
		opt.Workers = workers
		r := simulate(tb, g, yaml, opt)
		b, err := json.Marshal(r)
		if err != nil {
			tb.Fatal(err)
		}
		if first == nil {
			first = r
		}
		outs = append(outs, string(b))
	}
	if outs[0] != outs[1] || outs[0] != outs[2] {
		tb.Error("outputs differ between 1, 2 and 3 workers")
	}
	return first, outs[0]
}

// simulateErrs runs each scenario and checks that it is refused with an
// error that contains want and has the code of a name not found or of an
// invalid scenario.
func simulateErrs(t *testing.T, g *Graph, tests []struct{ doc, want string }) {
	t.Helper()
	for _, tt := range tests {
		sc, err := ParseScenario(strings.NewReader(tt.doc), "x.yaml")
		if err != nil {
			t.Fatal(err)
		}
		_, err = g.Simulate(context.Background(), sc, RunOptions{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("error %v, want it to contain %q", err, tt.want)
		}
		if c := lifeline.ErrorCode(err); c != lifeline.ENOTFOUND && c != lifeline.EINVALID {
			t.Errorf("code %q", c)
		}
	}
}

// parseErrs parses each scenario and checks that it is refused as invalid
// with an error that contains every string of want.
func parseErrs(t *testing.T, tests []struct {
	name, doc string
	want      []string
}) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseScenario(strings.NewReader(tt.doc), "bad.yaml")
			if err == nil {
				t.Fatal("no error")
			}
			if lifeline.ErrorCode(err) != lifeline.EINVALID {
				t.Errorf("code %q, want %q", lifeline.ErrorCode(err), lifeline.EINVALID)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
