package coord_test

import (
	"testing"

	"lifeline"
	"lifeline/coord"
)

// TestTokenAndListRights: who may list an organisation's members and
// manage a member's tokens.
func TestTokenAndListRights(t *testing.T) {
	orgAdmin := coord.Viewer{MemberID: "m1", OrgID: "a", Role: coord.RoleOrgAdmin}
	coordinator := coord.Viewer{MemberID: "m2", OrgID: "a", Role: coord.RoleCoordinator}
	instAdmin := coord.Viewer{MemberID: "m3", OrgID: "i", Role: coord.RoleInstanceAdmin}
	otherAdmin := coord.Viewer{MemberID: "m4", OrgID: "b", Role: coord.RoleOrgAdmin}
	reporter := &coord.Member{ID: "r", OrgID: "a", Role: coord.RoleReporter}
	boss := &coord.Member{ID: "x", OrgID: "a", Role: coord.RoleInstanceAdmin}
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"coordinator lists own org", coord.CanListMembers(coordinator, "a"), ""},
		{"instance admin lists any org", coord.CanListMembers(instAdmin, "a"), ""},
		{"another org's admin lists", coord.CanListMembers(otherAdmin, "a"), lifeline.EFORBIDDEN},
		{"anonymous lists", coord.CanListMembers(coord.Viewer{}, "a"), lifeline.EFORBIDDEN},
		{"org admin manages a reporter", coord.CanManageTokens(orgAdmin, reporter), ""},
		{"org admin manages an instance admin", coord.CanManageTokens(orgAdmin, boss), lifeline.EFORBIDDEN},
		{"coordinator manages", coord.CanManageTokens(coordinator, reporter), lifeline.EFORBIDDEN},
		{"another org's admin manages", coord.CanManageTokens(otherAdmin, reporter), lifeline.EFORBIDDEN},
		{"instance admin manages an instance admin", coord.CanManageTokens(instAdmin, boss), ""},
	} {
		if got := lifeline.ErrorCode(c.err); got != c.want {
			t.Errorf("%s: %v (code %q), want code %q", c.name, c.err, got, c.want)
		}
	}
}
