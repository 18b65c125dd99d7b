package web

import (
	"math"

	"lifeline/impact"
)

// demandRow is one affected country's demand check in the simulator: its
// published use of international bandwidth against what the scenario
// leaves to the core (docs/impact.md, "Demand").
type demandRow struct {
	Country  string
	UseGbps  float64
	Year     int
	Source   string
	LeftGbps float64
	Short    bool
}

// demandRows lists the demand checks of the affected countries whose use
// is published; the others are unknown and left out.
func demandRows(affected []impact.CountryImpact) []demandRow {
	var rows []demandRow
	for _, c := range affected {
		d := c.Demand
		if d.Verdict != impact.DemandEnough && d.Verdict != impact.DemandShort {
			continue
		}
		rows = append(rows, demandRow{Country: c.Country, UseGbps: d.Gbps, Year: d.Year, Source: d.Source,
			LeftGbps: math.Round(d.RemainingGbps), Short: d.Verdict == impact.DemandShort})
	}
	return rows
}
