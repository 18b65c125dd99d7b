package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"lifeline"
	"lifeline/coord"
)

type boardPage struct {
	Needs  []needState
	Offers []offerState
	Orgs   map[string]string
	All    bool
}

// offerState is an offer with what the visible matches hold of it.
type offerState struct {
	*coord.Offer
	Held int64
}

// board shows open needs beside open offers; ?all=1 shows closed ones too.
func (s *server) board(w http.ResponseWriter, r *http.Request, rq *request) error {
	pic, err := s.picture(r.Context(), rq.viewer)
	if err != nil {
		return err
	}
	now := s.now()
	all := r.URL.Query().Get("all") == "1"
	p := boardPage{Orgs: pic.Orgs, All: all}
	for _, st := range slices.Backward(needStates(pic.Needs, pic.Matches)) {
		if all || st.Open(now) {
			p.Needs = append(p.Needs, st)
		}
	}
	for _, o := range slices.Backward(pic.Offers) {
		if !all && !o.Open(now) {
			continue
		}
		p.Offers = append(p.Offers, offerState{Offer: o, Held: offerHeld(o, pic.Matches)})
	}
	s.render(w, r, rq, http.StatusOK, "board", rq.t("board.h1"), p)
	return nil
}

type resourceFormPage struct {
	What      string // "need" or "offer"
	Incidents []*coord.Incident
	TLPs      []coord.TLP
	Orgs      []*coord.Org
	Form      url.Values
	Error     string
}

func (s *server) needForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	return s.showResourceForm(w, r, rq, "need", http.StatusOK, url.Values{"tlp": {string(coord.TLPAmber)}, "incident": {r.URL.Query().Get("incident")}}, "")
}

func (s *server) offerForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	return s.showResourceForm(w, r, rq, "offer", http.StatusOK, url.Values{"tlp": {string(coord.TLPGreen)}}, "")
}

func (s *server) showResourceForm(w http.ResponseWriter, r *http.Request, rq *request, what string, status int, form url.Values, msg string) error {
	ctx := r.Context()
	incs, err := listAll(ctx, func(f coord.ListFilter) (coord.Page[*coord.Incident], error) {
		return s.svc.Incidents.FindIncidents(ctx, rq.viewer, f)
	})
	if err != nil {
		return err
	}
	incs = slices.DeleteFunc(incs, func(in *coord.Incident) bool { return !open(in) })
	slices.Reverse(incs)
	orgs, err := listAll(ctx, func(f coord.ListFilter) (coord.Page[*coord.Org], error) {
		return s.svc.Orgs.FindOrgs(ctx, rq.viewer, f)
	})
	if err != nil {
		return err
	}
	orgs = slices.DeleteFunc(orgs, func(o *coord.Org) bool { return o.ID == rq.viewer.OrgID })
	if status != http.StatusOK {
		w.Header().Set("Cache-Control", "no-store")
	}
	title := rq.t("board.post.need")
	if what == "offer" {
		title = rq.t("board.post.offer")
	}
	s.render(w, r, rq, status, "resource-form", title, resourceFormPage{What: what, Incidents: incs, TLPs: coord.TLPs, Orgs: orgs, Form: form, Error: msg})
	return nil
}

// resourceFromForm reads the fields needs and offers share.
func resourceFromForm(f url.Values) (coord.Resource, error) {
	var res coord.Resource
	qty, err := parseQuantity("quantity", f.Get("quantity"))
	if err != nil {
		return res, err
	}
	countries, err := parseCountries("countries", f.Get("countries"))
	if err != nil {
		return res, err
	}
	tlp, err := parseTLP(f.Get("tlp"))
	if err != nil {
		return res, err
	}
	res = coord.Resource{Title: strings.TrimSpace(f.Get("title")), Category: strings.TrimSpace(strings.ToLower(f.Get("category"))),
		Quantity: qty, Unit: strings.TrimSpace(f.Get("unit")), Countries: countries, Urgency: f.Get("urgency"),
		IncidentID: f.Get("incident"), Conditions: strings.TrimSpace(f.Get("conditions")), Marking: coord.Marking{TLP: tlp}}
	if h := strings.TrimSpace(f.Get("lead_hours")); h != "" {
		n, err := strconv.ParseFloat(h, 64)
		if err != nil || n < 0 || n > 24*365 {
			return res, lifeline.Errork(lifeline.EINVALID, "web.form", "err.form.lead", "lead_time: expected hours from 0 to 8760, found %q", truncate(h, 20))
		}
		res.LeadTime = coord.Duration(time.Duration(n * float64(time.Hour)))
	}
	if tlp == coord.TLPAmber || tlp == coord.TLPAmberStrict {
		res.Orgs = nonEmpty(f["share"])
	}
	return res, nil
}

func (s *server) needCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	res, err := resourceFromForm(r.PostForm)
	n := &coord.Need{Resource: res}
	if err == nil {
		err = s.svc.Needs.CreateNeed(r.Context(), rq.viewer, n)
	}
	if lifeline.ErrorCode(err) == lifeline.EINVALID {
		return s.showResourceForm(w, r, rq, "need", http.StatusBadRequest, r.PostForm, rq.errText(err))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/needs/"+url.PathEscape(n.ID), http.StatusSeeOther)
	return nil
}

func (s *server) offerCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	res, err := resourceFromForm(r.PostForm)
	o := &coord.Offer{Resource: res}
	if err == nil {
		err = s.svc.Offers.CreateOffer(r.Context(), rq.viewer, o)
	}
	if lifeline.ErrorCode(err) == lifeline.EINVALID {
		return s.showResourceForm(w, r, rq, "offer", http.StatusBadRequest, r.PostForm, rq.errText(err))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/offers/"+url.PathEscape(o.ID), http.StatusSeeOther)
	return nil
}

// matchView is a match with the steps the viewer may take on it.
type matchView struct {
	*coord.Match
	Moves []coord.MatchStatus
}

func (s *server) matchViews(v coord.Viewer, ms []*coord.Match) []matchView {
	now := s.now()
	var out []matchView
	for _, m := range ms {
		mv := matchView{Match: m}
		for _, to := range []coord.MatchStatus{coord.MatchCommitted, coord.MatchDispatched, coord.MatchDelivered, coord.MatchReleased, coord.MatchCancelled} {
			// The domain's rule, tried on a copy: the page offers only the
			// steps the service will accept from this viewer.
			cp := *m
			cp.Timeline = nil
			if coord.MoveMatch(v, &cp, to, "", now) == nil {
				mv.Moves = append(mv.Moves, to)
			}
		}
		out = append(out, mv)
	}
	return out
}

type needPage struct {
	Need      needState
	Incident  *coord.Incident
	Proposals []proposalView
	Matches   []matchView
	Orgs      map[string]string
	Offers    map[string]*coord.Offer
	CanAccept bool
}

type proposalView struct {
	coord.Proposal
	Offer     *coord.Offer
	CanAccept bool
}

// needPage shows a need, the proposals of the matching engine with the
// reason for every score, and the commitments made for it.
func (s *server) needPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	v := rq.viewer
	n, err := s.svc.Needs.FindNeedByID(ctx, v, r.PathValue("id"))
	if err == nil {
		err = s.noteOrigin(ctx, rq, n.ID)
	}
	if err != nil {
		return err
	}
	pic, err := s.picture(ctx, v)
	if err != nil {
		return err
	}
	var ms []*coord.Match
	for _, m := range pic.Matches {
		if m.NeedID == n.ID {
			ms = append(ms, m)
		}
	}
	p := needPage{Need: needStates([]*coord.Need{n}, ms)[0], Matches: s.matchViews(v, ms), Orgs: pic.Orgs, Offers: map[string]*coord.Offer{}}
	for _, o := range pic.Offers {
		p.Offers[o.ID] = o
	}
	if n.IncidentID != "" {
		if in, err := s.svc.Incidents.FindIncidentByID(ctx, v, n.IncidentID); err == nil {
			p.Incident = in
		}
	}
	if !v.Anonymous() {
		props, err := s.svc.Needs.Proposals(ctx, v, n.ID)
		if err != nil {
			return err
		}
		for _, pr := range props {
			p.Proposals = append(p.Proposals, proposalView{Proposal: pr, Offer: p.Offers[pr.OfferID],
				CanAccept: v.Role.AtLeast(coord.RoleReporter) && (v.OrgID == n.Org || v.OrgID == pr.OfferOrg)})
		}
	}
	s.render(w, r, rq, http.StatusOK, "need", n.Title, p)
	return nil
}

type offerPage struct {
	Offer   offerState
	Matches []matchView
	Orgs    map[string]string
	Needs   map[string]*coord.Need
}

func (s *server) offerPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	o, err := s.svc.Offers.FindOfferByID(ctx, rq.viewer, r.PathValue("id"))
	if err == nil {
		err = s.noteOrigin(ctx, rq, o.ID)
	}
	if err != nil {
		return err
	}
	pic, err := s.picture(ctx, rq.viewer)
	if err != nil {
		return err
	}
	p := offerPage{Offer: offerState{Offer: o}, Orgs: pic.Orgs, Needs: map[string]*coord.Need{}}
	var ms []*coord.Match
	for _, m := range pic.Matches {
		if m.OfferID == o.ID {
			ms = append(ms, m)
		}
	}
	p.Offer.Held = offerHeld(o, pic.Matches)
	for _, n := range pic.Needs {
		p.Needs[n.ID] = n
	}
	p.Matches = s.matchViews(rq.viewer, ms)
	s.render(w, r, rq, http.StatusOK, "offer", o.Title, p)
	return nil
}

// matchCreate accepts a proposal: it asks the service for a match of the
// offer to the need.
func (s *server) matchCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	f := r.PostForm
	qty, err := parseQuantity("quantity", f.Get("quantity"))
	if err != nil {
		return err
	}
	m, err := s.svc.Matches.CreateMatch(r.Context(), rq.viewer, coord.MatchCreate{NeedID: f.Get("need_id"), OfferID: f.Get("offer_id"), Quantity: qty})
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/needs/"+url.PathEscape(m.NeedID)+"#commitments", http.StatusSeeOther)
	return nil
}

// matchStatus moves a match one step: commit, dispatch, deliver, release
// or cancel.
func (s *server) matchStatus(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	f := r.PostForm
	ver, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	m, err := s.svc.Matches.UpdateMatch(r.Context(), rq.viewer, r.PathValue("id"),
		coord.MatchUpdate{Status: coord.MatchStatus(f.Get("status")), Note: strings.TrimSpace(f.Get("note")), IfVersion: ver})
	if err != nil {
		return err
	}
	back := safeNext(f.Get("back"))
	if back == "/" {
		back = "/needs/" + url.PathEscape(m.NeedID) + "#commitments"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}
