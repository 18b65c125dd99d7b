package impact

import (
	"math"

	"lifeline/atlas"
)

// Verdicts of a demand check.
const (
	DemandEnough  = "enough"  // what remains to the core carries the country's published use
	DemandShort   = "short"   // it does not
	DemandUnknown = "unknown" // no published figure of the country's use for the year
)

// DemandCheck answers, for one country, whether what a scenario leaves is
// enough for the country's demand: its used international Internet
// bandwidth as published (atlas demand.csv), against the capacity left to
// the core. Capacities are design capacities shared by every country a
// cable lands in, demand is traffic: "enough" says the links left could
// carry the traffic, not that operators hold the circuits to carry it
// (docs/impact.md, "Demand").
type DemandCheck struct {
	// RemainingGbps is the capacity to the core left after the scenario:
	// CapacityBeforeGbps × (1 − CapacityLoss), 0 when unreachable. A hub
	// country is the core itself and has none to count.
	RemainingGbps float64 `json:"remaining_gbps"`
	// Gbps is the published use, Year the year it is for (the atlas's
	// year, or the latest before it: figures are never scaled), Source
	// where it was published. Zero when unknown.
	Gbps   float64 `json:"gbps,omitempty"`
	Year   int     `json:"year,omitempty"`
	Source string  `json:"source,omitempty"`
	// Verdict is enough, short or unknown.
	Verdict string `json:"verdict"`
}

// checkDemand fills in every country's demand check and the capacity left
// towards each region.
func (g *Graph) checkDemand(r *Result) {
	for i := range r.Countries {
		c := &r.Countries[i]
		for k := range c.Regions {
			rg := &c.Regions[k]
			rg.RemainingGbps = round6(rg.CircuitsBeforeGbps * (1 - rg.CircuitLoss))
		}
		c.Demand = demandCheck(c, g.atlas.AsOf)
	}
}

func demandCheck(c *CountryImpact, asOf int) DemandCheck {
	var d DemandCheck
	if c.Reachable && !c.Hub {
		d.RemainingGbps = round6(c.CapacityBeforeGbps * (1 - c.CapacityLoss))
	}
	f, ok := atlas.DemandAsOf(c.Country, asOf)
	if !ok {
		d.Verdict = DemandUnknown
		return d
	}
	d.Gbps, d.Year, d.Source = f.Gbps, f.Year, f.Source
	switch {
	case c.Hub && c.Reachable:
		d.Verdict = DemandEnough
	case d.RemainingGbps >= f.Gbps && !math.IsNaN(d.RemainingGbps):
		d.Verdict = DemandEnough
	default:
		d.Verdict = DemandShort
	}
	return d
}
