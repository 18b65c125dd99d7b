// Package postgres opens a Lifeline store in PostgreSQL through
// jackc/pgx/v5, with its schema migrations embedded. Appends to the log
// are serialised with a transaction-scoped advisory lock, so several
// Lifeline processes may share one database.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"lifeline/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// writeLock is the advisory lock key that serialises appends to the log.
const writeLock = 0x4c4c4c47 // "LLLG"

// Dialect returns the PostgreSQL dialect of the store.
func Dialect() store.Dialect {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the embedded directory exists: a build fault
	}
	return store.Dialect{Name: "postgres", Migrations: sub, Dollar: true,
		LockWrite: fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", writeLock)}
}

// IsURL reports whether s names a PostgreSQL database rather than a file.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the database at dsn (a postgres:// URL) and applies the
// migrations.
func Open(ctx context.Context, dsn string) (*store.DB, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	pool.SetMaxOpenConns(16)
	pool.SetMaxIdleConns(16)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	db, err := store.Open(ctx, pool, pool, Dialect())
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	return db, nil
}
