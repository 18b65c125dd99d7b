package watch

import (
	"slices"
	"time"

	"lifeline"
)

// Online runs the detector on signals as they are measured, one closed bin
// at a time, instead of on whole series. It keeps, per series, only the
// state the detector needs (the baseline's window and the open event), so
// its memory does not grow with the length of the stream; events that
// ended are kept until Forget drops them.
//
// Fed the bins of a series in order, Online finds exactly the events
// Detector.SeriesEvents finds in the whole series, and Alerts gives the
// alerts Detector.Detect would give on the data seen so far: a live path
// and a batch run over the same data agree.
//
// Online is not safe for concurrent use.
type Online struct {
	d        *Detector
	series   map[Key]*onlineSeries
	closed   []Event
	imported []Event
	stats    OnlineStats
}

type onlineSeries struct {
	sd  *seriesDetector
	end time.Time // end of the last bin pushed
}

// OnlineStats count what an Online detector has been given.
type OnlineStats struct {
	Series    int // series seen
	Values    int // values pushed, missing ones included
	Late      int // values for a bin at or before one already pushed, ignored
	Raised    int // events raised
	Forgotten int // ended events dropped by Forget
}

// Online returns an online detector with d's configuration.
func (d *Detector) Online() *Online {
	return &Online{d: d, series: make(map[Key]*onlineSeries)}
}

// Push gives the value of the bin of series k that starts at start and
// lasts step (NaN when missing). The bins of one series must come in time
// order and on one grid: a bin at or before the last one pushed is counted
// in OnlineStats.Late and ignored; a bin off the grid of the series' first
// bin, or a step that differs from it, is an EINVALID error. Push returns
// the event when this value raised one: the moment a live detector reports
// it.
func (o *Online) Push(k Key, start time.Time, step time.Duration, v float64) (raised *Event, err error) {
	const op = "watch.Online.Push"
	if step <= 0 {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: step %v is not positive", k, step)
	}
	s := o.series[k]
	if s == nil {
		s = &onlineSeries{sd: o.d.newSeriesDetector(k, start, step)}
		o.series[k] = s
		o.stats.Series++
	}
	if step != s.sd.step {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: step %v differs from the series' %v", k, step, s.sd.step)
	}
	off := start.Sub(s.sd.origin)
	if off%step != 0 {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: bin at %s is not on the %v grid of the series, which started at %s",
			k, start.UTC().Format(time.RFC3339), step, s.sd.origin.UTC().Format(time.RFC3339))
	}
	i := int(off / step)
	if i < 0 || i <= s.sd.last {
		o.stats.Late++
		return nil, nil
	}
	o.stats.Values++
	wasRaised, before := s.sd.raised, s.sd.cur
	ev, closed := s.sd.push(i, v)
	s.end = start.Add(step)
	if closed {
		o.closed = append(o.closed, ev)
	}
	if s.sd.raised && (!wasRaised || s.sd.cur != before) {
		o.stats.Raised++
		e := *s.sd.cur
		return &e, nil
	}
	return nil, nil
}

// Import adds events found by other systems (IODA's, say); they take part
// in the alerts as in Detector.Detect. An event with the key, start and
// source of one already imported replaces it: a source polled again
// reports its ongoing events again, with a later end.
func (o *Online) Import(ev ...Event) {
	for _, e := range ev {
		i := slices.IndexFunc(o.imported, func(x Event) bool {
			return x.Key == e.Key && x.Start.Equal(e.Start) && x.Source == e.Source
		})
		if i >= 0 {
			o.imported[i] = e
		} else {
			o.imported = append(o.imported, e)
		}
	}
}

// Events returns the events so far, sorted by key then start: those that
// ended, and the raised ones still open, as Detector.SeriesEvents reports
// them at the end of the data (ongoing, ending with the series' last value,
// while their last value was extreme).
func (o *Online) Events() []Event {
	out := slices.Clone(o.closed)
	for _, s := range o.series {
		if ev, ok := s.sd.open(s.end); ok {
			out = append(out, ev)
		}
	}
	sortEvents(out)
	return out
}

// Alerts returns the alerts of the events so far and the imported ones,
// with hints counting every entity that had a series or an imported event,
// as Detector.Detect does.
func (o *Online) Alerts() []Alert {
	events := append(o.Events(), o.imported...)
	sortEvents(events)
	observed := make([]Entity, 0, len(o.series)+len(o.imported))
	for k := range o.series {
		observed = append(observed, k.Entity)
	}
	for i := range o.imported {
		observed = append(observed, o.imported[i].Entity)
	}
	return o.d.Alerts(events, observed)
}

// Forget drops the events, detected or imported, that ended before t, so
// that a detector running for months holds only recent ones.
func (o *Online) Forget(t time.Time) {
	keep := func(ev []Event) []Event {
		return slices.DeleteFunc(ev, func(e Event) bool {
			if e.End.Before(t) {
				o.stats.Forgotten++
				return true
			}
			return false
		})
	}
	o.closed = keep(o.closed)
	o.imported = keep(o.imported)
}

// Stats returns what the detector has been given.
func (o *Online) Stats() OnlineStats { return o.stats }
