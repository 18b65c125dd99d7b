package web

import (
	"context"
	"net/http"
	"slices"
	"time"

	"lifeline/coord"
	"lifeline/geo"
	"lifeline/web/svgmap"
)

// coordRoutes registers the coordination pages, served when every
// coordination service is given.
func (s *server) coordRoutes() {
	s.page("GET /{$}", s.dashboard)
	s.page("GET /incidents", s.incidentList)
	s.page("GET /incidents/new", s.incidentForm)
	s.page("POST /incidents", s.incidentCreate)
	s.page("GET /incidents/{id}", s.incidentPage)
	s.page("POST /incidents/{id}/status", s.incidentStatus)
	s.page("POST /incidents/{id}/repair", s.incidentRepair)
	s.page("POST /incidents/{id}/candidate", s.incidentAccept)
	s.page("GET /needs", s.board)
	s.page("GET /needs/new", s.needForm)
	s.page("POST /needs", s.needCreate)
	s.page("GET /needs/{id}", s.needPage)
	s.page("GET /offers/new", s.offerForm)
	s.page("POST /offers", s.offerCreate)
	s.page("GET /offers/{id}", s.offerPage)
	s.page("POST /matches", s.matchCreate)
	s.page("POST /matches/{id}/status", s.matchStatus)
	s.page("GET /orgs", s.orgList)
	s.page("GET /orgs/new", s.orgForm)
	s.page("POST /orgs", s.orgCreate)
	s.page("GET /orgs/{id}", s.orgPage)
	s.page("POST /orgs/{id}/verify", s.orgVerify)
	s.page("POST /orgs/{id}/endorse", s.orgEndorse)
	s.page("GET /admin/members", s.memberAdmin)
	s.page("POST /admin/members", s.memberCreate)
	s.page("POST /admin/members/{id}/token", s.memberToken)
	s.page("POST /admin/members/{id}/revoke", s.memberRevoke)
	s.page("GET /admin/sources", s.sourcesPage)
	s.page("GET /sitrep", s.sitrepPage)
}

// picture is what the viewer may see of the crisis: every list read
// through the services, which leave out what the viewer may not see.
type picture struct {
	Incidents []*coord.Incident
	Needs     []*coord.Need
	Offers    []*coord.Offer
	Matches   []*coord.Match
	Orgs      map[string]string // id → name, of the organisations the viewer sees
}

func (s *server) picture(ctx context.Context, v coord.Viewer) (*picture, error) {
	var p picture
	var err error
	if p.Incidents, err = listAll(ctx, func(f coord.ListFilter) (coord.Page[*coord.Incident], error) {
		return s.svc.Incidents.FindIncidents(ctx, v, f)
	}); err != nil {
		return nil, err
	}
	if p.Needs, err = listAll(ctx, func(f coord.ListFilter) (coord.Page[*coord.Need], error) { return s.svc.Needs.FindNeeds(ctx, v, f) }); err != nil {
		return nil, err
	}
	if p.Offers, err = listAll(ctx, func(f coord.ListFilter) (coord.Page[*coord.Offer], error) { return s.svc.Offers.FindOffers(ctx, v, f) }); err != nil {
		return nil, err
	}
	if p.Matches, err = listAll(ctx, func(f coord.ListFilter) (coord.Page[*coord.Match], error) {
		return s.svc.Matches.FindMatches(ctx, v, f)
	}); err != nil {
		return nil, err
	}
	if p.Orgs, err = s.orgNames(ctx, v); err != nil {
		return nil, err
	}
	return &p, nil
}

// orgNames maps the ids of the organisations the viewer may see to their
// names.
func (s *server) orgNames(ctx context.Context, v coord.Viewer) (map[string]string, error) {
	orgs, err := listAll(ctx, func(f coord.ListFilter) (coord.Page[*coord.Org], error) { return s.svc.Orgs.FindOrgs(ctx, v, f) })
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, o := range orgs {
		m[o.ID] = o.Name
	}
	return m, nil
}

// open reports whether an incident still calls for work.
func open(in *coord.Incident) bool {
	return in.Status != coord.IncidentResolved && in.Status != coord.IncidentDismissed
}

// needState is a need with what the visible matches hold of it.
type needState struct {
	*coord.Need
	Held    int64 // quantity active matches hold: all of them when the need carries its coverage
	Matched bool  // a match is committed or further along
}

func needStates(needs []*coord.Need, matches []*coord.Match) []needState {
	out := make([]needState, 0, len(needs))
	for _, n := range needs {
		st := needState{Need: n}
		if c := n.Coverage; c != nil {
			// Coverage counts every match of the need, those the reader
			// may not see included, so that a need another organisation
			// covered never shows as unmet (and invites a second
			// shipment).
			st.Held, st.Matched = c.Held, c.Covered > 0
		} else {
			for _, m := range matches {
				if m.NeedID == n.ID && m.Active() {
					st.Held += m.Quantity
					if m.Status != coord.MatchProposed {
						st.Matched = true
					}
				}
			}
		}
		out = append(out, st)
	}
	return out
}

// offerHeld is how much of an offer its matches hold: from its coverage
// (every match, seen or not) when the read filled it in.
func offerHeld(o *coord.Offer, matches []*coord.Match) int64 {
	if o.Coverage != nil {
		return o.Coverage.Held
	}
	var held int64
	for _, m := range matches {
		if m.OfferID == o.ID && m.Active() {
			held += m.Quantity
		}
	}
	return held
}

type dashboardPage struct {
	Map       string
	Open      []*coord.Incident
	Fresh     []*coord.Incident
	Alerts    []alertView // the detector's, open first
	Unmet     []needState
	Matches   []*coord.Match
	Orgs      map[string]string
	Countries []string
	Needs     []*coord.Need // the needs matches refer to, by id
	NeedTitle map[string]string
}

// freshFor is how long an unverified report counts as a fresh alert.
const freshFor = 72 * time.Hour

// dashboard is the shared picture: a world map with the countries of open
// incidents shaded, their areas drawn and needs placed (green once
// matched), beside open incidents, fresh alerts and unmet needs.
func (s *server) dashboard(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	pic, err := s.picture(ctx, rq.viewer)
	if err != nil {
		return err
	}
	now := s.now()
	p := dashboardPage{Orgs: pic.Orgs, NeedTitle: map[string]string{}}
	affected := map[string]bool{}
	for _, in := range slices.Backward(pic.Incidents) {
		if !open(in) {
			continue
		}
		p.Open = append(p.Open, in)
		for _, c := range in.Countries {
			affected[c] = true
		}
		if in.Status == coord.IncidentReported && now.Sub(in.Created) < freshFor {
			p.Fresh = append(p.Fresh, in)
		}
	}
	for c := range affected {
		p.Countries = append(p.Countries, c)
	}
	slices.Sort(p.Countries)
	states := needStates(pic.Needs, pic.Matches)
	for _, st := range slices.Backward(states) {
		if st.Open(now) && st.Held < st.Quantity {
			p.Unmet = append(p.Unmet, st)
		}
	}
	for _, n := range pic.Needs {
		p.NeedTitle[n.ID] = n.Title
	}
	for _, m := range slices.Backward(pic.Matches) {
		if m.Active() && len(p.Matches) < 10 {
			p.Matches = append(p.Matches, m)
		}
	}
	// The map shows where the open incidents are: a phone's screen is too
	// small for the world.
	var pts []geo.Point
	for _, in := range p.Open {
		pts = append(pts, areaPoints(in.Area)...)
		for _, c := range in.Countries {
			if co, ok := geo.Lookup(c); ok {
				pts = append(pts, co.Centroid)
			}
		}
	}
	box := svgmap.World
	if len(pts) > 0 {
		box = viewAround(pts)
	}
	m := newMap(box, rq.t("map.dashboard"))
	m.LinksOutOfTabOrder()
	m.Countries(func(code, name string) svgmap.Style {
		st := svgmap.Style{Href: "/incidents?country=" + code}
		if affected[code] {
			st.Class = "affected"
			st.Title = name + ": open incidents"
		}
		return st
	})
	for _, in := range p.Open {
		for _, poly := range areaRings(in.Area) {
			m.Polygon(poly, svgmap.Style{Class: "area", Href: "/incidents/" + in.ID, Title: in.Title, ID: "area-" + in.ID})
		}
	}
	for _, st := range states {
		if !st.Open(now) && !st.Matched {
			continue
		}
		pt, ok := needPoint(st.Need)
		if !ok {
			continue
		}
		cls := "need"
		if st.Matched {
			cls = "matched"
		}
		m.Point(pt, 5, svgmap.Style{Class: cls, Href: "/needs/" + st.ID, Title: st.Title, ID: "need-" + st.ID})
	}
	p.Map = m.String()
	if len(p.Fresh) > 10 {
		p.Fresh = p.Fresh[:10]
	}
	if p.Alerts, err = s.alertsFor(ctx, rq, "", now.Add(-freshFor), 10); err != nil {
		return err
	}
	s.render(w, r, rq, http.StatusOK, "dashboard", rq.t("nav.dashboard"), p)
	return nil
}

// needPoint is where a need is drawn: its place, or its first country.
func needPoint(n *coord.Need) (geo.Point, bool) {
	if n.Place != nil {
		return geo.Point{Lon: n.Place.Lon, Lat: n.Place.Lat}, true
	}
	for _, c := range n.Countries {
		if co, ok := geo.Lookup(c); ok {
			return co.Centroid, true
		}
	}
	return geo.Point{}, false
}
