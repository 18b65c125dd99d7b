package store

import (
	"context"
	"encoding/json"

	"lifeline"
	"lifeline/coord"
)

// FindOrgByID implements coord.OrgService.
func (db *DB) FindOrgByID(ctx context.Context, v coord.Viewer, id string) (*coord.Org, error) {
	return findDoc(ctx, db, nil, "store.FindOrgByID", "orgs", "organisation", id, v, orgMarking)
}

// FindOrgs implements coord.OrgService.
func (db *DB) FindOrgs(ctx context.Context, v coord.Viewer, f coord.ListFilter) (coord.Page[*coord.Org], error) {
	return listDocs(ctx, db, "store.FindOrgs", "orgs", v, f, orgMarking, func(o *coord.Org) bool {
		return keepCountry(f, o.Countries)
	})
}

// CreateOrg implements coord.OrgService.
func (db *DB) CreateOrg(ctx context.Context, v coord.Viewer, o *coord.Org) error {
	const op = "store.CreateOrg"
	if v.Role != coord.RoleInstanceAdmin {
		return lifeline.Errork(lifeline.EFORBIDDEN, op, "err.org.admin", "adding an organisation needs an instance admin")
	}
	return db.update(ctx, op, func(t *tx) error { return createOrg(t, v, o) })
}

func createOrg(t *tx, v coord.Viewer, o *coord.Org) error {
	id, err := t.db.newID("org")
	if err != nil {
		return err
	}
	o.ID, o.Created, o.EndorsedBy = id, t.now, nil
	if o.Verified {
		if err := coord.CanVerifyOrg(v); err != nil {
			return err
		}
		if o.VerifiedBy == "" {
			o.VerifiedBy = "admin:" + v.MemberID
		}
	} else {
		o.VerifiedBy = ""
	}
	if err := o.Validate(); err != nil {
		return err
	}
	return emitOrg(t, v, coord.EventOrgCreated, o)
}

func emitOrg(t *tx, v coord.Viewer, typ string, o *coord.Org) error {
	b, err := json.Marshal(o)
	if err != nil {
		return err
	}
	return t.emit(typ, o.ID, v, o.Marking(), b)
}

// VerifyOrg implements coord.OrgService.
func (db *DB) VerifyOrg(ctx context.Context, v coord.Viewer, id string) (*coord.Org, error) {
	const op = "store.VerifyOrg"
	var o *coord.Org
	err := db.update(ctx, op, func(t *tx) error {
		var err error
		if o, err = findDoc(t.ctx, db, t, op, "orgs", "organisation", id, v, orgMarking); err != nil {
			return err
		}
		if err := coord.CanVerifyOrg(v); err != nil {
			return err
		}
		if o.Verified {
			return nil
		}
		o.Verified, o.VerifiedBy = true, "admin:"+v.MemberID
		return emitOrg(t, v, coord.EventOrgUpdated, o)
	})
	return o, err
}

// EndorseOrg implements coord.OrgService.
func (db *DB) EndorseOrg(ctx context.Context, v coord.Viewer, id string) (*coord.Org, error) {
	const op = "store.EndorseOrg"
	var o *coord.Org
	err := db.update(ctx, op, func(t *tx) error {
		var err error
		if o, err = findDoc(t.ctx, db, t, op, "orgs", "organisation", id, v, orgMarking); err != nil {
			return err
		}
		n, err := db.endorsements(t)
		if err != nil {
			return err
		}
		if err := coord.Endorse(v, o, n); err != nil {
			return err
		}
		return emitOrg(t, v, coord.EventOrgUpdated, o)
	})
	return o, err
}
