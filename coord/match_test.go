package coord_test

import (
	"slices"
	"testing"
	"time"

	"lifeline"
	"lifeline/coord"
)

func need(t testing.TB) *coord.Need {
	t.Helper()
	n := &coord.Need{Resource: coord.Resource{ID: "need1", Title: "Satellite terminals for Kassala clinics",
		Category: "connectivity/satellite-terminal", Quantity: 10, Unit: "terminal",
		Countries: []string{"SD", "SS"}, Urgency: coord.UrgencyImmediate, LeadTime: coord.Duration(48 * time.Hour)}}
	n.TLP = coord.TLPGreen
	if err := coord.NewResource(vAuthor, &n.Resource, "Need", now); err != nil {
		t.Fatal(err)
	}
	return n
}

func offer(t testing.TB, id, category, unit string, qty int64, lead time.Duration, countries ...string) *coord.Offer {
	t.Helper()
	o := &coord.Offer{Resource: coord.Resource{ID: id, Title: id, Category: category, Quantity: qty, Unit: unit,
		Countries: countries, LeadTime: coord.Duration(lead)}}
	o.TLP = coord.TLPGreen
	v := coord.Viewer{MemberID: "p-" + id, OrgID: "org-" + id, Role: coord.RoleCoordinator, OrgVerified: true}
	if err := coord.NewResource(v, &o.Resource, "Offer", now); err != nil {
		t.Fatal(err)
	}
	return o
}

func TestPropose(t *testing.T) {
	n := need(t)
	offers := []*coord.Offer{
		offer(t, "exact-fast", "connectivity/satellite-terminal", "terminal", 4, 24*time.Hour, "SD"),
		offer(t, "exact-slow", "connectivity/satellite-terminal", "terminal", 20, 120*time.Hour, "SD", "SS"),
		offer(t, "global", "connectivity/satellite-terminal", "terminal", 10, 24*time.Hour),
		offer(t, "kind-of", "connectivity/satellite-terminal/ku-band", "terminal", 10, 24*time.Hour, "SS"),
		offer(t, "wrong-category", "power/generator", "terminal", 10, time.Hour, "SD"),
		offer(t, "wrong-unit", "connectivity/satellite-terminal", "kg", 10, time.Hour, "SD"),
		offer(t, "wrong-country", "connectivity/satellite-terminal", "terminal", 10, time.Hour, "KE"),
		offer(t, "far-too-slow", "connectivity/satellite-terminal", "terminal", 10, 30*24*time.Hour, "SD"),
		offer(t, "exhausted", "connectivity/satellite-terminal", "terminal", 10, time.Hour, "SD"),
	}
	var cands []coord.Candidate
	for _, o := range offers {
		left := o.Quantity
		if o.ID == "exhausted" {
			left = 0
		}
		cands = append(cands, coord.Candidate{Offer: o, Remaining: left})
	}
	ps := coord.Propose(n, 10, cands, now)
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.OfferID)
	}
	want := []string{"global", "kind-of", "exact-fast", "exact-slow"}
	if !slices.Equal(ids, want) {
		t.Fatalf("proposals = %v, want %v", ids, want)
	}
	byID := map[string]coord.Proposal{}
	for _, p := range ps {
		byID[p.OfferID] = p
		if len(p.Factors) != 4 {
			t.Errorf("%s: %d factors, want 4", p.OfferID, len(p.Factors))
		}
		sum := 0.0
		for _, f := range p.Factors {
			if f.Reason == "" {
				t.Errorf("%s: factor %s has no reason", p.OfferID, f.Name)
			}
			sum += f.Score * f.Weight
		}
		if d := sum - p.Score; d > 0.002 || d < -0.002 {
			t.Errorf("%s: score %v is not the weighted sum %v of its factors", p.OfferID, p.Score, sum)
		}
	}
	if p := byID["exact-fast"]; !p.Partial || p.Quantity != 4 {
		t.Errorf("exact-fast = %+v, want a partial proposal of 4", p)
	}
	if p := byID["exact-slow"]; p.Partial || p.Quantity != 10 {
		t.Errorf("exact-slow = %+v, want the whole 10", p)
	}
	if got := byID["kind-of"].Factors[1].Score; got != 0.5 {
		t.Errorf("kind-of coverage = %v, want 0.5 (one of two countries)", got)
	}
	// Determinism: the same input gives the same output.
	if again := coord.Propose(n, 10, cands, now); !slices.EqualFunc(ps, again, func(a, b coord.Proposal) bool {
		return a.OfferID == b.OfferID && a.Score == b.Score
	}) {
		t.Error("Propose is not deterministic")
	}
	if ps := coord.Propose(n, 0, cands, now); len(ps) != 0 {
		t.Errorf("a filled need gets %d proposals", len(ps))
	}
}

func TestMatchLifecycle(t *testing.T) {
	n := need(t)
	o := offer(t, "sat", "connectivity/satellite-terminal", "terminal", 4, 24*time.Hour, "SD")
	provider := coord.Viewer{MemberID: "p-sat", OrgID: "org-sat", Role: coord.RoleCoordinator, OrgVerified: true}
	if _, err := coord.NewMatch(vAuthor, n, 10, o, 4, 5, "", nil, now); lifeline.ErrorCode(err) != lifeline.ECONFLICT {
		t.Fatalf("over-committing: %v, want ECONFLICT", err)
	}
	if _, err := coord.NewMatch(vOther, n, 10, o, 4, 2, "", nil, now); lifeline.ErrorCode(err) != lifeline.EFORBIDDEN {
		t.Fatalf("third party proposes: %v, want EFORBIDDEN", err)
	}
	m, err := coord.NewMatch(vAuthor, n, 10, o, 4, 4, "", nil, now)
	if err != nil {
		t.Fatal(err)
	}
	if m.TLP != coord.TLPAmber || !slices.Equal(m.Orgs, []string{"org-sat"}) || m.Score == 0 {
		t.Fatalf("match = %+v, want TLP:AMBER naming org-sat, with a score", m)
	}
	steps := []struct {
		v    coord.Viewer
		to   coord.MatchStatus
		code string
	}{
		{vColleague, coord.MatchCommitted, lifeline.EFORBIDDEN}, // the provider commits
		{provider, coord.MatchDispatched, lifeline.ECONFLICT},
		{provider, coord.MatchCommitted, ""},
		{provider, coord.MatchDispatched, ""},
		{provider, coord.MatchCancelled, lifeline.ECONFLICT},  // too late to cancel
		{provider, coord.MatchDelivered, lifeline.EFORBIDDEN}, // the requester confirms
		{vColleague, coord.MatchDelivered, ""},
		{vColleague, coord.MatchReleased, ""},
		{vOther, coord.MatchReleased, lifeline.ENOTFOUND},
	}
	for i, s := range steps {
		err := coord.MoveMatch(s.v, m, s.to, "", now.Add(time.Duration(i)*time.Hour))
		if got := lifeline.ErrorCode(err); got != s.code {
			t.Fatalf("step %d to %s by %s: %v (code %q), want %q", i, s.to, s.v.MemberID, err, got, s.code)
		}
	}
	if m.Status != coord.MatchReleased || len(m.Timeline) != 5 {
		t.Errorf("match = %s with %d steps, want released with 5", m.Status, len(m.Timeline))
	}
}

func TestEndorse(t *testing.T) {
	o := &coord.Org{ID: "new", Name: "New ISP", Kind: coord.OrgOperator}
	a := coord.Viewer{MemberID: "a", OrgID: "A", Role: coord.RoleOrgAdmin, OrgVerified: true}
	b := coord.Viewer{MemberID: "b", OrgID: "B", Role: coord.RoleOrgAdmin, OrgVerified: true}
	if err := coord.Endorse(vUnverif, o, 2); lifeline.ErrorCode(err) != lifeline.EFORBIDDEN {
		t.Errorf("unverified endorses: %v", err)
	}
	if err := coord.Endorse(coord.Viewer{MemberID: "c", OrgID: "C", Role: coord.RoleCoordinator, OrgVerified: true}, o, 2); lifeline.ErrorCode(err) != lifeline.EFORBIDDEN {
		t.Errorf("coordinator endorses: %v", err)
	}
	if err := coord.Endorse(a, o, 2); err != nil || o.Verified {
		t.Fatalf("first endorsement: %v, verified=%v", err, o.Verified)
	}
	if err := coord.Endorse(a, o, 2); lifeline.ErrorCode(err) != lifeline.ECONFLICT {
		t.Errorf("second endorsement by the same org: %v", err)
	}
	if err := coord.Endorse(b, o, 2); err != nil || !o.Verified || o.VerifiedBy != "endorsements" {
		t.Fatalf("second org: %v, org=%+v", err, o)
	}
	if err := coord.CanVerifyOrg(a); lifeline.ErrorCode(err) != lifeline.EFORBIDDEN {
		t.Errorf("org admin verifies outright: %v", err)
	}
	if err := coord.CanVerifyOrg(vAdmin); err != nil {
		t.Errorf("instance admin verifies: %v", err)
	}
}

func TestCanAddMember(t *testing.T) {
	if err := coord.CanAddMember(vOther, "other", coord.RoleCoordinator); err != nil {
		t.Errorf("org admin adds own member: %v", err)
	}
	if err := coord.CanAddMember(vOther, "src", coord.RoleViewer); lifeline.ErrorCode(err) != lifeline.EFORBIDDEN {
		t.Errorf("org admin adds to another org: %v", err)
	}
	if err := coord.CanAddMember(vOther, "other", coord.RoleInstanceAdmin); lifeline.ErrorCode(err) != lifeline.EFORBIDDEN {
		t.Errorf("org admin makes an instance admin: %v", err)
	}
	if err := coord.CanAddMember(vAdmin, "src", coord.RoleInstanceAdmin); err != nil {
		t.Errorf("instance admin: %v", err)
	}
}

func TestMatchMarkingNoWiderThanItsParts(t *testing.T) {
	n := need(t) // TLP:GREEN
	o := offer(t, "sat", "connectivity/satellite-terminal", "terminal", 4, 24*time.Hour, "SD")
	o.TLP = coord.TLPRed
	o.Members = []string{vAuthor.MemberID} // the requester may see the offer
	if _, err := coord.NewMatch(vAuthor, n, 10, o, 4, 1, coord.TLPClear, nil, now); lifeline.ErrorCode(err) != lifeline.EINVALID {
		t.Errorf("a TLP:CLEAR match of a TLP:RED offer: %v, want EINVALID", err)
	}
	m, err := coord.NewMatch(vAuthor, n, 10, o, 4, 1, "", nil, now)
	if err != nil {
		t.Fatal(err)
	}
	if m.TLP != coord.TLPRed || !slices.Contains(m.Members, o.Author) {
		t.Errorf("default marking = %+v, want TLP:RED naming the offer's author", m.Marking)
	}
}

func TestProposeByPlace(t *testing.T) {
	portSudan := &coord.Place{Name: "Port Sudan", Lon: 37.22, Lat: 19.62}
	n := &coord.Need{Resource: coord.Resource{ID: "n", Category: "power/generator", Quantity: 2, Unit: "unit",
		Place: portSudan, Status: coord.ResourceOpen}}
	mk := func(id string, p *coord.Place, countries ...string) coord.Candidate {
		return coord.Candidate{Remaining: 2, Offer: &coord.Offer{Resource: coord.Resource{ID: id, Category: "power/generator",
			Quantity: 2, Unit: "unit", Place: p, Countries: countries, Status: coord.ResourceOpen}}}
	}
	ps := coord.Propose(n, 2, []coord.Candidate{
		mk("suakin", &coord.Place{Name: "Suakin", Lon: 37.33, Lat: 19.10}),     // about 60 km
		mk("khartoum", &coord.Place{Name: "Khartoum", Lon: 32.53, Lat: 15.50}), // about 670 km
		mk("nairobi", &coord.Place{Name: "Nairobi", Lon: 36.82, Lat: -1.29}),   // about 2,300 km
		mk("london", &coord.Place{Name: "London", Lon: -0.13, Lat: 51.51}),     // far beyond reach
		mk("countries", nil, "SD"),
	}, now)
	cov := map[string]float64{}
	var order []string
	for _, p := range ps {
		cov[p.OfferID] = p.Factors[1].Score
		order = append(order, p.OfferID)
	}
	if _, ok := cov["london"]; ok {
		t.Error("an offer 4,000 km away is proposed")
	}
	if cov["suakin"] != 1 || !(cov["khartoum"] < 1 && cov["khartoum"] > cov["nairobi"]) || cov["nairobi"] <= 0 {
		t.Errorf("coverage by distance = %v, want 1 near, falling with distance", cov)
	}
	if cov["countries"] != 0.5 {
		t.Errorf("offer by countries for a need by place: coverage %v, want 0.5", cov["countries"])
	}
	if order[0] != "suakin" {
		t.Errorf("order = %v, want the nearest first", order)
	}
}
