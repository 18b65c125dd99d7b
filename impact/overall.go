package impact

// overallCircuitLoss sets each country's CircuitLoss: its loss of circuits
// over every region, each region weighed by the country's own circuits to
// it (DirectBeforeGbps); for a country whose own cables reach no region (a
// landlocked one), by its circuits through its neighbours
// (CircuitsBeforeGbps). docs/impact.md, "Loss per region", gives the
// reasoning: where a country's cables go is where its traffic goes, and a
// loss towards a region that little of it goes to is little felt.
//
// The weights do not depend on the sample, so the mean over the samples is
// the weighted mean of the regions' means.
func overallCircuitLoss(r *Result) {
	for i := range r.Countries {
		c := &r.Countries[i]
		c.CircuitLoss = weightedCircuitLoss(c.Regions)
	}
}

// weightedCircuitLoss is the loss of circuits over the regions, weighed by
// the direct circuits, or by all circuits when there are no direct ones.
func weightedCircuitLoss(regs []RegionImpact) float64 {
	var w, l float64
	for _, x := range regs {
		w += x.DirectBeforeGbps
		l += x.DirectBeforeGbps * x.CircuitLoss
	}
	if w == 0 {
		for _, x := range regs {
			w += x.CircuitsBeforeGbps
			l += x.CircuitsBeforeGbps * x.CircuitLoss
		}
	}
	if w == 0 {
		return 0
	}
	return round6(min(1, l/w))
}
