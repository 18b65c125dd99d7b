package stream_test

import (
	"encoding/json"
	"io"
	"os"
	"testing"
	"time"

	"lifeline/internal/mrtreplay"
	"lifeline/mrt"
	"lifeline/watch"
	"lifeline/watch/rislive"
	"lifeline/watch/source"
	"lifeline/watch/stream"
	"lifeline/watch/visibility"
)

// detector returns the detector of the scenario tests: IODA's BGP levels
// on a window short enough for a few hours of replay.
func detector(tb testing.TB) *watch.Detector {
	tb.Helper()
	cfg := watch.DefaultConfig()
	cfg.CountryOf = mrtreplay.CountryOf
	_, th, err := watch.ParseThreshold("bgp:window=2h,history=30m", cfg.Threshold)
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Thresholds[watch.KindBGP] = th
	d, err := watch.NewDetector(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

var visOpt = visibility.Options{FullFeedV4: -1, FullFeedV6: -1, CountryOf: mrtreplay.CountryOf}

// TestLiveMatchesMRT replays real updates in which a country goes dark,
// once as an MRT file through watch/source and the batch detector, and
// once as RIS Live messages (written, then decoded) through an Engine: the
// alerts must be the same, and the country's alert must be raised within
// two bins of the withdrawal.
func TestLiveMatchesMRT(t *testing.T) {
	sc := mrtreplay.Build(t, t.TempDir(), 12, 9)
	t.Logf("scenario: %d records from %s to %s; %d prefixes withdrawn at %s, %d records left out after",
		sc.Records, sc.Start.Format(time.TimeOnly), sc.End.Format(time.TimeOnly), sc.Withdrawn, sc.WithdrawAt.Format(time.TimeOnly), sc.Dropped)
	d := detector(t)

	set, err := source.Load([]string{sc.Path}, source.Options{Visibility: visOpt})
	if err != nil {
		t.Fatal(err)
	}
	batch := d.Detect(set.Series, nil)

	var raised []watch.Event
	e, err := stream.New(stream.Options{Visibility: visOpt, Detector: d, OnRaised: func(ev watch.Event) { raised = append(raised, ev) }})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(sc.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := mrt.NewReader(f, mrt.Options{Name: sc.Path})
	if err != nil {
		t.Fatal(err)
	}
	conv := rislive.Converter{Host: "rrc01"}
	var data rislive.Data
	var m rislive.Message
	var buf []byte
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ok, err := conv.Convert(&rec, &data)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			continue
		}
		buf = rislive.AppendMessage(buf[:0], &data)
		if err := rislive.Decode(buf, &m); err != nil {
			t.Fatalf("%v\n%s", err, buf)
		}
		if u, ok := m.Data.Update(); ok {
			if err := e.Apply(&u); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	live := e.Alerts()
	t.Logf("stream: %+v", e.Stats())

	bj, _ := json.Marshal(batch)
	lj, _ := json.Marshal(live)
	if string(bj) != string(lj) {
		t.Errorf("the live path's alerts differ from the MRT path's:\nlive %s\n mrt %s", lj, bj)
	}
	country := watch.Country(mrtreplay.Country)
	var found *watch.Alert
	for i, a := range live {
		if a.Entity == country {
			if a.Start.Before(sc.WithdrawAt.Truncate(5 * time.Minute)) {
				t.Errorf("an alert of %s starts at %s, before the withdrawal at %s", country, a.Start, sc.WithdrawAt)
			}
			if found == nil {
				found = &live[i]
			}
		}
	}
	if found == nil {
		t.Fatalf("no alert of %s among %d alerts", country, len(live))
	}
	if lag := found.Raised.Sub(sc.WithdrawAt); lag < 0 || lag > 10*time.Minute {
		t.Errorf("alert of %s raised at %s, %v after the withdrawal at %s; want within two bins", country, found.Raised, lag, sc.WithdrawAt)
	}
	if found.Level != watch.LevelCritical {
		t.Errorf("alert of %s: level %s, drop %.2f; want critical, the country's space was withdrawn", country, found.Level, found.Drop)
	}
	var byEngine bool
	for _, ev := range raised {
		byEngine = byEngine || ev.Entity == country && ev.Raised.Equal(found.Raised)
	}
	if !byEngine {
		t.Errorf("OnRaised never reported the event of %s raised at %s", country, found.Raised)
	}
	t.Logf("%d alerts; %s: raised %s (%v after the withdrawal), drop %.0f%%", len(live), country, found.Raised.Format(time.TimeOnly), found.Raised.Sub(sc.WithdrawAt), 100*found.Drop)
}
