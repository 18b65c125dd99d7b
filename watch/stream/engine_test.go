package stream_test

import (
	"math"
	"net/netip"
	"testing"
	"time"

	"lifeline/watch"
	"lifeline/watch/stream"
	"lifeline/watch/visibility"
)

// TestAdvanceClosesQuietBins: a stream that goes quiet still closes its
// bins when the clock says so, and a clock before any data does nothing.
func TestAdvanceClosesQuietBins(t *testing.T) {
	t0 := time.Date(2024, 1, 5, 10, 0, 0, 0, time.UTC)
	var bins []time.Time
	e, err := stream.New(stream.Options{Visibility: visibility.Options{FullFeedV4: -1}, OnBin: func(start time.Time) { bins = append(bins, start) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Advance(t0.Add(-time.Hour)); err != nil || e.Stats().Visibility.Bins != 0 {
		t.Fatalf("advance before any data: %v, %d bins", err, e.Stats().Visibility.Bins)
	}
	u := stream.Update{Time: t0.Add(time.Minute), Peer: visibility.Peer{IP: netip.MustParseAddr("192.0.2.1"), AS: 64496},
		Announced: []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24")}, Origin: 64500, HasOrigin: true}
	if err := e.Apply(&u); err != nil {
		t.Fatal(err)
	}
	if err := e.Advance(t0.Add(21 * time.Minute)); err != nil {
		t.Fatal(err)
	}
	if st := e.Stats(); st.Visibility.Bins != 4 || st.Detector.Values != 4 {
		t.Errorf("after 20 quiet minutes: %d bins recorded, %d values judged; want 4 and 4", st.Visibility.Bins, st.Detector.Values)
	}
	if len(bins) != 3 || !bins[0].Equal(t0) {
		t.Errorf("OnBin reported %v; want the bins from %s (the last one when the next begins)", bins, t0)
	}
}

// TestObserve: a series measured elsewhere is judged bin by bin; given
// again over an overlapping window it raises nothing twice.
func TestObserve(t *testing.T) {
	t0 := time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC)
	var raised []watch.Event
	e, err := stream.New(stream.Options{OnRaised: func(ev watch.Event) { raised = append(raised, ev) }})
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float64, 7*24*6)
	for i := range v {
		v[i] = 1000
		if i >= len(v)-4 {
			v[i] = 100
		}
	}
	s := watch.Series{Key: watch.Key{Kind: watch.KindProbing, Entity: watch.Country("IR")}, Start: t0, Step: 10 * time.Minute, Values: v}
	for range 2 {
		if _, err := e.Observe(&s); err != nil {
			t.Fatal(err)
		}
	}
	if len(raised) != 1 || raised[0].Level != watch.LevelCritical || math.Abs(raised[0].Drop()-0.9) > 1e-9 {
		t.Errorf("raised %+v; want one critical event of a 90%% drop", raised)
	}
	if a := e.Alerts(); len(a) != 1 || !a[0].Ongoing {
		t.Errorf("alerts %+v; want one ongoing", a)
	}
}

// TestRecent: the last values of a series, missing bins as NaN, at most
// History of them.
func TestRecent(t *testing.T) {
	t0 := time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC)
	e, err := stream.New(stream.Options{History: 4})
	if err != nil {
		t.Fatal(err)
	}
	k := watch.Key{Kind: watch.KindProbing, Entity: watch.Country("IR")}
	s := watch.Series{Key: k, Start: t0, Step: 10 * time.Minute, Values: []float64{1, 2, 3, 4, 5}}
	if _, err := e.Observe(&s); err != nil {
		t.Fatal(err)
	}
	s = watch.Series{Key: k, Start: t0.Add(60 * time.Minute), Step: 10 * time.Minute, Values: []float64{7}}
	if _, err := e.Observe(&s); err != nil {
		t.Fatal(err)
	}
	start, step, v, ok := e.Recent(k)
	if !ok || step != 10*time.Minute || !start.Equal(t0.Add(30*time.Minute)) || len(v) != 4 || v[0] != 4 || v[1] != 5 || !math.IsNaN(v[2]) || v[3] != 7 {
		t.Errorf("Recent = %s, %v, %v, %v; want 4, 5, NaN, 7 from 00:30", start, step, v, ok)
	}
	if _, _, _, ok := e.Recent(watch.Key{Kind: watch.KindBGP, Entity: watch.Country("IR")}); ok {
		t.Error("Recent of a series never seen")
	}
}
