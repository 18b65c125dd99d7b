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

	// Reveals holds, for an item derived from others, the markings of
	// the items it reveals — a match reveals its need and its offer —
	// and a viewer must be allowed to see each of them as well (see
	// Derive). Items reported directly (incidents, needs, offers) reveal
	// nothing else.
	Reveals []Marking `json:"reveals,omitempty"`
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
//
// Whatever is derived from items (a match, a proposal, its events, a
// count of who committed what, an export, a map) is visible only to
// those who may see every item it reveals: a derived item carries the
// markings of what it reveals (Marking.Reveals, set by Derive) and CanSee
// asks each of them too. The one exception is an aggregate quantity of a
// need or an offer (Coverage), which belongs to the need or the offer
// itself and names no other item.
func CanSee(v Viewer, m Marking) bool {
	if !canSeeOne(v, m) {
		return false
	}
	for _, r := range m.Reveals {
		if !canSeeOne(v, r) {
			return false
		}
	}
	return true
}

// CanSeeAll reports whether v may see every one of markings: the rule
// for whatever joins several items.
func CanSeeAll(v Viewer, markings ...Marking) bool {
	for _, m := range markings {
		if !CanSee(v, m) {
			return false
		}
	}
	return true
}

// Derive returns the marking of an item derived from the items marked
// revealed: own, which says who the derived item itself is shared with,
// and the markings of the revealed items in Reveals, so that CanSee shows
// the derived item only to those who may see all of them. What the
// revealed items themselves reveal is carried over, so derivation
// composes. What own already revealed is replaced: Derive of a derived
// item's marking with the current markings of its items brings it up to
// date (Match.Reveal).
func Derive(own Marking, revealed ...Marking) Marking {
	own.Orgs = slices.Clone(own.Orgs)
	own.Members = slices.Clone(own.Members)
	own.Reveals = nil
	add := func(r Marking) {
		r.Orgs = slices.Clone(r.Orgs)
		r.Members = slices.Clone(r.Members)
		r.Reveals = nil
		r.Normalize()
		if !slices.ContainsFunc(own.Reveals, func(x Marking) bool { return markingEqual(x, r) }) {
			own.Reveals = append(own.Reveals, r)
		}
	}
	for _, r := range revealed {
		add(r)
		for _, rr := range r.Reveals {
			add(rr)
		}
	}
	return own
}

// canSeeOne is the rule of one marking's level and names, without what
// it reveals.
func canSeeOne(v Viewer, m Marking) bool {
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
		return lifeline.Errork(lifeline.EINVALID, op, "err.tlp.value", "tlp: expected one of TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED, found %q", m.TLP)
	}
	if m.Org == "" {
		return lifeline.Errork(lifeline.EINVALID, op, "err.marking.source", "marking has no source organisation")
	}
	if m.Author == "" {
		return lifeline.Errork(lifeline.EINVALID, op, "err.marking.author", "marking has no author")
	}
	if (m.TLP == TLPClear || m.TLP == TLPGreen) && len(m.Orgs) > 0 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.tlp.community", "share_with_orgs: %s is shared with a community, not with named organisations; use TLP:AMBER", m.TLP)
	}
	if m.TLP == TLPRed && len(m.Orgs) > 0 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.tlp.red", "share_with_orgs: TLP:RED names members, not organisations; use recipients")
	}
	if len(m.Orgs) > MaxNames || len(m.Members) > MaxNames {
		return lifeline.Errork(lifeline.EINVALID, op, "err.tlp.names", "a marking names at most %d organisations and %d members", MaxNames, MaxNames)
	}
	for i, o := range m.Orgs {
		if o == "" {
			return lifeline.Errork(lifeline.EINVALID, op, "err.marking.share", "share_with_orgs[%d] is empty", i)
		}
	}
	for i, o := range m.Members {
		if o == "" {
			return lifeline.Errork(lifeline.EINVALID, op, "err.marking.recipient", "recipients[%d] is empty", i)
		}
	}
	if len(m.Reveals) > MaxReveals {
		return lifeline.Errorf(lifeline.EINVALID, op, "reveals: a derived item reveals at most %d items", MaxReveals)
	}
	for i, r := range m.Reveals {
		if len(r.Reveals) > 0 {
			return lifeline.Errorf(lifeline.EINVALID, op, "reveals[%d]: the markings an item reveals are listed flat, without reveals of their own", i)
		}
		if err := r.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// MaxReveals bounds the items one derived item reveals.
const MaxReveals = 16

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
		return lifeline.Errork(lifeline.ECONFLICT, op, "err.tlp.narrow", "tlp: %s cannot be narrowed to %s; what was shared cannot be unshared", old.TLP, new.TLP)
	}
	for _, o := range old.Orgs {
		if !slices.Contains(new.Orgs, o) && new.TLP.rank() >= TLPAmber.rank() {
			return lifeline.Errork(lifeline.ECONFLICT, op, "err.tlp.unshare.org", "share_with_orgs: %s cannot be removed; what was shared cannot be unshared", o)
		}
	}
	for _, m := range old.Members {
		if !slices.Contains(new.Members, m) && new.TLP.rank() >= TLPAmber.rank() {
			return lifeline.Errork(lifeline.ECONFLICT, op, "err.tlp.unshare.member", "recipients: %s cannot be removed; what was shared cannot be unshared", m)
		}
	}
	if new.Org != old.Org || new.Author != old.Author {
		return lifeline.Errork(lifeline.EINVALID, op, "err.marking.sourcechange", "the source of a marking cannot change")
	}
	if markingEqual(old, new) {
		return nil
	}
	if !v.Role.AtLeast(RoleCoordinator) {
		return lifeline.Errork(lifeline.EFORBIDDEN, op, "err.tlp.coord", "changing a marking needs the coordinator role")
	}
	if v.OrgID == old.Org {
		return nil
	}
	if old.TLP == TLPAmber && new.TLP == TLPAmber && slices.Contains(old.Orgs, v.OrgID) {
		return nil
	}
	return lifeline.Errork(lifeline.EFORBIDDEN, op, "err.tlp.widen", "only the source organisation may widen a %s marking", old.TLP)
}

// Equal reports whether m and o say the same, names in the same order
// (Normalize first to compare as sets).
func (m Marking) Equal(o Marking) bool { return markingEqual(m, o) }

func markingEqual(a, b Marking) bool {
	return a.TLP == b.TLP && a.Org == b.Org && a.Author == b.Author &&
		slices.Equal(a.Orgs, b.Orgs) && slices.Equal(a.Members, b.Members) &&
		slices.EqualFunc(a.Reveals, b.Reveals, markingEqual)
}

// Normalize sorts and de-duplicates the names of m, so equal markings
// compare equal and encode to the same bytes.
func (m *Marking) Normalize() {
	slices.Sort(m.Orgs)
	m.Orgs = slices.Compact(m.Orgs)
	slices.Sort(m.Members)
	m.Members = slices.Compact(m.Members)
	for i := range m.Reveals {
		m.Reveals[i].Normalize()
	}
}
