package asrel

import (
	"context"
	"testing"

	"lifeline/internal/shareddata"
)

// BenchmarkOpen reads and compiles CAIDA's November 2016 file (bzip2).
func BenchmarkOpen(b *testing.B) {
	path := shareddata.Path(b, "asrel/20161101.as-rel.txt.bz2")
	for b.Loop() {
		if _, err := Open(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluateEgypt is one national shutdown (eight Egyptian
// networks) on the 2016 graph.
func BenchmarkEvaluateEgypt(b *testing.B) {
	g := caidaGraph(b)
	for b.Loop() {
		if _, err := g.Evaluate(context.Background(), egypt, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluateLevel3 is the failure of the largest transit network of
// 2016 (AS3356, a customer cone of 47,223 ASes): nearly a worst case.
func BenchmarkEvaluateLevel3(b *testing.B) {
	g := caidaGraph(b)
	for b.Loop() {
		if _, err := g.Evaluate(context.Background(), []uint32{3356}, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSweep is one sweep: what 256 destinations reach, on one core.
func BenchmarkSweep(b *testing.B) {
	g := caidaGraph(b)
	dsts := make([]int32, lanes)
	for i := range dsts {
		dsts[i] = int32(i * (g.Len() / lanes))
	}
	a, m := make([]lane, g.Len()), make([]lane, g.Len())
	for b.Loop() {
		g.sweep(dsts, nil, a, m)
	}
}

// BenchmarkSearch is one search: what one destination reaches.
func BenchmarkSearch(b *testing.B) {
	g := caidaGraph(b)
	s := newSearcher(g)
	d, _ := g.index(8452)
	for b.Loop() {
		s.search(d, nil)
	}
}
