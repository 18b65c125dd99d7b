package postgres_test

import (
	"context"
	"testing"

	"lifeline/store"
	"lifeline/store/postgres"
	"lifeline/store/postgres/pgtest"
	"lifeline/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func open(t testing.TB) *store.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }

func TestIsURL(t *testing.T) {
	for s, want := range map[string]bool{"postgres://x/y": true, "postgresql://x": true, "lifeline.db": false, "/tmp/postgres.db": false} {
		if got := postgres.IsURL(s); got != want {
			t.Errorf("IsURL(%q) = %v", s, got)
		}
	}
}

// TestSharedDatabase: two stores on one PostgreSQL database, as two
// servers behind a load balancer.
func TestSharedDatabase(t *testing.T) {
	dsn := pgtest.DSN(t)
	var dbs []*store.DB
	for range 2 {
		db, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	storetest.SharedDatabase(t, dbs[0], dbs[1])
}
