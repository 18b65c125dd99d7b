package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	_ "modernc.org/sqlite"

	"lifeline/store"
)

// TestMigrations: files apply in version order, once each, recorded in
// schema_migrations; a later file applies on the next open; a bad name or
// bad SQL stops Open with the file named.
func TestMigrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	open := func(files fstest.MapFS) (*store.DB, error) {
		raw, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		raw.SetMaxOpenConns(1)
		db, err := store.Open(ctx, raw, raw, store.Dialect{Name: "sqlite", Migrations: files})
		if err != nil {
			raw.Close()
		}
		return db, err
	}
	files := fstest.MapFS{
		"0002_b.sql": {Data: []byte(`ALTER TABLE a ADD COLUMN y TEXT;`)},
		"0001_a.sql": {Data: []byte(`CREATE TABLE a (x INTEGER); CREATE TABLE a2 (z TEXT);`)},
	}
	db, err := open(files)
	if err != nil {
		t.Fatal(err)
	}
	vs, _ := db.Migrations(ctx)
	db.Close()
	if !slices.Equal(vs, []int{1, 2}) {
		t.Fatalf("applied %v, want [1 2]", vs)
	}
	files["0003_c.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE c (x INTEGER);`)}
	db, err = open(files) // 0001 and 0002 would fail if applied twice
	if err != nil {
		t.Fatalf("second open: %v", err)
	}
	vs, _ = db.Migrations(ctx)
	db.Close()
	if !slices.Equal(vs, []int{1, 2, 3}) {
		t.Fatalf("applied %v, want [1 2 3]", vs)
	}
	files["0004_bad.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE nonsense (;`)}
	if _, err := open(files); err == nil || !strings.Contains(err.Error(), "0004_bad.sql") {
		t.Errorf("bad SQL: %v, want the file named", err)
	}
	delete(files, "0004_bad.sql")
	files["x_bad.sql"] = &fstest.MapFile{Data: []byte(`SELECT 1;`)}
	if _, err := open(files); err == nil || !strings.Contains(err.Error(), "x_bad.sql") {
		t.Errorf("bad name: %v, want the file named", err)
	}
}
