package impact

import "math/bits"

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
