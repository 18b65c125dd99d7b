package fedhttp_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"lifeline/coord"
	"lifeline/federation"
	"lifeline/fedhttp"
	"lifeline/store/postgres"
	"lifeline/store/postgres/pgtest"
)

// restart serves n's federation endpoints anew (after a "crash") and
// tells the peers listed its new address.
func (n *node) restart(t *testing.T, peers ...*node) {
	t.Helper()
	n.srv = httptest.NewServer(fedhttp.NewServer(n.db, nil, func(string) {}))
	t.Cleanup(n.srv.Close)
	for _, p := range peers {
		ps, err := p.db.FindPeers(ctx, p.admin)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range ps {
			if q.Fingerprint == n.fp {
				q.URL = n.srv.URL
				if _, err := p.db.UpdatePeer(ctx, p.admin, &q.Peer); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// linkOffline makes n and m peers that know no URL of each other: they
// exchange bundles only.
func linkOffline(t *testing.T, n, m *node) {
	t.Helper()
	for _, pair := range [][2]*node{{n, m}, {m, n}} {
		p := &federation.Peer{Name: "by hand", Key: pair[1].key.Public().(ed25519.PublicKey), Orgs: []string{pair[1].org}, Community: true}
		if err := pair[0].db.AddPeer(ctx, pair[0].admin, p); err != nil {
			t.Fatal(err)
		}
	}
}

// carry exports a bundle on from for to and imports it on to.
func carry(t *testing.T, from, to *node) {
	t.Helper()
	wire, until, err := from.db.Outgoing(ctx, to.fp, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	var file bytes.Buffer
	if err := federation.WriteBundle(&file, wire); err != nil {
		t.Fatal(err)
	}
	back, err := federation.ReadBundle(&file, "carried.llb")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := to.db.Receive(ctx, back); err != nil {
		t.Fatalf("import the bundle: %v", err)
	}
	if err := from.db.MarkExported(ctx, to.fp, until); err != nil {
		t.Fatal(err)
	}
}

// state is every incident n holds, as the instance itself reads its
// rows (id → title, status, version and the repair of each element), to
// compare instances.
func state(t *testing.T, n *node) map[string]string {
	t.Helper()
	rows, err := n.db.SQL().Query(`SELECT id, doc FROM incidents`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, doc string
		if err := rows.Scan(&id, &doc); err != nil {
			t.Fatal(err)
		}
		var in coord.Incident
		if err := json.Unmarshal([]byte(doc), &in); err != nil {
			t.Fatal(err)
		}
		s := fmt.Sprintf("%s %s v%d", in.Title, in.Status, in.Version)
		for _, r := range in.Restoration {
			s += fmt.Sprintf(" %s:%s(%d steps)", r.Element, r.Status, len(r.Timeline))
		}
		out[id] = s
	}
	return out
}

// proposeOn proposes a change on n as v.
func proposeOn(t *testing.T, n *node, v coord.Viewer, kind, subject, request string) *coord.Change {
	t.Helper()
	c := &coord.Change{Kind: kind, Subject: subject, Request: json.RawMessage(request)}
	if err := n.db.ProposeChange(ctx, v, c); err != nil {
		t.Fatalf("propose %s: %v", request, err)
	}
	return c
}

// TestPartitionAndHeal runs A (PostgreSQL) — B — C over loopback HTTP and
// C — D by bundles. B goes down; A and C write, A changes an item B and C
// already hold, B's and C's members propose changes to it — two of them
// conflicting with A's own, one that B's reporter may not make; B comes
// back: A orders and decides the changes, every instance converges to the
// same state of every item it may hold, each proposer's instance shows
// what became of its changes, with the reason of each refusal, and every
// log verifies.
func TestPartitionAndHeal(t *testing.T) {
	pg, err := postgres.Open(ctx, pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	a, b, c, d := newNodeOn(t, "A", pg), newNode(t, "B"), newNode(t, "C"), newNode(t, "D")
	for _, pair := range [][2]*node{{a, b}, {b, a}, {b, c}, {c, b}} {
		pair[0].peer(t, pair[1])
	}
	linkOffline(t, c, d)
	rep := &coord.Member{OrgID: b.org, Role: coord.RoleReporter, Name: "B reporter"}
	tok, err := b.db.CreateMember(ctx, coord.System, rep)
	if err != nil {
		t.Fatal(err)
	}
	bReporter, err := b.db.Authenticate(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	write := func(n *node, title string) string {
		in := &coord.Incident{Title: title, Kind: coord.KindCableCut, Countries: []string{"SD"}, Elements: []string{"cable-eassy", "cable-peace"}}
		in.TLP = coord.TLPClear
		if err := n.db.CreateIncident(ctx, n.author, in); err != nil {
			t.Fatal(err)
		}
		return in.ID
	}
	syncAll := func() {
		for range 4 { // until quiet: each round passes events one hop further
			b.pull(t, a)
			a.pull(t, b)
			c.pull(t, b)
			b.pull(t, c)
			carry(t, c, d)
			carry(t, d, c)
		}
	}
	first := write(a, "Cut off Port Sudan")
	write(c, "Power out at the landing station")
	for _, el := range []string{"cable-eassy", "cable-peace"} {
		dmg := coord.RepairUpdate{Element: el, Status: coord.RepairDamaged}
		if _, err := a.db.UpdateIncident(ctx, a.author, first, coord.IncidentUpdate{Repair: &dmg}); err != nil {
			t.Fatal(err)
		}
	}
	syncAll()

	// B goes down: its server stops answering; its members keep working.
	b.srv.Close()
	st := coord.IncidentVerified
	if _, err := a.db.UpdateIncident(ctx, a.admin, first, coord.IncidentUpdate{Status: &st}); err != nil {
		t.Fatal(err)
	}
	sched := coord.RepairUpdate{Element: "cable-eassy", Status: coord.RepairScheduled, Note: "cable ship from Djibouti"}
	if _, err := a.db.UpdateIncident(ctx, a.author, first, coord.IncidentUpdate{Repair: &sched}); err != nil {
		t.Fatal(err)
	}
	write(a, "Second cut, north of Jeddah")
	write(c, "Fuel for the generators runs out")
	// Conflicting with A's own step and with each other: B's coordinator
	// and C's both schedule the repair of PEACE; C's also schedules
	// EASSY, which A already did. B's reporter may not move a repair.
	fromB := proposeOn(t, b, b.author, coord.ChangeIncidentUpdate, first, `{"repair":{"element":"cable-peace","status":"repair_scheduled","note":"from B"}}`)
	fromC := proposeOn(t, c, c.author, coord.ChangeIncidentUpdate, first, `{"repair":{"element":"cable-peace","status":"repair_scheduled","note":"from C"}}`)
	late := proposeOn(t, c, c.author, coord.ChangeIncidentUpdate, first, `{"repair":{"element":"cable-eassy","status":"repair_scheduled"}}`)
	byReporter := proposeOn(t, b, bReporter, coord.ChangeIncidentUpdate, first, `{"repair":{"element":"cable-eassy","status":"repairing"}}`)
	respond := proposeOn(t, c, c.author, coord.ChangeIncidentUpdate, first, `{"status":"responding"}`)
	peers, _ := c.db.FindPeers(ctx, c.admin)
	for _, p := range peers {
		if p.URL != "" {
			if _, err := c.client.PullOnce(ctx, p); err == nil {
				t.Error("a pull from a peer that is down succeeded")
			}
		}
	}

	// B comes back at a new address.
	b.restart(t, a, c)
	syncAll()

	want := state(t, a)
	if len(want) != 4 {
		t.Fatalf("A holds %d incidents, want all 4: %v", len(want), want)
	}
	t.Logf("A: %s", want[first])
	if w := want[first]; !strings.Contains(w, "responding") || !strings.Contains(w, "cable-eassy:repair_scheduled(2 steps)") || !strings.Contains(w, "cable-peace:repair_scheduled(2 steps)") {
		t.Errorf("A's incident after the changes: %s, want responding, each element scheduled once", w)
	}
	for name, n := range map[string]*node{"B": b, "C": c, "D": d} {
		got := state(t, n)
		if !mapsEqual(got, want) {
			t.Errorf("%s holds %v, want %v", name, got, want)
		}
	}
	// Each proposer's instance shows what became of its changes.
	outcome := func(n *node, v coord.Viewer, ch *coord.Change) *coord.Change {
		t.Helper()
		got, err := n.db.FindChangeByID(ctx, v, ch.ID)
		if err != nil {
			t.Fatalf("change %s: %v", ch.ID, err)
		}
		return got
	}
	if got := outcome(b, b.author, fromB); got.Status != coord.ChangeApplied {
		t.Errorf("B's scheduling of PEACE, first to reach A: %s %s, want applied", got.Status, got.Reason)
	}
	for _, ch := range []*coord.Change{fromC, late} {
		if got := outcome(c, c.author, ch); got.Status != coord.ChangeRefused || !strings.Contains(got.Reason, "cannot go from repair_scheduled to repair_scheduled") {
			t.Errorf("C's conflicting %s: %s %q, want refused because it is already scheduled", ch.Request, got.Status, got.Reason)
		}
	}
	if got := outcome(c, c.author, respond); got.Status != coord.ChangeApplied {
		t.Errorf("C moves the incident to responding: %s %s, want applied", got.Status, got.Reason)
	}
	if got := outcome(b, bReporter, byReporter); got.Status != coord.ChangeRefused || !strings.Contains(got.Reason, "needs a coordinator") {
		t.Errorf("B's reporter moves a repair: %s %q, want refused for the role", got.Status, got.Reason)
	}
	page, err := b.db.FindChanges(ctx, bReporter, coord.ListFilter{Status: coord.ChangeRefused})
	if err != nil || len(page.Items) == 0 {
		t.Errorf("B lists no refused change: %v", err)
	}
	for name, n := range map[string]*node{"A": a, "B": b, "C": c, "D": d} {
		if _, err := n.db.Verify(ctx); err != nil {
			t.Errorf("verify %s: %v", name, err)
		}
		if diff, err := n.db.VerifyState(ctx); err != nil || diff != "" {
			t.Errorf("state of %s against its log: %q %v", name, diff, err)
		}
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	ka := make([]string, 0, len(a))
	for k, v := range a {
		if b[k] != v {
			return false
		}
		ka = append(ka, k)
	}
	slices.Sort(ka)
	return true
}
