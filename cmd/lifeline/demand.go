package main

import (
	"fmt"
	"io"

	"lifeline/impact"
	"lifeline/web/i18n"
)

// writeDemand prints, for each listed country whose use of international
// bandwidth is published, whether what the scenario leaves to the core is
// enough for it (docs/impact.md, "Demand").
func writeDemand(w io.Writer, pr *i18n.Printer, listed []impact.CountryImpact) {
	for _, c := range listed {
		d := c.Demand
		if d.Verdict == impact.DemandUnknown || d.Verdict == "" {
			continue
		}
		verdict := pr.T("sim.demand.enough")
		if d.Verdict == impact.DemandShort {
			verdict = pr.T("sim.demand.short")
		}
		fmt.Fprintln(w, pr.T("sim.demand", c.Country, formatGbps(pr, d.Gbps), pr.Digits(d.Year, 4), formatGbps(pr, d.RemainingGbps), verdict))
	}
}
