package fedhttp_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
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
// rows (id → document), to compare instances.
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
		rows.Scan(&id, &doc)
		var in coord.Incident
		json.Unmarshal([]byte(doc), &in)
		out[id] = fmt.Sprintf("%s %s v%d", in.Title, in.Status, in.Version)
	}
	return out
}

// TestPartitionAndHeal runs A (PostgreSQL) — B — C over loopback HTTP and
// C — D by bundles. B goes down; A and C write, A changes an item B and C
// already hold; B comes back: every instance converges to the same state
// of every item it may hold, and every log verifies.
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
	write := func(n *node, title string) string {
		in := &coord.Incident{Title: title, Kind: coord.KindCableCut, Countries: []string{"SD"}}
		in.TLP = coord.TLPClear
		if err := n.db.CreateIncident(ctx, n.author, in); err != nil {
			t.Fatal(err)
		}
		return in.ID
	}
	syncAll := func() {
		for range 3 { // until quiet: each round passes events one hop further
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
	syncAll()

	// B goes down: its server stops answering.
	b.srv.Close()
	st := coord.IncidentVerified
	if _, err := a.db.UpdateIncident(ctx, a.admin, first, coord.IncidentUpdate{Status: &st}); err != nil {
		t.Fatal(err)
	}
	write(a, "Second cut, north of Jeddah")
	write(c, "Fuel for the generators runs out")
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
	for name, n := range map[string]*node{"B": b, "C": c, "D": d} {
		got := state(t, n)
		if !mapsEqual(got, want) {
			t.Errorf("%s holds %v, want %v", name, got, want)
		}
	}
	for name, n := range map[string]*node{"A": a, "B": b, "C": c, "D": d} {
		if _, err := n.db.Verify(ctx); err != nil {
			t.Errorf("verify %s: %v", name, err)
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
