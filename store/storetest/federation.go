package storetest

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"lifeline"
	"lifeline/coord"
	"lifeline/federation"
	"lifeline/store"
)

// fedInstance is an instance of a federation test: its store, its
// fingerprint and its members by name.
type fedInstance struct {
	db      *store.DB
	fp      string
	admin   coord.Viewer
	orgs    map[string]string       // name → id
	members map[string]coord.Viewer // name → viewer
}

func newFedInstance(t *testing.T, open Opener, name string, orgs ...string) *fedInstance {
	t.Helper()
	db := open(t)
	inst, err := db.Init(ctx, name+" operators", name+"-root", 0)
	if err != nil {
		t.Fatal(err)
	}
	_, fp, err := db.Self(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f := &fedInstance{db: db, fp: fp, admin: mustAuth(t, db, inst.Token), orgs: map[string]string{}, members: map[string]coord.Viewer{}}
	for _, o := range orgs {
		org := &coord.Org{Name: o, Kind: coord.OrgOperator, Verified: true}
		if err := db.CreateOrg(ctx, coord.System, org); err != nil {
			t.Fatal(err)
		}
		f.orgs[o] = org.ID
		m := &coord.Member{OrgID: org.ID, Role: coord.RoleCoordinator, Name: o + "-member"}
		tok, err := db.CreateMember(ctx, coord.System, m)
		if err != nil {
			t.Fatal(err)
		}
		f.members[o] = mustAuth(t, db, tok)
	}
	return f
}

// peer makes f know g as a peer hosting g's organisations.
func (f *fedInstance) peer(t *testing.T, g *fedInstance, community bool) {
	t.Helper()
	key, _, err := g.db.Self(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p := &federation.Peer{Name: "peer", Key: key, Community: community}
	for _, id := range g.orgs {
		p.Orgs = append(p.Orgs, id)
	}
	if err := f.db.AddPeer(ctx, f.admin, p); err != nil {
		t.Fatalf("AddPeer: %v", err)
	}
}

// syncTo sends g everything f has for it since g's cursor, in pages.
func syncTo(t *testing.T, f, g *fedInstance) {
	t.Helper()
	for range 100 {
		peers, err := g.db.FindPeers(ctx, g.admin)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(peers, func(p *federation.PeerStatus) bool { return p.Fingerprint == f.fp })
		if i < 0 {
			t.Fatal("sync: g does not know f")
		}
		wire, until, err := f.db.Outgoing(ctx, g.fp, peers[i].Pulled, 3)
		if err != nil {
			t.Fatalf("Outgoing: %v", err)
		}
		if _, err := g.db.Receive(ctx, wire); err != nil {
			t.Fatalf("Receive: %s", lifeline.Trace(err))
		}
		if until == peers[i].Pulled {
			return
		}
	}
	t.Fatal("sync did not end")
}

func held(t *testing.T, db *store.DB, title string) bool {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(rebind(db, `SELECT COUNT(*) FROM incidents WHERE doc LIKE ?`), "%"+title+"%").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// testFederation runs three instances A — B — C: A writes an incident at
// every level for every kind of audience; B pulls from A, C from B. Each
// instance must hold exactly what the federation rule lets it receive,
// show each of its members exactly what CanSee allows, converge on
// updates, take a batch twice without change, refuse a damaged one whole,
// and still verify.
func testFederation(t *testing.T, open Opener) {
	a := newFedInstance(t, open, "A", "a-src", "a-named")
	b := newFedInstance(t, open, "B", "b-named", "b-recipient", "b-other")
	c := newFedInstance(t, open, "C", "c-org")
	a.peer(t, b, true)
	b.peer(t, a, true)
	b.peer(t, c, false) // C is outside B's community
	c.peer(t, b, true)
	// B's directory reaches A first, so that A knows where B's members
	// are: an author names only members the instance knows.
	syncTo(t, b, a)

	author := a.members["a-src"]
	type item struct {
		title   string
		marking coord.Marking
	}
	var items []item
	add := func(title string, tlp coord.TLP, orgs, members []string) {
		in := &coord.Incident{Title: title, Kind: coord.KindCableCut, Countries: []string{"SD"}}
		in.TLP, in.Orgs, in.Members = tlp, orgs, members
		if err := a.db.CreateIncident(ctx, author, in); err != nil {
			t.Fatalf("%s: %v", title, err)
		}
		items = append(items, item{title, in.Marking})
	}
	add("clear", coord.TLPClear, nil, nil)
	add("green", coord.TLPGreen, nil, nil)
	add("amber-b", coord.TLPAmber, []string{b.orgs["b-named"]}, nil)
	add("amber-a-only", coord.TLPAmber, []string{a.orgs["a-named"]}, nil)
	add("amber-member-b", coord.TLPAmber, nil, []string{b.members["b-recipient"].MemberID})
	add("strict-b", coord.TLPAmberStrict, []string{b.orgs["b-named"]}, nil)
	add("red-b", coord.TLPRed, nil, []string{b.members["b-recipient"].MemberID})
	add("red-a-only", coord.TLPRed, nil, []string{a.members["a-named"].MemberID})

	syncTo(t, a, b)
	syncTo(t, b, c)

	// What each instance holds: exactly what MayReceive allows at each hop.
	wantB := map[string]bool{"clear": true, "green": true, "amber-b": true, "amber-member-b": true, "strict-b": true, "red-b": true}
	wantC := map[string]bool{"clear": true} // C is outside B's community and hosts no named organisation
	for _, it := range items {
		if got := held(t, b.db, `"title":"`+it.title+`"`); got != wantB[it.title] {
			t.Errorf("B holds %q: %v, want %v", it.title, got, wantB[it.title])
		}
		if got := held(t, c.db, `"title":"`+it.title+`"`); got != wantC[it.title] {
			t.Errorf("C holds %q: %v, want %v", it.title, got, wantC[it.title])
		}
	}
	// What each reader sees there: exactly what CanSee allows of what is held.
	for _, inst := range []*fedInstance{b, c} {
		readers := []coord.Viewer{{}}
		for _, m := range inst.members {
			readers = append(readers, m)
		}
		for _, v := range readers {
			page, err := inst.db.FindIncidents(ctx, v, coord.ListFilter{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, in := range page.Items {
				got = append(got, in.Title)
			}
			var want []string
			for _, it := range items {
				if held(t, inst.db, `"title":"`+it.title+`"`) && coord.CanSee(v, it.marking) {
					want = append(want, it.title)
				}
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("reader %s sees %v, want %v", v.MemberID, got, want)
			}
		}
	}

	// Updates converge: A moves an incident; B and C follow.
	page, err := a.db.FindIncidents(ctx, author, coord.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	clear := page.Items[0]
	st := coord.IncidentVerified
	if _, err := a.db.UpdateIncident(ctx, a.members["a-named"], clear.ID, coord.IncidentUpdate{Status: &st}); err != nil {
		t.Fatalf("verify the incident on A: %v", err)
	}
	syncTo(t, a, b)
	syncTo(t, b, c)
	for _, inst := range []*fedInstance{b, c} {
		got, err := inst.db.FindIncidentByID(ctx, coord.Viewer{}, clear.ID)
		if err != nil || got.Status != coord.IncidentVerified {
			t.Errorf("after the update, the incident elsewhere is %+v, %v", got, err)
		}
	}

	// The same batch twice changes nothing; a damaged one is refused whole.
	wire, _, err := a.db.Outgoing(ctx, b.fp, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	before := countEvents(t, b.db)
	r, err := b.db.Receive(ctx, wire)
	if err != nil || r.Applied != 0 {
		t.Fatalf("a batch of events already held: %+v, %v", r, err)
	}
	if again, err := b.db.Receive(ctx, wire); err != nil || !again.Repeated {
		t.Fatalf("the same batch twice: %+v, %v", again, err)
	}
	bad := bytes.Clone(wire)
	bad[len(bad)-5] ^= 0x01 // in the signature: the sender is still readable, and charged with it
	if _, err := b.db.Receive(ctx, bad); err == nil {
		t.Fatal("a damaged batch was accepted")
	}
	if n := countEvents(t, b.db); n != before {
		t.Errorf("receiving known, repeated and damaged batches changed B's log: %d events, want %d", n, before)
	}
	peers, err := b.db.FindPeers(ctx, b.admin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range peers {
		if p.Fingerprint == a.fp && (p.Refused != 1 || p.LastError == "" || p.Received == 0) {
			t.Errorf("B's record of A: refused %d (%q), received %d", p.Refused, p.LastError, p.Received)
		}
	}

	// A batch for another instance, and one from a stranger, are refused.
	forC, _, err := b.db.Outgoing(ctx, c.fp, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.db.Receive(ctx, forC)
	wantCode(t, err, lifeline.EINVALID, "a batch made for C, given to A")
	if !strings.Contains(err.Error(), "made for") {
		t.Errorf("the refusal does not say why: %v", err)
	}
	_, err = c.db.Receive(ctx, wire) // from A, which C does not know
	wantCode(t, err, lifeline.EFORBIDDEN, "a batch from an instance that is not a peer")

	// Every log still verifies, and a replay gives the same state.
	for name, inst := range map[string]*fedInstance{"A": a, "B": b, "C": c} {
		if _, err := inst.db.Verify(ctx); err != nil {
			t.Errorf("verify %s: %v", name, err)
		}
		st := mustState(t, inst.db)
		if _, err := inst.db.Rebuild(ctx); err != nil {
			t.Fatalf("rebuild %s: %v", name, err)
		}
		if after := mustState(t, inst.db); after != st {
			t.Errorf("rebuild of %s changed its state:\n%s", name, firstDiff(st, after))
		}
	}

}

// testPeers covers the administration of peers: who may, what is refused.
func testPeers(t *testing.T, open Opener) {
	a := newFedInstance(t, open, "A", "a-org")
	b := newFedInstance(t, open, "B", "b-org")
	key, fp, err := b.db.Self(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p := &federation.Peer{Name: "B", Key: key, Orgs: []string{b.orgs["b-org"]}}
	err = a.db.AddPeer(ctx, a.members["a-org"], p)
	wantCode(t, err, lifeline.EFORBIDDEN, "a coordinator adds a peer")
	if err := a.db.AddPeer(ctx, a.admin, p); err != nil {
		t.Fatal(err)
	}
	err = a.db.AddPeer(ctx, a.admin, &federation.Peer{Name: "B again", Key: key})
	wantCode(t, err, lifeline.ECONFLICT, "the same key twice")
	self, _, _ := a.db.Self(ctx)
	err = a.db.AddPeer(ctx, a.admin, &federation.Peer{Name: "me", Key: self})
	wantCode(t, err, lifeline.EINVALID, "the instance's own key")
	c := newFedInstance(t, open, "C", "c-org")
	ck, _, _ := c.db.Self(ctx)
	err = a.db.AddPeer(ctx, a.admin, &federation.Peer{Name: "C", Key: ck, Orgs: []string{a.orgs["a-org"]}})
	wantCode(t, err, lifeline.EINVALID, "a peer said to host this instance's organisation")
	err = a.db.AddPeer(ctx, a.admin, &federation.Peer{Name: "C", Key: ck, Orgs: []string{b.orgs["b-org"]}})
	wantCode(t, err, lifeline.EINVALID, "a peer said to host another peer's organisation")

	if _, ok := a.db.PeerKey(ctx, fp); !ok {
		t.Fatal("PeerKey does not know B")
	}
	p.Suspended = true
	if _, err := a.db.UpdatePeer(ctx, a.admin, p); err != nil {
		t.Fatal(err)
	}
	if _, ok := a.db.PeerKey(ctx, fp); ok {
		t.Error("a suspended peer's key is still accepted")
	}
	if _, _, err := a.db.Outgoing(ctx, fp, 0, 10); lifeline.ErrorCode(err) != lifeline.EFORBIDDEN {
		t.Errorf("Outgoing to a suspended peer: %v", err)
	}
	if err := a.db.RemovePeer(ctx, a.admin, fp); err != nil {
		t.Fatal(err)
	}
	wantCode(t, a.db.RemovePeer(ctx, a.admin, fp), lifeline.ENOTFOUND, "removing a removed peer")
	peers, err := a.db.FindPeers(ctx, a.admin)
	if err != nil || len(peers) != 0 {
		t.Errorf("peers after removal: %v, %v", peers, err)
	}
}

// wantReplays checks that each instance's state is what a replay of its
// log gives.
func wantReplays(t *testing.T, fs ...*fedInstance) {
	t.Helper()
	for i, f := range fs {
		if diff, err := f.db.VerifyState(ctx); err != nil || diff != "" {
			t.Errorf("instance %d: the state differs from a replay of the log: %q, %v", i+1, diff, err)
		}
	}
}
