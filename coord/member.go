package coord

import (
	"slices"
	"strings"
	"time"

	"lifeline"
)

// Role is what a member may do. Roles are ordered: each includes the ones
// before it. No role changes what a member may see (see CanSee).
type Role string

// The roles, from the least to the most.
const (
	RoleViewer        Role = "viewer"         // reads
	RoleReporter      Role = "reporter"       // reports incidents, needs and offers
	RoleCoordinator   Role = "coordinator"    // moves incidents, matches and restoration along
	RoleOrgAdmin      Role = "org_admin"      // manages the organisation's members, endorses others
	RoleInstanceAdmin Role = "instance_admin" // manages the instance: verifies organisations
)

// Roles lists the roles from the least to the most.
var Roles = []Role{RoleViewer, RoleReporter, RoleCoordinator, RoleOrgAdmin, RoleInstanceAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// AtLeast reports whether r includes min.
func (r Role) AtLeast(min Role) bool {
	i := slices.Index(Roles, r)
	return i >= 0 && i >= slices.Index(Roles, min)
}

// Member is a person (or a program) acting for an organisation.
type Member struct {
	ID      string    `json:"id"`
	OrgID   string    `json:"org_id"`
	Name    string    `json:"name"`
	Role    Role      `json:"role"`
	Contact string    `json:"contact,omitempty"`
	Created time.Time `json:"created"`
}

// Validate checks a member's fields.
func (m *Member) Validate() error {
	const op = "coord.Member.Validate"
	if m.OrgID == "" {
		return lifeline.Errorf(lifeline.EINVALID, op, "org: required")
	}
	if strings.TrimSpace(m.Name) == "" {
		return lifeline.Errork(lifeline.EINVALID, op, "err.required", "%s: required", lifeline.Field("name"))
	}
	if len(m.Name) > 200 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.toolong", "%s: at most %d bytes, found %d", lifeline.Field("name"), 200, len(m.Name))
	}
	if !m.Role.Valid() {
		return lifeline.Errork(lifeline.EINVALID, op, "err.member.role", "role: expected one of %s, found %q", joinRoles(), m.Role)
	}
	if len(m.Contact) > 500 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.member.contact", "contact: at most 500 bytes")
	}
	return nil
}

func joinRoles() string {
	s := make([]string, len(Roles))
	for i, r := range Roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

// CanAddMember reports whether v may add a member with role r to
// organisation org. Instance administrators add anyone; an organisation's
// administrators add members of their own organisation, up to org_admin.
func CanAddMember(v Viewer, org string, r Role) error {
	const op = "coord.CanAddMember"
	switch {
	case v.Role == RoleInstanceAdmin:
		return nil
	case v.Role == RoleOrgAdmin && v.OrgID == org && r != RoleInstanceAdmin:
		return nil
	}
	return lifeline.Errork(lifeline.EFORBIDDEN, op, "err.member.add", "adding a %s to this organisation needs an instance admin or one of its org admins", enumP("role", r))
}

// CanListMembers reports whether v may list the members of organisation
// org, which v may see: its own members and instance administrators. A
// member record is administration, not a shared item, so it carries no
// marking of its own; the organisation it belongs to is asked of CanSee
// first.
func CanListMembers(v Viewer, org string) error {
	if v.Anonymous() || (v.OrgID != org && v.Role != RoleInstanceAdmin) {
		return lifeline.Errork(lifeline.EFORBIDDEN, "coord.CanListMembers", "err.member.list", "listing the members of an organisation needs one of its members or an instance admin")
	}
	return nil
}

// CanManageTokens reports whether v may issue or revoke the bearer tokens
// of member m. Instance administrators manage anyone's; an organisation's
// administrators manage those of its members, except instance
// administrators: a token is the member's power, so whoever issues one
// must be allowed to add a member with that role (CanAddMember).
func CanManageTokens(v Viewer, m *Member) error {
	if err := CanAddMember(v, m.OrgID, m.Role); err != nil {
		return lifeline.Errork(lifeline.EFORBIDDEN, "coord.CanManageTokens", "err.member.tokens", "managing the tokens of a %s of this organisation needs an instance admin or one of its org admins", enumP("role", m.Role))
	}
	return nil
}
