package impact

import (
	"math"
	"math/bits"
	"slices"
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

// hubOf names the hub that country code's circuits to region on cable id
// end at (directHubs), "" for none.
func hubOf(t *testing.T, g *Graph, code, id, region string) string {
	t.Helper()
	r := slices.IndexFunc(g.regions, func(w WorldRegion) bool { return w.Name == region })
	c := g.countryIndex(code)
	for j, k := range g.countryCabs[c] {
		if g.atlas.Cables[k].ID != id {
			continue
		}
		at := g.cabOffset[c] + j
		bit := uint64(1) << r
		if g.hubMask[at]&bit == 0 {
			return ""
		}
		return g.atlas.Countries[g.hubList[int(g.hubAt[at])+bits.OnesCount64(g.hubMask[at]&(bit-1))].country].Code
	}
	t.Fatalf("%s is not on %s", code, id)
	return ""
}

// A cable's circuits to the country's own region end at the region's hub
// on the cable, fixed before the failure (exit.go, directHubs): in June
// 2012 SEA-ME-WE 4, Bangladesh's only cable, was cut 60 km off Singapore,
// and Bangladesh was slowed for a week, while the cable still joined it to
// India, Sri Lanka, Thailand and Malaysia, all in Asia. Its circuits to
// Europe, a region it is not part of, count while the cable joins it to
// any European landing, and that cut leaves them whole.
func TestDirectCircuitsEndAtHub(t *testing.T) {
	g := graphAsOf(t, 2012)
	for _, w := range []struct{ code, cable, region, hub string }{
		{"BD", "seamewe-4", "Asia", "SG"}, // a hub of the core
		{"IN", "seamewe-4", "Asia", "SG"},
		{"SG", "seamewe-4", "Asia", "MY"},   // not itself: the next
		{"IT", "seamewe-4", "Europe", "FR"}, // a hub of the core
		{"FR", "seamewe-4", "Europe", "IT"},
		{"BD", "seamewe-4", "Europe", ""}, // not its region
		{"EG", "seamewe-4", "Europe", ""}, // in no region
	} {
		if got := hubOf(t, g, w.code, w.cable, w.region); got != w.hub {
			t.Errorf("%s on %s to %s: hub %q; want %q", w.code, w.cable, w.region, got, w.hub)
		}
	}
	intact := byCountry(simulate(t, g, "name: none\nevents:\n  - links: [FR-ES]\n", RunOptions{}))
	m := byCountry(simulate(t, g, "name: bd\nevents:\n  - cut: {cable: seamewe-4, at: [103.45, 1.45]}\n", RunOptions{}))
	asia, before := regionOf(t, m["BD"], "Asia"), regionOf(t, intact["BD"], "Asia")
	if asia.DirectBeforeGbps == 0 || asia.DirectBeforeGbps != before.DirectBeforeGbps {
		t.Fatalf("BD to Asia: direct circuits %v, intact %v; want the same, more than none", asia.DirectBeforeGbps, before.DirectBeforeGbps)
	}
	if asia.CircuitLoss < 0.9 {
		t.Errorf("BD to Asia with SEA-ME-WE 4 cut off Singapore: loss %v; want its SEA-ME-WE 4 circuits, which end in Singapore, lost", asia.CircuitLoss)
	}
	if eu := regionOf(t, m["BD"], "Europe"); eu.CircuitLoss != 0 {
		t.Errorf("BD to Europe with SEA-ME-WE 4 cut off Singapore: loss %v; want none, the cable still joins it to France and Italy", eu.CircuitLoss)
	}
	// The hub isolated: the circuits that end there are lost; under a
	// routing shutdown it still passes them on to the region.
	iso := byCountry(simulate(t, g, "name: sg\nevents:\n  - isolation: {country: SG}\n", RunOptions{}))
	if l := regionOf(t, iso["BD"], "Asia").CircuitLoss; l < 0.9 {
		t.Errorf("BD to Asia with Singapore isolated: loss %v; want its circuits that end there lost", l)
	}
	shut := byCountry(simulate(t, g, "name: sg\nevents:\n  - shutdown: {country: SG}\n", RunOptions{}))
	if l := regionOf(t, shut["BD"], "Asia").CircuitLoss; l != 0 {
		t.Errorf("BD to Asia with Singapore's routing shut down: loss %v; want none, transit keeps working", l)
	}
}

// Cutting more never makes a country's circuits to a region larger when
// they end at hubs, and the same seed gives the same output whatever the
// number of workers, on cuts that fall between countries and their hubs.
func TestHubsMonotoneAndDeterministic(t *testing.T) {
	g := graphAsOf(t, 2024)
	steps := []string{
		"  - cut: {cable: seamewe-5, at: [100.2, 3.4]}\n",
		"  - cut: {cable: seamewe-4, at: [103.45, 1.45]}\n",
		"  - cut: {cable: asia-africa-europe-1-aae-1, at: [32.5, 30.0]}\n",
		"  - isolation: {country: SG}\n",
	}
	sc := "name: more\nevents:\n"
	prev := map[string]float64{}
	moved := 0
	for i, st := range steps {
		sc += st
		for _, c := range simulate(t, g, sc, RunOptions{}).Countries {
			for _, r := range c.Regions {
				k := c.Country + "/" + r.Region
				if p, ok := prev[k]; ok && r.CircuitLoss < p-1e-9 {
					t.Errorf("step %d: %s circuit loss fell from %v to %v", i+1, k, p, r.CircuitLoss)
				} else if ok && r.CircuitLoss > p+1e-9 {
					moved++
				}
				prev[k] = r.CircuitLoss
			}
		}
	}
	if prev["BD/Asia"] < 0.9 || moved == 0 {
		t.Fatalf("BD to Asia: loss %v, %d losses grew; the steps do not reach the hubs", prev["BD/Asia"], moved)
	}
	const quake = "name: quake\nevents:\n  - earthquake: {center: [103.6, 1.2], magnitude: 7.4}\n  - earthquake: {center: [32.4, 31.3], magnitude: 7.0}\n"
	r, _ := sameForWorkers(t, g, quake, RunOptions{Samples: 200, Seed: 5, FlowSamples: 40})
	if regionOf(t, byCountry(r)["BD"], "Asia").CircuitLoss == 0 {
		t.Error("BD to Asia loses nothing in the earthquakes; the test does not reach the hubs")
	}
}

// A country with no cable of its own loses the share its neighbour loses
// of all it passes on, its circuits through its own neighbours too (a
// second hop, secondHops). TEAMS cut off Mombasa in February 2012 took
// Kenya's circuits to the Middle East, where Tanzania's EASSy circuits
// there are handed over; Tanzania's own cables stayed whole, and with one
// hop Rwanda and Burundi, behind it, lost nothing.
func TestSecondHop(t *testing.T) {
	g := graphAsOf(t, 2012)
	const teams = "name: teams\nevents:\n  - cut: {cable: the-east-african-marine-system-teams, at: [39.72, -4.07]}\n"
	r, _ := sameForWorkers(t, g, teams, RunOptions{})
	m := byCountry(r)
	tz := regionOf(t, m["TZ"], "Middle East")
	if tz.CircuitLoss <= 0 {
		t.Fatalf("TZ to the Middle East with TEAMS cut: %+v; want its circuits handed over in Kenya lost", tz)
	}
	for _, code := range []string{"RW", "BI"} {
		rg := regionOf(t, m[code], "Middle East")
		if rg.DirectBeforeGbps != 0 || rg.CircuitsBeforeGbps <= 0 {
			t.Fatalf("%s to the Middle East: %+v; want circuits through neighbours only", code, rg)
		}
		// Its circuits there run through Tanzania alone.
		if rg.CircuitLoss <= 0 || math.Abs(rg.CircuitLoss-tz.CircuitLoss) > 1e-3 {
			t.Errorf("%s to the Middle East: loss %v; want Tanzania's, %v", code, rg.CircuitLoss, tz.CircuitLoss)
		}
	}
	// Failing more never loses fewer circuits or makes a region reachable
	// again, where circuits go two hops.
	sc := "name: more\nevents:\n"
	prev := map[string]RegionImpact{}
	for i, step := range []string{
		"  - cut_cables: [the-east-african-marine-system-teams]\n",
		"  - cut_cables: [eastern-africa-submarine-system-eassy]\n",
		"  - links: [KE-UG]\n",
		"  - cut_cables: [seacomtata-tgn-eurasia]\n",
		"  - shutdown: {country: TZ}\n",
	} {
		sc += step
		for _, c := range simulate(t, g, sc, RunOptions{}).Countries {
			for _, rg := range c.Regions {
				k := c.Country + "/" + rg.Region
				if p, ok := prev[k]; ok {
					if rg.CircuitLoss < p.CircuitLoss-1e-9 {
						t.Errorf("step %d: %s circuit loss fell from %v to %v", i+1, k, p.CircuitLoss, rg.CircuitLoss)
					}
					if rg.Reachable && !p.Reachable {
						t.Errorf("step %d: %s reachable again", i+1, k)
					}
				}
				prev[k] = rg
			}
		}
	}
	// The same, drawn: an earthquake off Mombasa, whatever the workers.
	q, _ := sameForWorkers(t, g, "name: quake\nevents:\n  - earthquake: {center: [40.0, -4.5], magnitude: 7.2}\n", RunOptions{Samples: 200, Seed: 3, FlowSamples: 40})
	if l := regionOf(t, byCountry(q)["RW"], "Middle East").CircuitLoss; l == 0 {
		t.Error("RW to the Middle East loses nothing in the earthquake; the test does not reach the second hops")
	}
}
