package sitrep_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"lifeline/coord"
	"lifeline/internal/testdb"
	"lifeline/sitrep"
)

// TestDetectorAlerts gives the report the detector's open alerts, not one
// that has recovered; the report keeps the fresh one and leaves out one
// raised ten days ago.
func TestDetectorAlerts(t *testing.T) {
	ctx := context.Background()
	db, _ := testdb.SQLite(t)
	now := time.Now().UTC()
	testdb.RaiseCountryAlert(t, db, "SD", now.Add(-2*time.Hour), 0.92)
	back := testdb.RaiseCountryAlert(t, db, "ER", now.Add(-3*time.Hour), 0.5)
	at := now.Add(-time.Hour)
	back.Recovered = &at
	if _, err := db.UpdateAlert(ctx, coord.System, back); err != nil {
		t.Fatal(err)
	}
	testdb.RaiseCountryAlert(t, db, "DJ", now.Add(-10*24*time.Hour), 0.7)

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
