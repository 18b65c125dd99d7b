package impact

import (
	"os"
	"sync"
	"testing"

	"lifeline/impact/asrel"
	"lifeline/internal/shareddata"
	"lifeline/watch/rir"
)

var realAS struct {
	once  sync.Once
	graph *asrel.Graph
	err   error
}

// realASGraph reads CAIDA's November 2016 relationships once for all
// tests, or skips when the shared data is absent.
func realASGraph(tb testing.TB) *asrel.Graph {
	tb.Helper()
	path := shareddata.Path(tb, "asrel/20161101.as-rel.txt.bz2")
	realAS.once.Do(func() { realAS.graph, realAS.err = asrel.Open(path) })
	if realAS.err != nil {
		tb.Fatal(realAS.err)
	}
	return realAS.graph
}

// testCountries reads the hand-written AS-to-country table.
func testCountries(tb testing.TB) *rir.Table {
	tb.Helper()
	f, err := os.Open("testdata/delegated-as-country-extended")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	t, err := rir.Read(f, f.Name())
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func TestSimulateASEgypt2016(t *testing.T) {
	g := realASGraph(t)
	r, err := simulateAS(t, g, "name: Egypt\nevents:\n  - shutdown: {country: EG}\n", ASOptions{Countries: testCountries(t)})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Shutdowns) != 1 || r.Shutdowns[0] != (ASShutdown{"EG", 8}) || len(r.Failed) != 8 {
		t.Fatalf("shutdowns %+v, failed %v", r.Shutdowns, r.Failed)
	}
	if eg := r.Countries[0]; eg.Country != "EG" || eg.Failed != 8 || eg.ASes != 8 {
		t.Errorf("first country %+v, want Egypt with its 8 networks failed", eg)
	}
	var sum, sumCountries int64
	cutOff, inCone := 0, 0
	for i, n := range r.Networks {
		sum += int64(n.Lost)
		if i > 0 && n.Lost > r.Networks[i-1].Lost {
			t.Fatalf("networks not sorted: %+v after %+v", n, r.Networks[i-1])
		}
		if n.Country == "EG" || n.Lost <= 0 || len(n.FailedProviders) == 0 && n.LostShare < ListShare {
			t.Errorf("network %+v: failed, loses nothing, or should not be listed", n)
		}
		if n.InFailedCone {
			inCone++
		}
		if n.InFailedCone && len(n.FailedProviders) > 0 && n.LostShare >= CutOffShare {
			cutOff++
		}
	}
	for _, c := range r.Countries {
		sumCountries += c.LostPairs
	}
	u := r.Unlisted
	if sum+u.LostPairs != r.LostPairs || sumCountries != r.LostPairs || r.Affected != len(r.Networks)+u.Networks {
		t.Errorf("lost pairs %d; networks sum to %d and %d unlisted, countries to %d", r.LostPairs, sum, u.LostPairs, sumCountries)
	}
	// Nearly every AS loses a few of the networks cut off; those are summed.
	if u.Networks < 50000 || u.MaxLost == 0 || float64(u.MaxLost) >= ListShare*float64(r.ASes-1) {
		t.Errorf("unlisted %+v", u)
	}
	// Networks single-homed to the Egyptian ones lose (almost) everything.
	if inCone == 0 || inCone > r.Cone || cutOff == 0 {
		t.Errorf("%d networks in the failed cone (cone %d), %d cut off", inCone, r.Cone, cutOff)
	}
	t.Logf("Egypt: %d failed, cone %d, %d affected, %d cut off below them, %d lost pairs; first: %+v", len(r.Failed), r.Cone, r.Affected, cutOff, r.LostPairs, r.Networks[:3])
}
