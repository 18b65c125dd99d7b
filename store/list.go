package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"

	"lifeline"
	"lifeline/coord"
)

// findDoc reads one item by id and hides it unless the viewer may see it;
// q is a write transaction, or nil for the read pool. The item's marking
// is asked first, so an item the viewer may not see is never decoded.
func findDoc[T any](ctx context.Context, db *DB, q querier, op, table, what, id string, v coord.Viewer, marking func(*T) coord.Marking) (*T, error) {
	var doc, mk string
	var row *sql.Row
	if q == nil {
		row = db.readRow(ctx, `SELECT doc, marking FROM `+table+` WHERE id = ?`, id)
	} else {
		row = q.QueryRowContext(ctx, db.q(`SELECT doc, marking FROM `+table+` WHERE id = ?`), id)
	}
	err := row.Scan(&doc, &mk)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, what)
	}
	if err != nil {
		return nil, internal(op, err)
	}
	it, visible, err := decodeVisible(v, doc, mk, marking)
	if err != nil {
		return nil, internal(op, err)
	}
	if !visible {
		return nil, notFound(op, what)
	}
	return it, nil
}

// decodeVisible decodes doc if the viewer may see it, asking coord.CanSee
// about the stored marking mk, or — for rows from before markings were
// stored — about the decoded item's own.
func decodeVisible[T any](v coord.Viewer, doc, mk string, marking func(*T) coord.Marking) (*T, bool, error) {
	if mk != "" {
		var m coord.Marking
		if err := json.Unmarshal([]byte(mk), &m); err != nil {
			return nil, false, err
		}
		if !coord.CanSee(v, m) {
			return nil, false, nil
		}
	}
	var it T
	if err := json.Unmarshal([]byte(doc), &it); err != nil {
		return nil, false, err
	}
	if !coord.CanSee(v, marking(&it)) {
		return nil, false, nil
	}
	return &it, true, nil
}

// querier is what reads: the read pool or a write transaction.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// listDocs lists the items of a table the viewer may see and keep
// passes, in the order they were created, a page at a time. The cursor is the creation
// sequence number of the last item of the previous page; invisible items
// are skipped without a trace.
func listDocs[T any](ctx context.Context, db *DB, op, table string, v coord.Viewer, f coord.ListFilter, marking func(*T) coord.Marking, keep func(*T) bool) (coord.Page[*T], error) {
	page := coord.Page[*T]{Items: []*T{}}
	if err := f.ValidateFor(table); err != nil {
		return page, err
	}
	after, err := cursor(op, f.After)
	if err != nil {
		return page, err
	}
	limit := f.PageSize()
	var lastOrd int64
	for {
		rows, err := db.readRows(ctx, `SELECT ord, doc, marking FROM `+table+` WHERE ord > ? ORDER BY ord LIMIT ?`, after, scanBatch(limit))
		if err != nil {
			return page, internal(op, err)
		}
		n := 0
		for rows.Next() {
			n++
			var ord int64
			var doc, mk string
			if err := rows.Scan(&ord, &doc, &mk); err != nil {
				rows.Close()
				return page, internal(op, err)
			}
			after = ord
			it, visible, err := decodeVisible(v, doc, mk, marking)
			if err != nil {
				rows.Close()
				return page, internal(op, err)
			}
			if !visible || !keep(it) {
				continue
			}
			if len(page.Items) == limit {
				rows.Close()
				page.Next = strconv.FormatInt(lastOrd, 10)
				return page, nil
			}
			page.Items = append(page.Items, it)
			lastOrd = ord
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

// cursor reads the cursor of a list: the sequence number (or ord) after
// which the page starts; 0 for "".
func cursor(op, after string) (int64, error) {
	if after == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(after, 10, 64)
	if err != nil || n < 0 {
		return 0, lifeline.Errorf(lifeline.EINVALID, op, "after: expected a cursor from a previous page, found %q", after)
	}
	return n, nil
}

func incidentMarking(in *coord.Incident) coord.Marking { return in.Marking }
func needMarking(n *coord.Need) coord.Marking          { return n.Marking }
func offerMarking(o *coord.Offer) coord.Marking        { return o.Marking }
func matchMarking(m *coord.Match) coord.Marking        { return m.Marking }
func orgMarking(o *coord.Org) coord.Marking            { return o.Marking() }

func conflictVersion(op, id string, have, want int64) error {
	return lifeline.Errork(lifeline.ECONFLICT, op, "err.version.match", "match %s changed (version %d, expected %d)", id, have, want)
}

// The narrowing of a coord.ListFilter, field by field: an empty filter
// field keeps everything.
func keepStatus(f coord.ListFilter, status string) bool { return f.Status == "" || status == f.Status }

func keepCountry(f coord.ListFilter, countries []string) bool {
	return f.Country == "" || slices.Contains(countries, f.Country)
}

func keepIncident(f coord.ListFilter, id string) bool {
	return f.IncidentID == "" || id == f.IncidentID
}
