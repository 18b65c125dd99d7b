package web

import (
	"context"
	"strings"
	"testing"

	"lifeline/coord"
)

// TestCoverageShownToThirdOrganisation: a need of A, shared with C too, is
// covered by B's offer under a commitment only A and B may see. C sees the
// need covered — not unmet on the dashboard, its progress on the need's
// page — and never who covered it.
func TestCoverageShownToThirdOrganisation(t *testing.T) {
	in := newInstance(t)
	ctx := context.Background()
	orgC := &coord.Org{Name: "Third Agency", Kind: coord.OrgInternational, Countries: []string{"SD"}, Verified: true}
	if err := in.db.CreateOrg(ctx, in.admin, orgC); err != nil {
		t.Fatal(err)
	}
	tokC, err := in.db.CreateMember(ctx, in.admin, &coord.Member{OrgID: orgC.ID, Name: "Coordinator of C", Role: coord.RoleOrgAdmin})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := in.db.Authenticate(ctx, in.tokA)
	b, _ := in.db.Authenticate(ctx, in.tokB)
	need := &coord.Need{Resource: coord.Resource{Title: "Generators for the Port Sudan landing station", Category: "power",
		Quantity: 4, Unit: "generators", Countries: []string{"SD"}}}
	need.Marking = coord.Marking{TLP: coord.TLPAmber, Orgs: []string{in.orgB, orgC.ID}}
	if err := in.db.CreateNeed(ctx, a, need); err != nil {
		t.Fatal(err)
	}
	offer := &coord.Offer{Resource: coord.Resource{Title: "Relief Net generators", Category: "power", Quantity: 4, Unit: "generators",
		Countries: []string{"SD"}}}
	offer.Marking = coord.Marking{TLP: coord.TLPAmber, Orgs: []string{in.orgA}}
	if err := in.db.CreateOffer(ctx, b, offer); err != nil {
		t.Fatal(err)
	}
	m, err := in.db.CreateMatch(ctx, b, coord.MatchCreate{NeedID: need.ID, OfferID: offer.ID, Quantity: 4})
	if err != nil {
		t.Fatalf("match: %v", err)
	}
	for _, st := range []coord.MatchStatus{coord.MatchCommitted, coord.MatchDispatched} {
		if _, err := in.db.UpdateMatch(ctx, b, m.ID, coord.MatchUpdate{Status: st}); err != nil {
			t.Fatalf("move the match to %s: %v", st, err)
		}
	}
	br := in.browser(t)
	br.login(tokC)
	_, page := br.get("/needs/" + need.ID + "?lang=en")
	if !strings.Contains(page, "4 committed · 4 dispatched · 0 delivered") {
		t.Errorf("C's need page does not show the coverage:\n%s", page)
	}
	for _, hidden := range []string{"Relief Net", offer.ID, m.ID} {
		if strings.Contains(page, hidden) {
			t.Errorf("C's need page names %q, which C may not see", hidden)
		}
	}
	_, dash := br.get("/?lang=en")
	if strings.Contains(dash, "Generators for the Port Sudan landing station") && strings.Contains(dash, "/needs/"+need.ID) &&
		strings.Contains(sectionOf(dash, "Unmet"), need.ID) {
		t.Errorf("C's dashboard lists the covered need as unmet")
	}
	if strings.Contains(dash, "Relief Net") {
		t.Errorf("C's dashboard names the organisation that covered the need")
	}
}

// sectionOf returns the part of a page from the heading that contains
// title to the next heading.
func sectionOf(page, title string) string {
	i := strings.Index(page, title)
	if i < 0 {
		return ""
	}
	rest := page[i:]
	if j := strings.Index(rest[1:], "<h2"); j >= 0 {
		return rest[:j+1]
	}
	return rest
}

// TestIncidentPageShowsNorms: the incident page lists the entries the
// incident engages with their reasons, from the situations its reader may
// see only.
func TestIncidentPageShowsNorms(t *testing.T) {
	in := newInstance(t)
	ctx := context.Background()
	a, _ := in.db.Authenticate(ctx, in.tokA)
	inc := &coord.Incident{Title: "Landing station shelled", Kind: coord.KindPhysicalAttack, Countries: []string{"SD"}}
	inc.TLP = coord.TLPClear
	if err := in.db.CreateIncident(ctx, a, inc); err != nil {
		t.Fatal(err)
	}
	br := in.browser(t)
	_, before := br.get("/incidents/" + inc.ID + "?lang=en")
	if !strings.Contains(before, `id="norms"`) {
		t.Fatalf("the incident page has no norms section:\n%s", before)
	}
	st := &coord.Situation{Country: "SD", Kind: coord.SituationNonInternationalArmedConflict, From: "2023-04-15",
		Source: "ICRC classification, 2023"}
	st.Marking = coord.Marking{TLP: coord.TLPAmber}
	if err := in.db.RecordSituation(ctx, a, st); err != nil {
		t.Fatal(err)
	}
	br.login(in.tokA)
	_, member := br.get("/incidents/" + inc.ID + "?lang=en")
	if !strings.Contains(member, "Additional Protocol") && !strings.Contains(member, "Geneva") {
		t.Errorf("with a recorded armed conflict the page names no rule of humanitarian law:\n%s", sectionOf(member, `id="norms"`))
	}
	anon := in.browser(t)
	_, public := anon.get("/incidents/" + inc.ID + "?lang=en")
	if sectionOf(public, `id="norms"`) != sectionOf(before, `id="norms"`) {
		t.Error("an anonymous reader's norms changed with a TLP:AMBER situation it may not see")
	}
}
