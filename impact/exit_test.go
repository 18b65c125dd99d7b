package impact

import (
	"math"
	"testing"
)

// A cable's circuits to a region it does not reach are handed over at one
// landing fixed before the failure: FALCON's circuits to Europe are handed
// over in Egypt (exit.go), so a cut in the Gulf of Suez loses them, while
// FALCON still joins Kuwait to India and Oman, whose own cables reach
// Europe. Counted at the best landing left after the cut, as before the
// rule, they were not lost at all.
func TestHandoverFixedBeforeTheFailure(t *testing.T) {
	g := graphAsOf(t, 2020)
	m := byCountry(simulate(t, g, "name: falcon\nevents:\n  - cut: {cable: falcon, at: [32.6, 29.6]}\n", RunOptions{}))
	for _, code := range []string{"KW", "SD"} {
		r := regionOf(t, m[code], "Europe")
		if r.DirectBeforeGbps != 0 || r.CircuitsBeforeGbps <= 0 {
			t.Fatalf("%s to Europe: %+v; want circuits through neighbours only", code, r)
		}
		if r.CircuitLoss < 0.1 {
			t.Errorf("%s to Europe with FALCON cut at Suez: loss %v; want its FALCON circuits, handed over in Egypt, lost", code, r.CircuitLoss)
		}
	}
	// The intact circuits do not depend on where they are handed over.
	g0 := byCountry(simulate(t, g, "name: none\nevents:\n  - links: [FR-ES]\n", RunOptions{}))
	if a, b := regionOf(t, g0["KW"], "Europe").CircuitsBeforeGbps, regionOf(t, m["KW"], "Europe").CircuitsBeforeGbps; a != b {
		t.Errorf("KW circuits to Europe before: %v and %v", a, b)
	}
}

// circuit_loss is the regions' circuit losses weighed by the country's own
// circuits to each (by all its circuits when it has none of its own), and
// failing more never makes it smaller.
func TestCircuitLossWeighed(t *testing.T) {
	g := realGraph(t)
	steps := []string{
		"  - cut_cables: [west-africa-cable-system-wacs]\n",
		"  - cut_cables: [africa-coast-to-europe-ace, sat-3wasc]\n",
		"  - shutdown: {country: NG}\n",
	}
	sc := "name: more\nevents:\n"
	prev := map[string]float64{}
	checked := 0
	for i, st := range steps {
		sc += st
		for _, c := range simulate(t, g, sc, RunOptions{}).Countries {
			var w, l, wAll, lAll, worst float64
			for _, r := range c.Regions {
				w += r.DirectBeforeGbps
				l += r.DirectBeforeGbps * r.CircuitLoss
				wAll += r.CircuitsBeforeGbps
				lAll += r.CircuitsBeforeGbps * r.CircuitLoss
				worst = max(worst, r.CircuitLoss)
			}
			want := 0.0
			switch {
			case w > 0:
				want = l / w
			case wAll > 0:
				want = lAll / wAll
			}
			if math.Abs(c.CircuitLoss-want) > 1e-6 || c.CircuitLoss > worst+1e-9 {
				t.Errorf("step %d: %s circuit loss %v; want %v, at most the worst region's %v", i+1, c.Country, c.CircuitLoss, want, worst)
			}
			if c.CircuitLoss > 0 {
				checked++
			}
			if p, ok := prev[c.Country]; ok && c.CircuitLoss < p-1e-9 {
				t.Errorf("step %d: %s circuit loss fell from %v to %v", i+1, c.Country, p, c.CircuitLoss)
			}
			prev[c.Country] = c.CircuitLoss
		}
	}
	if checked == 0 {
		t.Fatal("no country lost any circuit; the test compares nothing")
	}
	m := byCountry(simulate(t, g, sc, RunOptions{}))
	if m["NG"].CircuitLoss != 1 {
		t.Errorf("NG shut down: circuit loss %v; want 1", m["NG"].CircuitLoss)
	}
}
