package coord

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"lifeline"
	"lifeline/watch"
)

// Alert is a disruption the instance's own detector saw in routing and
// measurement signals (package watch), recorded as signed events of the
// instance: raised when a signal fell, updated as it is confirmed by a
// second kind of signal or drafted as an incident, and recovered when the
// signal came back to its baseline. Alerts come from public data, so they
// are TLP:CLEAR unless the instance says otherwise; who may see one is
// decided by CanSee on its marking, as for everything else.
//
// An alert is a record of what was measured, not a judgement: a
// coordinator who dismisses the incident drafted from it records that the
// fall was not an incident (Dismissal); the alert, its signals and the
// detector's thresholds stay as they were.
type Alert struct {
	ID string `json:"id"`
	// Entity is what fell, written TYPE/CODE: "country/IR", "asn/12880".
	Entity  string `json:"entity"`
	Country string `json:"country,omitempty"` // the entity's country, when known
	ASN     uint32 `json:"asn,omitempty"`     // for a network
	// Status is "suspected" (one kind of signal) or "confirmed" (a second
	// kind agrees); Hint "shutdown" or "outage", or empty.
	Status  string   `json:"status"`
	Hint    string   `json:"hint,omitempty"`
	Level   string   `json:"level"` // warning or critical
	Kinds   []string `json:"kinds"` // the kinds of signal that fell: bgp, probing, …
	Reasons []string `json:"reasons,omitempty"`
	// Start is when the signal began to fall; Raised when the detector
	// said so; Confirmed when a second kind of signal agreed; Recovered
	// when the signal was back above its warning level (the end of its
	// last low bin), recorded once the detector's recovery time had
	// passed.
	Start     time.Time  `json:"start"`
	Raised    time.Time  `json:"raised"`
	Confirmed *time.Time `json:"confirmed,omitempty"`
	Recovered *time.Time `json:"recovered,omitempty"`
	// Drop is the largest fall as a fraction of the baseline (0.8: 80 %);
	// Score the detector's score.
	Drop  float64 `json:"drop"`
	Score float64 `json:"score"`
	// Signals are the series behind the alert, around its start.
	Signals []AlertSignal `json:"signals"`
	// Incident is the incident drafted from the alert (Drafter), if any.
	Incident string `json:"incident,omitempty"`
	// Dismissal records that the incident drafted from the alert was
	// dismissed by a coordinator.
	Dismissal *AlertDismissal `json:"dismissal,omitempty"`
	Marking
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	Version int64     `json:"version"`
}

// AlertSignal is one signal behind an alert: its values bin by bin from
// Start, every Step seconds (null where nothing was measured), and the
// baseline the detector compared them with.
type AlertSignal struct {
	Signal   string     `json:"signal"` // KIND:TYPE/CODE, e.g. "bgp:country/IR"
	Source   string     `json:"source,omitempty"`
	Start    time.Time  `json:"start"`
	Step     int64      `json:"step"` // seconds
	Values   []*float64 `json:"values"`
	Baseline float64    `json:"baseline"`
}

// MaxAlertValues bounds the values of one signal of an alert: a day of
// 5-minute bins.
const MaxAlertValues = 288

// AlertDismissal is what a dismissal of an alert's draft incident
// records, in words, so that nobody reads more into it.
type AlertDismissal struct {
	Incident string    `json:"incident"`
	At       time.Time `json:"at"`
	Means    string    `json:"means"`
}

// DismissalMeans is what a dismissal records, said once for the pages, the
// API and the log.
const DismissalMeans = "A coordinator judged that the incident drafted from this alert is not an incident. " +
	"The alert and its signals stay on record as measured. The detector is not retrained: its thresholds " +
	"and baselines do not change, and a later fall of the same signals raises a new alert."

// Alert states, for AlertFilter.State.
const (
	AlertOpen      = "open"
	AlertRecovered = "recovered"
)

// State is AlertOpen or AlertRecovered.
func (a *Alert) State() string {
	if a.Recovered != nil {
		return AlertRecovered
	}
	return AlertOpen
}

// The event types of alerts.
const (
	// EventAlertRaised records a new alert; its payload is the alert.
	EventAlertRaised = "alert.raised"
	// EventAlertUpdated records a change of an open alert: confirmed,
	// grown, drafted as an incident, its draft dismissed.
	EventAlertUpdated = "alert.updated"
	// EventAlertRecovered records that the alert's signals came back; its
	// payload is the alert with Recovered set.
	EventAlertRecovered = "alert.recovered"
)

// AlertFilter narrows a list of alerts; empty fields keep everything.
type AlertFilter struct {
	After string // cursor from a previous Page.Next
	Limit int    // 0 for DefaultPageSize

	Country string    // alerts of this country (a network's alert counts for its country)
	ASN     uint32    // alerts of this network
	Since   time.Time // alerts still open at this time or raised after it
	State   string    // AlertOpen or AlertRecovered
}

// Validate checks the narrowing fields.
func (f AlertFilter) Validate() error {
	const op = "coord.AlertFilter"
	if f.Country != "" {
		if err := validateCountry(op, "country", f.Country); err != nil {
			return err
		}
	}
	if f.State != "" && f.State != AlertOpen && f.State != AlertRecovered {
		return lifeline.Errorf(lifeline.EINVALID, op, "state: expected open or recovered, found %q", truncate(f.State, 40))
	}
	return nil
}

// Keep reports whether a passes the filter's narrowing.
func (f AlertFilter) Keep(a *Alert) bool {
	switch {
	case f.Country != "" && a.Country != f.Country:
		return false
	case f.ASN != 0 && a.ASN != f.ASN:
		return false
	case f.State != "" && a.State() != f.State:
		return false
	case !f.Since.IsZero() && a.Recovered != nil && a.Recovered.Before(f.Since):
		return false
	}
	return true
}

// AlertService records and reads alerts. Only the instance itself
// (System, an instance administrator) records them; everyone reads
// those CanSee allows.
type AlertService interface {
	// FindAlertByID returns an alert; ENOTFOUND if there is none the
	// viewer may see.
	FindAlertByID(ctx context.Context, v Viewer, id string) (*Alert, error)
	// FindAlerts lists the alerts the viewer may see, oldest first;
	// EINVALID for a bad filter or cursor.
	FindAlerts(ctx context.Context, v Viewer, f AlertFilter) (Page[*Alert], error)
	// RaiseAlert records a new alert (NewAlert, event alert.raised); it
	// sets the id, times and version.
	RaiseAlert(ctx context.Context, v Viewer, a *Alert) error
	// UpdateAlert records the alert as it is now (ApplyAlert): event
	// alert.recovered when it sets Recovered, alert.updated otherwise. It
	// returns the stored alert. ENOTFOUND for an unknown alert.
	UpdateAlert(ctx context.Context, v Viewer, a *Alert) (*Alert, error)
}

// CanRecordAlert: only the instance records alerts.
func CanRecordAlert(v Viewer) error {
	if v.Anonymous() || v.Role != RoleInstanceAdmin {
		return lifeline.Errorf(lifeline.EFORBIDDEN, "coord.CanRecordAlert", "alerts are recorded by the instance's detector, not by members")
	}
	return nil
}

// NewAlert prepares a, raised by v at now: TLP:CLEAR unless it says
// otherwise, source v, and valid.
func NewAlert(v Viewer, a *Alert, now time.Time) error {
	if err := CanRecordAlert(v); err != nil {
		return err
	}
	if a.TLP == "" {
		a.TLP = TLPClear
	}
	a.Marking.fromSource(v)
	a.Created, a.Updated = now.UTC(), now.UTC()
	return a.Validate()
}

// ApplyAlert checks next, the new state of old, recorded by v at now, and
// returns the event type that records it. What identifies the alert (its
// id, entity, marking, creation) cannot change, and neither can a recovery
// once recorded. ECONFLICT for a change of those, EINVALID for bad fields.
func ApplyAlert(v Viewer, old, next *Alert, now time.Time) (string, error) {
	const op = "coord.ApplyAlert"
	if err := CanRecordAlert(v); err != nil {
		return "", err
	}
	if next.ID != old.ID || next.Entity != old.Entity {
		return "", lifeline.Errorf(lifeline.ECONFLICT, op, "alert %s: its entity cannot change", old.ID)
	}
	if old.Recovered != nil && (next.Recovered == nil || !next.Recovered.Equal(*old.Recovered)) {
		return "", lifeline.Errorf(lifeline.ECONFLICT, op, "alert %s recovered at %s: a recovery is final", old.ID, old.Recovered.UTC().Format(time.RFC3339))
	}
	next.Marking, next.Created = old.Marking, old.Created
	next.Updated = now.UTC()
	if err := next.Validate(); err != nil {
		return "", err
	}
	if old.Recovered == nil && next.Recovered != nil {
		return EventAlertRecovered, nil
	}
	return EventAlertUpdated, nil
}

// Validate checks an alert's fields.
func (a *Alert) Validate() error {
	const op = "coord.Alert"
	typ, code, ok := strings.Cut(a.Entity, "/")
	if !ok || code == "" || len(a.Entity) > 80 || (typ != "country" && typ != "asn" && typ != "region") {
		return lifeline.Errorf(lifeline.EINVALID, op, "entity: expected country/CC, asn/N or region/N, found %q", truncate(a.Entity, 80))
	}
	if a.Country != "" && !isUpperCode(a.Country) {
		return lifeline.Errorf(lifeline.EINVALID, op, "country: expected two capital letters, found %q", truncate(a.Country, 40))
	}
	if a.Status != string(watch.StatusSuspected) && a.Status != string(watch.StatusConfirmed) {
		return lifeline.Errorf(lifeline.EINVALID, op, "status: expected suspected or confirmed, found %q", truncate(a.Status, 40))
	}
	if a.Start.IsZero() || a.Raised.IsZero() {
		return lifeline.Errorf(lifeline.EINVALID, op, "start and raised: required")
	}
	if a.Recovered != nil && a.Recovered.Before(a.Start) {
		return lifeline.Errorf(lifeline.EINVALID, op, "recovered: %s is before the start, %s", a.Recovered.UTC().Format(time.RFC3339), a.Start.UTC().Format(time.RFC3339))
	}
	if math.IsNaN(a.Drop) || math.IsInf(a.Score, 0) || math.IsNaN(a.Score) {
		return lifeline.Errorf(lifeline.EINVALID, op, "drop and score: expected numbers")
	}
	if len(a.Signals) > 64 || len(a.Kinds) > 16 || len(a.Reasons) > 64 {
		return lifeline.Errorf(lifeline.EINVALID, op, "signals, kinds or reasons: too many")
	}
	for i, s := range a.Signals {
		if s.Step <= 0 || len(s.Values) > MaxAlertValues || math.IsNaN(s.Baseline) || math.IsInf(s.Baseline, 0) {
			return lifeline.Errorf(lifeline.EINVALID, op, "signals[%d]: expected a positive step and at most %d values", i, MaxAlertValues)
		}
	}
	return a.Marking.Validate()
}

func isUpperCode(c string) bool {
	return len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'
}

// AlertOf describes a detector's alert as the instance records it,
// without id, marking, times of record or signals (which the caller adds,
// from what it kept of the series).
func AlertOf(wa *watch.Alert) *Alert {
	a := &Alert{Entity: wa.Entity.String(), Country: wa.Country, Status: string(wa.Status), Hint: string(wa.Hint),
		Level: wa.Level.String(), Reasons: slices.Clone(wa.Reasons), Start: wa.Start.UTC(), Raised: wa.Raised.UTC(),
		Drop: wa.Drop, Score: wa.Score}
	if n, ok := wa.Entity.ASN(); ok {
		a.ASN = n
	}
	for _, k := range wa.Kinds {
		a.Kinds = append(a.Kinds, string(k))
	}
	if !wa.Confirmed.IsZero() {
		c := wa.Confirmed.UTC()
		a.Confirmed = &c
	}
	if math.IsInf(a.Score, 0) || math.IsNaN(a.Score) {
		a.Score = math.MaxFloat64
	}
	return a
}
