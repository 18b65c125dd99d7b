package sitrep_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"lifeline"
	"lifeline/coord"
	"lifeline/sitrep"
)

// leaky services return every item whatever the viewer: Build must still
// keep only what coord.CanSee lets the reader see.
type leakyIncidents struct {
	coord.IncidentService
	items []*coord.Incident
}

func (s leakyIncidents) FindIncidents(context.Context, coord.Viewer, coord.ListFilter) (coord.Page[*coord.Incident], error) {
	return coord.Page[*coord.Incident]{Items: s.items}, nil
}

type leakyNeeds struct {
	coord.NeedService
	items []*coord.Need
}

func (s leakyNeeds) FindNeeds(context.Context, coord.Viewer, coord.ListFilter) (coord.Page[*coord.Need], error) {
	return coord.Page[*coord.Need]{Items: s.items}, nil
}

type leakyMatches struct {
	coord.MatchService
	items map[string]*coord.Match
}

func (s leakyMatches) FindMatchByID(_ context.Context, _ coord.Viewer, id string) (*coord.Match, error) {
	if m, ok := s.items[id]; ok {
		return m, nil
	}
	return nil, lifeline.Errorf(lifeline.ENOTFOUND, "test", "no such match")
}

type orgs struct{ coord.OrgService }

func (orgs) FindOrgs(context.Context, coord.Viewer, coord.ListFilter) (coord.Page[*coord.Org], error) {
	return coord.Page[*coord.Org]{Items: []*coord.Org{{ID: "A", Name: "Alpha"}, {ID: "B", Name: "Bravo"}}}, nil
}

// TestBuildAsksCanSee: services that leak every item to every viewer
// still give a report of only what the reader may see, naming a
// commitment only where the reader may see it, marked with the most
// restrictive TLP of what it holds.
func TestBuildAsksCanSee(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	mark := func(tlp coord.TLP, org string, orgs ...string) coord.Marking {
		return coord.Marking{TLP: tlp, Org: org, Author: "m" + org, Orgs: orgs}
	}
	in := func(id string, m coord.Marking) *coord.Incident {
		return &coord.Incident{ID: id, Title: id, Kind: coord.KindCableCut, Status: coord.IncidentVerified, Countries: []string{"SD"},
			Marking: m, Created: now.Add(-time.Hour)}
	}
	need := &coord.Need{Resource: coord.Resource{ID: "need", Title: "need", Quantity: 4, Unit: "units", Countries: []string{"SD"},
		Status: coord.ResourceOpen, Marking: mark(coord.TLPGreen, "A")}}
	// B's commitment of 3, shared by A and B only.
	match := &coord.Match{ID: "match", NeedID: "need", OfferID: "offer", NeedOrg: "A", OfferOrg: "B", Quantity: 3, Status: coord.MatchCommitted,
		Marking: coord.Derive(mark(coord.TLPAmber, "B", "A"), need.Marking, mark(coord.TLPAmber, "B", "A"))}
	need.Coverage = &coord.Coverage{Held: 3, Covered: 3, Matches: []coord.CoverageMatch{{MatchID: "match", NeedID: "need", OfferID: "offer",
		NeedOrg: "A", OfferOrg: "B", Quantity: 3, Status: coord.MatchCommitted}}}
	svc := coord.Services{
		Orgs: orgs{},
		Incidents: leakyIncidents{items: []*coord.Incident{
			in("public", mark(coord.TLPClear, "A")), in("green", mark(coord.TLPGreen, "A")),
			in("amber-of-b", mark(coord.TLPAmber, "B")), in("red", mark(coord.TLPRed, "A")),
		}},
		Needs:   leakyNeeds{items: []*coord.Need{need}},
		Matches: leakyMatches{items: map[string]*coord.Match{"match": match}},
	}
	for _, tt := range []struct {
		name      string
		v         coord.Viewer
		incidents []string
		named     int
		tlp       coord.TLP
	}{
		{"anyone", coord.Viewer{}, []string{"public"}, 0, coord.TLPClear},
		{"a member of A", coord.Viewer{MemberID: "a1", OrgID: "A", OrgVerified: true}, []string{"public", "green"}, 1, coord.TLPAmber},
		{"a member of B", coord.Viewer{MemberID: "b1", OrgID: "B", OrgVerified: true}, []string{"public", "green", "amber-of-b"}, 1, coord.TLPAmber},
		{"a member of C", coord.Viewer{MemberID: "c1", OrgID: "C", OrgVerified: true}, []string{"public", "green"}, 0, coord.TLPGreen},
	} {
		rep, err := sitrep.Build(context.Background(), svc, tt.v, sitrep.Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, in := range rep.Incidents {
			got = append(got, in.ID)
		}
		if len(got) != len(tt.incidents) {
			t.Errorf("%s: incidents %v, want %v", tt.name, got, tt.incidents)
		}
		for i := range min(len(got), len(tt.incidents)) {
			if !slices.Contains(tt.incidents, got[i]) {
				t.Errorf("%s: holds incident %s it may not see", tt.name, got[i])
			}
		}
		if rep.TLP != tt.tlp {
			t.Errorf("%s: marked %s, want %s", tt.name, rep.TLP, tt.tlp)
		}
		if tt.v.Anonymous() {
			if len(rep.Needs) != 0 {
				t.Errorf("%s: holds the TLP:GREEN need", tt.name)
			}
			continue
		}
		if len(rep.Needs) != 1 || rep.Needs[0].Covered != 3 || len(rep.Needs[0].By) != tt.named {
			t.Fatalf("%s: needs %+v; want the need, 3 covered, %d commitments named", tt.name, rep.Needs, tt.named)
		}
		if tt.named == 1 && rep.Needs[0].By[0].OrgName != "Bravo" {
			t.Errorf("%s: the commitment is named %+v", tt.name, rep.Needs[0].By[0])
		}
	}
}

// TestBuildRefuses: a country that is not a code, and a report without a
// time, change nothing and say what is wrong.
func TestBuildRefuses(t *testing.T) {
	for _, tt := range []struct {
		opt  sitrep.Options
		want string
	}{
		{sitrep.Options{Country: "Sudan", Now: time.Now()}, `country: expected an ISO 3166-1 alpha-2 code such as SD, found "Sudan"`},
		{sitrep.Options{Country: "XX", Now: time.Now()}, "country: expected an ISO 3166-1 alpha-2 code"},
		{sitrep.Options{}, "the time of the report is required"},
	} {
		_, err := sitrep.Build(context.Background(), coord.Services{}, coord.Viewer{}, tt.opt)
		if lifeline.ErrorCode(err) != lifeline.EINVALID || err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Build(%+v) = %v, want EINVALID saying %q", tt.opt, err, tt.want)
		}
	}
}
