package store

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"lifeline"
	"lifeline/coord"
	"lifeline/ledger"
)

// An offer's coverage travels with the offer. Its matches are made and
// kept where their needs are kept, so the matches of one offer may be
// kept by several instances, and an instance that holds the offer may
// hold only some of them. Each instance that keeps matches of an offer
// therefore records how much of the offer its own matches hold —
// quantities only (coord.OfferCoverageRecord) — in an event of its own,
// offer.coverage, at the offer's marking, after every change of one of
// those matches and whenever the offer's marking changes; the event
// travels wherever the offer does, and every instance sums the newest
// record of every recorder (coord.OfferCoverageFrom).
//
// A record is an item of its recorder, with an id of its own
// (offerCoverageID): the receiving checks that keep every item to its
// origin keep each record to its recorder, and the id, unlike the
// recorder's fingerprint, tells a reader nothing of where the matches
// are.

// offerCoverageID returns the id of the record of the coverage of offer
// by the instance whose key is key: the same for every record it writes
// of that offer, different for every instance, and telling nothing of
// the instance to whoever does not hold its key (an HMAC-SHA-256 of the
// offer's id keyed with the key's seed).
func offerCoverageID(key ed25519.PrivateKey, offer string) string {
	mac := hmac.New(sha256.New, key.Seed())
	mac.Write([]byte("lifeline offer.coverage id\n"))
	mac.Write([]byte(offer))
	sum := mac.Sum(nil)
	return coord.OfferCoveragePrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:10]))
}

// recordOfferCoverage writes this instance's record of the coverage of
// offer by the matches it keeps, when it keeps any; an instance that
// keeps none writes nothing.
func recordOfferCoverage(t *tx, offer string) error {
	ms, err := keptMatches(t.ctx, t, t.db, offer)
	if err != nil || len(ms) == 0 {
		return err
	}
	mk, err := readMarking(t, "offers", offer)
	if err != nil {
		return err
	}
	key, err := t.db.instanceKey(t.ctx, t.Tx)
	if err != nil {
		return err
	}
	b, err := json.Marshal(coord.RecordOfferCoverage(offerCoverageID(key, offer), offer, ms, t.next()))
	if err != nil {
		return err
	}
	// Written by the instance, not by the member whose change caused it:
	// the record is shown to whoever may see the offer.
	return t.emit(coord.EventOfferCoverage, offerCoverageID(key, offer), coord.System, mk, b)
}

// keptMatches returns the matches of offer this instance keeps (written
// here, not received), oldest first.
func keptMatches(ctx context.Context, q querier, db *DB, offer string) ([]*coord.Match, error) {
	rows, err := q.QueryContext(ctx, db.q(`SELECT m.doc FROM matches m WHERE m.offer_id = ?
		AND NOT EXISTS (SELECT 1 FROM received_items r WHERE r.subject = m.id) ORDER BY m.ord`), offer)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ms []*coord.Match
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		m := new(coord.Match)
		if err := json.Unmarshal([]byte(doc), m); err != nil {
			return nil, fmt.Errorf("a match of offer %s: %w", offer, err)
		}
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

// applyOfferCoverage projects one offer.coverage event: of two records
// with one id, the one of the higher version is kept, in whatever order
// they arrive. A record that is not well formed, or that names another
// offer than the record of the same id held here, is refused.
func (t *tx) applyOfferCoverage(e ledger.Event, doc, marking string) error {
	var r coord.OfferCoverageRecord
	if err := json.Unmarshal(e.Payload, &r); err != nil {
		return lifeline.Errorf(lifeline.EINVALID, "store.apply", "event %d, a record of an offer's coverage, does not decode: %v", e.Seq, err)
	}
	if err := r.Validate(e.Subject); err != nil {
		return lifeline.Errorf(lifeline.EINVALID, "store.apply", "event %d, a record of an offer's coverage: %s", e.Seq, lifeline.ErrorMessage(err))
	}
	var have string
	switch err := t.queryRow(`SELECT offer FROM offer_coverage WHERE id = ?`, r.ID).Scan(&have); {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	case have != r.Offer:
		return lifeline.Errorf(lifeline.EINVALID, "store.apply", "event %d, a record of an offer's coverage: offer: expected %q, the offer of the record %s held here, found %q",
			e.Seq, have, r.ID, r.Offer)
	}
	return t.exec(`INSERT INTO offer_coverage (id, offer, ord, version, doc, marking) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET version = excluded.version, doc = excluded.doc, marking = excluded.marking
		WHERE offer_coverage.version < excluded.version`, r.ID, r.Offer, e.Seq, r.Version, doc, marking)
}

// checkOfferCoverage checks a received offer.coverage event before it is
// accepted, so that its refusal names the batch and the event: a record
// that is well formed (coord.OfferCoverageRecord.Validate) and written
// by the instance, not a member.
func checkOfferCoverage(e ledger.Event) error {
	var r coord.OfferCoverageRecord
	if err := json.Unmarshal(e.Payload, &r); err != nil {
		return fmt.Errorf("the record of an offer's coverage does not decode: %v", err)
	}
	if err := r.Validate(e.Subject); err != nil {
		return fmt.Errorf("the record of an offer's coverage: %s", lifeline.ErrorMessage(err))
	}
	if e.Author != coord.System.MemberID || e.Org != coord.System.OrgID {
		return fmt.Errorf("the record of an offer's coverage: author: expected the instance, %q, found %q of %q", coord.System.MemberID, e.Author, e.Org)
	}
	return nil
}

// rowsFunc runs a query with arguments: the read pool's prepared
// statements (DB.readRows) or a transaction's.
type rowsFunc func(query string, args ...any) (*sql.Rows, error)

// rows is a rowsFunc in t.
func (t *tx) rows(query string, args ...any) (*sql.Rows, error) {
	return t.QueryContext(t.ctx, t.db.q(query), args...)
}

// offerCoverage fills in the coverage of offers as v may read it, from
// the matches held here, the records held of every instance's matches
// and, for offers with records of other instances, the instance that
// keeps each match and wrote each record (coord.OfferCoverageFrom),
// reading through rows.
func (db *DB) offerCoverage(ctx context.Context, rows rowsFunc, v coord.Viewer, offers ...*coord.Offer) error {
	ids := make([]string, len(offers))
	for i, o := range offers {
		ids[i] = o.ID
	}
	ms, err := matchesThrough(rows, "offer_id", ids)
	if err != nil {
		return err
	}
	recs, err := offerRecords(rows, ids)
	if err != nil {
		return err
	}
	key, err := db.instanceKey(ctx, db.read)
	if err != nil {
		return err
	}
	// This instance's own record is not read (its matches count), so
	// who keeps each match and wrote each record matters only where
	// another instance's records are: most offers read need not ask.
	var subjects []string
	for _, o := range offers {
		own := offerCoverageID(key, o.ID)
		rs := recs[o.ID][:0]
		for _, r := range recs[o.ID] {
			if r.Record.ID != own {
				rs = append(rs, r)
			}
		}
		recs[o.ID] = rs
		if len(rs) == 0 {
			continue
		}
		for _, m := range ms[o.ID] {
			subjects = append(subjects, m.ID)
		}
		for _, r := range rs {
			subjects = append(subjects, r.Record.ID)
		}
	}
	origins, err := originsThrough(rows, subjects)
	if err != nil {
		return err
	}
	for _, o := range offers {
		rs := recs[o.ID]
		if len(rs) == 0 {
			o.Coverage = coord.OfferCoverage(v, o, ms[o.ID])
			continue
		}
		for i := range rs {
			rs[i].Recorder = origins[rs[i].Record.ID]
		}
		o.Coverage = coord.OfferCoverageFrom(v, o, ms[o.ID], origins, rs)
	}
	return nil
}

// offersHeld returns how much of each of offers the matches of every
// instance hold, as v may read it (the Held of offerCoverage), by offer:
// what the matching engine no longer offers of each. Offers with no
// record of another instance — most, on most instances — are summed by
// the database, without decoding a match.
func (db *DB) offersHeld(ctx context.Context, rows rowsFunc, v coord.Viewer, offers []*coord.Offer) (map[string]int64, error) {
	ids := make([]string, len(offers))
	for i, o := range offers {
		ids[i] = o.ID
	}
	recs, err := offerRecords(rows, ids)
	if err != nil {
		return nil, err
	}
	key, err := db.instanceKey(ctx, db.read)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	var plain []string
	var full []*coord.Offer
	for _, o := range offers {
		own := offerCoverageID(key, o.ID)
		foreign := false
		for _, r := range recs[o.ID] {
			foreign = foreign || r.Record.ID != own
		}
		if foreign {
			// A copy: the caller's offer is not given a coverage.
			c := *o
			full = append(full, &c)
		} else {
			plain = append(plain, o.ID)
		}
	}
	err = queryIn(rows, `SELECT offer_id, CAST(SUM(quantity) AS BIGINT) FROM matches WHERE active AND offer_id IN `, ` GROUP BY offer_id`, plain, func(rs *sql.Rows) error {
		var id string
		var n int64
		if err := rs.Scan(&id, &n); err != nil {
			return err
		}
		out[id] = n
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := db.offerCoverage(ctx, rows, v, full...); err != nil {
		return nil, err
	}
	for _, o := range full {
		if o.Coverage != nil {
			out[o.ID] = o.Coverage.Held
		}
	}
	return out, nil
}

// offerRecords returns the records held of the coverage of each of the
// offers ids, by offer.
func offerRecords(rows rowsFunc, ids []string) (map[string][]coord.HeldOfferRecord, error) {
	out := map[string][]coord.HeldOfferRecord{}
	err := queryIn(rows, `SELECT DISTINCT id, offer, doc, marking FROM offer_coverage WHERE offer IN `, ``, ids, func(rs *sql.Rows) error {
		var id, offer, doc, mk string
		var r coord.HeldOfferRecord
		err := rs.Scan(&id, &offer, &doc, &mk)
		if err == nil {
			err = errors.Join(json.Unmarshal([]byte(doc), &r.Record), json.Unmarshal([]byte(mk), &r.Marking))
		}
		if err != nil {
			return fmt.Errorf("the record %s of the coverage of offer %s: %w", id, offer, err)
		}
		out[offer] = append(out[offer], r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// originsThrough returns the instance that wrote each of the items ids
// received from another, by id; an item written here is absent.
func originsThrough(rows rowsFunc, ids []string) (map[string]string, error) {
	out := map[string]string{}
	err := queryIn(rows, `SELECT DISTINCT subject, origin FROM received_items WHERE subject IN `, ``, ids, func(rs *sql.Rows) error {
		var s, o string
		if err := rs.Scan(&s, &o); err != nil {
			return err
		}
		out[s] = o
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// offerHeld returns how much of offer o (read in t) the matches of every
// instance hold, as v may read it: what the matching engine no longer
// offers.
func offerHeld(t *tx, v coord.Viewer, o *coord.Offer) (int64, error) {
	// A copy: the offer may be written to the log, its coverage never.
	c := *o
	if err := t.db.offerCoverage(t.ctx, t.rows, v, &c); err != nil {
		return 0, err
	}
	if c.Coverage == nil {
		return 0, nil
	}
	return c.Coverage.Held, nil
}

// followOffers records again this instance's coverage of each offer ids
// whose marking no longer is the marking of the record: the offer
// changed at its origin (a batch brought the change), and the record
// follows it wherever it now goes.
func followOffers(t *tx, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	key, err := t.db.instanceKey(t.ctx, t.Tx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		var rec, offer string
		err := t.queryRow(`SELECT c.marking, o.marking FROM offer_coverage c JOIN offers o ON o.id = c.offer WHERE c.id = ?`, offerCoverageID(key, id)).Scan(&rec, &offer)
		if errors.Is(err, sql.ErrNoRows) {
			continue // no record here: no matches kept here
		}
		if err != nil {
			return err
		}
		var rm, om coord.Marking
		if err := errors.Join(json.Unmarshal([]byte(rec), &rm), json.Unmarshal([]byte(offer), &om)); err != nil {
			return fmt.Errorf("the coverage of offer %s: %w", id, err)
		}
		if rm.Equal(om) {
			continue
		}
		if err := recordOfferCoverage(t, id); err != nil {
			return err
		}
	}
	return nil
}

// changedOffers returns the offers the events evs change, once each.
func changedOffers(evs []ledger.Event) []string {
	var ids []string
	seen := map[string]bool{}
	for _, e := range evs {
		if e.Type == coord.EventOfferUpdated && !seen[e.Subject] {
			seen[e.Subject] = true
			ids = append(ids, e.Subject)
		}
	}
	return ids
}

// An offer whose matches kept here last changed before offer.coverage
// existed has no record of them, and a peer shows only the matches it
// holds. UnrecordedOfferCoverage finds such offers and RecordOfferCoverage
// records them; lifeline serve runs RecordOfferCoverage when it starts,
// and lifeline admin verify reports what UnrecordedOfferCoverage finds.

// UnrecordedOfferCoverage returns the offers of which this instance
// keeps matches (matches written here, not received) and whose coverage
// by those matches has no record of this instance, or one whose
// quantities are not what those matches now sum to or whose marking is
// not the offer's: the offers RecordOfferCoverage would record, in the
// order they were created. It writes nothing.
func (db *DB) UnrecordedOfferCoverage(ctx context.Context) ([]string, error) {
	key, err := db.instanceKey(ctx, db.read)
	if err != nil {
		return nil, err
	}
	ids, err := unrecordedOfferCoverage(ctx, db.read, db, key)
	return ids, internal("store.UnrecordedOfferCoverage", err)
}

// RecordOfferCoverage records, in one transaction, this instance's
// coverage of every offer UnrecordedOfferCoverage names (one
// offer.coverage event each, as a change of one of its matches writes
// it), and returns those offers. Run again, it records nothing.
func (db *DB) RecordOfferCoverage(ctx context.Context) ([]string, error) {
	ids, err := db.UnrecordedOfferCoverage(ctx)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	err = db.update(ctx, "store.RecordOfferCoverage", func(t *tx) (err error) {
		key, err := t.db.instanceKey(t.ctx, t.Tx)
		if err != nil {
			return err
		}
		// Read again in the write transaction: another process sharing
		// the database that recorded them first leaves nothing to record.
		if ids, err = unrecordedOfferCoverage(t.ctx, t.Tx, t.db, key); err != nil {
			return err
		}
		for _, id := range ids {
			if err := recordOfferCoverage(t, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// unrecordedOfferCoverage is UnrecordedOfferCoverage through q, for the
// instance whose key is key.
func unrecordedOfferCoverage(ctx context.Context, q querier, db *DB, key ed25519.PrivateKey) ([]string, error) {
	rows, err := q.QueryContext(ctx, db.q(`SELECT m.offer_id, o.marking, m.doc FROM matches m JOIN offers o ON o.id = m.offer_id
		WHERE NOT EXISTS (SELECT 1 FROM received_items r WHERE r.subject = m.id)
		ORDER BY o.ord, m.ord`))
	if err != nil {
		return nil, err
	}
	type kept struct {
		id, marking string
		ms          []*coord.Match
	}
	var offers []*kept
	for rows.Next() {
		var id, mk, doc string
		if err := rows.Scan(&id, &mk, &doc); err != nil {
			rows.Close()
			return nil, err
		}
		m := new(coord.Match)
		if err := json.Unmarshal([]byte(doc), m); err != nil {
			rows.Close()
			return nil, fmt.Errorf("a match of offer %s: %w", id, err)
		}
		if len(offers) == 0 || offers[len(offers)-1].id != id {
			offers = append(offers, &kept{id: id, marking: mk})
		}
		offers[len(offers)-1].ms = append(offers[len(offers)-1].ms, m)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, k := range offers {
		var doc, mk string
		switch err := q.QueryRowContext(ctx, db.q(`SELECT doc, marking FROM offer_coverage WHERE id = ?`), offerCoverageID(key, k.id)).Scan(&doc, &mk); {
		case errors.Is(err, sql.ErrNoRows):
			out = append(out, k.id)
			continue
		case err != nil:
			return nil, err
		}
		var old coord.OfferCoverageRecord
		var om, rm coord.Marking
		if err := errors.Join(json.Unmarshal([]byte(doc), &old), json.Unmarshal([]byte(k.marking), &om), json.Unmarshal([]byte(mk), &rm)); err != nil {
			return nil, fmt.Errorf("the coverage of offer %s: %w", k.id, err)
		}
		if coord.RecordOfferCoverage(old.ID, k.id, k.ms, old.Version) != old || !om.Equal(rm) {
			out = append(out, k.id)
		}
	}
	return out, nil
}

// recordBoth records, after a change of the match m kept here, the
// coverage of its need (recordCoverage) and this instance's coverage of
// its offer (recordOfferCoverage).
func recordBoth(t *tx, m *coord.Match) error {
	if err := recordCoverage(t, m.NeedID); err != nil {
		return err
	}
	return recordOfferCoverage(t, m.OfferID)
}
