package store

import (
	"context"
	"encoding/json"
	"slices"

	"lifeline/coord"
)

// FindMatchByID implements coord.MatchService.
func (db *DB) FindMatchByID(ctx context.Context, v coord.Viewer, id string) (*coord.Match, error) {
	const op = "store.FindMatchByID"
	m, err := findDoc(ctx, db, nil, op, "matches", "match", id, v, matchMarking)
	if err != nil {
		return nil, err
	}
	if !db.seesJoined(ctx, v, m) {
		return nil, notFound(op, "match")
	}
	return m, nil
}

// FindMatches implements coord.MatchService.
func (db *DB) FindMatches(ctx context.Context, v coord.Viewer, f coord.ListFilter) (coord.Page[*coord.Match], error) {
	p, err := listDocs(ctx, db, "store.FindMatches", "matches", v, f, matchMarking, func(m *coord.Match) bool {
		return keepStatus(f, string(m.Status))
	})
	// After the scan, not during it: seesJoined may read, and a read
	// inside the scan would hold two connections of the pool at once.
	p.Items = slices.DeleteFunc(p.Items, func(m *coord.Match) bool { return !db.seesJoined(ctx, v, m) })
	return p, err
}

// seesJoined reports whether v may see the need and the offer that m
// joins. A match records their markings (coord.Match.Reveal), which
// CanSee of its marking already asked; a match recorded before it did
// has them read from the need's and the offer's rows instead, and is
// hidden if they cannot be read.
func (db *DB) seesJoined(ctx context.Context, v coord.Viewer, m *coord.Match) bool {
	if _, _, ok := m.Revealed(); ok {
		return true
	}
	var marks []coord.Marking
	for _, q := range []struct{ table, id string }{{"needs", m.NeedID}, {"offers", m.OfferID}} {
		var doc string
		if err := db.readRow(ctx, `SELECT doc FROM `+q.table+` WHERE id = ?`, q.id).Scan(&doc); err != nil {
			return false
		}
		var r coord.Resource
		if err := json.Unmarshal([]byte(doc), &r); err != nil {
			return false
		}
		marks = append(marks, r.Marking)
	}
	return coord.CanSeeAll(v, marks...)
}

// CreateMatch implements coord.MatchService.
func (db *DB) CreateMatch(ctx context.Context, v coord.Viewer, mc coord.MatchCreate) (*coord.Match, error) {
	var m *coord.Match
	err := db.update(ctx, "store.CreateMatch", func(t *tx) (err error) {
		m, err = createMatch(t, v, mc)
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// createMatch is CreateMatch inside a write transaction: a local edit, or
// a change proposed from elsewhere that this instance decides.
func createMatch(t *tx, v coord.Viewer, mc coord.MatchCreate) (*coord.Match, error) {
	const op = "store.CreateMatch"
	db := t.db
	if err := t.changeHere(op, "need", mc.NeedID); err != nil {
		return nil, err
	}
	n, err := findDoc(t.ctx, db, t, op, "needs", "need", mc.NeedID, v, needMarking)
	if err != nil {
		return nil, err
	}
	o, err := findDoc(t.ctx, db, t, op, "offers", "offer", mc.OfferID, v, offerMarking)
	if err != nil {
		return nil, err
	}
	nh, err := held(t.ctx, t, db, "need_id", n.ID)
	if err != nil {
		return nil, err
	}
	// What the offer has left: every instance's matches of it count
	// (offerHeld), those kept elsewhere by their records.
	oh, err := offerHeld(t, v, o)
	if err != nil {
		return nil, err
	}
	m, err := coord.NewMatch(v, n, n.Quantity-nh, o, o.Quantity-oh, mc.Quantity, mc.TLP, mc.Recipients, t.now)
	if err != nil {
		return nil, err
	}
	if err := checkNames(t, op, m.Marking, coord.Marking{}); err != nil {
		return nil, err
	}
	if m.ID, err = db.newID("match"); err != nil {
		return nil, err
	}
	m.Version = t.next()
	if err := emitItem(t, v, coord.EventMatchCreated, m.ID, m.Marking, m); err != nil {
		return nil, err
	}
	return m, recordBoth(t, m)
}

// UpdateMatch implements coord.MatchService.
func (db *DB) UpdateMatch(ctx context.Context, v coord.Viewer, id string, upd coord.MatchUpdate) (*coord.Match, error) {
	var m *coord.Match
	err := db.update(ctx, "store.UpdateMatch", func(t *tx) (err error) {
		m, err = updateMatch(t, v, id, upd)
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// updateMatch is UpdateMatch inside a write transaction.
func updateMatch(t *tx, v coord.Viewer, id string, upd coord.MatchUpdate) (*coord.Match, error) {
	const op = "store.UpdateMatch"
	if err := t.changeHere(op, "match", id); err != nil {
		return nil, err
	}
	m, err := findDoc(t.ctx, t.db, t, op, "matches", "match", id, v, matchMarking)
	if err != nil {
		return nil, err
	}
	if !t.db.seesJoined(t.ctx, v, m) {
		return nil, notFound(op, "match")
	}
	if upd.IfVersion != 0 && upd.IfVersion != m.Version {
		return nil, conflictVersion(op, id, m.Version, upd.IfVersion)
	}
	if err := coord.MoveMatch(v, m, upd.Status, upd.Note, t.now); err != nil {
		return nil, err
	}
	m.Version = t.next()
	if err := emitItem(t, v, coord.EventMatchUpdated, id, m.Marking, m); err != nil {
		return nil, err
	}
	return m, recordBoth(t, m)
}

// Proposals implements coord.NeedService: the matching engine over the
// open offers the viewer may see.
func (db *DB) Proposals(ctx context.Context, v coord.Viewer, needID string) ([]coord.Proposal, error) {
	const op = "store.Proposals"
	n, err := db.FindNeedByID(ctx, v, needID)
	if err != nil {
		return nil, err
	}
	// What the need has left: its coverage counts every match of it,
	// those held only by its origin included.
	var nh int64
	if n.Coverage != nil {
		nh = n.Coverage.Held
	}
	rows, err := db.read.QueryContext(ctx, `SELECT o.doc, o.marking FROM offers o WHERE o.status = 'open' ORDER BY o.ord`)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	var offers []*coord.Offer
	for rows.Next() {
		var doc, mk string
		if err := rows.Scan(&doc, &mk); err != nil {
			return nil, internal(op, err)
		}
		o, visible, err := decodeVisible(v, doc, mk, offerMarking)
		if err != nil {
			return nil, internal(op, err)
		}
		// A proposal reveals the need and the offer (coord.CanSee of
		// what is derived): both must be the viewer's to see.
		if !visible || !coord.CanSeeAll(v, n.Marking, o.Marking) {
			continue
		}
		offers = append(offers, o)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}
	rows.Close()
	// What each offer has left: every instance's matches of it count,
	// those kept elsewhere by their records (offersHeld).
	held, err := db.offersHeld(ctx, db.readRowsIn(ctx), v, offers)
	if err != nil {
		return nil, internal(op, err)
	}
	cands := make([]coord.Candidate, 0, len(offers))
	for _, o := range offers {
		cands = append(cands, coord.Candidate{Offer: o, Remaining: o.Quantity - held[o.ID]})
	}
	ps := coord.Propose(n, n.Quantity-nh, cands, db.Now())
	if ps == nil {
		ps = []coord.Proposal{}
	}
	return ps, nil
}
