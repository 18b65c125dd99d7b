package store

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"lifeline"
	"lifeline/coord"
	"lifeline/ledger"
)

// Dialect is what differs between the databases the store runs on.
type Dialect struct {
	Name string // "sqlite" or "postgres"
	// Migrations holds files named NNNN_name.sql, applied in order once
	// each and recorded in the table schema_migrations.
	Migrations fs.FS
	// Dollar is true for databases that number placeholders ($1, $2, …)
	// instead of writing "?".
	Dollar bool
	// PrepareWrites, for a driver that keeps no prepared statements of its
	// own (pgx does), prepares each INSERT, UPDATE and DELETE of a write
	// transaction once and runs it again from there (tx.exec).
	PrepareWrites bool
	// LockWrite, when not empty, is run first in every write transaction
	// so that appends to the log are serialised.
	LockWrite string
	// Maintain, when not nil, runs in the background from Open until
	// Close (which cancels ctx), e.g. to checkpoint a write-ahead log off
	// the write path.
	Maintain func(ctx context.Context, read, write *sql.DB)
}

// DB is a Lifeline store. It implements the coord service interfaces and
// is safe for concurrent use.
type DB struct {
	read, write *sql.DB
	dialect     Dialect

	// Now is the clock; Rand the source of ids, tokens and keys. Tests
	// may set them before first use.
	Now  func() time.Time
	Rand io.Reader
	// Elements, when set before first use, is the atlas whose elements
	// incidents may list; nil accepts any element id.
	Elements coord.Elements

	mu      sync.Mutex
	queries map[string]string
	stmts   map[string]*sql.Stmt
	key     ed25519.PrivateKey

	revocations atomic.Uint64                  // successful RevokeTokens calls (coord.MemberService.Revocations)
	epoch       atomic.Uint64                  // the database's revocation epoch, as last read (watchEpoch)
	broken      atomic.Pointer[lifeline.Error] // set by RefuseWrites
	check       atomic.Pointer[LogCheck]       // of CheckLog

	ahead ahead // batches verified ahead of Receive (VerifyAhead)

	jobs          chan *job // writes waiting for the committer
	quit, stopped chan struct{}
	closeOnce     sync.Once
	stopMaintain  func()
}

var (
	_ coord.OrgService      = (*DB)(nil)
	_ coord.MemberService   = (*DB)(nil)
	_ coord.IncidentService = (*DB)(nil)
	_ coord.NeedService     = (*DB)(nil)
	_ coord.OfferService    = (*DB)(nil)
	_ coord.MatchService    = (*DB)(nil)
	_ coord.EventService    = (*DB)(nil)
)

// Open returns a store over read and write, which may be the same pool
// (the SQLite adapter uses a single-connection pool for writes), after
// applying the dialect's migrations.
func Open(ctx context.Context, read, write *sql.DB, d Dialect) (*DB, error) {
	db := &DB{read: read, write: write, dialect: d, Now: time.Now, Rand: rand.Reader, queries: map[string]string{}, stmts: map[string]*sql.Stmt{},
		jobs: make(chan *job), quit: make(chan struct{}), stopped: make(chan struct{})}
	if err := db.migrate(ctx); err != nil {
		return nil, err
	}
	go db.commit()
	mctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		db.watchEpoch(mctx)
	}()
	if d.Maintain != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.Maintain(mctx, read, write)
		}()
	}
	db.stopMaintain = func() { cancel(); wg.Wait() }
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		db.stopMaintain()
		close(db.quit)
		<-db.stopped
	})
	db.mu.Lock()
	for _, st := range db.stmts {
		st.Close()
	}
	db.stmts = map[string]*sql.Stmt{}
	db.mu.Unlock()
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Dialect returns the name of the database kind.
func (db *DB) Dialect() string { return db.dialect.Name }

// q rewrites a query written with "?" placeholders for the dialect.
func (db *DB) q(query string) string {
	if !db.dialect.Dollar {
		return query
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if s, ok := db.queries[query]; ok {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	db.queries[query] = b.String()
	return b.String()
}

// prepared returns the read pool's prepared statement for query (written
// with "?"), preparing it on first use: the hot read paths then skip SQL
// parsing, which profiles showed as a sixth of the time of a read.
func (db *DB) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	q := db.q(query)
	db.mu.Lock()
	st, ok := db.stmts[q]
	db.mu.Unlock()
	if ok {
		return st, nil
	}
	st, err := db.read.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if old, ok := db.stmts[q]; ok {
		st.Close()
		return old, nil
	}
	db.stmts[q] = st
	return st, nil
}

// readRow runs a one-row query on the read pool with a prepared statement.
func (db *DB) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := db.prepared(ctx, query)
	if err != nil {
		// A Row carrying the error: database/sql has no constructor, so
		// run the query unprepared and let it fail the same way.
		return db.read.QueryRowContext(ctx, db.q(query), args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// readRows runs a query on the read pool with a prepared statement.
func (db *DB) readRows(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := db.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := fs.Glob(db.dialect.Migrations, "*.sql")
	if err != nil {
		return err
	}
	slices.Sort(names)
	for _, name := range names {
		v, err := strconv.Atoi(strings.SplitN(path.Base(name), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name does not start with a version number", name)
		}
		var n int
		if err := db.write.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), v).Scan(&n); err != nil {
			return fmt.Errorf("read schema_migrations: %w", err)
		}
		if n > 0 {
			continue
		}
		body, err := fs.ReadFile(db.dialect.Migrations, name)
		if err != nil {
			return err
		}
		tx, err := db.write.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("apply migration %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)`), v, name, time.Now().UTC().Format(time.RFC3339)); err != nil {
			tx.Rollback()
			return fmt.Errorf("record migration %s: %w", name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("commit migration %s: %w", name, err)
		}
	}
	return nil
}

// Migrations returns the versions applied, in order.
func (db *DB) Migrations(ctx context.Context) ([]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var vs []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	return vs, rows.Err()
}

// newID returns a fresh id with a prefix such as "inc": the second it was
// made (4 bytes, big-endian) then 6 random bytes, in base32 with the
// alphabet that keeps their order (RFC 4648 section 7, "base32hex"), in
// lower case. Ids made one after the other sort one after the other, so
// that the indexes by id and by subject — of this instance and of every
// instance that receives its events — take a new item near the last one
// instead of at a random page: a batch of received events dirtied most
// pages of those indexes, and each commit wrote them again. 48 random bits
// a second keep ids of the same second apart.
func (db *DB) newID(prefix string) (string, error) {
	b := make([]byte, 10)
	binary.BigEndian.PutUint32(b, uint32(db.Now().Unix()))
	if _, err := io.ReadFull(db.Rand, b[4:]); err != nil {
		return "", fmt.Errorf("new id: %w", err)
	}
	return prefix + "_" + strings.ToLower(idEncoding.EncodeToString(b)), nil
}

// idEncoding is newID's base32.
var idEncoding = base32.HexEncoding.WithPadding(base32.NoPadding)

// internal wraps a database failure so that its details are logged, not
// shown.
func internal(op string, err error) error {
	if err == nil {
		return nil
	}
	var le *lifeline.Error
	if errors.As(err, &le) {
		return err
	}
	return &lifeline.Error{Code: lifeline.EINTERNAL, Op: op, Err: err}
}

func notFound(op, what string) error {
	return lifeline.Errorf(lifeline.ENOTFOUND, op, "no such %s", what)
}

// tx is a write transaction: the changes of one call, each appended to
// the log as a signed event and applied to the state tables.
type tx struct {
	*sql.Tx
	db   *DB
	ctx  context.Context
	now  time.Time
	head *ledger.Record
	// stmts are the statements prepared in the transaction, shared by
	// its jobs (nil: none are kept).
	stmts map[string]*sql.Stmt
}

// exec runs a statement. An INSERT, UPDATE or DELETE is prepared once a
// transaction and run again from there: parsing it was a tenth of the
// cost of applying a received event.
func (t *tx) exec(query string, args ...any) error {
	_, err := t.execResult(query, args...)
	return err
}

// execResult is exec returning the statement's result.
func (t *tx) execResult(query string, args ...any) (sql.Result, error) {
	if t.stmts == nil || !keepPrepared(query) {
		return t.ExecContext(t.ctx, t.db.q(query), args...)
	}
	st, err := t.prepared(query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(t.ctx, args...)
}

// prepared returns query prepared in the transaction, preparing it the
// first time it is asked for.
func (t *tx) prepared(query string) (*sql.Stmt, error) {
	if st, ok := t.stmts[query]; ok {
		return st, nil
	}
	st, err := t.PrepareContext(t.ctx, t.db.q(query))
	if err != nil {
		return nil, err
	}
	t.stmts[query] = st
	return st, nil
}

// keepPrepared reports whether exec keeps query prepared.
func keepPrepared(query string) bool {
	for _, p := range []string{"INSERT ", "UPDATE ", "DELETE "} {
		if strings.HasPrefix(query, p) {
			return true
		}
	}
	return false
}

// queryPrepared runs a query prepared once a transaction, as exec does
// for writes: for a query run again and again in one transaction.
func (t *tx) queryPrepared(query string, args ...any) (*sql.Rows, error) {
	if t.stmts == nil {
		return t.QueryContext(t.ctx, t.db.q(query), args...)
	}
	st, err := t.prepared(query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(t.ctx, args...)
}

func (t *tx) queryRow(query string, args ...any) *sql.Row {
	return t.QueryRowContext(t.ctx, t.db.q(query), args...)
}

// next returns the sequence number the next event will have.
func (t *tx) next() int64 {
	if t.head == nil {
		return 1
	}
	return t.head.Seq + 1
}

// emit seals an event, appends it to the log and applies it.
func (t *tx) emit(typ, subject string, author coord.Viewer, m coord.Marking, payload []byte) error {
	key, err := t.db.instanceKey(t.ctx, t.Tx)
	if err != nil {
		return err
	}
	rec, err := ledger.Seal(key, t.head, ledger.Event{
		Time: t.now, Type: typ, Author: author.MemberID, Org: author.OrgID,
		Subject: subject, Marking: m, Payload: payload,
	})
	if err != nil {
		return err
	}
	e, err := ledger.Decode(rec.Body)
	if err != nil {
		return err
	}
	if err := insertEvent(t.ctx, t.Tx, t.db, rec, e, ""); err != nil {
		return err
	}
	if err := t.apply(e); err != nil {
		return err
	}
	t.head = &rec
	return nil
}
