package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lifeline/store"
	"lifeline/store/sqlite"
	"lifeline/store/storetest"
)

func open(t testing.TB) *store.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "lifeline.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }

func TestWAL(t *testing.T) {
	db := open(t)
	var mode string
	if err := db.SQL().QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
	}
}

func TestReopenKeepsMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lifeline.db")
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no migration files: %v", err)
	}
	for range 2 {
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		vs, err := db.Migrations(context.Background())
		db.Close()
		if err != nil || len(vs) != len(files) {
			t.Fatalf("migrations = %v, %v; want each of the %d files applied once", vs, err, len(files))
		}
	}
}

func TestPathWithURICharacters(t *testing.T) {
	dir := t.TempDir()
	a, err := sqlite.Open(context.Background(), filepath.Join(dir, "a#1?x=%41.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Init(context.Background(), "A", "root", 0); err != nil {
		t.Fatal(err)
	}
	b, err := sqlite.Open(context.Background(), filepath.Join(dir, "a#2.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if ok, err := b.Initialized(context.Background()); err != nil || ok {
		t.Fatalf("a second file shares the first one's database (%v, %v)", ok, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a#1?x=%41.db")); err != nil {
		t.Fatalf("the file is not where its name says: %v", err)
	}
}

// TestFilesArePrivate: the database holds the signing key and the token
// hashes, so it and its -wal and -shm files are created readable by their
// owner only, and a database others may read is refused with the fix.
func TestFilesArePrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lifeline.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Init(context.Background(), "A", "root", 0); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if m := fi.Mode().Perm(); m != 0o600 {
			t.Errorf("%s has mode %04o, want 0600", filepath.Base(p), m)
		}
	}
	db.Close()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = sqlite.Open(context.Background(), path)
	if err == nil {
		t.Fatal("a database readable by other users was opened")
	}
	for _, want := range []string{"mode 0644", "chmod 600 " + path} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "sqlite.") || strings.Contains(err.Error(), "store.") {
		t.Errorf("error %q names Go identifiers", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err = sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("after chmod 600: %v", err)
	}
	db.Close()
}

// TestSharedDatabase: two stores on one SQLite file, as a server and the
// command line.
func TestSharedDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lifeline.db")
	var dbs []*store.DB
	for range 2 {
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	storetest.SharedDatabase(t, dbs[0], dbs[1])
}
