package impact

import (
	"math"
	"math/bits"
)

// handoverExits keeps, for each country's cable and each region the cable
// does not reach itself, one exit: the neighbour on the cable with the most
// circuits of its own to the region (docs/impact.md, "Loss per region").
// A circuit towards a region that the cable does not reach is handed over
// to another system at a landing where that region's capacity is: the hub
// of the cable's landings for that region (Singapore for Asia's cables to
// Europe, Egypt for the Red Sea's). The exit is fixed before any failure,
// as circuits are bought before any failure: a cut that takes it away
// loses those circuits, and they are not moved to another exit that
// survives, which would be rerouting over other countries' capacity.
//
// It clears, on every other cable hop of the same country and cable, the
// region's bit of want. Borders are not touched: each border counts.
func (g *Graph) handoverExits() {
	nReg := len(g.regions)
	for c := range g.hops {
		hs := g.hops[c]
		for i := 0; i < len(hs); {
			j := i
			for j < len(hs) && hs[j].cable == hs[i].cable {
				j++
			}
			if hs[i].cable >= 0 && j-i > 1 {
				var all uint64
				for _, h := range hs[i:j] {
					all |= h.want
				}
				for ; all != 0; all &= all - 1 {
					r := bits.TrailingZeros64(all)
					bit := uint64(1) << r
					best, bestAt := int64(-1), -1
					for x := i; x < j; x++ {
						if hs[x].want&bit == 0 {
							continue
						}
						if d := g.baseDirect[int(hs[x].via)*nReg+r]; d > best {
							best, bestAt = d, x
						}
					}
					for x := i; x < j; x++ {
						if x != bestAt {
							hs[x].want &^= bit
						}
					}
				}
			}
			i = j
		}
	}
}

// directHubs fixes, for each country's cable that reaches the country's
// own region (another country of it), the landing its circuits to the
// region end at: the region's hub on the cable (docs/impact.md, "Loss per
// region"). It is the country of the region on the cable, other than the
// country itself and among those the intact cable joins it to, with the
// most capacity of its own: a hub of the core first (it is the core), then
// the largest max-flow to the core with nothing failed
// (capacity_before_gbps), then the most circuits of its own to the region
// (direct_before_gbps), then the first met on the cable — Singapore for
// Bangladesh's circuits to Asia on SEA-ME-WE 4 and 5, France for Italy's
// to Europe. Like the hand-over (handoverExits), the landing is fixed
// before the failure: the circuits are lost when the cable no longer joins
// the country to it, and not moved to another landing of the region that
// survives. Circuits to a region the country is not part of still count
// while the cable joins it to any landing of that region.
//
// It reads the intact state's components in cs (cableReach run on every
// cable), g.baseFlow and g.baseDirect; cableReach then keeps a region's bit
// only while its hub is joined (endAtHubs).
func (g *Graph) directHubs(cs *circuitScratch) {
	nReg := len(g.regions)
	nSlot := g.cabOffset[g.nCountry]
	g.slotNodes = make([][]int32, nSlot)
	g.hubMask = make([]uint64, nSlot)
	g.hubAt = make([]int32, nSlot)
	hubs := make([]hubEnd, nSlot*nReg) // per slot × region, by region
	byCountry := map[int32][]int32{}
	var order []int32
	for k := range g.cabNodeLP {
		if !g.cableUsed[k] {
			continue
		}
		order = g.cableNodesByCountry(k, byCountry, order)
		roots := cs.own[k]
		for _, ck := range g.cableCountries[k] {
			c := ck[0]
			at := g.cabOffset[c] + int(ck[1])
			g.slotNodes[at] = byCountry[c]
			for m := g.baseReachMask[at] & g.regMask[c]; m != 0; m &= m - 1 {
				r := bits.TrailingZeros64(m)
				var best [2]int64
				hub := int32(-1)
				for _, n := range order {
					if n == c || g.regMask[n]&(1<<r) == 0 || !joined(roots, byCountry[c], byCountry[n]) {
						continue
					}
					own := [2]int64{g.baseFlow[n], g.baseDirect[int(n)*nReg+r]}
					if g.isHub[n] {
						own[0] = math.MaxInt64
					}
					if hub < 0 || own[0] > best[0] || own[0] == best[0] && own[1] > best[1] {
						best, hub = own, n
					}
				}
				if hub >= 0 {
					g.hubMask[at] |= 1 << r
					hubs[at*nReg+r] = hubEnd{country: hub, nodes: byCountry[hub]}
				}
			}
		}
	}
	g.hubList = nil // never g's array: a graph with standing faults is a copy of g that builds its own
	for at := range nSlot {
		g.hubAt[at] = int32(len(g.hubList))
		for m := g.hubMask[at]; m != 0; m &= m - 1 {
			g.hubList = append(g.hubList, hubs[at*nReg+bits.TrailingZeros64(m)])
		}
	}
}

// hubEnd is where a slot's circuits to one region end: the hub country
// and its local nodes on the cable.
type hubEnd struct {
	country int32
	nodes   []int32
}

// joined reports whether a node of from and a node of to share a root.
func joined(roots, from, to []int32) bool {
	for _, a := range from {
		for _, b := range to {
			if roots[a] == roots[b] {
				return true
			}
		}
	}
	return false
}

// endAtHubs clears, in cs.reach for the countries on cable k, each region
// whose hub (directHubs) is down or no longer joined by the cable's live
// segments to one of the country's live stations. roots are the cable's
// components in the state (cableReach).
func (g *Graph) endAtHubs(st *state, k int, cs *circuitScratch, roots []int32) {
	nodes := g.cabNodeLP[k]
	for _, ck := range g.cableCountries[k] {
		at := g.cabOffset[ck[0]] + int(ck[1])
		hm := g.hubMask[at]
		for m := cs.reach[at] & hm; m != 0; m &= m - 1 {
			bit := m & -m
			h := &g.hubList[int(g.hubAt[at])+bits.OnesCount64(hm&(bit-1))]
			if st.down[h.country] || !liveJoined(st, nodes, roots, g.slotNodes[at], h.nodes) {
				cs.reach[at] &^= bit
			}
		}
	}
}

// liveJoined reports whether a live station of from and a live station of
// to share a root.
func liveJoined(st *state, nodes, roots, from, to []int32) bool {
	for _, a := range from {
		if st.lp[nodes[a]] {
			continue
		}
		for _, b := range to {
			if !st.lp[nodes[b]] && roots[a] == roots[b] {
				return true
			}
		}
	}
	return false
}

// cableNodesByCountry fills by, cleared first, with the indexes of cable
// k's nodes (g.cabNodeLP[k]) that are landing points, per country, and
// returns the countries in the order the cable meets them, in order[:0].
func (g *Graph) cableNodesByCountry(k int, by map[int32][]int32, order []int32) []int32 {
	clear(by)
	order = order[:0]
	for i, l := range g.cabNodeLP[k] {
		if l < 0 {
			continue
		}
		n := g.lpCountry[l]
		if _, ok := by[n]; !ok {
			order = append(order, n)
		}
		by[n] = append(by[n], int32(i))
	}
	return order
}

// secondHops marks the second hops (circHop.base) and sets what their
// neighbours pass on with nothing failed (docs/impact.md, "Loss per
// region", "A second hop"). A country with no cable of its own that joins
// it to another country before the events — a landlocked one, or one whose
// cables the standing faults broke — has no way out but its neighbours:
// its operators buy transit from theirs, who pass on what they in turn
// lose. Each of its hops to a neighbour outside a region loses the share
// that the neighbour loses of what it passes on there (passedOn): its
// circuits of the first order, on its own cables and through its own
// neighbours, not back through the country. A coastal country's hops are
// a fallback beside its own cables and keep one hop. cs holds the state's
// reach and hops (circuitState).
func (g *Graph) secondHops(st *state, cs *circuitScratch) {
	nReg := len(g.regions)
	way := make([]bool, g.nCountry)
	for c := range g.nCountry {
		for j := range g.countryCabs[c] {
			if g.baseReachMask[g.cabOffset[c]+j] != 0 {
				way[c] = true
			}
		}
		for i := g.circHopStart[c]; i < g.circHopStart[c+1]; i++ {
			if g.circHops[i].cable >= 0 {
				way[c] = true
			}
		}
	}
	// Each neighbour behind a second hop has cables of its own (the hop
	// carries to a region outside it only where they reach it), so its
	// circuits are those of one hop, computed before.
	g.directCircuits(cs)
	for c := range g.nCountry {
		if way[c] {
			g.countryCircuits(st, cs, c)
		}
	}
	out, best := make([]float64, nReg), make([]float64, nReg)
	for i := range g.circHops {
		h := &g.circHops[i]
		if way[h.c] {
			continue
		}
		outside := h.want &^ g.regMask[h.via]
		for j := g.circHopStart[h.via]; j < g.circHopStart[h.via+1]; j++ {
			if b := &g.circHops[j]; b.via == h.c {
				h.back |= b.want & outside
			}
		}
		h.base = make([]float64, nReg) // marks it second, for passedOn below
		g.passedOn(st, cs, h, outside, out, best)
		for m := outside; m != 0; m &= m - 1 {
			r := bits.TrailingZeros64(m)
			// Never 0 where want is set: the neighbour's own cables
			// reach r, and their circuits are passed on.
			if h.base[r] = out[r]; out[r] <= 0 {
				h.want &^= 1 << r
			}
		}
	}
}
