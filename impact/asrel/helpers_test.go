package asrel

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// parseLinks reads a compact graph for tests: "1>2" makes 1 the provider of
// 2, "3-4" makes 3 and 4 peers; links are separated by spaces.
func parseLinks(tb testing.TB, spec string) []Link {
	tb.Helper()
	var links []Link
	for _, f := range strings.Fields(spec) {
		sep, rel := ">", P2C
		if strings.Contains(f, "-") {
			sep, rel = "-", P2P
		}
		a, b, ok := strings.Cut(f, sep)
		x, err1 := strconv.ParseUint(a, 10, 32)
		y, err2 := strconv.ParseUint(b, 10, 32)
		if !ok || err1 != nil || err2 != nil {
			tb.Fatalf("bad link %q in test graph", f)
		}
		links = append(links, Link{A: uint32(x), B: uint32(y), Rel: rel})
	}
	return links
}

// mustGraph compiles a compact graph.
func mustGraph(tb testing.TB, spec string) *Graph {
	tb.Helper()
	g, err := New(parseLinks(tb, spec))
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

// bruteReach is an independent reference: a forward search from src over
// states (AS, phase), phase 0 while the path may still climb or take its
// one peer link, phase 1 once it descends. It returns, ascending, the ASes
// src reaches without crossing a failed one.
func bruteReach(g *Graph, src uint32, failed map[uint32]bool) []uint32 {
	if failed[src] {
		return []uint32{}
	}
	type state struct {
		as    uint32
		phase int
	}
	seen := map[state]bool{{src, 0}: true}
	queue := []state{{src, 0}}
	out := map[uint32]bool{src: true}
	push := func(as uint32, phase int) {
		s := state{as, phase}
		if failed[as] || seen[s] {
			return
		}
		seen[s] = true
		out[as] = true
		queue = append(queue, s)
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, c := range g.Customers(s.as) {
			push(c, 1)
		}
		if s.phase == 0 {
			for _, p := range g.Providers(s.as) {
				push(p, 0)
			}
			for _, p := range g.Peers(s.as) {
				push(p, 1)
			}
		}
	}
	res := make([]uint32, 0, len(out))
	for a := range out {
		res = append(res, a)
	}
	slices.Sort(res)
	return res
}

// randomLinks makes a random layered graph of n ASes (numbered 1..n, lower
// numbers higher up): each AS but the first few buys transit from one to
// three ASes above it, and some pairs peer. With cycles, a few ASes also
// sell transit to ASes above them, which makes provider-to-customer
// cycles, as erroneous data might.
func randomLinks(r *rand.Rand, n int, cycles bool) []Link {
	seen := map[[2]uint32]bool{}
	var links []Link
	add := func(a, b uint32, rel Rel) {
		k := [2]uint32{min(a, b), max(a, b)}
		if a == b || seen[k] {
			return
		}
		seen[k] = true
		links = append(links, Link{A: a, B: b, Rel: rel})
	}
	for v := 4; v <= n; v++ {
		for range 1 + r.IntN(3) {
			add(uint32(1+r.IntN(v-1)), uint32(v), P2C)
		}
	}
	add(1, 2, P2P)
	add(2, 3, P2P)
	for range n / 2 {
		add(uint32(1+r.IntN(n)), uint32(1+r.IntN(n)), P2P)
	}
	if cycles {
		// v sells transit to an AS two levels above it.
		provider := map[uint32]uint32{}
		for _, l := range links {
			if l.Rel == P2C {
				provider[l.B] = l.A
			}
		}
		for range 3 {
			v := uint32(4 + r.IntN(n-3))
			if p, ok := provider[v]; ok {
				if pp, ok := provider[p]; ok {
					add(v, pp, P2C)
				}
			}
		}
	}
	return links
}
