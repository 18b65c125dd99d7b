package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"lifeline"
	"lifeline/coord"
	"lifeline/ledger"
)

// insertEvent inserts one row of the log: an event of this instance
// (origin "") or one received from origin, at the position rec.Seq.
func insertEvent(ctx context.Context, tx *sql.Tx, db *DB, rec ledger.Record, e ledger.Event, origin string) error {
	mk, err := json.Marshal(e.Marking)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, db.q(`INSERT INTO events (seq, hash, body, sig, type, subject, time, marking, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		rec.Seq, rec.Hash, rec.Body, rec.Sig, e.Type, e.Subject, e.Time.Format(timeFormat), string(mk), origin)
	return err
}

// projections are the state tables, emptied by Rebuild.
var projections = []string{"orgs", "members", "incidents", "needs", "offers", "matches", "situations", "changes", "alerts", "coverage", "offer_coverage"}

// apply projects one event onto the state tables. It reads nothing but
// the event, so a replay of the log gives the same state.
func (t *tx) apply(e ledger.Event) error {
	mk, err := json.Marshal(e.Marking)
	if err != nil {
		return err
	}
	return t.applyMarked(e, string(mk))
}

// applyMarked is apply with the event's marking already encoded (as the
// log's column marking holds it).
func (t *tx) applyMarked(e ledger.Event, marking string) error {
	exec := t.exec
	doc := string(e.Payload)
	switch e.Type {
	case coord.EventInstanceCreated, coord.EventBatchReceived:
		return nil
	case coord.EventSituationRecorded:
		var st coord.Situation
		if err := json.Unmarshal(e.Payload, &st); err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		return exec(`INSERT INTO situations (id, ord, country, doc, marking) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, marking = excluded.marking`, e.Subject, e.Seq, st.Country, doc, marking)
	case coord.EventChangeProposed, coord.EventChangeDecided:
		return applyChange(exec, e.Seq, e.Payload, marking)
	case coord.EventAlertRaised, coord.EventAlertUpdated, coord.EventAlertRecovered:
		var a coord.Alert
		if err := json.Unmarshal(e.Payload, &a); err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		return exec(`INSERT INTO alerts (id, ord, entity, country, doc, marking) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET country = excluded.country, doc = excluded.doc, marking = excluded.marking`, e.Subject, e.Seq, a.Entity, a.Country, doc, marking)
	case coord.EventReceived:
		// An event of another instance, verified when it arrived: it
		// applies as its origin wrote it, ordered where it arrived.
		var r received
		if err := json.Unmarshal(e.Payload, &r); err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		inner, err := ledger.Decode(r.Body)
		if err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		if inner.Type == coord.EventReceived {
			return fmt.Errorf("event %d carries a received event inside another", e.Seq)
		}
		inner.Seq = e.Seq
		return t.apply(inner)
	case coord.EventOrgCreated, coord.EventOrgUpdated:
		var o coord.Org
		if err := json.Unmarshal(e.Payload, &o); err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		return exec(`INSERT INTO orgs (id, ord, verified, doc, marking) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET verified = excluded.verified, doc = excluded.doc, marking = excluded.marking`, o.ID, e.Seq, o.Verified, doc, marking)
	case coord.EventMemberCreated:
		var m coord.Member
		if err := json.Unmarshal(e.Payload, &m); err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		return exec(`INSERT INTO members (id, org_id, role, ord, doc) VALUES (?, ?, ?, ?, ?)`, m.ID, m.OrgID, string(m.Role), e.Seq, doc)
	case coord.EventIncidentCreated, coord.EventIncidentUpdated:
		return exec(`INSERT INTO incidents (id, ord, doc, marking) VALUES (?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, marking = excluded.marking`, e.Subject, e.Seq, doc, marking)
	case coord.EventNeedCreated, coord.EventNeedUpdated, coord.EventOfferCreated, coord.EventOfferUpdated:
		var r coord.Resource
		if err := json.Unmarshal(e.Payload, &r); err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		table := "needs"
		if strings.HasPrefix(e.Type, "offer.") {
			table = "offers"
		}
		return exec(`INSERT INTO `+table+` (id, ord, status, doc, marking) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET status = excluded.status, doc = excluded.doc, marking = excluded.marking`, e.Subject, e.Seq, r.Status, doc, marking)
	case coord.EventNeedCoverage:
		// Of two records of one need, the newer (by its origin's
		// version) is kept, in whatever order they arrive.
		var r coord.CoverageRecord
		if err := json.Unmarshal(e.Payload, &r); err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		if err := r.Validate(e.Subject); err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		return exec(`INSERT INTO coverage (id, ord, version, doc, marking) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET version = excluded.version, doc = excluded.doc, marking = excluded.marking
			WHERE coverage.version < excluded.version`, e.Subject, e.Seq, r.Version, doc, marking)
	case coord.EventOfferCoverage:
		return t.applyOfferCoverage(e, doc, marking)
	case coord.EventMatchCreated, coord.EventMatchUpdated:
		var m coord.Match
		if err := json.Unmarshal(e.Payload, &m); err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		return exec(`INSERT INTO matches (id, ord, need_id, offer_id, quantity, active, doc, marking) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET quantity = excluded.quantity, active = excluded.active, doc = excluded.doc, marking = excluded.marking`,
			m.ID, e.Seq, m.NeedID, m.OfferID, m.Quantity, m.Active(), doc, marking)
	}
	return lifeline.Errorf(lifeline.EINTERNAL, "store.apply", "event %d has unknown type %q", e.Seq, e.Type)
}

// FindEvents implements coord.EventService.
func (db *DB) FindEvents(ctx context.Context, v coord.Viewer, after int64, limit int) (coord.Page[*coord.Event], error) {
	return findEvents(ctx, db, "store.FindEvents", v, after, limit,
		`SELECT seq, hash, body, marking FROM events WHERE seq > ? ORDER BY seq LIMIT ?`)
}

// maxSubject bounds the subject FindEventsBySubject takes: item ids are
// far shorter.
const maxSubject = 100

// FindEventsBySubject implements coord.EventService, through the index
// events_subject (migration 0003).
func (db *DB) FindEventsBySubject(ctx context.Context, v coord.Viewer, subject string, f coord.ListFilter) (coord.Page[*coord.Event], error) {
	const op = "store.FindEventsBySubject"
	if subject == "" || len(subject) > maxSubject {
		return coord.Page[*coord.Event]{Items: []*coord.Event{}},
			lifeline.Errorf(lifeline.EINVALID, op, "subject: expected the id of an item, 1 to %d bytes, found %d bytes", maxSubject, len(subject))
	}
	after, err := cursor(op, f.After)
	if err != nil {
		return coord.Page[*coord.Event]{Items: []*coord.Event{}}, err
	}
	return findEvents(ctx, db, op, v, after, f.Limit,
		`SELECT seq, hash, body, marking FROM events WHERE subject = ? AND seq > ? ORDER BY seq LIMIT ?`, subject)
}

// findEvents pages through the events that query selects (its last two
// arguments are the sequence number to start after and a row limit, after
// args), keeping those the viewer may see. Who may see an event is read
// from its signed bytes, never from the marking column beside them, which
// nothing signs: a row whose column was edited shows no more than its
// signed marking allows. The column serves only to skip, without
// decoding, an event it says the viewer may not see — it can hide an
// event (which verify reports), never show one. For a subject's events, a
// row whose signed subject is another is skipped the same way.
func findEvents(ctx context.Context, db *DB, op string, v coord.Viewer, after int64, limit int, query string, args ...any) (coord.Page[*coord.Event], error) {
	limit = coord.ListFilter{Limit: limit}.PageSize()
	page := coord.Page[*coord.Event]{Items: []*coord.Event{}}
	subject := ""
	if len(args) == 1 {
		subject, _ = args[0].(string)
	}
	for {
		rows, err := db.readRows(ctx, query, append(slices.Clip(args), after, scanBatch(limit))...)
		if err != nil {
			return page, internal(op, err)
		}
		n := 0
		for rows.Next() {
			n++
			var seq int64
			var hash, mk string
			var body []byte
			if err := rows.Scan(&seq, &hash, &body, &mk); err != nil {
				rows.Close()
				return page, internal(op, err)
			}
			after = seq
			var m coord.Marking
			if json.Unmarshal([]byte(mk), &m) == nil && !coord.CanSee(v, m) {
				continue
			}
			e, err := ledger.Decode(body)
			if err != nil {
				rows.Close()
				return page, internal(op, err)
			}
			if !coord.CanSee(v, e.Marking) || subject != "" && e.Subject != subject {
				continue
			}
			e.Seq = seq // a received event's bytes carry its origin's
			if len(page.Items) == limit {
				// One more visible item exists: the page ends before it.
				rows.Close()
				page.Next = fmt.Sprint(page.Items[len(page.Items)-1].Seq)
				return page, nil
			}
			page.Items = append(page.Items, &coord.Event{Seq: e.Seq, Time: e.Time, Type: e.Type, Author: e.Author,
				Org: e.Org, Subject: e.Subject, Marking: e.Marking, Payload: e.Payload, Hash: hash})
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return page, internal(op, err)
		}
		if n < scanBatch(limit) {
			return page, nil
		}
	}
}

// scanBatch is how many rows a list reads at a time to fill a page of
// limit visible items.
func scanBatch(limit int) int { return max(2*limit+1, 100) }

// row is one row of the events table: the signed record and the columns
// read from it for queries, which nothing signs; Origin is the
// fingerprint of the instance that signed a received event ("" for this
// instance's own), which the batch event before it attests.
type row struct {
	ledger.Record
	Type, Subject, Time, Marking, Origin string
}

// derived returns the columns of the events table that e determines.
func derived(e ledger.Event) (typ, subject, tm, marking string, err error) {
	mk, err := json.Marshal(e.Marking)
	return e.Type, e.Subject, e.Time.Format(timeFormat), string(mk), err
}

// check compares the row's columns with the signed event they are read
// from, and says which differs.
func (r row) check(e ledger.Event) error {
	typ, subject, tm, marking, err := derived(e)
	if err != nil {
		return err
	}
	for _, c := range []struct{ name, stored, signed string }{
		{"type", r.Type, typ}, {"subject", r.Subject, subject}, {"time", r.Time, tm}, {"marking", r.Marking, marking},
	} {
		if c.stored != c.signed {
			return &ledger.VerifyError{Seq: r.Seq, Reason: fmt.Sprintf("column %s holds %q but the signed event says %q; lifeline admin rebuild rewrites the column from the signed bytes",
				c.name, trunc(c.stored), trunc(c.signed))}
		}
	}
	return nil
}

func trunc(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// records reads the log in order from the event after after, a batch at a time, so that callers may
// write in between (PostgreSQL connections do not interleave).
func records(ctx context.Context, q func(string) string, query func(ctx context.Context, query string, args ...any) (*sql.Rows, error), after int64, fn func(row) error) error {
	for {
		rows, err := query(ctx, q(`SELECT seq, hash, body, sig, type, subject, time, marking, origin FROM events WHERE seq > ? ORDER BY seq LIMIT 1000`), after)
		if err != nil {
			return err
		}
		var batch []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.Seq, &r.Hash, &r.Body, &r.Sig, &r.Type, &r.Subject, &r.Time, &r.Marking, &r.Origin); err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, r)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
		for _, r := range batch {
			if err := fn(r); err != nil {
				return err
			}
			after = r.Seq
		}
		if len(batch) < 1000 {
			return nil
		}
	}
}

// Verify checks the whole log against the instance key: the hash chain,
// the signatures, the order, that the columns read from each event for
// queries (type, subject, time, marking) say what its signed bytes say,
// and that the last event is the one the signed head names, so that
// events removed from the end are seen. It returns the number of events
// checked, and a *ledger.VerifyError naming the first bad one.
func (db *DB) Verify(ctx context.Context) (int64, error) {
	return db.VerifyProgress(ctx, nil)
}

// VerifyProgress is Verify calling progress (when not nil) after every
// thousand events with the number checked so far.
func (db *DB) VerifyProgress(ctx context.Context, progress func(checked int64)) (int64, error) {
	pub, err := db.PublicKey(ctx)
	if err != nil {
		return 0, err
	}
	// The head first: events appended while the log is read are then
	// after it, and the log read must reach it.
	head, err := db.Head(ctx)
	if err != nil {
		return 0, err
	}
	if head.Seq != -1 && !head.Verify(pub) {
		return 0, &ledger.VerifyError{Seq: head.Seq, Reason: "the signed head does not verify with the instance key"}
	}
	c := newWalker(ledger.NewChain(pub))
	reported := int64(0)
	err = records(ctx, db.q, db.read.QueryContext, 0, func(r row) error {
		e, err := c.next(r)
		if err != nil {
			return err
		}
		if err := r.check(e); err != nil {
			return err
		}
		if progress != nil && c.Len()/1000 > reported {
			reported = c.Len() / 1000
			progress(c.Len())
		}
		return nil
	})
	if err == nil {
		err = c.end()
	}
	if err != nil {
		return c.Len(), err
	}
	if head.Seq == -1 {
		return c.Len(), nil
	}
	if c.Len() < head.Seq {
		var last *ledger.Record
		if c.Len() > 0 {
			last = &ledger.Record{Seq: c.Len(), Hash: c.c.Head()}
		}
		return c.Len(), matchHead(last, head)
	}
	// Events after the head were appended since it was read; the one it
	// names must be in the log with its hash.
	var hash string
	if head.Seq > 0 {
		if hash, err = db.hashAt(ctx, head.Seq); err != nil {
			return c.Len(), internal("store.Verify", err)
		}
	}
	if hash != head.Hash {
		return c.Len(), &ledger.VerifyError{Seq: head.Seq, Reason: fmt.Sprintf("its hash %s is not the %s its signed head names", short(hash), short(head.Hash))}
	}
	return c.Len(), nil
}

// VerifyAnchor checks that the log holds the event an anchor names (a
// head written down elsewhere earlier), with the anchored hash, and that
// the anchor's signature, if it has one, verifies with the instance key.
func (db *DB) VerifyAnchor(ctx context.Context, anchor ledger.Head) error {
	pub, err := db.PublicKey(ctx)
	if err != nil {
		return err
	}
	if anchor.Sig != nil && !anchor.Verify(pub) {
		return lifeline.Errorf(lifeline.ECONFLICT, "", "the anchor's signature does not verify with this instance's key: it is another instance's head, or the key was replaced")
	}
	hash, err := db.hashAt(ctx, anchor.Seq)
	if err != nil {
		return internal("store.VerifyAnchor", err)
	}
	if hash == "" {
		return &ledger.VerifyError{Seq: anchor.Seq, Reason: "missing: the anchored head names it, so the log lost events from its end"}
	}
	if hash != anchor.Hash {
		return &ledger.VerifyError{Seq: anchor.Seq, Reason: fmt.Sprintf("its hash %s is not the anchored %s: the log was rewritten", short(hash), short(anchor.Hash))}
	}
	return nil
}

// CheckTail verifies the last n events of the log (their hashes,
// signatures and links to the event before each, and their columns) and
// that the last is the one the signed head names: the check a server runs
// before it starts, in time independent of the log's length. The full
// check is Verify.
func (db *DB) CheckTail(ctx context.Context, n int64) error {
	pub, err := db.PublicKey(ctx)
	if lifeline.ErrorCode(err) == lifeline.ECONFLICT {
		return nil // not initialised: nothing to check
	}
	if err != nil {
		return err
	}
	head, err := db.Head(ctx)
	if err != nil {
		return err
	}
	if head.Seq != -1 && !head.Verify(pub) {
		return &ledger.VerifyError{Seq: head.Seq, Reason: "the signed head does not verify with the instance key"}
	}
	var last int64
	if err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM events`).Scan(&last); err != nil {
		return internal("store.CheckTail", err)
	}
	from := max(last-n, 0) // the event before the tail, trusted for its hash only
	c := newWalker(ledger.NewChain(pub))
	if from > 0 {
		// The tail starts at an event of this instance: the received
		// events after a batch event are checked against it.
		var prev row
		at, _, err := lastLocal(ctx, db.read, db.q, from)
		if err == nil {
			err = db.read.QueryRowContext(ctx, db.q(`SELECT seq, hash, body FROM events WHERE seq = ?`), at).Scan(&prev.Seq, &prev.Hash, &prev.Body)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return &ledger.VerifyError{Seq: from, Reason: "missing"}
		}
		if err != nil {
			return internal("store.CheckTail", err)
		}
		if err := c.after(pub, prev); err != nil {
			return err
		}
		from = at
	}
	err = records(ctx, db.q, db.read.QueryContext, from, func(r row) error {
		e, err := c.next(r)
		if err != nil {
			return err
		}
		return r.check(e)
	})
	if err == nil {
		err = c.end()
	}
	if err != nil {
		return err
	}
	if head.Seq == -1 {
		return nil
	}
	var lastRec *ledger.Record
	if c.c.Head() != "" {
		lastRec = &ledger.Record{Seq: from + c.Len(), Hash: c.c.Head()}
	}
	if lastRec == nil || lastRec.Seq <= head.Seq {
		return matchHead(lastRec, head)
	}
	return nil // appended since the head was read
}

// Rebuild empties the state tables and replays the whole log into them,
// in one transaction, after verifying each event, and rewrites the
// columns of the events table read from each event where they differ
// from its signed bytes. It returns the number of events replayed.
func (db *DB) Rebuild(ctx context.Context) (int64, error) {
	n, _, err := db.RebuildCounted(ctx)
	return n, err
}

// RebuildCounted is Rebuild, also returning the number of events whose
// columns it rewrote.
func (db *DB) RebuildCounted(ctx context.Context) (events, rewritten int64, err error) {
	const op = "store.Rebuild"
	pub, err := db.PublicKey(ctx)
	if err != nil {
		return 0, 0, err
	}
	c := ledger.NewChain(pub)
	err = db.update(ctx, op, func(t *tx) error {
		rewritten = 0
		for _, table := range projections {
			if err := t.exec(`DELETE FROM ` + table); err != nil {
				return err
			}
		}
		return replay(t, c, &rewritten)
	})
	return c.Len(), rewritten, err
}

// replay applies every event of the log to the (empty) state tables,
// verifying each; with rewritten not nil, it also rewrites the derived
// columns of events where they differ from the signed bytes, and counts
// them.
func replay(t *tx, c *ledger.Chain, rewritten *int64) error {
	w := newWalker(c)
	err := records(t.ctx, t.db.q, t.QueryContext, 0, func(r row) error {
		e, err := w.next(r)
		if err != nil {
			return err
		}
		if rewritten != nil && r.check(e) != nil {
			typ, subject, tm, marking, err := derived(e)
			if err != nil {
				return err
			}
			if err := t.exec(`UPDATE events SET type = ?, subject = ?, time = ?, marking = ? WHERE seq = ?`, typ, subject, tm, marking, r.Seq); err != nil {
				return err
			}
			*rewritten++
		}
		return t.apply(e)
	})
	if err != nil {
		return err
	}
	return w.end()
}

// errCompared ends the transaction of VerifyState, which must change
// nothing.
var errCompared = lifeline.Errorf(lifeline.ECONFLICT, "store.VerifyState", "compared")

// VerifyState compares the state tables with a replay of the log (what
// Rebuild would write) and returns a description of the first row that
// differs, "" when they agree. It changes nothing: the replay runs in a
// transaction that is rolled back. Writes wait while it runs.
func (db *DB) VerifyState(ctx context.Context) (string, error) {
	const op = "store.VerifyState"
	pub, err := db.PublicKey(ctx)
	if err != nil {
		return "", err
	}
	var diff string
	err = db.update(ctx, op, func(t *tx) error {
		before, err := state(t.ctx, t.QueryContext)
		if err != nil {
			return err
		}
		for _, table := range projections {
			if err := t.exec(`DELETE FROM ` + table); err != nil {
				return err
			}
		}
		if err := replay(t, ledger.NewChain(pub), nil); err != nil {
			return err
		}
		after, err := state(t.ctx, t.QueryContext)
		if err != nil {
			return err
		}
		if before != after {
			diff = stateDiff(before, after)
		}
		return errCompared
	})
	if err != errCompared {
		return "", err
	}
	return diff, nil
}

// stateRows splits a State into its rows, keyed "TABLE, row ID", in
// order.
func stateRows(s string) ([]string, map[string]string) {
	var keys []string
	m := map[string]string{}
	for _, l := range strings.Split(s, "\n") {
		if l == "" {
			continue
		}
		k := field(l, 0) + ", row " + field(l, 1)
		keys = append(keys, k)
		m[k] = l
	}
	return keys, m
}

// stateDiff names the first row where the stored state (a) differs from
// the replayed one (b).
func stateDiff(a, b string) string {
	ak, am := stateRows(a)
	bk, bm := stateRows(b)
	for _, k := range ak {
		l, ok := bm[k]
		if !ok {
			return "table " + k + ": stored, but no event makes it"
		}
		if l != am[k] {
			return fmt.Sprintf("table %s: stored %q, the log says %q", k, trunc(am[k]), trunc(l))
		}
	}
	for _, k := range bk {
		if _, ok := am[k]; !ok {
			return "table " + k + ": made by the log, missing from the state"
		}
	}
	return "the state tables differ from the log"
}

func field(line string, i int) string {
	f := strings.SplitN(line, "\t", 3)
	if i < len(f) {
		return f[i]
	}
	return ""
}

// State returns every row of the state tables as text, table by table in
// a fixed order, for comparing two states (tests, lifeline admin rebuild).
func (db *DB) State(ctx context.Context) (string, error) {
	s, err := state(ctx, db.read.QueryContext)
	return s, internal("store.State", err)
}

func state(ctx context.Context, query func(ctx context.Context, query string, args ...any) (*sql.Rows, error)) (string, error) {
	var b strings.Builder
	for _, table := range projections {
		cols := "id, ord, doc"
		if table != "members" {
			cols = "id, ord, marking || ' ' || doc"
		}
		rows, err := query(ctx, `SELECT `+cols+` FROM `+table+` ORDER BY id`)
		if err != nil {
			return "", err
		}
		for rows.Next() {
			var id, doc string
			var ord int64
			if err := rows.Scan(&id, &ord, &doc); err != nil {
				rows.Close()
				return "", err
			}
			fmt.Fprintf(&b, "%s\t%s\t%d\t%s\n", table, id, ord, doc)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

// CompareState compares the state tables with a replay of the log made in
// scratch, an empty store of its own (a throw-away SQLite file), without
// holding this store's writes: the log is copied through a backup and
// restored into scratch, which verifies and replays it. Rows that changed
// after the log was read are not compared. It returns a description of
// the first row that differs, "" when none does.
func (db *DB) CompareState(ctx context.Context, scratch *DB) (string, error) {
	const op = "store.CompareState"
	pr, pw := io.Pipe()
	backup := make(chan error, 1)
	go func() {
		err := db.Backup(ctx, pw)
		pw.CloseWithError(err)
		backup <- err
	}()
	n, err := scratch.Restore(ctx, pr)
	pr.CloseWithError(errors.New("restore ended"))
	if berr := <-backup; berr != nil {
		return "", berr
	}
	if err != nil {
		return "", err
	}
	mine, err := db.State(ctx)
	if err != nil {
		return "", err
	}
	replayed, err := scratch.State(ctx)
	if err != nil {
		return "", err
	}
	changedSince := func(id string) (bool, error) {
		var k int
		err := db.readRow(ctx, `SELECT COUNT(*) FROM events WHERE subject = ? AND seq > ?`, id, n).Scan(&k)
		return k > 0, internal(op, err)
	}
	mk, mm := stateRows(mine)
	rk, rm := stateRows(replayed)
	for _, k := range append(mk, rk...) {
		if mm[k] == rm[k] {
			continue
		}
		_, id, _ := strings.Cut(k, ", row ")
		changed, err := changedSince(id)
		if err != nil {
			return "", err
		}
		if changed {
			continue
		}
		switch {
		case rm[k] == "":
			return "table " + k + ": stored, but no event makes it", nil
		case mm[k] == "":
			return "table " + k + ": made by the log, missing from the state", nil
		}
		return fmt.Sprintf("table %s: stored %q, the log says %q", k, trunc(mm[k]), trunc(rm[k])), nil
	}
	return "", nil
}
