package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"lifeline"
	"lifeline/coord"
)

// FindNeedByID implements coord.NeedService.
func (db *DB) FindNeedByID(ctx context.Context, v coord.Viewer, id string) (*coord.Need, error) {
	const op = "store.FindNeedByID"
	n, err := findDoc(ctx, db, nil, op, "needs", "need", id, v, needMarking)
	if err != nil {
		return nil, err
	}
	return n, db.withCoverage(ctx, op, v, n)
}

// FindNeeds implements coord.NeedService.
func (db *DB) FindNeeds(ctx context.Context, v coord.Viewer, f coord.ListFilter) (coord.Page[*coord.Need], error) {
	const op = "store.FindNeeds"
	p, err := listDocs(ctx, db, op, "needs", v, f, needMarking, func(n *coord.Need) bool {
		return keepStatus(f, n.Status) && keepCountry(f, n.Countries) && keepIncident(f, n.IncidentID)
	})
	if err != nil {
		return p, err
	}
	return p, db.withCoverage(ctx, op, v, p.Items...)
}

// withCoverage fills in the coverage of needs as v may read it: from the
// newest record of each need's origin held here and the matches held here
// (coord.NeedCoverageFrom).
func (db *DB) withCoverage(ctx context.Context, op string, v coord.Viewer, needs ...*coord.Need) error {
	ids := make([]string, len(needs))
	for i, n := range needs {
		ids[i] = n.ID
	}
	ms, err := db.matchesOf(ctx, "need_id", ids)
	if err != nil {
		return internal(op, err)
	}
	recs, err := db.coverageRecords(ctx, ids)
	if err != nil {
		return internal(op, err)
	}
	for _, n := range needs {
		if r := recs[n.ID]; r != nil {
			n.Coverage = coord.NeedCoverageFrom(v, n, ms[n.ID], &r.CoverageRecord, r.marking)
		} else {
			n.Coverage = coord.NeedCoverage(v, n, ms[n.ID])
		}
	}
	return nil
}

// withOfferCoverage is withCoverage for offers: from the matches held
// here and the records every instance that keeps matches of an offer
// wrote of them (coord.OfferCoverageFrom, store/offercoverage.go).
func (db *DB) withOfferCoverage(ctx context.Context, op string, v coord.Viewer, offers ...*coord.Offer) error {
	return internal(op, db.offerCoverage(ctx, db.readRowsIn(ctx), v, offers...))
}

// matchesOf returns every match whose column ("need_id" or "offer_id")
// is one of ids, by that id, oldest first. It reads the matches of up to
// 64 items with one query; the list of ids is padded to 1, 8 or 64 so
// that three prepared statements serve every page.
func (db *DB) matchesOf(ctx context.Context, column string, ids []string) (map[string][]*coord.Match, error) {
	return matchesThrough(db.readRowsIn(ctx), column, ids)
}

// readRowsIn is DB.readRows with ctx, as a rowsFunc.
func (db *DB) readRowsIn(ctx context.Context) rowsFunc {
	return func(query string, args ...any) (*sql.Rows, error) { return db.readRows(ctx, query, args...) }
}

// matchesThrough is matchesOf through rows.
func matchesThrough(rows rowsFunc, column string, ids []string) (map[string][]*coord.Match, error) {
	out := map[string][]*coord.Match{}
	err := queryIn(rows, `SELECT doc FROM matches WHERE `+column+` IN `, ` ORDER BY ord`, ids, func(rs *sql.Rows) error {
		var doc string
		m := new(coord.Match)
		if err := rs.Scan(&doc); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(doc), m); err != nil {
			return err
		}
		key := m.NeedID
		if column == "offer_id" {
			key = m.OfferID
		}
		out[key] = append(out[key], m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// queryIn runs before+"(?, …)"+after for the ids, 64 at a time (the list
// padded by paddedIn), and calls scan for every row it returns.
func queryIn(rows rowsFunc, before, after string, ids []string, scan func(*sql.Rows) error) error {
	for len(ids) > 0 {
		batch := ids[:min(len(ids), 64)]
		ids = ids[len(batch):]
		in, args := paddedIn(batch)
		rs, err := rows(before+in+after, args...)
		if err != nil {
			return err
		}
		for rs.Next() {
			if err := scan(rs); err != nil {
				rs.Close()
				return err
			}
		}
		err = rs.Err()
		rs.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// paddedIn returns the list "(?, ?, …)" of an IN clause for a batch of
// at most 64 ids, and its arguments, padded to 1, 8 or 64 with the last
// id repeated: three prepared statements serve every batch.
func paddedIn(batch []string) (string, []any) {
	size := 64
	for _, s := range []int{1, 8} {
		if len(batch) <= s {
			size = s
			break
		}
	}
	args := make([]any, size)
	for i := range args {
		args[i] = batch[min(i, len(batch)-1)]
	}
	return "(?" + strings.Repeat(", ?", size-1) + ")", args
}

// CreateNeed implements coord.NeedService.
func (db *DB) CreateNeed(ctx context.Context, v coord.Viewer, n *coord.Need) error {
	return db.update(ctx, "store.CreateNeed", func(t *tx) error {
		return createResource(t, v, &n.Resource, "Need", "need", coord.EventNeedCreated, n)
	})
}

// FindOfferByID implements coord.OfferService.
func (db *DB) FindOfferByID(ctx context.Context, v coord.Viewer, id string) (*coord.Offer, error) {
	const op = "store.FindOfferByID"
	o, err := findDoc(ctx, db, nil, op, "offers", "offer", id, v, offerMarking)
	if err != nil {
		return nil, err
	}
	return o, db.withOfferCoverage(ctx, op, v, o)
}

// FindOffers implements coord.OfferService.
func (db *DB) FindOffers(ctx context.Context, v coord.Viewer, f coord.ListFilter) (coord.Page[*coord.Offer], error) {
	const op = "store.FindOffers"
	p, err := listDocs(ctx, db, op, "offers", v, f, offerMarking, func(o *coord.Offer) bool {
		return keepStatus(f, o.Status) && keepCountry(f, o.Countries) && keepIncident(f, o.IncidentID)
	})
	if err != nil {
		return p, err
	}
	return p, db.withOfferCoverage(ctx, op, v, p.Items...)
}

// CreateOffer implements coord.OfferService.
func (db *DB) CreateOffer(ctx context.Context, v coord.Viewer, o *coord.Offer) error {
	return db.update(ctx, "store.CreateOffer", func(t *tx) error {
		return createResource(t, v, &o.Resource, "Offer", "offer", coord.EventOfferCreated, o)
	})
}

func createResource(t *tx, v coord.Viewer, r *coord.Resource, what, prefix, typ string, item any) error {
	if err := coord.NewResource(v, r, what, t.now); err != nil {
		return err
	}
	if err := checkNames(t, "store.Create"+what, r.Marking, coord.Marking{}); err != nil {
		return err
	}
	if r.IncidentID != "" {
		// Refer only to an incident the author may see.
		_, err := findDoc(t.ctx, t.db, t, "store.Create"+what, "incidents", "incident", r.IncidentID, v, incidentMarking)
		if lifeline.ErrorCode(err) == lifeline.ENOTFOUND {
			return lifeline.Errorf(lifeline.EINVALID, "store.Create"+what, "incident_id: no such incident %q", r.IncidentID)
		}
		if err != nil {
			return err
		}
	}
	id, err := t.db.newID(prefix)
	if err != nil {
		return err
	}
	r.ID, r.Version = id, t.next()
	return emitItem(t, v, typ, id, r.Marking, item)
}

// UpdateNeed implements coord.NeedService.
func (db *DB) UpdateNeed(ctx context.Context, v coord.Viewer, id string, upd coord.ResourceUpdate) (*coord.Need, error) {
	const op = "store.UpdateNeed"
	var n *coord.Need
	err := db.update(ctx, op, func(t *tx) (err error) {
		n, err = updateNeed(t, v, id, upd)
		return err
	})
	if err != nil {
		return nil, err
	}
	return n, db.withCoverage(ctx, op, v, n)
}

// updateNeed is UpdateNeed inside a write transaction: a local edit, or
// a change proposed from elsewhere that this instance decides.
func updateNeed(t *tx, v coord.Viewer, id string, upd coord.ResourceUpdate) (*coord.Need, error) {
	n, err := findDoc(t.ctx, t.db, t, "store.UpdateNeed", "needs", "need", id, v, needMarking)
	if err != nil {
		return nil, err
	}
	return n, updateResource(t, v, &n.Resource, "Need", "need_id", coord.EventNeedUpdated, n, upd)
}

// UpdateOffer implements coord.OfferService.
func (db *DB) UpdateOffer(ctx context.Context, v coord.Viewer, id string, upd coord.ResourceUpdate) (*coord.Offer, error) {
	const op = "store.UpdateOffer"
	var o *coord.Offer
	err := db.update(ctx, op, func(t *tx) (err error) {
		o, err = updateOffer(t, v, id, upd)
		return err
	})
	if err != nil {
		return nil, err
	}
	return o, db.withOfferCoverage(ctx, op, v, o)
}

// updateOffer is UpdateOffer inside a write transaction.
func updateOffer(t *tx, v coord.Viewer, id string, upd coord.ResourceUpdate) (*coord.Offer, error) {
	o, err := findDoc(t.ctx, t.db, t, "store.UpdateOffer", "offers", "offer", id, v, offerMarking)
	if err != nil {
		return nil, err
	}
	return o, updateResource(t, v, &o.Resource, "Offer", "offer_id", coord.EventOfferUpdated, o, upd)
}

// updateResource applies upd to a need or an offer r (item, of which r is
// part) read in t, and records it.
func updateResource(t *tx, v coord.Viewer, r *coord.Resource, what, column, typ string, item any, upd coord.ResourceUpdate) error {
	op := "store.Update" + what
	if err := t.changeHere(op, strings.ToLower(what), r.ID); err != nil {
		return err
	}
	var h int64
	var err error
	if o, ok := item.(*coord.Offer); ok {
		// Every instance's matches of the offer hold some of it.
		h, err = offerHeld(t, v, o)
	} else {
		h, err = held(t.ctx, t, t.db, column, r.ID)
	}
	if err != nil {
		return err
	}
	was := r.Marking
	if err := coord.ApplyResourceUpdate(v, r, what, h, upd, t.now); err != nil {
		return err
	}
	if err := checkNames(t, op, r.Marking, was); err != nil {
		return err
	}
	r.Version = t.next()
	if err := emitItem(t, v, typ, r.ID, r.Marking, item); err != nil {
		return err
	}
	if was.Equal(r.Marking) {
		return nil
	}
	if err := revealAgain(t, v, column, r.ID); err != nil {
		return err
	}
	if column == "need_id" {
		// The record travels at the need's marking: it follows the need
		// wherever the need now goes.
		return recordCoverage(t, r.ID)
	}
	// So does the record of the offer's coverage by the matches kept
	// here (other instances follow when the change reaches them).
	return recordOfferCoverage(t, r.ID)
}

// held returns the quantity active matches hold of a need or an offer.
func held(ctx context.Context, q querier, db *DB, column, id string) (int64, error) {
	var n sql.NullInt64
	err := q.QueryRowContext(ctx, db.q(`SELECT CAST(SUM(quantity) AS BIGINT) FROM matches WHERE active AND `+column+` = ?`), id).Scan(&n)
	return n.Int64, err
}

// revealAgain records the markings of the needs and offers that the
// matches of one need or offer (column "need_id" or "offer_id" equal to
// id) reveal, after that need's or offer's marking widened: one
// match.updated event for each match whose marking changes, so that a
// match is shown to whoever may now see both its need and its offer
// (coord.Match.Reveal).
func revealAgain(t *tx, v coord.Viewer, column, id string) error {
	rows, err := t.QueryContext(t.ctx, t.db.q(`SELECT m.doc, n.doc, o.doc FROM matches m
		JOIN needs n ON n.id = m.need_id JOIN offers o ON o.id = m.offer_id
		WHERE m.`+column+` = ? ORDER BY m.ord`), id)
	if err != nil {
		return err
	}
	type row struct{ match, need, offer string }
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.match, &r.need, &r.offer); err != nil {
			rows.Close()
			return err
		}
		all = append(all, r)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return err
	}
	var needs []string // of the matches moved, when an offer widened
	for _, r := range all {
		var m coord.Match
		var n, o coord.Resource
		if err := errors.Join(json.Unmarshal([]byte(r.match), &m), json.Unmarshal([]byte(r.need), &n),
			json.Unmarshal([]byte(r.offer), &o)); err != nil {
			return err
		}
		if origin, err := t.keptElsewhere(m.ID); err != nil || origin != "" {
			if err != nil {
				return err
			}
			continue // its origin records what it reveals
		}
		was := m.Marking
		m.Reveal(n.Marking, o.Marking)
		if was.Equal(m.Marking) {
			continue
		}
		m.Version = t.next()
		if err := emitItem(t, v, coord.EventMatchUpdated, m.ID, m.Marking, &m); err != nil {
			return err
		}
		if column == "offer_id" && !slices.Contains(needs, m.NeedID) {
			needs = append(needs, m.NeedID)
		}
	}
	// Each need's record follows its matches' changes (recordCoverage);
	// a need that widened is recorded by its caller.
	for _, id := range needs {
		if err := recordCoverage(t, id); err != nil {
			return err
		}
	}
	return nil
}
