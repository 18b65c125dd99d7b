package asrel

// lanes is how many destinations one sweep of the graph serves: each node
// holds one bit per destination, in a lane of four words.
const lanes = 4 * 64

// lane holds one bit per destination of a sweep.
type lane [4]uint64

func (l *lane) or(o *lane) {
	l[0] |= o[0]
	l[1] |= o[1]
	l[2] |= o[2]
	l[3] |= o[3]
}

// orChanged ORs o into l and reports whether l grew.
func (l *lane) orChanged(o *lane) bool {
	old := *l
	l.or(o)
	return *l != old
}

// sweep computes, for up to 256 destinations at once, which nodes reach
// each of them: bit i of m[x] is set when node x has a valley-free path to
// dsts[i] that avoids the dead nodes (dead may be nil; the destinations
// must be live). a is scratch space; both have one lane per node.
//
// It is the search of reach.go turned inside out, a word of destinations
// at a time: bit i of a[x] says x lies above dsts[i] (x is the destination
// or a provider of a node above it), found bottom-up; then x is at the top
// of a path when it or one of its peers lies above, and m takes that
// top-down from providers to customers. Dead nodes keep empty lanes, so
// nothing passes through them. Three passes over the links serve 256
// destinations, where 256 searches would each walk the whole graph.
func (g *Graph) sweep(dsts []int32, dead []bool, a, m []lane) {
	clear(a)
	for i, d := range dsts {
		a[d][i/64] |= 1 << (i % 64)
	}
	isDead := func(v int32) bool { return dead != nil && dead[v] }
	for _, x := range g.order {
		if isDead(x) {
			continue
		}
		ax := &a[x]
		for _, c := range g.down[g.downStart[x]:g.downStart[x+1]] {
			ax.or(&a[c])
		}
	}
	for changed := len(g.above) > 0; changed; {
		changed = false
		for _, x := range g.above {
			if isDead(x) {
				continue
			}
			for _, c := range g.down[g.downStart[x]:g.downStart[x+1]] {
				changed = a[x].orChanged(&a[c]) || changed
			}
		}
	}
	for x := range int32(len(m)) {
		if isDead(x) {
			m[x] = lane{}
			continue
		}
		m[x] = a[x]
		for _, q := range g.peer[g.peerStart[x]:g.peerStart[x+1]] {
			m[x].or(&a[q])
		}
	}
	// Top-down: the nodes above a cycle first (their providers are too),
	// then the rest, each after its providers.
	for changed := len(g.above) > 0; changed; {
		changed = false
		for _, x := range g.above {
			if isDead(x) {
				continue
			}
			for _, p := range g.up[g.upStart[x]:g.upStart[x+1]] {
				changed = m[x].orChanged(&m[p]) || changed
			}
		}
	}
	for i := len(g.order) - 1; i >= 0; i-- {
		x := g.order[i]
		if isDead(x) {
			continue
		}
		mx := &m[x]
		for _, p := range g.up[g.upStart[x]:g.upStart[x+1]] {
			mx.or(&m[p])
		}
	}
}
