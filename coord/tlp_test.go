package coord_test

import (
	"testing"

	"lifeline"
	"lifeline/coord"
)

// The viewers of the visibility matrix. The item comes from member "author"
// of organisation "src", names organisation "named" and member "rcpt" (of
// organisation "rorg").
var (
	vAuthor    = coord.Viewer{MemberID: "author", OrgID: "src", Role: coord.RoleReporter, OrgVerified: true}
	vColleague = coord.Viewer{MemberID: "colleague", OrgID: "src", Role: coord.RoleCoordinator, OrgVerified: true}
	vNamedOrg  = coord.Viewer{MemberID: "n1", OrgID: "named", Role: coord.RoleViewer, OrgVerified: true}
	vRecipient = coord.Viewer{MemberID: "rcpt", OrgID: "rorg", Role: coord.RoleViewer, OrgVerified: true}
	vOther     = coord.Viewer{MemberID: "o1", OrgID: "other", Role: coord.RoleOrgAdmin, OrgVerified: true}
	vAdmin     = coord.Viewer{MemberID: "admin", OrgID: "inst", Role: coord.RoleInstanceAdmin, OrgVerified: true}
	vUnverif   = coord.Viewer{MemberID: "u1", OrgID: "unverified", Role: coord.RoleOrgAdmin}
	vAnon      = coord.Viewer{}
)

func markingFor(t coord.TLP) coord.Marking {
	m := coord.Marking{TLP: t, Org: "src", Author: "author", Members: []string{"rcpt"}}
	if t == coord.TLPAmber || t == coord.TLPAmberStrict {
		m.Orgs = []string{"named"}
	}
	return m
}

func TestCanSeeMatrix(t *testing.T) {
	viewers := []struct {
		name string
		v    coord.Viewer
	}{
		{"author", vAuthor}, {"colleague", vColleague}, {"named org", vNamedOrg},
		{"named member", vRecipient}, {"other verified", vOther}, {"instance admin", vAdmin},
		{"unverified", vUnverif}, {"anonymous", vAnon},
	}
	// want[level] lists, in the order of viewers, who sees it.
	want := map[coord.TLP][]bool{
		coord.TLPClear:       {true, true, true, true, true, true, true, true},
		coord.TLPGreen:       {true, true, true, true, true, true, false, false},
		coord.TLPAmber:       {true, true, true, true, false, false, false, false},
		coord.TLPAmberStrict: {true, true, true, true, false, false, false, false},
		coord.TLPRed:         {true, false, false, true, false, false, false, false},
		"TLP:PURPLE":         {false, false, false, false, false, false, false, false},
		"":                   {false, false, false, false, false, false, false, false},
	}
	for level, row := range want {
		for i, vw := range viewers {
			t.Run(string(level)+"/"+vw.name, func(t *testing.T) {
				if got := coord.CanSee(vw.v, markingFor(level)); got != row[i] {
					t.Errorf("CanSee(%s, %s) = %v, want %v", vw.name, level, got, row[i])
				}
			})
		}
	}
}

func TestCanSeeUnverifiedSourceSeesOwnGreen(t *testing.T) {
	m := coord.Marking{TLP: coord.TLPGreen, Org: "unverified", Author: "u1"}
	colleague := coord.Viewer{MemberID: "u2", OrgID: "unverified", Role: coord.RoleViewer}
	if !coord.CanSee(colleague, m) {
		t.Error("an unverified organisation does not see its own TLP:GREEN item")
	}
	if coord.CanSee(vUnverif, markingFor(coord.TLPGreen)) {
		t.Error("an unverified organisation sees another's TLP:GREEN item")
	}
}

func TestMarkingValidate(t *testing.T) {
	tests := []struct {
		name string
		m    coord.Marking
		ok   bool
	}{
		{"amber with orgs", coord.Marking{TLP: coord.TLPAmber, Org: "a", Author: "m", Orgs: []string{"b"}}, true},
		{"unknown level", coord.Marking{TLP: "TLP:WHITE", Org: "a", Author: "m"}, false},
		{"no org", coord.Marking{TLP: coord.TLPRed, Author: "m"}, false},
		{"no author", coord.Marking{TLP: coord.TLPRed, Org: "a"}, false},
		{"green names orgs", coord.Marking{TLP: coord.TLPGreen, Org: "a", Author: "m", Orgs: []string{"b"}}, false},
		{"red names orgs", coord.Marking{TLP: coord.TLPRed, Org: "a", Author: "m", Orgs: []string{"b"}}, false},
		{"empty member", coord.Marking{TLP: coord.TLPRed, Org: "a", Author: "m", Members: []string{""}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.m.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && lifeline.ErrorCode(err) != lifeline.EINVALID {
				t.Errorf("code = %s, want %s", lifeline.ErrorCode(err), lifeline.EINVALID)
			}
		})
	}
}

func TestCanWiden(t *testing.T) {
	amber := markingFor(coord.TLPAmber)
	strict := markingFor(coord.TLPAmberStrict)
	namedCoord := coord.Viewer{MemberID: "n2", OrgID: "named", Role: coord.RoleCoordinator, OrgVerified: true}
	with := func(m coord.Marking, f func(*coord.Marking)) coord.Marking {
		m.Orgs = append([]string(nil), m.Orgs...)
		f(&m)
		m.Normalize()
		return m
	}
	addOrg := func(m *coord.Marking) { m.Orgs = append(m.Orgs, "client") }
	tests := []struct {
		name     string
		v        coord.Viewer
		old, new coord.Marking
		code     string
	}{
		{"source coordinator widens amber to green", vColleague, amber, coord.Marking{TLP: coord.TLPGreen, Org: "src", Author: "author", Members: []string{"rcpt"}}, ""},
		{"source reporter cannot", vAuthor, amber, with(amber, addOrg), lifeline.EFORBIDDEN},
		{"named org coordinator adds a client under amber", namedCoord, amber, with(amber, addOrg), ""},
		{"named org coordinator cannot under amber+strict", namedCoord, strict, with(strict, addOrg), lifeline.EFORBIDDEN},
		{"named org coordinator cannot lower amber to green", namedCoord, amber, coord.Marking{TLP: coord.TLPGreen, Org: "src", Author: "author", Members: []string{"rcpt"}}, lifeline.EFORBIDDEN},
		{"narrowing refused even to the source", vColleague, amber, with(amber, func(m *coord.Marking) { m.TLP = coord.TLPRed; m.Orgs = nil }), lifeline.ECONFLICT},
		{"removing a named org refused", vColleague, amber, with(amber, func(m *coord.Marking) { m.Orgs = nil }), lifeline.ECONFLICT},
		{"instance admin who cannot see it gets not found", vAdmin, amber, with(amber, addOrg), lifeline.ENOTFOUND},
		{"no change is fine for anyone who sees it", vNamedOrg, amber, amber, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := coord.CanWiden(tt.v, tt.old, tt.new)
			if got := lifeline.ErrorCode(err); got != tt.code {
				t.Errorf("CanWiden() = %v (code %q), want code %q", err, got, tt.code)
			}
		})
	}
}
