package web

import (
	"context"
	"encoding/json"
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
	s.render(w, r, rq, http.StatusOK, "orgs", "Organisations", orgListPage{Orgs: orgs})
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
	s.render(w, r, rq, http.StatusOK, "org-form", "Add an organisation", orgFormPage{Kinds: coord.OrgKinds, Form: url.Values{}})
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
		s.render(w, r, rq, http.StatusBadRequest, "org-form", "Add an organisation", orgFormPage{Kinds: coord.OrgKinds, Form: f, Error: lifeline.ErrorMessage(err)})
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/orgs/"+url.PathEscape(o.ID), http.StatusSeeOther)
	return nil
}

type memberAdminPage struct {
	Members []*coord.Member
	Orgs    []*coord.Org
	Roles   []coord.Role
	Token   string // shown once, after a member is added
	Added   *coord.Member
	Form    url.Values
	Error   string
	OrgName map[string]string
}

// members lists the members of the viewer's organisation from the ledger
// (each member.created event is marked for its organisation, so the
// service shows the viewer exactly those it may see).
func (s *server) members(ctx context.Context, v coord.Viewer) ([]*coord.Member, error) {
	var out []*coord.Member
	var after int64
	for range maxListed / coord.MaxPageSize {
		p, err := s.svc.Events.FindEvents(ctx, v, after, coord.MaxPageSize)
		if err != nil {
			return nil, err
		}
		for _, e := range p.Items {
			after = e.Seq
			if e.Type != coord.EventMemberCreated {
				continue
			}
			var m coord.Member
			if json.Unmarshal(e.Payload, &m) == nil {
				out = append(out, &m)
			}
		}
		if p.Next == "" {
			break
		}
	}
	return out, nil
}

// memberAdmin lists members and adds them, for organisation and instance
// administrators.
func (s *server) memberAdmin(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	return s.showMembers(w, r, rq, http.StatusOK, memberAdminPage{Form: url.Values{"org": {rq.viewer.OrgID}, "role": {string(coord.RoleReporter)}}})
}

func (s *server) showMembers(w http.ResponseWriter, r *http.Request, rq *request, status int, p memberAdminPage) error {
	ctx := r.Context()
	v := rq.viewer
	if !v.Role.AtLeast(coord.RoleOrgAdmin) {
		return lifeline.Errorf(lifeline.EFORBIDDEN, "web.members", "managing members needs an organisation or instance administrator")
	}
	var err error
	if p.Members, err = s.members(ctx, v); err != nil {
		return err
	}
	orgs, err := listAll(ctx, func(f coord.ListFilter) (coord.Page[*coord.Org], error) { return s.svc.Orgs.FindOrgs(ctx, v, f) })
	if err != nil {
		return err
	}
	p.OrgName = map[string]string{}
	for _, o := range orgs {
		p.OrgName[o.ID] = o.Name
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
	s.render(w, r, rq, status, "members", "Members", p)
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
		return s.showMembers(w, r, rq, http.StatusBadRequest, memberAdminPage{Form: f, Error: lifeline.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	return s.showMembers(w, r, rq, http.StatusOK, memberAdminPage{Token: token, Added: m,
		Form: url.Values{"org": {m.OrgID}, "role": {string(m.Role)}}})
}
