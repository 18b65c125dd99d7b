package storetest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"lifeline"
	"lifeline/coord"
)

// testMatchNarrowsToItsItems replays the audit's reproduction: a match
// must not widen a TLP:AMBER+STRICT or a TLP:RED offer to the members of
// the need's organisation, neither when read nor in the event feed; and
// once the need is shared with the offering organisation, the match is
// shown to it, so that it can commit.
func testMatchNarrowsToItsItems(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	// Organisation A is Src (cA is Author, Colleague another member);
	// organisation B is Named.
	need := &coord.Need{Resource: coord.Resource{Title: "terminals", Category: "connectivity/satellite-terminal", Quantity: 10, Unit: "terminal", Countries: []string{"SD"}}}
	if err := db.CreateNeed(ctx, w.Author, need); err != nil {
		t.Fatal(err)
	}
	hidden := func(t *testing.T, v coord.Viewer, who, matchID string) {
		t.Helper()
		_, err := db.FindMatchByID(ctx, v, matchID)
		wantCode(t, err, lifeline.ENOTFOUND, who+" reads the match")
		p, err := db.FindMatches(ctx, v, coord.ListFilter{Limit: 500})
		if err != nil || slices.ContainsFunc(p.Items, func(m *coord.Match) bool { return m.ID == matchID }) {
			t.Errorf("%s lists the match (%v)", who, err)
		}
		ep, err := db.FindEvents(ctx, v, 0, 500)
		if err != nil || slices.ContainsFunc(ep.Items, func(e *coord.Event) bool { return e.Subject == matchID }) {
			t.Errorf("%s reads the match's events in the feed (%v)", who, err)
		}
		sp, err := db.FindEventsBySubject(ctx, v, matchID, coord.ListFilter{})
		if err != nil || len(sp.Items) > 0 {
			t.Errorf("%s reads the match's events by subject (%v)", who, err)
		}
	}
	t.Run("strict", func(t *testing.T) {
		offer := &coord.Offer{Resource: coord.Resource{Title: "terminals", Category: "connectivity/satellite-terminal", Quantity: 5, Unit: "terminal"}}
		offer.TLP, offer.Members = coord.TLPAmberStrict, []string{w.Author.MemberID}
		if err := db.CreateOffer(ctx, w.Named, offer); err != nil {
			t.Fatal(err)
		}
		m, err := db.CreateMatch(ctx, w.Author, coord.MatchCreate{NeedID: need.ID, OfferID: offer.ID, Quantity: 2})
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.FindOfferByID(ctx, w.Colleague, offer.ID)
		wantCode(t, err, lifeline.ENOTFOUND, "a member of A not named reads the offer")
		hidden(t, w.Colleague, "a member of A not named by the offer", m.ID)
		// B may not see A's need, so not the match either.
		hidden(t, w.Named, "the offering organisation, not shared the need", m.ID)
		if _, err := db.FindMatchByID(ctx, w.Author, m.ID); err != nil {
			t.Errorf("the named member who made the match cannot read it: %v", err)
		}
		// A shares its need with B: the match widens with it, and B commits.
		orgs := []string{w.Named.OrgID}
		if _, err := db.UpdateNeed(ctx, w.Author, need.ID, coord.ResourceUpdate{ShareWithOrgs: &orgs}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UpdateMatch(ctx, w.Named, m.ID, coord.MatchUpdate{Status: coord.MatchCommitted}); err != nil {
			t.Errorf("the offering organisation cannot commit once the need is shared with it: %v", err)
		}
		hidden(t, w.Colleague, "a member of A not named by the offer, after the need widened", m.ID)
	})
	t.Run("red", func(t *testing.T) {
		offer := &coord.Offer{Resource: coord.Resource{Title: "terminals", Category: "connectivity/satellite-terminal", Quantity: 5, Unit: "terminal"}}
		offer.TLP, offer.Members = coord.TLPRed, []string{w.Colleague.MemberID}
		if err := db.CreateOffer(ctx, w.Named, offer); err != nil {
			t.Fatal(err)
		}
		m, err := db.CreateMatch(ctx, w.Colleague, coord.MatchCreate{NeedID: need.ID, OfferID: offer.ID, Quantity: 2})
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.FindOfferByID(ctx, w.Author, offer.ID)
		wantCode(t, err, lifeline.ENOTFOUND, "the need's author reads the TLP:RED offer")
		hidden(t, w.Author, "the need's author, not a recipient of the offer", m.ID)
		if _, err := db.FindMatchByID(ctx, w.Colleague, m.ID); err != nil {
			t.Errorf("the recipient who made the match cannot read it: %v", err)
		}
	})
}

// testDerivedVisibility is a property test of the rule for derived data:
// it draws organisations' items with random markings, matches between
// them by random members, and random widenings, then checks for every
// reader that every derived path — a match read or listed, its events in
// the feed and by subject, proposals, coverage — shows a match only if
// the reader may see both its need and its offer (and the match's own
// marking), and shows it whenever it may.
func testDerivedVisibility(t *testing.T, open Opener) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) { derivedVisibility(t, open, seed) })
	}
}

func derivedVisibility(t *testing.T, open Opener, seed uint64) {
	w := NewWorld(t, open(t))
	db := w.DB
	rng := rand.New(rand.NewPCG(seed, 0x11fe11e))
	names, viewers := w.Viewers()
	members := viewers[:len(viewers)-1] // who may act
	var orgIDs, memberIDs []string
	for _, v := range members {
		if !slices.Contains(orgIDs, v.OrgID) {
			orgIDs = append(orgIDs, v.OrgID)
		}
		memberIDs = append(memberIDs, v.MemberID)
	}
	pick := func(ids []string) []string {
		var out []string
		for _, id := range ids {
			if rng.IntN(4) == 0 {
				out = append(out, id)
			}
		}
		return out
	}
	marking := func() coord.Marking {
		m := coord.Marking{TLP: coord.TLPs[rng.IntN(len(coord.TLPs))]}
		switch m.TLP {
		case coord.TLPAmber, coord.TLPAmberStrict:
			m.Orgs, m.Members = pick(orgIDs), pick(memberIDs)
		case coord.TLPRed:
			m.Members = pick(memberIDs)
		}
		return m
	}
	var needs []*coord.Need
	var offers []*coord.Offer
	for range 6 {
		n := &coord.Need{Resource: coord.Resource{Title: "terminals", Category: "connectivity/satellite-terminal", Quantity: 10, Unit: "terminal", Countries: []string{"SD"}}}
		n.Marking = marking()
		if err := db.CreateNeed(ctx, members[rng.IntN(len(members))], n); err != nil {
			t.Fatal(err)
		}
		needs = append(needs, n)
		o := &coord.Offer{Resource: coord.Resource{Title: "terminals", Category: "connectivity/satellite-terminal", Quantity: 10, Unit: "terminal"}}
		o.Marking = marking()
		if err := db.CreateOffer(ctx, members[rng.IntN(len(members))], o); err != nil {
			t.Fatal(err)
		}
		offers = append(offers, o)
	}
	// Matches, by whoever may make them; then some widen, move along.
	var matches []*coord.Match
	for range 40 {
		n, o := needs[rng.IntN(len(needs))], offers[rng.IntN(len(offers))]
		by := members[rng.IntN(len(members))]
		mc := coord.MatchCreate{NeedID: n.ID, OfferID: o.ID, Quantity: 1}
		if rng.IntN(3) == 0 {
			mc.TLP = coord.TLPs[2+rng.IntN(3)]
			mc.Recipients = pick(memberIDs)
		}
		m, err := db.CreateMatch(ctx, by, mc)
		if err != nil {
			continue
		}
		matches = append(matches, m)
		if _, err := db.FindMatchByID(ctx, by, m.ID); err != nil {
			t.Errorf("the member who made match %s cannot read it: %v", m.ID, err)
		}
	}
	if len(matches) < 5 {
		t.Fatalf("only %d matches drawn: the property is not exercised", len(matches))
	}
	for range 10 {
		orgs := pick(orgIDs)
		if rng.IntN(2) == 0 {
			n := needs[rng.IntN(len(needs))]
			db.UpdateNeed(ctx, sourceOf(members, n.Marking), n.ID, coord.ResourceUpdate{ShareWithOrgs: &orgs})
		} else {
			o := offers[rng.IntN(len(offers))]
			db.UpdateOffer(ctx, sourceOf(members, o.Marking), o.ID, coord.ResourceUpdate{ShareWithOrgs: &orgs})
		}
	}
	for _, m := range matches {
		for _, v := range members {
			db.UpdateMatch(ctx, v, m.ID, coord.MatchUpdate{Status: coord.MatchCommitted})
		}
	}
	byID := map[string]*coord.Match{}
	for _, m := range matches {
		byID[m.ID] = m
	}
	for i, v := range viewers {
		t.Run(names[i], func(t *testing.T) {
			sees := func(find func() error) bool { return find() == nil }
			// may is the rule: the reader may see the match's own marking,
			// its need and its offer, each read directly.
			may := func(m *coord.Match) bool {
				own := m.Marking
				own.Reveals = nil
				return coord.CanSee(v, own) &&
					sees(func() error { _, err := db.FindNeedByID(ctx, v, m.NeedID); return err }) &&
					sees(func() error { _, err := db.FindOfferByID(ctx, v, m.OfferID); return err })
			}
			for _, m := range matches {
				_, err := db.FindMatchByID(ctx, v, m.ID)
				if got, want := err == nil, may(m); got != want {
					t.Errorf("FindMatchByID(%s) visible = %v, want %v (match %+v)", m.ID, got, want, m.Marking)
				}
			}
			mp, err := db.FindMatches(ctx, v, coord.ListFilter{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range mp.Items {
				if !may(byID[m.ID]) {
					t.Errorf("FindMatches lists %s", m.ID)
				}
			}
			ep, err := db.FindEvents(ctx, v, 0, 500)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range ep.Items {
				if m := byID[e.Subject]; m != nil && !may(m) {
					t.Errorf("the feed shows %s of match %s", e.Type, m.ID)
				}
			}
			for _, m := range matches {
				sp, err := db.FindEventsBySubject(ctx, v, m.ID, coord.ListFilter{})
				if err != nil {
					t.Fatal(err)
				}
				if len(sp.Items) > 0 && !may(m) {
					t.Errorf("events by subject show match %s", m.ID)
				}
			}
			for _, n := range needs {
				ps, err := db.Proposals(ctx, v, n.ID)
				if err != nil {
					continue
				}
				for _, p := range ps {
					if _, err := db.FindOfferByID(ctx, v, p.OfferID); err != nil {
						t.Errorf("Proposals for %s show offer %s the reader may not see", n.ID, p.OfferID)
					}
				}
			}
			ofNeed := func(id string) func(*coord.Match) bool { return func(m *coord.Match) bool { return m.NeedID == id } }
			ofOffer := func(id string) func(*coord.Match) bool { return func(m *coord.Match) bool { return m.OfferID == id } }
			for _, n := range needs {
				if got, err := db.FindNeedByID(ctx, v, n.ID); err == nil {
					checkCoverage(t, n.ID, got.Coverage, matches, ofNeed(n.ID), may)
				}
			}
			for _, o := range offers {
				if got, err := db.FindOfferByID(ctx, v, o.ID); err == nil {
					checkCoverage(t, o.ID, got.Coverage, matches, ofOffer(o.ID), may)
				}
			}
			np, err := db.FindNeeds(ctx, v, coord.ListFilter{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range np.Items {
				checkCoverage(t, n.ID, n.Coverage, matches, ofNeed(n.ID), may)
			}
			op, err := db.FindOffers(ctx, v, coord.ListFilter{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range op.Items {
				checkCoverage(t, o.ID, o.Coverage, matches, ofOffer(o.ID), may)
			}
		})
	}
}

// checkCoverage checks the coverage c of the need or offer id as a
// reader reads it: quantities from every match of it (of), whoever may
// see them; the matches named only where the reader may see them (may).
func checkCoverage(t *testing.T, id string, c *coord.Coverage, matches []*coord.Match, of func(*coord.Match) bool, may func(*coord.Match) bool) {
	t.Helper()
	if c == nil {
		t.Errorf("%s read without its coverage", id)
		return
	}
	var held int64
	for _, m := range matches {
		if of(m) {
			held++ // each match is of quantity 1, none cancelled
		}
	}
	if c.Held != held {
		t.Errorf("%s: held %d, want %d from every match", id, c.Held, held)
	}
	for _, s := range c.Matches {
		m := findMatch(matches, s.MatchID)
		if m == nil || !may(m) || !of(m) {
			b, _ := json.Marshal(s)
			t.Errorf("%s coverage names a match the reader may not see: %s", id, b)
		}
	}
}

func findMatch(ms []*coord.Match, id string) *coord.Match {
	for _, m := range ms {
		if m.ID == id {
			return m
		}
	}
	return nil
}

// sourceOf returns the viewer who wrote an item of marking m.
func sourceOf(vs []coord.Viewer, m coord.Marking) coord.Viewer {
	for _, v := range vs {
		if v.MemberID == m.Author {
			return v
		}
	}
	return coord.Viewer{}
}

// testMatchesRecordedBefore: a match recorded before matches carried the
// markings of their need and offer is still shown only to those who may
// see both, read from the need's and the offer's rows.
func testMatchesRecordedBefore(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	need := &coord.Need{Resource: coord.Resource{Title: "terminals", Category: "connectivity/satellite-terminal", Quantity: 10, Unit: "terminal", Countries: []string{"SD"}}}
	if err := db.CreateNeed(ctx, w.Author, need); err != nil {
		t.Fatal(err)
	}
	offer := &coord.Offer{Resource: coord.Resource{Title: "terminals", Category: "connectivity/satellite-terminal", Quantity: 5, Unit: "terminal"}}
	offer.TLP, offer.Members = coord.TLPAmberStrict, []string{w.Author.MemberID}
	if err := db.CreateOffer(ctx, w.Named, offer); err != nil {
		t.Fatal(err)
	}
	m, err := db.CreateMatch(ctx, w.Author, coord.MatchCreate{NeedID: need.ID, OfferID: offer.ID, Quantity: 2})
	if err != nil {
		t.Fatal(err)
	}
	// The row as an earlier version wrote it: the match's own marking only.
	legacy := *m
	legacy.Reveals = nil
	own := legacy.Marking
	doc, _ := json.Marshal(&legacy)
	mk, _ := json.Marshal(own)
	if _, err := db.SQL().Exec(rebind(db, `UPDATE matches SET doc = ?, marking = ? WHERE id = ?`), string(doc), string(mk), m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindMatchByID(ctx, w.Author, m.ID); err != nil {
		t.Errorf("the member who may see both cannot read the match: %v", err)
	}
	_, err = db.FindMatchByID(ctx, w.Colleague, m.ID)
	wantCode(t, err, lifeline.ENOTFOUND, "a colleague not named by the offer reads a match recorded before")
	p, err := db.FindMatches(ctx, w.Colleague, coord.ListFilter{})
	if err != nil || len(p.Items) != 0 {
		t.Errorf("a colleague not named by the offer lists %d matches (%v)", len(p.Items), err)
	}
	_, err = db.UpdateMatch(ctx, w.Colleague, m.ID, coord.MatchUpdate{Status: coord.MatchCancelled})
	wantCode(t, err, lifeline.ENOTFOUND, "a colleague not named by the offer moves a match recorded before")
}
