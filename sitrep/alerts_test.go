package sitrep_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lifeline/coord"
	"lifeline/sitrep"
	"lifeline/store/sqlite"
)

// TestDetectorAlerts gives the report the detector's open alerts, not one
// that has recovered; the report keeps the fresh one and leaves out one
// raised ten days ago.
func TestDetectorAlerts(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "l.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Init(ctx, "Ops", "root", 0); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	raise := func(cc string, start time.Time, drop float64) *coord.Alert {
		t.Helper()
		a := &coord.Alert{Entity: "country/" + cc, Country: cc, Status: "confirmed", Level: "critical", Kinds: []string{"bgp", "probing"},
			Start: start, Raised: start.Add(10 * time.Minute), Drop: drop, Score: 100}
		if err := db.RaiseAlert(ctx, coord.System, a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	raise("SD", now.Add(-2*time.Hour), 0.92)
	back := raise("ER", now.Add(-3*time.Hour), 0.5)
	at := now.Add(-time.Hour)
	back.Recovered = &at
	if _, err := db.UpdateAlert(ctx, coord.System, back); err != nil {
		t.Fatal(err)
	}
	raise("DJ", now.Add(-10*24*time.Hour), 0.7)

	alerts, err := sitrep.DetectorAlerts(ctx, db, coord.Viewer{}, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(alerts) != 2 || alerts[0].Countries[0] != "SD" || !strings.Contains(alerts[0].Title, "92") || alerts[0].Source != "detector" ||
		alerts[1].Countries[0] != "DJ" {
		t.Fatalf("alerts = %+v, want the open alerts of Sudan and Djibouti", alerts)
	}
	rep, err := sitrep.Build(ctx, db.Services(), coord.Viewer{}, sitrep.Options{Now: now, Alerts: alerts})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Alerts) != 1 || rep.Alerts[0].Countries[0] != "SD" || rep.Alerts[0].TLP != coord.TLPClear {
		t.Errorf("report alerts = %+v, want the fresh Sudan alert alone, TLP:CLEAR", rep.Alerts)
	}
}
