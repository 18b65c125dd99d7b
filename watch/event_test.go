package watch

import (
	"math"
	"testing"
	"time"
)

var t0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// flat returns n bins of value v.
func flat(n int, v float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// series builds a series of kind k about e.
func series(k Kind, e Entity, step time.Duration, values []float64) Series {
	return Series{Key: Key{Kind: k, Entity: e}, Start: t0, Step: step, Values: values}
}

func newTestDetector(t testing.TB, cfg Config) *Detector {
	t.Helper()
	d, err := NewDetector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSeriesEventsDrop(t *testing.T) {
	const step = 5 * time.Minute
	day := int(24 * time.Hour / step)
	tests := []struct {
		name      string
		depth     float64 // fraction lost
		bins      int
		wantLevel Level // LevelNormal: no event
	}{
		{"half for an hour", 0.5, 12, LevelWarning},
		{"total for an hour", 1, 12, LevelCritical},
		{"two percent for an hour", 0.02, 12, LevelWarning},
		{"half a percent is noise", 0.005, 12, LevelNormal},
		{"one bin is shorter than the minimum", 1, 1, LevelNormal},
		{"two bins are enough", 1, 2, LevelCritical},
	}
	d := newTestDetector(t, DefaultConfig())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := flat(2*day, 1000)
			at := day + 7 // 24 h of history, then the drop at 00:35
			for i := at; i < at+tt.bins; i++ {
				v[i] = 1000 * (1 - tt.depth)
			}
			s := series(KindBGP, Country("IR"), step, v)
			ev := d.SeriesEvents(&s)
			if tt.wantLevel == LevelNormal {
				if len(ev) != 0 {
					t.Fatalf("events %+v, want none", ev)
				}
				return
			}
			if len(ev) != 1 {
				t.Fatalf("%d events, want 1: %+v", len(ev), ev)
			}
			e := ev[0]
			if !e.Start.Equal(s.Time(at)) || !e.End.Equal(s.Time(at+tt.bins)) || e.Ongoing {
				t.Errorf("event %s–%s ongoing %v, want %s–%s", e.Start, e.End, e.Ongoing, s.Time(at), s.Time(at+tt.bins))
			}
			if e.Level != tt.wantLevel {
				t.Errorf("level %v, want %v", e.Level, tt.wantLevel)
			}
			if want := s.Time(at + 2); !e.Raised.Equal(want) {
				t.Errorf("raised %s, want %s (the end of the second bin)", e.Raised, want)
			}
			// Severity: depth × 100 × 5 minutes per bin.
			if want := tt.depth * 100 * 5 * float64(tt.bins); math.Abs(e.Severity-want) > 1e-6 {
				t.Errorf("severity %v, want %v", e.Severity, want)
			}
			if math.Abs(e.Drop()-tt.depth) > 1e-9 {
				t.Errorf("drop %v, want %v", e.Drop(), tt.depth)
			}
		})
	}
}

func TestSeriesEventsNeedsHistory(t *testing.T) {
	d := newTestDetector(t, DefaultConfig())
	// A 24 h window needs 6 h of history: a drop after 5 h is not judged,
	// the same drop after 7 h is.
	for _, c := range []struct {
		at   int
		want int
	}{{60, 0}, {84, 1}} {
		v := flat(200, 500)
		for i := c.at; i < c.at+6; i++ {
			v[i] = 0
		}
		s := series(KindBGP, ASN(64500), 5*time.Minute, v)
		if ev := d.SeriesEvents(&s); len(ev) != c.want {
			t.Errorf("drop at bin %d: %d events, want %d", c.at, len(ev), c.want)
		}
	}
}

func TestSeriesEventsMissingValues(t *testing.T) {
	d := newTestDetector(t, DefaultConfig())
	v := flat(400, 500)
	// An outage of bins 300–309 with bins 303–305 missing stays one event;
	// missing values before it do not make one.
	for i := 300; i < 310; i++ {
		v[i] = 100
	}
	for _, i := range []int{100, 101, 102, 303, 304, 305} {
		v[i] = math.NaN()
	}
	s := series(KindBGP, ASN(64500), 5*time.Minute, v)
	ev := d.SeriesEvents(&s)
	if len(ev) != 1 || !ev[0].Start.Equal(s.Time(300)) || !ev[0].End.Equal(s.Time(310)) {
		t.Fatalf("events %+v, want one from bin 300 to 310", ev)
	}
	// Seven extreme bins of five minutes, 80 % down.
	if want := 0.8 * 100 * 5 * 7; math.Abs(ev[0].Severity-want) > 1e-6 {
		t.Errorf("severity %v, want %v (missing bins add nothing)", ev[0].Severity, want)
	}
}

func TestSeriesEventsOngoing(t *testing.T) {
	d := newTestDetector(t, DefaultConfig())
	v := flat(400, 500)
	for i := 390; i < 400; i++ {
		v[i] = 0
	}
	s := series(KindBGP, ASN(64500), 5*time.Minute, v)
	ev := d.SeriesEvents(&s)
	if len(ev) != 1 || !ev[0].Ongoing || !ev[0].End.Equal(s.End()) {
		t.Fatalf("events %+v, want one ongoing to the end of the data", ev)
	}
}

// TestInpainting checks that a long outage does not become the baseline:
// without inpainting, a 14-hour outage in a 24-hour window would pull the
// median down after 12 hours and the event would end early.
func TestInpainting(t *testing.T) {
	d := newTestDetector(t, DefaultConfig())
	const step = 5 * time.Minute
	day := int(24 * time.Hour / step)
	v := flat(3*day, 1000)
	long := 14 * 12 // 14 h
	for i := day; i < day+long; i++ {
		v[i] = 400
	}
	s := series(KindBGP, Country("SD"), step, v)
	ev := d.SeriesEvents(&s)
	if len(ev) != 1 || !ev[0].End.Equal(s.Time(day+long)) {
		t.Fatalf("events %+v, want one event lasting the 14 h outage", ev)
	}
	if ev[0].Lowest != 400 || ev[0].Baseline != 1000 {
		t.Errorf("baseline %v lowest %v, want 1000 and 400", ev[0].Baseline, ev[0].Lowest)
	}
}

// TestNewNormal checks that after MaxInpaint a lasting fall becomes the new
// level: the event ends, and a later fall is measured from the new level.
func TestNewNormal(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxInpaint = 12 * time.Hour
	cfg.Thresholds[KindBGP] = Threshold{Window: 6 * time.Hour, Warning: 0.99, Critical: 0.5, MinDuration: 10 * time.Minute}
	d := newTestDetector(t, cfg)
	const step = 5 * time.Minute
	day := int(24 * time.Hour / step)
	v := flat(4*day, 1000)
	for i := day; i < len(v); i++ {
		v[i] = 600 // a permanent loss of 40 %
	}
	for i := 3 * day; i < 3*day+6; i++ {
		v[i] = 300 // half of the new level, for 30 minutes
	}
	s := series(KindBGP, ASN(64501), step, v)
	ev := d.SeriesEvents(&s)
	if len(ev) != 2 {
		t.Fatalf("%d events, want 2 (the fall, ended after 12 h; the later drop): %+v", len(ev), ev)
	}
	if got := ev[0].End.Sub(ev[0].Start); got != 12*time.Hour {
		t.Errorf("first event lasted %v, want the 12 h inpainting limit", got)
	}
	if ev[1].Baseline != 600 || !ev[1].Start.Equal(s.Time(3*day)) {
		t.Errorf("second event baseline %v start %s, want 600 at %s", ev[1].Baseline, ev[1].Start, s.Time(3*day))
	}
}

func TestBaselineMedian(t *testing.T) {
	b := newBaseline(4)
	for i, v := range []float64{5, 1, 4, 2, 3} {
		b.advance(i)
		b.push(i, v, v)
	}
	// The window of 4 holds bins 1–4: 1, 4, 2, 3.
	if got := b.median(); got != 2.5 {
		t.Errorf("median %v, want 2.5", got)
	}
	b.advance(7) // drops bins ≤ 3
	if got := b.median(); got != 3 || b.len() != 1 {
		t.Errorf("after advancing: median %v of %d values, want 3 of 1", got, b.len())
	}
	b.advance(100)
	if !math.IsNaN(b.median()) {
		t.Errorf("empty history has median %v, want NaN", b.median())
	}
}

// TestRecovery checks the hysteresis of raised events: a signal that
// hovers about its threshold after a small lasting fall is one event, not
// one per dip; outages more than the recovery apart are two events.
func TestRecovery(t *testing.T) {
	d := newTestDetector(t, DefaultConfig())
	const step = 5 * time.Minute
	day := int(24 * time.Hour / step)

	v := flat(3*day, 1000)
	for i := day; i < len(v); i++ {
		v[i] = 989 // just below 99 %
		if i%3 == 0 {
			v[i] = 991 // and above it one bin in three
		}
	}
	s := series(KindBGP, ASN(64520), step, v)
	if ev := d.SeriesEvents(&s); len(ev) != 1 || !ev[0].Ongoing {
		t.Errorf("a signal hovering about the threshold gave %d events, want one ongoing", len(ev))
	}

	for _, c := range []struct {
		gap  int // bins between two outages of 30 minutes
		want int
	}{{6, 1}, {11, 1}, {12, 2}, {30, 2}} {
		v := flat(2*day, 1000)
		for i := day; i < day+6; i++ {
			v[i] = 100
		}
		for i := day + 6 + c.gap; i < day+12+c.gap; i++ {
			v[i] = 100
		}
		s := series(KindBGP, ASN(64521), step, v)
		ev := d.SeriesEvents(&s)
		if len(ev) != c.want {
			t.Errorf("outages %d bins apart: %d events, want %d", c.gap, len(ev), c.want)
			continue
		}
		if c.want == 1 && (!ev[0].End.Equal(s.Time(day+12+c.gap)) || ev[0].Ongoing) {
			t.Errorf("outages %d bins apart: one event ending %s (ongoing %v), want the end of the second", c.gap, ev[0].End, ev[0].Ongoing)
		}
	}

	// Recovered shortly before the data ends: over, not ongoing.
	v = flat(2*day, 1000)
	for i := 2*day - 10; i < 2*day-2; i++ {
		v[i] = 0
	}
	s = series(KindBGP, ASN(64522), step, v)
	if ev := d.SeriesEvents(&s); len(ev) != 1 || ev[0].Ongoing || !ev[0].End.Equal(s.Time(2*day-2)) {
		t.Errorf("events %+v, want one that ended two bins before the data", ev)
	}
}
