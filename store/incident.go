package store

import (
	"context"
	"encoding/json"

	"lifeline/coord"
)

// FindIncidentByID implements coord.IncidentService.
func (db *DB) FindIncidentByID(ctx context.Context, v coord.Viewer, id string) (*coord.Incident, error) {
	return findDoc(ctx, db, nil, "store.FindIncidentByID", "incidents", "incident", id, v, incidentMarking)
}

// FindIncidents implements coord.IncidentService.
func (db *DB) FindIncidents(ctx context.Context, v coord.Viewer, f coord.ListFilter) (coord.Page[*coord.Incident], error) {
	return listDocs(ctx, db, "store.FindIncidents", "incidents", v, f, incidentMarking, func(in *coord.Incident) bool {
		return keepStatus(f, string(in.Status)) && keepCountry(f, in.Countries)
	})
}

// CreateIncident implements coord.IncidentService.
func (db *DB) CreateIncident(ctx context.Context, v coord.Viewer, in *coord.Incident) error {
	return db.update(ctx, "store.CreateIncident", func(t *tx) error { return createIncident(t, v, in) })
}

func createIncident(t *tx, v coord.Viewer, in *coord.Incident) error {
	const op = "store.CreateIncident"
	if err := coord.NewIncident(v, in, t.now); err != nil {
		return err
	}
	if err := checkNames(t, op, in.Marking, coord.Marking{}); err != nil {
		return err
	}
	if err := coord.ValidateElements(t.db.Elements, in.Elements, nil); err != nil {
		return err
	}
	id, err := t.db.newID("inc")
	if err != nil {
		return err
	}
	in.ID, in.Version = id, t.next()
	return emitItem(t, v, coord.EventIncidentCreated, id, in.Marking, in)
}

// UpdateIncident implements coord.IncidentService.
func (db *DB) UpdateIncident(ctx context.Context, v coord.Viewer, id string, upd coord.IncidentUpdate) (*coord.Incident, error) {
	var in *coord.Incident
	err := db.update(ctx, "store.UpdateIncident", func(t *tx) (err error) {
		in, err = updateIncident(t, v, id, upd)
		return err
	})
	if err != nil {
		return nil, err
	}
	return in, nil
}

// updateIncident is UpdateIncident inside a write transaction: a local
// edit, or a change proposed from elsewhere that this instance decides.
func updateIncident(t *tx, v coord.Viewer, id string, upd coord.IncidentUpdate) (*coord.Incident, error) {
	const op = "store.UpdateIncident"
	if err := t.changeHere(op, "incident", id); err != nil {
		return nil, err
	}
	in, err := findDoc(t.ctx, t.db, t, op, "incidents", "incident", id, v, incidentMarking)
	if err != nil {
		return nil, err
	}
	was, wasElements := in.Marking, in.Elements
	if err := coord.ApplyIncidentUpdate(v, in, upd, t.now); err != nil {
		return nil, err
	}
	if err := coord.ValidateElements(t.db.Elements, in.Elements, wasElements); err != nil {
		return nil, err
	}
	if err := checkNames(t, op, in.Marking, was); err != nil {
		return nil, err
	}
	in.Version = t.next()
	return in, emitItem(t, v, coord.EventIncidentUpdated, id, in.Marking, in)
}

// emitItem appends an event whose payload is the item after the change,
// under the item's marking.
func emitItem(t *tx, v coord.Viewer, typ, id string, m coord.Marking, item any) error {
	b, err := json.Marshal(item)
	if err != nil {
		return err
	}
	return t.emit(typ, id, v, m, b)
}
