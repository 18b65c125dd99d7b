package api

import (
	"net/http"

	"lifeline/coord"
)

func (s *Server) createMatch(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	var b coord.MatchCreate
	if !s.body(w, r, v, &b) {
		return
	}
	m, err := s.svc.Matches.CreateMatch(r.Context(), v, b)
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	s.created(w, r, "/api/v1/matches", m.ID, m.Version)
}

func (s *Server) getMatch(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	getOne(s, w, r, v, s.svc.Matches.FindMatchByID, func(m *coord.Match) int64 { return m.Version })
}

func (s *Server) listMatches(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	listAll(s, w, r, v, "matches", s.svc.Matches.FindMatches)
}

func (s *Server) patchMatch(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	patchOne(s, w, r, v, func(u *coord.MatchUpdate) *int64 { return &u.IfVersion },
		s.svc.Matches.UpdateMatch, func(m *coord.Match) int64 { return m.Version })
}
