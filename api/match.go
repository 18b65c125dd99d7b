package api

import (
	"net/http"

	"lifeline/coord"
	"lifeline/exchange"
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
	if f, ok := s.negotiate(w, r, resourceFormats); !ok || f != jsonFormat {
		if ok {
			s.export(w, r, v, exchange.Request{Format: f, Match: r.PathValue("id")})
		}
		return
	}
	getOne(s, w, r, v, s.svc.Matches.FindMatchByID, func(m *coord.Match) int64 { return m.Version })
}

func (s *Server) listMatches(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	if f, ok := s.negotiate(w, r, resourceListFormats); !ok || f != jsonFormat {
		if ok {
			s.exportList(w, r, v, "matches", f)
		}
		return
	}
	listAll(s, w, r, v, "matches", s.svc.Matches.FindMatches)
}

func (s *Server) patchMatch(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	patchOne(s, w, r, v, func(u *coord.MatchUpdate) *int64 { return &u.IfVersion },
		s.svc.Matches.UpdateMatch, func(m *coord.Match) int64 { return m.Version })
}
