package store

import (
	"context"

	"lifeline/coord"
)

var _ coord.SituationService = (*DB)(nil)

func situationMarking(s *coord.Situation) coord.Marking { return s.Marking }

// RecordSituation implements coord.SituationService.
func (db *DB) RecordSituation(ctx context.Context, v coord.Viewer, s *coord.Situation) error {
	const op = "store.RecordSituation"
	return db.update(ctx, op, func(t *tx) error {
		if err := coord.NewSituation(v, s, t.now); err != nil {
			return err
		}
		if err := checkNames(t, op, s.Marking, coord.Marking{}); err != nil {
			return err
		}
		id, err := db.newID("sit")
		if err != nil {
			return err
		}
		s.ID = id
		return emitItem(t, v, coord.EventSituationRecorded, id, s.Marking, s)
	})
}

// FindSituations implements coord.SituationService.
func (db *DB) FindSituations(ctx context.Context, v coord.Viewer, f coord.ListFilter) (coord.Page[*coord.Situation], error) {
	return listDocs(ctx, db, "store.FindSituations", "situations", v, f, situationMarking, func(s *coord.Situation) bool {
		return f.Country == "" || s.Country == f.Country
	})
}
