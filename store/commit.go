package store

import (
	"context"
	"database/sql"

	"lifeline"
)

// Writes are group-committed. Every write (update) is a job for one
// goroutine, the committer, which takes the jobs waiting, runs each in a
// savepoint of one transaction — a job that fails is rolled back alone —
// and commits them together: one fsync for many writes. A write returns
// only after its transaction is durable, so an acknowledged write
// survives a crash; under load the waits of a slow fsync are shared
// instead of queued one behind another.

// maxBatch bounds the jobs of one transaction.
const maxBatch = 256

type job struct {
	ctx  context.Context
	op   string
	fn   func(t *tx) error
	done chan error
}

// update runs fn in a write transaction and returns once it is committed
// (or failed). fn must do nothing but read and write through t.
func (db *DB) update(ctx context.Context, op string, fn func(t *tx) error) error {
	j := &job{ctx: ctx, op: op, fn: fn, done: make(chan error, 1)}
	select {
	case db.jobs <- j:
	case <-ctx.Done():
		return internal(op, ctx.Err())
	case <-db.quit:
		return lifeline.Errorf(lifeline.EINTERNAL, op, "the store is closed")
	}
	// Once taken, a job runs to the end: its caller learns how it ended.
	return <-j.done
}

// commit is the committer's loop.
func (db *DB) commit() {
	defer close(db.stopped)
	for {
		var batch []*job
		select {
		case j := <-db.jobs:
			batch = append(batch, j)
		case <-db.quit:
			return
		}
	more:
		for len(batch) < maxBatch {
			select {
			case j := <-db.jobs:
				batch = append(batch, j)
			default:
				break more
			}
		}
		db.runBatch(batch)
	}
}

func (db *DB) runBatch(batch []*job) {
	errs := make([]error, len(batch))
	fail := func(err error) {
		for i, j := range batch {
			if errs[i] == nil {
				errs[i] = internal(j.op, err)
			}
		}
	}
	defer func() {
		for i, j := range batch {
			j.done <- errs[i]
		}
	}()
	ctx := context.Background()
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		fail(err)
		return
	}
	defer sqlTx.Rollback()
	if db.dialect.LockWrite != "" {
		if _, err := sqlTx.ExecContext(ctx, db.dialect.LockWrite); err != nil {
			fail(err)
			return
		}
		// The writes that arrived while another server held the lock
		// join this batch: the wait is shared, as a slow fsync's is.
	more:
		for len(batch) < maxBatch {
			select {
			case j := <-db.jobs:
				batch = append(batch, j)
				errs = append(errs, nil)
			default:
				break more
			}
		}
	}
	head, refuse, err := db.tail(ctx, sqlTx)
	if err != nil {
		fail(err)
		return
	}
	start := head
	ok := make([]bool, len(batch))
	var stmts map[string]*sql.Stmt // closed with the transaction
	if db.dialect.PrepareWrites {
		stmts = map[string]*sql.Stmt{}
	}
	// A job alone needs no savepoint: if it fails, the transaction is
	// rolled back whole. SQLite keeps, for a savepoint, a copy of every
	// page the job changes that existed before it (the statement
	// journal): for a received batch of a thousand events, which touches
	// most pages of the log's indexes, that was megabytes written for
	// nothing.
	alone := len(batch) == 1
	for i, j := range batch {
		if !alone {
			if _, err := sqlTx.ExecContext(ctx, `SAVEPOINT job`); err != nil {
				fail(err)
				return
			}
		}
		t := &tx{Tx: sqlTx, db: db, ctx: context.WithoutCancel(j.ctx), now: db.Now().UTC(), head: head, stmts: stmts}
		err := run(j, t)
		if err == nil && t.head != head && refuse != nil {
			// The job appended to a log that must not grow; writes
			// outside the log (tokens, sessions) go on.
			err = refuse
		}
		if err != nil && alone {
			errs[i] = internal(j.op, err)
			return // the deferred Rollback undoes it
		}
		if err != nil {
			errs[i] = internal(j.op, err)
			if _, err := sqlTx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT job`); err != nil {
				fail(err)
				return
			}
		} else {
			ok[i] = true
			head = t.head
		}
		if alone {
			continue
		}
		if _, err := sqlTx.ExecContext(ctx, `RELEASE SAVEPOINT job`); err != nil {
			fail(err)
			return
		}
	}
	if head != start {
		// Sign the new head in the same transaction: it commits with the
		// events it names, or not at all.
		if err := db.signHead(ctx, sqlTx, head); err != nil {
			for i := range batch {
				if ok[i] {
					errs[i] = internal(batch[i].op, err)
				}
			}
			return
		}
	}
	if err := sqlTx.Commit(); err != nil {
		for i := range batch {
			if ok[i] {
				errs[i] = internal(batch[i].op, err)
			}
		}
	}
}

// run runs a job's function, turning a panic into an error of that job
// alone: the committer serves every write of the process and must not die.
func run(j *job, t *tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = lifeline.Errorf(lifeline.EINTERNAL, j.op, "panic: %v", p)
		}
	}()
	return j.fn(t)
}
