// Package testdb gives tests a fresh, initialised instance on an embedded
// SQLite database in the test's temporary directory, and alerts to fill it
// with: the set-up that tests of the domain, the detector's alerts and the
// situation report share.
package testdb

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"lifeline/coord"
	"lifeline/store"
	"lifeline/store/sqlite"
)

// SQLite opens a new database in t's temporary directory, initialises an
// instance whose first organisation is "Ops" and first member "root", and
// closes it when the test ends.
func SQLite(t testing.TB) (*store.DB, *store.Instance) {
	t.Helper()
	db, inst, _ := Admin(t, "Ops", "root")
	return db, inst
}

// Admin is SQLite with the first organisation and member named as given,
// and that member, the instance's admin, authenticated.
func Admin(t testing.TB, org, member string) (*store.DB, *store.Instance, coord.Viewer) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "lifeline.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	inst, err := db.Init(ctx, org, member, 0)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := db.Authenticate(ctx, inst.Token)
	if err != nil {
		t.Fatal(err)
	}
	return db, inst, admin
}

// RaiseCountryAlert records, as the instance, a confirmed critical alert
// of country cc (bgp and probing agreeing) that began at start and fell by
// drop, and returns it.
func RaiseCountryAlert(t testing.TB, db *store.DB, cc string, start time.Time, drop float64) *coord.Alert {
	t.Helper()
	a := &coord.Alert{Entity: "country/" + cc, Country: cc, Status: "confirmed", Level: "critical", Kinds: []string{"bgp", "probing"},
		Start: start, Raised: start.Add(10 * time.Minute), Drop: drop, Score: 100}
	if err := db.RaiseAlert(context.Background(), coord.System, a); err != nil {
		t.Fatal(err)
	}
	return a
}
