package coord_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"lifeline/coord"
	"lifeline/internal/testdb"
)

// TestAlertsObserveIncidents follows an incident from the alerts of its
// countries: the alerts' falls become its observed drops; the restoration
// of an element whose loss reaches two countries is closed only once both
// countries' alerts have recovered, with the time of the later recovery.
func TestAlertsObserveIncidents(t *testing.T) {
	ctx := context.Background()
	db, _ := testdb.SQLite(t)
	t0 := time.Now().UTC().Add(-2 * time.Hour).Truncate(time.Minute)
	sd, er := testdb.RaiseCountryAlert(t, db, "SD", t0, 0.9), testdb.RaiseCountryAlert(t, db, "ER", t0, 0.4)
	in := &coord.Incident{Title: "Cable cut in the Red Sea", Kind: coord.KindCableCut, Countries: []string{"SD", "ER", "DJ"},
		Elements: []string{"cable:x"}, Start: &t0}
	if err := db.CreateIncident(ctx, coord.System, in); err != nil {
		t.Fatal(err)
	}
	drops, err := coord.AlertDrops(ctx, db, coord.System, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(drops) != 2 || drops[0].Country != "SD" || drops[0].Share != 0.9 || drops[1].Country != "ER" || drops[1].Share != 0.4 {
		t.Fatalf("drops = %+v, want SD 0.9 and ER 0.4 (DJ raised no alert)", drops)
	}
	all := coord.DropsOf(in, drops)
	if i := slices.IndexFunc(all, func(d coord.Drop) bool { return d.Country == "DJ" }); len(all) != 3 || i < 0 || all[i].Share != coord.NamedShare {
		t.Errorf("DropsOf = %+v, want DJ at the named share", all)
	}

	affected := func(context.Context, string) ([]string, error) { return []string{"SD", "ER"}, nil }
	recover := func(a *coord.Alert, at time.Time) {
		t.Helper()
		a.Recovered = &at
		if _, err := db.UpdateAlert(ctx, coord.System, a); err != nil {
			t.Fatal(err)
		}
	}
	recover(sd, t0.Add(time.Hour))
	n, err := coord.RecoverIncidents(ctx, db, db, coord.System, "SD", affected)
	if err != nil || n != 0 {
		t.Fatalf("with Eritrea still down: closed %d, %v; want none", n, err)
	}
	last := t0.Add(90 * time.Minute)
	recover(er, last)
	if n, err = coord.RecoverIncidents(ctx, db, db, coord.System, "ER", affected); err != nil || n != 1 {
		t.Fatalf("both recovered: closed %d, %v; want 1", n, err)
	}
	got, err := db.FindIncidentByID(ctx, coord.System, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Restoration) != 1 || got.Restoration[0].Status != coord.RepairRestored {
		t.Fatalf("restoration = %+v, want cable:x restored", got.Restoration)
	}
	tl := got.Restoration[0].Timeline
	if note := tl[len(tl)-1].Note; !strings.Contains(note, last.Format(time.RFC3339)) {
		t.Errorf("note %q does not give the later recovery %s", note, last.Format(time.RFC3339))
	}
	if n, err = coord.RecoverIncidents(ctx, db, db, coord.System, "ER", affected); err != nil || n != 0 {
		t.Errorf("again: closed %d, %v; want nothing more", n, err)
	}
}
