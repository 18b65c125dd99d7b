package impact

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"lifeline/internal/depcheck"
)

func TestDependencies(t *testing.T) {
	depcheck.Engine(t, "lifeline/impact", "lifeline/atlas/opencable", "lifeline/atlas/starter")
}

func TestEmptyScenarioChangesNothing(t *testing.T) {
	g := realGraph(t)
	r := simulate(t, g, "name: nothing\nevents: []\n", RunOptions{})
	if r.Samples != 1 {
		t.Errorf("samples = %d, want 1 for a scenario without chance", r.Samples)
	}
	if len(r.Countries) != len(g.Atlas().Countries) {
		t.Errorf("%d countries, want every one of the atlas's %d", len(r.Countries), len(g.Atlas().Countries))
	}
	for _, c := range r.Countries {
		if c.Reachable != c.ReachableBefore || c.CapacityLoss != 0 || c.CablesFailed != 0 || c.PopulationAffected != 0 {
			t.Errorf("%s changed: %+v", c.Country, c)
		}
	}
	f := r.Failed
	if n := len(f.Cables) + len(f.Segments) + len(f.LandingPoints) + len(f.Links) + len(f.Countries); n != 0 {
		t.Errorf("failed elements: %+v", f)
	}
}

// Cutting more never makes more reachable, nor loses less capacity.
func TestMoreCutsNeverReachMore(t *testing.T) {
	g := realGraph(t)
	a := g.Atlas()
	rng := rand.New(rand.NewPCG(1, 2))
	inService := a.InService()
	for trial := range 6 {
		var small, large []string
		for _, c := range inService {
			switch x := rng.IntN(20); {
			case x < 2:
				small = append(small, c.ID)
				large = append(large, c.ID)
			case x < 4+trial:
				large = append(large, c.ID)
			}
		}
		extra := fmt.Sprintf("  - shutdown: {country: %s}\n", a.Countries[rng.IntN(len(a.Countries))].Code)
		rs := byCountry(simulate(t, g, "name: s\nevents:\n  - cut_cables: ["+strings.Join(small, ", ")+"]\n", RunOptions{}))
		rl := byCountry(simulate(t, g, "name: l\nevents:\n  - cut_cables: ["+strings.Join(large, ", ")+"]\n"+extra, RunOptions{}))
		for code, s := range rs {
			l := rl[code]
			if l.Reachable && !s.Reachable {
				t.Errorf("trial %d: %s reachable after cutting more (%d cables) but not fewer (%d)", trial, code, len(large), len(small))
			}
			if l.CapacityLoss < s.CapacityLoss-1e-9 {
				t.Errorf("trial %d: %s loses %v after cutting more, %v after cutting fewer", trial, code, l.CapacityLoss, s.CapacityLoss)
			}
			if l.CablesFailed < s.CablesFailed {
				t.Errorf("trial %d: %s has %v failed cables after cutting more, %v after fewer", trial, code, l.CablesFailed, s.CablesFailed)
			}
		}
	}
}

// A cut on one side of a landing point never disconnects it from the
// other side: for every segment that ends at a landing point, failing it
// leaves the station joined to the far end of each other segment of the
// cable at that station.
func TestCutOneSideKeepsOtherSide(t *testing.T) {
	g := realGraph(t)
	a := g.Atlas()
	w := g.newWorkspace()
	st := g.newState()
	checked := 0
	for ci := range a.Cables {
		if !g.cableUsed[ci] {
			continue
		}
		segs := a.Cables[ci].Segments
		for _, cut := range segs {
			for end := range 2 {
				lp := g.segLP[cut][end]
				if lp < 0 {
					continue
				}
				for _, other := range segs {
					if other == cut || g.segEdge[other] < 0 {
						continue
					}
					var far int32 = -1
					switch lp {
					case g.segLP[other][0]:
						far = g.eV[g.segEdge[other]]
					case g.segLP[other][1]:
						far = g.eU[g.segEdge[other]]
					}
					if far < 0 {
						continue
					}
					st.reset()
					st.seg[cut] = true
					w.load(g, st)
					if !connected(g, w, g.lpCountry[lp], far) {
						t.Errorf("cutting %s disconnects %s from %s across %s", a.Segments[cut].ID, a.LandingPoints[lp].ID, g.nodeName(far), a.Segments[other].ID)
					}
					checked++
				}
			}
		}
	}
	if checked < 500 {
		t.Errorf("only %d cases checked", checked)
	}
}

// connected reports whether nodes x and y are joined by live edges.
func connected(g *Graph, w *workspace, x, y int32) bool {
	seen := make([]bool, g.nNode)
	q := []int32{x}
	seen[x] = true
	for i := 0; i < len(q); i++ {
		u := q[i]
		if u == y {
			return true
		}
		for _, a := range g.adjArc[g.adjStart[u]:g.adjStart[u+1]] {
			if v := g.arcHead[a]; w.cap[a] > 0 && !seen[v] {
				seen[v] = true
				q = append(q, v)
			}
		}
	}
	return false
}

// The same seed gives the same output byte for byte, whatever the number
// of workers.
func TestSameSeedSameOutput(t *testing.T) {
	g := realGraph(t)
	const storm = "name: storm\nevents:\n  - solar_storm: {spacing_km: 150, p: [0.1, 0.01, 0.001]}\n  - earthquake: {center: [120.5, 21.9], magnitude: 7.1}\n"
	_, out := sameForWorkers(t, g, storm, RunOptions{Samples: 300, Seed: 42, FlowSamples: 70})
	other := simulate(t, g, storm, RunOptions{Samples: 300, Seed: 43, FlowSamples: 70})
	if b, _ := json.Marshal(other); string(b) == out {
		t.Error("seeds 42 and 43 give the same output")
	}
}

func TestSolarStormCertain(t *testing.T) {
	g := realGraph(t)
	// Every repeater fails: every cable with a repeater dies, so only land
	// links remain; island countries are cut off.
	r := simulate(t, g, "name: all\nevents:\n  - solar_storm: {spacing_km: 1, p: [1, 1, 1]}\n", RunOptions{Samples: 50})
	if r.Samples != 1 {
		t.Errorf("samples = %d, want 1: certain failures need no sampling", r.Samples)
	}
	m := byCountry(r)
	for _, code := range []string{"TO", "IS", "MT", "AU", "NZ", "FJ"} {
		if m[code].Reachable {
			t.Errorf("%s reachable with every cable dead", code)
		}
	}
	for _, code := range []string{"FR", "AT", "CN"} {
		if !m[code].Reachable {
			t.Errorf("%s unreachable; it reaches the core over land", code)
		}
	}
}

func TestSolarStormSampling(t *testing.T) {
	g := realGraph(t)
	r := simulate(t, g, "name: storm\nevents:\n  - solar_storm: {spacing_km: 100, p: [1, 0.1, 0.01]}\n", RunOptions{Samples: 400, Seed: 7, FlowSamples: 50})
	if r.Samples != 400 || r.FlowSamples != 50 {
		t.Errorf("samples %d, flow samples %d; want 400, 50", r.Samples, r.FlowSamples)
	}
	m := byCountry(r)
	// Iceland's cables all land above 60°N: with p_high = 1 they all die.
	if is := m["IS"]; is.PUnreachable != 1 {
		t.Errorf("IS p_unreachable = %v, want 1", is.PUnreachable)
	}
	// Tonga's cable is low-latitude and 827 km long (reported): 8
	// repeaters at 1%.
	// Tonga reaches the world only through it and then Fiji, so it is cut
	// off at least as often as either fails.
	c, _ := g.Atlas().Cable("tonga-cable")
	p := SolarCableFailure(c, g.Atlas(), &SolarStorm{SpacingKm: 100, P: []float64{1, 0.1, 0.01}})
	if want := 1 - math.Pow(0.99, 8); c.LengthKm != 827 || math.Abs(p-want) > 1e-12 {
		t.Errorf("tonga-cable (%v km) fails with p = %v, want %v", c.LengthKm, p, want)
	}
	to, fj := m["TO"], m["FJ"]
	if to.PUnreachableCI[1] < p || to.PUnreachable < fj.PUnreachable {
		t.Errorf("TO p_unreachable = %v (interval %v); its cable fails with p = %v and Fiji is cut off with p = %v", to.PUnreachable, to.PUnreachableCI, p, fj.PUnreachable)
	}
	if !(to.PUnreachableCI[0] <= to.PUnreachable && to.PUnreachable <= to.PUnreachableCI[1]) {
		t.Errorf("TO interval %v does not hold its estimate %v", to.PUnreachableCI, to.PUnreachable)
	}
}

// An isolation removes the country: it is unreachable, and so is any
// neighbour that reached the world only through it (Lesotho lies inside
// South Africa). A routing shutdown cuts off the country only.
func TestShutdownCascades(t *testing.T) {
	g := realGraph(t)
	if m := byCountry(simulate(t, g, "name: za\nevents:\n  - shutdown: {country: ZA}\n", RunOptions{})); m["ZA"].Reachable || !m["LS"].Reachable || m["LS"].CapacityLoss != 0 {
		t.Errorf("routing shutdown of ZA: ZA reachable %v, LS reachable %v loss %v; want ZA cut off, LS untouched", m["ZA"].Reachable, m["LS"].Reachable, m["LS"].CapacityLoss)
	}
	m := byCountry(simulate(t, g, "name: za\nevents:\n  - isolation: {country: ZA}\n", RunOptions{}))
	if m["ZA"].Reachable || m["LS"].Reachable {
		t.Errorf("ZA reachable %v, LS reachable %v; want both false", m["ZA"].Reachable, m["LS"].Reachable)
	}
	if m["ZA"].CapacityLoss != 1 || m["LS"].PopulationAffected != m["LS"].Population {
		t.Errorf("ZA loss %v, LS affected %d of %d", m["ZA"].CapacityLoss, m["LS"].PopulationAffected, m["LS"].Population)
	}
	if !m["NA"].Reachable || !m["MZ"].Reachable {
		t.Error("NA or MZ unreachable; both have their own cables")
	}
}

func TestUnknownNamesListClosest(t *testing.T) {
	g := realGraph(t)
	tests := []struct{ doc, want string }{
		{"name: x\nevents:\n  - cut_cables: [tonga-cable]\n  - cut_cables: [WACS]\n", `event 2 (cut_cables): cable "WACS" not found; closest: West Africa Cable System (WACS)`},
		{"name: x\nevents:\n  - landing_points: [nukualofa]\n", `event 1 (landing_points): landing point "nukualofa" not found; closest: Nuku'alofa, Tonga, nukualofa-tonga`},
		{"name: x\nevents:\n  - cut: {cable: tonga-cable, at: [0, 0]}\n", `event 1 (cut): at: [0, 0] is`},
		{"name: x\nevents:\n  - links: [MR-SM]\n", `event 1 (links): terrestrial link "MR-SM" not found; closest: MR-SN`},
		{"name: x\nevents:\n  - shutdown: {country: Atlantis}\n", `event 1 (shutdown): country "Atlantis" not found`},
	}
	simulateErrs(t, g, tests)
}

func TestCancel(t *testing.T) {
	g := realGraph(t)
	sc, _ := ParseScenario(strings.NewReader("name: s\nevents:\n  - solar_storm: {spacing_km: 100, p: [1, 0.1, 0.01]}\n"), "x")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.Simulate(ctx, sc, RunOptions{Samples: 1000}); err == nil {
		t.Error("no error from a cancelled context")
	}
}
