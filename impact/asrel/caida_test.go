package asrel

import (
	"context"
	"slices"
	"sync"
	"testing"

	"lifeline/internal/depcheck"
	"lifeline/internal/shareddata"
)

func TestDependencies(t *testing.T) {
	depcheck.Engine(t, "lifeline/impact/asrel", "lifeline/atlas", "lifeline/watch")
}

var caida struct {
	once sync.Once
	g    *Graph
	err  error
}

// caidaGraph reads CAIDA's November 2016 relationships once for all tests,
// or skips when the shared data is absent.
func caidaGraph(tb testing.TB) *Graph {
	tb.Helper()
	path := shareddata.Path(tb, "asrel/20161101.as-rel.txt.bz2")
	caida.once.Do(func() { caida.g, caida.err = Open(path) })
	if caida.err != nil {
		tb.Fatal(caida.err)
	}
	return caida.g
}

// egypt is a few well-known Egyptian networks of 2016 (TE Data, LINKdotNET,
// Etisalat Misr, Vodafone Data, Noor, Mobinil, Vodafone Egypt, Nile
// Online): a hand-made national shutdown.
var egypt = []uint32{8452, 24863, 36992, 24835, 20928, 37069, 36935, 15475}

func TestCAIDA2016(t *testing.T) {
	g := caidaGraph(t)
	if g.Len() != 55809 || g.P2C() != 110479 || g.P2P() != 128585 {
		t.Fatalf("%d ASes, %d p2c, %d p2p links; the data's README says 55,809, 110,479 and 128,585", g.Len(), g.P2C(), g.P2P())
	}
	o, err := g.Evaluate(context.Background(), egypt, Options{})
	if err != nil {
		t.Fatal(err)
	}
	aff := o.Affected()
	t.Logf("Egypt: cone %d, %d searches, %d ASes affected, %d pairs lost; most: %+v", o.Cone, o.Searches, len(aff), o.LostPairs(), aff[:min(5, len(aff))])
	if o.Cone == 0 || len(aff) <= o.Cone || o.LostPairs() == 0 {
		t.Fatalf("cone %d, %d affected, %d lost pairs: the shutdown breaks nothing", o.Cone, len(aff), o.LostPairs())
	}
	for _, l := range aff {
		if slices.Contains(egypt, l.ASN) {
			t.Errorf("failed AS %d counted as losing destinations", l.ASN)
		}
	}

	// Spot checks against plain searches: destinations in the cone (the
	// most affected), and others; removing more ASes never makes a pair
	// reachable.
	more := append(slices.Clone(egypt), 3356, 6762)
	var dsts []uint32
	for _, l := range aff[:10] {
		dsts = append(dsts, l.ASN)
	}
	asns := g.ASNs()
	for i := 0; len(dsts) < 25; i += 2311 {
		if a := asns[i%len(asns)]; !slices.Contains(egypt, a) && !slices.Contains(more, a) {
			dsts = append(dsts, a)
		}
	}
	for _, d := range dsts {
		before, err := g.Reach(d, nil)
		if err != nil {
			t.Fatal(err)
		}
		after, _ := g.Reach(d, egypt)
		worse, _ := g.Reach(d, more)
		if !subset(after, before) || !subset(worse, after) {
			t.Errorf("AS %d: removing ASes made a pair reachable (%d before, %d after, %d with more failed)", d, len(before), len(after), len(worse))
		}
		lost := 0
		for _, x := range before {
			if _, ok := slices.BinarySearch(after, x); !ok && !slices.Contains(egypt, x) {
				lost++
			}
		}
		if lost != o.Lost(d) {
			t.Errorf("AS %d: Evaluate says %d lost, a plain search %d", d, o.Lost(d), lost)
		}
	}
}

// subset reports whether every element of a (ascending) is in b (ascending).
func subset(a, b []uint32) bool {
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); !ok {
			return false
		}
	}
	return true
}
