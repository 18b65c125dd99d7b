// Package stream computes the BGP visibility signal and its alerts from
// routing data as it arrives, instead of from files read to their end.
//
// An Engine holds a visibility.Tracker and the detector's online form
// (watch.Online). Its base is a RIB snapshot (an MRT TABLE_DUMP_V2 file
// fed through Engine.Feeder); updates then arrive either as MRT records
// (update archives, again through Engine.Feeder) or as decoded Updates
// (RIS Live, through Engine.Apply). At the end of each 5-minute bin the
// tracker hands the value of every origin's and country's series to the
// online detector, which judges that one value; an event raised by it is
// reported at once to Options.OnRaised. Nothing is kept per bin, so memory
// depends on the routing table and the detector's windows, not on how long
// the stream runs.
//
// A bin closes when a record of a later bin arrives, or when the caller
// says the time has come (Engine.Advance, driven by a clock with some
// grace for late records): a quiet stream still closes its bins.
//
// The same records give the same alerts whichever way they come: MRT files
// read in one go by watch/source and watch.Detector.Detect, or the same
// updates streamed through an Engine.
package stream

import (
	"math"
	"net/netip"
	"time"

	"lifeline/watch"
	"lifeline/watch/visibility"
)

// Update is one routing update from a live source, already decoded: what a
// peer of a collector withdrew and announced at one moment.
type Update struct {
	Time time.Time
	Peer visibility.Peer
	// Withdrawn are the prefixes the peer no longer carries.
	Withdrawn []netip.Prefix
	// Announced are the prefixes the peer now carries with origin Origin;
	// HasOrigin is false when the path names none (it ends in an AS_SET of
	// several ASes): the announcements are then counted, not applied.
	Announced []netip.Prefix
	Origin    uint32
	HasOrigin bool
	// PeerDown says the peer's session went down: its table is emptied.
	PeerDown bool
}

// Options configure an Engine.
type Options struct {
	// Visibility configures the signal; its Emit is the Engine's own.
	Visibility visibility.Options
	// Detector judges each closed bin; nil means watch.DefaultConfig's.
	Detector *watch.Detector
	// OnRaised, if set, is called with every event as it is raised.
	OnRaised func(watch.Event)
	// OnBin, if set, is called after each bin has been judged, with its
	// start.
	OnBin func(start time.Time)
	// Keep is how long ended events stay in Alerts; 0 means 7 days.
	Keep time.Duration
	// History is how many of the last bins of every series Recent
	// returns; 0 keeps none. It costs 4 bytes a bin per series.
	History int
}

// Stats describe what an Engine has seen.
type Stats struct {
	Visibility visibility.Stats
	Detector   watch.OnlineStats
	Updates    int // updates applied
	NoOrigin   int // updates whose announcements had no origin
	MRTSkipped int // MRT records that could not be decoded
}

// Engine turns routing data into signals and alerts, bin by bin. It is not
// safe for concurrent use: one goroutine feeds it.
type Engine struct {
	opt     Options
	tr      *visibility.Tracker
	fd      *visibility.Feeder
	online  *watch.Online
	err     error // the first error of the detector, returned by the next call
	lastBin time.Time
	stats   Stats
	recent  map[watch.Key]*history
}

// history is a ring of the last values of one series.
type history struct {
	last time.Time // start of the newest bin
	step time.Duration
	n    int // values written
	v    []float32
}

func (h *history) push(start time.Time, step time.Duration, v float64) {
	if h.n > 0 && (step != h.step || !start.After(h.last)) {
		return
	}
	if h.n > 0 {
		// Bins skipped are missing.
		for t := h.last.Add(step); t.Before(start) && h.n < 1<<30; t = t.Add(step) {
			h.v[h.n%len(h.v)] = float32(math.NaN())
			h.n++
			if t.Sub(h.last) > time.Duration(len(h.v))*step {
				break
			}
		}
	}
	h.step, h.last = step, start
	h.v[h.n%len(h.v)] = float32(v)
	h.n++
}

// New returns an Engine with no routing data.
func New(opt Options) (*Engine, error) {
	if opt.Detector == nil {
		d, err := watch.NewDetector(watch.DefaultConfig())
		if err != nil {
			return nil, err
		}
		opt.Detector = d
	}
	if opt.Keep <= 0 {
		opt.Keep = 7 * 24 * time.Hour
	}
	e := &Engine{opt: opt, online: opt.Detector.Online()}
	vopt := opt.Visibility
	vopt.Emit = e.emit
	e.tr = visibility.New(vopt)
	e.fd = visibility.NewFeeder(e.tr)
	return e, nil
}

// emit judges one value of a closed bin.
func (e *Engine) emit(k watch.Key, start time.Time, step time.Duration, v float64) {
	if start.After(e.lastBin) || e.lastBin.IsZero() {
		if !e.lastBin.IsZero() && e.opt.OnBin != nil {
			e.opt.OnBin(e.lastBin)
		}
		e.lastBin = start
		e.online.Forget(start.Add(-e.opt.Keep))
	}
	e.remember(k, start, step, v)
	ev, err := e.online.Push(k, start, step, v)
	if err != nil && e.err == nil {
		e.err = err
	}
	if ev != nil && e.opt.OnRaised != nil {
		e.opt.OnRaised(*ev)
	}
}

// check returns the first error the detector met, once.
func (e *Engine) check(err error) error {
	if err != nil {
		return err
	}
	err, e.err = e.err, nil
	return err
}

// Feeder returns the Feeder that applies MRT records (a RIB snapshot, an
// update archive) to the Engine.
func (e *Engine) Feeder() *visibility.Feeder { return e.fd }

// Apply applies a live update. It returns an EINVALID error when the
// update's time lies too far from the current bin (visibility.Options
// MaxBins), and then changes nothing.
func (e *Engine) Apply(u *Update) error {
	if err := e.tr.Advance(u.Time); err != nil {
		return err
	}
	e.stats.Updates++
	p := u.Peer
	if u.PeerDown {
		return e.check(e.tr.PeerDown(u.Time, p))
	}
	for _, w := range u.Withdrawn {
		if err := e.tr.Withdraw(u.Time, p, w); err != nil {
			return e.check(err)
		}
	}
	if len(u.Announced) > 0 && !u.HasOrigin {
		e.stats.NoOrigin++
		return e.check(nil)
	}
	for _, a := range u.Announced {
		if err := e.tr.Announce(u.Time, p, a, u.Origin); err != nil {
			return e.check(err)
		}
	}
	return e.check(nil)
}

// Advance closes every bin that ended before now, as when a clock says so:
// a stream that has gone quiet still closes its bins. It is ignored before
// the first record.
func (e *Engine) Advance(now time.Time) error {
	if !e.tr.Started() {
		return nil
	}
	return e.check(e.tr.Advance(now))
}

// Close ends the stream: the current bin is judged as if it had closed.
func (e *Engine) Close() error {
	e.tr.Finish()
	if !e.lastBin.IsZero() && e.opt.OnBin != nil {
		e.opt.OnBin(e.lastBin)
	}
	return e.check(nil)
}

// Alerts returns the alerts of the events raised so far (and those that
// ended within Options.Keep), with the imported ones, as
// watch.Detector.Detect gives them.
func (e *Engine) Alerts() []watch.Alert { return e.online.Alerts() }

// Import adds events found by other systems (IODA's): they confirm or
// join the detected ones.
func (e *Engine) Import(ev ...watch.Event) { e.online.Import(ev...) }

// Observe hands the detector the values of a series measured elsewhere
// (IODA's active probing, say), bin by bin. Bins already seen are ignored,
// so a source polled over overlapping windows may give them again. It
// returns the events the values raised, and an EINVALID error for a series
// whose step or grid differs from the one first seen for its key.
func (e *Engine) Observe(s *watch.Series) ([]watch.Event, error) {
	var raised []watch.Event
	for i, v := range s.Values {
		e.remember(s.Key, s.Time(i), s.Step, v)
		ev, err := e.online.Push(s.Key, s.Time(i), s.Step, v)
		if err != nil {
			return raised, err
		}
		if ev != nil {
			raised = append(raised, *ev)
			if e.opt.OnRaised != nil {
				e.opt.OnRaised(*ev)
			}
		}
	}
	return raised, nil
}

func (e *Engine) remember(k watch.Key, start time.Time, step time.Duration, v float64) {
	if e.opt.History <= 0 {
		return
	}
	if e.recent == nil {
		e.recent = make(map[watch.Key]*history)
	}
	h := e.recent[k]
	if h == nil {
		h = &history{v: make([]float32, e.opt.History)}
		e.recent[k] = h
	}
	h.push(start, step, v)
}

// Recent returns the last values of series k (at most Options.History,
// NaN where missing), the start of the first and the step; ok is false
// for a series not seen.
func (e *Engine) Recent(k watch.Key) (start time.Time, step time.Duration, values []float64, ok bool) {
	h := e.recent[k]
	if h == nil || h.n == 0 {
		return time.Time{}, 0, nil, false
	}
	n := min(h.n, len(h.v))
	values = make([]float64, n)
	for i := range n {
		values[i] = float64(h.v[(h.n-n+i)%len(h.v)])
	}
	return h.last.Add(-time.Duration(n-1) * h.step), h.step, values, true
}

// Stats returns what the Engine has seen so far.
func (e *Engine) Stats() Stats {
	s := e.stats
	s.Visibility = e.tr.Stats()
	s.Detector = e.online.Stats()
	s.MRTSkipped = e.fd.Skipped
	return s
}
