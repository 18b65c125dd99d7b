package storetest

import (
	"testing"
	"time"

	"lifeline"
	"lifeline/coord"
	"lifeline/store"
)

// testAlerts: only the instance records alerts; they are TLP:CLEAR by
// default and read by anyone; a recovery is an alert.recovered event and
// final; the list narrows by country, network, time and state; a rebuild
// from the log gives the same alerts.
func testAlerts(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	t0 := time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)
	v := 0.5
	a := &coord.Alert{Entity: "country/SD", Country: "SD", Status: "suspected", Level: "critical", Kinds: []string{"bgp"},
		Start: t0, Raised: t0.Add(10 * time.Minute), Drop: 0.9, Score: 5400,
		Signals: []coord.AlertSignal{{Signal: "bgp:country/SD", Start: t0, Step: 300, Values: []*float64{&v, nil}, Baseline: 1}}}
	wantCode(t, db.RaiseAlert(ctx, w.Author, a), lifeline.EFORBIDDEN, "a member raises an alert")
	if err := db.RaiseAlert(ctx, coord.System, a); err != nil {
		t.Fatal(err)
	}
	net := &coord.Alert{Entity: "asn/15706", Country: "SD", ASN: 15706, Status: "suspected", Level: "warning", Kinds: []string{"bgp"},
		Start: t0, Raised: t0.Add(10 * time.Minute)}
	if err := db.RaiseAlert(ctx, coord.System, net); err != nil {
		t.Fatal(err)
	}
	other := &coord.Alert{Entity: "country/ET", Country: "ET", Status: "suspected", Level: "warning", Kinds: []string{"bgp"},
		Start: t0, Raised: t0.Add(10 * time.Minute), Marking: coord.Marking{TLP: coord.TLPAmber}}
	if err := db.RaiseAlert(ctx, coord.System, other); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindAlertByID(ctx, coord.Viewer{}, a.ID)
	if err != nil || got.TLP != coord.TLPClear || len(got.Signals) != 1 || got.Signals[0].Values[1] != nil || *got.Signals[0].Values[0] != 0.5 {
		t.Fatalf("anonymous read of a new alert: %+v, %v", got, err)
	}
	if _, err := db.FindAlertByID(ctx, w.Author, other.ID); lifeline.ErrorCode(err) != lifeline.ENOTFOUND {
		t.Errorf("an amber alert of the instance read by another organisation: %v, want not found", err)
	}
	rec := t0.Add(2 * time.Hour)
	next := *got
	next.Recovered = &rec
	if _, err := db.UpdateAlert(ctx, coord.System, &next); err != nil {
		t.Fatal(err)
	}
	if typ := lastEventType(t, db, a.ID); typ != coord.EventAlertRecovered {
		t.Errorf("the recovery was recorded as %q", typ)
	}
	undo := next
	undo.Recovered = nil
	if _, err := db.UpdateAlert(ctx, coord.System, &undo); lifeline.ErrorCode(err) != lifeline.ECONFLICT {
		t.Errorf("undoing a recovery: %v, want a conflict", err)
	}
	for _, c := range []struct {
		f    coord.AlertFilter
		want int
	}{
		{coord.AlertFilter{}, 2},
		{coord.AlertFilter{Country: "SD"}, 2},
		{coord.AlertFilter{ASN: 15706}, 1},
		{coord.AlertFilter{State: coord.AlertOpen}, 1},
		{coord.AlertFilter{State: coord.AlertRecovered}, 1},
		{coord.AlertFilter{Since: rec.Add(time.Minute)}, 1},
		{coord.AlertFilter{Limit: 1}, 1},
	} {
		page, err := db.FindAlerts(ctx, coord.Viewer{}, c.f)
		if err != nil || len(page.Items) != c.want {
			t.Errorf("FindAlerts(%+v): %d items, %v; want %d", c.f, len(page.Items), err, c.want)
		}
	}
	if _, err := db.FindAlerts(ctx, coord.Viewer{}, coord.AlertFilter{State: "gone"}); lifeline.ErrorCode(err) != lifeline.EINVALID {
		t.Errorf("state gone: %v", err)
	}
	before := mustState(t, db)
	if _, err := db.SQL().Exec(`DELETE FROM alerts`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if after := mustState(t, db); after != before {
		t.Errorf("alerts after rebuild differ:\n%s", firstDiff(before, after))
	}
}

func lastEventType(t testing.TB, db *store.DB, id string) string {
	t.Helper()
	evs, err := coord.EventsAbout(ctx, db, coord.System, id, 0)
	if err != nil || len(evs) == 0 {
		t.Fatalf("events about %s: %d, %v", id, len(evs), err)
	}
	return evs[len(evs)-1].Type
}
