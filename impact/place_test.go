package impact

import (
	"context"
	"strings"
	"testing"

	"lifeline"
)

// Cutting every cable that lands in Shetland cuts Shetland off and leaves
// Great Britain reachable; a cut elsewhere leaves it reachable; an unknown
// place is refused with the list of places.
func TestPlaces(t *testing.T) {
	g := realGraph(t)
	sh, err := g.Atlas().Place("shetland")
	if err != nil {
		t.Fatal(err)
	}
	var cabs []string
	for _, c := range g.Atlas().Cables {
		if c.Planned {
			continue
		}
		for _, lp := range c.LandingPoints {
			if strings.Contains(strings.Join(sh.LandingPoints, " "), lp) {
				cabs = append(cabs, c.ID)
				break
			}
		}
	}
	if len(cabs) == 0 {
		t.Fatal("no cable lands in Shetland")
	}
	run := func(cut []string) PlaceImpact {
		doc := "name: shetland\nplaces: [Shetland, canary-islands]\nevents:\n  - cut_cables: [" + strings.Join(cut, ", ") + "]\n"
		r := simulate(t, g, doc, RunOptions{})
		if len(r.Places) != 2 || r.Places[0].Place != "shetland" || r.Places[1].Place != "canary-islands" {
			t.Fatalf("places: %+v", r.Places)
		}
		if !r.Places[1].Reachable || !byCountry(r)["GB"].Reachable {
			t.Errorf("cutting Shetland's cables (%v) cuts off the Canary Islands or Great Britain", cut)
		}
		return r.Places[0]
	}
	if p := run(cabs); p.Reachable || p.PUnreachable != 1 || p.CablesFailed != float64(len(cabs)) {
		t.Errorf("all of Shetland's cables cut: %+v", p)
	}
	if p := run([]string{"tonga-cable"}); !p.Reachable || p.PUnreachable != 0 || p.CablesTotal != len(cabs) {
		t.Errorf("Shetland's cables (%v) intact: %+v", cabs, p)
	}
	sc, err := ParseScenario(strings.NewReader("name: x\nplaces: [atlantis]\nevents:\n  - cut_cables: ["+cabs[0]+"]\n"), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = g.Simulate(context.Background(), sc, RunOptions{})
	if lifeline.ErrorCode(err) != lifeline.ENOTFOUND || !strings.Contains(err.Error(), "shetland") {
		t.Errorf("unknown place: %v", err)
	}
}

// SHEFA-2 leaves Shetland north to the Faroe Islands, past a branching
// unit to two oil platforms, and south to Orkney. Broken to the south
// only, Shetland keeps its way out through the Faroe Islands; broken on
// both sides, it is cut off, although its stations still reach the
// platforms, which the dataset files as landing points of the United
// Kingdom (atlas/offshore.csv): a platform is not a way out.
func TestPlaceOffshorePlatforms(t *testing.T) {
	g := realGraph(t)
	run := func(events string) PlaceImpact {
		t.Helper()
		r := simulate(t, g, "name: shetland\nplaces: [shetland]\nevents:\n"+events, RunOptions{})
		return r.Places[0]
	}
	const south = "  - cut: {cable: shefa-2, at: [-2.2, 59.2]}\n"
	const north = "  - cut: {cable: shefa-2, at: [-6.0, 61.8]}\n"
	if p := run(south); !p.Reachable {
		t.Errorf("SHEFA-2 cut south of Shetland: %+v; want reachable through the Faroe Islands", p)
	}
	if p := run(south + north); p.Reachable {
		t.Errorf("SHEFA-2 cut on both sides of Shetland: %+v; want cut off, the platforms being no way out", p)
	}
}
