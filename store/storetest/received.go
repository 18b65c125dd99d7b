package storetest

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"slices"
	"strings"
	"testing"

	"lifeline"
	"lifeline/coord"
	"lifeline/federation"
	"lifeline/ledger"
	"lifeline/store"
)

// logRow is one row of the events table as a test reads and restores it.
type logRow struct {
	seq                               int64
	hash                              string
	body, sig                         []byte
	typ, subject, tm, marking, origin string
}

func logRows(t *testing.T, db *store.DB, where string, args ...any) []logRow {
	t.Helper()
	rows, err := db.SQL().Query(rebind(db, `SELECT seq, hash, body, sig, type, subject, time, marking, origin FROM events `+where+` ORDER BY seq`), args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []logRow
	for rows.Next() {
		var r logRow
		if err := rows.Scan(&r.seq, &r.hash, &r.body, &r.sig, &r.typ, &r.subject, &r.tm, &r.marking, &r.origin); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// putRows deletes the rows at the positions of rs and inserts rs instead.
func putRows(t *testing.T, db *store.DB, rs ...logRow) {
	t.Helper()
	for _, r := range rs {
		if _, err := db.SQL().Exec(rebind(db, `DELETE FROM events WHERE seq = ?`), r.seq); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range rs {
		if _, err := db.SQL().Exec(rebind(db, `INSERT INTO events (seq, hash, body, sig, type, subject, time, marking, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			r.seq, r.hash, r.body, r.sig, r.typ, r.subject, r.tm, r.marking, r.origin); err != nil {
			t.Fatal(err)
		}
	}
}

// sendAll sends g, in one batch, everything f has for it since g's cursor.
func sendAll(t *testing.T, f, g *fedInstance) {
	t.Helper()
	peers, err := g.db.FindPeers(ctx, g.admin)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(peers, func(p *federation.PeerStatus) bool { return p.Fingerprint == f.fp })
	wire, _, err := f.db.Outgoing(ctx, g.fp, peers[i].Pulled, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.db.Receive(ctx, wire); err != nil {
		t.Fatalf("Receive: %s", lifeline.Trace(err))
	}
}

// testReceivedOnce: a received batch is kept as one event of the
// receiver's, which attests the received events, and each received event
// once, in its origin's bytes and signature at a position of its own. The
// feed, timelines, verify, rebuild and backups read it; the attesting
// event shows only to a reader who may see every event it attests; any
// received row changed, removed, reordered or moved to another origin is
// named by verify.
func testReceivedOnce(t *testing.T, open Opener) {
	a := newFedInstance(t, open, "A", "a-src")
	b := newFedInstance(t, open, "B", "b-named", "b-recipient")
	a.peer(t, b, true)
	b.peer(t, a, true)
	sendAll(t, b, a) // B's directory, so that A may name B's members

	author := a.members["a-src"]
	titles := map[coord.TLP]string{}
	ids := map[coord.TLP]string{}
	for _, tc := range []struct {
		tlp     coord.TLP
		orgs    []string
		members []string
	}{
		{coord.TLPClear, nil, nil},
		{coord.TLPGreen, nil, nil},
		{coord.TLPAmber, []string{b.orgs["b-named"]}, nil},
		{coord.TLPRed, nil, []string{b.members["b-recipient"].MemberID}},
	} {
		in := &coord.Incident{Title: "Cut, " + string(tc.tlp), Kind: coord.KindCableCut, Countries: []string{"SD"}}
		in.TLP, in.Orgs, in.Members = tc.tlp, tc.orgs, tc.members
		if err := a.db.CreateIncident(ctx, author, in); err != nil {
			t.Fatal(err)
		}
		titles[tc.tlp], ids[tc.tlp] = in.Title, in.ID
	}
	desc := "Both fibre pairs dark since 04:10 UTC."
	if _, err := a.db.UpdateIncident(ctx, author, ids[coord.TLPClear], coord.IncidentUpdate{Description: &desc}); err != nil {
		t.Fatal(err)
	}
	sendAll(t, a, b)

	// One event of B's attests the batch, and each received event
	// follows it once, in A's bytes and signature.
	batches := logRows(t, b.db, `WHERE type = ?`, coord.EventBatchReceived)
	got := logRows(t, b.db, `WHERE origin <> ''`)
	if len(batches) != 1 || len(got) < 6 {
		t.Fatalf("B holds %d batch events and %d received rows; want 1 and at least the 5 incident events", len(batches), len(got))
	}
	aKey, _, err := a.db.Self(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var markings []coord.Marking
	for i, r := range got {
		if r.seq != batches[0].seq+1+int64(i) {
			t.Errorf("received row %d is at position %d, want %d (right after the batch event)", i, r.seq, batches[0].seq+1+int64(i))
		}
		if r.origin != a.fp || ledger.Hash(r.body) != r.hash || !ed25519.Verify(aKey, append([]byte(ledger.SigningPrefix), r.body...), r.sig) {
			t.Errorf("received row %d is not A's event in A's bytes and signature (origin %s)", r.seq, r.origin)
		}
		e, err := ledger.Decode(r.body)
		if err != nil {
			t.Fatal(err)
		}
		if e.Type == coord.EventReceived || r.typ != e.Type || r.subject != e.Subject {
			t.Errorf("received row %d: type %q subject %q, its signed bytes say %q %q", r.seq, r.typ, r.subject, e.Type, e.Subject)
		}
		markings = append(markings, e.Marking)
	}
	if n := countEvents(t, b.db); int64(n) != got[len(got)-1].seq {
		t.Errorf("B's log has %d rows for %d positions", n, got[len(got)-1].seq)
	}
	payload := string(batches[0].body)
	for _, title := range titles {
		if strings.Contains(payload, title) || strings.Contains(payload, ids[coord.TLPRed]) {
			t.Errorf("the batch event tells what its events say: %s", payload)
		}
	}

	// The batch event shows only to a reader who may see every event it
	// attests; the received events each as their own marking allows, at
	// their positions here.
	readers := map[string]coord.Viewer{"anonymous": {}, "admin": b.admin}
	for name, v := range b.members {
		readers[name] = v
	}
	for name, v := range readers {
		p, err := b.db.FindEvents(ctx, v, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var sawBatch bool
		seen := map[int64]*coord.Event{}
		for i, e := range p.Items {
			if i > 0 && e.Seq <= p.Items[i-1].Seq {
				t.Errorf("%s: the feed goes from %d back to %d", name, p.Items[i-1].Seq, e.Seq)
			}
			seen[e.Seq] = e
			sawBatch = sawBatch || e.Type == coord.EventBatchReceived
		}
		if want := coord.CanSeeAll(v, markings...); sawBatch != want {
			t.Errorf("%s sees the batch event: %v, want %v (may see every event it attests: %v)", name, sawBatch, want, want)
		}
		for i, r := range got {
			e, ok := seen[r.seq]
			if ok != coord.CanSee(v, markings[i]) {
				t.Errorf("%s sees received event %d: %v, want %v", name, r.seq, ok, !ok)
			}
			if ok && (e.Hash != r.hash || e.Type != r.typ) {
				t.Errorf("%s: feed event %d is %s %s, the row %s %s", name, r.seq, e.Type, e.Hash, r.typ, r.hash)
			}
		}
	}
	tl, err := b.db.FindEventsBySubject(ctx, coord.Viewer{}, ids[coord.TLPClear], coord.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tl.Items) != 2 || tl.Items[0].Type != coord.EventIncidentCreated || tl.Items[1].Type != coord.EventIncidentUpdated || tl.Items[0].Seq <= batches[0].seq {
		t.Errorf("the received incident's timeline: %d events, want its creation and its update at B's positions", len(tl.Items))
	}
	// A batch of public events only is attested in public.
	in := &coord.Incident{Title: "Cut, later", Kind: coord.KindCableCut, Countries: []string{"SD"}}
	in.TLP = coord.TLPClear
	if err := a.db.CreateIncident(ctx, author, in); err != nil {
		t.Fatal(err)
	}
	sendAll(t, a, b)
	p, err := b.db.FindEvents(ctx, coord.Viewer{}, got[len(got)-1].seq, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 2 || p.Items[0].Type != coord.EventBatchReceived || p.Items[1].Subject != in.ID {
		t.Errorf("anonymous readers see %d events of a public batch, want its batch event and the incident's", len(p.Items))
	}
	// A batch verified ahead is applied only while its sender is still a
	// peer: suspended in between, it is refused.
	ahead := &coord.Incident{Title: "Cut, verified ahead", Kind: coord.KindCableCut, Countries: []string{"SD"}}
	ahead.TLP = coord.TLPClear
	if err := a.db.CreateIncident(ctx, author, ahead); err != nil {
		t.Fatal(err)
	}
	peers, err := b.db.FindPeers(ctx, b.admin)
	if err != nil {
		t.Fatal(err)
	}
	wire, _, err := a.db.Outgoing(ctx, b.fp, peers[0].Pulled, 1000)
	if err != nil {
		t.Fatal(err)
	}
	b.db.VerifyAhead(ctx, wire)
	pa := peers[0].Peer
	pa.Suspended = true
	if _, err := b.db.UpdatePeer(ctx, b.admin, &pa); err != nil {
		t.Fatal(err)
	}
	_, err = b.db.Receive(ctx, wire)
	wantCode(t, err, lifeline.EFORBIDDEN, "a batch verified ahead, its sender suspended since")
	pa.Suspended = false
	if _, err := b.db.UpdatePeer(ctx, b.admin, &pa); err != nil {
		t.Fatal(err)
	}
	b.db.VerifyAhead(ctx, wire)
	if r, err := b.db.Receive(ctx, wire); err != nil || r.Applied != 1 {
		t.Fatalf("a batch verified ahead: %+v, %v; want its one event applied", r, err)
	}
	// Received items keep their origin: A's incident is A's at B, and an
	// event of another peer that changes it is refused, the whole batch.
	if o, ok, err := b.db.OriginOf(ctx, ids[coord.TLPClear]); err != nil || !ok || o.Fingerprint != a.fp {
		t.Errorf("the origin of A's incident at B: %+v, %v, %v", o, ok, err)
	}
	c := newFedInstance(t, open, "C", "c-org")
	b.peer(t, c, true)
	cKey, err := c.db.SigningKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := ledger.Seal(cKey, &ledger.Record{Seq: 40, Hash: strings.Repeat("0", 64)}, ledger.Event{Time: in.Created, Type: coord.EventIncidentUpdated,
		Author: c.members["c-org"].MemberID, Org: c.orgs["c-org"], Subject: ids[coord.TLPClear],
		Marking: coord.Marking{TLP: coord.TLPClear, Org: c.orgs["c-org"], Author: c.members["c-org"].MemberID}, Payload: []byte(`{"id":"` + ids[coord.TLPClear] + `"}`)})
	if err != nil {
		t.Fatal(err)
	}
	cPub := cKey.Public().(ed25519.PublicKey)
	fwire, _, err := federation.Seal(cKey, federation.Batch{Recipient: b.fp, Since: 0, Until: 1,
		Keys:   []federation.OriginKey{{Fingerprint: c.fp, Key: cPub}},
		Events: []federation.Entry{{Pos: 1, Origin: c.fp, Body: forged.Body, Sig: forged.Sig}}})
	if err != nil {
		t.Fatal(err)
	}
	before := countEvents(t, b.db)
	_, err = b.db.Receive(ctx, fwire)
	wantCode(t, err, lifeline.EINVALID, "C changing an incident A wrote")
	if !strings.Contains(lifeline.ErrorMessage(err), "which "+a.fp[:16]) {
		t.Errorf("the refusal does not name the item's origin: %s", lifeline.Trace(err))
	}
	if countEvents(t, b.db) != before {
		t.Error("a refused batch appended to the log")
	}
	// B writes after what it received: its chain goes on from the batch
	// event.
	atB := newFedIncident("Written at B")
	if err := b.db.CreateIncident(ctx, b.members["b-named"], atB); err != nil {
		t.Fatal(err)
	}
	// And an event of a peer that changes an item B wrote is refused.
	forged, err = ledger.Seal(cKey, &ledger.Record{Seq: 40, Hash: strings.Repeat("0", 64)}, ledger.Event{Time: in.Created, Type: coord.EventIncidentUpdated,
		Author: c.members["c-org"].MemberID, Org: c.orgs["c-org"], Subject: atB.ID,
		Marking: coord.Marking{TLP: coord.TLPClear, Org: c.orgs["c-org"], Author: c.members["c-org"].MemberID}, Payload: []byte(`{"id":"` + atB.ID + `"}`)})
	if err != nil {
		t.Fatal(err)
	}
	fwire, _, err = federation.Seal(cKey, federation.Batch{Recipient: b.fp, Since: 0, Until: 1,
		Keys:   []federation.OriginKey{{Fingerprint: c.fp, Key: cPub}},
		Events: []federation.Entry{{Pos: 1, Origin: c.fp, Body: forged.Body, Sig: forged.Sig}}})
	if err != nil {
		t.Fatal(err)
	}
	before = countEvents(t, b.db)
	_, err = b.db.Receive(ctx, fwire)
	wantCode(t, err, lifeline.EINVALID, "C changing an incident B wrote")
	if !strings.Contains(lifeline.ErrorMessage(err), "which this instance wrote") {
		t.Errorf("the refusal does not say that this instance wrote the item: %s", lifeline.Trace(err))
	}
	if countEvents(t, b.db) != before {
		t.Error("a refused batch appended to the log")
	}

	// Verify, the tail check, rebuild and a backup read it.
	n, err := b.db.Verify(ctx)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if err := b.db.CheckTail(ctx, 3); err != nil {
		t.Errorf("CheckTail: %v", err)
	}
	if diff, err := b.db.VerifyState(ctx); err != nil || diff != "" {
		t.Errorf("VerifyState = %q, %v", diff, err)
	}
	var buf bytes.Buffer
	if err := b.db.Backup(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	fresh := open(t)
	if m, err := fresh.Restore(ctx, bytes.NewReader(buf.Bytes())); err != nil || m != n {
		t.Fatalf("Restore = %d, %v; want the %d events", m, err, n)
	}
	if a, b := mustState(t, b.db), mustState(t, fresh); a != b {
		t.Errorf("restored state differs:\n%s", firstDiff(a, b))
	}
	if _, err := fresh.Verify(ctx); err != nil {
		t.Errorf("Verify after restore: %v", err)
	}

	// Each change to the received rows is named.
	rows := logRows(t, b.db, `WHERE seq > ? AND seq <= ?`, batches[0].seq, got[len(got)-1].seq)
	x, y := rows[2], rows[3]
	flip := func(r logRow) logRow {
		// A digit of the hash the event names as its previous: the bytes
		// still decode.
		r.body = bytes.Clone(r.body)
		i := bytes.Index(r.body, []byte(`"prev":"`)) + len(`"prev":"`) + 5
		if r.body[i] == '0' {
			r.body[i] = '1'
		} else {
			r.body[i] = '0'
		}
		return r
	}
	for _, tc := range []struct {
		name   string
		do     func()
		seq    int64
		reason string
	}{
		{"a byte of a received event changed", func() { putRows(t, b.db, flip(x)) }, x.seq, "hash"},
		{"a byte changed and its hash column with it", func() {
			r := flip(x)
			r.hash = ledger.Hash(r.body)
			putRows(t, b.db, r)
		}, batches[0].seq, "not the ones it attests"},
		{"the origin's signature changed", func() {
			r := x
			r.sig = bytes.Clone(r.sig)
			r.sig[0] ^= 1
			putRows(t, b.db, r)
		}, batches[0].seq, "not the ones it attests"},
		{"the origin column changed", func() {
			r := x
			r.origin = b.fp
			putRows(t, b.db, r)
		}, batches[0].seq, "not the ones it attests"},
		{"two received events swapped", func() {
			s, u := y, x
			s.seq, u.seq = x.seq, y.seq
			putRows(t, b.db, s, u)
		}, batches[0].seq, "not the ones it attests"},
		{"a received event removed", func() {
			if _, err := b.db.SQL().Exec(rebind(b.db, `DELETE FROM events WHERE seq = ?`), x.seq); err != nil {
				t.Fatal(err)
			}
		}, x.seq + 1, "out of order"},
		{"a received event made to look like B's own", func() {
			r := x
			r.origin = ""
			putRows(t, b.db, r)
		}, x.seq, "attests"},
	} {
		tc.do()
		_, err := b.db.Verify(ctx)
		var ve *ledger.VerifyError
		if !errors.As(err, &ve) || ve.Seq != tc.seq || !strings.Contains(ve.Reason, tc.reason) {
			t.Errorf("%s: Verify = %v; want event %d named, with %q", tc.name, err, tc.seq, tc.reason)
		}
		if _, err := b.db.Rebuild(ctx); err == nil {
			t.Errorf("%s: Rebuild replayed the changed log", tc.name)
		}
		putRows(t, b.db, x, y)
		if _, err := b.db.Verify(ctx); err != nil {
			t.Fatalf("%s: Verify after undoing it: %v", tc.name, err)
		}
	}
	// The last received events removed: the tail check sees it.
	last := logRows(t, b.db, `WHERE seq > ?`, got[len(got)-1].seq)
	if _, err := b.db.SQL().Exec(rebind(b.db, `DELETE FROM events WHERE seq > ?`), last[0].seq+1); err != nil {
		t.Fatal(err)
	}
	if err := b.db.CheckTail(ctx, 5); err == nil {
		t.Error("CheckTail after removing the log's last events passed")
	}
	if _, err := b.db.Verify(ctx); err == nil {
		t.Error("Verify after removing the log's last events passed")
	}
	putRows(t, b.db, last...)
	if _, err := b.db.Verify(ctx); err != nil {
		t.Fatalf("Verify after putting the last events back: %v", err)
	}
	if err := b.db.VerifyAnchor(ctx, ledger.Head{Seq: last[1].seq, Hash: last[0].hash}); err != nil {
		t.Errorf("VerifyAnchor of the head after a batch: %v", err)
	}
}

// newFedIncident is a public incident titled title.
func newFedIncident(title string) *coord.Incident {
	in := &coord.Incident{Title: title, Kind: coord.KindCableCut, Countries: []string{"SD"}}
	in.TLP = coord.TLPClear
	return in
}
