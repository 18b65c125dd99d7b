package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"lifeline"
	"lifeline/coord"
)

type orgListPage struct {
	Orgs []*coord.Org
}

// orgList is the directory of the organisations the viewer may see.
func (s *server) orgList(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	ctx := r.Context()
	orgs, err := listAll(ctx, func(f coord.ListFilter) (coord.Page[*coord.Org], error) {
		return s.svc.Orgs.FindOrgs(ctx, rq.viewer, f)
	})
	if err != nil {
		return err
	}
	slices.SortStableFunc(orgs, func(a, b *coord.Org) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	s.render(w, r, rq, http.StatusOK, "orgs", rq.t("nav.orgs"), orgListPage{Orgs: orgs})
	return nil
}

type orgPage struct {
	Org        *coord.Org
	Endorsers  map[string]string
	CanVerify  bool
	CanEndorse bool
}

func (s *server) orgPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	ctx := r.Context()
	v := rq.viewer
	o, err := s.svc.Orgs.FindOrgByID(ctx, v, r.PathValue("id"))
	if err != nil {
		return err
	}
	names, err := s.orgNames(ctx, v)
	if err != nil {
		return err
	}
	p := orgPage{Org: o, Endorsers: names,
		CanVerify:  !o.Verified && coord.CanVerifyOrg(v) == nil,
		CanEndorse: v.Role.AtLeast(coord.RoleOrgAdmin) && v.OrgVerified && v.OrgID != o.ID && !slices.Contains(o.EndorsedBy, v.OrgID)}
	s.render(w, r, rq, http.StatusOK, "org", o.Name, p)
	return nil
}

func (s *server) orgVerify(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	o, err := s.svc.Orgs.VerifyOrg(r.Context(), rq.viewer, r.PathValue("id"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/orgs/"+url.PathEscape(o.ID), http.StatusSeeOther)
	return nil
}

func (s *server) orgEndorse(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	o, err := s.svc.Orgs.EndorseOrg(r.Context(), rq.viewer, r.PathValue("id"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/orgs/"+url.PathEscape(o.ID), http.StatusSeeOther)
	return nil
}

type orgFormPage struct {
	Kinds []coord.OrgKind
	Form  url.Values
	Error string
}

func (s *server) orgForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	s.render(w, r, rq, http.StatusOK, "org-form", rq.t("orgs.add"), orgFormPage{Kinds: coord.OrgKinds, Form: url.Values{}})
	return nil
}

// orgCreate adds an organisation (instance admins; the service says so to
// anyone else).
func (s *server) orgCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	f := r.PostForm
	countries, err := parseCountries("countries", f.Get("countries"))
	o := &coord.Org{Name: strings.TrimSpace(f.Get("name")), Kind: coord.OrgKind(f.Get("kind")), Countries: countries,
		Verified: f.Get("verified") == "1"}
	for _, a := range strings.FieldsFunc(f.Get("asns"), func(r rune) bool { return r == ',' || r == ' ' }) {
		n, perr := strconv.ParseUint(strings.TrimPrefix(strings.ToUpper(a), "AS"), 10, 32)
		if perr != nil && err == nil {
			err = lifeline.Errorf(lifeline.EINVALID, "web.form", "asns: %q is not an AS number", truncate(a, 20))
		}
		o.ASNs = append(o.ASNs, uint32(n))
	}
	if c := strings.TrimSpace(f.Get("contact_email")); c != "" || strings.TrimSpace(f.Get("contact_name")) != "" {
		o.Contacts = append(o.Contacts, coord.Contact{Name: strings.TrimSpace(f.Get("contact_name")), Email: c, Phone: strings.TrimSpace(f.Get("contact_phone"))})
	}
	if err == nil {
		err = s.svc.Orgs.CreateOrg(r.Context(), rq.viewer, o)
	}
	if lifeline.ErrorCode(err) == lifeline.EINVALID {
		w.Header().Set("Cache-Control", "no-store")
		s.render(w, r, rq, http.StatusBadRequest, "org-form", rq.t("orgs.add"), orgFormPage{Kinds: coord.OrgKinds, Form: f, Error: rq.errText(err)})
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/orgs/"+url.PathEscape(o.ID), http.StatusSeeOther)
	return nil
}

type memberAdminPage struct {
	Org     *coord.Org    // the organisation whose members are listed
	Members []memberRow   // its members, oldest first
	Orgs    []*coord.Org  // the organisations the viewer may add members to
	Roles   []coord.Role  // the roles the viewer may give
	Token   string        // shown once, after a member is added or a token issued
	Added   *coord.Member // the member just added
	Issued  *coord.Member // the member just given a new token
	Revoked *coord.Member // the member whose tokens were just revoked
	Form    url.Values
	Error   string
}

// memberRow is a member and whether the viewer may manage its tokens
// (coord.CanManageTokens; the service checks again).
type memberRow struct {
	*coord.Member
	CanManage bool
}

// memberAdmin lists the members of an organisation (?org=, the viewer's
// own by default) and adds them, for organisation and instance
// administrators.
func (s *server) memberAdmin(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	org := r.URL.Query().Get("org")
	if org == "" {
		org = rq.viewer.OrgID
	}
	return s.showMembers(w, r, rq, http.StatusOK, org, memberAdminPage{Form: url.Values{"org": {org}, "role": {string(coord.RoleReporter)}}})
}

// showMembers renders the members page for organisation org, listed
// through MemberService.FindMembers: it answers 404 for an organisation
// the viewer may not see and 403 for one whose members it may not list.
func (s *server) showMembers(w http.ResponseWriter, r *http.Request, rq *request, status int, org string, p memberAdminPage) error {
	ctx := r.Context()
	v := rq.viewer
	if !v.Role.AtLeast(coord.RoleOrgAdmin) {
		return lifeline.Errorf(lifeline.EFORBIDDEN, "web.members", "managing members needs an organisation or instance administrator")
	}
	var err error
	if p.Org, err = s.svc.Orgs.FindOrgByID(ctx, v, org); err != nil {
		return err
	}
	members, err := listAll(ctx, func(f coord.ListFilter) (coord.Page[*coord.Member], error) {
		return s.svc.Members.FindMembers(ctx, v, org, f)
	})
	if err != nil {
		return err
	}
	for _, m := range members {
		p.Members = append(p.Members, memberRow{Member: m, CanManage: coord.CanManageTokens(v, m) == nil})
	}
	orgs, err := listAll(ctx, func(f coord.ListFilter) (coord.Page[*coord.Org], error) { return s.svc.Orgs.FindOrgs(ctx, v, f) })
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if v.Role == coord.RoleInstanceAdmin || o.ID == v.OrgID {
			p.Orgs = append(p.Orgs, o)
		}
	}
	for _, role := range coord.Roles {
		if coord.CanAddMember(v, v.OrgID, role) == nil {
			p.Roles = append(p.Roles, role)
		}
	}
	// A page that may hold a token is never stored by the browser.
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, rq, status, "members", rq.t("nav.members"), p)
	return nil
}

// memberCreate adds a member and shows its token, once.
func (s *server) memberCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	f := r.PostForm
	m := &coord.Member{OrgID: f.Get("org"), Name: strings.TrimSpace(f.Get("name")), Role: coord.Role(f.Get("role")), Contact: strings.TrimSpace(f.Get("contact"))}
	token, err := s.svc.Members.CreateMember(r.Context(), rq.viewer, m)
	if lifeline.ErrorCode(err) == lifeline.EINVALID {
		org := m.OrgID
		if org == "" {
			org = rq.viewer.OrgID
		}
		return s.showMembers(w, r, rq, http.StatusBadRequest, org, memberAdminPage{Form: f, Error: rq.errText(err)})
	}
	if err != nil {
		return err
	}
	return s.showMembers(w, r, rq, http.StatusOK, m.OrgID, memberAdminPage{Token: token, Added: m,
		Form: url.Values{"org": {m.OrgID}, "role": {string(m.Role)}}})
}

// pathMember is the member named in the path, for an action by a logged-in
// member.
func (s *server) pathMember(r *http.Request, rq *request) (*coord.Member, error) {
	if err := member(r, rq); err != nil {
		return nil, err
	}
	return s.svc.Members.FindMemberByID(r.Context(), rq.viewer, r.PathValue("id"))
}

// memberToken issues a member a new token and shows it, once; the
// member's other tokens stay valid.
func (s *server) memberToken(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	m, err := s.pathMember(r, rq)
	if err != nil {
		return err
	}
	token, err := s.svc.Members.IssueToken(ctx, rq.viewer, m.ID)
	if err != nil {
		return err
	}
	return s.showMembers(w, r, rq, http.StatusOK, m.OrgID, memberAdminPage{Token: token, Issued: m,
		Form: url.Values{"org": {m.OrgID}, "role": {string(coord.RoleReporter)}}})
}

// memberRevoke revokes every token of a member, once the form confirms
// it: the member is logged out everywhere at once.
func (s *server) memberRevoke(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	m, err := s.pathMember(r, rq)
	if err != nil {
		return err
	}
	form := url.Values{"org": {m.OrgID}, "role": {string(coord.RoleReporter)}}
	if r.PostForm.Get("confirm") != "yes" {
		return s.showMembers(w, r, rq, http.StatusBadRequest, m.OrgID, memberAdminPage{Form: form,
			Error: rq.t("members.unconfirmed", m.Name)})
	}
	if err := s.svc.Members.RevokeTokens(ctx, rq.viewer, m.ID); err != nil {
		return err
	}
	return s.showMembers(w, r, rq, http.StatusOK, m.OrgID, memberAdminPage{Revoked: m, Form: form})
}
