package coord_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"lifeline/coord"
)

// TestDeriveIntersects: an item derived from others is seen only by those
// who may see its own marking and every item it reveals — the audit's
// TLP:AMBER+STRICT offer naming one member of the need's organisation.
func TestDeriveIntersects(t *testing.T) {
	need := coord.Marking{TLP: coord.TLPAmber, Org: "A", Author: "cA"}
	offer := coord.Marking{TLP: coord.TLPAmberStrict, Org: "B", Author: "b1", Members: []string{"cA"}}
	own := coord.Marking{TLP: coord.TLPAmberStrict, Org: "A", Author: "cA", Orgs: []string{"B"}}
	m := coord.Derive(own, need, offer)
	for _, tt := range []struct {
		v    coord.Viewer
		want bool
	}{
		{coord.Viewer{MemberID: "cA", OrgID: "A", Role: coord.RoleReporter}, true},
		{coord.Viewer{MemberID: "a2", OrgID: "A", Role: coord.RoleCoordinator}, false}, // sees the need, not the offer
		{coord.Viewer{MemberID: "b1", OrgID: "B", Role: coord.RoleCoordinator}, false}, // sees the offer, not the need
		{coord.Viewer{}, false},
	} {
		if got := coord.CanSee(tt.v, m); got != tt.want {
			t.Errorf("CanSee(%s, derived) = %v, want %v", tt.v.MemberID, got, tt.want)
		}
		if got := coord.CanSeeAll(tt.v, own, need, offer); got != tt.want {
			t.Errorf("CanSeeAll(%s) = %v, want %v", tt.v.MemberID, got, tt.want)
		}
	}
	// Derivation composes: what is derived from a derived item reveals
	// everything beneath, flat.
	d2 := coord.Derive(coord.Marking{TLP: coord.TLPAmber, Org: "A", Author: "cA"}, m)
	if len(d2.Reveals) != 3 {
		t.Errorf("Derive of a derived marking reveals %d markings, want 3", len(d2.Reveals))
	}
	if err := d2.Validate(); err != nil {
		t.Errorf("Validate(derived) = %v", err)
	}
	bad := m
	bad.Reveals = []coord.Marking{m}
	if err := bad.Validate(); err == nil {
		t.Error("Validate accepts nested reveals")
	}
}

// TestNeedCoverage: quantities from every match, the matches named only
// to those who may see them.
func TestNeedCoverage(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	a := coord.Viewer{MemberID: "a1", OrgID: "A", Role: coord.RoleCoordinator, OrgVerified: true}
	b := coord.Viewer{MemberID: "b1", OrgID: "B", Role: coord.RoleCoordinator, OrgVerified: true}
	c := coord.Viewer{MemberID: "c1", OrgID: "C", Role: coord.RoleCoordinator, OrgVerified: true}
	need := &coord.Need{Resource: coord.Resource{ID: "need_1", Title: "generators", Category: "power/generator", Quantity: 10, Unit: "unit", Countries: []string{"SD"}, Status: coord.ResourceOpen}}
	need.Marking = coord.Marking{TLP: coord.TLPGreen, Org: "A", Author: "a1"}
	offer := &coord.Offer{Resource: coord.Resource{ID: "offer_1", Title: "gensets", Category: "power/generator", Quantity: 10, Unit: "unit", Status: coord.ResourceOpen}}
	offer.Marking = coord.Marking{TLP: coord.TLPAmber, Org: "B", Author: "b1"}
	mk := func(q int64, to ...coord.MatchStatus) *coord.Match {
		t.Helper()
		m, err := coord.NewMatch(b, need, 10, offer, 10, q, "", nil, now)
		if err != nil {
			t.Fatal(err)
		}
		m.ID = "match_" + string(rune('a'+q))
		for _, s := range to {
			by := b
			if s == coord.MatchDelivered || s == coord.MatchReleased {
				by = a
				// A sees the match only once B shares its offer with A.
				m.Reveal(need.Marking, coord.Marking{TLP: coord.TLPAmber, Org: "B", Author: "b1", Orgs: []string{"A"}})
			}
			if err := coord.MoveMatch(by, m, s, "", now); err != nil {
				t.Fatal(err)
			}
		}
		return m
	}
	ms := []*coord.Match{
		mk(1),
		mk(2, coord.MatchCommitted),
		mk(3, coord.MatchCommitted, coord.MatchDispatched, coord.MatchDelivered),
		mk(4, coord.MatchCancelled),
	}
	for _, tt := range []struct {
		name  string
		v     coord.Viewer
		named int
	}{{"the offering organisation", b, 3}, {"a third organisation", c, 0}} {
		cov := coord.NeedCoverage(tt.v, need, ms)
		if cov == nil {
			t.Fatalf("%s: no coverage of a need it may see", tt.name)
		}
		if cov.Held != 6 || cov.Covered != 5 || cov.Dispatched != 3 || cov.Delivered != 3 {
			t.Errorf("%s: coverage %+v, want held 6, covered 5, dispatched 3, delivered 3", tt.name, *cov)
		}
		if len(cov.Matches) != tt.named {
			t.Errorf("%s: %d matches named, want %d", tt.name, len(cov.Matches), tt.named)
		}
	}
	if cov := coord.NeedCoverage(coord.Viewer{}, need, ms); cov != nil {
		t.Errorf("anonymous reads the coverage of a TLP:GREEN need: %+v", cov)
	}
}

// TestDeriveProperty draws random markings and viewers: a derived marking
// is seen exactly by those who see its own marking and every marking it
// was derived from, however derivations nest.
func TestDeriveProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	draws := newMarkingDraws(rng, "a1", "a2", "b1", "c1", "d1")
	members, orgOf := draws.members, draws.orgOf
	marking := draws.marking
	viewers := []coord.Viewer{{}}
	for _, m := range members {
		viewers = append(viewers, coord.Viewer{MemberID: m, OrgID: orgOf[m], Role: coord.RoleCoordinator, OrgVerified: orgOf[m] != "D"})
	}
	for range 2000 {
		own, a, b, c := marking(), marking(), marking(), marking()
		inner := coord.Derive(own, a, b)
		outer := coord.Derive(marking(), inner, c)
		for _, v := range viewers {
			if got, want := coord.CanSee(v, inner), coord.CanSee(v, own) && coord.CanSee(v, a) && coord.CanSee(v, b); got != want {
				t.Fatalf("CanSee(%+v, Derive(%+v, %+v, %+v)) = %v, want %v", v, own, a, b, got, want)
			}
			if coord.CanSee(v, outer) && !(coord.CanSee(v, inner) && coord.CanSee(v, c)) {
				t.Fatalf("a derivation of a derivation widens: %+v sees %+v", v, outer)
			}
		}
	}
}
