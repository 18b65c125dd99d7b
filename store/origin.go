package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"lifeline/coord"
	"lifeline/federation"
)

var _ federation.Origins = (*DB)(nil)

// OriginOf implements federation.Origins. An item written here has events
// of its own in the log; one received has only the events its origin
// signed, the first of which (its creation) names that origin.
func (db *DB) OriginOf(ctx context.Context, subject string) (federation.Origin, bool, error) {
	const op = "store.OriginOf"
	var local int
	if err := db.readRow(ctx, `SELECT COUNT(*) FROM events WHERE subject = ? AND type <> ? AND origin = ''`, subject, coord.EventReceived).Scan(&local); err != nil {
		return federation.Origin{}, false, internal(op, err)
	}
	if local > 0 {
		return federation.Origin{}, false, nil
	}
	var fp string
	switch err := db.readRow(ctx, `SELECT origin FROM received_items WHERE subject = ? ORDER BY local_seq LIMIT 1`, subject).Scan(&fp); {
	case errors.Is(err, sql.ErrNoRows):
		return federation.Origin{}, false, nil
	case err != nil:
		return federation.Origin{}, false, internal(op, err)
	}
	o := federation.Origin{Fingerprint: fp, Short: federation.ShortOf(fp)}
	var doc string
	switch err := db.readRow(ctx, `SELECT doc FROM peers WHERE fingerprint = ?`, fp).Scan(&doc); {
	case err == nil:
		var p federation.Peer
		if json.Unmarshal([]byte(doc), &p) == nil {
			o.Name = p.Name
		}
	case !errors.Is(err, sql.ErrNoRows):
		return federation.Origin{}, false, internal(op, err)
	}
	return o, true, nil
}
