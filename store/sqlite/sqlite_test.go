package sqlite_test

import (
	"context"
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"lifeline/coord"
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

// TestMigration0017KeepsTheLog: the migration that rebuilds the events
// table, applied to a log written before it, keeps every event (the log
// still verifies, the same rows in the same order) and leaves the index
// by hash to this instance's own events, still refusing a hash twice.
func TestMigration0017KeepsTheLog(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lifeline.db")
	d := sqlite.Dialect()
	before := fstest.MapFS{}
	names, err := fs.Glob(d.Migrations, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if n < "0017" {
			b, err := fs.ReadFile(d.Migrations, n)
			if err != nil {
				t.Fatal(err)
			}
			before[n] = &fstest.MapFile{Data: b}
		}
	}
	d.Migrations = before
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)"
	write, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	write.SetMaxOpenConns(1)
	read, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	old, err := store.Open(ctx, read, write, d)
	if err != nil {
		t.Fatal(err)
	}
	w := storetest.NewWorld(t, old)
	for _, title := range []string{"Cut near Aden", "Cut near Jeddah", "Landing station dark"} {
		in := &coord.Incident{Title: title, Kind: coord.KindCableCut, Countries: []string{"YE"}}
		in.TLP = coord.TLPClear
		if err := old.CreateIncident(ctx, w.Author, in); err != nil {
			t.Fatal(err)
		}
	}
	rows := func(db *store.DB) string {
		t.Helper()
		var n int
		var sum string
		if err := db.SQL().QueryRow(`SELECT COUNT(*), group_concat(hash || ':' || seq, ',') FROM (SELECT hash, seq FROM events ORDER BY seq)`).Scan(&n, &sum); err != nil || n < 4 {
			t.Fatalf("the log: %d rows, %v", n, err)
		}
		return sum
	}
	want := rows(old)
	old.Close()
	read.Close()
	write.Close()

	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("open with migration 0017: %v", err)
	}
	defer db.Close()
	if got := rows(db); got != want {
		t.Errorf("the log after the migration:\n%s\nwant\n%s", got, want)
	}
	if _, err := db.Verify(ctx); err != nil {
		t.Errorf("verify after the migration: %v", err)
	}
	var def string
	if err := db.SQL().QueryRow(`SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'events_hash'`).Scan(&def); err != nil || !strings.Contains(def, "WHERE origin = ''") {
		t.Errorf("the index by hash: %q, %v; want one of this instance's events only", def, err)
	}
	var autos int
	if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND name LIKE 'sqlite_autoindex%'`).Scan(&autos); err != nil || autos != 0 {
		t.Errorf("%d indexes of a column's UNIQUE left on events (%v), want none", autos, err)
	}
	_, err = db.SQL().Exec(`INSERT INTO events (seq, hash, body, sig, type, subject, time, marking, origin)
		SELECT seq + 1000, hash, body, sig, type, subject, time, marking, origin FROM events WHERE seq = 1`)
	if err == nil || !strings.Contains(err.Error(), "UNIQUE") {
		t.Errorf("a second event of this instance with a hash already held: %v; want it refused", err)
	}
}
