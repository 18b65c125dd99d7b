package watch

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// randomSeries returns n bins of a flat signal with noise, missing values
// and falls of random depth and length: material for the detector to find
// events in, of every shape it handles (short dips, long falls, hovering
// about the threshold, recovery).
func randomSeries(rng *rand.Rand, k Key, step time.Duration, n int) Series {
	v := make([]float64, n)
	level := 1000.0
	for i := 0; i < n; {
		switch r := rng.Float64(); {
		case r < 0.02 && i > n/4:
			depth, length := rng.Float64(), 1+rng.IntN(40)
			for j := 0; j < length && i < n; j++ {
				v[i] = level * (1 - depth) * (1 + 0.002*rng.NormFloat64())
				i++
			}
		case r < 0.05:
			v[i] = math.NaN()
			i++
		default:
			v[i] = level * (1 + 0.002*rng.NormFloat64())
			i++
		}
	}
	return Series{Key: k, Start: t0.Add(time.Duration(rng.IntN(10)) * step), Step: step, Values: v}
}

// TestOnlineMatchesBatch feeds series bin by bin, interleaved across series
// as a stream would, and checks that the online detector finds the events
// and alerts the batch detector finds in the whole series.
func TestOnlineMatchesBatch(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxInpaint = 36 * time.Hour // let some falls outlast inpainting
	cfg.CountryOf = func(asn uint32) (string, bool) { return "QM", asn < 64520 }
	d := newTestDetector(t, cfg)
	for seed := range uint64(5) {
		rng := rand.New(rand.NewPCG(seed, 7))
		var all []Series
		for a := range uint32(8) {
			all = append(all, randomSeries(rng, Key{KindBGP, ASN(64512 + a)}, 5*time.Minute, 2000))
		}
		all = append(all, randomSeries(rng, Key{KindProbing, Country("QM")}, 10*time.Minute, 1000))
		imported := []Event{{Key: Key{KindProbing, ASN(64513)}, Start: t0.Add(30 * time.Hour), End: t0.Add(32 * time.Hour), Source: "ioda", Severity: 10}}

		o := d.Online()
		o.Import(imported...)
		raised := 0
		for step := 0; step < 2100; step++ {
			at := t0.Add(time.Duration(step) * 5 * time.Minute)
			for i := range all {
				s := &all[i]
				j := int(at.Sub(s.Start) / s.Step)
				if at.Sub(s.Start)%s.Step != 0 || j < 0 || j >= len(s.Values) {
					continue
				}
				ev, err := o.Push(s.Key, s.Time(j), s.Step, s.Values[j])
				if err != nil {
					t.Fatal(err)
				}
				if ev != nil {
					raised++
					if !ev.Raised.Equal(s.Time(j + 1)) {
						t.Errorf("%s: event raised by the bin at %s says it was raised at %s", s.Key, s.Time(j), ev.Raised)
					}
				}
			}
		}
		batch := d.Events(all)
		if raised != len(batch) {
			t.Errorf("seed %d: %d events raised online, %d found in batch", seed, raised, len(batch))
		}
		if len(batch) == 0 {
			t.Fatalf("seed %d: no event in the batch run; the test data finds nothing to compare", seed)
		}
		sameJSON(t, "events", o.Events(), batch)
		sameJSON(t, "alerts", o.Alerts(), d.Detect(all, imported))
	}
}

func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("online %s differ from batch:\n got %s\nwant %s", what, g, w)
	}
}

func TestOnlineRefuses(t *testing.T) {
	o := newTestDetector(t, DefaultConfig()).Online()
	k := Key{KindBGP, Country("IR")}
	if _, err := o.Push(k, t0, 5*time.Minute, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Push(k, t0.Add(time.Minute), 5*time.Minute, 1); err == nil {
		t.Error("a bin off the grid was accepted")
	}
	if _, err := o.Push(k, t0.Add(5*time.Minute), 10*time.Minute, 1); err == nil {
		t.Error("a second step was accepted")
	}
	if _, err := o.Push(k, t0, 5*time.Minute, 1); err != nil || o.Stats().Late != 1 {
		t.Errorf("a repeated bin: err %v, late %d; want it counted and ignored", err, o.Stats().Late)
	}
}

func TestOnlineForget(t *testing.T) {
	d := newTestDetector(t, DefaultConfig())
	o := d.Online()
	o.Import(Event{Key: Key{KindBGP, Country("IR")}, Start: t0, End: t0.Add(time.Hour)},
		Event{Key: Key{KindBGP, Country("SY")}, Start: t0.Add(2 * time.Hour), End: t0.Add(3 * time.Hour)})
	// Polled again, an ongoing event comes back with a later end.
	o.Import(Event{Key: Key{KindBGP, Country("SY")}, Start: t0.Add(2 * time.Hour), End: t0.Add(4 * time.Hour)})
	o.Forget(t0.Add(90 * time.Minute))
	if a := o.Alerts(); len(a) != 1 || a[0].Entity != Country("SY") || len(a[0].Events) != 1 || !a[0].End.Equal(t0.Add(4*time.Hour)) || o.Stats().Forgotten != 1 {
		t.Errorf("after Forget: %+v, %d forgotten; want SY's alone, with the later end", a, o.Stats().Forgotten)
	}
}
