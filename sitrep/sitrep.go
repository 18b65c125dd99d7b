// Package sitrep builds a situation report: what a member may see of a
// crisis, gathered into one value that a page, a file or the API can
// carry when the link is about to go.
//
// A report holds the open incidents and what they touch (countries,
// elements of the atlas, networks, the estimated loss of capacity where an
// estimate is given), the needs with their coverage (how much is committed,
// dispatched and delivered, and by whom only where the reader may see the
// commitment), the restoration of each damaged element, and the fresh
// alerts. Build reads everything through the coord services as the reader
// (which apply coord.CanSee) and asks coord.CanSee again of every item it
// keeps, so a report never holds what its reader may not see; its marking
// is the most restrictive TLP of everything it holds (TLP 2.0: a document
// that combines information carries the most restrictive label of its
// parts).
//
//	rep, err := sitrep.Build(ctx, svc, viewer, sitrep.Options{Country: "SD", Now: time.Now()})
//	// rep.TLP is TLP:AMBER if one need it lists is TLP:AMBER
//
// The report is data; the web package renders it as one self-contained HTML
// file (web.WriteSitrep), which lifeline sitrep, the page /sitrep and the
// API's GET /api/v1/sitrep?format=html all write. docs/sitrep.md describes
// it.
package sitrep

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"lifeline"
	"lifeline/coord"
	"lifeline/geo"
)

// FreshFor is how long an alert counts as fresh: an unverified report, or
// an alert raised by detection, of the last 72 hours.
const FreshFor = 72 * time.Hour

// MaxItems bounds each list of a report, so that a report stays one small
// file on the largest instance; Report.Omitted says how many were left out.
const MaxItems = 200

// MaxEstimates is how many incidents, the newest first, get an estimate
// of what they break: each is a run of the impact engine.
const MaxEstimates = 12

// Options say what a report covers.
type Options struct {
	// Country narrows the report to one country (ISO 3166-1 alpha-2):
	// incidents, needs and alerts that name it. Empty: every country.
	Country string
	// Now is the time of the report (the caller's clock).
	Now time.Time
	// Alerts are alerts from elsewhere — raised by detection
	// ("alert.raised" events), imported — to list beside the unverified
	// reports. Build keeps those the reader may see (coord.CanSee of their
	// marking), fresh and of the country asked for.
	Alerts []Alert
	// Estimate, when not nil, estimates what an incident breaks (the
	// impact engine over the atlas): the countries that lose capacity,
	// worst first. An error leaves the incident without an estimate.
	Estimate func(ctx context.Context, in *coord.Incident) ([]Loss, error)
	// Name, when not nil, names an atlas element id ("cable:seacom");
	// without it, or when it returns "", the id is shown.
	Name func(id string) string
}

// Report is a situation report as one reader may see it.
type Report struct {
	Generated time.Time `json:"generated"`
	Country   string    `json:"country,omitempty"`
	// Reader is the name of the reader's organisation; empty for an
	// anonymous reader.
	Reader string `json:"reader,omitempty"`
	// TLP is the report's marking: the most restrictive of everything it
	// holds; TLP:CLEAR when it holds nothing marked.
	TLP       coord.TLP  `json:"tlp"`
	Incidents []Incident `json:"incidents"`
	Needs     []Need     `json:"needs"`
	Repairs   []Repair   `json:"restoration"`
	Alerts    []Alert    `json:"alerts"`
	// Countries are those the open incidents name, sorted: the map shades
	// them.
	Countries []string `json:"countries"`
	// Omitted counts the items left out over MaxItems per list.
	Omitted int `json:"omitted,omitempty"`
}

// Incident is an open incident and what it touches.
type Incident struct {
	ID        string               `json:"id"`
	Title     string               `json:"title"`
	Kind      coord.IncidentKind   `json:"kind"`
	Status    coord.IncidentStatus `json:"status"`
	Severity  string               `json:"severity,omitempty"`
	Countries []string             `json:"countries,omitempty"`
	Area      *coord.Area          `json:"area,omitempty"`
	Elements  []Element            `json:"elements,omitempty"`
	ASNs      []uint32             `json:"asns,omitempty"`
	Start     time.Time            `json:"start"` // when it started, else when it was reported
	// Loss is the estimated loss of international capacity per country,
	// worst first (Options.Estimate); empty without an estimate.
	Loss []Loss    `json:"loss,omitempty"`
	TLP  coord.TLP `json:"tlp"`
}

// Element is an element of the atlas with its name.
type Element struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Loss is what one country loses in an incident: the share of its
// international capacity (0..1), and whether it is cut off.
type Loss struct {
	Country  string  `json:"country"`
	Capacity float64 `json:"capacity_loss"`
	CutOff   bool    `json:"cut_off"`
}

// Need is an open need with its coverage.
type Need struct {
	ID         string       `json:"id"`
	Title      string       `json:"title"`
	Category   string       `json:"category"`
	IncidentID string       `json:"incident_id,omitempty"`
	Countries  []string     `json:"countries,omitempty"`
	Place      *coord.Place `json:"place,omitempty"`
	Urgency    string       `json:"urgency,omitempty"`
	Quantity   int64        `json:"quantity"`
	Unit       string       `json:"unit"`
	Covered    int64        `json:"covered"`
	Dispatched int64        `json:"dispatched"`
	Delivered  int64        `json:"delivered"`
	By         []Commitment `json:"commitments"`
	TLP        coord.TLP    `json:"tlp"`
}

// Met reports whether commitments cover the whole need.
func (n Need) Met() bool { return n.Covered >= n.Quantity }

// Commitment is one commitment to a need that the reader may see: who
// committed, how much, how far along.
type Commitment struct {
	Org      string            `json:"org"` // the offering organisation's id
	OrgName  string            `json:"org_name,omitempty"`
	Quantity int64             `json:"quantity"`
	Status   coord.MatchStatus `json:"status"`
}

// Repair is where the repair of one damaged element of an open incident
// stands.
type Repair struct {
	IncidentID string             `json:"incident_id"`
	Incident   string             `json:"incident"`
	Element    Element            `json:"element"`
	Status     coord.RepairStatus `json:"status"`
	Since      time.Time          `json:"since"`
}

// Alert is a fresh sign of trouble that nobody has verified yet: an
// unverified report, or an alert raised by detection.
type Alert struct {
	Title     string        `json:"title"`
	Countries []string      `json:"countries,omitempty"`
	At        time.Time     `json:"at"`
	Source    string        `json:"source"` // "report", or what raised it (e.g. "detector")
	Ref       string        `json:"ref,omitempty"`
	Marking   coord.Marking `json:"-"`
	TLP       coord.TLP     `json:"tlp"`
}

// Build gathers the report v may see. It reads every list through svc as v
// and keeps an item only if coord.CanSee allows it to v.
//
// Errors: EINVALID for a bad country code, and whatever the services
// return.
func Build(ctx context.Context, svc coord.Services, v coord.Viewer, opt Options) (*Report, error) {
	const op = "sitrep.Build"
	country := strings.ToUpper(strings.TrimSpace(opt.Country))
	if country != "" {
		if _, ok := geo.Lookup(country); !ok {
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "country: expected an ISO 3166-1 alpha-2 code such as SD, found %q", trunc(opt.Country))
		}
	}
	if opt.Now.IsZero() {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "the time of the report is required")
	}
	now := opt.Now.UTC()
	rep := &Report{Generated: now, Country: country, TLP: coord.TLPClear,
		Incidents: []Incident{}, Needs: []Need{}, Repairs: []Repair{}, Alerts: []Alert{}, Countries: []string{}}
	mark := func(m coord.Marking) {
		for _, t := range append([]coord.TLP{m.TLP}, revealedTLPs(m)...) {
			if rep.TLP.Wider(t) {
				rep.TLP = t
			}
		}
	}
	name := func(id string) Element {
		e := Element{ID: id, Name: id}
		if opt.Name != nil {
			if n := opt.Name(id); n != "" {
				e.Name = n
			}
		}
		return e
	}
	filter := coord.ListFilter{Country: country}
	incidents, err := all(ctx, filter, func(f coord.ListFilter) (coord.Page[*coord.Incident], error) {
		return svc.Incidents.FindIncidents(ctx, v, f)
	})
	if err != nil {
		return nil, err
	}
	orgs, err := all(ctx, coord.ListFilter{}, func(f coord.ListFilter) (coord.Page[*coord.Org], error) { return svc.Orgs.FindOrgs(ctx, v, f) })
	if err != nil {
		return nil, err
	}
	orgName := map[string]string{}
	for _, o := range orgs {
		orgName[o.ID] = o.Name
	}
	if !v.Anonymous() {
		rep.Reader = cmp.Or(orgName[v.OrgID], v.OrgID)
	}
	affected := map[string]bool{}
	var estimate []*coord.Incident // the incidents listed, to estimate
	var alerts []Alert
	for _, in := range incidents {
		if !coord.CanSee(v, in.Marking) || !names(in.Countries, country) {
			continue
		}
		if in.Status == coord.IncidentReported && now.Sub(in.Created) < FreshFor {
			alerts = append(alerts, Alert{Title: in.Title, Countries: in.Countries, At: in.Created, Source: "report", Ref: in.ID, Marking: in.Marking})
		}
		if in.Status == coord.IncidentResolved || in.Status == coord.IncidentDismissed {
			continue
		}
		if len(rep.Incidents) == MaxItems {
			rep.Omitted++
			continue
		}
		mark(in.Marking)
		ri := Incident{ID: in.ID, Title: in.Title, Kind: in.Kind, Status: in.Status, Severity: in.Severity,
			Countries: in.Countries, Area: in.Area, ASNs: in.ASNs, Start: in.Created, TLP: in.TLP}
		if in.Start != nil {
			ri.Start = *in.Start
		}
		for _, e := range in.Elements {
			ri.Elements = append(ri.Elements, name(e))
		}
		for _, c := range in.Countries {
			affected[c] = true
		}
		rep.Incidents = append(rep.Incidents, ri)
		estimate = append(estimate, in)
		for _, r := range in.Restoration {
			since := in.Created
			if n := len(r.Timeline); n > 0 {
				since = r.Timeline[n-1].At
			}
			rep.Repairs = append(rep.Repairs, Repair{IncidentID: in.ID, Incident: in.Title, Element: name(r.Element), Status: r.Status, Since: since})
		}
	}
	// The most urgent first: the newest incidents, the repairs furthest
	// from done.
	slices.SortStableFunc(rep.Incidents, func(a, b Incident) int { return b.Start.Compare(a.Start) })
	if opt.Estimate != nil {
		byID := map[string]*coord.Incident{}
		for _, in := range estimate {
			byID[in.ID] = in
		}
		for i := range rep.Incidents[:min(len(rep.Incidents), MaxEstimates)] {
			if loss, err := opt.Estimate(ctx, byID[rep.Incidents[i].ID]); err == nil {
				rep.Incidents[i].Loss = loss
			}
		}
	}
	slices.SortStableFunc(rep.Repairs, func(a, b Repair) int { return cmp.Compare(repairRank(a.Status), repairRank(b.Status)) })
	if len(rep.Repairs) > MaxItems {
		rep.Omitted += len(rep.Repairs) - MaxItems
		rep.Repairs = rep.Repairs[:MaxItems]
	}
	for c := range affected {
		rep.Countries = append(rep.Countries, c)
	}
	slices.Sort(rep.Countries)

	needs, err := all(ctx, coord.ListFilter{Country: country, Status: coord.ResourceOpen}, func(f coord.ListFilter) (coord.Page[*coord.Need], error) {
		return svc.Needs.FindNeeds(ctx, v, f)
	})
	if err != nil {
		return nil, err
	}
	for _, n := range needs {
		if !coord.CanSee(v, n.Marking) || !n.Open(now) || (country != "" && !names(n.Countries, country)) {
			continue
		}
		if len(rep.Needs) == MaxItems {
			rep.Omitted++
			continue
		}
		mark(n.Marking)
		rn := Need{ID: n.ID, Title: n.Title, Category: n.Category, IncidentID: n.IncidentID, Countries: n.Countries, Place: n.Place,
			Urgency: n.Urgency, Quantity: n.Quantity, Unit: n.Unit, By: []Commitment{}, TLP: n.TLP}
		if c := n.Coverage; c != nil {
			// The quantities belong to the need; who committed is named
			// only from the matches the reader may see.
			rn.Covered, rn.Dispatched, rn.Delivered = c.Covered, c.Dispatched, c.Delivered
			byMatch, err := visibleMatches(ctx, svc, v, c.Matches)
			if err != nil {
				return nil, err
			}
			for _, m := range byMatch {
				if m.Status == coord.MatchProposed || !m.Active() {
					continue
				}
				mark(m.Marking)
				rn.By = append(rn.By, Commitment{Org: m.OfferOrg, OrgName: orgName[m.OfferOrg], Quantity: m.Quantity, Status: m.Status})
			}
		}
		rep.Needs = append(rep.Needs, rn)
	}
	// Unmet needs first, then the least covered.
	slices.SortStableFunc(rep.Needs, func(a, b Need) int {
		return cmp.Compare(share(a), share(b))
	})

	for _, a := range opt.Alerts {
		if coord.CanSee(v, a.Marking) && names(a.Countries, country) && now.Sub(a.At) < FreshFor && !a.At.After(now) {
			alerts = append(alerts, a)
		}
	}
	slices.SortStableFunc(alerts, func(a, b Alert) int { return b.At.Compare(a.At) })
	for _, a := range alerts {
		if len(rep.Alerts) == MaxItems {
			rep.Omitted++
			continue
		}
		mark(a.Marking)
		a.TLP = a.Marking.TLP
		rep.Alerts = append(rep.Alerts, a)
	}
	return rep, nil
}

// visibleMatches reads again, as v, each match a coverage names, so that
// a commitment is named from what the match service itself returns to v;
// a match v may not see (or no longer exists) is left out.
func visibleMatches(ctx context.Context, svc coord.Services, v coord.Viewer, cms []coord.CoverageMatch) ([]*coord.Match, error) {
	var out []*coord.Match
	for _, cm := range cms {
		m, err := svc.Matches.FindMatchByID(ctx, v, cm.MatchID)
		if lifeline.ErrorCode(err) == lifeline.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		if coord.CanSee(v, m.Marking) {
			out = append(out, m)
		}
	}
	return out, nil
}

// revealedTLPs lists the levels of the items a derived marking reveals.
func revealedTLPs(m coord.Marking) []coord.TLP {
	var out []coord.TLP
	for _, r := range m.Reveals {
		out = append(out, r.TLP)
	}
	return out
}

// share is how much of a need is covered, 0..1.
func share(n Need) float64 {
	if n.Quantity <= 0 {
		return 1
	}
	return float64(n.Covered) / float64(n.Quantity)
}

func repairRank(s coord.RepairStatus) int {
	return slices.Index([]coord.RepairStatus{coord.RepairDamaged, coord.RepairScheduled, coord.RepairRepairing, coord.RepairRestored}, s)
}

// names reports whether countries holds country, or country is empty.
func names(countries []string, country string) bool {
	return country == "" || slices.Contains(countries, country)
}

// all reads every page of a list, up to 10,000 items.
func all[T any](ctx context.Context, f coord.ListFilter, find func(coord.ListFilter) (coord.Page[T], error)) ([]T, error) {
	var out []T
	f.Limit = coord.MaxPageSize
	for {
		p, err := find(f)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Items...)
		if p.Next == "" || len(out) >= 10000 || ctx.Err() != nil {
			return out, ctx.Err()
		}
		f.After = p.Next
	}
}

func trunc(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
