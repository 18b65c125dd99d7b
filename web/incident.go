package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"lifeline"
	"lifeline/atlas"
	"lifeline/coord"
	"lifeline/geo"
	"lifeline/impact"
	"lifeline/norms"
	"lifeline/web/svgmap"
)

// incidentFilter is what the incident list can be narrowed to.
type incidentFilter struct {
	Status  string // "open" (default), "all" or a status
	Kind    string
	Country string
	TLP     string
	Q       string
	Page    int
}

func (f incidentFilter) match(in *coord.Incident) bool {
	switch f.Status {
	case "", "open":
		if !open(in) {
			return false
		}
	case "all":
	default:
		if string(in.Status) != f.Status {
			return false
		}
	}
	if f.Kind != "" && string(in.Kind) != f.Kind {
		return false
	}
	if f.Country != "" && !slices.Contains(in.Countries, f.Country) {
		return false
	}
	if f.TLP != "" && string(in.TLP) != f.TLP {
		return false
	}
	if f.Q != "" && !strings.Contains(strings.ToLower(in.Title+" "+in.Description), strings.ToLower(f.Q)) {
		return false
	}
	return true
}

// query returns the filter as a query string, for the pages' links.
func (f incidentFilter) query(page int) string {
	v := url.Values{}
	for k, x := range map[string]string{"status": f.Status, "kind": f.Kind, "country": f.Country, "tlp": f.TLP, "q": f.Q} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v.Encode()
}

type incidentListPage struct {
	Filter    incidentFilter
	Incidents []*coord.Incident
	Total     int
	Prev      string
	Next      string
	Statuses  []coord.IncidentStatus
	Kinds     []coord.IncidentKind
	TLPs      []coord.TLP
	Orgs      map[string]string
	Countries []geo.Country
}

const incidentsPerPage = 50

// incidentList lists the incidents the viewer may see, newest first,
// narrowed by status, kind, country, TLP level and words.
func (s *server) incidentList(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	q := r.URL.Query()
	f := incidentFilter{Status: q.Get("status"), Kind: q.Get("kind"), Country: strings.ToUpper(q.Get("country")), TLP: q.Get("tlp"), Q: strings.TrimSpace(q.Get("q"))}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	f.Page = max(f.Page, 1)
	all, err := listAll(ctx, func(lf coord.ListFilter) (coord.Page[*coord.Incident], error) {
		return s.svc.Incidents.FindIncidents(ctx, rq.viewer, lf)
	})
	if err != nil {
		return err
	}
	var hits []*coord.Incident
	for _, in := range slices.Backward(all) {
		if f.match(in) {
			hits = append(hits, in)
		}
	}
	orgs, err := s.orgNames(ctx, rq.viewer)
	if err != nil {
		return err
	}
	p := incidentListPage{Filter: f, Total: len(hits), Statuses: []coord.IncidentStatus{coord.IncidentReported, coord.IncidentVerified,
		coord.IncidentResponding, coord.IncidentRestoring, coord.IncidentResolved, coord.IncidentDismissed},
		Kinds: coord.IncidentKinds, TLPs: coord.TLPs, Orgs: orgs, Countries: geo.Countries()}
	start := (f.Page - 1) * incidentsPerPage
	if start < len(hits) {
		p.Incidents = hits[start:min(len(hits), start+incidentsPerPage)]
	}
	if f.Page > 1 {
		p.Prev = f.query(f.Page - 1)
	}
	if start+incidentsPerPage < len(hits) {
		p.Next = f.query(f.Page + 1)
	}
	s.render(w, r, rq, http.StatusOK, "incidents", rq.t("nav.incidents"), p)
	return nil
}

type incidentFormPage struct {
	Map     string
	Kinds   []coord.IncidentKind
	TLPs    []coord.TLP
	Orgs    []*coord.Org // to share with, under TLP:AMBER
	Cables  []*atlas.Cable
	Regions []region
	Form    url.Values // what was sent, when it is shown again with an error
	Error   string
}

// incidentForm is the report form: what happened, where (countries, an
// area drawn on the map or typed, affected cables), how bad, and who may
// see it.
func (s *server) incidentForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	return s.showIncidentForm(w, r, rq, http.StatusOK, url.Values{"tlp": {string(coord.TLPAmber)}, "shape": {"circle"}}, "")
}

func (s *server) showIncidentForm(w http.ResponseWriter, r *http.Request, rq *request, status int, form url.Values, msg string) error {
	ctx := r.Context()
	box, err := parseBox(r.URL.Query().Get("bbox"))
	if err != nil {
		return err
	}
	orgs, err := listAll(ctx, func(f coord.ListFilter) (coord.Page[*coord.Org], error) {
		return s.svc.Orgs.FindOrgs(ctx, rq.viewer, f)
	})
	if err != nil {
		return err
	}
	orgs = slices.DeleteFunc(orgs, func(o *coord.Org) bool { return o.ID == rq.viewer.OrgID })
	m := newMap(box, rq.t("map.pick"))
	m.SetAttr("data-pick", "area")
	m.Countries(func(code, name string) svgmap.Style { return svgmap.Style{} })
	cables := slices.Clone(s.atlas.InService())
	slices.SortFunc(cables, func(a, b *atlas.Cable) int { return strings.Compare(a.Name, b.Name) })
	p := incidentFormPage{Map: m.String(), Kinds: coord.IncidentKinds, TLPs: coord.TLPs, Orgs: orgs, Cables: cables,
		Regions: regions, Form: form, Error: msg}
	if status != http.StatusOK {
		w.Header().Set("Cache-Control", "no-store")
	}
	s.renderScript(w, r, rq, status, "incident-form", rq.t("incident.report"), p, true)
	return nil
}

// incidentCreate reports the incident through the service and shows it;
// a mistake shows the form again, filled in, with the message.
func (s *server) incidentCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	f := r.PostForm
	in, err := incidentFromForm(f)
	if err == nil {
		err = s.svc.Incidents.CreateIncident(r.Context(), rq.viewer, in)
	}
	if lifeline.ErrorCode(err) == lifeline.EINVALID {
		return s.showIncidentForm(w, r, rq, http.StatusBadRequest, f, rq.errText(err))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/incidents/"+url.PathEscape(in.ID), http.StatusSeeOther)
	return nil
}

func incidentFromForm(f url.Values) (*coord.Incident, error) {
	countries, err := parseCountries("countries", f.Get("countries"))
	if err != nil {
		return nil, err
	}
	area, err := parseArea(f)
	if err != nil {
		return nil, err
	}
	tlp, err := parseTLP(f.Get("tlp"))
	if err != nil {
		return nil, err
	}
	in := &coord.Incident{
		Title: strings.TrimSpace(f.Get("title")), Description: strings.TrimSpace(f.Get("description")),
		Kind: coord.IncidentKind(f.Get("kind")), Countries: countries, Area: area,
		Severity: f.Get("severity"), Urgency: f.Get("urgency"), Certainty: f.Get("certainty"),
		Marking: coord.Marking{TLP: tlp},
	}
	for _, c := range nonEmpty(f["cable"]) {
		in.Elements = append(in.Elements, "cable:"+c)
	}
	if tlp == coord.TLPAmber || tlp == coord.TLPAmberStrict {
		in.Orgs = nonEmpty(f["share"])
	}
	if u := strings.TrimSpace(f.Get("evidence_url")); u != "" {
		in.Evidence = append(in.Evidence, coord.Evidence{Kind: "link", URL: u, Note: strings.TrimSpace(f.Get("evidence_note"))})
	} else if n := strings.TrimSpace(f.Get("evidence_note")); n != "" {
		in.Evidence = append(in.Evidence, coord.Evidence{Kind: "signal", Signal: n})
	}
	return in, nil
}

type timelineEntry struct {
	At   time.Time
	Org  string
	What string
}

type incidentPage struct {
	Incident  *coord.Incident
	Map       string
	Orgs      map[string]string
	Timeline  []timelineEntry
	Needs     []needState
	Matches   []matchView
	NeedTitle map[string]string
	Moves     []coord.IncidentStatus // the steps the viewer may take
	Repair    bool                   // the viewer may move repairs
	Elements  []string               // elements a repair may name
	Repairs   []coord.RepairStatus
	// ElementNames names each element of the incident and its repairs,
	// with a link to its atlas page when the atlas has it.
	ElementNames map[string]elementRef
	// Norms are the catalogue's entries the incident engages, from what
	// the viewer may see of it and of the situations recorded around it;
	// nil when the engine could not read the incident.
	Norms *norms.Explanation
	// DismissMeans: the incident was drafted from signals and may be, or
	// was, dismissed; the page says what a dismissal records.
	DismissMeans bool
	// Impact is what the named elements cost (nil when it names none);
	// Candidates the failures that explain its drops (nil when closed).
	Impact     *impactPanel
	Candidates *candidatesView
	// Restoration has a row for every affected element, tracked or not.
	Restoration []restorationRow
	// Custody is the chain of custody of the evidence the viewer may see.
	Custody []norms.Custody
}

// restorationRow is one element's repair; Status is "" when no step is
// recorded yet.
type restorationRow struct {
	Element  string
	Status   coord.RepairStatus
	Timeline []coord.RepairStep
}

// fromSignals says whether an incident carries measured signals as
// evidence, as those drafted from the detector's alerts do.
func fromSignals(in *coord.Incident) bool {
	return slices.ContainsFunc(in.Evidence, func(e coord.Evidence) bool { return e.Kind == "signal" })
}

// elementRef is an element as a page shows it: its name and its page.
type elementRef struct{ Name, URL string }

// elementRef names an atlas element id ("cable:seacom",
// "landing_point:djibouti-city-djibouti", "country:SD") for people; an id
// the atlas does not know shows as it is.
func (s *server) elementRef(rq *request, id string) elementRef {
	kind, ref, _ := strings.Cut(id, ":")
	switch kind {
	case "cable":
		if c, ok := s.atlas.Cable(ref); ok {
			return elementRef{Name: rq.t("element.named", rq.t("element.cable"), c.Name), URL: "/atlas/cables/" + url.PathEscape(c.ID)}
		}
	case "segment":
		if ref, ok := s.segmentRef(rq, ref); ok {
			return ref
		}
	case "landing_point", "lp":
		if lp, ok := s.atlas.LandingPoint(ref); ok {
			return elementRef{Name: rq.t("element.named", rq.t("element.landing_point"), lp.Name), URL: "/atlas/landing-points/" + url.PathEscape(lp.ID)}
		}
	case "country":
		if _, ok := geo.Lookup(ref); ok {
			return elementRef{Name: countryName(rq.printer, ref), URL: "/atlas/countries/" + url.PathEscape(ref)}
		}
	}
	return elementRef{Name: id}
}

// incidentPage shows one incident: map, facts, evidence, timeline (from
// the ledger), the needs raised for it with their commitments, and its
// restoration, with the steps the viewer may take.
func (s *server) incidentPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	v := rq.viewer
	in, err := s.svc.Incidents.FindIncidentByID(ctx, v, r.PathValue("id"))
	if err == nil {
		err = s.noteOrigin(ctx, rq, in.ID)
	}
	if err != nil {
		return err
	}
	pic, err := s.picture(ctx, v)
	if err != nil {
		return err
	}
	p := incidentPage{Incident: in, Orgs: pic.Orgs, NeedTitle: map[string]string{},
		Repairs: []coord.RepairStatus{coord.RepairDamaged, coord.RepairScheduled, coord.RepairRepairing, coord.RepairRestored}}
	var needs []*coord.Need
	for _, n := range pic.Needs {
		if n.IncidentID == in.ID {
			needs = append(needs, n)
			p.NeedTitle[n.ID] = n.Title
		}
	}
	p.Needs = needStates(needs, pic.Matches)
	p.Norms = s.incidentNorms(ctx, v, in)
	p.Custody = s.custody(ctx, v, in)
	var ms []*coord.Match
	for _, m := range pic.Matches {
		if _, ok := p.NeedTitle[m.NeedID]; ok {
			ms = append(ms, m)
		}
	}
	p.Matches = s.matchViews(v, ms)
	for _, to := range []coord.IncidentStatus{coord.IncidentVerified, coord.IncidentResponding, coord.IncidentRestoring, coord.IncidentResolved, coord.IncidentDismissed} {
		if coord.CanMoveIncident(v, in, to) == nil {
			p.Moves = append(p.Moves, to)
		}
	}
	p.DismissMeans = fromSignals(in) && (slices.Contains(p.Moves, coord.IncidentDismissed) || in.Status == coord.IncidentDismissed)
	p.Repair = coord.CanCoordinate(v, in.Marking) && open(in)
	p.Elements = slices.Clone(in.Elements)
	for _, rs := range in.Restoration {
		if !slices.Contains(p.Elements, rs.Element) {
			p.Elements = append(p.Elements, rs.Element)
		}
	}
	p.ElementNames = map[string]elementRef{}
	for _, e := range p.Elements {
		p.ElementNames[e] = s.elementRef(rq, e)
	}
	if p.Timeline, err = s.timeline(ctx, rq, in.ID, pic.Orgs); err != nil {
		return err
	}
	for _, e := range p.Elements {
		row := restorationRow{Element: e}
		for _, rs := range in.Restoration {
			if rs.Element == e {
				row.Status, row.Timeline = rs.Status, rs.Timeline
			}
		}
		p.Restoration = append(p.Restoration, row)
	}
	res := s.elementsImpact(ctx, in)
	p.Impact = impactPanelOf(res)
	p.Candidates = s.incidentCandidates(ctx, rq, in)
	p.Map = s.incidentMap(rq, in, res)
	s.render(w, r, rq, http.StatusOK, "incident", in.Title, p)
	return nil
}

// incidentMap draws an incident: its countries shaded — by the capacity
// its named elements cost them, when it names any (res) — its area, and
// its elements where they are: a segment, not its whole cable.
func (s *server) incidentMap(rq *request, in *coord.Incident, res *impact.Result) string {
	pts := append(areaPoints(in.Area), s.elementPoints(in)...)
	for _, c := range in.Countries {
		if co, ok := geo.Lookup(c); ok {
			pts = append(pts, co.Centroid)
		}
	}
	box := svgmap.World
	if len(pts) > 0 {
		box = viewAround(pts)
	}
	loss := map[string]float64{}
	if res != nil {
		for _, c := range res.Countries {
			if l := c.ObservedLoss(); l >= 0.005 || !c.Reachable {
				loss[c.Country] = l
				if !c.Reachable {
					loss[c.Country] = 1
				}
			}
		}
	}
	m := newMap(box, rq.t("map.incident", in.Title))
	m.LinksOutOfTabOrder()
	m.Countries(func(code, name string) svgmap.Style {
		if l, ok := loss[code]; ok {
			return svgmap.Style{Class: lossClass(l)}
		}
		if slices.Contains(in.Countries, code) {
			return svgmap.Style{Class: "affected"}
		}
		return svgmap.Style{}
	})
	s.drawIncidentElements(rq, m, in)
	for _, poly := range areaRings(in.Area) {
		m.Polygon(poly, svgmap.Style{Class: "area", Title: rq.t("dash.legend.area")})
	}
	return m.String()
}

// timeline reads the incident's history from the ledger: each event about
// it that the viewer may see, described by what changed. The store finds
// them by subject, through an index, not by reading the whole log.
func (s *server) timeline(ctx context.Context, rq *request, id string, orgs map[string]string) ([]timelineEntry, error) {
	v := rq.viewer
	events, err := listAll(ctx, func(f coord.ListFilter) (coord.Page[*coord.Event], error) {
		return s.svc.Events.FindEventsBySubject(ctx, v, id, f)
	})
	if err != nil {
		return nil, err
	}
	var out []timelineEntry
	var prev *coord.Incident
	for _, e := range events {
		if e.Type != coord.EventIncidentCreated && e.Type != coord.EventIncidentUpdated {
			continue
		}
		var in coord.Incident
		if json.Unmarshal(e.Payload, &in) != nil {
			continue
		}
		org := orgs[e.Org]
		if org == "" {
			org = e.Org
		}
		out = append(out, timelineEntry{At: e.Time, Org: org, What: s.describeChange(rq, prev, &in)})
		prev = &in
	}
	return out, nil
}

// describeChange says in words what changed from prev to in.
func (s *server) describeChange(rq *request, prev, in *coord.Incident) string {
	p := rq.printer
	if p == nil {
		p = english
	}
	if prev == nil {
		return rq.t("change.reported", string(in.TLP))
	}
	var parts []string
	if prev.Status != in.Status {
		parts = append(parts, rq.t("change.status", enumName(p, "status", prev.Status), enumName(p, "status", in.Status)))
	}
	for _, r := range in.Restoration {
		old := ""
		for _, q := range prev.Restoration {
			if q.Element == r.Element {
				old = string(q.Status)
			}
		}
		if old != string(r.Status) {
			parts = append(parts, rq.t("change.repair", s.elementRef(rq, r.Element).Name, enumName(p, "repair", r.Status)))
		}
	}
	if !slices.Equal(prev.Elements, in.Elements) {
		var names []string
		for _, e := range in.Elements {
			if !slices.Contains(prev.Elements, e) {
				names = append(names, s.elementRef(rq, e).Name)
			}
		}
		if len(names) > 0 {
			parts = append(parts, rq.t("change.elements", strings.Join(names, rq.t("list.sep"))))
		}
	}
	if prev.TLP != in.TLP || len(prev.Orgs) != len(in.Orgs) || len(prev.Members) != len(in.Members) {
		parts = append(parts, rq.t("change.shared", string(in.TLP)))
	}
	if len(parts) == 0 {
		return rq.t("change.details")
	}
	return strings.Join(parts, rq.t("list.semi"))
}

// incidentStatus moves an incident one step; the service checks the step
// and the viewer's right to take it.
func (s *server) incidentStatus(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	st := coord.IncidentStatus(r.PostForm.Get("status"))
	ver, _ := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
	in, err := s.svc.Incidents.UpdateIncident(r.Context(), rq.viewer, r.PathValue("id"), coord.IncidentUpdate{Status: &st, IfVersion: ver})
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/incidents/"+url.PathEscape(in.ID), http.StatusSeeOther)
	return nil
}

// incidentRepair moves one element of an incident along its repair.
func (s *server) incidentRepair(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	f := r.PostForm
	ru := &coord.RepairUpdate{Element: strings.TrimSpace(f.Get("element")), Status: coord.RepairStatus(f.Get("status")), Note: strings.TrimSpace(f.Get("note"))}
	in, err := s.svc.Incidents.UpdateIncident(r.Context(), rq.viewer, r.PathValue("id"), coord.IncidentUpdate{Repair: ru})
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/incidents/"+url.PathEscape(in.ID)+"#restoration", http.StatusSeeOther)
	return nil
}

// incidentNorms applies the normative catalogue to an incident as v sees
// it, with the situations of its countries v may see. A failure leaves the
// section out (and is logged): the rest of the page does not depend on it.
func (s *server) incidentNorms(ctx context.Context, v coord.Viewer, in *coord.Incident) *norms.Explanation {
	situations, err := norms.SituationsOf(ctx, s.svc.Situations, v, in.Countries)
	if err != nil {
		s.log.Warn("web: situations", "incident", in.ID, "err", lifeline.Trace(err))
		return nil
	}
	ex, err := s.norms.Apply(norms.FromCoord(in), situations)
	if err != nil {
		s.log.Warn("web: norms", "incident", in.ID, "err", lifeline.Trace(err))
		return nil
	}
	return ex
}
