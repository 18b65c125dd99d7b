package impact

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// The circuits of a state computed from a base state's (evalCircuitsFrom,
// which recomputes only the countries near a changed cable) are those
// computed from nothing (evalCircuits), on random failures.
func TestCircuitsFromBase(t *testing.T) {
	g := realGraph(t)
	a := g.atlas
	rng := rand.New(rand.NewPCG(7, 11))
	var used []int32
	for k := range a.Cables {
		if g.cableUsed[k] && len(a.Cables[k].Segments) > 0 {
			used = append(used, int32(k))
		}
	}
	for round := range 4 {
		// The base: some segments failed, some stations and countries down.
		base := g.newState()
		for s := range base.seg {
			base.seg[s] = rng.IntN(20) == 0
		}
		for l := range base.lp {
			base.lp[l] = round > 0 && rng.IntN(50) == 0
		}
		if round > 1 {
			base.down[rng.IntN(g.nCountry)] = true
			base.withdrawn[rng.IntN(g.nCountry)] = true
		}
		bcs := g.newCircuitScratch()
		g.evalCircuits(base, bcs)
		fast, plain := g.newCircuitScratch(), g.newCircuitScratch()
		st := g.newState()
		var changed []int32
		differ := 0
		for trial := range 60 {
			st.copyFrom(base)
			changed = changed[:0]
			for range 1 + rng.IntN(40) {
				k := used[rng.IntN(len(used))]
				changed = append(changed, k)
				for _, s := range a.Cables[k].Segments {
					if rng.IntN(3) == 0 {
						st.seg[s] = !st.seg[s]
					}
				}
			}
			g.evalCircuitsFrom(st, fast, bcs, changed)
			g.evalCircuits(st, plain)
			if !slices.Equal(fast.out, plain.out) || !slices.Equal(fast.direct, plain.direct) {
				for i := range plain.out {
					if fast.out[i] != plain.out[i] {
						t.Errorf("round %d, trial %d: country %d, region %d: %d Mbit/s from the base, %d from nothing",
							round, trial, i/len(g.regions), i%len(g.regions), fast.out[i], plain.out[i])
						break
					}
				}
				t.Fatalf("round %d, trial %d: circuits from the base differ (changed cables %v)", round, trial, changed)
			}
			if !slices.Equal(plain.out, bcs.out) {
				differ++
			}
		}
		if differ == 0 {
			t.Fatalf("round %d: no trial changed any circuit; the test compares nothing", round)
		}
	}
}

// BenchmarkStormCircuits is the circuits per region of 1,000 solar-storm
// samples, each from the likely outcome's as a sample computes them
// (evaluate): the part of BenchmarkStormFlow1000 that region.go does.
func BenchmarkStormCircuits(b *testing.B) {
	g, sc := benchScenario(b, stormScenario)
	p, err := g.compile(sc)
	if err != nil {
		b.Fatal(err)
	}
	g.prepare(p)
	base := g.newCircuitScratch()
	g.evalCircuits(g.likelyState(p), base)
	ev := g.newEvaluator(p)
	const n = 1000
	states := make([]*state, n)
	changed := make([][]int32, n)
	for i := range n {
		ev.sample(p, uint64(i), 1)
		states[i] = g.newState()
		states[i].copyFrom(ev.st)
		for gi, f := range ev.fired {
			if gr := &p.groups[gi]; f != gr.likely() {
				changed[i] = append(changed[i], gr.cables...)
			}
		}
	}
	reportCPU(b)
	for b.Loop() {
		for i := range n {
			g.evalCircuitsFrom(states[i], ev.cs, base, changed[i])
		}
	}
}
