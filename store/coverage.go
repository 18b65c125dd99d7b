package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"lifeline/coord"
)

// A need's coverage travels with the need. Its matches are all made and
// moved where the need is kept (its origin), but a match marked more
// narrowly than its need stays there, so an instance that holds the need
// may hold only some of its matches. The origin therefore records the
// need's coverage — quantities only (coord.CoverageRecord) — in an event
// of its own, need.coverage, at the need's marking, after every change of
// one of the need's matches and every widening of the need; the event
// travels wherever the need does, and every instance reads the coverage
// from the newest record it holds (coord.NeedCoverageFrom).

// recordCoverage writes the record of the coverage of the need id, from
// all its matches, when this instance keeps the need and the need has
// matches; a need kept elsewhere is recorded by its origin.
func recordCoverage(t *tx, id string) error {
	if origin, err := t.keptElsewhere(id); err != nil || origin != "" {
		return err
	}
	rows, err := t.QueryContext(t.ctx, t.db.q(`SELECT doc FROM matches WHERE need_id = ? ORDER BY ord`), id)
	if err != nil {
		return err
	}
	var ms []*coord.Match
	for rows.Next() {
		var doc string
		m := new(coord.Match)
		err := rows.Scan(&doc)
		if err == nil {
			err = json.Unmarshal([]byte(doc), m)
		}
		if err != nil {
			rows.Close()
			return err
		}
		ms = append(ms, m)
	}
	err = rows.Err()
	rows.Close()
	if err != nil || len(ms) == 0 {
		return err
	}
	mk, err := readMarking(t, "needs", id)
	if err != nil {
		return err
	}
	b, err := json.Marshal(coord.RecordCoverage(id, ms, t.next()))
	if err != nil {
		return err
	}
	// Written by the instance, not by the member whose change caused it:
	// the record is shown to whoever may see the need, and must not name
	// who committed.
	return t.emit(coord.EventNeedCoverage, id, coord.System, mk, b)
}

// coverageRecord is a record of a need's coverage as held here, with the
// marking it travelled under.
type coverageRecord struct {
	coord.CoverageRecord
	marking coord.Marking
}

// coverageRecords returns the newest record held of the coverage of each
// of the needs ids, by need; a need without one is absent.
func (db *DB) coverageRecords(ctx context.Context, ids []string) (map[string]*coverageRecord, error) {
	out := map[string]*coverageRecord{}
	err := queryIn(db.readRowsIn(ctx), `SELECT id, doc, marking FROM coverage WHERE id IN `, ``, ids, func(rows *sql.Rows) error {
		var id, doc, mk string
		r := new(coverageRecord)
		err := rows.Scan(&id, &doc, &mk)
		if err == nil {
			err = json.Unmarshal([]byte(doc), &r.CoverageRecord)
		}
		if err == nil {
			err = json.Unmarshal([]byte(mk), &r.marking)
		}
		if err != nil {
			return err
		}
		out[id] = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// A need whose matches last changed before need.coverage existed has no
// record, and a peer that holds only some of its matches shows only
// those. UnrecordedCoverage finds such needs and RecordCoverage records
// them; lifeline serve runs RecordCoverage when it starts, and lifeline
// admin verify reports what UnrecordedCoverage finds.

// UnrecordedCoverage returns the needs this instance keeps (written here,
// not received) that have matches and whose coverage has no record here,
// or a record whose quantities are not what the need's matches now sum to
// or whose marking is not the need's: the needs RecordCoverage would
// record, in the order they were created. It writes nothing.
func (db *DB) UnrecordedCoverage(ctx context.Context) ([]string, error) {
	ids, err := unrecordedCoverage(ctx, db.read, db)
	return ids, internal("store.UnrecordedCoverage", err)
}

// RecordCoverage records, in one transaction, the coverage of every need
// UnrecordedCoverage names (one need.coverage event each, as a change of
// one of the need's matches writes it), and returns those needs. Run
// again, it records nothing: every need it recorded now has its record.
// A need kept by another instance is never recorded here; its origin
// records it.
func (db *DB) RecordCoverage(ctx context.Context) ([]string, error) {
	// Read first, outside the write transaction: at every start but the
	// first there is nothing to record, and writes need not wait for the
	// scan.
	ids, err := db.UnrecordedCoverage(ctx)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	err = db.update(ctx, "store.RecordCoverage", func(t *tx) (err error) {
		// Read in the write transaction: another process sharing the
		// database that recorded them first leaves nothing to record.
		if ids, err = unrecordedCoverage(t.ctx, t.Tx, t.db); err != nil {
			return err
		}
		for _, id := range ids {
			if err := recordCoverage(t, id); err != nil {
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

// unrecordedCoverage is UnrecordedCoverage through q.
func unrecordedCoverage(ctx context.Context, q querier, db *DB) ([]string, error) {
	// One row per match of a need kept here, with the need's marking and
	// its record, if any: one query, however many needs.
	rows, err := q.QueryContext(ctx, db.q(`SELECT n.id, n.marking, COALESCE(c.doc, ''), COALESCE(c.marking, ''), m.doc
		FROM needs n JOIN matches m ON m.need_id = n.id LEFT JOIN coverage c ON c.id = n.id
		WHERE NOT EXISTS (SELECT 1 FROM received_items r WHERE r.subject = n.id)
		ORDER BY n.ord, m.ord`))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	var id, mark, rec, recMark string
	var ms []*coord.Match
	// stale reports whether the need read so far (id, its marking, its
	// record and its matches ms) must be recorded.
	stale := func() (bool, error) {
		if rec == "" {
			return true, nil
		}
		var old coord.CoverageRecord
		var nm, rm coord.Marking
		if err := errors.Join(json.Unmarshal([]byte(rec), &old), json.Unmarshal([]byte(mark), &nm), json.Unmarshal([]byte(recMark), &rm)); err != nil {
			return false, fmt.Errorf("the coverage of need %s: %w", id, err)
		}
		now := coord.RecordCoverage(id, ms, old.Version)
		return now != old || !nm.Equal(rm), nil
	}
	for rows.Next() {
		var nid, nmark, nrec, nrecMark, doc string
		if err := rows.Scan(&nid, &nmark, &nrec, &nrecMark, &doc); err != nil {
			return nil, err
		}
		if nid != id && id != "" {
			s, err := stale()
			if err != nil {
				return nil, err
			}
			if s {
				out = append(out, id)
			}
			ms = ms[:0]
		}
		id, mark, rec, recMark = nid, nmark, nrec, nrecMark
		m := new(coord.Match)
		if err := json.Unmarshal([]byte(doc), m); err != nil {
			return nil, fmt.Errorf("a match of need %s: %w", id, err)
		}
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if id != "" {
		s, err := stale()
		if err != nil {
			return nil, err
		}
		if s {
			out = append(out, id)
		}
	}
	return out, nil
}
