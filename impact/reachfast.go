package impact

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
	return rp
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
