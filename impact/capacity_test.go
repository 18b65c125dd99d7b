package impact

import (
	"context"
	"testing"
)

// The countries that ACE alone served in 2018 (Oracle Internet
// Intelligence: The Gambia, Guinea, Guinea-Bissau, Liberia, Mauritania,
// Sierra Leone) depend on it today too: their land borders carry at most a
// few tens of Gbit/s, so losing ACE costs each nearly all its capacity.
func TestACEOnlyCountriesAreSingleCableDependent(t *testing.T) {
	g := realGraph(t)
	m := byCountry(simulate(t, g, "name: ace\nevents:\n  - cut_cables: [africa-coast-to-europe-ace]\n", RunOptions{}))
	for _, code := range []string{"GM", "GN", "GW", "LR", "MR", "SL"} {
		if c := m[code]; c.CapacityLoss < 0.9 {
			t.Errorf("%s loses %.1f%% of its capacity when ACE fails; want at least 90%%", code, 100*c.CapacityLoss)
		}
	}
	// Neighbours with other cables keep most of theirs.
	for _, code := range []string{"SN", "NG"} {
		if c := m[code]; c.CapacityLoss > 0.5 || !c.Reachable {
			t.Errorf("%s loses %.1f%%; it has other cables", code, 100*c.CapacityLoss)
		}
	}
}

// The border default is a sensitivity parameter: more capacity across
// unknown borders never makes a cut cost a country more.
func TestBorderSensitivity(t *testing.T) {
	a := realGraph(t).Atlas()
	const sc = "name: ace\nevents:\n  - cut_cables: [africa-coast-to-europe-ace]\n"
	prev := map[string]float64{}
	for i, gbps := range []float64{10, 100, 1000, 10000} {
		g, err := NewGraph(a, Options{BorderGbps: gbps})
		if err != nil {
			t.Fatal(err)
		}
		m := byCountry(simulate(t, g, sc, RunOptions{}))
		for _, code := range []string{"LR", "SL", "CI"} {
			if i > 0 && m[code].CapacityLoss > prev[code]+1e-9 {
				t.Errorf("%s: loss %v at %v Gbit/s per border, %v with less", code, m[code].CapacityLoss, gbps, prev[code])
			}
			prev[code] = m[code].CapacityLoss
		}
	}
	if _, err := NewGraph(a, Options{BorderGbps: -1}); err == nil {
		t.Error("negative border capacity accepted")
	}
}

// assess names ACE for Liberia: not a cut-off (a thin border link is
// assumed), but a capacity-critical cable, and the score says so.
func TestAssessNamesCapacityCritical(t *testing.T) {
	g := realGraph(t)
	ps, err := g.Assess(context.Background(), []string{"LR"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	lr := ps[0]
	found := false
	for _, c := range lr.Critical {
		if c.Kind == "cable" && c.ID == "africa-coast-to-europe-ace" && c.Loss > 0.9 {
			found = true
		}
	}
	if !found {
		t.Errorf("LR critical %+v; want ACE with more than 90%% lost", lr.Critical)
	}
	if lr.WorstSingleLoss < 0.9 || lr.ScoreN1 > 4 || lr.Score > 60 {
		t.Errorf("LR worst single loss %v, N-1 part %v, score %d; want a low score for a single-cable country", lr.WorstSingleLoss, lr.ScoreN1, lr.Score)
	}
	if s := lr.Inputs.Reported + lr.Inputs.Estimated + lr.Inputs.Assumed; s < 0.999 || s > 1.001 || lr.Inputs.Reported < 0.5 {
		t.Errorf("LR inputs %+v; want shares summing to 1, mostly reported (ACE's figure is published)", lr.Inputs)
	}
}
