package storetest

import (
	"crypto/ed25519"
	"strings"
	"testing"

	"lifeline"
	"lifeline/coord"
	"lifeline/federation"
	"lifeline/ledger"
)

// testReceiveAll: batches received together (store.DB.ReceiveAll) end as
// the same batches received one after the other would — one batch event
// each, the cursor after the last, a log that verifies —, and when one is
// refused, those before it are applied, it is refused as Receive refuses
// it, and nothing after it is applied.
func testReceiveAll(t *testing.T, open Opener) {
	a := newFedInstance(t, open, "A", "a-src")
	b := newFedInstance(t, open, "B", "b-org")
	a.peer(t, b, true)
	b.peer(t, a, true)
	author := a.members["a-src"]
	create := func(title string) *coord.Incident {
		t.Helper()
		in := &coord.Incident{Title: title, Kind: coord.KindCableCut, Countries: []string{"YE"}}
		in.TLP = coord.TLPClear
		if err := a.db.CreateIncident(ctx, author, in); err != nil {
			t.Fatal(err)
		}
		return in
	}
	for _, title := range []string{"First cut", "Second cut", "Third cut", "Fourth cut"} {
		create(title)
	}
	pulled := func() int64 {
		t.Helper()
		peers, err := b.db.FindPeers(ctx, b.admin)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range peers {
			if p.Fingerprint == a.fp {
				return p.Pulled
			}
		}
		t.Fatal("B does not list A")
		return 0
	}
	from := pulled()
	w1, until1, err := a.db.Outgoing(ctx, b.fp, from, 3)
	if err != nil {
		t.Fatal(err)
	}
	w2, until2, err := a.db.Outgoing(ctx, b.fp, until1, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if until1 <= from || until2 <= until1 {
		t.Fatalf("A's pages end at %d and %d after %d; want two pages of events", until1, until2, from)
	}
	batches := len(logRows(t, b.db, `WHERE type = ?`, coord.EventBatchReceived))
	rs, err := b.db.ReceiveAll(ctx, [][]byte{w1, w2})
	if err != nil || len(rs) != 2 {
		t.Fatalf("ReceiveAll of two pages: %d results, %v; want 2 and no error", len(rs), lifeline.Trace(err))
	}
	if rs[0].Until != until1 || rs[1].Until != until2 || rs[0].Applied == 0 || rs[1].Applied == 0 {
		t.Errorf("results %+v and %+v; want pages ending at %d and %d, each with events applied", rs[0], rs[1], until1, until2)
	}
	if got := len(logRows(t, b.db, `WHERE type = ?`, coord.EventBatchReceived)) - batches; got != 2 {
		t.Errorf("B's log holds %d new batch events, want one per page, 2", got)
	}
	if got := pulled(); got != until2 {
		t.Errorf("B's cursor for A is %d, want %d", got, until2)
	}
	page, err := b.db.FindIncidents(ctx, b.members["b-org"], coord.ListFilter{Limit: 10})
	if err != nil || len(page.Items) != 4 {
		t.Fatalf("B lists %d incidents (%v), want A's 4", len(page.Items), err)
	}
	if _, err := b.db.Verify(ctx); err != nil {
		t.Errorf("verify after two pages received together: %s", lifeline.Trace(err))
	}
	if diff, err := b.db.VerifyState(ctx); err != nil || diff != "" {
		t.Errorf("state after two pages received together: %q, %v", diff, err)
	}
	// The same pages again change nothing.
	before := countEvents(t, b.db)
	if rs, err := b.db.ReceiveAll(ctx, [][]byte{w1, w2}); err != nil || len(rs) != 2 || !rs[0].Repeated || !rs[1].Repeated {
		t.Errorf("the same pages again: %+v, %v; want both repeated", rs, err)
	}
	if countEvents(t, b.db) != before {
		t.Error("pages received again appended to the log")
	}

	// A page of A's, then one of C's that changes A's incident: A's is
	// applied, C's refused as Receive refuses it, the one after not read.
	fifth := create("Fifth cut")
	w3, _, err := a.db.Outgoing(ctx, b.fp, until2, 1000)
	if err != nil {
		t.Fatal(err)
	}
	c := newFedInstance(t, open, "C", "c-org")
	b.peer(t, c, true)
	cKey, err := c.db.SigningKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := ledger.Seal(cKey, &ledger.Record{Seq: 40, Hash: strings.Repeat("0", 64)}, ledger.Event{Time: fifth.Created, Type: coord.EventIncidentUpdated,
		Author: c.members["c-org"].MemberID, Org: c.orgs["c-org"], Subject: fifth.ID,
		Marking: coord.Marking{TLP: coord.TLPClear, Org: c.orgs["c-org"], Author: c.members["c-org"].MemberID}, Payload: []byte(`{"id":"` + fifth.ID + `"}`)})
	if err != nil {
		t.Fatal(err)
	}
	fwire, _, err := federation.Seal(cKey, federation.Batch{Recipient: b.fp, Since: 0, Until: 1,
		Keys:   []federation.OriginKey{{Fingerprint: c.fp, Key: cKey.Public().(ed25519.PublicKey)}},
		Events: []federation.Entry{{Pos: 1, Origin: c.fp, Body: forged.Body, Sig: forged.Sig}}})
	if err != nil {
		t.Fatal(err)
	}
	sixth := create("Sixth cut")
	w4, _, err := a.db.Outgoing(ctx, b.fp, until2, 1000)
	if err != nil {
		t.Fatal(err)
	}
	before = countEvents(t, b.db)
	rs, err = b.db.ReceiveAll(ctx, [][]byte{w3, fwire, w4})
	wantCode(t, err, lifeline.EINVALID, "C changing an incident A wrote, between two pages of A's")
	if !strings.Contains(lifeline.ErrorMessage(err), "which "+a.fp[:16]) {
		t.Errorf("the refusal does not say why: %s", lifeline.Trace(err))
	}
	if len(rs) != 1 || rs[0].Applied != 1 {
		t.Fatalf("results %+v; want the first page's alone, its one event applied", rs)
	}
	if got := countEvents(t, b.db) - before; got != 2 {
		t.Errorf("B's log grew by %d events, want 2 (a batch event and the fifth incident)", got)
	}
	if _, err := b.db.FindIncidentByID(ctx, b.members["b-org"], fifth.ID); err != nil {
		t.Errorf("the page before the refused one was not applied: %v", err)
	}
	_, err = b.db.FindIncidentByID(ctx, b.members["b-org"], sixth.ID)
	wantCode(t, err, lifeline.ENOTFOUND, "the page after the refused one")
	peers, err := b.db.FindPeers(ctx, b.admin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range peers {
		if p.Fingerprint == c.fp && p.Refused != 1 {
			t.Errorf("B counts %d refused batches of C's, want 1", p.Refused)
		}
	}
	if _, err := b.db.Verify(ctx); err != nil {
		t.Errorf("verify after a refusal among pages received together: %s", lifeline.Trace(err))
	}
}

// testReceiveMany: a batch of more events than one statement inserts
// (the store inserts a received batch's rows many to a statement) is
// received whole: every event at its position, each projected, each
// recorded as received (a second copy is skipped), and the log verifies.
func testReceiveMany(t *testing.T, open Opener) {
	a := newFedInstance(t, open, "A", "a-src")
	b := newFedInstance(t, open, "B", "b-org")
	a.peer(t, b, true)
	b.peer(t, a, true)
	const n = 150
	ids := map[string]bool{}
	for i := range n {
		in := &coord.Incident{Title: "Cut " + string(rune('A'+i%26)) + strings.Repeat("x", i%7), Kind: coord.KindCableCut, Countries: []string{"YE"}}
		in.TLP = coord.TLPClear
		if err := a.db.CreateIncident(ctx, a.members["a-src"], in); err != nil {
			t.Fatal(err)
		}
		ids[in.ID] = true
	}
	wire, _, err := a.db.Outgoing(ctx, b.fp, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	before := countEvents(t, b.db)
	r, err := b.db.Receive(ctx, wire)
	if err != nil {
		t.Fatalf("Receive: %s", lifeline.Trace(err))
	}
	if r.Applied < n || countEvents(t, b.db) != before+1+r.Applied {
		t.Fatalf("received %+v: %d events in B's log after %d; want the %d incidents and one batch event", r, countEvents(t, b.db), before, n)
	}
	var got int
	for after := ""; ; {
		page, err := b.db.FindIncidents(ctx, b.members["b-org"], coord.ListFilter{Limit: 100, After: after})
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range page.Items {
			if ids[in.ID] {
				got++
				if o, ok, err := b.db.OriginOf(ctx, in.ID); err != nil || !ok || o.Fingerprint != a.fp {
					t.Fatalf("the origin of %s at B: %+v, %v, %v", in.ID, o, ok, err)
				}
			}
		}
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	if got != n {
		t.Errorf("B lists %d of A's %d incidents", got, n)
	}
	var recorded int
	if err := b.db.SQL().QueryRow(rebind(b.db, `SELECT COUNT(*) FROM received WHERE origin = ?`), a.fp).Scan(&recorded); err != nil || recorded != r.Applied {
		t.Errorf("%d events of A recorded as received (%v), want %d", recorded, err, r.Applied)
	}
	// The same events again, in a batch made anew: each a second copy.
	again, _, err := a.db.Outgoing(ctx, b.fp, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if r2, err := b.db.Receive(ctx, again); err != nil || r2.Applied != 0 || r2.Skipped != r.Applied {
		t.Errorf("the same events again: %+v, %v; want all %d skipped", r2, err, r.Applied)
	}
	if _, err := b.db.Verify(ctx); err != nil {
		t.Errorf("Verify: %v", err)
	}
}
