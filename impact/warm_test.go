package impact

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// The warm-started max-flow (paths of the intact network and of a likely
// outcome, cut bounds, depth-first augmenting paths) gives the same value,
// to the Mbit/s, as Dinic's algorithm from zero, on random failure sets:
// segments, stations, land links and countries, light and heavy. One
// workspace serves every set, so the cuts kept from earlier sets are
// exercised as bounds.
func TestWarmFlowMatchesReference(t *testing.T) {
	g := realGraph(t)
	sc, err := ParseScenario(strings.NewReader(stormScenario), "storm.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := g.compile(sc)
	if err != nil {
		t.Fatal(err)
	}
	likely, likelyCut, _, _ := g.likelyPaths(p)
	w, ref := g.newWorkspace(), g.newWorkspace()
	st := g.newState()
	compared, differentFromIntact := 0, 0
	for set := range 40 {
		r := newRNG(99, uint64(set))
		q := []float64{0.01, 0.05, 0.2, 0.5}[set%4]
		st.reset()
		for s := range st.seg {
			st.seg[s] = r.float64() < q
		}
		for l := range st.lp {
			st.lp[l] = r.float64() < q/10
		}
		for l := range st.link {
			st.link[l] = r.float64() < q
		}
		for c := range st.down {
			switch x := r.float64(); {
			case x < q/20:
				st.down[c] = true
			case x < q/10:
				st.withdrawn[c] = true
			}
		}
		w.load(g, st)
		w.reach(g)
		ref.load(g, st)
		ref.reach(g)
		for c := range g.nCountry {
			unreach := !w.reached[c]
			want := g.countryLossReference(ref, st, c, unreach)
			var fast float64
			if set%2 == 0 {
				fast = g.countryLossFrom(w, st, c, unreach, likely, likelyCut, nil)
			} else {
				fast = g.countryLoss(w, st, c, unreach)
			}
			if fast != want {
				t.Fatalf("set %d (q = %v), %s: warm-started loss %v, from zero %v", set, q, g.atlas.Countries[c].Code, fast, want)
			}
			compared++
			if want > 0 && want < 1 {
				differentFromIntact++
			}
		}
	}
	if differentFromIntact < 1000 {
		t.Errorf("only %d of %d comparisons had a partial loss: the sets do not exercise the max-flow", differentFromIntact, compared)
	}
}

// Whole simulations agree byte for byte between the fast path (warm
// starts, circuits of changed cables only, reachability from components)
// and the reference computation.
func TestSimulateFastMatchesReference(t *testing.T) {
	g := realGraph(t)
	for _, doc := range []string{
		stormScenario,
		"name: strait\nevents:\n  - earthquake: {center: [120.5, 21.9], magnitude: 7.1}\n  - cut: {cable: seacomtata-tgn-eurasia, at: [42.3, 14.9]}\n",
		"name: routing\nevents:\n  - shutdown: {country: EG}\n  - solar_storm: {spacing_km: 150, p: [0.5, 0.05, 0.01]}\n",
	} {
		sc, err := ParseScenario(strings.NewReader(doc), "x.yaml")
		if err != nil {
			t.Fatal(err)
		}
		run := func(reference bool, opt RunOptions) string {
			referenceFlow = reference
			defer func() { referenceFlow = false }()
			r, err := g.Simulate(context.Background(), sc, opt)
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
		every := RunOptions{Samples: 40, Seed: 5, Workers: 2}
		if fast, slow := run(false, every), run(true, every); fast != slow {
			t.Errorf("%s: the fast path and the reference differ", sc.Name)
		}
		// Enough samples that the likely flows avoid risky arcs first.
		long := RunOptions{Samples: riskMinSamples, Seed: 8, Workers: 2}
		if fast, slow := run(false, long), run(true, long); fast != slow {
			t.Errorf("%s, %d samples: the fast path and the reference differ", sc.Name, riskMinSamples)
		}
		// Most samples compute reachability only (reachfast.go).
		few := RunOptions{Samples: 400, FlowSamples: 3, Seed: 6, Workers: 2}
		if fast, slow := run(false, few), run(true, few); fast != slow {
			t.Errorf("%s, reachability alone: the fast path and the reference differ", sc.Name)
		}
	}
}

// A sample's flows computed in turn, each bounded and perhaps settled by
// the cuts of those before it (share.go), equal Dinic's algorithm from
// zero for every country, on storm samples and on random failure sets;
// and the shared cuts do settle some countries without a flow.
func TestSharedCutsMatchReference(t *testing.T) {
	g := realGraph(t)
	sc, err := ParseScenario(strings.NewReader(stormScenario), "storm.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := g.compile(sc)
	if err != nil {
		t.Fatal(err)
	}
	g.prepare(p)
	p.riskFirst = true // as in a long run
	likely, likelyCut, likelySide, order := g.likelyPaths(p)
	ev := g.newEvaluator(p)
	w, ref, st := ev.w, g.newWorkspace(), ev.st
	share := g.newCutShare()
	share.likelySide = likelySide
	settled, bounded := 0, 0
	for set := range 60 {
		if set < 40 {
			ev.sample(p, uint64(set), 3) // a storm sample
		} else {
			r := newRNG(77, uint64(set))
			q := []float64{0.02, 0.1}[set%2]
			st.reset()
			for s := range st.seg {
				st.seg[s] = r.float64() < q
			}
			for l := range st.link {
				st.link[l] = r.float64() < q
			}
		}
		w.load(g, st)
		w.reach(g)
		ref.load(g, st)
		ref.reach(g)
		share.reset()
		for _, c := range order {
			c := int(c)
			unreach := !w.reached[c]
			if share.val[c] < math.MaxInt64 {
				bounded++
				if share.val[c] <= g.baseFlow[c] && share.meets(g, w, c) {
					settled++
				}
			}
			fast := g.countryLossFrom(w, st, c, unreach, likely, likelyCut, share)
			if want := g.countryLossReference(ref, st, c, unreach); fast != want {
				t.Fatalf("set %d, %s: loss with shared cuts %v, from zero %v", set, g.atlas.Countries[c].Code, fast, want)
			}
		}
	}
	if settled == 0 || bounded == settled {
		t.Errorf("shared cuts bounded %d flows and settled %d: the sets do not exercise them", bounded, settled)
	}
}
