package impact

import "math"

// Sharing one sample's cuts between countries.
//
// In a sample, a country c's max-flow ends, when no augmenting path is
// left, with the nodes its last search reached: the side X of the minimum
// cut that holds c and as few nodes as can be, of capacity λ(c). Every
// other country d in X is cut from the core by the same cut, so
//
//	λ(d) ≤ λ(c),
//
// a bound that stops d's search as soon as its flow reaches it. And every
// cut that separates d from the core either separates d from c or leaves
// them on one side, where it separates c from the core (Gomory and Hu,
// 1961), so
//
//	λ(d) ≥ min(λ(d, c), λ(c)).
//
// When paths between d and c that share no pair — the pair between them
// and one path through each common neighbour — carry λ(c) or more, the
// two bounds meet and λ(d) = λ(c) with no flow computed at all. Countries
// of one region behind the same bottleneck (the Gulf states behind the
// cables that leave it, say) share most of their cuts, and the one whose
// cut holds the most nodes in the likely outcome goes first
// (likelyPaths). Both bounds are proofs, so the values are exact, and they
// do not depend on which max-flow was found: the side X is the same for
// all of them.

// cutShare is what a sample's flows have taught about the flows still to
// compute; each evaluator has its own.
type cutShare struct {
	val []int64           // per country: the least λ of a country whose side holds it, MaxInt64 if none
	by  [][shareMax]int32 // per country: up to shareMax countries with that λ whose side holds it
	n   []uint8           // per country: how many of by are set
	hop []int64           // per node: scratch of meets
}

// shareMax is how many countries are kept per country as a bound's
// witnesses: more are rarely needed.
const shareMax = 4

func (g *Graph) newCutShare() *cutShare {
	return &cutShare{val: make([]int64, g.nCountry), by: make([][shareMax]int32, g.nCountry),
		n: make([]uint8, g.nCountry), hop: make([]int64, g.nNode)}
}

// reset forgets the last sample.
func (cs *cutShare) reset() {
	for i := range cs.val {
		cs.val[i] = math.MaxInt64
	}
	clear(cs.n)
}

// learn records that country c's max-flow is f and that its minimum cut's
// side is the nodes w's last search reached (w.mark seen in w.epoch).
func (cs *cutShare) learn(g *Graph, w *workspace, c int, f int64) {
	for d := range g.nCountry {
		if d == c || w.mark[d].seen != w.epoch {
			continue
		}
		switch {
		case f < cs.val[d]:
			cs.val[d] = f
			cs.by[d][0] = int32(c)
			cs.n[d] = 1
		case f == cs.val[d] && cs.n[d] < shareMax:
			cs.by[d][cs.n[d]] = int32(c)
			cs.n[d]++
		}
	}
}

// meets reports whether country d's max-flow is proven to equal cs.val[d]:
// some country c whose side holds d, with that λ, has paths to d that
// carry as much (over w's live capacities).
func (cs *cutShare) meets(g *Graph, w *workspace, d int) bool {
	for _, c := range cs.by[d][:cs.n[d]] {
		if cs.pairwise(g, w, c, int32(d), cs.val[d]) {
			return true
		}
	}
	return false
}

// pairwise reports whether paths between c and d that share no pair carry
// at least want: the pair between them, and through each common neighbour
// other than the core the lesser of its two pairs.
func (cs *cutShare) pairwise(g *Graph, w *workspace, c, d int32, want int64) bool {
	arcs := g.adjArc[g.adjStart[c]:g.adjStart[c+1]]
	for _, a := range arcs {
		cs.hop[g.arcHead[a]] = w.cap[a] // parallel edges are one pair: one arc per neighbour
	}
	var sum int64
	for _, a := range g.adjArc[g.adjStart[d]:g.adjStart[d+1]] {
		switch x := g.arcHead[a]; x {
		case c:
			sum += w.cap[a]
		case g.core:
		default:
			sum += min(cs.hop[x], w.cap[a])
		}
	}
	for _, a := range arcs {
		cs.hop[g.arcHead[a]] = 0
	}
	return sum >= want
}
