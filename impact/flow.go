package impact

import (
	"math"
	"slices"
)

// state is one outcome of a scenario: which elements have failed. Slices
// are indexed like the atlas's (segments, landing points, links, countries).
type state struct {
	seg  []bool // segment failed
	lp   []bool // landing point destroyed or without power
	link []bool // terrestrial link failed
	down []bool // country isolated: removed from the graph
	// withdrawn: the country's own networks are shut down (a routing
	// shutdown); it is cut off itself, but transit across it works.
	withdrawn []bool
}

func (g *Graph) newState() *state {
	a := g.atlas
	return &state{seg: make([]bool, len(a.Segments)), lp: make([]bool, len(a.LandingPoints)),
		link: make([]bool, len(a.Links)), down: make([]bool, g.nCountry), withdrawn: make([]bool, g.nCountry)}
}

func (s *state) reset() {
	clear(s.seg)
	clear(s.lp)
	clear(s.link)
	clear(s.down)
	clear(s.withdrawn)
}

func (s *state) copyFrom(o *state) {
	copy(s.seg, o.seg)
	copy(s.lp, o.lp)
	copy(s.link, o.link)
	copy(s.down, o.down)
	copy(s.withdrawn, o.withdrawn)
}

// workspace is the scratch space of one evaluation, reused across samples
// so that a Monte Carlo run allocates nothing per sample. It is not safe
// for concurrent use: each worker has its own.
type workspace struct {
	dead    []bool   // per edge
	deadW   []uint64 // dead as a bitset, to test against baseline flows
	cap     []int64  // per arc: the pair's capacity, the sum of its live edges
	res     []int64  // per arc: residual capacity during a max-flow
	reached []bool   // per node: a path to the core remains
	level   []int32
	// Union-find scratch of reachRegions.
	comp     []int32
	regMask  []uint64
	regMulti []uint64
	regFirst []int32
	iter     []int32
	queue    []int32
	// The warm start (warm.go) keeps residuals by slot (Graph.adjNear):
	// sres, and scap the loaded capacities by slot. touched lists the
	// slots whose residual it changed since sres last equalled scap (each
	// stands for itself and its reverse), so that the next country's flow
	// restores those only; resStale says sres and scap may be out of date
	// anywhere (after a load).
	sres     []int64
	scap     []int64
	touched  []int32
	resStale bool
	// Depth-first search marks of augmentDFS (warm.go).
	mark    []nodeMark
	epoch   uint32
	round   uint32
	pathArc []int32
	// pathKept is how many of pathArc's first arcs the last path found
	// shares with the one before (they are in touched already).
	pathKept int
}

func (g *Graph) newWorkspace() *workspace {
	m := len(g.eU)
	return &workspace{dead: make([]bool, m), deadW: make([]uint64, (m+63)/64),
		cap: make([]int64, 2*len(g.pU)), res: make([]int64, 2*len(g.pU)),
		sres: make([]int64, 2*len(g.pU)), scap: make([]int64, 2*len(g.pU)),
		reached: make([]bool, g.nNode), level: make([]int32, g.nNode),
		iter: make([]int32, g.nNode), queue: make([]int32, 0, g.nNode), resStale: true}
}

// resetRes makes the residual capacities by slot the loaded capacities
// again: only the slots touched since they last were, unless they may
// differ anywhere.
func (w *workspace) resetRes(g *Graph) {
	switch {
	case w.resStale:
		for i, a := range g.adjNear {
			w.scap[i] = w.cap[a]
		}
		copy(w.sres, w.scap)
	case len(w.touched) > len(w.sres)/4:
		copy(w.sres, w.scap)
	default:
		for _, s := range w.touched {
			r := g.slotRev[s]
			w.sres[s], w.sres[r] = w.scap[s], w.scap[r]
		}
	}
	w.touched = w.touched[:0]
	w.resStale = false
}

// load marks the edges a state leaves dead and sets arc capacities.
func (w *workspace) load(g *Graph, st *state) {
	clear(w.deadW)
	clear(w.cap)
	w.resStale = true
	nc := int32(g.nCountry)
	down := func(n int32) bool { return n < nc && st.down[n] }
	for e := range g.eU {
		u, v := g.eU[e], g.eV[e]
		var d bool
		switch g.eKind[e] {
		case kindSegment:
			d = st.seg[g.eElem[e]] || (g.eLPU[e] >= 0 && st.lp[g.eLPU[e]]) || (g.eLP[e] >= 0 && st.lp[g.eLP[e]]) ||
				down(u) || down(v)
		case kindLink:
			d = st.link[g.eElem[e]] || down(u) || down(v)
		case kindCore:
			d = down(u)
		}
		w.dead[e] = d
		if d {
			w.deadW[e/64] |= 1 << (e % 64)
			continue
		}
		p := g.ePair[e]
		w.cap[2*p] += g.eCap[e]
		w.cap[2*p+1] += g.eCap[e]
	}
}

// loaded is a workspace's load of one state, kept to start others from.
type loaded struct {
	dead  []bool
	deadW []uint64
	cap   []int64
}

// snapshot keeps the workspace's current load.
func (w *workspace) snapshot() *loaded {
	return &loaded{dead: slices.Clone(w.dead), deadW: slices.Clone(w.deadW), cap: slices.Clone(w.cap)}
}

// loadFrom restores a kept load.
func (w *workspace) loadFrom(l *loaded) {
	copy(w.dead, l.dead)
	copy(w.deadW, l.deadW)
	copy(w.cap, l.cap)
	w.resStale = true
}

// kill marks edge e dead, if it is not already, and takes its capacity
// from its pair: the same load as load's for a state with e failed too.
func (w *workspace) kill(g *Graph, e int32) {
	if w.dead[e] {
		return
	}
	w.dead[e] = true
	w.deadW[e/64] |= 1 << (e % 64)
	p := g.ePair[e]
	w.cap[2*p] -= g.eCap[e]
	w.cap[2*p+1] -= g.eCap[e]
	w.resStale = true
}

// reach marks every node that keeps a path to the core.
func (w *workspace) reach(g *Graph) {
	clear(w.reached)
	q := append(w.queue[:0], g.core)
	w.reached[g.core] = true
	for i := 0; i < len(q); i++ {
		u := q[i]
		for _, a := range g.adjArc[g.adjStart[u]:g.adjStart[u+1]] {
			if v := g.arcHead[a]; w.cap[a] > 0 && !w.reached[v] {
				w.reached[v] = true
				q = append(q, v)
			}
		}
	}
	w.queue = q
}

// maxFlow is Dinic's algorithm from s to t over the loaded capacities,
// on the graph's flat arrays. It stops early once the flow reaches bound,
// a known upper bound (a cut's capacity); bound ≤ 0 means none. It leaves
// the residual capacities in w.res.
func (w *workspace) maxFlow(g *Graph, s, t int32, bound int64) int64 {
	copy(w.res, w.cap)
	if bound <= 0 {
		bound = math.MaxInt64
	}
	return w.augment(g, s, t, bound)
}

// augment adds to the flow held in w.res, from s to t, until it is
// maximum or bound more has been sent, and returns how much it added.
func (w *workspace) augment(g *Graph, s, t int32, bound int64) int64 {
	var total int64
	for total < bound && w.levels(g, s, t) {

		copy(w.iter, g.adjStart[:g.nNode])
		for {
			f := w.push(g, s, t, math.MaxInt64)
			if f == 0 {
				break
			}
			total += f
		}
	}
	return total
}

// levels numbers nodes by their distance from s in the residual graph and
// reports whether t is reachable.
func (w *workspace) levels(g *Graph, s, t int32) bool {
	for i := range w.level {
		w.level[i] = -1
	}
	w.level[s] = 0
	q := append(w.queue[:0], s)
	// The search stops as soon as t is labelled: every node of a lower
	// level already is, and the level graph needs no others.
	for i := 0; i < len(q); i++ {
		u := q[i]
		for _, a := range g.adjArc[g.adjStart[u]:g.adjStart[u+1]] {
			if v := g.arcHead[a]; w.res[a] > 0 && w.level[v] < 0 {
				w.level[v] = w.level[u] + 1
				if v == t {
					w.queue = q
					return true
				}
				q = append(q, v)
			}
		}
	}
	w.queue = q
	return false
}

// push sends up to f from u towards t along the level graph and returns
// how much it sent.
func (w *workspace) push(g *Graph, u, t int32, f int64) int64 {
	if u == t {
		return f
	}
	var sent int64
	end := g.adjStart[u+1]
	for ; w.iter[u] < end; w.iter[u]++ {
		a := g.adjArc[w.iter[u]]
		v := g.arcHead[a]
		if w.res[a] <= 0 || w.level[v] != w.level[u]+1 {
			continue
		}
		d := w.push(g, v, t, min(f-sent, w.res[a]))
		if d > 0 {
			w.res[a] -= d
			w.res[a^1] += d
			sent += d
			if sent == f {
				return sent
			}
		}
	}
	w.level[u] = -1 // a dead end for the rest of this phase
	return sent
}
