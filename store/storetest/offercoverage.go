package storetest

import (
	"crypto/ed25519"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"lifeline"
	"lifeline/coord"
	"lifeline/federation"
	"lifeline/ledger"
)

// testOfferCoverageTravels runs A and its peer B. An offer of A's
// supplier is matched with a need of A, by a commitment that stays on A,
// and with a need of B, by a proposal marked TLP:RED that stays on B.
// Each instance records the matches it keeps (offer.coverage: the
// instance as author, the offer's marking, quantities and an id that
// names no instance), and each shows the sum of both: on A, on B, in the
// matching engine's remainder and in how far the offer may be cut,
// whatever order B's records arrive in, and for an offer that widens
// after B matched it. A forged record — its
// quantities not nesting, its id not its subject, or claiming the record
// of another instance — is refused with its batch, saying why. Both
// still rebuild to the same state.
func testOfferCoverageTravels(t *testing.T, open Opener) {
	a := newFedInstance(t, open, "A", "a-need", "a-supply")
	b := newFedInstance(t, open, "B", "b-org")
	a.peer(t, b, true)
	b.peer(t, a, true)
	requester, supplier, borg := a.members["a-need"], a.members["a-supply"], b.members["b-org"]
	newOffer := func(mk coord.Marking) *coord.Offer {
		t.Helper()
		o := &coord.Offer{Resource: coord.Resource{Title: "terminals", Category: "connectivity/satellite-terminal", Quantity: 10, Unit: "terminal"}}
		o.Marking = mk
		if err := a.db.CreateOffer(ctx, supplier, o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	newNeed := func(f *fedInstance, v coord.Viewer, title string) *coord.Need {
		t.Helper()
		n := &coord.Need{Resource: coord.Resource{Title: title, Category: "connectivity/satellite-terminal", Quantity: 10, Unit: "terminal", Countries: []string{"SD"}}}
		n.TLP = coord.TLPClear
		if err := f.db.CreateNeed(ctx, v, n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	match := func(f *fedInstance, v coord.Viewer, n *coord.Need, o *coord.Offer, q int64, tlp coord.TLP) *coord.Match {
		t.Helper()
		m, err := f.db.CreateMatch(ctx, v, coord.MatchCreate{NeedID: n.ID, OfferID: o.ID, Quantity: q, TLP: tlp})
		if err != nil {
			t.Fatalf("CreateMatch: %s", lifeline.Trace(err))
		}
		return m
	}
	offer := newOffer(coord.Marking{TLP: coord.TLPClear})
	needA := newNeed(a, requester, "terminals for Port Sudan")
	syncTo(t, a, b)
	needB := newNeed(b, borg, "terminals for Kassala")
	mA := match(a, requester, needA, offer, 3, "")
	if _, err := a.db.UpdateMatch(ctx, supplier, mA.ID, coord.MatchUpdate{Status: coord.MatchCommitted}); err != nil {
		t.Fatal(err)
	}
	mB := match(b, borg, needB, offer, 4, coord.TLPRed)
	syncTo(t, a, b)
	syncTo(t, b, a)
	if _, err := b.db.FindMatchByID(ctx, b.admin, mA.ID); lifeline.ErrorCode(err) != lifeline.ENOTFOUND {
		t.Fatalf("A's commitment, marked TLP:AMBER for A's organisations, reached B: %v", err)
	}
	if _, err := a.db.FindMatchByID(ctx, a.admin, mB.ID); lifeline.ErrorCode(err) != lifeline.ENOTFOUND {
		t.Fatalf("B's proposal, marked TLP:RED, reached A: %v", err)
	}

	type side struct {
		name string
		f    *fedInstance
		v    coord.Viewer
	}
	want := func(what string, o *coord.Offer, held, covered int64, sides ...side) {
		t.Helper()
		for _, s := range sides {
			got, err := s.f.db.FindOfferByID(ctx, s.v, o.ID)
			if err != nil {
				t.Fatalf("%s: the offer on %s: %v", what, s.name, err)
			}
			c := got.Coverage
			if c == nil || c.Held != held || c.Covered != covered || c.Dispatched != 0 || c.Delivered != 0 {
				t.Errorf("%s: the offer's coverage on %s, as %s, is %+v, want held %d, covered %d", what, s.name, s.v.MemberID, c, held, covered)
			}
			p, err := s.f.db.FindOffers(ctx, s.v, coord.ListFilter{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(p.Items, func(x *coord.Offer) bool { return x.ID == o.ID })
			if i < 0 || p.Items[i].Coverage == nil || p.Items[i].Coverage.Held != held {
				t.Errorf("%s: the list of offers on %s does not show held %d", what, s.name, held)
			}
			if c != nil {
				for _, cm := range c.Matches {
					if s.f == a && cm.MatchID == mB.ID || s.f == b && cm.MatchID == mA.ID {
						t.Errorf("%s: %s names a match it does not hold: %+v", what, s.name, cm)
					}
				}
			}
		}
	}
	everyone := []side{{"A", a, supplier}, {"A", a, requester}, {"A", a, a.admin}, {"B", b, borg}, {"B", b, b.admin}}
	want("matched on both", offer, 7, 3, everyone...)

	// B's record: the instance's, at the offer's marking, quantities
	// only, under an id that names neither instance.
	var last *coord.Event
	for _, e := range allEvents(t, b) {
		if e.Type == coord.EventOfferCoverage {
			last = e
		}
	}
	if last == nil {
		t.Fatal("B wrote no record of the offer's coverage")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(last.Payload, &fields); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"covered", "delivered", "dispatched", "held", "id", "offer", "version"}) {
		t.Errorf("the record holds %v, want its id, the offer and quantities only", keys)
	}
	if last.Author != coord.System.MemberID || last.Org != coord.System.OrgID || !last.Marking.Equal(offer.Marking) ||
		!strings.HasPrefix(last.Subject, coord.OfferCoveragePrefix) || string(fields["id"]) != `"`+last.Subject+`"` {
		t.Errorf("the record %+v is not the instance's, at the offer's marking, about itself", last)
	}
	for _, fp := range []string{a.fp, b.fp} {
		if strings.Contains(string(last.Payload)+last.Subject, fp[:8]) {
			t.Errorf("the record names an instance: %s %s", last.Subject, last.Payload)
		}
	}

	// The matching engine: 3 left, on B and on A.
	if _, err := b.db.CreateMatch(ctx, borg, coord.MatchCreate{NeedID: needB.ID, OfferID: offer.ID, Quantity: 4, TLP: coord.TLPRed}); lifeline.ErrorCode(err) != lifeline.ECONFLICT {
		t.Errorf("B matched 4 more of an offer with 3 left: %v", err)
	}
	ps, err := a.db.Proposals(ctx, requester, newNeed(a, requester, "terminals for Atbara").ID)
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(ps, func(p coord.Proposal) bool { return p.OfferID == offer.ID }); i < 0 || ps[i].Quantity != 3 {
		t.Errorf("the engine on A proposes %+v, want the offer's 3 left", ps)
	}

	// Nor may A's supplier cut the offer below what both instances hold.
	five := int64(5)
	if _, err := a.db.UpdateOffer(ctx, supplier, offer.ID, coord.ResourceUpdate{Quantity: &five}); lifeline.ErrorCode(err) != lifeline.ECONFLICT {
		t.Errorf("the offer cut to 5 with 7 held on A and B: %v", err)
	}

	// Two batches of B, the newer first: A keeps B's newer record.
	pulled := func() int64 {
		t.Helper()
		peers, err := a.db.FindPeers(ctx, a.admin)
		if err != nil {
			t.Fatal(err)
		}
		return peers[slices.IndexFunc(peers, func(p *federation.PeerStatus) bool { return p.Fingerprint == b.fp })].Pulled
	}
	since := pulled()
	if _, err := b.db.UpdateMatch(ctx, borg, mB.ID, coord.MatchUpdate{Status: coord.MatchCancelled}); err != nil {
		t.Fatal(err)
	}
	first, until, err := b.db.Outgoing(ctx, a.fp, since, 1000)
	if err != nil {
		t.Fatal(err)
	}
	match(b, borg, needB, offer, 2, coord.TLPRed)
	second, _, err := b.db.Outgoing(ctx, a.fp, until, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range [][]byte{second, first} {
		if _, err := a.db.Receive(ctx, w); err != nil {
			t.Fatalf("Receive: %s", lifeline.Trace(err))
		}
	}
	want("batches out of order", offer, 5, 3, side{"A", a, supplier}, side{"B", b, borg})

	// An offer shared with A's supplier and B's organisation, matched on
	// B, then widened to everyone on A: B records again at its new
	// marking, and A's requester, who could not see it, sees B's figure.
	narrow := newOffer(coord.Marking{TLP: coord.TLPAmber, Orgs: []string{a.orgs["a-supply"], b.orgs["b-org"]}})
	syncTo(t, a, b)
	match(b, borg, newNeed(b, borg, "terminals for Atbara"), narrow, 2, coord.TLPRed)
	syncTo(t, b, a)
	want("shared with B", narrow, 2, 0, side{"A", a, supplier}, side{"B", b, borg})
	clear, none := coord.TLPClear, []string{}
	if _, err := a.db.UpdateOffer(ctx, supplier, narrow.ID, coord.ResourceUpdate{TLP: &clear, ShareWithOrgs: &none}); err != nil {
		t.Fatal(err)
	}
	syncTo(t, a, b)
	syncTo(t, b, a)
	want("widened", narrow, 2, 0, side{"A", a, requester}, side{"A", a, supplier}, side{"B", b, borg})

	// Forged records, from C, a peer of A: refused whole, saying why.
	c := newFedInstance(t, open, "C", "c-org")
	a.peer(t, c, true)
	cKey, err := c.db.SigningKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var bRecord string
	for _, e := range allEvents(t, a) {
		if e.Type == coord.EventOfferCoverage {
			if o, ok, _ := a.db.OriginOf(ctx, e.Subject); ok && o.Fingerprint == b.fp {
				bRecord = e.Subject
			}
		}
	}
	if bRecord == "" {
		t.Fatal("A holds no record of B")
	}
	for _, bad := range []struct{ what, subject, author, payload, says string }{
		{"quantities that do not nest", "ocov_c1", "", `{"id":"ocov_c1","offer":"` + offer.ID + `","held":1,"covered":2,"dispatched":0,"delivered":0,"version":1}`, "quantities"},
		{"an id that is not its subject", "ocov_c1", "", `{"id":"ocov_c2","offer":"` + offer.ID + `","held":1,"covered":0,"dispatched":0,"delivered":0,"version":1}`, "id"},
		{"written by a member", "ocov_c1", c.members["c-org"].MemberID, `{"id":"ocov_c1","offer":"` + offer.ID + `","held":1,"covered":0,"dispatched":0,"delivered":0,"version":1}`, "author"},
		{"the record of B", bRecord, "", `{"id":"` + bRecord + `","offer":"` + offer.ID + `","held":9,"covered":0,"dispatched":0,"delivered":0,"version":99}`, "which " + b.fp[:16]},
	} {
		author, org := coord.System.MemberID, coord.System.OrgID
		if bad.author != "" {
			author, org = bad.author, c.orgs["c-org"]
		}
		ev, err := ledger.Seal(cKey, &ledger.Record{Seq: 40, Hash: strings.Repeat("0", 64)}, ledger.Event{Time: offer.Created, Type: coord.EventOfferCoverage,
			Author: author, Org: org, Subject: bad.subject, Marking: offer.Marking, Payload: []byte(bad.payload)})
		if err != nil {
			t.Fatal(err)
		}
		wire, _, err := federation.Seal(cKey, federation.Batch{Recipient: a.fp, Since: 0, Until: 1,
			Keys:   []federation.OriginKey{{Fingerprint: c.fp, Key: cKey.Public().(ed25519.PublicKey)}},
			Events: []federation.Entry{{Pos: 1, Origin: c.fp, Body: ev.Body, Sig: ev.Sig}}})
		if err != nil {
			t.Fatal(err)
		}
		before := countEvents(t, a.db)
		_, err = a.db.Receive(ctx, wire)
		wantCode(t, err, lifeline.EINVALID, bad.what)
		if msg := lifeline.ErrorMessage(err); !strings.Contains(msg, bad.says) || !strings.Contains(msg, "nothing of the batch was applied") {
			t.Errorf("%s: the refusal does not say %q: %s", bad.what, bad.says, lifeline.ErrorMessage(err))
		}
		if countEvents(t, a.db) != before {
			t.Errorf("%s: a refused batch appended to the log", bad.what)
		}
	}
	want("after the forgeries", offer, 5, 3, side{"A", a, supplier})

	wantReplays(t, a, b)
}

// testOfferCoverageRecordedLate restores on A a log written before
// offer.coverage existed (A's own log without its offer.coverage
// events): B, pulling it, shows only the matches it holds. A's
// RecordOfferCoverage (run when lifeline serve starts) records the offer
// once, as the instance, at the offer's marking; run again, it records
// nothing; B records nothing of matches it does not keep, and, pulling
// again, shows A's figures.
func testOfferCoverageRecordedLate(t *testing.T, open Opener) {
	old := newFedInstance(t, open, "A", "a-need", "a-supply")
	requester, supplier := old.members["a-need"], old.members["a-supply"]
	offer := &coord.Offer{Resource: coord.Resource{Title: "terminals", Category: "connectivity/satellite-terminal", Quantity: 20, Unit: "terminal"}}
	offer.TLP = coord.TLPClear
	if err := old.db.CreateOffer(ctx, supplier, offer); err != nil {
		t.Fatal(err)
	}
	need := &coord.Need{Resource: coord.Resource{Title: "terminals for Port Sudan", Category: "connectivity/satellite-terminal", Quantity: 10, Unit: "terminal", Countries: []string{"SD"}}}
	need.TLP = coord.TLPClear
	if err := old.db.CreateNeed(ctx, requester, need); err != nil {
		t.Fatal(err)
	}
	for _, mc := range []coord.MatchCreate{{Quantity: 3}, {Quantity: 2, TLP: coord.TLPClear}} { // one stays on A, one travels
		mc.NeedID, mc.OfferID = need.ID, offer.ID
		if _, err := old.db.CreateMatch(ctx, requester, mc); err != nil {
			t.Fatal(err)
		}
	}
	a := restoreWithout(t, open, old, func(e ledger.Event) bool { return e.Type == coord.EventOfferCoverage })
	b := newFedInstance(t, open, "B", "b-org")
	a.peer(t, b, true)
	b.peer(t, a, true)
	syncTo(t, a, b)
	reader := b.members["b-org"]
	held := func(what string, want int64) {
		t.Helper()
		got, err := b.db.FindOfferByID(ctx, reader, offer.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Coverage == nil || got.Coverage.Held != want {
			t.Errorf("%s: B shows %+v, want held %d", what, got.Coverage, want)
		}
	}
	held("before the record", 2)
	if ids, err := a.db.UnrecordedOfferCoverage(ctx); err != nil || !slices.Equal(ids, []string{offer.ID}) {
		t.Fatalf("UnrecordedOfferCoverage on A = %v, %v; want the offer", ids, err)
	}
	for _, f := range []func() ([]string, error){func() ([]string, error) { return b.db.UnrecordedOfferCoverage(ctx) }, func() ([]string, error) { return b.db.RecordOfferCoverage(ctx) }} {
		if ids, err := f(); err != nil || len(ids) != 0 {
			t.Fatalf("B, which keeps no match, would record %v (%v)", ids, err)
		}
	}
	if ids, err := a.db.RecordOfferCoverage(ctx); err != nil || !slices.Equal(ids, []string{offer.ID}) {
		t.Fatalf("RecordOfferCoverage on A = %v, %v; want the offer", ids, err)
	}
	n := countEvents(t, a.db)
	if ids, err := a.db.RecordOfferCoverage(ctx); err != nil || len(ids) != 0 || countEvents(t, a.db) != n {
		t.Fatalf("a second RecordOfferCoverage recorded %v (%v)", ids, err)
	}
	syncTo(t, a, b)
	held("after the record", 5)
	wantReplays(t, a, b)
}

// allEvents returns every event of f's log its administrator reads.
func allEvents(t *testing.T, f *fedInstance) []*coord.Event {
	t.Helper()
	var out []*coord.Event
	var after int64
	for {
		p, err := f.db.FindEvents(ctx, f.admin, after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p.Items...)
		if len(p.Items) == 0 {
			return out
		}
		after = p.Items[len(p.Items)-1].Seq
	}
}
