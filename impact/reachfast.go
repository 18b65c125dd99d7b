package impact

import "slices"

// Reachability without capacities, for the samples that compute no
// capacity loss.
//
// Every edge that no group of the plan can fail is alive in every sample
// or dead in every one. The live ones are merged once, per plan, into
// components; a sample then joins components along the edges of the
// groups it did not fire (and that no fired group shares) and asks, per
// country, whether its component is the core's. That is the same answer as
// the search of reach over the loaded capacities (an edge carries a path
// when it is alive and has some capacity), for a fraction of the work:
// only the groups' edges are looked at (TestSimulateFastMatchesReference,
// the reference computes every sample in full).

// reachPlan is the part of a plan that fast reachability needs.
type reachPlan struct {
	comp  []int32   // per node: its component over the certain live edges
	nComp int       // number of components
	edges [][]int32 // per group: its edges that can carry a path
	// The components joined by the groups' edges, as CSR adjacency:
	// component x's neighbours are adjComp[adjStart[x]:adjStart[x+1]],
	// along edges adjEdge[…].
	adjStart []int32
	adjComp  []int32
	adjEdge  []int32
}

// newReachPlan merges the edges that no group fails and that are alive
// with the plan's certain failures (load holds them).
func (g *Graph) newReachPlan(p *plan, l *loaded) *reachPlan {
	inGroup := make([]bool, len(g.eU))
	rp := &reachPlan{edges: make([][]int32, len(p.groups))}
	for gi, gr := range p.groups {
		for _, s := range gr.segs {
			e := g.segEdge[s]
			if e < 0 || l.dead[e] || g.eCap[e] <= 0 {
				continue
			}
			inGroup[e] = true
			rp.edges[gi] = append(rp.edges[gi], e)
		}
	}
	parent := make([]int32, g.nNode)
	for i := range parent {
		parent[i] = int32(i)
	}
	for e := range g.eU {
		if inGroup[e] || l.dead[e] || g.eCap[e] <= 0 {
			continue
		}
		if a, b := find(parent, g.eU[e]), find(parent, g.eV[e]); a != b {
			parent[a] = b
		}
	}
	rp.comp = make([]int32, g.nNode)
	id := make([]int32, g.nNode)
	for i := range id {
		id[i] = -1
	}
	for n := range g.nNode {
		r := find(parent, int32(n))
		if id[r] < 0 {
			id[r] = int32(rp.nComp)
			rp.nComp++
		}
		rp.comp[n] = id[r]
	}
	deg := make([]int32, rp.nComp+1)
	for e, in := range inGroup {
		if in {
			deg[rp.comp[g.eU[e]]+1]++
			deg[rp.comp[g.eV[e]]+1]++
		}
	}
	for x := 1; x <= rp.nComp; x++ {
		deg[x] += deg[x-1]
	}
	rp.adjStart = slices.Clone(deg)
	rp.adjComp = make([]int32, deg[rp.nComp])
	rp.adjEdge = make([]int32, deg[rp.nComp])
	for e, in := range inGroup {
		if !in {
			continue
		}
		a, b := rp.comp[g.eU[e]], rp.comp[g.eV[e]]
		rp.adjComp[deg[a]], rp.adjEdge[deg[a]] = b, int32(e)
		deg[a]++
		rp.adjComp[deg[b]], rp.adjEdge[deg[b]] = a, int32(e)
		deg[b]++
	}
	return rp
}

// blockReach is the reachability of up to 64 samples at once: bit j of a
// mask stands for sample j of the block.
type blockReach struct {
	fired []uint64 // per group: the samples that fire it
	dead  []uint64 // per edge: the samples in which a fired group fails it
	reach []uint64 // per component: the samples in which it reaches the core
	inQ   []bool
	queue []int32
}

// reachBlock computes, for the samples first..first+n−1 (n ≤ 64), which
// groups fire (the same draws as sample) and which components reach the
// core: a search that carries, along each edge, the samples in which the
// edge is alive, until nothing changes.
func (g *Graph) reachBlock(p *plan, first uint64, n int, seed uint64, br *blockReach) {
	rp := p.reach
	if br.fired == nil {
		br.fired = make([]uint64, len(p.groups))
		br.dead = make([]uint64, len(g.eU))
		br.reach = make([]uint64, rp.nComp)
		br.inQ = make([]bool, rp.nComp)
	}
	clear(br.fired)
	for j := range n {
		r := newRNG(seed, first+uint64(j))
		for gi, gr := range p.groups {
			if r.float64() < gr.p {
				br.fired[gi] |= 1 << j
			}
		}
	}
	for gi := range p.groups {
		for _, e := range rp.edges[gi] {
			br.dead[e] = 0
		}
	}
	for gi, m := range br.fired {
		if m != 0 {
			for _, e := range rp.edges[gi] {
				br.dead[e] |= m
			}
		}
	}
	all := ^uint64(0)
	if n < 64 {
		all = 1<<n - 1
	}
	clear(br.reach)
	core := rp.comp[g.core]
	br.reach[core] = all
	q := append(br.queue[:0], core)
	br.inQ[core] = true
	for i := 0; i < len(q); i++ {
		x := q[i]
		br.inQ[x] = false
		m := br.reach[x]
		for k := rp.adjStart[x]; k < rp.adjStart[x+1]; k++ {
			y := rp.adjComp[k]
			if nm := br.reach[y] | m&^br.dead[rp.adjEdge[k]]; nm != br.reach[y] {
				br.reach[y] = nm
				if !br.inQ[y] {
					br.inQ[y] = true
					q = append(q, y)
				}
			}
		}
	}
	br.queue = q[:0]
}

// blockSample sets the evaluator's fired groups and reached countries for
// sample j of the block reachBlock computed.
func (g *Graph) blockSample(p *plan, br *blockReach, j int, fired, reached []bool) {
	bit := uint64(1) << j
	for gi, m := range br.fired {
		fired[gi] = m&bit != 0
	}
	for c := range g.nCountry {
		reached[c] = br.reach[p.reach.comp[c]]&bit != 0
	}
}

// find is the root of x in a union-find forest, halving paths.
func find(parent []int32, x int32) int32 {
	for parent[x] != x {
		parent[x] = parent[parent[x]]
		x = parent[x]
	}
	return x
}

// reachScratch is one evaluator's scratch for fast reachability.
type reachScratch struct {
	stamp  []uint32 // per edge: the sample number that saw it fail
	now    uint32
	parent []int32 // per component
}

// reachFast fills reached (per country) for the fired groups.
func (g *Graph) reachFast(rp *reachPlan, fired []bool, rs *reachScratch, reached []bool) {
	if rs.stamp == nil {
		rs.stamp = make([]uint32, len(g.eU))
		rs.parent = make([]int32, rp.nComp)
	}
	rs.now++
	if rs.now == 0 {
		clear(rs.stamp)
		rs.now = 1
	}
	for gi, f := range fired {
		if f {
			for _, e := range rp.edges[gi] {
				rs.stamp[e] = rs.now
			}
		}
	}
	parent := rs.parent
	for i := range parent {
		parent[i] = int32(i)
	}
	for gi, f := range fired {
		if f {
			continue
		}
		for _, e := range rp.edges[gi] {
			if rs.stamp[e] == rs.now {
				continue // failed with another group
			}
			if a, b := find(parent, rp.comp[g.eU[e]]), find(parent, rp.comp[g.eV[e]]); a != b {
				parent[a] = b
			}
		}
	}
	core := find(parent, rp.comp[g.core])
	for c := range g.nCountry {
		reached[c] = find(parent, rp.comp[c]) == core
	}
}
