package store

import (
	"context"

	"lifeline/coord"
)

var _ coord.AlertService = (*DB)(nil)

func alertMarking(a *coord.Alert) coord.Marking { return a.Marking }

// FindAlertByID implements coord.AlertService.
func (db *DB) FindAlertByID(ctx context.Context, v coord.Viewer, id string) (*coord.Alert, error) {
	return findDoc(ctx, db, nil, "store.FindAlertByID", "alerts", "alert", id, v, alertMarking)
}

// FindAlerts implements coord.AlertService. The narrowing is applied to
// the alerts the viewer may see, in the order they were raised.
func (db *DB) FindAlerts(ctx context.Context, v coord.Viewer, f coord.AlertFilter) (coord.Page[*coord.Alert], error) {
	if err := f.Validate(); err != nil {
		return coord.Page[*coord.Alert]{Items: []*coord.Alert{}}, err
	}
	return listDocs(ctx, db, "store.FindAlerts", "alerts", v, coord.ListFilter{After: f.After, Limit: f.Limit}, alertMarking, f.Keep)
}

// RaiseAlert implements coord.AlertService.
func (db *DB) RaiseAlert(ctx context.Context, v coord.Viewer, a *coord.Alert) error {
	const op = "store.RaiseAlert"
	return db.update(ctx, op, func(t *tx) error {
		if err := coord.NewAlert(v, a, t.now); err != nil {
			return err
		}
		id, err := db.newID("alt")
		if err != nil {
			return err
		}
		a.ID, a.Version = id, t.next()
		return emitItem(t, v, coord.EventAlertRaised, id, a.Marking, a)
	})
}

// UpdateAlert implements coord.AlertService.
func (db *DB) UpdateAlert(ctx context.Context, v coord.Viewer, a *coord.Alert) (*coord.Alert, error) {
	const op = "store.UpdateAlert"
	next := *a
	err := db.update(ctx, op, func(t *tx) error {
		old, err := findDoc(t.ctx, db, t, op, "alerts", "alert", a.ID, v, alertMarking)
		if err != nil {
			return err
		}
		typ, err := coord.ApplyAlert(v, old, &next, t.now)
		if err != nil {
			return err
		}
		next.Version = t.next()
		return emitItem(t, v, typ, next.ID, next.Marking, &next)
	})
	if err != nil {
		return nil, err
	}
	return &next, nil
}
