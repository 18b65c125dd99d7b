package coord_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"lifeline/coord"
	"lifeline/internal/testdb"
	"lifeline/watch"
)

// TestAlerter follows a country's fall as a live detector reports it:
// raised once however often it is reported, confirmed by a second kind of
// signal and drafted as an incident once, recovered with its time and the
// hook called, not recorded again after a restart, and the draft's
// dismissal recorded on the alert in words.
func TestAlerter(t *testing.T) {
	ctx := context.Background()
	db, _ := testdb.SQLite(t)
	var recovered []*coord.Alert
	newAlerter := func() *coord.Alerter {
		return &coord.Alerter{Alerts: db, By: coord.System, Drafter: &coord.Drafter{Incidents: db, By: coord.System}, Incidents: db,
			OnRecovered: func(_ context.Context, a *coord.Alert) { recovered = append(recovered, a) }}
	}
	x := newAlerter()
	t0 := time.Date(2026, 6, 3, 6, 0, 0, 0, time.UTC)
	ent := watch.Country("SD")
	bgp := watch.Event{Key: watch.Key{Kind: watch.KindBGP, Entity: ent}, Start: t0, End: t0.Add(10 * time.Minute), Ongoing: true,
		Raised: t0.Add(10 * time.Minute), Level: watch.LevelCritical, Baseline: 1000, Lowest: 80, Severity: 900}
	alert := watch.Alert{Entity: ent, Country: "SD", Status: watch.StatusSuspected, Start: t0, End: bgp.End, Ongoing: true,
		Raised: bgp.Raised, Level: watch.LevelCritical, Drop: 0.92, Score: 900, Kinds: []watch.Kind{watch.KindBGP}, Events: []watch.Event{bgp}}
	v := []float64{1000, 1000, 80, 80}
	series := func(k watch.Key) (coord.AlertSignal, bool) {
		s := coord.AlertSignal{Start: t0.Add(-10 * time.Minute), Step: 300}
		for i := range v {
			s.Values = append(s.Values, &v[i])
		}
		return s, k == bgp.Key
	}
	sync := func(now time.Time, a ...watch.Alert) {
		t.Helper()
		if err := x.Sync(ctx, a, now, series); err != nil {
			t.Fatal(err)
		}
	}
	sync(t0.Add(10*time.Minute), alert)
	sync(t0.Add(15*time.Minute), alert)
	list := func() []*coord.Alert {
		t.Helper()
		p, err := db.FindAlerts(ctx, coord.Viewer{}, coord.AlertFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return p.Items
	}
	if l := list(); len(l) != 1 || l[0].Status != "suspected" || l[0].Incident != "" || len(l[0].Signals) != 1 || len(l[0].Signals[0].Values) != 4 ||
		l[0].Signals[0].Baseline != 1000 || l[0].TLP != coord.TLPClear {
		t.Fatalf("after two reports of one fall: %+v", l)
	}
	// A second kind of signal agrees: confirmed, and drafted.
	probe := bgp
	probe.Key.Kind, probe.Source, probe.Baseline = watch.KindProbing, "ioda", 0
	conf := alert
	conf.Status, conf.Confirmed, conf.Kinds = watch.StatusConfirmed, t0.Add(15*time.Minute), []watch.Kind{watch.KindBGP, watch.KindProbing}
	conf.Events = []watch.Event{bgp, probe}
	sync(t0.Add(20*time.Minute), conf)
	sync(t0.Add(25*time.Minute), conf)
	l := list()
	if len(l) != 1 || l[0].Status != "confirmed" || l[0].Incident == "" || l[0].Confirmed == nil || len(l[0].Signals) != 2 {
		t.Fatalf("after confirmation: %+v", l[0])
	}
	in, err := db.FindIncidentByID(ctx, coord.Viewer{}, l[0].Incident)
	if err != nil || in.Status != coord.IncidentReported || len(in.Evidence) != 2 {
		t.Fatalf("draft incident: %+v, %v", in, err)
	}
	incidents, _ := db.FindIncidents(ctx, coord.System, coord.ListFilter{})
	if len(incidents.Items) != 1 {
		t.Errorf("%d incidents drafted, want 1", len(incidents.Items))
	}
	// A restarted server reads what is recorded.
	x = newAlerter()
	sync(t0.Add(30*time.Minute), conf)
	if l := list(); len(l) != 1 {
		t.Errorf("after a restart: %d alerts, want 1", len(l))
	}
	// Back an hour later.
	done := conf
	done.Ongoing, done.End = false, t0.Add(40*time.Minute)
	sync(t0.Add(100*time.Minute), done)
	l = list()
	if len(l) != 1 || l[0].Recovered == nil || !l[0].Recovered.Equal(done.End) || len(recovered) != 1 || recovered[0].ID != l[0].ID {
		t.Fatalf("after recovery: %+v; hook called with %d", l[0], len(recovered))
	}
	evs, _ := coord.EventsAbout(ctx, db, coord.Viewer{}, l[0].ID, 0)
	var types []string
	for _, e := range evs {
		types = append(types, e.Type)
	}
	if len(types) != 4 || types[0] != coord.EventAlertRaised || types[3] != coord.EventAlertRecovered {
		t.Errorf("events of the alert: %v; want raised, updated (confirmed), updated (drafted), recovered", types)
	}
	sync(t0.Add(105*time.Minute), done)
	if len(recovered) != 1 {
		t.Errorf("the recovery was reported %d times", len(recovered))
	}
	// A coordinator dismisses the draft.
	st := coord.IncidentDismissed
	if _, err := db.UpdateIncident(ctx, coord.System, in.ID, coord.IncidentUpdate{Status: &st}); err != nil {
		t.Fatal(err)
	}
	sync(t0.Add(110*time.Minute), done)
	if l := list(); l[0].Dismissal == nil || l[0].Dismissal.Means != coord.DismissalMeans || l[0].Dismissal.Incident != in.ID {
		t.Errorf("dismissal: %+v", l[0].Dismissal)
	}
}

// TestAlerterRefused: a draft of a country the incidents do not know (a
// user-assigned code) is refused once, reported once, and does not stop
// the alert from being recorded.
func TestAlerterRefused(t *testing.T) {
	ctx := context.Background()
	db, _ := testdb.SQLite(t)
	x := &coord.Alerter{Alerts: db, By: coord.System, Drafter: &coord.Drafter{Incidents: db, By: coord.System}}
	t0 := time.Date(2026, 6, 3, 6, 0, 0, 0, time.UTC)
	ent := watch.Country("QZ")
	ev := func(k watch.Kind) watch.Event {
		return watch.Event{Key: watch.Key{Kind: k, Entity: ent}, Start: t0, End: t0.Add(10 * time.Minute), Ongoing: true,
			Raised: t0.Add(10 * time.Minute), Level: watch.LevelCritical, Baseline: 1000, Lowest: 80, Severity: 900}
	}
	a := watch.Alert{Entity: ent, Country: "QZ", Status: watch.StatusConfirmed, Start: t0, End: t0.Add(10 * time.Minute), Ongoing: true,
		Raised: t0.Add(10 * time.Minute), Confirmed: t0.Add(10 * time.Minute), Level: watch.LevelCritical, Drop: 0.92, Score: 1,
		Kinds: []watch.Kind{watch.KindBGP, watch.KindProbing}, Events: []watch.Event{ev(watch.KindBGP), ev(watch.KindProbing)}}
	err := x.Sync(ctx, []watch.Alert{a}, t0.Add(15*time.Minute), nil)
	if err == nil || !strings.Contains(err.Error(), "QZ") {
		t.Errorf("first sync: %v; want the refused draft reported", err)
	}
	if err := x.Sync(ctx, []watch.Alert{a}, t0.Add(20*time.Minute), nil); err != nil {
		t.Errorf("second sync: %v; want the refusal not repeated", err)
	}
	p, _ := db.FindAlerts(ctx, coord.Viewer{}, coord.AlertFilter{})
	if len(p.Items) != 1 || p.Items[0].Incident != "" {
		t.Errorf("alerts: %+v; want one, without incident", p.Items)
	}
}
