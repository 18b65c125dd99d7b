package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"lifeline/coord"
	"lifeline/notify"
	"lifeline/store"
	"lifeline/store/postgres"
	"lifeline/store/postgres/pgtest"
	"lifeline/store/sqlite"
	"lifeline/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var ctx = context.Background()

// receiver is a webhook receiver on loopback that checks every request's
// signature and acts on each idempotency key once, as the documentation
// asks receivers to. Its mode says how it answers.
type receiver struct {
	t      testing.TB
	srv    *httptest.Server
	secret map[string]string // subscription → secret

	mu       sync.Mutex
	mode     string               // "fail" (500), "slow" (acts, then answers too late), "ok"
	requests int                  // every request
	byKey    map[string]int       // key → requests
	acted    map[string][]string  // subscription → item ids acted on, once per key
	payloads map[string]time.Time // key → when first acted on
	bad      []string             // requests that do not verify
}

func newReceiver(t testing.TB, slow time.Duration) *receiver {
	r := &receiver{t: t, secret: map[string]string{}, mode: "ok", byKey: map[string]int{}, acted: map[string][]string{}, payloads: map[string]time.Time{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		var p coord.NotificationPayload
		if err := json.Unmarshal(body, &p); err != nil {
			r.fail("not JSON: %s", body)
			return
		}
		r.mu.Lock()
		secret, mode := r.secret[p.Subscription], r.mode
		r.requests++
		r.mu.Unlock()
		if err := notify.Verify(secret, req.Header.Get(notify.SignatureHeader), body, time.Now(), 5*time.Minute); err != nil {
			r.fail("%s: %v", p.ID, err)
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		if key := req.Header.Get("Idempotency-Key"); key != p.ID {
			r.fail("Idempotency-Key %q, payload id %q", key, p.ID)
		}
		if mode == "fail" {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		r.mu.Lock()
		r.byKey[p.ID]++
		if _, seen := r.payloads[p.ID]; !seen {
			r.payloads[p.ID] = time.Now()
			var item struct {
				ID string `json:"id"`
			}
			json.Unmarshal(p.Item, &item)
			r.acted[p.Subscription] = append(r.acted[p.Subscription], item.ID)
		}
		r.mu.Unlock()
		if mode == "slow" {
			time.Sleep(slow) // acted on, but the answer comes too late
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) fail(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bad = append(r.bad, fmt.Sprintf(format, args...))
}

func (r *receiver) set(mode string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mode = mode
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests
}

// orgAdmin adds an org admin to org and returns it as a viewer.
func orgAdmin(t testing.TB, db *store.DB, org string) coord.Viewer {
	t.Helper()
	tok, err := db.CreateMember(ctx, coord.System, &coord.Member{OrgID: org, Role: coord.RoleOrgAdmin, Name: "webhooks of " + org})
	if err != nil {
		t.Fatal(err)
	}
	v, err := db.Authenticate(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// running is a dispatcher running in the background until stop.
type running struct {
	cancel func()
	done   chan struct{}
}

func start(db *store.DB, opt notify.Options) *running {
	c, cancel := context.WithCancel(ctx)
	r := &running{cancel: cancel, done: make(chan struct{})}
	d := notify.New(db, db.Services(), opt)
	go func() { defer close(r.done); d.Run(c) }()
	return r
}

func (r *running) stop() { r.cancel(); <-r.done }

// waitFor polls cond until it holds, or fails after a generous deadline
// (a bound on a hang, not a timing assertion).
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestExactlyOnceAcrossRestart subscribes an organisation's webhook to
// incidents, then reports incidents while the receiver fails, answers too
// late (after acting) and recovers, with the server stopped and started
// again — store and dispatcher closed and reopened — in between, and more
// incidents reported while the dispatcher is down. Every notification
// reaches the receiver, none is lost, and the receiver acts on each once
// by its idempotency key; the delivery log says delivered for each.
func TestExactlyOnceAcrossRestart(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "lifeline.db")
		exactlyOnce(t, func() *store.DB {
			db, err := sqlite.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			return db
		})
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := pgtest.DSN(t)
		exactlyOnce(t, func() *store.DB {
			db, err := postgres.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			return db
		})
	})
}

func exactlyOnce(t *testing.T, open func() *store.DB) {
	const slow = 400 * time.Millisecond
	opt := notify.Options{Timeout: slow / 2, Backoff: 10 * time.Millisecond, MaxBackoff: 80 * time.Millisecond, MaxAttempts: 1000,
		Poll: 10 * time.Millisecond, AllowPrivate: true}
	db := open()
	w := storetest.NewWorld(t, db)
	admin := orgAdmin(t, db, w.Author.OrgID)
	rcv := newReceiver(t, slow)
	sub := &coord.Subscription{URL: rcv.srv.URL + "/hooks/lifeline", Filter: coord.SubscriptionFilter{Incidents: true}}
	secret, err := db.CreateSubscription(ctx, admin, sub)
	if err != nil {
		t.Fatal(err)
	}
	rcv.secret[sub.ID] = secret
	var want []string
	report := func(db *store.DB, n int) {
		for i := range n {
			in := &coord.Incident{Title: fmt.Sprintf("Outage %d", len(want)+i), Kind: coord.KindPowerOutage, Countries: []string{"SD"}, Marking: coord.Marking{TLP: coord.TLPGreen}}
			if err := db.CreateIncident(ctx, w.Author, in); err != nil {
				t.Fatal(err)
			}
			want = append(want, in.ID)
		}
	}

	rcv.set("fail")
	d := start(db, opt)
	report(db, 3)
	waitFor(t, "failed attempts", func() bool { return rcv.count() >= 6 })
	rcv.set("slow")
	waitFor(t, "late answers", func() bool { return rcv.count() >= 9 })
	d.stop()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = open()
	defer db.Close()
	report(db, 3) // while the dispatcher is down
	rcv.set("ok")
	d = start(db, opt)
	defer d.stop()
	waitFor(t, "every notification delivered", func() bool {
		ds, err := db.FindDeliveries(ctx, admin, sub.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		return len(ds) == len(want) && !slices.ContainsFunc(ds, func(d *coord.Delivery) bool { return d.Status != coord.DeliveryDelivered })
	})
	d.stop()

	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if len(rcv.bad) > 0 {
		t.Fatalf("requests that do not verify: %v", rcv.bad)
	}
	got := slices.Clone(rcv.acted[sub.ID])
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("the receiver acted on %v, want each of %v once", got, want)
	}
	again := 0
	for _, n := range rcv.byKey {
		again += n - 1
	}
	if again == 0 {
		t.Error("no notification came twice: the late answers did not exercise the idempotency key")
	}
	ds, _ := db.FindDeliveries(ctx, admin, sub.ID, 100)
	retried := 0
	for _, d := range ds {
		if d.Key != coord.NotificationKey(sub.ID, d.Seq) || d.Type != coord.EventIncidentCreated {
			t.Errorf("delivery %+v: wrong key or type", d)
		}
		if d.Attempts > 1 {
			retried++
		}
	}
	if retried == 0 {
		t.Error("no delivery was retried: the failures did not exercise the backoff")
	}
}

// TestSubscriberSeesOnlyWhatItsOrgMayRead subscribes every organisation
// of the visibility world to every incident and need, reports incidents
// with random markings by random members, and checks that each webhook
// receives exactly the incidents its organisation may read (the policy,
// coord.CanSee, as the organisation), never one named to a member alone.
func TestSubscriberSeesOnlyWhatItsOrgMayRead(t *testing.T) {
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "lifeline.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w := storetest.NewWorld(t, db)
	rcv := newReceiver(t, 0)
	names, viewers := w.Viewers()
	var members []coord.Viewer
	orgs := map[string]bool{}
	for i, v := range viewers {
		if v.Anonymous() || names[i] == "instance admin" {
			continue
		}
		members = append(members, v)
		orgs[v.OrgID] = true
	}
	subs := map[string]*coord.Subscription{} // org → its webhook
	for org := range orgs {
		s := &coord.Subscription{URL: rcv.srv.URL + "/" + org, Filter: coord.SubscriptionFilter{Incidents: true}}
		secret, err := db.CreateSubscription(ctx, orgAdmin(t, db, org), s)
		if err != nil {
			t.Fatal(err)
		}
		rcv.secret[s.ID], subs[org] = secret, s
	}
	var orgIDs []string
	for o := range orgs {
		orgIDs = append(orgIDs, o)
	}
	slices.Sort(orgIDs)
	r := rand.New(rand.NewPCG(4287, 13))
	var incidents []*coord.Incident
	for i := range 60 {
		by := members[r.IntN(len(members))]
		m := coord.Marking{TLP: coord.TLPs[r.IntN(len(coord.TLPs))]}
		if m.TLP == coord.TLPAmber || m.TLP == coord.TLPAmberStrict {
			for _, o := range orgIDs {
				if o != by.OrgID && r.IntN(3) == 0 {
					m.Orgs = append(m.Orgs, o)
				}
			}
		}
		if m.TLP != coord.TLPClear && m.TLP != coord.TLPGreen {
			for _, v := range members {
				if v.MemberID != by.MemberID && r.IntN(4) == 0 {
					m.Members = append(m.Members, v.MemberID)
				}
			}
		}
		in := &coord.Incident{Title: fmt.Sprintf("Incident %d", i), Kind: coord.KindCableCut, Marking: m}
		if err := db.CreateIncident(ctx, by, in); err != nil {
			t.Fatal(err)
		}
		incidents = append(incidents, in)
	}
	d := notify.New(db, db.Services(), notify.Options{AllowPrivate: true, Batch: 7})
	if _, err := d.Scan(ctx); err != nil {
		t.Fatal(err)
	}
	for {
		n, err := d.Deliver(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if len(rcv.bad) > 0 {
		t.Fatalf("requests that do not verify: %v", rcv.bad)
	}
	for _, org := range orgIDs {
		o, err := db.FindOrgByID(ctx, coord.System, org)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		hidden := 0
		for _, in := range incidents {
			if coord.CanSee(coord.OrgViewer(o), in.Marking) {
				want = append(want, in.ID)
			} else {
				hidden++
			}
		}
		got := slices.Clone(rcv.acted[subs[org].ID])
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s (verified %v) received %d incidents, want the %d it may read:\n got %v\nwant %v", org, o.Verified, len(got), len(want), got, want)
		}
		if hidden == 0 {
			t.Errorf("%s may read every incident: the markings do not exercise the policy", org)
		}
		for _, in := range incidents {
			if in.TLP == coord.TLPRed && slices.Contains(got, in.ID) {
				t.Errorf("LEAK: %s received the TLP:RED incident %s, named to members only", org, in.ID)
			}
		}
	}
}

// TestFilters checks what each filter lets through: kinds, countries and
// severity of incidents, and needs that one of the organisation's offers
// could fill.
func TestFilters(t *testing.T) {
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "lifeline.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w := storetest.NewWorld(t, db)
	admin := orgAdmin(t, db, w.Other.OrgID)
	mk := func(f coord.SubscriptionFilter) *coord.Subscription {
		s := &coord.Subscription{URL: "https://hooks.example.org/x", Filter: f}
		if _, err := db.CreateSubscription(ctx, admin, s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	shutdowns := mk(coord.SubscriptionFilter{Incidents: true, Kinds: []coord.IncidentKind{coord.KindShutdown}, Countries: []string{"SD", "ET"}})
	severe := mk(coord.SubscriptionFilter{Incidents: true, MinSeverity: coord.SeveritySevere})
	needs := mk(coord.SubscriptionFilter{MatchingNeeds: true})
	incident := func(kind coord.IncidentKind, country, severity string) string {
		in := &coord.Incident{Title: "x", Kind: kind, Countries: []string{country}, Severity: severity, Marking: coord.Marking{TLP: coord.TLPGreen}}
		if err := db.CreateIncident(ctx, w.Author, in); err != nil {
			t.Fatal(err)
		}
		return in.ID
	}
	a := incident(coord.KindShutdown, "SD", coord.SeverityMinor)
	b := incident(coord.KindShutdown, "YE", coord.SeverityExtreme)
	c := incident(coord.KindCableCut, "ET", coord.SeverityExtreme)
	e := incident(coord.KindCableCut, "ET", "")
	offer := &coord.Offer{Resource: coord.Resource{Title: "Generators", Category: "power/generator", Quantity: 10, Unit: "unit", Countries: []string{"SD"}, Marking: coord.Marking{TLP: coord.TLPGreen}}}
	if err := db.CreateOffer(ctx, w.Other, offer); err != nil {
		t.Fatal(err)
	}
	need := func(category, country string) string {
		n := &coord.Need{Resource: coord.Resource{Title: "Need " + category, Category: category, Quantity: 2, Unit: "unit", Countries: []string{country}, Marking: coord.Marking{TLP: coord.TLPGreen}}}
		if err := db.CreateNeed(ctx, w.Author, n); err != nil {
			t.Fatal(err)
		}
		return n.ID
	}
	fits := need("power/generator", "SD")
	need("power/generator", "YE") // outside the offer's countries
	need("food", "SD")            // another category
	d := notify.New(db, db.Services(), notify.Options{})
	if _, err := d.Scan(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		sub  *coord.Subscription
		want []string
	}{{shutdowns, []string{a}}, {severe, []string{b, c, e}}, {needs, []string{fits}}} {
		ds, err := db.FindDeliveries(ctx, admin, c.sub.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range ds {
			got = append(got, d.Subject)
		}
		slices.Sort(got)
		slices.Sort(c.want)
		if !slices.Equal(got, c.want) {
			t.Errorf("filter %+v queued %v, want %v", c.sub.Filter, got, c.want)
		}
	}
}

// TestPrivateAddressesRefused checks that by default a webhook cannot
// make the server call into its own network, and that the failure is in
// the delivery log in words.
func TestPrivateAddressesRefused(t *testing.T) {
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "lifeline.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w := storetest.NewWorld(t, db)
	admin := orgAdmin(t, db, w.Other.OrgID)
	rcv := newReceiver(t, 0)
	s := &coord.Subscription{URL: rcv.srv.URL, Filter: coord.SubscriptionFilter{Incidents: true}}
	if _, err := db.CreateSubscription(ctx, admin, s); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SendTest(ctx, admin, s.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := notify.New(db, db.Services(), notify.Options{}).Deliver(ctx); err != nil {
		t.Fatal(err)
	}
	ds, err := db.FindDeliveries(ctx, admin, s.ID, 10)
	if err != nil || len(ds) != 1 {
		t.Fatalf("deliveries %v, %v", ds, err)
	}
	if ds[0].Status != coord.DeliveryPending || ds[0].Attempts != 1 || !strings.Contains(ds[0].LastError, "server's own network") {
		t.Errorf("delivery to loopback: %+v", ds[0])
	}
	if rcv.count() != 0 {
		t.Error("the receiver on loopback was called")
	}
}
