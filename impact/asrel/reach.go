package asrel

import (
	"slices"
)

// searcher holds the scratch space of valley-free searches. Marks are
// stamped with an epoch, so a search costs what it visits, not the size of
// the graph. One per goroutine.
type searcher struct {
	g                *Graph
	upMark, reachMrk []uint32
	epoch            uint32
	climb, reach     []int32
}

func newSearcher(g *Graph) *searcher {
	n := g.Len()
	return &searcher{g: g, upMark: make([]uint32, n), reachMrk: make([]uint32, n),
		climb: make([]int32, 0, 64), reach: make([]int32, 0, n)}
}

// search returns every node with a valley-free path to dst that avoids the
// failed nodes (failed may be nil), dst included; dst must not be failed.
// The slice is the searcher's and is valid until the next search, as are
// the marks that reached reports on.
//
// The path from a source climbs to some node y above dst, or to a peer of
// such a y, then descends to dst. So: climb from dst through providers (the
// set A of nodes dst hangs below), add the peers of A, and take everything
// below those; each node is entered once per phase.
func (s *searcher) search(dst int32, failed []bool) []int32 {
	g := s.g
	s.epoch++
	if s.epoch == 0 { // wrapped: clear the stamps once every 4 billion searches
		clear(s.upMark)
		clear(s.reachMrk)
		s.epoch = 1
	}
	e := s.epoch
	climb := append(s.climb[:0], dst)
	s.upMark[dst] = e
	for i := 0; i < len(climb); i++ {
		v := climb[i]
		for _, p := range g.up[g.upStart[v]:g.upStart[v+1]] {
			if s.upMark[p] != e && (failed == nil || !failed[p]) {
				s.upMark[p] = e
				climb = append(climb, p)
			}
		}
	}
	reach := s.reach[:0]
	for _, v := range climb {
		s.reachMrk[v] = e
		reach = append(reach, v)
	}
	for _, v := range climb {
		for _, q := range g.peer[g.peerStart[v]:g.peerStart[v+1]] {
			if s.reachMrk[q] != e && (failed == nil || !failed[q]) {
				s.reachMrk[q] = e
				reach = append(reach, q)
			}
		}
	}
	for i := 0; i < len(reach); i++ {
		v := reach[i]
		for _, c := range g.down[g.downStart[v]:g.downStart[v+1]] {
			if s.reachMrk[c] != e && (failed == nil || !failed[c]) {
				s.reachMrk[c] = e
				reach = append(reach, c)
			}
		}
	}
	s.climb, s.reach = climb, reach
	return reach
}

// failedMask marks the failed nodes.
func (g *Graph) failedMask(op string, failed []uint32) ([]bool, error) {
	nodes, err := g.nodes(op, failed)
	if err != nil {
		return nil, err
	}
	mask := make([]bool, g.Len())
	for _, v := range nodes {
		mask[v] = true
	}
	return mask, nil
}

// Reach returns, ascending, every AS with a valley-free path to dst that
// avoids the failed ASes, dst included; nothing when dst itself failed.
// By symmetry these are also the ASes dst reaches.
//
// Errors: ENOTFOUND naming dst or a failed AS that is not in the graph.
func (g *Graph) Reach(dst uint32, failed []uint32) ([]uint32, error) {
	const op = "asrel.Reach"
	mask, err := g.failedMask(op, failed)
	if err != nil {
		return nil, err
	}
	d, err := g.nodes(op, []uint32{dst})
	if err != nil {
		return nil, err
	}
	if mask[d[0]] {
		return []uint32{}, nil
	}
	nodes := newSearcher(g).search(d[0], mask)
	out := make([]uint32, len(nodes))
	for i, v := range nodes {
		out[i] = g.asn[v]
	}
	slices.Sort(out)
	return out, nil
}

// Reachable reports whether a valley-free path joins src and dst without
// crossing a failed AS (a failed end has no path).
//
// Errors: ENOTFOUND naming an AS that is not in the graph.
func (g *Graph) Reachable(src, dst uint32, failed []uint32) (bool, error) {
	r, err := g.Reach(dst, failed)
	if err != nil {
		return false, err
	}
	if !g.Has(src) {
		_, err := g.nodes("asrel.Reachable", []uint32{src})
		return false, err
	}
	_, ok := slices.BinarySearch(r, src)
	return ok, nil
}
