package storetest

import (
	"strings"
	"testing"

	"lifeline"
	"lifeline/atlas/starter"
	"lifeline/coord"
)

// testUnknownNames: a marking that names an organisation or a member the
// instance does not have, an atlas element the store's atlas lacks, a
// list narrowing the list does not take and an update that changes
// nothing are refused as invalid, and change nothing.
func testUnknownNames(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	a, err := starter.Load()
	if err != nil {
		t.Fatal(err)
	}
	db.Elements = a
	cable := "cable:" + a.Cables[0].ID
	in := &coord.Incident{Title: "Cut", Kind: coord.KindCableCut, Elements: []string{cable}}
	if err := db.CreateIncident(ctx, w.Author, in); err != nil {
		t.Fatal(err)
	}
	n := &coord.Need{Resource: coord.Resource{Title: "x", Category: "power", Quantity: 2, Unit: "u", Countries: []string{"SD"}}}
	if err := db.CreateNeed(ctx, w.Author, n); err != nil {
		t.Fatal(err)
	}
	o := &coord.Offer{Resource: coord.Resource{Title: "x", Category: "power", Quantity: 2, Unit: "u"}}
	if err := db.CreateOffer(ctx, w.Author, o); err != nil {
		t.Fatal(err)
	}
	before, state := countEvents(t, db), mustState(t, db)
	amber := func(orgs, members []string) coord.Marking {
		return coord.Marking{TLP: coord.TLPAmber, Orgs: orgs, Members: members}
	}
	nobodyOrg, nobody := []string{w.Named.OrgID, "org_nobody"}, []string{w.Recipient.MemberID, "mem_nobody"}
	elements := []string{cable, "cable:does-not-exist"}
	for _, tt := range []struct {
		name, detail string
		err          error
	}{
		{"incident naming an unknown org", `share_with_orgs: no organisation "org_nobody"`,
			db.CreateIncident(ctx, w.Author, &coord.Incident{Title: "x", Kind: coord.KindOther, Marking: amber(nobodyOrg, nil)})},
		{"need naming an unknown member", `recipients: no member "mem_nobody"`,
			db.CreateNeed(ctx, w.Author, &coord.Need{Resource: coord.Resource{Title: "x", Category: "power", Quantity: 1, Unit: "u", Countries: []string{"SD"}, Marking: amber(nil, nobody)}})},
		{"offer naming an unknown org", `share_with_orgs: no organisation "org_nobody"`,
			db.CreateOffer(ctx, w.Author, &coord.Offer{Resource: coord.Resource{Title: "x", Category: "power", Quantity: 1, Unit: "u", Marking: amber(nobodyOrg, nil)}})},
		{"widening to an unknown org", `share_with_orgs: no organisation "org_nobody"`,
			second(db.UpdateNeed(ctx, w.Author, n.ID, coord.ResourceUpdate{ShareWithOrgs: &nobodyOrg}))},
		{"widening to an unknown member", `recipients: no member "mem_nobody"`,
			second(db.UpdateIncident(ctx, w.Author, in.ID, coord.IncidentUpdate{Recipients: &nobody}))},
		{"match naming an unknown member", `recipients: no member "mem_nobody"`,
			second(db.CreateMatch(ctx, w.Author, coord.MatchCreate{NeedID: n.ID, OfferID: o.ID, Quantity: 1, Recipients: nobody}))},
		{"unknown element", `elements[0]: no atlas element "cable:does-not-exist"`,
			db.CreateIncident(ctx, w.Author, &coord.Incident{Title: "x", Kind: coord.KindCableCut, Elements: elements[1:]})},
		{"unknown element added", `elements[1]: no atlas element "cable:does-not-exist"`,
			second(db.UpdateIncident(ctx, w.Author, in.ID, coord.IncidentUpdate{Elements: &elements}))},
		{"country XX", `countries[0]: "XX" is not an ISO 3166-1 country code`,
			db.CreateIncident(ctx, w.Author, &coord.Incident{Title: "x", Kind: coord.KindOther, Countries: []string{"XX"}})},
		{"empty update", "nothing to change",
			second(db.UpdateIncident(ctx, w.Author, in.ID, coord.IncidentUpdate{}))},
		{"status a list does not have", `status: expected one of open, closed, found "bogus"`,
			second(db.FindNeeds(ctx, w.Author, coord.ListFilter{Status: "bogus"}))},
		{"narrowing a list does not take", "country: this list cannot be narrowed by country",
			second(db.FindMatches(ctx, w.Author, coord.ListFilter{Country: "SD"}))},
	} {
		if lifeline.ErrorCode(tt.err) != lifeline.EINVALID || !strings.Contains(lifeline.ErrorMessage(tt.err), tt.detail) {
			t.Errorf("%s: %v, want EINVALID saying %q", tt.name, tt.err, tt.detail)
		}
	}
	if after := countEvents(t, db); after != before {
		t.Errorf("refused input appended %d events", after-before)
	}
	if mustState(t, db) != state {
		t.Error("refused input changed the state tables")
	}
	// Names that exist, and an element listed before the atlas lost it,
	// are accepted.
	named := []string{w.Named.OrgID}
	if _, err := db.UpdateIncident(ctx, w.Author, in.ID, coord.IncidentUpdate{ShareWithOrgs: &named}); err != nil {
		t.Errorf("widening to a known organisation: %v", err)
	}
	db.Elements = emptyAtlas{}
	if _, err := db.UpdateIncident(ctx, w.Author, in.ID, coord.IncidentUpdate{Title: ptr("Cut, confirmed")}); err != nil {
		t.Errorf("editing an incident whose element the atlas no longer has: %v", err)
	}
}

// emptyAtlas has no elements.
type emptyAtlas struct{}

func (emptyAtlas) HasElement(string) bool { return false }

func second[T any](_ T, err error) error { return err }

func ptr[T any](v T) *T { return &v }
