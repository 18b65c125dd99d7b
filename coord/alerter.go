package coord

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"lifeline"
	"lifeline/watch"
)

// Alerter keeps the instance's recorded alerts in step with a live
// detector (watch/stream): each call of Sync compares the detector's
// alerts with those recorded, and records what changed — a new alert
// (alert.raised), a confirmation or a graver level (alert.updated), a
// recovery (alert.recovered) — then files a draft incident for every
// confirmed draft (watch.Drafts, through Drafter) whose alerts have none,
// and records on an alert that its draft was dismissed.
//
// Only what matters is written: the series of an open alert grow every
// bin, but they are recorded with the alert's changes, not bin by bin.
//
// Alerter is not safe for concurrent use: one goroutine calls Sync.
type Alerter struct {
	Alerts AlertService
	// By records the alerts: the instance (System).
	By Viewer
	// TLP marks new alerts; "" means TLP:CLEAR (they come from public
	// data).
	TLP TLP
	// Drafter files draft incidents from confirmed alerts; nil files none.
	Drafter *Drafter
	// Incidents reads the drafts' status, to record a dismissal on their
	// alerts; nil does not look.
	Incidents IncidentService
	// OnRecovered, if set, is called with every alert once its recovery is
	// recorded: what closes the restoration of an element whose signal
	// came back.
	OnRecovered func(ctx context.Context, a *Alert)
	// Keep is how long a recovered alert is remembered, so that the
	// detector's report of the same fall is not recorded again; 0 means 7
	// days (the detector's own).
	Keep time.Duration

	loaded bool
	known  []*Alert
	// refused are the alerts and drafts the store refused as invalid, by
	// entity and start: reported once, not tried again.
	refused map[string]bool
}

// Known returns the alerts the Alerter holds: open, or recovered within
// Keep.
func (x *Alerter) Known() []*Alert { return slices.Clone(x.known) }

// Sync records the changes among alerts, the detector's alerts when its
// data had reached now; series gives what was kept of a signal's recent
// values (false when nothing). The first call reads the alerts already
// recorded, so a restarted server does not record them twice.
//
// An alert or a draft the store refuses as invalid (EINVALID: a draft of
// a country the incidents do not know, say) does not stop the others: it
// is reported once in the returned error and not tried again. Other errors
// stop Sync; the next call takes up what was left.
func (x *Alerter) Sync(ctx context.Context, alerts []watch.Alert, now time.Time, series func(watch.Key) (AlertSignal, bool)) error {
	keep := x.Keep
	if keep <= 0 {
		keep = 7 * 24 * time.Hour
	}
	if !x.loaded {
		if err := x.load(ctx, now.Add(-keep)); err != nil {
			return err
		}
		x.loaded = true
	}
	var refused []error
	for i := range alerts {
		key := alerts[i].Entity.String() + "@" + alerts[i].Start.UTC().Format(time.RFC3339)
		if x.refused[key] {
			continue
		}
		if err := x.sync(ctx, &alerts[i], now, series); err != nil {
			if lifeline.ErrorCode(err) != lifeline.EINVALID {
				return err
			}
			x.refuse(key)
			refused = append(refused, fmt.Errorf("alert of %s: %w", alerts[i].Entity, err))
		}
	}
	if x.Drafter != nil {
		if err := x.draft(ctx, alerts, &refused); err != nil {
			return err
		}
	}
	if x.Incidents != nil {
		if err := x.dismissals(ctx); err != nil {
			return err
		}
	}
	x.known = slices.DeleteFunc(x.known, func(a *Alert) bool { return a.Recovered != nil && a.Recovered.Before(now.Add(-keep)) })
	return errors.Join(refused...)
}

func (x *Alerter) refuse(key string) {
	if x.refused == nil {
		x.refused = map[string]bool{}
	}
	x.refused[key] = true
}

func (x *Alerter) load(ctx context.Context, since time.Time) error {
	f := AlertFilter{Since: since, Limit: MaxPageSize}
	for {
		page, err := x.Alerts.FindAlerts(ctx, x.By, f)
		if err != nil {
			return err
		}
		x.known = append(x.known, page.Items...)
		if page.Next == "" {
			return nil
		}
		f.After = page.Next
	}
}

// match returns the recorded alert that wa is: of its entity, with its
// start, or open, overlapping it and begun less than Keep before it (an
// alert left open by a server stopped mid-fall is not a later fall's).
func (x *Alerter) match(wa *watch.Alert) *Alert {
	keep := x.Keep
	if keep <= 0 {
		keep = 7 * 24 * time.Hour
	}
	ent := wa.Entity.String()
	for _, k := range x.known {
		if k.Entity != ent {
			continue
		}
		if k.Start.Equal(wa.Start) || k.Recovered == nil && !k.Start.After(wa.End) && !k.Start.Before(wa.Start.Add(-keep)) {
			return k
		}
	}
	return nil
}

func (x *Alerter) sync(ctx context.Context, wa *watch.Alert, now time.Time, series func(watch.Key) (AlertSignal, bool)) error {
	k := x.match(wa)
	if k != nil && k.Recovered != nil {
		return nil
	}
	next := AlertOf(wa)
	next.Signals = signalsOf(wa, k, series)
	// A detected event ends an hour after the signal came back; an
	// imported one may end after the data seen so far, and is not over
	// before the data passes it.
	recovered := !wa.Ongoing && !wa.End.After(now)
	if k == nil {
		next.TLP = x.TLP
		if err := x.Alerts.RaiseAlert(ctx, x.By, next); err != nil {
			return err
		}
		x.known = append(x.known, next)
		if !recovered {
			return nil
		}
		k = next
		next = cloneAlert(k)
	} else {
		next.ID, next.Incident, next.Dismissal, next.Version = k.ID, k.Incident, k.Dismissal, k.Version
		if !recovered && !changed(k, next) {
			return nil
		}
	}
	if recovered {
		end := wa.End.UTC()
		next.Recovered = &end
	}
	stored, err := x.Alerts.UpdateAlert(ctx, x.By, next)
	if err != nil {
		return err
	}
	*k = *stored
	if recovered && x.OnRecovered != nil {
		x.OnRecovered(ctx, cloneAlert(k))
	}
	return nil
}

// changed says whether next differs from k in what is worth a record.
func changed(k, next *Alert) bool {
	return k.Status != next.Status || k.Level != next.Level || k.Hint != next.Hint || !slices.Equal(k.Kinds, next.Kinds) ||
		!k.Start.Equal(next.Start)
}

func cloneAlert(a *Alert) *Alert {
	c := *a
	c.Signals = slices.Clone(a.Signals)
	c.Kinds = slices.Clone(a.Kinds)
	return &c
}

// signalsOf gathers the series of wa's events: what series gives now,
// after what k recorded of the same signal before it.
func signalsOf(wa *watch.Alert, k *Alert, series func(watch.Key) (AlertSignal, bool)) []AlertSignal {
	var out []AlertSignal
	seen := map[watch.Key]bool{}
	for _, ev := range wa.Events {
		if seen[ev.Key] {
			continue
		}
		seen[ev.Key] = true
		var s AlertSignal
		ok := false
		if series != nil {
			s, ok = series(ev.Key)
		}
		if !ok {
			s = AlertSignal{Signal: ev.Key.String()}
		}
		s.Signal, s.Source = ev.Key.String(), ev.Source
		if ev.Baseline > 0 {
			s.Baseline = ev.Baseline
		}
		if k != nil {
			for _, old := range k.Signals {
				if old.Signal == s.Signal {
					s = mergeSignal(old, s)
				}
			}
		}
		if s.Step <= 0 {
			s.Step = 300
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b AlertSignal) int { return strings.Compare(a.Signal, b.Signal) })
	return out
}

// mergeSignal puts the values of b after those of a, on a's grid, keeping
// the last MaxAlertValues.
func mergeSignal(a, b AlertSignal) AlertSignal {
	if a.Step <= 0 || a.Step != b.Step || len(a.Values) == 0 {
		if b.Baseline == 0 {
			b.Baseline = a.Baseline
		}
		if len(b.Values) == 0 {
			return a
		}
		return b
	}
	step := time.Duration(a.Step) * time.Second
	out := a
	out.Values = slices.Clone(a.Values)
	if b.Baseline > 0 {
		out.Baseline = b.Baseline
	}
	for i, v := range b.Values {
		t := b.Start.Add(time.Duration(i) * step)
		j := int(t.Sub(a.Start) / step)
		switch {
		case j < 0:
			continue
		case j < len(out.Values):
			out.Values[j] = v
		default:
			for len(out.Values) < j {
				out.Values = append(out.Values, nil)
			}
			out.Values = append(out.Values, v)
		}
	}
	if n := len(out.Values) - MaxAlertValues; n > 0 {
		out.Values = out.Values[n:]
		out.Start = out.Start.Add(time.Duration(n) * step)
	}
	return out
}

// draft files an incident for every confirmed draft whose recorded
// alerts have none, and records it on them.
func (x *Alerter) draft(ctx context.Context, alerts []watch.Alert, refused *[]error) error {
	for _, d := range watch.Drafts(alerts) {
		key := "draft " + d.Title + "@" + d.Start.UTC().Format(time.RFC3339)
		if d.Status != watch.StatusConfirmed || len(d.Countries) == 0 || x.refused[key] {
			continue
		}
		var without []*Alert
		for _, k := range x.known {
			if k.Incident == "" && draftNames(d, k) {
				without = append(without, k)
			}
		}
		if len(without) == 0 {
			continue
		}
		id, err := x.Drafter.DraftIncident(ctx, d)
		if lifeline.ErrorCode(err) == lifeline.EINVALID {
			x.refuse(key)
			*refused = append(*refused, fmt.Errorf("draft %q: %w", d.Title, err))
			continue
		}
		if err != nil {
			return err
		}
		for _, k := range without {
			next := cloneAlert(k)
			next.Incident = id
			stored, err := x.Alerts.UpdateAlert(ctx, x.By, next)
			if err != nil {
				return err
			}
			*k = *stored
		}
	}
	return nil
}

// draftNames says whether the draft stands on the recorded alert: one of
// its signals is of the alert's entity, over the alert's time.
func draftNames(d watch.Draft, k *Alert) bool {
	for _, e := range d.Evidence {
		_, ent, _ := strings.Cut(e.Signal, ":")
		if ent != k.Entity || e.End.Before(k.Start) {
			continue
		}
		if k.Recovered == nil || !e.Start.After(*k.Recovered) {
			return true
		}
	}
	return false
}

// dismissals records on each alert whose draft was dismissed what that
// means.
func (x *Alerter) dismissals(ctx context.Context) error {
	status := map[string]*Incident{}
	for _, k := range x.known {
		if k.Incident == "" || k.Dismissal != nil {
			continue
		}
		in, ok := status[k.Incident]
		if !ok {
			var err error
			in, err = x.Incidents.FindIncidentByID(ctx, x.By, k.Incident)
			if err != nil {
				in = nil // gone from the instance's view: nothing to record
			}
			status[k.Incident] = in
		}
		if in == nil || in.Status != IncidentDismissed {
			continue
		}
		next := cloneAlert(k)
		next.Dismissal = &AlertDismissal{Incident: in.ID, At: in.Updated.UTC(), Means: DismissalMeans}
		stored, err := x.Alerts.UpdateAlert(ctx, x.By, next)
		if err != nil {
			return err
		}
		*k = *stored
	}
	return nil
}
