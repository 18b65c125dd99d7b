package watch

import (
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// Level is how far below its baseline a signal fell.
type Level int

// Levels, in increasing gravity.
const (
	LevelNormal Level = iota
	LevelWarning
	LevelCritical
)

// String returns "normal", "warning" or "critical".
func (l Level) String() string {
	switch l {
	case LevelWarning:
		return "warning"
	case LevelCritical:
		return "critical"
	}
	return "normal"
}

// MarshalText writes the level's name.
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText reads a level's name.
func (l *Level) UnmarshalText(b []byte) error {
	switch string(b) {
	case "normal":
		*l = LevelNormal
	case "warning":
		*l = LevelWarning
	case "critical":
		*l = LevelCritical
	default:
		return fmt.Errorf("level %q: want normal, warning or critical", b)
	}
	return nil
}

// Event is a span during which one signal stayed extreme: below the
// warning fraction of its baseline. The detector finds events in series;
// importers (watch/ioda) read events other systems found.
type Event struct {
	Key
	// Start is the start of the first extreme bin; End the end of the last
	// one. An event still going on when the data ends has Ongoing set and
	// ends with the data.
	Start, End time.Time
	Ongoing    bool
	// Raised is when a live detector would have reported the event: the
	// end of the bin in which it had lasted the minimum duration.
	Raised time.Time
	// Level is the gravest level reached.
	Level Level
	// Baseline is the median of the history when the event began, Lowest
	// the lowest value during it. Imported events, which carry only a
	// score, have neither: Baseline is 0.
	Baseline, Lowest float64
	// Severity is Σ (baseline − value) / baseline × 100 × minutes over the
	// extreme bins: a 100 % drop for an hour scores 6,000.
	Severity float64
	// Source says who found the event: "" for this detector, or the name
	// of the system it was imported from, e.g. "ioda".
	Source string
}

// Drop returns the largest fall as a fraction of the baseline (0.8 means
// the signal fell by 80 %), or 0 when unknown.
func (e *Event) Drop() float64 {
	if !(e.Baseline > 0) {
		return 0
	}
	return 1 - e.Lowest/e.Baseline
}

// eventJSON is the JSON form of an Event.
type eventJSON struct {
	Signal   string    `json:"signal"` // KIND:TYPE/CODE
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Ongoing  bool      `json:"ongoing,omitempty"`
	Raised   time.Time `json:"raised"`
	Level    Level     `json:"level"`
	Baseline *float64  `json:"baseline,omitempty"`
	Lowest   *float64  `json:"lowest,omitempty"`
	Drop     *float64  `json:"drop,omitempty"`
	Severity float64   `json:"severity"`
	Source   string    `json:"source,omitempty"`
}

// MarshalJSON writes the event with its key as "signal" and, for detected
// events, its baseline, lowest value and drop.
func (e Event) MarshalJSON() ([]byte, error) {
	j := eventJSON{Signal: e.Key.String(), Start: e.Start.UTC(), End: e.End.UTC(), Ongoing: e.Ongoing,
		Raised: e.Raised.UTC(), Level: e.Level, Severity: round3(e.Severity), Source: e.Source}
	if e.Baseline > 0 {
		b, l, d := round3(e.Baseline), round3(e.Lowest), round3(e.Drop())
		j.Baseline, j.Lowest, j.Drop = &b, &l, &d
	}
	return json.Marshal(j)
}

// round3 keeps three decimals, so JSON output does not show float noise.
func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// Duration returns End − Start.
func (e *Event) Duration() time.Duration { return e.End.Sub(e.Start) }

// Detector finds events in series and turns them into alerts. It has no
// state besides its configuration and is safe for concurrent use.
type Detector struct {
	cfg Config
}

// NewDetector returns a detector with cfg, or an EINVALID error naming the
// setting that cannot be used.
func NewDetector(cfg Config) (*Detector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Thresholds == nil {
		cfg.Thresholds = map[Kind]Threshold{}
	}
	return &Detector{cfg: cfg}, nil
}

// Config returns the detector's configuration.
func (d *Detector) Config() Config { return d.cfg }

// Events returns the events of every series, sorted by key then start.
// Series are independent, so it works on them in parallel; the result does
// not depend on how.
func (d *Detector) Events(series []Series) []Event {
	per := make([][]Event, len(series))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), max(len(series), 1)) {
		wg.Go(func() {
			for i := range next {
				s := &series[i]
				per[i] = d.SeriesEvents(s)
			}
		})
	}
	for i := range series {
		next <- i
	}
	close(next)
	wg.Wait()
	var out []Event
	for _, ev := range per {
		out = append(out, ev...)
	}
	sortEvents(out)
	return out
}

func sortEvents(ev []Event) {
	slices.SortStableFunc(ev, func(a, b Event) int {
		if c := compareKeys(a.Key, b.Key); c != 0 {
			return c
		}
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.Source, b.Source)
	})
}

// SeriesEvents returns the events of one series, in time order.
//
// Each value is compared with the median of the history of the window
// before it. Below the warning fraction it is extreme: its prediction (the
// median) enters the history instead of it, so that an outage does not
// drag the baseline down with it. A run of extreme values lasting the
// minimum duration raises an event; once raised, the event ends only when
// the signal has been normal for Config.Recovery, so a signal hovering
// about the threshold makes one event, not hundreds. Config.MaxInpaint
// after the event began, the history is rebuilt from the measured values
// and the new level is normal. Missing values (NaN) neither enter the
// history nor end an event. No value is judged before the history covers
// the threshold's minimum history.
func (d *Detector) SeriesEvents(s *Series) []Event {
	if s.Step <= 0 {
		return nil
	}
	sd := d.newSeriesDetector(s.Key, s.Start, s.Step)
	var out []Event
	for i, v := range s.Values {
		if ev, closed := sd.push(i, v); closed {
			out = append(out, ev)
		}
	}
	if ev, ok := sd.finish(s.End()); ok {
		out = append(out, ev)
	}
	return out
}

// seriesDetector is the detector's state on one series: everything
// SeriesEvents needs to judge the next value. The batch detector and the
// online one (Online) both feed it one value at a time, so they find the
// same events.
type seriesDetector struct {
	key    Key
	origin time.Time // the start of bin 0
	step   time.Duration
	th     Threshold

	window, minHist, minBins, maxInpaint, recovery int
	stepMin                                        float64

	b        *baseline
	cur      *Event // the open event, raised or still a candidate
	raised   bool   // cur has lasted the minimum duration
	run      int    // consecutive extreme bins of a candidate
	normal   int    // consecutive normal bins since cur's last extreme one
	startBin int    // cur's first bin
	first    int    // first bin with a value, -1 before it
	last     int    // last bin pushed, -1 before it
}

func (d *Detector) newSeriesDetector(k Key, origin time.Time, step time.Duration) *seriesDetector {
	th := d.cfg.Threshold(k.Kind)
	bins := func(dur time.Duration) int { return int((dur + step - 1) / step) }
	window := max(bins(th.Window), 1)
	return &seriesDetector{
		key: k, origin: origin, step: step, th: th,
		window:     window,
		minHist:    max(bins(th.minHistory()), 1),
		minBins:    max(bins(th.MinDuration), 1),
		maxInpaint: max(bins(d.cfg.MaxInpaint), 1),
		recovery:   max(bins(d.cfg.Recovery), 1),
		stepMin:    step.Minutes(),
		b:          newBaseline(window),
		first:      -1,
		last:       -1,
	}
}

// time returns the start of bin i.
func (sd *seriesDetector) time(i int) time.Time { return sd.origin.Add(time.Duration(i) * sd.step) }

// closeEvent ends the open event; it returns it when it had been raised.
func (sd *seriesDetector) closeEvent() (Event, bool) {
	cur, raised := sd.cur, sd.raised
	sd.cur, sd.raised, sd.run, sd.normal = nil, false, 0, 0
	if cur != nil && raised {
		return *cur, true
	}
	return Event{}, false
}

// push judges value v of bin i; bins come in increasing order. It returns
// the event that this value ended, if any.
func (sd *seriesDetector) push(i int, v float64) (Event, bool) {
	if math.IsNaN(v) {
		return Event{}, false
	}
	sd.last = i
	if sd.first < 0 {
		sd.first = i
	}
	sd.b.advance(i)
	base := sd.b.median()
	level := judge(v, base, sd.th, i-sd.first >= sd.minHist && base > 0)
	var out Event
	var closed bool
	if level != LevelNormal && sd.raised && i-sd.startBin >= sd.maxInpaint {
		// The fall has lasted long enough to be the new normal: end the
		// event and judge the value against the values seen.
		out, closed = sd.closeEvent()
		sd.b.rebuild()
		base = sd.b.median()
		level = judge(v, base, sd.th, base > 0)
	}
	if level == LevelNormal {
		sd.b.push(i, v, v)
		switch {
		case sd.cur == nil:
		case !sd.raised:
			sd.cur, sd.run = nil, 0 // a dip shorter than the minimum duration
		default:
			if sd.normal++; sd.normal >= sd.recovery {
				out, closed = sd.closeEvent()
			}
		}
		return out, closed
	}
	if sd.cur == nil {
		sd.cur = &Event{Key: sd.key, Start: sd.time(i), Baseline: base, Lowest: v}
		sd.startBin = i
	}
	sd.normal = 0
	sd.run++
	sd.cur.Level = max(sd.cur.Level, level)
	sd.cur.Lowest = min(sd.cur.Lowest, v)
	sd.cur.Severity += (base - v) / base * 100 * sd.stepMin
	sd.cur.End = sd.time(i + 1)
	if !sd.raised && sd.run >= sd.minBins {
		sd.raised = true
		sd.cur.Raised = sd.time(i + 1)
	}
	sd.b.push(i, base, v)
	return out, closed
}

// open returns the raised event still open, as it stands when the data
// ends at end: ongoing when its last value was extreme.
func (sd *seriesDetector) open(end time.Time) (Event, bool) {
	if sd.cur == nil || !sd.raised {
		return Event{}, false
	}
	ev := *sd.cur
	if sd.normal == 0 {
		ev.End, ev.Ongoing = end, true
	}
	return ev, true
}

// finish ends the data at end and returns the open event, if raised.
func (sd *seriesDetector) finish(end time.Time) (Event, bool) {
	ev, ok := sd.open(end)
	sd.cur, sd.raised, sd.run, sd.normal = nil, false, 0, 0
	return ev, ok
}

// judge returns the level of value v against baseline base.
func judge(v, base float64, th Threshold, judged bool) Level {
	if !judged {
		return LevelNormal
	}
	switch r := v / base; {
	case r < th.Critical:
		return LevelCritical
	case r < th.Warning:
		return LevelWarning
	}
	return LevelNormal
}
