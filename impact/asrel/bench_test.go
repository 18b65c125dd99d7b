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
