package impact

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// Real events, run on the full open cable map dataset. The expected
// outcomes come from the public reports cited in each scenario file under
// testdata/events (and repeated here), not from what the engine prints.

func runEvent(t *testing.T, file string) (*Result, map[string]CountryImpact) {
	t.Helper()
	g := realGraph(t)
	f, err := os.Open(filepath.Join("testdata", "events", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc, err := ParseScenario(f, file)
	if err != nil {
		t.Fatal(err)
	}
	r, err := g.Simulate(context.Background(), sc, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return r, byCountry(r)
}

// noneNewlyCutOff fails for any country reachable before but not after,
// except those listed.
func noneNewlyCutOff(t *testing.T, m map[string]CountryImpact, except ...string) {
	t.Helper()
	for code, c := range m {
		if c.ReachableBefore && !c.Reachable && !slices.Contains(except, code) {
			t.Errorf("%s (%s) cut off; reports name no such country", code, c.Name)
		}
	}
}

func untouched(t *testing.T, m map[string]CountryImpact, codes ...string) {
	t.Helper()
	for _, code := range codes {
		if c := m[code]; !c.Reachable || c.CapacityLoss != 0 {
			t.Errorf("%s: reachable %v, capacity loss %v; want it untouched", code, c.Reachable, c.CapacityLoss)
		}
	}
}

// Tonga, January 2022. Tonga Cable Ltd via Reuters (18 January 2022) and
// Kentik ("Tonga's Internet goes dark"): the eruption severed Tonga's only
// international cable and the country was offline for five weeks; Fiji, at
// the other end, kept its connectivity.
func TestEventTonga2022(t *testing.T) {
	r, m := runEvent(t, "tonga-2022.yaml")
	to := m["TO"]
	if to.Reachable || to.PUnreachable != 1 || to.CapacityLoss != 1 || to.PopulationAffected != to.Population {
		t.Errorf("TO: %+v; want cut off, all capacity and all people affected", to)
	}
	if to.CablesFailed != 2 || to.CablesTotal != 2 {
		t.Errorf("TO cables failed %v of %d; want both of 2 (international and domestic)", to.CablesFailed, to.CablesTotal)
	}
	if r.Countries[0].Country != "TO" {
		t.Errorf("most affected is %s, want TO", r.Countries[0].Country)
	}
	noneNewlyCutOff(t, m, "TO")
	untouched(t, m, "FJ", "NZ", "AU", "WS")
}

// Mauritania, March 2018. Oracle Internet Intelligence (Dyn), "ACE
// submarine cable cut impacts ten countries": Mauritania, with ACE as its
// only cable, was almost entirely offline for two days; countries on other
// cables were not affected.
func TestEventMauritania2018(t *testing.T) {
	r, m := runEvent(t, "mauritania-2018.yaml")
	mr := m["MR"]
	if mr.CablesFailed != 1 || mr.CablesTotal != 1 {
		t.Errorf("MR cables failed %v of %d; want its only cable", mr.CablesFailed, mr.CablesTotal)
	}
	// The atlas assumes fibre across every land border, so the model keeps
	// Mauritania reachable over land but loses most of its capacity.
	if mr.CapacityLoss < 0.5 {
		t.Errorf("MR capacity loss %v; want most of it lost", mr.CapacityLoss)
	}
	if r.Countries[0].Country != "MR" && r.Countries[1].Country != "MR" {
		t.Errorf("MR is not the most affected reachable country: %s, %s first", r.Countries[0].Country, r.Countries[1].Country)
	}
	noneNewlyCutOff(t, m)
	untouched(t, m, "PT", "FR", "SN", "NG")

	// With its land links down too — the observed near-total outage shows
	// none carried its traffic — Mauritania is cut off and its neighbours
	// are not.
	g := realGraph(t)
	m2 := byCountry(simulate(t, g, "name: mr\nevents:\n  - cut: {cable: africa-coast-to-europe-ace, at: [-16.6, 18.3]}\n  - links: [DZ-MR, EH-MR, ML-MR, MR-SN]\n", RunOptions{}))
	if m2["MR"].Reachable {
		t.Error("MR reachable with its cable and land links down")
	}
	noneNewlyCutOff(t, m2, "MR")
}

// West Africa, March 2024. Cloudflare, "Undersea cable failures cause
// Internet disruptions for multiple African countries" (14 March 2024),
// and Internet Society Pulse: four cables damaged off Abidjan; Côte
// d'Ivoire the most affected, about a dozen coastal countries degraded;
// East Africa and the rest of the world unaffected.
func TestEventWestAfrica2024(t *testing.T) {
	r, m := runEvent(t, "west-africa-2024.yaml")
	ci := m["CI"]
	if !ci.Reachable || ci.CapacityLoss <= 0 || ci.CablesFailed != 4 {
		t.Errorf("CI: reachable %v, loss %v, cables failed %v; want degraded with 4 cables down", ci.Reachable, ci.CapacityLoss, ci.CablesFailed)
	}
	if got := slices.Sorted(slices.Values(r.Failed.Cables)); !slices.Equal(got, []string{"africa-coast-to-europe-ace", "mainone", "sat-3wasc", "west-africa-cable-system-wacs"}) {
		t.Errorf("failed cables %v", got)
	}
	// Reports count circuits to Europe lost, not what a detour over other
	// countries' cables could carry.
	for _, code := range []string{"CI", "BJ", "GH", "NG"} {
		if l := regionOf(t, m[code], "Europe").CircuitLoss; l <= 0 {
			t.Errorf("%s loses %v of its circuits to Europe; reported degraded", code, l)
		}
	}
	noneNewlyCutOff(t, m)
	untouched(t, m, "KE", "EG", "IN", "BR", "ZA")
}

// East Africa, May 2024. Cloudflare, "East African Internet connectivity
// again impacted by submarine cable cuts" (May 2024), and Seacom's service
// updates: EASSy and Seacom cut off the KwaZulu-Natal coast; South Africa
// lost their capacity; no country was cut off.
func TestEventEastAfrica2024(t *testing.T) {
	_, m := runEvent(t, "east-africa-2024.yaml")
	za := m["ZA"]
	if !za.Reachable || za.CapacityLoss <= 0 || za.CablesFailed != 2 {
		t.Errorf("ZA: reachable %v, loss %v, cables failed %v; want degraded with EASSy and Seacom down", za.Reachable, za.CapacityLoss, za.CablesFailed)
	}
	noneNewlyCutOff(t, m)
	untouched(t, m, "EG", "IN", "NG", "FR")
}

// Red Sea, February 2024. HGC Global Communications (via CNN, March 2024)
// and Kentik: AAE-1, Seacom and EIG cut in the southern Red Sea; about a
// quarter of Asia–Europe traffic affected and rerouted; no country cut off.
func TestEventRedSea2024(t *testing.T) {
	r, m := runEvent(t, "red-sea-2024.yaml")
	if got := slices.Sorted(slices.Values(r.Failed.Cables)); !slices.Equal(got, []string{"asia-africa-europe-1-aae-1", "europe-india-gateway-eig", "seacomtata-tgn-eurasia"}) {
		t.Errorf("failed cables %v", got)
	}
	noneNewlyCutOff(t, m)
	for code, c := range m {
		if c.CapacityLoss > 0.25 {
			t.Errorf("%s loses %v of its capacity; reports say rerouting absorbed the cuts", code, c.CapacityLoss)
		}
	}
	if m["EG"].CablesFailed == 0 || m["IN"].CablesFailed == 0 {
		t.Errorf("EG and IN lost no cable: %v, %v", m["EG"].CablesFailed, m["IN"].CablesFailed)
	}
}
