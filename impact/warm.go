package impact

import (
	"cmp"
	"math"
	"slices"
)

// Warm start of the capacity computation.
//
// A country's capacity loss is one max-flow from the country to the core.
// Computed from zero (Dinic's algorithm, flow.go) it costs a few
// augmenting phases, each a search of the whole graph, for each of some
// two hundred countries in every sample. Most of a country's flow survives
// any one sample, so the engine starts from flows already known:
//
//  1. Paths. Every country's max-flow in the intact network (NewGraph) and,
//     for a probabilistic scenario, in its likely outcome (the certain
//     failures and every group more likely to fail than not, likelyPaths)
//     are kept as paths, each with its amount (a flow decomposition). In a
//     sample the likely paths, then the intact ones, are sent again, each as
//     much of its amount as the sample's residual capacities let through:
//     nothing crosses a failed element, and what is sent is a feasible flow.
//     In a long run the likely flows are found first without the arcs a
//     sample may lose (riskStages), so that more of them survive; and a
//     likely flow that a sample leaves whole is not sent again when it
//     reaches the bound below.
//  2. Bounds. The flow can be no more than the live capacity around the
//     country, its intact flow, and the live capacity of any cut between
//     it and the core, such as the minimum cut of the likely outcome, or
//     the minimum cut of another country of the same sample that holds it
//     (share.go, which also settles some countries with no flow at all).
//     (Cuts that earlier samples ended on were tried too, and cost more
//     than they saved.) When the rebuilt flow reaches the bound, the flow
//     is maximum and no search is made.
//  3. Augmenting paths. Otherwise a depth-first search, trying the links
//     towards the core first and skipping dead ends within a round, adds
//     augmenting paths until the bound is reached or a search from a clean
//     slate finds none — which proves the flow maximum. A country that
//     would need more than dfsTries paths is finished by Dinic's algorithm.
//     The search keeps residuals by slot (Graph.adjNear), so that a node's
//     arcs are read side by side, and each country's flow restores only
//     the residuals the last one touched.
//
// Every step keeps a feasible flow and stops only on a proof of maximality
// (a bound reached, or no augmenting path), and every capacity is a whole
// number of Mbit/s, so the value is the exact max-flow, equal to the bit to
// the computation from zero (TestWarmFlowMatchesReference compares them on
// random failure sets, TestSharedCutsMatchReference with the shared cuts;
// TestSimulateFastMatchesReference whole simulations).

// flowPaths is one country's intact flow as paths: the arcs of path i, as
// slots (Graph.adjNear), are arcs[start[i]:start[i+1]] and it carries
// amount[i] Mbit/s.
//
// For the likely outcome's paths (likelyPaths), the first ones are that
// outcome's max-flow, of value lead, whose pairs' live edges are the bits
// of use: while a sample kills none of them, that flow is feasible whole.
type flowPaths struct {
	start  []int32
	arcs   []int32
	amount []int64
	lead   int64
	use    []uint64
}

// decompose splits the flow left in w (cap − res on each arc, from s to
// t) into paths, their arcs as slots; cycles carry nothing from s to t and
// are dropped. It changes w.res.
func (w *workspace) decompose(g *Graph, s, t int32) flowPaths {
	fp := w.decomposeArcs(g, s, t)
	for i, a := range fp.arcs {
		fp.arcs[i] = g.arcSlot[a]
	}
	return fp
}

// decomposeArcs is decompose with the paths' arcs as arcs.
func (w *workspace) decomposeArcs(g *Graph, s, t int32) flowPaths {
	fp := flowPaths{start: []int32{0}}
	flow := func(a int32) int64 { return w.cap[a] - w.res[a] }
	send := func(arcs []int32, amt int64) {
		for _, a := range arcs {
			w.res[a] += amt
			w.res[a^1] -= amt
		}
	}
	at := make([]int32, g.nNode) // 1 + position of a node on the walk, 0 if off it
	nodes := []int32{s}          // the walk: nodes[i] −walk[i]→ nodes[i+1]
	var walk []int32
	at[s] = 1
	for {
		u := nodes[len(nodes)-1]
		if u == t {
			amt := int64(math.MaxInt64)
			for _, a := range walk {
				amt = min(amt, flow(a))
			}
			send(walk, amt)
			fp.arcs = append(fp.arcs, walk...)
			fp.start = append(fp.start, int32(len(fp.arcs)))
			fp.amount = append(fp.amount, amt)
			for _, n := range nodes[1:] {
				at[n] = 0
			}
			nodes, walk = nodes[:1], walk[:0]
			continue
		}
		next := int32(-1)
		for _, a := range g.adjArc[g.adjStart[u]:g.adjStart[u+1]] {
			if flow(a) > 0 {
				next = a
				break
			}
		}
		if next < 0 {
			// Nothing leaves u: at s the flow is all taken; elsewhere the
			// flow would not be conserved, which a max-flow never leaves.
			return fp
		}
		v := g.arcHead[next]
		if j := at[v]; j > 0 {
			// A cycle back to v: cancel it and go on from v.
			cyc := append(walk[j-1:], next)
			amt := int64(math.MaxInt64)
			for _, a := range cyc {
				amt = min(amt, flow(a))
			}
			send(cyc, amt)
			for _, n := range nodes[j:] {
				at[n] = 0
			}
			nodes, walk = nodes[:j], walk[:j-1]
			continue
		}
		walk = append(walk, next)
		nodes = append(nodes, v)
		at[v] = int32(len(nodes))
	}
}

// resend sends the paths of fp again, each as much of its amount as the
// residual capacities (by slot) let through, up to bound in all, and
// returns what it sent.
func (w *workspace) resend(g *Graph, fp *flowPaths, bound int64) int64 {
	var total int64
	res, rev := w.sres, g.slotRev
	for i, amt := range fp.amount {
		arcs := fp.arcs[fp.start[i]:fp.start[i+1]]
		amt = min(amt, bound-total)
		for _, a := range arcs {
			if res[a] < amt {
				if amt = res[a]; amt <= 0 {
					break // blocked: most are at their first arcs (likelyPaths)
				}
			}
		}
		if amt <= 0 {
			continue
		}
		for _, a := range arcs {
			res[a] -= amt
			res[rev[a]] += amt
		}
		w.touched = append(w.touched, arcs...)
		total += amt
		if total >= bound {
			break
		}
	}
	return total
}

// likelyPaths computes, for a plan, every country's max-flow paths in the
// plan's likely outcome: its certain failures and every group more likely
// to fail than not. Samples of a probabilistic scenario resemble that
// outcome more than the intact network, so its paths are a closer start.
//
// It also returns each country's minimum cut in that outcome (its pairs):
// in a sample, the cut's live capacity bounds the flow from above, and
// when the likely paths all survive and fill it, no search is needed. And
// it returns the countries on each cut's side (but the country itself),
// and the order in which a sample had best compute the countries' flows
// (share.go): those whose cut holds the most nodes first.
func (g *Graph) likelyPaths(p *plan) (paths []flowPaths, cuts [][]int32, sides [][]int32, order []int32) {
	st := g.likelyState(p)
	w := g.newWorkspace()
	w.load(g, st)
	w.reach(g)
	w.resetRes(g)
	var stages [][]int64
	if p.riskFirst {
		stages = g.riskStages(p, st)
	}
	risk := g.slotRisk(p)
	out := make([]flowPaths, g.nCountry)
	cuts = make([][]int32, g.nCountry)
	sides = make([][]int32, g.nCountry)
	side := make([]int, g.nCountry)
	for c := range g.nCountry {
		if g.isHub[c] || !w.reached[c] || st.down[c] || st.withdrawn[c] {
			continue
		}
		w.slotDinic(g, int32(c), stages)
		// The last search of the max-flow failed: the nodes it labelled
		// are the side of a minimum cut that holds c. And the live edges
		// of the pairs the flow uses are read before decompose, which
		// changes w.res.
		use := make([]uint64, len(w.deadW))
		level := w.level
		for p, u := range g.pU {
			if (level[u] >= 0) != (level[g.pV[p]] >= 0) {
				cuts[c] = append(cuts[c], int32(p))
			}
			if w.res[2*p] == w.cap[2*p] {
				continue // no flow either way
			}
			for _, e := range g.pairEdges[g.pairStart[p]:g.pairStart[p+1]] {
				if !w.dead[e] {
					use[e/64] |= 1 << (e % 64)
				}
			}
		}
		for n, l := range level {
			if l >= 0 {
				side[c]++
				if n < g.nCountry && n != c {
					sides[c] = append(sides[c], int32(n))
				}
			}
		}
		out[c] = w.decompose(g, int32(c), g.core)
		out[c].use = use
		for _, a := range out[c].amount {
			out[c].lead += a
		}
	}
	for c := range out {
		g.appendPaths(&out[c], &g.basePaths[c], risk)
	}
	order = make([]int32, g.nCountry)
	for c := range order {
		order[c] = int32(c)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(side[b], side[a]) })
	return out, cuts, sides, order
}

// riskStages returns, for each of three levels of risk (0, 5 % and 20 %),
// the capacities by slot of the likely outcome st less every group not
// likely to fail whose probability is above the level, safest first (a
// storm's likely outcome loses about half its arcs; of the rest, the short
// cables fail in some samples). Each of the likely
// outcome's flows is found on these first (slotDinic), then completed
// on the whole outcome: still a maximum flow there, but one that crosses
// the arcs a sample may lose as little as it can, so that more of it
// survives a sample and fewer augmenting paths are needed (a storm
// sample: a sixth fewer searches, and 94 of the 170 countries whose flow
// it computes need none, against 62).
func (g *Graph) riskStages(p *plan, st *state) [][]int64 {
	w := g.newWorkspace()
	w.load(g, st)
	base := w.snapshot()
	levels := [...]float64{0, 0.05, 0.2}
	stages := make([][]int64, len(levels))
	for k, thr := range levels {
		w.loadFrom(base)
		for _, gr := range p.groups {
			if gr.likely() || gr.p <= thr {
				continue
			}
			for _, s := range gr.segs {
				if e := g.segEdge[s]; e >= 0 {
					w.kill(g, e)
				}
			}
		}
		stages[k] = make([]int64, len(g.adjNear))
		for i, a := range g.adjNear {
			stages[k][i] = w.cap[a]
		}
	}
	return stages
}

// slotRisk is, for each slot, how likely its arc is to fail in a sample
// of the plan, as far as the order of a path's arcs goes: the greatest
// probability of the groups its pair's edges belong to, 2 for a pair the
// certain failures kill.
func (g *Graph) slotRisk(p *plan) []float64 {
	pr := make([]float64, len(g.pU))
	for _, gr := range p.groups {
		for _, s := range gr.segs {
			if e := g.segEdge[s]; e >= 0 {
				pr[g.ePair[e]] = max(pr[g.ePair[e]], gr.p)
			}
		}
	}
	fixedCap := func() []int64 {
		if p.fixedLoad != nil {
			return p.fixedLoad.cap
		}
		w := g.newWorkspace()
		w.load(g, p.fixed)
		return w.cap
	}()
	risk := make([]float64, len(g.adjNear))
	for i, a := range g.adjNear {
		risk[i] = pr[a/2]
		if fixedCap[a] <= 0 {
			risk[i] = 2
		}
	}
	return risk
}

// appendPaths adds the paths of from to fp, less those that cross a pair
// the certain failures kill (risk 2: they carry nothing in any sample),
// and sorts the arcs of each path of fp so that the one most likely to
// fail comes first: re-sending a path (resend) stops at the first arc
// without room, and the order of a path's arcs changes nothing else.
func (g *Graph) appendPaths(fp, from *flowPaths, risk []float64) {
	if fp.start == nil {
		fp.start = []int32{0}
	}
paths:
	for i, amt := range from.amount {
		arcs := from.arcs[from.start[i]:from.start[i+1]]
		for _, a := range arcs {
			if risk[a] > 1 {
				continue paths
			}
		}
		fp.arcs = append(fp.arcs, arcs...)
		fp.start = append(fp.start, int32(len(fp.arcs)))
		fp.amount = append(fp.amount, amt)
	}
	for i := range fp.amount {
		arcs := fp.arcs[fp.start[i]:fp.start[i+1]]
		top := 0
		for j, a := range arcs {
			if risk[a] > risk[arcs[top]] {
				top = j
			}
		}
		arcs[0], arcs[top] = arcs[top], arcs[0]
	}
}

// slotDinic is Dinic's algorithm from s to the core over the loaded
// capacities, on residuals by slot (w.sres) as the warm start keeps them:
// a search of the whole graph by levels, then augmenting paths along the
// levels, each found by a depth-first walk that resumes after the last
// path's first full arc, until the levels reach the core no more. Like
// maxFlow it finds its flow along shortest paths, which samples re-send
// best (warm.go), and leaves the last search's levels in w.level: the side
// of a minimum cut. It leaves the flow in w.res too (by arc), for
// decompose.
//
// Given stages (riskStages), capacities by slot that are each at most the
// next and the last at most the loaded ones, it finds the flow on the
// first, then adds each next stage's capacity to the residuals and
// augments again: the flow stays feasible, so it ends maximum over the
// loaded capacities.
func (w *workspace) slotDinic(g *Graph, s int32, stages [][]int64) int64 {
	w.resetRes(g)
	var total int64
	for k, first := range stages {
		if k == 0 {
			copy(w.sres, first)
		}
		total += w.slotPhases(g, s)
		next := w.scap
		if k+1 < len(stages) {
			next = stages[k+1]
		}
		for i, c := range first {
			w.sres[i] += next[i] - c
		}
		w.resStale = true // touched no longer lists every change
	}
	total += w.slotPhases(g, s)
	for i, a := range g.adjNear {
		w.res[a] = w.sres[i]
	}
	return total
}

// slotPhases is the phases of slotDinic from the residuals w.sres holds.
func (w *workspace) slotPhases(g *Graph, s int32) int64 {
	res, head, rev, level, start := w.sres, g.slotHead, g.slotRev, w.level, g.adjStart
	var total int64
	for w.slotLevels(g, s) {
		copy(w.iter, start[:g.nNode])
		path := w.pathArc[:0]
		u := s
		for {
			if u == g.core {
				amt := int64(math.MaxInt64)
				for _, a := range path {
					amt = min(amt, res[a])
				}
				keep := -1
				for i, a := range path {
					res[a] -= amt
					res[rev[a]] += amt
					if keep < 0 && res[a] == 0 {
						keep = i
					}
				}
				w.touched = append(w.touched, path...)
				total += amt
				path = path[:keep]
				u = s
				if keep > 0 {
					u = head[path[keep-1]]
				}
				continue
			}
			i, end := w.iter[u], start[u+1]
			for ; i < end; i++ {
				if res[i] > 0 && level[head[i]] == level[u]+1 {
					break
				}
			}
			w.iter[u] = i
			if i < end {
				path = append(path, i)
				u = head[i]
				continue
			}
			level[u] = -1 // a dead end for the rest of this phase
			if len(path) == 0 {
				break
			}
			i = path[len(path)-1]
			path = path[:len(path)-1]
			u = head[rev[i]]
			w.iter[u]++
		}
		w.pathArc = path
	}
	return total
}

// slotLevels is levels over residuals by slot.
func (w *workspace) slotLevels(g *Graph, s int32) bool {
	for i := range w.level {
		w.level[i] = -1
	}
	w.level[s] = 0
	q := append(w.queue[:0], s)
	res, head := w.sres, g.slotHead
	for i := 0; i < len(q); i++ {
		u := q[i]
		for j := g.adjStart[u]; j < g.adjStart[u+1]; j++ {
			if v := head[j]; res[j] > 0 && w.level[v] < 0 {
				w.level[v] = w.level[u] + 1
				if v == g.core {
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

// likelyState is the plan's likely outcome: its certain failures, and every
// group more likely to fail than not (likely).
func (g *Graph) likelyState(p *plan) *state {
	st := g.newState()
	st.copyFrom(p.fixed)
	for _, gr := range p.groups {
		if gr.likely() {
			for _, s := range gr.segs {
				st.seg[s] = true
			}
		}
	}
	return st
}

// likely reports whether the group is more likely to fail than not.
func (gr *group) likely() bool { return gr.p >= 0.5 }

// liveCap is the capacity of the pairs of a cut with w's failures.
func (w *workspace) liveCap(cut []int32) int64 {
	var s int64
	for _, p := range cut {
		s += w.cap[2*p]
	}
	return s
}

// warmFlow is the max-flow from country c to the core over the capacities
// loaded in w, started from c's intact flow paths. bound is an upper bound
// on the flow (≤ 0: none); the live capacity of refCut[c] tightens it. It
// also reports what it knows of a minimum cut's side (share.go).
func (w *workspace) warmFlow(g *Graph, c int, bound int64, ref []flowPaths, refCut [][]int32) (int64, cutSide) {
	if bound <= 0 {
		bound = math.MaxInt64
	}
	atBound := sideNone
	if refCut != nil && refCut[c] != nil {
		if lc := w.liveCap(refCut[c]); lc <= bound {
			bound = lc
			atBound = sideLikely // reaching the bound makes the likely cut minimum
		}
	}
	if ref != nil && ref[c].use != nil && ref[c].lead >= bound && !overlaps(ref[c].use, w.deadW) {
		// The likely flow survives whole and reaches the bound: re-sending
		// its paths would send the bound, so the flow is known without it.
		return bound, atBound
	}
	w.resetRes(g)
	var total int64
	if ref != nil {
		total = w.resend(g, &ref[c], bound) // the intact paths follow the likely ones
	} else {
		total = w.resend(g, &g.basePaths[c], bound)
	}
	if total >= bound {
		return total, atBound
	}
	sent, stuck := w.augmentDFS(g, int32(c), bound-total)
	total += sent
	switch {
	case total >= bound:
		return total, atBound
	case stuck:
		return total, sideSearch // no augmenting path: the flow is maximum
	}
	// Dinic's algorithm works on residuals by arc, and keeps no list of
	// what it changes.
	for i, a := range g.adjNear {
		w.res[a] = w.sres[i]
	}
	w.resStale = true
	if f := total + w.augment(g, int32(c), g.core, bound-total); f < bound {
		return f, sideNone
	}
	return bound, atBound
}

// overlaps reports whether two bitsets share a bit.
func overlaps(a, b []uint64) bool {
	for i, x := range a {
		if x&b[i] != 0 {
			return true
		}
	}
	return false
}

// cutSide says which side of a minimum cut holding a country a flow
// (warmFlow) ended with.
type cutSide uint8

const (
	sideNone   cutSide = iota // none known
	sideSearch                // the nodes the last search reached (workspace.searched)
	sideLikely                // the side of the likely outcome's minimum cut (likelyPaths)
)

// dfsTries bounds the searches of augmentDFS before Dinic's algorithm takes
// over (started from a flow this rich, Dinic's phases are many: the depth-
// first searches are kept going for long).
const dfsTries = 256

// nodeMark is a node's state in the searches of augmentDFS, kept together
// so that a visit reads one place.
//
// Searches and rounds are numbered from one counter: a round's searches
// take the numbers (epochs) after the last round's, and the round itself
// the number dfsTries+1 past its first (w.round), above any of its
// searches. A node entered by a search gets that search's number as its
// stamp, and a node left without a path the round's: a search passes over
// the nodes whose stamp is its own number or more, with one comparison.
type nodeMark struct {
	stamp uint32 // the search that last entered the node, or the round that left it without a path
	round uint32 // the round that cur belongs to
	cur   int32  // the node's current arc, an index into adjNear
}

// augmentDFS sends flow from s to the core along augmenting paths found by
// a depth-first search that tries, at each node, the arcs towards the core
// first (by hop distance in the intact network). Nodes a search left
// without finding a path are skipped by the next searches of the same
// round, and each node resumes its arcs where it left them, as in Dinic's
// algorithm; a search that fails starts a new round from a clean slate,
// and the first search of a round that fails proves the flow maximum. It
// stops when bound more has been sent, when no path is left, or after
// dfsTries searches; it returns how much it sent, and whether no path was
// left. What is left is a feasible flow, so whatever it stops on, Dinic's
// algorithm can finish the job exactly.
func (w *workspace) augmentDFS(g *Graph, s int32, bound int64) (int64, bool) {
	if len(w.mark) < g.nNode {
		w.mark = make([]nodeMark, g.nNode)
		w.pathArc = make([]int32, 0, g.nNode)
	}
	var total int64
	fresh := true // no node is skipped in this round yet
	keep := 0     // arcs of the last path that still have room: the next search starts at their end
	w.nextRound()
	for try := 0; try < dfsTries && total < bound; try++ {
		w.epoch++ // below w.round: a round has at most dfsTries searches
		if !w.dfs(g, s, keep) {
			if fresh {
				return total, true
			}
			w.nextRound()
			fresh = true
			keep = 0
			continue
		}
		fresh = false
		path := w.pathArc
		amt := bound - total
		for _, a := range path {
			amt = min(amt, w.sres[a])
		}
		keep = -1
		for i, a := range path {
			w.sres[a] -= amt
			w.sres[g.slotRev[a]] += amt
			if keep < 0 && w.sres[a] == 0 {
				keep = i
			}
		}
		if keep < 0 {
			keep = 0 // the bound is reached: the loop ends
		}
		w.touched = append(w.touched, path[w.pathKept:]...) // the others are there already
		total += amt
	}
	return total, false
}

// nextRound starts a round: its searches are numbered after the last
// round's, and the round dfsTries+1 past its first search.
func (w *workspace) nextRound() {
	w.epoch = max(w.epoch, w.round)
	if w.epoch > math.MaxUint32-2*(dfsTries+1) { // about to wrap: clear the marks
		clear(w.mark)
		w.epoch = 0
	}
	w.round = w.epoch + dfsTries + 1
}

// searched reports whether node n was entered by the last search, when that
// search was the first of its round (as a search that proves a flow
// maximum is).
func (w *workspace) searched(n int) bool {
	st := w.mark[n].stamp
	return st == w.epoch || st == w.round
}

// dfs looks for a path of residual capacity from s to the core and leaves
// its slots in w.pathArc; it marks the nodes it leaves without one dead for
// the round. Within a round each node resumes its arcs where it left them,
// as in Dinic's algorithm; an arc passed over can come back to life, which
// the round's last search, from a clean slate, catches. It walks with an
// explicit stack (the path itself) over residuals by slot, so that the
// scan of a node's arcs reads memory in order: this is the hot loop of a
// capacity sample.
func (w *workspace) dfs(g *Graph, s int32, keep int) bool {
	mark, res, head, rev := w.mark, w.sres, g.slotHead, g.slotRev
	epoch, round, core := w.epoch, w.round, g.core
	path := w.pathArc[:keep]
	kept := keep
	u := s
	m := &mark[u]
	m.stamp = epoch
	if m.round != round {
		m.round, m.cur = round, g.adjStart[u]
	}
	for _, a := range path {
		u = head[a]
		m = &mark[u]
		m.stamp = epoch
	}
	for {
		i, end := m.cur, g.adjStart[u+1]
		var v int32
		for ; i < end; i++ {
			if res[i] > 0 {
				v = head[i]
				if mark[v].stamp < epoch {
					break
				}
			}
		}
		m.cur = i
		if i < end {
			path = append(path, i)
			if v == core {
				w.pathArc, w.pathKept = path, kept
				return true
			}
			u = v
			m = &mark[u]
			m.stamp = epoch
			if m.round != round {
				m.round, m.cur = round, g.adjStart[u]
			}
			continue
		}
		m.stamp = round
		if len(path) == 0 {
			w.pathArc = path
			return false
		}
		i = path[len(path)-1]
		path = path[:len(path)-1]
		kept = min(kept, len(path))
		u = head[rev[i]]
		m = &mark[u]
		m.cur++ // past the arc to the dead end
	}
}
