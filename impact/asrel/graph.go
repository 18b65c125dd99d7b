package asrel

import (
	"fmt"
	"slices"

	"lifeline"
)

// Rel is the relationship of a link, with CAIDA's codes.
type Rel int8

// Relationships.
const (
	P2C Rel = -1 // A is B's provider, B A's customer
	P2P Rel = 0  // A and B are peers
)

// Link is one relationship between two ASes. For P2C, A is the provider.
type Link struct {
	A, B uint32
	Rel  Rel
}

// Graph is the AS-level graph compiled onto flat arrays: the ASes in
// ascending order of number, and for each its providers, customers and
// peers as runs of one array each (compressed sparse rows), so that a
// search touches no pointer and no map.
type Graph struct {
	asn []uint32 // node v's AS number, ascending

	// The providers of node v are up[upStart[v]:upStart[v+1]], its
	// customers down[downStart[v]:downStart[v+1]], its peers
	// peer[peerStart[v]:peerStart[v+1]]; each run is ascending.
	upStart, up     []int32
	downStart, down []int32
	peerStart, peer []int32

	// order lists the nodes bottom-up: each after all its customers. When
	// provider-to-customer links form a cycle (a data error, but one a file
	// may hold), the nodes of the cycles and those above them are left to
	// above, in ascending order, and computed to a fixed point.
	order, above []int32
}

// New compiles links into a graph.
//
// Errors: EINVALID for a link of an AS to itself, AS number 0 (reserved),
// a relationship other than P2C or P2P, or two links between the same pair
// of ASes.
func New(links []Link) (*Graph, error) {
	g, bad, first, msg := build(links)
	if msg != "" {
		if first >= 0 {
			msg = fmt.Sprintf("link %d (%s): %s (link %d)", bad+1, links[bad], msg, first+1)
		} else {
			msg = fmt.Sprintf("link %d (%s): %s", bad+1, links[bad], msg)
		}
		return nil, lifeline.Errorf(lifeline.EINVALID, "asrel.New", "%s", msg)
	}
	return g, nil
}

// String writes the link as in a serial-1 file.
func (l Link) String() string { return fmt.Sprintf("%d|%d|%d", l.A, l.B, l.Rel) }

// check returns what is wrong with one link, or "".
func (l Link) check() string {
	switch {
	case l.A == 0 || l.B == 0:
		return "AS 0 is reserved and names no network"
	case l.A == l.B:
		return fmt.Sprintf("AS %d linked to itself", l.A)
	case l.Rel != P2C && l.Rel != P2P:
		return fmt.Sprintf("relationship %d, want -1 (provider to customer) or 0 (peers)", l.Rel)
	}
	return ""
}

// build compiles the links, or returns the index of the first bad one, the
// index of an earlier link it repeats (or -1), and what is wrong.
func build(links []Link) (g *Graph, bad, first int, msg string) {
	// Repeated pairs are found by sorting keys, and nodes by binary search,
	// rather than with maps: that halves the time to read the 2016 file
	// (240,000 links).
	keys := make([]uint64, len(links))
	for i, l := range links {
		if m := l.check(); m != "" {
			return nil, i, -1, m
		}
		keys[i] = uint64(min(l.A, l.B))<<32 | uint64(max(l.A, l.B))
	}
	sorted := slices.Clone(keys)
	slices.Sort(sorted)
	var dups map[uint64]int // key -> first link; only when the file repeats a pair
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] {
			if dups == nil {
				dups = map[uint64]int{}
			}
			dups[sorted[i]] = -1
		}
	}
	if dups != nil {
		for i, k := range keys {
			if j, ok := dups[k]; ok {
				if j >= 0 {
					l := links[i]
					return nil, i, j, fmt.Sprintf("ASes %d and %d already linked", l.A, l.B)
				}
				dups[k] = i
			}
		}
	}
	g = &Graph{asn: make([]uint32, 0, len(links))}
	for _, l := range links {
		g.asn = append(g.asn, l.A, l.B)
	}
	slices.Sort(g.asn)
	g.asn = slices.Compact(g.asn)
	n := len(g.asn)
	ends := make([][2]int32, len(links)) // the nodes of each link
	for i, l := range links {
		a, _ := slices.BinarySearch(g.asn, l.A)
		b, _ := slices.BinarySearch(g.asn, l.B)
		ends[i] = [2]int32{int32(a), int32(b)}
	}
	var upDeg, downDeg, peerDeg = make([]int32, n+1), make([]int32, n+1), make([]int32, n+1)
	for i, l := range links {
		a, b := ends[i][0], ends[i][1]
		if l.Rel == P2C {
			upDeg[b+1]++
			downDeg[a+1]++
		} else {
			peerDeg[a+1]++
			peerDeg[b+1]++
		}
	}
	for v := 1; v <= n; v++ {
		upDeg[v] += upDeg[v-1]
		downDeg[v] += downDeg[v-1]
		peerDeg[v] += peerDeg[v-1]
	}
	g.upStart, g.downStart, g.peerStart = upDeg, downDeg, peerDeg
	g.up = make([]int32, upDeg[n])
	g.down = make([]int32, downDeg[n])
	g.peer = make([]int32, peerDeg[n])
	upAt, downAt, peerAt := slices.Clone(upDeg[:n]), slices.Clone(downDeg[:n]), slices.Clone(peerDeg[:n])
	for i, l := range links {
		a, b := ends[i][0], ends[i][1]
		if l.Rel == P2C {
			g.up[upAt[b]] = a
			upAt[b]++
			g.down[downAt[a]] = b
			downAt[a]++
		} else {
			g.peer[peerAt[a]] = b
			peerAt[a]++
			g.peer[peerAt[b]] = a
			peerAt[b]++
		}
	}
	// Ascending runs make every search visit nodes in the same order
	// whatever the order of the file.
	for v := range n {
		slices.Sort(g.up[g.upStart[v]:g.upStart[v+1]])
		slices.Sort(g.down[g.downStart[v]:g.downStart[v+1]])
		slices.Sort(g.peer[g.peerStart[v]:g.peerStart[v+1]])
	}
	g.sortBottomUp()
	return g, 0, -1, ""
}

// sortBottomUp fills order and above (Kahn's algorithm: a node is ready
// once all its customers are placed).
func (g *Graph) sortBottomUp() {
	n := g.Len()
	left := make([]int32, n) // customers not yet placed
	g.order = make([]int32, 0, n)
	for v := range int32(n) {
		left[v] = g.downStart[v+1] - g.downStart[v]
		if left[v] == 0 {
			g.order = append(g.order, v)
		}
	}
	for i := 0; i < len(g.order); i++ {
		v := g.order[i]
		for _, p := range g.up[g.upStart[v]:g.upStart[v+1]] {
			if left[p]--; left[p] == 0 {
				g.order = append(g.order, p)
			}
		}
	}
	for v := range int32(n) {
		if left[v] > 0 {
			g.above = append(g.above, v)
		}
	}
}

// Len returns the number of ASes.
func (g *Graph) Len() int { return len(g.asn) }

// P2C returns the number of provider-to-customer links.
func (g *Graph) P2C() int { return len(g.up) }

// P2P returns the number of peer links.
func (g *Graph) P2P() int { return len(g.peer) / 2 }

// ASNs returns every AS number of the graph, ascending.
func (g *Graph) ASNs() []uint32 { return slices.Clone(g.asn) }

// Has reports whether the AS is in the graph.
func (g *Graph) Has(asn uint32) bool {
	_, ok := g.index(asn)
	return ok
}

// index returns the AS's node.
func (g *Graph) index(asn uint32) (int32, bool) {
	v, ok := slices.BinarySearch(g.asn, asn)
	return int32(v), ok
}

// Providers returns the AS's providers, ascending; nil for an AS not in
// the graph.
func (g *Graph) Providers(asn uint32) []uint32 { return g.neighbours(asn, g.upStart, g.up) }

// Customers returns the AS's customers, ascending.
func (g *Graph) Customers(asn uint32) []uint32 { return g.neighbours(asn, g.downStart, g.down) }

// Peers returns the AS's peers, ascending.
func (g *Graph) Peers(asn uint32) []uint32 { return g.neighbours(asn, g.peerStart, g.peer) }

func (g *Graph) neighbours(asn uint32, start, arr []int32) []uint32 {
	v, ok := g.index(asn)
	if !ok {
		return nil
	}
	run := arr[start[v]:start[v+1]]
	out := make([]uint32, len(run))
	for i, w := range run {
		out[i] = g.asn[w]
	}
	return out
}

// nodes maps AS numbers to nodes.
//
// Errors: ENOTFOUND naming the first AS not in the graph.
func (g *Graph) nodes(op string, asns []uint32) ([]int32, error) {
	out := make([]int32, 0, len(asns))
	for _, a := range asns {
		v, ok := g.index(a)
		if !ok {
			return nil, lifeline.Errorf(lifeline.ENOTFOUND, op, "AS %d is not in the relationship graph", a)
		}
		out = append(out, v)
	}
	return out, nil
}
