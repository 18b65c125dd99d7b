package api

import (
	"context"
	"net/http"

	"lifeline/coord"
)

// orgCreate is the body of POST /api/v1/orgs.
type orgCreate struct {
	Name      string          `json:"name"`
	Kind      coord.OrgKind   `json:"kind"`
	Countries []string        `json:"countries"`
	ASNs      []uint32        `json:"asns"`
	Contacts  []coord.Contact `json:"contacts"`
	Verified  bool            `json:"verified"`
}

func (s *Server) createOrg(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	var b orgCreate
	if !s.body(w, r, v, &b) {
		return
	}
	o := &coord.Org{Name: b.Name, Kind: b.Kind, Countries: b.Countries, ASNs: b.ASNs, Contacts: b.Contacts, Verified: b.Verified}
	if err := s.svc.Orgs.CreateOrg(r.Context(), v, o); err != nil {
		s.problem(w, r, v, err)
		return
	}
	s.created(w, r, "/api/v1/orgs", o.ID, 0)
}

func (s *Server) getOrg(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	o, err := s.svc.Orgs.FindOrgByID(r.Context(), v, r.PathValue("id"))
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, o, "")
}

func (s *Server) listOrgs(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	listAll(s, w, r, v, "orgs", s.svc.Orgs.FindOrgs)
}

func (s *Server) verifyOrg(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	o, err := s.svc.Orgs.VerifyOrg(r.Context(), v, r.PathValue("id"))
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, o, "")
}

func (s *Server) endorseOrg(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	o, err := s.svc.Orgs.EndorseOrg(r.Context(), v, r.PathValue("id"))
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, o, "")
}

// memberCreate is the body of POST /api/v1/members.
type memberCreate struct {
	OrgID   string     `json:"org_id"`
	Name    string     `json:"name"`
	Role    coord.Role `json:"role"`
	Contact string     `json:"contact"`
}

func (s *Server) createMember(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	var b memberCreate
	if !s.body(w, r, v, &b) {
		return
	}
	m := &coord.Member{OrgID: b.OrgID, Name: b.Name, Role: b.Role, Contact: b.Contact}
	tok, err := s.svc.Members.CreateMember(r.Context(), v, m)
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	w.Header().Set("Location", "/api/v1/members/"+m.ID)
	// The token is shown once: no cache may keep the answer.
	w.Header().Set("Cache-Control", "no-store")
	s.writeJSON(w, r, http.StatusCreated, map[string]string{"id": m.ID, "member_id": m.ID, "token": tok}, "")
}

func (s *Server) listMembers(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	id := r.PathValue("id")
	listAll(s, w, r, v, "members", func(ctx context.Context, v coord.Viewer, f coord.ListFilter) (coord.Page[*coord.Member], error) {
		return s.svc.Members.FindMembers(ctx, v, id, f)
	})
}

// issueToken answers a new token for a member, once.
func (s *Server) issueToken(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	id := r.PathValue("id")
	tok, err := s.svc.Members.IssueToken(r.Context(), v, id)
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.writeJSON(w, r, http.StatusCreated, map[string]string{"member_id": id, "token": tok}, "")
}

// revokeTokens stops every token of a member; the revocation empties the
// token cache (see authCache), so the next request with one gets 401.
func (s *Server) revokeTokens(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	if err := s.svc.Members.RevokeTokens(r.Context(), v, r.PathValue("id")); err != nil {
		s.problem(w, r, v, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
