package impact

// Faults already standing when a scenario's events happen
// (Scenario.Standing): crises pile up, and a coordinator asks "given what
// is already down, what does this new cut do?". The standing faults are
// applied to the graph before anything is measured, so that every
// baseline — each country's capacity and reachability before, its
// circuits before and the neighbour each is handed over at (exit.go) —
// is that of the network as it stood; the events' losses are measured
// against it, and the standing faults stay failed in every sample.

// beforeState returns a new state holding the graph's standing faults:
// the network before the events.
func (g *Graph) beforeState() *state {
	st := g.newState()
	if g.standing != nil {
		st.copyFrom(g.standing)
	}
	return st
}

// withStanding returns a graph whose baselines are computed with the
// state's faults standing. It shares the compiled network with g, which
// it does not change; what depends on the baselines is computed anew.
func (g *Graph) withStanding(st *state) *Graph {
	h := *g
	h.standing = st
	// baselineCircuits builds these again from the standing network; they
	// must not be appended to g's.
	h.hops, h.hopVia, h.circHops, h.circHopStart, h.cabCircHops = nil, nil, nil, nil, nil
	h.baseline()
	h.baselineCircuits()
	return &h
}
