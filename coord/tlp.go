package coord

import (
	"slices"

	"lifeline"
)

// TLP is a Traffic Light Protocol 2.0 level (FIRST, 2022).
type TLP string

// The TLP 2.0 levels, from the widest to the narrowest.
const (
	TLPClear       TLP = "TLP:CLEAR"
	TLPGreen       TLP = "TLP:GREEN"
	TLPAmber       TLP = "TLP:AMBER"
	TLPAmberStrict TLP = "TLP:AMBER+STRICT"
	TLPRed         TLP = "TLP:RED"
)

// TLPs lists the levels from the widest to the narrowest.
var TLPs = []TLP{TLPClear, TLPGreen, TLPAmber, TLPAmberStrict, TLPRed}

// rank orders the levels: a lower rank is wider.
func (t TLP) rank() int { return slices.Index(TLPs, t) }

// Valid reports whether t is one of the five levels.
func (t TLP) Valid() bool { return t.rank() >= 0 }

// Wider reports whether t shares with more people than u.
func (t TLP) Wider(u TLP) bool { return t.rank() < u.rank() }

// Marking says who may see an item: its TLP level, the organisation and
// member it comes from, and the organisations and members it names.
type Marking struct {
	TLP     TLP      `json:"tlp"`
	Org     string   `json:"org"`                       // source organisation
	Author  string   `json:"author"`                    // source member
	Orgs    []string `json:"share_with_orgs,omitempty"` // organisations named (TLP:AMBER, TLP:AMBER+STRICT)
	Members []string `json:"recipients,omitempty"`      // members named (TLP:RED; also readers under AMBER)
}

// Viewer is who reads or acts: a member of an organisation, or the zero
// Viewer for an anonymous caller.
type Viewer struct {
	MemberID    string `json:"member_id,omitempty"`
	OrgID       string `json:"org_id,omitempty"`
	Role        Role   `json:"role,omitempty"`
	OrgVerified bool   `json:"org_verified,omitempty"`
}

// Anonymous reports whether v is nobody in particular.
func (v Viewer) Anonymous() bool { return v.MemberID == "" }

// CanSee is the one visibility policy of Lifeline. Every read path — the
// API, the UI, feeds, exports and sync — asks it for every item, and no
// role bypasses it, instance administrators included. An item the viewer
// may not see is answered exactly as an item that does not exist.
//
//   - TLP:CLEAR: anyone, anonymous callers included.
//   - TLP:GREEN: members of verified organisations, and members of the
//     source organisation (so that an unverified organisation still sees
//     what it wrote).
//   - TLP:AMBER and TLP:AMBER+STRICT: members of the source organisation
//     and of the organisations the marking names, and members it names.
//     The two differ in who may widen the marking (see CanWiden), not in
//     who may read.
//   - TLP:RED: the author and the members the marking names; nobody else,
//     not even the author's colleagues.
//
// A marking with an unknown level is seen by nobody: the policy fails
// closed.
func CanSee(v Viewer, m Marking) bool {
	switch m.TLP {
	case TLPClear:
		return true
	case TLPGreen:
		return !v.Anonymous() && (v.OrgVerified || v.OrgID == m.Org)
	case TLPAmber, TLPAmberStrict:
		if v.Anonymous() {
			return false
		}
		return v.OrgID == m.Org || slices.Contains(m.Orgs, v.OrgID) ||
			v.MemberID == m.Author || slices.Contains(m.Members, v.MemberID)
	case TLPRed:
		if v.Anonymous() {
			return false
		}
		return v.MemberID == m.Author || slices.Contains(m.Members, v.MemberID)
	}
	return false
}

// Validate checks a marking: a known level, a source organisation and
// author, and no names where the level does not use them.
func (m Marking) Validate() error {
	const op = "coord.Marking.Validate"
	if !m.TLP.Valid() {
		return lifeline.Errorf(lifeline.EINVALID, op, "tlp: expected one of TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED, found %q", m.TLP)
	}
	if m.Org == "" {
		return lifeline.Errorf(lifeline.EINVALID, op, "marking has no source organisation")
	}
	if m.Author == "" {
		return lifeline.Errorf(lifeline.EINVALID, op, "marking has no author")
	}
	if (m.TLP == TLPClear || m.TLP == TLPGreen) && len(m.Orgs) > 0 {
		return lifeline.Errorf(lifeline.EINVALID, op, "share_with_orgs: %s is shared with a community, not with named organisations; use TLP:AMBER", m.TLP)
	}
	if m.TLP == TLPRed && len(m.Orgs) > 0 {
		return lifeline.Errorf(lifeline.EINVALID, op, "share_with_orgs: TLP:RED names members, not organisations; use recipients")
	}
	if len(m.Orgs) > MaxNames || len(m.Members) > MaxNames {
		return lifeline.Errorf(lifeline.EINVALID, op, "a marking names at most %d organisations and %d members", MaxNames, MaxNames)
	}
	for i, o := range m.Orgs {
		if o == "" {
			return lifeline.Errorf(lifeline.EINVALID, op, "share_with_orgs[%d] is empty", i)
		}
	}
	for i, o := range m.Members {
		if o == "" {
			return lifeline.Errorf(lifeline.EINVALID, op, "recipients[%d] is empty", i)
		}
	}
	return nil
}

// MaxNames bounds the organisations and the members one marking names.
const MaxNames = 200

// CanWiden reports whether v may change marking old to marking new, and
// why not. Narrowing is refused to everybody, because what was shared
// cannot be unshared and a narrower marking would only pretend otherwise.
// The source organisation's coordinators may widen any marking; under
// TLP:AMBER a named organisation's coordinators may also name further
// organisations (their clients, on a need-to-know basis); under
// TLP:AMBER+STRICT and TLP:RED recipients cannot widen at all.
func CanWiden(v Viewer, old, new Marking) error {
	const op = "coord.CanWiden"
	if !CanSee(v, old) {
		return lifeline.Errorf(lifeline.ENOTFOUND, op, "no such item")
	}
	if new.TLP.rank() > old.TLP.rank() {
		return lifeline.Errorf(lifeline.ECONFLICT, op, "tlp: %s cannot be narrowed to %s; what was shared cannot be unshared", old.TLP, new.TLP)
	}
	for _, o := range old.Orgs {
		if !slices.Contains(new.Orgs, o) && new.TLP.rank() >= TLPAmber.rank() {
			return lifeline.Errorf(lifeline.ECONFLICT, op, "share_with_orgs: %s cannot be removed; what was shared cannot be unshared", o)
		}
	}
	for _, m := range old.Members {
		if !slices.Contains(new.Members, m) && new.TLP.rank() >= TLPAmber.rank() {
			return lifeline.Errorf(lifeline.ECONFLICT, op, "recipients: %s cannot be removed; what was shared cannot be unshared", m)
		}
	}
	if new.Org != old.Org || new.Author != old.Author {
		return lifeline.Errorf(lifeline.EINVALID, op, "the source of a marking cannot change")
	}
	if markingEqual(old, new) {
		return nil
	}
	if !v.Role.AtLeast(RoleCoordinator) {
		return lifeline.Errorf(lifeline.EFORBIDDEN, op, "changing a marking needs the coordinator role")
	}
	if v.OrgID == old.Org {
		return nil
	}
	if old.TLP == TLPAmber && new.TLP == TLPAmber && slices.Contains(old.Orgs, v.OrgID) {
		return nil
	}
	return lifeline.Errorf(lifeline.EFORBIDDEN, op, "only the source organisation may widen a %s marking", old.TLP)
}

func markingEqual(a, b Marking) bool {
	return a.TLP == b.TLP && a.Org == b.Org && a.Author == b.Author &&
		slices.Equal(a.Orgs, b.Orgs) && slices.Equal(a.Members, b.Members)
}

// Normalize sorts and de-duplicates the names of m, so equal markings
// compare equal and encode to the same bytes.
func (m *Marking) Normalize() {
	slices.Sort(m.Orgs)
	m.Orgs = slices.Compact(m.Orgs)
	slices.Sort(m.Members)
	m.Members = slices.Compact(m.Members)
}
