package asrel

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestReachable(t *testing.T) {
	tests := []struct {
		name     string
		graph    string
		src, dst uint32
		failed   []uint32
		want     bool
	}{
		{"customer to provider", "1>2", 2, 1, nil, true},
		{"climb any number of hops, then descend", "1>2 2>3 3>4 1>5", 4, 5, nil, true},
		{"one peer link", "1-2", 1, 2, nil, true},
		{"peer then down", "1-2 2>3", 1, 3, nil, true},
		{"up, peer, down", "10>1 20>2 10-20", 1, 2, nil, true},
		{"peer, peer: not valley-free", "1-2 2-3", 1, 3, nil, false},
		{"peer, peer, peer: not valley-free", "1-2 2-3 3-4", 1, 4, nil, false},
		{"two peer links between climbs: not valley-free", "10-20 20-30 10>1 30>3", 1, 3, nil, false},
		{"down then up (a valley): not valley-free", "1>3 2>3", 1, 2, nil, false},
		{"peer then up: not valley-free", "1-2 3>2", 1, 3, nil, false},
		{"down then peer: not valley-free", "1>2 2-3", 1, 3, nil, false},
		{"multihomed customer of a failed provider keeps its path", "10-20 10>1 20>2 10>5 20>5", 5, 2, []uint32{10}, true},
		{"single-homed customer of a failed provider loses it", "10-20 10>1 20>2 10>5 20>5", 1, 2, []uint32{10}, false},
		{"a failed peer breaks the only peer path", "10-20 10>1 20>2", 1, 2, []uint32{20}, false},
		{"a provider that is customer of another tier-1 keeps the path", "10-20 10-30 30-20 10>40 30>40 40>1 20>2", 1, 2, []uint32{10}, true},
		{"a second provider that peers with the far side", "10-20 10>1 20>2 30>1 30-20", 1, 2, []uint32{10}, true},
		{"a failed end has no path", "1>2", 2, 1, []uint32{1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := mustGraph(t, tt.graph)
			got, err := g.Reachable(tt.src, tt.dst, tt.failed)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Reachable(%d, %d, failed %v) = %v, want %v", tt.src, tt.dst, tt.failed, got, tt.want)
			}
			back, _ := g.Reachable(tt.dst, tt.src, tt.failed)
			if back != got {
				t.Errorf("not symmetric: %d to %d is %v, back %v", tt.src, tt.dst, got, back)
			}
			failed := map[uint32]bool{}
			for _, f := range tt.failed {
				failed[f] = true
			}
			_, ref := slices.BinarySearch(bruteReach(g, tt.src, failed), tt.dst)
			if ref != tt.want {
				t.Errorf("the reference says %v", ref)
			}
		})
	}
}

func TestReachUnknownAS(t *testing.T) {
	g := mustGraph(t, "1>2")
	if _, err := g.Reach(3, nil); err == nil {
		t.Error("Reach of an AS not in the graph: no error")
	}
	if _, err := g.Reach(1, []uint32{9}); err == nil {
		t.Error("failed AS not in the graph: no error")
	}
	if _, err := g.Reachable(7, 1, nil); err == nil {
		t.Error("Reachable from an AS not in the graph: no error")
	}
}

// The search from the destination agrees with a forward search over
// (AS, phase) states, on random graphs with random failures.
func TestReachAgreesWithForwardSearch(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 20 {
		g, err := New(randomLinks(r, 40+r.IntN(40), trial%2 == 1))
		if err != nil {
			t.Fatal(err)
		}
		asns := g.ASNs()
		var failed []uint32
		failedSet := map[uint32]bool{}
		for range trial % 4 {
			a := asns[r.IntN(len(asns))]
			if !failedSet[a] {
				failed = append(failed, a)
				failedSet[a] = true
			}
		}
		for _, d := range asns {
			got, err := g.Reach(d, failed)
			if err != nil {
				t.Fatal(err)
			}
			if want := bruteReach(g, d, failedSet); !slices.Equal(got, want) {
				t.Fatalf("trial %d, AS %d, failed %v: Reach %v, forward search %v", trial, d, failed, got, want)
			}
		}
	}
}

// A sweep computes for 256 destinations at once what a search computes for
// one; it agrees with the forward search, with and without failures and
// provider-to-customer cycles, over more than one sweep's worth of ASes.
func TestSweepAgreesWithForwardSearch(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := range 6 {
		g, err := New(randomLinks(r, 280+r.IntN(60), trial%2 == 1))
		if err != nil {
			t.Fatal(err)
		}
		if trial%2 == 1 && len(g.above) == 0 {
			t.Errorf("trial %d: the graph has no cycle to test", trial)
		}
		asns := g.ASNs()
		dead := make([]bool, g.Len())
		failed := map[uint32]bool{}
		for range trial {
			v := r.IntN(g.Len())
			dead[v], failed[asns[v]] = true, true
		}
		var live []int32
		for v := range int32(g.Len()) {
			if !dead[v] {
				live = append(live, v)
			}
		}
		a, m := make([]lane, g.Len()), make([]lane, g.Len())
		for lo := 0; lo < len(live); lo += lanes {
			dsts := live[lo:min(lo+lanes, len(live))]
			g.sweep(dsts, dead, a, m)
			for i, d := range dsts {
				var got []uint32
				for x := range g.Len() {
					if m[x][i/64]>>(i%64)&1 != 0 {
						got = append(got, asns[x])
					}
				}
				if want := bruteReach(g, asns[d], failed); !slices.Equal(got, want) {
					t.Fatalf("trial %d, AS %d: sweep %v, forward search %v", trial, asns[d], got, want)
				}
			}
		}
	}
}
