// Package demo seeds a demonstration instance of Lifeline, so that a
// newcomer sees the mechanism at work within a minute: organisations of
// every kind, incidents drawn from scenarios run on the atlas (a cut in
// the southern Red Sea, a national shutdown, a landing station without
// power, a volcanic eruption that is over), needs and offers, proposals of
// the matching engine, and commitments at every step of their lifecycle.
//
// Everything goes through the coord service interfaces, as a member would
// through the API or the web, so the demonstration obeys the same rules
// (TLP, roles, state machines) as real use. The data are made up: names of
// organisations are invented, and the incidents are what-ifs computed by
// the impact engine, not reports.
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"lifeline"
	"lifeline/coord"
	"lifeline/geo"
	"lifeline/impact"
)

// Member is a demonstration member and the token to log in with.
type Member struct {
	Name  string `json:"name"`
	Org   string `json:"org"`
	Role  string `json:"role"`
	Token string `json:"token"`
}

// Result is what Seed made: the members to log in as, and counts.
type Result struct {
	Members   []Member `json:"members"`
	Orgs      int      `json:"orgs"`
	Incidents int      `json:"incidents"`
	Needs     int      `json:"needs"`
	Offers    int      `json:"offers"`
	Matches   int      `json:"matches"`
}

// org is one demonstration organisation.
type org struct {
	key      string
	name     string
	kind     coord.OrgKind
	cc       []string
	asns     []uint32
	verified bool
	member   string
	role     coord.Role
}

// The organisations: one of every kind, with a member each. The
// community network is left unverified, so the directory shows the
// endorsement at work.
var orgs = []org{
	{"ministry", "Ministry of Digital Affairs (demo)", coord.OrgGovernment, []string{"SD"}, nil, true, "Amal Osman", coord.RoleCoordinator},
	{"regulator", "Telecommunications Regulatory Authority (demo)", coord.OrgRegulator, []string{"SD"}, nil, true, "Hassan Idris", coord.RoleCoordinator},
	{"operator", "Nile Mobile (demo)", coord.OrgOperator, []string{"SD", "SS"}, []uint32{64500}, true, "Sara Mahmoud", coord.RoleOrgAdmin},
	{"ixp", "Khartoum Internet Exchange (demo)", coord.OrgIXP, []string{"SD"}, []uint32{64501}, true, "Omar Yousif", coord.RoleCoordinator},
	{"cable", "Red Sea Cable Consortium (demo)", coord.OrgCableOwner, []string{"DJ", "SA", "EG"}, nil, true, "Lina Haddad", coord.RoleOrgAdmin},
	{"satellite", "OrbitBridge Satellite (demo)", coord.OrgSatelliteOperator, nil, nil, true, "Jonas Berg", coord.RoleCoordinator},
	{"civil", "Open Access Watch (demo)", coord.OrgCivilSociety, []string{"SD", "ET"}, nil, true, "Mariam Tesfaye", coord.RoleCoordinator},
	{"international", "Regional Connectivity Alliance (demo)", coord.OrgInternational, nil, nil, true, "Paul Mensah", coord.RoleCoordinator},
	{"humanitarian", "Field Relief Network (demo)", coord.OrgHumanitarian, []string{"SD", "SS", "TO"}, nil, true, "Aisha Bello", coord.RoleOrgAdmin},
	{"research", "Internet Measurement Lab (demo)", coord.OrgResearch, nil, nil, true, "Chen Wei", coord.RoleCoordinator},
	{"other", "Community Mesh Network (demo)", coord.OrgOther, []string{"SD"}, nil, false, "Yusuf Adam", coord.RoleReporter},
}

// actor is a member acting in the demonstration.
type actor struct {
	org string
	v   coord.Viewer
}

// Seed fills an empty instance with the demonstration, acting as admin (an
// instance administrator) to add organisations and members, then as each
// member. g runs the scenarios the incidents come from. It returns the
// members and their tokens.
//
// Errors: ECONFLICT if the instance already has incidents (seed only a
// fresh instance); EFORBIDDEN if admin is not an instance administrator;
// any error of the services, as they return it.
func Seed(ctx context.Context, svc coord.Services, admin coord.Viewer, g *impact.Graph) (*Result, error) {
	const op = "demo.Seed"
	if admin.Role != coord.RoleInstanceAdmin {
		return nil, lifeline.Errorf(lifeline.EFORBIDDEN, op, "seeding needs an instance administrator")
	}
	if p, err := svc.Incidents.FindIncidents(ctx, admin, coord.ListFilter{Limit: 1}); err != nil {
		return nil, err
	} else if len(p.Items) > 0 {
		return nil, lifeline.Errorf(lifeline.ECONFLICT, op, "the instance already has incidents; the demonstration seeds only a fresh instance")
	}
	s := &seeder{svc: svc, g: g, res: &Result{}, by: map[string]actor{}, ids: map[string]string{}}
	if err := s.orgs(ctx, admin); err != nil {
		return nil, fmt.Errorf("%s: organisations: %w", op, err)
	}
	if err := s.incidents(ctx); err != nil {
		return nil, fmt.Errorf("%s: incidents: %w", op, err)
	}
	if err := s.resources(ctx); err != nil {
		return nil, fmt.Errorf("%s: needs and offers: %w", op, err)
	}
	return s.res, nil
}

type seeder struct {
	svc coord.Services
	g   *impact.Graph
	res *Result
	by  map[string]actor  // org key → its member
	ids map[string]string // names of seeded items → ids
}

func (s *seeder) orgs(ctx context.Context, admin coord.Viewer) error {
	for _, o := range orgs {
		rec := &coord.Org{Name: o.name, Kind: o.kind, Countries: o.cc, ASNs: o.asns, Verified: o.verified,
			Contacts: []coord.Contact{{Name: o.member, Email: strings.ToLower(strings.Fields(o.member)[0]) + "@" + o.key + ".example"}}}
		if err := s.svc.Orgs.CreateOrg(ctx, admin, rec); err != nil {
			return fmt.Errorf("%s: %w", o.name, err)
		}
		s.res.Orgs++
		m := &coord.Member{OrgID: rec.ID, Name: o.member, Role: o.role}
		tok, err := s.svc.Members.CreateMember(ctx, admin, m)
		if err != nil {
			return fmt.Errorf("%s: member: %w", o.name, err)
		}
		v, err := s.svc.Members.Authenticate(ctx, tok)
		if err != nil {
			return err
		}
		s.by[o.key] = actor{org: rec.ID, v: v}
		s.res.Members = append(s.res.Members, Member{Name: o.member, Org: o.name, Role: string(o.role), Token: tok})
	}
	// One verified organisation endorses the community network; one more
	// endorsement will verify it, which a newcomer can give from the
	// directory.
	if _, err := s.svc.Orgs.EndorseOrg(ctx, s.by["operator"].v, s.by["other"].org); err != nil {
		return fmt.Errorf("endorse: %w", err)
	}
	return nil
}

// circle returns a closed polygon of n points around a centre, as an area.
func circle(lon, lat, km float64, n int) *coord.Area {
	var ring []coord.Position
	for _, p := range geo.Circle(geo.Point{Lon: lon, Lat: lat}, km, n) {
		ring = append(ring, coord.Position{math.Round(p.Lon*1e4) / 1e4, math.Round(p.Lat*1e4) / 1e4})
	}
	b, _ := json.Marshal([][]coord.Position{ring})
	return &coord.Area{Type: "Polygon", Coordinates: b}
}

// scenarioImpact runs a scenario and returns the countries it affects,
// most first (at most max), and the cables that fail.
func (s *seeder) scenarioImpact(ctx context.Context, sc *impact.Scenario, max int) (countries, cables []string, err error) {
	res, err := s.g.Simulate(ctx, sc, impact.RunOptions{Samples: 50, Seed: 1, Workers: 1})
	if err != nil {
		return nil, nil, err
	}
	for _, c := range res.Countries {
		if c.ReachableBefore && (c.CapacityLoss > 0 || !c.Reachable) && len(countries) < max {
			countries = append(countries, c.Country)
		}
	}
	return countries, res.Failed.Cables, nil
}

func ptr[T any](x T) *T { return &x }

func (s *seeder) incidents(ctx context.Context) error {
	// 1. Cables cut in the southern Red Sea: public, verified by another
	// organisation, repairs under way.
	redSea := &impact.Scenario{Name: "Southern Red Sea cut", Events: []impact.Event{{Region: &impact.Region{Kind: "sabotage",
		Circle: &impact.Circle{Center: []float64{42.3, 14.9}, RadiusKm: 60}}}}}
	cc, cables, err := s.scenarioImpact(ctx, redSea, 6)
	if err != nil {
		return err
	}
	if len(cc) == 0 {
		cc = []string{"YE", "DJ", "SD"}
	}
	var elems []string
	for _, c := range cables {
		elems = append(elems, "cable:"+c)
	}
	cable := s.by["cable"]
	in := &coord.Incident{Title: "Cables cut in the southern Red Sea", Kind: coord.KindCableCut,
		Description: "Several systems lost light at once near 14.9°N 42.3°E; a dragged anchor is suspected. The impact engine estimates capacity losses for the countries listed.",
		Countries:   cc, Area: circle(42.3, 14.9, 60, 24), Elements: elems, Severity: coord.SeveritySevere,
		Urgency: coord.UrgencyImmediate, Certainty: coord.CertaintyObserved, Marking: coord.Marking{TLP: coord.TLPClear},
		Evidence: []coord.Evidence{{Kind: "signal", Signal: "ioda:bgp:country:YE", Note: "visible prefixes fell by a third"}}}
	if err := s.svc.Incidents.CreateIncident(ctx, cable.v, in); err != nil {
		return fmt.Errorf("red sea: %w", err)
	}
	s.ids["redsea"] = in.ID
	s.res.Incidents++
	if err := s.move(ctx, in.ID, s.by["research"].v, coord.IncidentVerified); err != nil {
		return err
	}
	if err := s.move(ctx, in.ID, cable.v, coord.IncidentResponding); err != nil {
		return err
	}
	for i, e := range elems {
		if i >= 2 {
			break
		}
		for _, st := range []coord.RepairStatus{coord.RepairDamaged, coord.RepairScheduled} {
			if _, err := s.svc.Incidents.UpdateIncident(ctx, cable.v, in.ID, coord.IncidentUpdate{Repair: &coord.RepairUpdate{Element: e, Status: st,
				Note: map[coord.RepairStatus]string{coord.RepairDamaged: "fault located by OTDR", coord.RepairScheduled: "repair ship requested"}[st]}}); err != nil {
				return fmt.Errorf("repair %s: %w", e, err)
			}
		}
	}

	// 2. A national shutdown, reported by civil society under TLP:GREEN.
	// It names the one country that shut its networks down: neighbours'
	// losses are the impact estimate's to show, not places of the
	// incident.
	civil := s.by["civil"]
	shut := &coord.Incident{Title: "Nationwide mobile data shutdown", Kind: coord.KindShutdown,
		Description: "Mobile data is down across the country since the morning; fixed lines partly work. Traffic crossing the country still flows.",
		Countries:   []string{"SD"}, Severity: coord.SeverityExtreme, Urgency: coord.UrgencyImmediate, Certainty: coord.CertaintyLikely,
		Marking: coord.Marking{TLP: coord.TLPGreen},
		Shutdown: &coord.Shutdown{GeoScope: "national", Type: "shutdown", Extent: "service_based", Services: []string{"mobile data"},
			OrderedBy: "not known", InfoSource: "operators' notices and measurements", Election: ptr(false)},
		Evidence: []coord.Evidence{{Kind: "signal", Signal: "ioda:active:country:SD"}}}
	if err := s.svc.Incidents.CreateIncident(ctx, civil.v, shut); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	s.ids["shutdown"] = shut.ID
	s.res.Incidents++
	if err := s.move(ctx, shut.ID, s.by["regulator"].v, coord.IncidentVerified); err != nil {
		return err
	}

	// 3. A landing station without power, TLP:AMBER: the operator shares
	// it with the humanitarian network and the satellite operator only.
	op := s.by["operator"]
	power := &coord.Incident{Title: "Port Sudan landing station on battery power", Kind: coord.KindPowerOutage,
		Description: "Grid power lost; batteries last about 8 hours and diesel deliveries are blocked.",
		Countries:   []string{"SD"}, Area: circle(37.22, 19.62, 25, 16), Elements: []string{"landing_point:port-sudan-sudan"},
		Severity: coord.SeveritySevere, Urgency: coord.UrgencyImmediate, Certainty: coord.CertaintyObserved,
		Marking: coord.Marking{TLP: coord.TLPAmber, Orgs: []string{s.by["humanitarian"].org, s.by["satellite"].org}}}
	if err := s.svc.Incidents.CreateIncident(ctx, op.v, power); err != nil {
		return fmt.Errorf("power: %w", err)
	}
	s.ids["power"] = power.ID
	s.res.Incidents++

	// 4. An eruption that cut an island state off, now resolved: the
	// whole lifecycle.
	tonga := &impact.Scenario{Name: "Eruption", Events: []impact.Event{{Region: &impact.Region{Kind: "volcano",
		Circle: &impact.Circle{Center: []float64{-175.39, -20.55}, RadiusKm: 70}}}}}
	cc, cables, err = s.scenarioImpact(ctx, tonga, 3)
	if err != nil {
		return err
	}
	if len(cc) == 0 {
		cc = []string{"TO"}
	}
	elems = nil
	for _, c := range cables {
		elems = append(elems, "cable:"+c)
	}
	hum := s.by["humanitarian"]
	erupt := &coord.Incident{Title: "Eruption cuts the island's international cable", Kind: coord.KindNaturalHazard,
		Description: "The eruption and tsunami broke the international cable; satellite links carried essential traffic until the repair.",
		Countries:   cc, Area: circle(-175.39, -20.55, 70, 16), Elements: elems, Severity: coord.SeverityExtreme,
		Urgency: coord.UrgencyPast, Certainty: coord.CertaintyObserved, Marking: coord.Marking{TLP: coord.TLPClear}}
	if err := s.svc.Incidents.CreateIncident(ctx, hum.v, erupt); err != nil {
		return fmt.Errorf("eruption: %w", err)
	}
	s.res.Incidents++
	if err := s.move(ctx, erupt.ID, s.by["research"].v, coord.IncidentVerified); err != nil {
		return err
	}
	for _, st := range []coord.IncidentStatus{coord.IncidentResponding, coord.IncidentRestoring} {
		if err := s.move(ctx, erupt.ID, hum.v, st); err != nil {
			return err
		}
	}
	for _, e := range elems {
		for _, st := range []coord.RepairStatus{coord.RepairDamaged, coord.RepairScheduled, coord.RepairRepairing, coord.RepairRestored} {
			if _, err := s.svc.Incidents.UpdateIncident(ctx, hum.v, erupt.ID, coord.IncidentUpdate{Repair: &coord.RepairUpdate{Element: e, Status: st}}); err != nil {
				return fmt.Errorf("repair %s: %w", e, err)
			}
		}
	}
	return s.move(ctx, erupt.ID, hum.v, coord.IncidentResolved)
}

func (s *seeder) move(ctx context.Context, id string, v coord.Viewer, to coord.IncidentStatus) error {
	if _, err := s.svc.Incidents.UpdateIncident(ctx, v, id, coord.IncidentUpdate{Status: &to}); err != nil {
		return fmt.Errorf("incident %s to %s: %w", id, to, err)
	}
	return nil
}

func (s *seeder) resources(ctx context.Context) error {
	type res struct {
		key, by, title, cat, unit, urgency, incident string
		qty                                          int64
		cc                                           []string
		lead                                         time.Duration
		tlp                                          coord.TLP
		place                                        *coord.Place
	}
	needs := []res{
		{"terminals", "humanitarian", "Satellite terminals for field hospitals", "connectivity/satellite-terminal", "terminals", coord.UrgencyImmediate, "shutdown", 12, []string{"SD"}, 72 * time.Hour, coord.TLPGreen, &coord.Place{Name: "Khartoum", Lon: 32.53, Lat: 15.59}},
		{"generators", "operator", "Generators for the Port Sudan landing station", "power/generator", "generators", coord.UrgencyImmediate, "power", 2, []string{"SD"}, 24 * time.Hour, coord.TLPGreen, &coord.Place{Name: "Port Sudan", Lon: 37.22, Lat: 19.62}},
		{"ship", "cable", "Cable repair ship time", "transport/cable-ship", "days", coord.UrgencyExpected, "redsea", 14, []string{"DJ", "YE"}, 30 * 24 * time.Hour, coord.TLPClear, &coord.Place{Name: "Djibouti", Lon: 43.15, Lat: 11.59}},
		{"fuel", "ixp", "Diesel for the exchange's backup power", "power/fuel", "litres", coord.UrgencyExpected, "shutdown", 4000, []string{"SD"}, 5 * 24 * time.Hour, coord.TLPGreen, nil},
	}
	offers := []res{
		{"ku", "satellite", "Ku-band terminals with three months of capacity", "connectivity/satellite-terminal", "terminals", "", "", 8, []string{"SD", "SS", "ET", "YE"}, 48 * time.Hour, coord.TLPGreen, nil},
		{"flyaway", "international", "Fly-away satellite kits", "connectivity/satellite-terminal", "terminals", "", "", 6, nil, 96 * time.Hour, coord.TLPGreen, nil},
		{"gensets", "international", "Containerised generators, 100 kVA", "power/generator", "generators", "", "", 3, []string{"SD", "ER", "DJ"}, 36 * time.Hour, coord.TLPGreen, nil},
		{"vessel", "international", "Repair vessel slot from the regional maintenance zone", "transport/cable-ship", "days", "", "", 20, []string{"DJ", "YE", "SA", "EG"}, 12 * 24 * time.Hour, coord.TLPClear, nil},
	}
	for _, n := range needs {
		who := s.by[n.by]
		rec := &coord.Need{Resource: coord.Resource{Title: n.title, Category: n.cat, Quantity: n.qty, Unit: n.unit, Countries: n.cc,
			Urgency: n.urgency, LeadTime: coord.Duration(n.lead), IncidentID: s.ids[n.incident], Place: n.place, Marking: coord.Marking{TLP: n.tlp}}}
		if err := s.svc.Needs.CreateNeed(ctx, who.v, rec); err != nil {
			return fmt.Errorf("need %s: %w", n.title, err)
		}
		s.ids["need:"+n.key] = rec.ID
		s.res.Needs++
	}
	for _, o := range offers {
		who := s.by[o.by]
		rec := &coord.Offer{Resource: coord.Resource{Title: o.title, Category: o.cat, Quantity: o.qty, Unit: o.unit, Countries: o.cc,
			LeadTime: coord.Duration(o.lead), Marking: coord.Marking{TLP: o.tlp}}}
		if err := s.svc.Offers.CreateOffer(ctx, who.v, rec); err != nil {
			return fmt.Errorf("offer %s: %w", o.title, err)
		}
		s.ids["offer:"+o.key] = rec.ID
		s.res.Offers++
	}
	// Commitments at different steps: the terminals are dispatched, the
	// generators delivered, the repair ship committed; the fuel need waits
	// for an offer.
	steps := []struct {
		need, needBy string
		upTo         coord.MatchStatus
	}{
		{"terminals", "humanitarian", coord.MatchDispatched},
		{"generators", "operator", coord.MatchDelivered},
		{"ship", "cable", coord.MatchCommitted},
	}
	for _, st := range steps {
		requester := s.by[st.needBy]
		props, err := s.svc.Needs.Proposals(ctx, requester.v, s.ids["need:"+st.need])
		if err != nil {
			return err
		}
		if len(props) == 0 {
			return fmt.Errorf("no proposal for %s", st.need)
		}
		p := props[0]
		m, err := s.svc.Matches.CreateMatch(ctx, requester.v, coord.MatchCreate{NeedID: p.NeedID, OfferID: p.OfferID, Quantity: p.Quantity})
		if err != nil {
			return fmt.Errorf("match %s: %w", st.need, err)
		}
		s.res.Matches++
		var provider actor
		for _, a := range s.by {
			if a.org == p.OfferOrg {
				provider = a
			}
		}
		for _, to := range []coord.MatchStatus{coord.MatchCommitted, coord.MatchDispatched, coord.MatchDelivered} {
			who := provider.v
			if to == coord.MatchDelivered {
				who = requester.v
			}
			if m, err = s.svc.Matches.UpdateMatch(ctx, who, m.ID, coord.MatchUpdate{Status: to}); err != nil {
				return fmt.Errorf("match %s to %s: %w", st.need, to, err)
			}
			if to == st.upTo {
				break
			}
		}
	}
	return nil
}
