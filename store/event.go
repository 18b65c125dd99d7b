package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"lifeline"
	"lifeline/coord"
	"lifeline/ledger"
)

func insertEvent(ctx context.Context, tx *sql.Tx, db *DB, rec ledger.Record, e ledger.Event) error {
	mk, err := json.Marshal(e.Marking)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, db.q(`INSERT INTO events (seq, hash, body, sig, type, subject, time, marking) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
		rec.Seq, rec.Hash, rec.Body, rec.Sig, e.Type, e.Subject, e.Time.Format(timeFormat), string(mk))
	return err
}

// projections are the state tables, emptied by Rebuild.
var projections = []string{"orgs", "members", "incidents", "needs", "offers", "matches"}

// apply projects one event onto the state tables. It reads nothing but
// the event, so a replay of the log gives the same state.
func apply(ctx context.Context, tx *sql.Tx, db *DB, e ledger.Event) error {
	exec := func(query string, args ...any) error {
		_, err := tx.ExecContext(ctx, db.q(query), args...)
		return err
	}
	doc := string(e.Payload)
	mk, err := json.Marshal(e.Marking)
	if err != nil {
		return err
	}
	marking := string(mk)
	switch e.Type {
	case coord.EventInstanceCreated:
		return nil
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
		return apply(ctx, tx, db, inner)
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
// args), keeping those the viewer may see by their marking; an event it
// may not see is never decoded.
func findEvents(ctx context.Context, db *DB, op string, v coord.Viewer, after int64, limit int, query string, args ...any) (coord.Page[*coord.Event], error) {
	limit = coord.ListFilter{Limit: limit}.PageSize()
	page := coord.Page[*coord.Event]{Items: []*coord.Event{}}
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
			if err := json.Unmarshal([]byte(mk), &m); err != nil {
				rows.Close()
				return page, internal(op, err)
			}
			if !coord.CanSee(v, m) {
				continue
			}
			if len(page.Items) == limit {
				// One more visible item exists: the page ends before it.
				rows.Close()
				page.Next = fmt.Sprint(page.Items[len(page.Items)-1].Seq)
				return page, nil
			}
			e, err := ledger.Decode(body)
			if err != nil {
				rows.Close()
				return page, internal(op, err)
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

// records reads the log in order, a batch at a time, so that callers may
// write in between (PostgreSQL connections do not interleave).
func records(ctx context.Context, q func(string) string, query func(ctx context.Context, query string, args ...any) (*sql.Rows, error), fn func(ledger.Record) error) error {
	var after int64
	for {
		rows, err := query(ctx, q(`SELECT seq, hash, body, sig FROM events WHERE seq > ? ORDER BY seq LIMIT 1000`), after)
		if err != nil {
			return err
		}
		var batch []ledger.Record
		for rows.Next() {
			var r ledger.Record
			if err := rows.Scan(&r.Seq, &r.Hash, &r.Body, &r.Sig); err != nil {
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

// Verify checks every event of the log against the instance key: the hash
// chain, the signatures, the order. It returns the number of events
// checked, and a *ledger.VerifyError naming the first bad one.
func (db *DB) Verify(ctx context.Context) (int64, error) {
	pub, err := db.PublicKey(ctx)
	if err != nil {
		return 0, err
	}
	c := ledger.NewChain(pub)
	err = records(ctx, db.q, db.read.QueryContext, c.Next)
	return c.Len(), err
}

// Rebuild empties the state tables and replays the whole log into them,
// in one transaction, after verifying each event. It returns the number
// of events replayed.
func (db *DB) Rebuild(ctx context.Context) (int64, error) {
	const op = "store.Rebuild"
	pub, err := db.PublicKey(ctx)
	if err != nil {
		return 0, err
	}
	c := ledger.NewChain(pub)
	err = db.update(ctx, op, func(t *tx) error {
		for _, table := range projections {
			if err := t.exec(`DELETE FROM ` + table); err != nil {
				return err
			}
		}
		return replay(t, c)
	})
	return c.Len(), err
}

func replay(t *tx, c *ledger.Chain) error {
	return records(t.ctx, t.db.q, t.QueryContext, func(r ledger.Record) error {
		if err := c.Next(r); err != nil {
			return err
		}
		e, err := ledger.Decode(r.Body)
		if err != nil {
			return err
		}
		return apply(t.ctx, t.Tx, t.db, e)
	})
}

// State returns every row of the state tables as text, table by table in
// a fixed order, for comparing two states (tests, lifeline admin rebuild
// --check).
func (db *DB) State(ctx context.Context) (string, error) {
	var b strings.Builder
	for _, table := range projections {
		cols := "id, ord, doc"
		if table != "members" {
			cols = "id, ord, marking || ' ' || doc"
		}
		rows, err := db.read.QueryContext(ctx, `SELECT `+cols+` FROM `+table+` ORDER BY id`)
		if err != nil {
			return "", internal("store.State", err)
		}
		for rows.Next() {
			var id, doc string
			var ord int64
			if err := rows.Scan(&id, &ord, &doc); err != nil {
				rows.Close()
				return "", internal("store.State", err)
			}
			fmt.Fprintf(&b, "%s\t%s\t%d\t%s\n", table, id, ord, doc)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return "", internal("store.State", err)
		}
	}
	return b.String(), nil
}
