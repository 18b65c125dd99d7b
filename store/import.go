package store

import (
	"context"
	"fmt"

	"lifeline"
	"lifeline/coord"
)

// Import creates incidents, needs and offers read from a file in one
// transaction: all of them, or — when one is refused — none, with the
// error naming which one ("incident 3: …"). Each is created as its own
// Create method would (same checks, same events), by the viewer.
func (db *DB) Import(ctx context.Context, v coord.Viewer, incidents []*coord.Incident, needs []*coord.Need, offers []*coord.Offer) error {
	const op = "store.Import"
	return db.update(ctx, op, func(t *tx) error {
		for i, in := range incidents {
			if err := createIncident(t, v, in); err != nil {
				return itemError(op, "incident", i, err)
			}
		}
		for i, n := range needs {
			if err := createResource(t, v, &n.Resource, "Need", "need", coord.EventNeedCreated, n); err != nil {
				return itemError(op, "need", i, err)
			}
		}
		for i, o := range offers {
			if err := createResource(t, v, &o.Resource, "Offer", "offer", coord.EventOfferCreated, o); err != nil {
				return itemError(op, "offer", i, err)
			}
		}
		return nil
	})
}

// itemError says which item of a file was refused, keeping the code.
func itemError(op, what string, i int, err error) error {
	code := lifeline.ErrorCode(err)
	if code == lifeline.EINTERNAL {
		return err
	}
	return &lifeline.Error{Code: code, Op: op, Message: fmt.Sprintf("%s %d of the file: %s; nothing was imported", what, i+1, lifeline.ErrorMessage(err))}
}
