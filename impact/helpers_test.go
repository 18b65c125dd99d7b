package impact

import (
	"context"
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
