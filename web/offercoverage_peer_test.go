package web

import (
	"context"
	"strings"
	"testing"

	"lifeline/coord"
)

// TestOfferCoverageSameOnPeer: an offer of A shared with everyone is
// matched on A by a commitment marked by default (TLP:AMBER naming both
// parties), which stays on A, and on its peer B with a need of B by a
// proposal marked TLP:RED, which stays on B. On both, the offer's page
// and the board show the whole: 5 of 6 held, 4 committed and dispatched;
// neither page names the match the other instance keeps.
func TestOfferCoverageSameOnPeer(t *testing.T) {
	ctx := context.Background()
	a, b := newPeeredPair(t)
	requester, _ := a.db.Authenticate(ctx, a.tokA)
	supplier, _ := a.db.Authenticate(ctx, a.tokB)
	elsewhere, _ := b.db.Authenticate(ctx, b.tokA)
	newNeed := func(in *instance, v coord.Viewer, title string) *coord.Need {
		t.Helper()
		n := &coord.Need{Resource: coord.Resource{Title: title, Category: "power", Quantity: 6, Unit: "generators", Countries: []string{"SD"}}}
		n.Marking = coord.Marking{TLP: coord.TLPClear}
		if err := in.db.CreateNeed(ctx, v, n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	offer := &coord.Offer{Resource: coord.Resource{Title: "Generators on loan", Category: "power", Quantity: 6, Unit: "generators"}}
	offer.Marking = coord.Marking{TLP: coord.TLPClear}
	if err := a.db.CreateOffer(ctx, supplier, offer); err != nil {
		t.Fatal(err)
	}
	mA, err := a.db.CreateMatch(ctx, supplier, coord.MatchCreate{NeedID: newNeed(a, requester, "Generators for the Kassala exchange").ID, OfferID: offer.ID, Quantity: 4})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []coord.MatchStatus{coord.MatchCommitted, coord.MatchDispatched} {
		if _, err := a.db.UpdateMatch(ctx, supplier, mA.ID, coord.MatchUpdate{Status: st}); err != nil {
			t.Fatalf("move the match to %s: %v", st, err)
		}
	}
	sendAll(t, a, b)
	mB, err := b.db.CreateMatch(ctx, elsewhere, coord.MatchCreate{NeedID: newNeed(b, elsewhere, "Generators for the Atbara exchange").ID, OfferID: offer.ID, Quantity: 1, TLP: coord.TLPRed})
	if err != nil {
		t.Fatal(err)
	}
	sendAll(t, b, a)

	for _, side := range []struct {
		name   string
		in     *instance
		hidden string // the match the other instance keeps
	}{{"A", a, mB.ID}, {"B", b, mA.ID}} {
		br := side.in.browser(t)
		_, page := br.get("/offers/" + offer.ID + "?lang=en")
		if !strings.Contains(page, "6 generators, 5 committed") || !strings.Contains(page, "4 committed · 4 dispatched · 0 delivered") {
			t.Errorf("%s: the offer's page does not show 5 of 6 held, 4 committed and dispatched:\n%s", side.name, page)
		}
		_, board := br.get("/needs?lang=en")
		if i := strings.Index(board, "/offers/"+offer.ID); i < 0 || !strings.Contains(board[i:], "5 of 6 generators committed") {
			t.Errorf("%s: the board does not show 5 of the offer's 6 generators held", side.name)
		}
		if strings.Contains(page, side.hidden) || strings.Contains(board, side.hidden) {
			t.Errorf("%s names %s, a match it does not hold", side.name, side.hidden)
		}
	}
}
