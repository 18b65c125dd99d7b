package watch

import (
	"slices"
	"strings"
	"time"
)

// Status says how well an alert is supported.
type Status string

// Alert statuses. An alert is suspected on one kind of signal and
// confirmed when a second kind agrees, as Pulse lists a shutdown only when
// a second kind of evidence corroborates it.
const (
	StatusSuspected Status = "suspected"
	StatusConfirmed Status = "confirmed"
)

// Hint says what an alert most likely is. It is a hint, with its reasons,
// not a verdict: a person decides.
type Hint string

// Hints.
const (
	// HintShutdown: many networks of one country fell together, often at
	// a round hour, as when a government orders a shutdown.
	HintShutdown Hint = "shutdown"
	// HintOutage: one network fell while the others of its country did
	// not: a fault, a power cut, a cable, an attack on that network.
	HintOutage Hint = "outage"
)

// Alert is a disruption of one entity: the events of its signals that
// overlap in time.
type Alert struct {
	Entity Entity `json:"entity"`
	// Country is the entity's country: its own code, or the country the AS
	// is registered in when Config.CountryOf knows it.
	Country string `json:"country,omitempty"`
	Status  Status `json:"status"`
	// Start and End span the events; Ongoing is set when one of them was
	// still going on when its data ended.
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	Ongoing bool      `json:"ongoing,omitempty"`
	// Raised is when the first event was raised; Confirmed when a second
	// kind of signal had been raised too (zero while suspected).
	Raised    time.Time `json:"raised"`
	Confirmed time.Time `json:"confirmed,omitzero"`
	Level     Level     `json:"level"`
	// Drop is the largest fall of any signal, as a fraction of its
	// baseline; 0 when only imported events, which carry no values, say so.
	Drop float64 `json:"drop,omitempty"`
	// Score multiplies, over the kinds of signal that fired, the sum of
	// their events' severities.
	Score   float64  `json:"score"`
	Kinds   []Kind   `json:"kinds"`
	Events  []Event  `json:"events"`
	Hint    Hint     `json:"hint,omitempty"`
	Reasons []string `json:"reasons,omitempty"`
	// Related are the entities whose alerts support the hint: the other
	// networks that fell with this one, or the network that explains a
	// country's fall.
	Related []Entity `json:"related,omitempty"`
}

// Detect finds the events of series, adds the imported events, and
// returns the alerts, sorted by start then entity.
func (d *Detector) Detect(series []Series, imported []Event) []Alert {
	events := append(d.Events(series), imported...)
	sortEvents(events)
	observed := make([]Entity, 0, len(series)+len(imported))
	for i := range series {
		observed = append(observed, series[i].Entity)
	}
	for i := range imported {
		observed = append(observed, imported[i].Entity)
	}
	return d.Alerts(events, observed)
}

// Alerts groups events into alerts: per entity, events that overlap or
// touch in time form one alert. observed lists the entities that had
// signals, whether or not they fell; the hints count them ("3 of 4
// networks"). The result is sorted by start then entity.
func (d *Detector) Alerts(events []Event, observed []Entity) []Alert {
	byEntity := make(map[Entity][]Event)
	for _, e := range events {
		byEntity[e.Entity] = append(byEntity[e.Entity], e)
	}
	var alerts []Alert
	for ent, ev := range byEntity {
		slices.SortStableFunc(ev, func(a, b Event) int { return a.Start.Compare(b.Start) })
		var group []Event
		var end time.Time
		for _, e := range ev {
			if len(group) > 0 && e.Start.After(end) {
				alerts = append(alerts, d.alert(ent, group))
				group = nil
			}
			if len(group) == 0 || e.End.After(end) {
				end = e.End
			}
			group = append(group, e)
		}
		alerts = append(alerts, d.alert(ent, group))
	}
	sortAlerts(alerts)
	d.hint(alerts, observed)
	return alerts
}

func sortAlerts(alerts []Alert) {
	slices.SortFunc(alerts, func(a, b Alert) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return compareKeys(Key{Entity: a.Entity}, Key{Entity: b.Entity})
	})
}

// alert builds the alert of one entity's overlapping events.
func (d *Detector) alert(ent Entity, ev []Event) Alert {
	sortEvents(ev)
	a := Alert{Entity: ent, Status: StatusSuspected, Start: ev[0].Start, End: ev[0].End, Raised: ev[0].Raised}
	a.Events = slices.Clone(ev)
	sev := make(map[Kind]float64)
	raised := make(map[Kind]time.Time)
	for _, e := range ev {
		if e.Start.Before(a.Start) {
			a.Start = e.Start
		}
		if e.End.After(a.End) {
			a.End = e.End
		}
		if e.Raised.Before(a.Raised) {
			a.Raised = e.Raised
		}
		a.Ongoing = a.Ongoing || e.Ongoing
		a.Level = max(a.Level, e.Level)
		if dr := e.Drop(); dr > a.Drop {
			a.Drop = dr
		}
		if r, ok := raised[e.Kind]; !ok || e.Raised.Before(r) {
			raised[e.Kind] = e.Raised
		}
		sev[e.Kind] += e.Severity
	}
	for k := range sev {
		a.Kinds = append(a.Kinds, k)
	}
	slices.Sort(a.Kinds)
	// Multiply in a fixed order: float products depend on it.
	a.Score = 1
	for _, k := range a.Kinds {
		a.Score *= sev[k]
	}
	if len(raised) >= 2 {
		times := make([]time.Time, 0, len(raised))
		for _, t := range raised {
			times = append(times, t)
		}
		slices.SortFunc(times, time.Time.Compare)
		a.Status, a.Confirmed = StatusConfirmed, times[1]
	}
	switch ent.Type {
	case EntityCountry:
		a.Country = ent.Code
	case EntityASN:
		if n, ok := ent.ASN(); ok && d.cfg.CountryOf != nil {
			if cc, ok := d.cfg.CountryOf(n); ok {
				a.Country = strings.ToUpper(cc)
			}
		}
	}
	return a
}
