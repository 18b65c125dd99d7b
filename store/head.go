package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"lifeline"
	"lifeline/ledger"
)

// The integrity of the log, beyond its chain: the signed head, which
// catches events removed from the end; and the refusal to write on a log
// found broken, so that the damage is never signed into the chain.

// RefuseWrites makes every later write that appends to the log fail
// with err (ECONFLICT), until the process ends: for a server whose log,
// or whose state tables, were found not to verify. A *ledger.VerifyError
// is said to be the log's.
func (db *DB) RefuseWrites(err error) {
	msg := err.Error()
	if errors.As(err, new(*ledger.VerifyError)) {
		msg = "the event log does not verify: " + msg
	}
	db.broken.Store(lifeline.Errorf(lifeline.ECONFLICT, "", "%s; writes are refused. %s", msg, Recovery))
}

// Broken returns the error given to RefuseWrites, or nil.
func (db *DB) Broken() error {
	if e := db.broken.Load(); e != nil {
		return e
	}
	return nil
}

// tail returns the last event of the log (nil for an empty log), and
// refuse, not nil when the log must not grow: when it was found broken
// (RefuseWrites) or its last event is not the one the signed head names.
// Appending then would sign the damage into the chain; writes outside
// the log (tokens, sessions) go on, so that a compromised token can still
// be revoked.
func (db *DB) tail(ctx context.Context, q querier) (head *ledger.Record, refuse, err error) {
	if err := db.Broken(); err != nil {
		refuse = err
	}
	// The head is the log's last position and the hash of the last event
	// this instance signed: received events after a batch event are
	// attested by it, and the next event names its hash.
	var h ledger.Record
	var origin string
	err = q.QueryRowContext(ctx, `SELECT seq, hash, origin FROM events ORDER BY seq DESC LIMIT 1`).Scan(&h.Seq, &h.Hash, &origin)
	switch {
	case err == nil:
		if origin != "" {
			if _, h.Hash, err = lastLocal(ctx, q, db.q, h.Seq); err != nil {
				return nil, nil, err
			}
		}
		head = &h
	case errors.Is(err, sql.ErrNoRows):
	default:
		return nil, nil, err
	}
	var signed ledger.Head
	err = q.QueryRowContext(ctx, `SELECT seq, hash FROM head WHERE id = 1`).Scan(&signed.Seq, &signed.Hash)
	switch {
	case refuse != nil:
	case errors.Is(err, sql.ErrNoRows):
		refuse = lifeline.Errorf(lifeline.ECONFLICT, "", "the signed head of the event log is missing; writes are refused. %s", Recovery)
	case err != nil:
		return nil, nil, err
	case signed.Seq == -1:
		// Not signed yet: the store was made before heads were kept.
	default:
		if err := matchHead(head, signed); err != nil {
			refuse = lifeline.Errorf(lifeline.ECONFLICT, "", "the event log does not verify: %v; writes are refused. %s", err, Recovery)
		}
	}
	return head, refuse, nil
}

// matchHead says how the last event of the log differs from the signed
// head, or returns nil.
func matchHead(last *ledger.Record, signed ledger.Head) error {
	var seq int64
	var hash string
	if last != nil {
		seq, hash = last.Seq, last.Hash
	}
	switch {
	case seq < signed.Seq:
		return &ledger.VerifyError{Seq: seq + 1, Reason: fmt.Sprintf("missing: the log ends at event %d but its signed head names event %d (%s), so events were removed from its end", seq, signed.Seq, short(signed.Hash))}
	case seq > signed.Seq:
		return &ledger.VerifyError{Seq: signed.Seq + 1, Reason: fmt.Sprintf("not covered by the signed head, which names event %d: events were added to the end of the log outside Lifeline", signed.Seq)}
	case hash != signed.Hash:
		return &ledger.VerifyError{Seq: seq, Reason: fmt.Sprintf("its hash %s is not the %s its signed head names", short(hash), short(signed.Hash))}
	}
	return nil
}

func short(hash string) string {
	if len(hash) > 16 {
		return hash[:16] + "…"
	}
	return hash
}

// signHead records the signed head of the log whose last event is last.
func (db *DB) signHead(ctx context.Context, tx *sql.Tx, last *ledger.Record) error {
	key, err := db.instanceKey(ctx, tx)
	if err != nil {
		return err
	}
	h := ledger.SignHead(key, last)
	_, err = tx.ExecContext(ctx, db.q(`UPDATE head SET seq = ?, hash = ?, sig = ? WHERE id = 1`), h.Seq, h.Hash, h.Sig)
	return err
}

// Head returns the signed head of the log as stored. Its Seq is -1 when
// no write has signed it yet (a store made before heads were kept).
func (db *DB) Head(ctx context.Context) (ledger.Head, error) {
	var h ledger.Head
	err := db.read.QueryRowContext(ctx, `SELECT seq, hash, sig FROM head WHERE id = 1`).Scan(&h.Seq, &h.Hash, &h.Sig)
	if errors.Is(err, sql.ErrNoRows) {
		return h, lifeline.Errorf(lifeline.ECONFLICT, "", "the signed head of the event log is missing. %s", Recovery)
	}
	return h, internal("store.Head", err)
}

// Recovery says how to recover from a log that does not verify.
const Recovery = "To recover: if lifeline admin verify names a column or a state table, lifeline admin rebuild rewrites them from the signed events; " +
	"if it names an event, restore the last good backup into a new database (lifeline admin restore -i BACKUP --db NEW), check it with lifeline admin verify --anchor against the head you wrote down, and serve that database"

// LogCheck is the state of the check of the whole log that a server runs
// in the background after it starts (see CheckLog).
//
// Its JSON form, shown by a server's public /healthz, gives the progress
// as a fraction and not the counts: the number of events in the log would
// tell anyone the volume of the activity they may not see.
type LogCheck struct {
	State    string  `json:"state"`           // "checking", "ok" or "broken"
	Progress float64 `json:"progress"`        // Checked/Events, 0 to 1
	Checked  int64   `json:"-"`               // events verified so far
	Events   int64   `json:"-"`               // events in the log when the check began
	Error    string  `json:"error,omitempty"` // for "broken": which event, what is wrong, how to recover
}

// CheckLog verifies the whole log (Verify), reporting progress to
// progress (when not nil) after every thousand events, and makes the
// store refuse writes (RefuseWrites) if it does not verify. It returns
// the final state; LastCheck returns the state while it runs.
func (db *DB) CheckLog(ctx context.Context, progress func(LogCheck)) LogCheck {
	var total int64
	if err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM events`).Scan(&total); err != nil {
		return db.setCheck(LogCheck{State: "broken", Error: "cannot read the log: " + err.Error()})
	}
	db.setCheck(LogCheck{State: "checking", Events: total})
	n, err := db.VerifyProgress(ctx, func(n int64) {
		c := db.setCheck(LogCheck{State: "checking", Checked: n, Events: total})
		if progress != nil {
			progress(c)
		}
	})
	if lifeline.ErrorCode(err) == lifeline.ECONFLICT && !errors.As(err, new(*ledger.VerifyError)) {
		err = nil // not initialised: nothing to check
	}
	if err != nil && ctx.Err() != nil {
		return db.setCheck(LogCheck{State: "checking", Checked: n, Events: total, Error: "stopped"})
	}
	if err != nil {
		db.RefuseWrites(err)
		return db.setCheck(LogCheck{State: "broken", Checked: n, Events: total, Error: db.Broken().Error()})
	}
	return db.setCheck(LogCheck{State: "ok", Checked: n, Events: total})
}

func (db *DB) setCheck(c LogCheck) LogCheck {
	switch {
	case c.State == "ok":
		c.Progress = 1
	case c.Events > 0:
		c.Progress = min(1, float64(c.Checked)/float64(c.Events))
		c.Progress = float64(int(c.Progress*100)) / 100 // no finer than a percent
	}
	db.check.Store(&c)
	return c
}

// LastCheck returns the state of the last or running CheckLog, and the
// zero LogCheck before the first.
func (db *DB) LastCheck() LogCheck {
	if c := db.check.Load(); c != nil {
		return *c
	}
	return LogCheck{}
}
