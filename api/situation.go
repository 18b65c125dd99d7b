package api

import (
	"context"
	"net/http"

	"lifeline"
	"lifeline/coord"
	"lifeline/norms"
)

// situationCreate is the body of POST /api/v1/situations.
type situationCreate struct {
	Country       string              `json:"country"`
	Kind          coord.SituationKind `json:"kind"`
	From          string              `json:"from"`
	Until         string              `json:"until"`
	Source        string              `json:"source"`
	Note          string              `json:"note"`
	TLP           coord.TLP           `json:"tlp"`
	ShareWithOrgs []string            `json:"share_with_orgs"`
	Recipients    []string            `json:"recipients"`
}

func (s *Server) createSituation(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	if s.svc.Situations == nil {
		s.problem(w, r, v, lifeline.Errorf(lifeline.ENOTFOUND, "api", "this server records no situations"))
		return
	}
	var b situationCreate
	if !s.body(w, r, v, &b) {
		return
	}
	st := &coord.Situation{Country: b.Country, Kind: b.Kind, From: b.From, Until: b.Until, Source: b.Source, Note: b.Note,
		Marking: coord.Marking{TLP: b.TLP, Orgs: b.ShareWithOrgs, Members: b.Recipients}}
	if err := s.svc.Situations.RecordSituation(r.Context(), v, st); err != nil {
		s.problem(w, r, v, err)
		return
	}
	s.created(w, r, "/api/v1/situations", st.ID, 0)
}

func (s *Server) listSituations(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	if s.svc.Situations == nil {
		s.writeJSON(w, r, http.StatusOK, coord.Page[*coord.Situation]{Items: []*coord.Situation{}}, "")
		return
	}
	listAll(s, w, r, v, "situations", s.svc.Situations.FindSituations)
}

// situationsFor returns, for the normative engine, the situations the
// viewer may see of the countries an incident names.
func (s *Server) situationsFor(ctx context.Context, v coord.Viewer, in *coord.Incident) ([]norms.Situation, error) {
	return norms.SituationsOf(ctx, s.svc.Situations, v, in.Countries)
}
