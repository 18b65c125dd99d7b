package storetest

import (
	"encoding/json"
	"slices"
	"testing"

	"lifeline"
	"lifeline/coord"
	"lifeline/federation"
)

// testCoverageTravels runs A and its peer B. On A a need shared with
// everyone is covered by a commitment marked, by default, TLP:AMBER
// naming both parties, which stays on A. A records the need's coverage
// (need.coverage: the instance as author, the need's marking, quantities
// only) after every change of the match; B, which never holds the match,
// shows the need as covered as A does, takes the newest record whatever
// order batches arrive in, and follows a need that widens after it was
// covered. Both still rebuild to the same state.
func testCoverageTravels(t *testing.T, open Opener) {
	a := newFedInstance(t, open, "A", "a-need", "a-supply")
	b := newFedInstance(t, open, "B", "b-org")
	a.peer(t, b, true)
	b.peer(t, a, true)
	syncTo(t, b, a)
	requester, supplier, reader := a.members["a-need"], a.members["a-supply"], b.members["b-org"]

	covered := func(need *coord.Need) *coord.Match {
		t.Helper()
		offer := &coord.Offer{Resource: coord.Resource{Title: "terminals", Category: "connectivity/satellite-terminal", Quantity: 10, Unit: "terminal"}}
		offer.TLP = coord.TLPClear
		if err := a.db.CreateOffer(ctx, supplier, offer); err != nil {
			t.Fatal(err)
		}
		m, err := a.db.CreateMatch(ctx, requester, coord.MatchCreate{NeedID: need.ID, OfferID: offer.ID, Quantity: 3})
		if err != nil {
			t.Fatal(err)
		}
		if m, err = a.db.UpdateMatch(ctx, supplier, m.ID, coord.MatchUpdate{Status: coord.MatchCommitted}); err != nil {
			t.Fatal(err)
		}
		return m
	}
	newNeed := func(title string, mk coord.Marking) *coord.Need {
		t.Helper()
		n := &coord.Need{Resource: coord.Resource{Title: title, Category: "connectivity/satellite-terminal", Quantity: 10, Unit: "terminal", Countries: []string{"SD"}}}
		n.Marking = mk
		if err := a.db.CreateNeed(ctx, requester, n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	need := newNeed("terminals for Port Sudan", coord.Marking{TLP: coord.TLPClear})
	m := covered(need)
	if m.TLP != coord.TLPAmber {
		t.Fatalf("the default marking of a match is %s, want TLP:AMBER naming both parties", m.TLP)
	}

	// The record on A: the instance's, at the need's marking, quantities
	// only.
	evs, err := coord.EventsAbout(ctx, a.db, coord.System, need.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var recs []*coord.Event
	for _, e := range evs {
		if e.Type == coord.EventNeedCoverage {
			recs = append(recs, e)
		}
	}
	if len(recs) != 2 { // the match made, then committed
		t.Fatalf("A recorded the coverage %d times, want after each of the match's 2 changes", len(recs))
	}
	last := recs[len(recs)-1]
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(last.Payload, &fields); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"covered", "delivered", "dispatched", "held", "need", "version"}) {
		t.Errorf("the record holds %v, want the need and quantities only", keys)
	}
	if last.Author != coord.System.MemberID || last.Org != coord.System.OrgID || last.Marking.TLP != coord.TLPClear || len(last.Marking.Reveals) != 0 {
		t.Errorf("the record is by %s of %s marked %+v, want the instance's at the need's marking", last.Author, last.Org, last.Marking)
	}

	want := func(what string, n *coord.Need, covered, dispatched, delivered int64) {
		t.Helper()
		for _, side := range []struct {
			name string
			f    *fedInstance
			v    coord.Viewer
		}{{"A", a, requester}, {"B", b, reader}} {
			got, err := side.f.db.FindNeedByID(ctx, side.v, n.ID)
			if err != nil {
				t.Fatalf("%s: the need on %s: %v", what, side.name, err)
			}
			c := got.Coverage
			if c == nil || c.Held != 3 || c.Covered != covered || c.Dispatched != dispatched || c.Delivered != delivered {
				t.Errorf("%s: the coverage on %s is %+v, want held 3, covered %d, dispatched %d, delivered %d", what, side.name, c, covered, dispatched, delivered)
			}
			if c != nil && side.f == b && len(c.Matches) != 0 {
				t.Errorf("%s: B names matches it does not hold: %+v", what, c.Matches)
			}
		}
	}
	syncTo(t, a, b)
	if _, err := b.db.FindMatchByID(ctx, b.admin, m.ID); lifeline.ErrorCode(err) != lifeline.ENOTFOUND {
		t.Fatalf("the match marked TLP:AMBER for A's organisations reached B: %v", err)
	}
	want("committed", need, 3, 0, 0)

	// Two batches, the newer first: B keeps the newer record.
	pulled := func() int64 {
		t.Helper()
		peers, err := b.db.FindPeers(ctx, b.admin)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(peers, func(p *federation.PeerStatus) bool { return p.Fingerprint == a.fp })
		return peers[i].Pulled
	}
	since := pulled()
	if _, err := a.db.UpdateMatch(ctx, supplier, m.ID, coord.MatchUpdate{Status: coord.MatchDispatched}); err != nil {
		t.Fatal(err)
	}
	first, until, err := a.db.Outgoing(ctx, b.fp, since, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.UpdateMatch(ctx, requester, m.ID, coord.MatchUpdate{Status: coord.MatchDelivered}); err != nil {
		t.Fatal(err)
	}
	second, _, err := a.db.Outgoing(ctx, b.fp, until, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range [][]byte{second, first} {
		if _, err := b.db.Receive(ctx, w); err != nil {
			t.Fatalf("Receive: %s", lifeline.Trace(err))
		}
	}
	want("batches out of order", need, 3, 3, 3)

	// A need covered while shared with A's organisations only reaches B
	// when it widens: its coverage comes with it.
	narrow := newNeed("generators for Kassala", coord.Marking{TLP: coord.TLPAmber, Orgs: []string{a.orgs["a-supply"]}})
	covered(narrow)
	syncTo(t, a, b)
	if _, err := b.db.FindNeedByID(ctx, b.admin, narrow.ID); lifeline.ErrorCode(err) != lifeline.ENOTFOUND {
		t.Fatalf("a need for A's organisation reached B: %v", err)
	}
	clear, none := coord.TLPClear, []string{}
	if _, err := a.db.UpdateNeed(ctx, requester, narrow.ID, coord.ResourceUpdate{TLP: &clear, ShareWithOrgs: &none}); err != nil {
		t.Fatal(err)
	}
	syncTo(t, a, b)
	want("widened", narrow, 3, 0, 0)

	for _, f := range []*fedInstance{a, b} {
		if diff, err := f.db.VerifyState(ctx); err != nil || diff != "" {
			t.Errorf("the state differs from a replay of the log: %q, %v", diff, err)
		}
	}
}
