package api

import (
	"encoding/json"
	"net/http"

	"lifeline"
	"lifeline/coord"
)

// changeCreate is the body of POST /api/v1/changes: a change to an item
// another instance keeps, proposed to that instance.
type changeCreate struct {
	Kind      string          `json:"kind"`
	Item      string          `json:"item"`
	Request   json.RawMessage `json:"request"`
	IfVersion int64           `json:"if_version"`
}

func (s *Server) noChanges(w http.ResponseWriter, r *http.Request, v coord.Viewer) bool {
	if s.changes != nil {
		return false
	}
	s.problem(w, r, v, lifeline.Errorf(lifeline.ENOTFOUND, "api", "this server takes no changes to items of other instances"))
	return true
}

// proposeChange answers 202: the change is sent to the item's origin,
// which applies or refuses it; GET /api/v1/changes/{id} says which.
func (s *Server) proposeChange(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	if s.noChanges(w, r, v) {
		return
	}
	var b changeCreate
	if !s.body(w, r, v, &b) {
		return
	}
	c := &coord.Change{Kind: b.Kind, Subject: b.Item, Request: b.Request, IfVersion: b.IfVersion}
	if err := s.changes.ProposeChange(r.Context(), v, c); err != nil {
		s.problem(w, r, v, err)
		return
	}
	w.Header().Set("Location", "/api/v1/changes/"+c.ID)
	s.writeJSON(w, r, http.StatusAccepted, c, "")
}

func (s *Server) listChanges(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	if s.changes == nil {
		s.writeJSON(w, r, http.StatusOK, coord.Page[*coord.Change]{Items: []*coord.Change{}}, "")
		return
	}
	f, err := listFilter(r)
	if err == nil {
		err = queryParams(r, "after", "limit", "status")
	}
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	p, err := s.changes.FindChanges(r.Context(), v, f)
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, p, "")
}

func (s *Server) getChange(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	if s.noChanges(w, r, v) {
		return
	}
	c, err := s.changes.FindChangeByID(r.Context(), v, r.PathValue("id"))
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, c, "")
}
