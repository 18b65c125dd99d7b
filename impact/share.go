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
// When short paths between d and c (nearFlow) carry λ(c) or more, the
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
	toC []int32           // per node: scratch of nearFlow
	// likelySide lists, per country, the other countries on the side of
	// its minimum cut in the likely outcome (likelyPaths); nil for none.
	likelySide [][]int32
}

// shareMax is how many countries are kept per country as a bound's
// witnesses: more are rarely needed.
const shareMax = 4

func (g *Graph) newCutShare() *cutShare {
	cs := &cutShare{val: make([]int64, g.nCountry), by: make([][shareMax]int32, g.nCountry),
		n: make([]uint8, g.nCountry), toC: make([]int32, g.nNode)}
	cs.reset()
	return cs
}

// reset forgets the last sample.
func (cs *cutShare) reset() {
	for i := range cs.val {
		cs.val[i] = math.MaxInt64
	}
	clear(cs.n)
}

// learn records that country c's max-flow is f and that its minimum cut's
// side is the nodes w's last search reached (workspace.searched).
func (cs *cutShare) learn(g *Graph, w *workspace, c int, f int64) {
	for d := range g.nCountry {
		if d != c && w.searched(d) {
			cs.learnOne(c, d, f)
		}
	}
}

// learnList records that country c's max-flow is f and that the countries
// of side are on the side of one of its minimum cuts.
func (cs *cutShare) learnList(c int, f int64, side []int32) {
	for _, d := range side {
		cs.learnOne(c, int(d), f)
	}
}

// learnOne records that country d is on the side of a minimum cut of
// country c, whose max-flow is f.
func (cs *cutShare) learnOne(c, d int, f int64) {
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

// meets reports whether country d's max-flow is proven to equal cs.val[d]:
// some country c whose side holds d, with that λ, has paths to d that
// carry as much (over w's live capacities).
func (cs *cutShare) meets(g *Graph, w *workspace, d int) bool {
	for _, c := range cs.by[d][:cs.n[d]] {
		if cs.nearFlow(g, w, int32(d), c, cs.val[d]) >= cs.val[d] {
			return true
		}
	}
	return false
}

// nearFlow sends flow from d to c along short paths — the pair between
// them, then through each neighbour of d, then through two nodes, or three
// when the second is a branching unit (one more arc along its cable) —
// each as much as the residual capacities left let through, and
// returns how much it sent (at least want when it can): a lower bound on
// their max-flow, found without a search. It leaves the flow in w's
// residuals by slot.
func (cs *cutShare) nearFlow(g *Graph, w *workspace, d, c int32, want int64) int64 {
	w.resetRes(g)
	res, head, rev := w.sres, g.slotHead, g.slotRev
	toC := cs.toC
	// toC[y] is 1 + the slot of the arc from y to c, for c's neighbours.
	for i := g.adjStart[c]; i < g.adjStart[c+1]; i++ {
		toC[head[i]] = rev[i] + 1
	}
	var total int64
	send := func(amt int64, slots ...int32) {
		for _, s := range slots {
			res[s] -= amt
			res[rev[s]] += amt
		}
		w.touched = append(w.touched, slots...)
		total += amt
	}
	lo, hi := g.adjStart[d], g.adjStart[d+1]
	for i := lo; i < hi && total < want; i++ {
		if head[i] == c && res[i] > 0 {
			send(min(res[i], want-total), i)
		}
	}
	for i := lo; i < hi && total < want; i++ {
		x := head[i]
		if k := toC[x] - 1; k >= 0 && x != d && x != g.core && res[i] > 0 && res[k] > 0 {
			send(min(res[i], res[k], want-total), i, k)
		}
	}
	for i := lo; i < hi && total < want; i++ {
		x := head[i]
		if x == c || x == g.core {
			continue
		}
		for j := g.adjStart[x]; j < g.adjStart[x+1] && res[i] > 0 && total < want; j++ {
			y := head[j]
			if k := toC[y] - 1; k >= 0 && y != d && y != g.core && res[j] > 0 && res[k] > 0 {
				send(min(res[i], res[j], res[k], want-total), i, j, k)
			}
			if int(y) < g.nCountry || y == g.core || y == c {
				continue
			}
			// y a branching unit: one more arc along its cable.
			for l := g.adjStart[y]; l < g.adjStart[y+1] && res[i] > 0 && res[j] > 0 && total < want; l++ {
				z := head[l]
				if k := toC[z] - 1; k >= 0 && z != d && z != x && z != g.core && res[l] > 0 && res[k] > 0 {
					send(min(res[i], res[j], res[l], res[k], want-total), i, j, l, k)
				}
			}
		}
	}
	for i := g.adjStart[c]; i < g.adjStart[c+1]; i++ {
		toC[head[i]] = 0
	}
	return total
}
