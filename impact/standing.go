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

// dropStandingHops clears the regions of every hop that the standing
// faults have broken: it carries no circuits before the events, and no
// circuits are handed over at it (handoverExits), as none were bought
// over it while it was down. cs holds every cable's components under st
// (cableReach). Without standing faults every hop stands.
func (g *Graph) dropStandingHops(st *state, cs *circuitScratch) {
	if g.standing == nil {
		return
	}
	for c := range g.hops {
		for i := range g.hops[c] {
			if h := &g.hops[c][i]; !g.hopStands(st, cs, int32(c), h) {
				h.want = 0
			}
		}
	}
}

// hopStands reports whether the hop joins country c to its neighbour in
// the state: the two countries up, and the border up or, for a cable, a
// live station of each in one component (as hopAlive).
func (g *Graph) hopStands(st *state, cs *circuitScratch, c int32, h *hop) bool {
	if st.down[c] || st.down[h.via] {
		return false
	}
	if h.cable < 0 {
		return !st.link[h.link]
	}
	return liveJoined(st, g.cabNodeLP[h.cable], cs.own[h.cable], h.from, h.to)
}
