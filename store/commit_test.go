package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"lifeline"
	"lifeline/coord"
	"lifeline/store/sqlite"
)

// TestCommitterSurvivesPanic: a write that panics fails alone, and the
// writes after it go through.
func TestCommitterSurvivesPanic(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "lifeline.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Init(ctx, "Ops", "root", 0); err != nil {
		t.Fatal(err)
	}
	err = db.UpdateForTest(ctx, func() error { panic("boom") })
	if lifeline.ErrorCode(err) != lifeline.EINTERNAL {
		t.Fatalf("panicking write = %v, want EINTERNAL", err)
	}
	if err := db.CreateOrg(ctx, coord.System, &coord.Org{Name: "After", Kind: coord.OrgIXP}); err != nil {
		t.Fatalf("write after a panic: %v", err)
	}
	if n, err := db.Verify(ctx); err != nil || n != 4 {
		t.Fatalf("Verify = %d, %v; want 4 events", n, err)
	}
}
