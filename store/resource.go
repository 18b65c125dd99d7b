package store

import (
	"context"
	"database/sql"

	"lifeline"
	"lifeline/coord"
)

// FindNeedByID implements coord.NeedService.
func (db *DB) FindNeedByID(ctx context.Context, v coord.Viewer, id string) (*coord.Need, error) {
	return findDoc(ctx, db, nil, "store.FindNeedByID", "needs", "need", id, v, needMarking)
}

// FindNeeds implements coord.NeedService.
func (db *DB) FindNeeds(ctx context.Context, v coord.Viewer, f coord.ListFilter) (coord.Page[*coord.Need], error) {
	return listDocs(ctx, db, "store.FindNeeds", "needs", v, f, needMarking, func(n *coord.Need) bool {
		return keepStatus(f, n.Status) && keepCountry(f, n.Countries) && keepIncident(f, n.IncidentID)
	})
}

// CreateNeed implements coord.NeedService.
func (db *DB) CreateNeed(ctx context.Context, v coord.Viewer, n *coord.Need) error {
	return db.update(ctx, "store.CreateNeed", func(t *tx) error {
		return createResource(t, v, &n.Resource, "Need", "need", coord.EventNeedCreated, n)
	})
}

// FindOfferByID implements coord.OfferService.
func (db *DB) FindOfferByID(ctx context.Context, v coord.Viewer, id string) (*coord.Offer, error) {
	return findDoc(ctx, db, nil, "store.FindOfferByID", "offers", "offer", id, v, offerMarking)
}

// FindOffers implements coord.OfferService.
func (db *DB) FindOffers(ctx context.Context, v coord.Viewer, f coord.ListFilter) (coord.Page[*coord.Offer], error) {
	return listDocs(ctx, db, "store.FindOffers", "offers", v, f, offerMarking, func(o *coord.Offer) bool {
		return keepStatus(f, o.Status) && keepCountry(f, o.Countries) && keepIncident(f, o.IncidentID)
	})
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
	err := db.update(ctx, op, func(t *tx) error {
		var err error
		if n, err = findDoc(t.ctx, db, t, op, "needs", "need", id, v, needMarking); err != nil {
			return err
		}
		h, err := held(t.ctx, t, db, "need_id", id)
		if err != nil {
			return err
		}
		if err := coord.ApplyResourceUpdate(v, &n.Resource, "Need", h, upd, t.now); err != nil {
			return err
		}
		n.Version = t.next()
		return emitItem(t, v, coord.EventNeedUpdated, id, n.Marking, n)
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// UpdateOffer implements coord.OfferService.
func (db *DB) UpdateOffer(ctx context.Context, v coord.Viewer, id string, upd coord.ResourceUpdate) (*coord.Offer, error) {
	const op = "store.UpdateOffer"
	var o *coord.Offer
	err := db.update(ctx, op, func(t *tx) error {
		var err error
		if o, err = findDoc(t.ctx, db, t, op, "offers", "offer", id, v, offerMarking); err != nil {
			return err
		}
		h, err := held(t.ctx, t, db, "offer_id", id)
		if err != nil {
			return err
		}
		if err := coord.ApplyResourceUpdate(v, &o.Resource, "Offer", h, upd, t.now); err != nil {
			return err
		}
		o.Version = t.next()
		return emitItem(t, v, coord.EventOfferUpdated, id, o.Marking, o)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// held returns the quantity active matches hold of a need or an offer.
func held(ctx context.Context, q querier, db *DB, column, id string) (int64, error) {
	var n sql.NullInt64
	err := q.QueryRowContext(ctx, db.q(`SELECT CAST(SUM(quantity) AS BIGINT) FROM matches WHERE active AND `+column+` = ?`), id).Scan(&n)
	return n.Int64, err
}
