package storetest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"lifeline"
	"lifeline/coord"
	"lifeline/federation"
	"lifeline/ledger"
	"lifeline/store"
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

	wantReplays(t, a, b)
}

// testCoverageRecordedLate restores on A a log written before
// need.coverage existed — A's own log, signed again with A's key without
// its need.coverage events, as the code of that time wrote it — with a
// need whose matches have no record (one commitment stays on A, one
// proposal travels), a need whose record no longer says what its
// matches sum to, and a need recorded before it widened, whose record
// stayed where the need was. B pulls it and shows only what it holds,
// and records nothing of needs it does not keep. A's RecordCoverage (run
// when lifeline serve starts) records the three, as the instance, at the
// need's marking; run again, it records nothing; B, pulling again,
// shows A's figures. Both still rebuild to the same state.
func testCoverageRecordedLate(t *testing.T, open Opener) {
	old := newFedInstance(t, open, "A", "a-need", "a-supply")
	requester, supplier := old.members["a-need"], old.members["a-supply"]
	offer := &coord.Offer{Resource: coord.Resource{Title: "terminals", Category: "connectivity/satellite-terminal", Quantity: 20, Unit: "terminal"}}
	offer.TLP = coord.TLPClear
	if err := old.db.CreateOffer(ctx, supplier, offer); err != nil {
		t.Fatal(err)
	}
	newNeed := func(title string) *coord.Need {
		t.Helper()
		n := &coord.Need{Resource: coord.Resource{Title: title, Category: "connectivity/satellite-terminal", Quantity: 10, Unit: "terminal", Countries: []string{"SD"}}}
		n.TLP = coord.TLPClear
		if err := old.db.CreateNeed(ctx, requester, n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	match := func(need *coord.Need, q int64, tlp coord.TLP, commit bool) {
		t.Helper()
		m, err := old.db.CreateMatch(ctx, requester, coord.MatchCreate{NeedID: need.ID, OfferID: offer.ID, Quantity: q, TLP: tlp})
		if err != nil {
			t.Fatal(err)
		}
		if commit {
			if _, err := old.db.UpdateMatch(ctx, supplier, m.ID, coord.MatchUpdate{Status: coord.MatchCommitted}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Never recorded: a commitment marked TLP:AMBER (it stays on A) and a
	// proposal shared with everyone (it travels).
	unrecorded := newNeed("terminals for Port Sudan")
	match(unrecorded, 3, "", true)
	match(unrecorded, 2, coord.TLPClear, false)
	// Recorded when proposed, not when committed.
	behind := newNeed("terminals for Kassala")
	match(behind, 4, coord.TLPClear, true)
	// Recorded while shared with A's supplier only, not when it widened
	// to everyone: the record has the figures but not the need's marking.
	widened := &coord.Need{Resource: coord.Resource{Title: "generators for Atbara", Category: "connectivity/satellite-terminal", Quantity: 10, Unit: "terminal", Countries: []string{"SD"}}}
	widened.Marking = coord.Marking{TLP: coord.TLPAmber, Orgs: []string{old.orgs["a-supply"]}}
	if err := old.db.CreateNeed(ctx, requester, widened); err != nil {
		t.Fatal(err)
	}
	match(widened, 3, "", true)
	clear, none := coord.TLPClear, []string{}
	if _, err := old.db.UpdateNeed(ctx, requester, widened.ID, coord.ResourceUpdate{TLP: &clear, ShareWithOrgs: &none}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	a := restoreWithout(t, open, old, func(e ledger.Event) bool {
		if e.Type != coord.EventNeedCoverage {
			return false
		}
		seen[e.Subject]++
		if e.Subject == widened.ID {
			return e.Marking.TLP == coord.TLPClear
		}
		return e.Subject == unrecorded.ID || seen[e.Subject] > 1
	})

	b := newFedInstance(t, open, "B", "b-org")
	a.peer(t, b, true)
	b.peer(t, a, true)
	syncTo(t, b, a)
	reader := b.members["b-org"]

	records := func(f *fedInstance, need string) int {
		t.Helper()
		evs, err := coord.EventsAbout(ctx, f.db, coord.System, need, 0)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range evs {
			if e.Type == coord.EventNeedCoverage {
				n++
			}
		}
		return n
	}
	coverage := func(what string, f *fedInstance, v coord.Viewer, need *coord.Need, held, covered int64) {
		t.Helper()
		got, err := f.db.FindNeedByID(ctx, v, need.ID)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if c := got.Coverage; c == nil || c.Held != held || c.Covered != covered {
			t.Errorf("%s: the coverage of %q is %+v, want held %d, covered %d", what, need.Title, c, held, covered)
		}
	}
	if n := records(a, unrecorded.ID); n != 0 {
		t.Fatalf("the restored log holds %d records of a need matched before records existed, want 0", n)
	}
	ids, err := a.db.UnrecordedCoverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, []string{unrecorded.ID, behind.ID, widened.ID}) {
		t.Fatalf("UnrecordedCoverage on A is %v, want the need without a record, the one whose record is behind and the one recorded before it widened, %v", ids, []string{unrecorded.ID, behind.ID, widened.ID})
	}

	// B before A records: the proposal it holds, nothing more; and B
	// records nothing of needs it holds but does not keep.
	syncTo(t, a, b)
	coverage("B before A records", b, reader, unrecorded, 2, 0)
	coverage("B before A records", b, reader, widened, 0, 0)
	for _, f := range []func(context.Context) ([]string, error){b.db.UnrecordedCoverage, b.db.RecordCoverage} {
		if ids, err := f(ctx); err != nil || len(ids) != 0 {
			t.Fatalf("B, which keeps no need, would record %v (%v)", ids, err)
		}
	}
	if n := records(b, unrecorded.ID); n != 0 {
		t.Fatalf("B holds %d records of a need A keeps, want 0", n)
	}

	// A's start records both, as the instance, at the need's marking.
	ids, err = a.db.RecordCoverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, []string{unrecorded.ID, behind.ID, widened.ID}) {
		t.Fatalf("RecordCoverage on A recorded %v, want %v", ids, []string{unrecorded.ID, behind.ID, widened.ID})
	}
	evs, err := coord.EventsAbout(ctx, a.db, coord.System, unrecorded.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	if last.Type != coord.EventNeedCoverage || last.Author != coord.System.MemberID || last.Org != coord.System.OrgID || last.Marking.TLP != coord.TLPClear {
		t.Errorf("the last event about the need is %s by %s of %s marked %s, want need.coverage by the instance at TLP:CLEAR", last.Type, last.Author, last.Org, last.Marking.TLP)
	}
	coverage("A after recording", a, requester, unrecorded, 5, 3)
	coverage("A after recording", a, requester, behind, 4, 4)
	coverage("A after recording", a, requester, widened, 3, 3)

	// A second start records nothing.
	head, err := a.db.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ids, err := a.db.RecordCoverage(ctx); err != nil || len(ids) != 0 {
		t.Fatalf("a second RecordCoverage recorded %v (%v), want nothing", ids, err)
	}
	if again, err := a.db.Head(ctx); err != nil || again.Seq != head.Seq {
		t.Fatalf("a second RecordCoverage moved the log from %d to %d (%v)", head.Seq, again.Seq, err)
	}
	if n := records(a, unrecorded.ID); n != 1 {
		t.Errorf("A holds %d records of the need, want 1", n)
	}

	// B, pulling, shows A's figures.
	syncTo(t, a, b)
	coverage("B after A records", b, reader, unrecorded, 5, 3)
	coverage("B after A records", b, reader, behind, 4, 4)
	coverage("B after A records", b, reader, widened, 3, 3)
	if ids, err := b.db.RecordCoverage(ctx); err != nil || len(ids) != 0 {
		t.Fatalf("B, which keeps no need, recorded %v (%v)", ids, err)
	}

	wantReplays(t, a, b)
}

// restoreWithout returns a new store holding f's log without the events
// drop names (BackupWithout). The peers are not part of the log and are
// not restored.
func restoreWithout(t *testing.T, open Opener, f *fedInstance, drop func(ledger.Event) bool) *fedInstance {
	t.Helper()
	db := open(t)
	if _, err := db.Restore(ctx, bytes.NewReader(BackupWithout(t, f.db, drop))); err != nil {
		t.Fatalf("Restore: %s", lifeline.Trace(err))
	}
	return &fedInstance{db: db, fp: f.fp, admin: f.admin, orgs: f.orgs, members: f.members}
}

// BackupWithout returns a backup (store.Backup) of db's log without the
// events drop names, signed again with db's key: the log db would have
// written had those events never been written — each later event moves
// up, and an item's version follows its event's position. It stands for
// a log written by an older release, e.g. before an event type existed.
// db must hold only its own events.
func BackupWithout(t testing.TB, db *store.DB, drop func(ledger.Event) bool) []byte {
	t.Helper()
	var backup bytes.Buffer
	if err := db.Backup(ctx, &backup); err != nil {
		t.Fatal(err)
	}
	var key ed25519.PrivateKey
	var prev *ledger.Record
	var out []map[string]any
	var events []map[string]any
	for line := range bytes.Lines(backup.Bytes()) {
		var l map[string]json.RawMessage
		if err := json.Unmarshal(line, &l); err != nil {
			t.Fatal(err)
		}
		switch {
		case l["instance"] != nil:
			var in struct {
				PrivateKey []byte `json:"private_key"`
			}
			if err := json.Unmarshal(l["instance"], &in); err != nil {
				t.Fatal(err)
			}
			key = in.PrivateKey
			out = append(out, map[string]any{"instance": l["instance"]})
		case l["event"] != nil:
			var ev struct {
				Body   []byte `json:"body"`
				Origin string `json:"origin"`
			}
			if err := json.Unmarshal(l["event"], &ev); err != nil {
				t.Fatal(err)
			}
			if ev.Origin != "" {
				t.Fatal("BackupWithout signs again only the instance's own events")
			}
			e, err := ledger.Decode(ev.Body)
			if err != nil {
				t.Fatal(err)
			}
			if drop(e) {
				continue
			}
			var payload map[string]json.RawMessage
			if json.Unmarshal(e.Payload, &payload) == nil && string(payload["version"]) == fmt.Sprint(e.Seq) {
				payload["version"] = json.RawMessage(fmt.Sprint(int64(len(events)) + 1))
				if e.Payload, err = json.Marshal(payload); err != nil {
					t.Fatal(err)
				}
			}
			rec, err := ledger.Seal(key, prev, e)
			if err != nil {
				t.Fatal(err)
			}
			prev = &rec
			events = append(events, map[string]any{"event": map[string]any{"seq": rec.Seq, "hash": rec.Hash, "body": rec.Body, "sig": rec.Sig}})
		case l["token"] != nil:
			events = append(events, map[string]any{"token": l["token"]})
		case l["head"] != nil:
		default:
			out = append(out, map[string]any{"format": store.BackupFormat})
		}
	}
	out = append(out, map[string]any{"head": ledger.SignHead(key, prev)})
	out = append(out, events...)
	var w bytes.Buffer
	enc := json.NewEncoder(&w)
	for _, l := range out {
		if err := enc.Encode(l); err != nil {
			t.Fatal(err)
		}
	}
	return w.Bytes()
}
