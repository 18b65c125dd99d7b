package coord_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"lifeline"
	"lifeline/coord"
)

// TestEditMatrix checks who may change what of an incident, a need and an
// offer, over every role × relation to the item × TLP level × field:
// content stays with the source organisation's reporters; coordinators it
// is shared with — and, for TLP:CLEAR and TLP:GREEN items, of any verified
// organisation — move its status and repairs; nobody else, named
// recipients of a TLP:AMBER+STRICT or TLP:RED item included, rewrites it.
// Accepting an attribution candidate and closing a repair by its signal
// are steps of the response, as repairs are.
func TestEditMatrix(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	relations := []struct {
		name, member, org string
		verified          bool
	}{
		{"author", "author", "src", true},
		{"colleague", "colleague", "src", true},
		{"named org", "n1", "named", true},
		{"named member", "rcpt", "rorg", true},
		{"other verified", "o1", "other", true},
		{"unverified", "u1", "unverified", false},
	}
	sees := func(rel string, level coord.TLP) bool {
		switch level {
		case coord.TLPClear:
			return true
		case coord.TLPGreen:
			return rel != "unverified"
		case coord.TLPAmber, coord.TLPAmberStrict:
			return slices.Contains([]string{"author", "colleague", "named org", "named member"}, rel)
		case coord.TLPRed:
			return rel == "author" || rel == "named member"
		}
		return false
	}
	start := now.Add(-time.Hour)
	incidentFields := map[string]coord.IncidentUpdate{
		"title":       {Title: ptr("Cut")},
		"description": {Description: ptr("more")},
		"countries":   {Countries: &[]string{"SD"}},
		"area":        {Area: &coord.Area{Type: "Polygon", Coordinates: json.RawMessage(`[[[37,19],[38,19],[38,20],[37,19]]]`)}},
		"elements":    {Elements: &[]string{"cable:eassy", "cable:seacom"}},
		"asns":        {ASNs: &[]uint32{37211}},
		"start":       {Start: &start},
		"end":         {End: &now},
		"severity":    {Severity: ptr(coord.SeverityMinor)},
		"urgency":     {Urgency: ptr(coord.UrgencyExpected)},
		"certainty":   {Certainty: ptr(coord.CertaintyLikely)},
		"evidence":    {Evidence: &[]coord.Evidence{{Kind: "link", URL: "https://example.org/x"}}},
		"shutdown":    {Shutdown: &coord.Shutdown{GeoScope: "national"}},
	}
	later := now.Add(48 * time.Hour)
	resourceFields := map[string]coord.ResourceUpdate{
		"title":       {Title: ptr("generators")},
		"quantity":    {Quantity: ptr(int64(7))},
		"countries":   {Countries: &[]string{"SD", "EG"}},
		"place":       {Place: &coord.Place{Name: "Port Sudan", Lon: 37.2, Lat: 19.6}},
		"urgency":     {Urgency: ptr(coord.UrgencyImmediate)},
		"lead_time":   {LeadTime: ptr(coord.Duration(time.Hour))},
		"valid_until": {ValidUntil: &later},
		"conditions":  {Conditions: ptr("on loan")},
	}
	checked := 0
	for _, level := range coord.TLPs {
		for _, rel := range relations {
			for _, role := range coord.Roles {
				v := coord.Viewer{MemberID: rel.member, OrgID: rel.org, Role: role, OrgVerified: rel.verified}
				see := sees(rel.name, level)
				source := rel.org == "src"
				content := see && source && role.AtLeast(coord.RoleReporter)
				shared := slices.Contains([]string{"author", "colleague", "named org", "named member"}, rel.name) ||
					(level == coord.TLPClear || level == coord.TLPGreen) && rel.verified
				coordinate := see && role.AtLeast(coord.RoleCoordinator) && shared
				want := func(allowed bool) string {
					switch {
					case !see:
						return lifeline.ENOTFOUND
					case !allowed:
						return lifeline.EFORBIDDEN
					}
					return ""
				}
				name := fmt.Sprintf("%s/%s/%s", level, rel.name, role)
				for field, upd := range incidentFields {
					in := testIncident(level)
					checked++
					if got := lifeline.ErrorCode(coord.ApplyIncidentUpdate(v, in, upd, now)); got != want(content) {
						t.Errorf("%s: incident %s: %q, want %q", name, field, got, want(content))
					}
				}
				dismissed := coord.IncidentDismissed
				if got := lifeline.ErrorCode(coord.ApplyIncidentUpdate(v, testIncident(level), coord.IncidentUpdate{Status: &dismissed}, now)); got != want(coordinate) {
					t.Errorf("%s: incident status: %q, want %q", name, got, want(coordinate))
				}
				repair := &coord.RepairUpdate{Element: "cable:eassy", Status: coord.RepairDamaged}
				if got := lifeline.ErrorCode(coord.ApplyIncidentUpdate(v, testIncident(level), coord.IncidentUpdate{Repair: repair}, now)); got != want(coordinate) {
					t.Errorf("%s: incident repair: %q, want %q", name, got, want(coordinate))
				}
				accept := &coord.CandidateAccept{Elements: []string{"segment:eassy/3"}, Score: 0.9}
				if got := lifeline.ErrorCode(coord.ApplyIncidentUpdate(v, testIncident(level), coord.IncidentUpdate{AcceptCandidate: accept}, now)); got != want(coordinate) {
					t.Errorf("%s: incident accept_candidate: %q, want %q", name, got, want(coordinate))
				}
				rec := &coord.SignalRecovery{Element: "cable:eassy", Affected: []string{"SO"}, Recovered: []coord.Drop{{Country: "SO", At: now}}}
				if got := lifeline.ErrorCode(coord.ApplyIncidentUpdate(v, testIncident(level), coord.IncidentUpdate{Recovered: rec}, now)); got != want(coordinate) {
					t.Errorf("%s: incident recovered: %q, want %q", name, got, want(coordinate))
				}
				for _, what := range []string{"Need", "Offer"} {
					for field, upd := range resourceFields {
						r := testResource(level)
						checked++
						if got := lifeline.ErrorCode(coord.ApplyResourceUpdate(v, r, what, 0, upd, now)); got != want(content) {
							t.Errorf("%s: %s %s: %q, want %q", name, what, field, got, want(content))
						}
					}
					closed := coord.ResourceClosed
					if got := lifeline.ErrorCode(coord.ApplyResourceUpdate(v, testResource(level), what, 0, coord.ResourceUpdate{Status: &closed}, now)); got != want(content || coordinate) {
						t.Errorf("%s: %s status: %q, want %q", name, what, got, want(content || coordinate))
					}
				}
			}
		}
	}
	if checked < 5*6*5*(13+16) {
		t.Fatalf("only %d cases checked", checked)
	}
}

// TestEmptyUpdateRefused: an update that changes nothing is refused, so it
// appends no event.
func TestEmptyUpdateRefused(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	err := coord.ApplyIncidentUpdate(vAuthor, testIncident(coord.TLPClear), coord.IncidentUpdate{}, now)
	if lifeline.ErrorCode(err) != lifeline.EINVALID {
		t.Errorf("empty incident update: %v, want EINVALID", err)
	}
	err = coord.ApplyResourceUpdate(vAuthor, testResource(coord.TLPClear), "Need", 0, coord.ResourceUpdate{}, now)
	if lifeline.ErrorCode(err) != lifeline.EINVALID {
		t.Errorf("empty need update: %v, want EINVALID", err)
	}
}

func ptr[T any](v T) *T { return &v }

func testIncident(level coord.TLP) *coord.Incident {
	in := &coord.Incident{ID: "inc_1", Title: "Cable cut", Kind: coord.KindCableCut, Status: coord.IncidentReported,
		Countries: []string{"SD"}, Elements: []string{"cable:eassy"}}
	in.Marking = markingFor(level)
	return in
}

func testResource(level coord.TLP) *coord.Resource {
	r := &coord.Resource{ID: "need_1", Title: "terminals", Category: "connectivity/satellite-terminal", Quantity: 10,
		Unit: "terminal", Countries: []string{"SD"}, Status: coord.ResourceOpen}
	r.Marking = markingFor(level)
	return r
}
