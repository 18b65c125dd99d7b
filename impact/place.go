package impact

import "lifeline"

// Named places (atlas.Place: Shetland, the Canary Islands, …) that a
// scenario asks about with `places:`. A place is reachable in a sample
// when one of its cables still joins one of its live stations to a live
// station outside it in a country that is itself reachable: one hop, from
// the place's own cables, as reports speak of an island cut off from its
// mainland and the world. It is computed in the samples that compute
// capacity loss.

// PlaceImpact is what happens to one named place.
type PlaceImpact struct {
	Place   string `json:"place"`
	Name    string `json:"name"`
	Country string `json:"country"`
	// Reachable: a cable still joins the place to a reachable country
	// (in at least half the samples); PUnreachable is the share of samples
	// without one, with its 95% Wilson score interval.
	Reachable      bool       `json:"reachable"`
	PUnreachable   float64    `json:"p_unreachable"`
	PUnreachableCI [2]float64 `json:"p_unreachable_ci95"`
	LandingPoints  int        `json:"landing_points"`
	CablesTotal    int        `json:"cables_total"`
	// CablesFailed counts (on average) the place's cables that failed.
	CablesFailed float64 `json:"cables_failed"`
	Source       string  `json:"source"`
}

// placePlan is one place compiled for the graph.
type placePlan struct {
	id, name, country, source string
	nLP                       int
	c                         int32   // country index
	cables                    []int32 // cables landing in the place
	// per cable of the place: its local nodes in the place and outside
	in, out [][]int32
}

// compilePlaces resolves the scenario's places.
func (g *Graph) compilePlaces(sc *Scenario) ([]placePlan, error) {
	var out []placePlan
	for _, q := range sc.Places {
		pl, err := g.atlas.Place(q)
		if err != nil {
			return nil, lifeline.Errork(lifeline.ErrorCode(err), "impact.Simulate", "err.scenario.places", "%s: places: %s", sc.Name, phraseOf(err))
		}
		pp := placePlan{id: pl.ID, name: pl.Name, country: pl.Country, source: pl.Source, nLP: len(pl.LandingPoints), c: int32(g.countryIndex(pl.Country))}
		inPlace := map[int32]bool{}
		for _, id := range pl.LandingPoints {
			inPlace[int32(g.lpIndex(id))] = true
		}
		for k := range g.atlas.Cables {
			if !g.cableUsed[k] {
				continue
			}
			var in, o []int32
			for i, l := range g.cabNodeLP[k] {
				switch {
				case l < 0:
				case g.atlas.LandingPoints[l].Offshore:
					// a platform ends its cable: not a way out of the place
				case inPlace[l]:
					in = append(in, int32(i))
				default:
					o = append(o, int32(i))
				}
			}
			if len(in) > 0 {
				pp.cables = append(pp.cables, int32(k))
				pp.in = append(pp.in, in)
				pp.out = append(pp.out, o)
			}
		}
		out = append(out, pp)
	}
	return out, nil
}

// placeReachable reports whether the place keeps a cable to a reachable
// country in the sample: cs holds the cables' components, unreach the
// countries'.
func (g *Graph) placeReachable(st *state, cs *circuitScratch, unreach []bool, pp *placePlan) bool {
	if st.down[pp.c] || st.withdrawn[pp.c] {
		return false
	}
	for x, k := range pp.cables {
		roots, nodes := cs.comps[k], g.cabNodeLP[k]
		for _, i := range pp.in[x] {
			if st.lp[nodes[i]] {
				continue
			}
			for _, j := range pp.out[x] {
				l := nodes[j]
				if !st.lp[l] && roots[i] == roots[j] && !unreach[g.lpCountry[l]] {
					return true
				}
			}
		}
	}
	return false
}

// placeResults turns the counts into the report.
func placeResults(pps []placePlan, flowSamples int, unreach, cabs []int64) []PlaceImpact {
	var out []PlaceImpact
	for i, pp := range pps {
		lo, hi := wilson(unreach[i], flowSamples)
		pu := float64(unreach[i]) / float64(flowSamples)
		if lo == hi || flowSamples == 1 {
			lo, hi = pu, pu
		}
		out = append(out, PlaceImpact{Place: pp.id, Name: pp.name, Country: pp.country, Reachable: 2*unreach[i] < int64(flowSamples),
			PUnreachable: round6(pu), PUnreachableCI: [2]float64{round6(lo), round6(hi)}, LandingPoints: pp.nLP, CablesTotal: len(pp.cables),
			CablesFailed: round6(float64(cabs[i]) / float64(flowSamples)), Source: pp.source})
	}
	return out
}
