package impact

import (
	"math"
	"testing"
)

// With all five of its cables down in 2023, what is left to Vietnam over
// land falls short of its published use; Kenya, untouched, has enough; a
// country without a published figure is unknown; what remains towards a
// region is the circuits before less those lost.
func TestDemandCheck(t *testing.T) {
	g := graphAsOf(t, 2023)
	r := simulate(t, g, `name: Vietnam, early 2023
events:
  - cut: {cable: asia-africa-europe-1-aae-1, at: [107.1, 10.3]}
  - cut: {cable: asia-america-gateway-aag-cable-system, at: [107.1, 10.3]}
  - cut: {cable: tata-tgn-intra-asia-tgn-ia, at: [107.1, 10.3]}
  - cut: {cable: asia-pacific-gateway-apg, at: [108.3, 16.1]}
  - cut: {cable: seamewe-3, at: [108.3, 16.1]}
`, RunOptions{Seed: 1})
	m := byCountry(r)
	vn, ke, th := m["VN"], m["KE"], m["TH"]
	if vn.Demand.Verdict != DemandShort || vn.Demand.Gbps != 18700 || vn.Demand.Year != 2023 || vn.Demand.Source == "" {
		t.Errorf("VN: %+v; want short of 18.7 Tbit/s (2023)", vn.Demand)
	}
	if want := vn.CapacityBeforeGbps * (1 - vn.CapacityLoss); math.Abs(vn.Demand.RemainingGbps-want) > 1e-3*want+1e-6 {
		t.Errorf("VN: remaining %v; want %v", vn.Demand.RemainingGbps, want)
	}
	if ke.Demand.Verdict != DemandEnough || ke.Demand.Year != 2023 {
		t.Errorf("KE: %+v; want enough, with the figure of 2023", ke.Demand)
	}
	if th.Demand.Verdict != DemandUnknown || th.Demand.Gbps != 0 {
		t.Errorf("TH: %+v; want unknown", th.Demand)
	}
	for _, rg := range vn.Regions {
		if want := rg.CircuitsBeforeGbps * (1 - rg.CircuitLoss); math.Abs(rg.RemainingGbps-want) > 1e-3*want+1e-6 {
			t.Errorf("VN to %s: remaining %v; want %v", rg.Region, rg.RemainingGbps, want)
		}
	}
	// Before its first figure a country is unknown, never extrapolated.
	r = simulate(t, graphAsOf(t, 2009), "name: nothing\nevents:\n  - links: [BD-IN]\n", RunOptions{Seed: 1})
	if bd := byCountry(r)["BD"]; bd.Demand.Verdict == DemandUnknown || bd.Demand.Year != 2009 {
		t.Errorf("BD 2009: %+v; want the figure of 2009", bd.Demand)
	}
	r = simulate(t, graphAsOf(t, 2008), "name: nothing\nevents:\n  - links: [BD-IN]\n", RunOptions{Seed: 1})
	if bd := byCountry(r)["BD"]; bd.Demand.Verdict != DemandUnknown {
		t.Errorf("BD 2008: %+v; want unknown before the first figure", bd.Demand)
	}
}
