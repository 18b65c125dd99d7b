package asrel

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
)

// A hand-worked case: tier-1s 10 and 20 peer; 1 buys transit from 10
// only, 2 from 20 only, 5 from both. When 10 fails, 1 reaches nobody
// (3 lost: 20, 2, 5), and 20, 2 and 5 each lose 1; 5 keeps 2 through 20.
func TestEvaluateByHand(t *testing.T) {
	g := mustGraph(t, "10-20 10>1 20>2 10>5 20>5")
	o, err := g.Evaluate(context.Background(), []uint32{10}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Loss{{1, 3, true}, {2, 1, false}, {5, 1, true}, {20, 1, false}}
	if got := o.Affected(); !slices.Equal(got, want) {
		t.Errorf("Affected = %v, want %v", got, want)
	}
	if o.LostPairs() != 6 || o.Cone != 2 || !slices.Equal(o.Failed(), []uint32{10}) || !o.IsFailed(10) || o.Lost(10) != 0 {
		t.Errorf("lost pairs %d, cone %d, failed %v", o.LostPairs(), o.Cone, o.Failed())
	}
}

func TestEvaluateNothingFailed(t *testing.T) {
	g := mustGraph(t, "10-20 10>1 20>2")
	o, err := g.Evaluate(context.Background(), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if o.LostPairs() != 0 || len(o.Affected()) != 0 || o.Cone != 0 {
		t.Errorf("nothing failed, yet lost %d pairs", o.LostPairs())
	}
	if _, err := g.Evaluate(context.Background(), []uint32{99}, Options{}); err == nil {
		t.Error("failed AS not in the graph: no error")
	}
}

// Stubs that share providers share a search; when all their providers
// fail they lose each other too.
func TestEvaluateSharedSearches(t *testing.T) {
	g := mustGraph(t, "10-20 10>1 10>2 10>3 20>4")
	o, err := g.Evaluate(context.Background(), []uint32{10}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if o.Cone != 3 || o.Searches != 1 {
		t.Errorf("cone %d, searches %d; want 3 stubs sharing 1 search", o.Cone, o.Searches)
	}
	// 1 had 2, 3, 20 and 4; it keeps none.
	for _, a := range []uint32{1, 2, 3} {
		if o.Lost(a) != 4 {
			t.Errorf("AS %d lost %d, want 4", a, o.Lost(a))
		}
	}
	if o.Lost(20) != 3 || o.Lost(4) != 3 {
		t.Errorf("20 lost %d, 4 lost %d; want 3 each", o.Lost(20), o.Lost(4))
	}
}

// Evaluate agrees with all pairs searched before and after, on random
// graphs and failures, whatever the number of workers.
func TestEvaluateAgreesWithAllPairs(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 30 {
		g, err := New(randomLinks(r, 30+r.IntN(60), trial%3 == 2))
		if err != nil {
			t.Fatal(err)
		}
		asns := g.ASNs()
		failedSet := map[uint32]bool{}
		for range 1 + trial%5 {
			failedSet[asns[r.IntN(len(asns))]] = true
		}
		var failed []uint32
		for a := range failedSet {
			failed = append(failed, a)
		}
		want := map[uint32]int{}
		for _, s := range asns {
			if failedSet[s] {
				continue
			}
			after := bruteReach(g, s, failedSet)
			for _, d := range bruteReach(g, s, nil) {
				if _, ok := slices.BinarySearch(after, d); !ok && !failedSet[d] {
					want[s]++
				}
			}
		}
		for _, workers := range []int{1, 3} {
			o, err := g.Evaluate(context.Background(), failed, Options{Workers: workers})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range asns {
				if o.Lost(a) != want[a] {
					t.Fatalf("trial %d (failed %v), %d workers: AS %d lost %d, all pairs say %d", trial, failed, workers, a, o.Lost(a), want[a])
				}
			}
		}
	}
}

func TestEvaluateCancelled(t *testing.T) {
	g := mustGraph(t, "10-20 10>1 20>2")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.Evaluate(ctx, []uint32{10}, Options{}); err == nil {
		t.Error("cancelled context: no error")
	}
}
