// Package sqlite opens a Lifeline store in a SQLite file (pure Go, through
// modernc.org/sqlite), in WAL mode, with its schema migrations embedded.
//
// Writes go through a pool of one connection that begins transactions
// IMMEDIATE, so appends to the log are serialised without retries; reads
// use a separate pool and see the last committed state.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"lifeline"
	"lifeline/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Dialect returns the SQLite dialect of the store.
func Dialect() store.Dialect {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the embedded directory exists: a build fault
	}
	return store.Dialect{Name: "sqlite", Migrations: sub, Maintain: checkpoint, PrepareWrites: true}
}

// checkpoint moves the write-ahead log into the database file in the
// background, every second, without blocking writers (PASSIVE).
// The write connection's automatic checkpoints are off: they ran inside
// a committing write, and their fsyncs showed as the tail of write
// latency. A checkpoint copies each page once, however many commits
// wrote it since the last: at every quarter second, a federation sync's
// commits, which write most pages of the log's indexes each, had each
// copied again (a third of the checkpoints' work saved at a second).
func checkpoint(ctx context.Context, read, _ *sql.DB) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			read.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
		}
	}
}

// Open opens (creating if need be) the SQLite database at path and applies
// the migrations. synchronous=FULL makes every acknowledged write survive
// a crash of the machine, not only of the process.
//
// The database holds the instance's signing key and the token hashes, so
// a new file is created with mode 0600 (SQLite gives its -wal and -shm
// files the mode of the database), and an existing file, -wal or -shm
// that other users may read or write is refused with the command that
// fixes it.
func Open(ctx context.Context, path string) (*store.DB, error) {
	if err := private(path); err != nil {
		return nil, err
	}
	dsn := func(extra string) string {
		q := url.Values{}
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "synchronous(FULL)")
		if extra != "" {
			q.Add("_txlock", extra)
			q.Add("_pragma", "wal_autocheckpoint(0)")
			// A received batch of a thousand events writes some 4 MB in
			// one transaction: with the default cache of 2 MB, SQLite
			// spills pages to the write-ahead log before the commit.
			q.Add("_pragma", "cache_size(-32768)")
		}
		// The name is a URI: escape what would end its path.
		name := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
		return "file:" + name + "?" + q.Encode()
	}
	write, err := sql.Open("sqlite", dsn("immediate"))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", dsn(""))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	read.SetMaxOpenConns(max(4, 2*runtime.GOMAXPROCS(0)))
	read.SetMaxIdleConns(max(4, 2*runtime.GOMAXPROCS(0)))
	db, err := store.Open(ctx, read, write, Dialect())
	if err != nil {
		read.Close()
		write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

// private creates path with mode 0600 if it does not exist, and refuses a
// database, or its -wal or -shm file, with permissions for the group or
// other users.
func private(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		return f.Close()
	case !os.IsExist(err):
		return lifeline.Errorf(lifeline.EINVALID, "", "create the database %s: %v", path, err)
	}
	var open []string
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			continue // -wal and -shm exist only while the database is open
		}
		if fi.Mode().Perm()&0o077 != 0 {
			open = append(open, fmt.Sprintf("%s (mode %04o)", p, fi.Mode().Perm()))
		}
	}
	if len(open) == 0 {
		return nil
	}
	return lifeline.Errorf(lifeline.EINVALID, "",
		"the database holds the instance's signing key and the token hashes, and other users may read it: %s; "+
			"make it readable by its owner only: chmod 600 %s %s-wal %s-shm",
		strings.Join(open, ", "), shellQuote(path), shellQuote(path), shellQuote(path))
}

// shellQuote quotes p for a POSIX shell when it needs it.
func shellQuote(p string) string {
	if p != "" && strings.Trim(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./+,:@") == "" {
		return p
	}
	return "'" + strings.ReplaceAll(p, "'", `'\''`) + "'"
}
