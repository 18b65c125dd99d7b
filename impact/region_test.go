package impact

import (
	"strings"
	"testing"
)

func regionOf(tb testing.TB, c CountryImpact, name string) RegionImpact {
	tb.Helper()
	for _, r := range c.Regions {
		if r.Region == name {
			return r
		}
	}
	tb.Fatalf("%s: no region %q in %+v", c.Country, name, c.Regions)
	return RegionImpact{}
}

func TestParseRegions(t *testing.T) {
	rs, err := ParseRegions("Europe=GB, FR,DE; Asia=JP")
	if err != nil || len(rs) != 2 || rs[0].Name != "Europe" || len(rs[0].Countries) != 3 || rs[1].Countries[0] != "JP" {
		t.Fatalf("%+v, %v", rs, err)
	}
	for _, bad := range []string{"Europe", "=GB", "Europe="} {
		if _, err := ParseRegions(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	a := realGraph(t).Atlas()
	if _, err := NewGraph(a, Options{Regions: []WorldRegion{{"X", []string{"France"}}}}); err == nil || !strings.Contains(err.Error(), "France") {
		t.Errorf("a name instead of a code: %v", err)
	}
}

// A cut cable's circuits are lost to the region it reached, even where a
// detour over other countries' cables keeps the country's max-flow whole.
func TestRegionCircuits(t *testing.T) {
	g := realGraph(t)
	m := byCountry(simulate(t, g, "name: ace\nevents:\n  - cut_cables: [africa-coast-to-europe-ace]\n", RunOptions{}))
	lr := regionOf(t, m["LR"], "Europe")
	if lr.CircuitLoss < 0.9 || !lr.Reachable || lr.CircuitsBeforeGbps <= 0 {
		t.Errorf("LR to Europe: %+v; want nearly all circuits lost, still reachable over land", lr)
	}
	// A country's own region counts through its other countries.
	// ACE joined France to Portugal: those circuits are lost, a small share.
	if fr, ok := findRegion(m["FR"], "Europe"); !ok || fr.CircuitsBeforeGbps <= 0 || fr.CircuitLoss <= 0 || fr.CircuitLoss > 0.1 || !fr.Reachable {
		t.Errorf("FR to Europe: %+v, %v; want circuits to other European countries, a few lost", fr, ok)
	}
	// Tonga cut off reaches no other country of Oceania.
	to := byCountry(simulate(t, g, "name: to\nevents:\n  - cut_cables: [tonga-cable]\n", RunOptions{}))["TO"]
	if r := regionOf(t, to, "Oceania"); r.Reachable || r.CircuitLoss != 1 {
		t.Errorf("TO to Oceania with its cable cut: %+v; want unreachable, all circuits lost", r)
	}
	// One border down: France, Spain and Andorra lose circuits over it, and
	// a country with no cable of its own behind France or Spain (a second
	// hop, Switzerland and Luxembourg) the small share of what its
	// neighbour passes on that ran over it; no other country loses anything.
	behind := map[string]bool{}
	for _, h := range g.circHops {
		if v := g.atlas.Countries[h.via].Code; h.base != nil && (v == "FR" || v == "ES") {
			behind[g.atlas.Countries[h.c].Code] = true
		}
	}
	if !behind["CH"] {
		t.Errorf("no second hop of Switzerland through France or Spain: %v", behind)
	}
	for _, c := range simulate(t, g, "name: none\nevents:\n  - links: [FR-ES]\n", RunOptions{}).Countries {
		for _, r := range c.Regions {
			if c.Country == "ES" || c.Country == "FR" || c.Country == "AD" || r.CircuitLoss == 0 {
				continue
			}
			if !behind[c.Country] || r.CircuitLoss > 0.005 {
				t.Errorf("%s to %s: loss %v with only FR-ES down", c.Country, r.Region, r.CircuitLoss)
			}
		}
	}
}

func findRegion(c CountryImpact, name string) (RegionImpact, bool) {
	for _, r := range c.Regions {
		if r.Region == name {
			return r, true
		}
	}
	return RegionImpact{}, false
}

// Failing more never makes a region more reachable or its circuits larger.
func TestRegionMonotone(t *testing.T) {
	g := realGraph(t)
	steps := []string{
		"  - cut_cables: [west-africa-cable-system-wacs]\n",
		"  - cut_cables: [africa-coast-to-europe-ace, sat-3wasc]\n",
		"  - cut_cables: [mainone, equiano]\n",
		"  - shutdown: {country: NG}\n",
	}
	sc := "name: more\nevents:\n"
	prev := map[string]RegionImpact{}
	for i, st := range steps {
		sc += st
		for _, c := range simulate(t, g, sc, RunOptions{}).Countries {
			for _, r := range c.Regions {
				k := c.Country + "/" + r.Region
				if p, ok := prev[k]; i > 0 && ok {
					if r.CircuitLoss < p.CircuitLoss-1e-9 {
						t.Errorf("step %d: %s circuit loss fell from %v to %v", i+1, k, p.CircuitLoss, r.CircuitLoss)
					}
					if r.Reachable && !p.Reachable {
						t.Errorf("step %d: %s reachable again", i+1, k)
					}
				}
				prev[k] = r
			}
		}
	}
}

// Egypt, January 2011: the routing shutdown withdrew Egypt's networks, and
// the cables that cross Egypt between the Red Sea and the Mediterranean
// kept carrying the traffic of East Africa, the Gulf and Asia (Renesys,
// "Egypt leaves the Internet", 27 January 2011). An isolation with
// transit stopped would cut those circuits.
func TestShutdownKeepsTransit(t *testing.T) {
	g := realGraph(t)
	routing := byCountry(simulate(t, g, "name: eg\nevents:\n  - shutdown: {country: EG}\n", RunOptions{}))
	isolated := byCountry(simulate(t, g, "name: eg\nevents:\n  - shutdown: {country: EG, transit: false}\n", RunOptions{}))
	isolation := byCountry(simulate(t, g, "name: eg\nevents:\n  - isolation: {country: EG}\n", RunOptions{}))
	if routing["EG"].Reachable || isolated["EG"].Reachable || isolation["EG"].Reachable {
		t.Error("Egypt reachable while shut down")
	}
	for _, code := range []string{"KE", "DJ", "SA", "IN"} {
		r := regionOf(t, routing[code], "Europe")
		i := regionOf(t, isolated[code], "Europe")
		if r.CircuitLoss != 0 || routing[code].CapacityLoss != 0 {
			t.Errorf("%s: routing shutdown of Egypt costs %v of its circuits to Europe, %v of its capacity; transit kept working", code, r.CircuitLoss, routing[code].CapacityLoss)
		}
		if !(i.CircuitLoss > r.CircuitLoss) {
			t.Errorf("%s: with transit stopped, circuit loss to Europe %v; want more than %v", code, i.CircuitLoss, r.CircuitLoss)
		}
		if isolation[code].CapacityLoss != isolated[code].CapacityLoss {
			t.Errorf("%s: isolation and shutdown without transit differ", code)
		}
	}
}
