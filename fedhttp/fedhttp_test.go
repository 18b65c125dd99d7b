package fedhttp_test

import (
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"lifeline/coord"
	"lifeline/federation"
	"lifeline/fedhttp"
	"lifeline/store"
	"lifeline/store/postgres/pgtest"
	"lifeline/store/sqlite"

	"github.com/prometheus/client_golang/prometheus"
)

var ctx = context.Background()

type node struct {
	db     *store.DB
	key    ed25519.PrivateKey
	fp     string
	admin  coord.Viewer
	author coord.Viewer
	org    string
	srv    *httptest.Server
	client *fedhttp.Client
	woken  chan string
}

func TestMain(m *testing.M) { pgtest.Main(m) }

func newNode(t testing.TB, name string) *node {
	t.Helper()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), name+".db"))
	if err != nil {
		t.Fatal(err)
	}
	return newNodeOn(t, name, db)
}

// newNodeOn initialises an instance on db, with one organisation and one
// coordinator, and serves its federation endpoints on loopback.
func newNodeOn(t testing.TB, name string, db *store.DB) *node {
	t.Helper()
	t.Cleanup(func() { db.Close() })
	inst, err := db.Init(ctx, name+" operators", "root", 0)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := db.Authenticate(ctx, inst.Token)
	if err != nil {
		t.Fatal(err)
	}
	org := &coord.Org{Name: name + " ISP", Kind: coord.OrgOperator, Verified: true}
	if err := db.CreateOrg(ctx, coord.System, org); err != nil {
		t.Fatal(err)
	}
	m := &coord.Member{OrgID: org.ID, Role: coord.RoleCoordinator, Name: name + " coordinator"}
	tok, err := db.CreateMember(ctx, coord.System, m)
	if err != nil {
		t.Fatal(err)
	}
	author, _ := db.Authenticate(ctx, tok)
	key, err := db.SigningKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := &node{db: db, key: key, fp: federation.Fingerprint(key.Public().(ed25519.PublicKey)), admin: admin, author: author, org: org.ID, woken: make(chan string, 10)}
	n.srv = httptest.NewServer(fedhttp.NewServer(db, nil, func(peer string) { n.woken <- peer }))
	t.Cleanup(n.srv.Close)
	n.client = fedhttp.NewClient(db, key, coord.System, nil, nil)
	return n
}

// peer makes n know m at its URL, hosting m's organisation.
func (n *node) peer(t testing.TB, m *node) {
	t.Helper()
	p := &federation.Peer{Name: "peer", URL: m.srv.URL, Key: m.key.Public().(ed25519.PublicKey), Orgs: []string{m.org}, Community: true}
	if err := n.db.AddPeer(ctx, n.admin, p); err != nil {
		t.Fatal(err)
	}
}

func (n *node) pull(t testing.TB, from *node) int {
	t.Helper()
	peers, err := n.db.FindPeers(ctx, n.admin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range peers {
		if p.Fingerprint == from.fp {
			got, err := n.client.PullOnce(ctx, p)
			if err != nil {
				t.Fatalf("pull: %v", err)
			}
			return got
		}
	}
	t.Fatal("no such peer")
	return 0
}

func TestPullChain(t *testing.T) {
	a, b, c := newNode(t, "A"), newNode(t, "B"), newNode(t, "C")
	b.peer(t, a)
	a.peer(t, b)
	c.peer(t, b)
	b.peer(t, c)
	for i := range 30 {
		tlp := coord.TLPClear
		if i%3 == 0 {
			tlp = coord.TLPRed // named nobody elsewhere: stays on A
		}
		in := &coord.Incident{Title: "Cut " + string(rune('a'+i%26)), Kind: coord.KindCableCut, Countries: []string{"SD"}}
		in.TLP = tlp
		if err := a.db.CreateIncident(ctx, a.author, in); err != nil {
			t.Fatal(err)
		}
	}
	if n := b.pull(t, a); n < 20 {
		t.Fatalf("B pulled %d events from A, want the 20 public incidents and more", n)
	}
	if n := b.pull(t, a); n != 0 {
		t.Errorf("a second pull with nothing new applied %d events", n)
	}
	c.pull(t, b)
	for _, n := range []*node{b, c} {
		page, err := n.db.FindIncidents(ctx, coord.Viewer{}, coord.ListFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 20 {
			t.Errorf("%d public incidents arrived, want 20", len(page.Items))
		}
		if _, err := n.db.Verify(ctx); err != nil {
			t.Errorf("verify after the pull: %v", err)
		}
	}
}

func TestRequestsMustBeSignedByAPeer(t *testing.T) {
	a, b, stranger := newNode(t, "A"), newNode(t, "B"), newNode(t, "S")
	a.peer(t, b)
	get := func(url string, sign *node) *http.Response {
		req, _ := http.NewRequest("GET", url, nil)
		if sign != nil {
			if err := federation.SignRequest(sign.key, federation.Request{Method: "GET", TargetURI: url, Header: req.Header}, nil, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	url := a.srv.URL + "/federation/v1/events?since=0"
	for name, tc := range map[string]struct {
		url  string
		by   *node
		want int
	}{
		"unsigned":       {url, nil, 401},
		"a stranger":     {url, stranger, 401},
		"a peer":         {url, b, 200},
		"bad since":      {a.srv.URL + "/federation/v1/events?since=x", b, 400},
		"unknown filter": {a.srv.URL + "/federation/v1/events?since=0&tlp=red", b, 400},
		"no such path":   {a.srv.URL + "/federation/v1/nothing", b, 404},
	} {
		res := get(tc.url, tc.by)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.want {
			t.Errorf("%s: %d %s, want %d", name, res.StatusCode, body, tc.want)
		}
		if res.StatusCode == 401 && !strings.Contains(string(body), "signature") {
			t.Errorf("%s: the refusal does not say why: %s", name, body)
		}
	}
	// The instance endpoint is public, for reading the key out of band.
	res, err := http.Get(a.srv.URL + "/federation/v1/instance")
	if err != nil {
		t.Fatal(err)
	}
	var in fedhttp.Instance
	json.NewDecoder(res.Body).Decode(&in)
	res.Body.Close()
	if in.Fingerprint != a.fp || len(in.Short) != 19 {
		t.Errorf("instance: %+v", in)
	}
	// A suspended peer is refused as a stranger.
	peers, _ := a.db.FindPeers(ctx, a.admin)
	p := peers[0].Peer
	p.Suspended = true
	if _, err := a.db.UpdatePeer(ctx, a.admin, &p); err != nil {
		t.Fatal(err)
	}
	if res := get(url, b); res.StatusCode != 401 {
		t.Errorf("a suspended peer: %d, want 401", res.StatusCode)
	}
}

func TestNotifyWakes(t *testing.T) {
	a, b := newNode(t, "A"), newNode(t, "B")
	a.peer(t, b)
	b.peer(t, a)
	a.client.Notify(ctx, 5)
	select {
	case who := <-b.woken:
		if who != a.fp {
			t.Errorf("B was woken by %s, want A", who)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("B was not notified")
	}
}

// TestMetrics: the operators' metrics count what each peer sent and what
// was refused.
func TestMetrics(t *testing.T) {
	a, b := newNode(t, "A"), newNode(t, "B")
	a.peer(t, b)
	b.peer(t, a)
	in := &coord.Incident{Title: "Cut", Kind: coord.KindCableCut, Countries: []string{"SD"}}
	in.TLP = coord.TLPClear
	if err := a.db.CreateIncident(ctx, a.author, in); err != nil {
		t.Fatal(err)
	}
	n := b.pull(t, a)
	if _, err := b.db.Receive(ctx, []byte("lifeline-batch 1\n{\"sender\":\""+a.fp+"\"}\nAAAA\n")); err == nil {
		t.Fatal("a forged batch was accepted")
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(fedhttp.NewCollector(b.db, b.client, coord.System))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			if m.GetLabel()[0].GetValue() != "peer" || m.GetLabel()[1].GetValue() != a.fp[:16] {
				t.Errorf("%s is labelled %v, want name and peer", mf.GetName(), m.GetLabel())
			}
			got[mf.GetName()] = m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
	}
	if len(got) != 6 || got["lifeline_federation_received_events_total"] != float64(n) || got["lifeline_federation_pulled_position"] == 0 ||
		got["lifeline_federation_last_contact_seconds"] == 0 || got["lifeline_federation_suspended"] != 0 {
		t.Errorf("federation metrics after a pull of %d events: %v", n, got)
	}
}

// TestPullInPages: a pull over many pages — fetched ahead, several
// applied in one transaction when they are already here — applies every
// event once, in order: B holds A's public incidents, its cursor is A's
// last position, its log verifies, and a second pull finds nothing new.
func TestPullInPages(t *testing.T) {
	a, b := newNode(t, "A"), newNode(t, "B")
	b.peer(t, a)
	a.peer(t, b)
	fedhttp.SetPage(b.client, 3)
	for i := range 40 {
		in := &coord.Incident{Title: "Cut " + strconv.Itoa(i), Kind: coord.KindCableCut, Countries: []string{"SD"}}
		in.TLP = coord.TLPClear
		if err := a.db.CreateIncident(ctx, a.author, in); err != nil {
			t.Fatal(err)
		}
	}
	if n := b.pull(t, a); n < 40 {
		t.Fatalf("B pulled %d events from A in pages of 3, want the 40 incidents and more", n)
	}
	if n := b.pull(t, a); n != 0 {
		t.Errorf("a second pull with nothing new applied %d events", n)
	}
	page, err := b.db.FindIncidents(ctx, coord.Viewer{}, coord.ListFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 40 {
		t.Errorf("%d of A's 40 incidents arrived", len(page.Items))
	}
	end, err := a.db.Position(ctx)
	if err != nil {
		t.Fatal(err)
	}
	peers, err := b.db.FindPeers(ctx, b.admin)
	if err != nil || len(peers) != 1 || peers[0].Pulled != end {
		t.Errorf("B's cursor for A: %+v, %v; want A's last position %d", peers, err, end)
	}
	if _, err := b.db.Verify(ctx); err != nil {
		t.Errorf("verify after the pull: %v", err)
	}
}

// TestEventsGzip: a page asked for with gzip comes compressed, and the
// standard library's reader — what any other implementation has — reads
// it back to a batch that applies.
func TestEventsGzip(t *testing.T) {
	a, b := newNode(t, "A"), newNode(t, "B")
	a.peer(t, b)
	b.peer(t, a)
	for i := range 5 {
		in := &coord.Incident{Title: "Cut " + strconv.Itoa(i), Kind: coord.KindCableCut, Countries: []string{"SD"}}
		in.TLP = coord.TLPClear
		if err := a.db.CreateIncident(ctx, a.author, in); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 { // the second answer from a compressor used before
		url := a.srv.URL + "/federation/v1/events?since=0"
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		if err := federation.SignRequest(b.key, federation.Request{Method: "GET", TargetURI: url, Header: req.Header}, nil, time.Now()); err != nil {
			t.Fatal(err)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("%d, Content-Encoding %q; want 200 and gzip", res.StatusCode, res.Header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		wire, err := io.ReadAll(zr)
		res.Body.Close()
		if err != nil {
			t.Fatalf("the standard library's gzip reader: %v", err)
		}
		r, err := b.db.Receive(ctx, wire)
		if err != nil || r.Applied+r.Skipped < 5 || r.Until < 5 {
			t.Fatalf("the decompressed page: %+v, %v; want A's incidents", r, err)
		}
	}
}
