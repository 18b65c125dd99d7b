package store

import (
	"context"
	"encoding/json"

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
	for len(ids) > 0 {
		batch := ids[:min(len(ids), 64)]
		ids = ids[len(batch):]
		in, args := paddedIn(batch)
		rows, err := db.readRows(ctx, `SELECT id, doc, marking FROM coverage WHERE id IN `+in, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
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
				rows.Close()
				return nil, err
			}
			out[id] = r
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
