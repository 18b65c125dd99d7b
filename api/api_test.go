package api_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"lifeline/api"
	"lifeline/coord"
	"lifeline/store"
	"lifeline/store/postgres"
	"lifeline/store/postgres/pgtest"
	"lifeline/store/sqlite"
	"lifeline/store/storetest"
)

// env is a server over a real SQLite store with the world of the
// visibility matrix.
type env struct {
	t   testing.TB
	db  *store.DB
	w   *storetest.World
	srv *httptest.Server
	h   *api.Server
}

func newEnv(t testing.TB, opt api.Options) *env {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "lifeline.db"))
	if err != nil {
		t.Fatal(err)
	}
	return newEnvOn(t, db, opt)
}

// newEnvOn is newEnv over the store db, which it closes at the end.
func newEnvOn(t testing.TB, db *store.DB, opt api.Options) *env {
	t.Helper()
	t.Cleanup(func() { db.Close() })
	w := storetest.NewWorld(t, db)
	if opt.Rate == 0 {
		opt.Rate = -1
	}
	if opt.Health == nil {
		opt.Health = func(ctx context.Context) error { return db.SQL().PingContext(ctx) }
	}
	h := api.New(db.Services(), opt)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &env{t: t, db: db, w: w, srv: srv, h: h}
}

type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// do sends a request as viewer v (anonymous when v has no member).
func (e *env) do(v coord.Viewer, method, path string, body any, header ...string) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if !v.Anonymous() {
		req.Header.Set("Authorization", "Bearer "+e.w.Tokens[v.MemberID])
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	rb := io.Reader(res.Body)
	if res.Header.Get("Content-Encoding") == "gzip" {
		gz, err := gzip.NewReader(res.Body)
		if err != nil {
			e.t.Fatal(err)
		}
		rb = gz
	}
	b, err := io.ReadAll(rb)
	if err != nil {
		e.t.Fatal(err)
	}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		checkForPeople(e.t, method+" "+path, b)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: b}
}

func (e *env) events() int {
	e.t.Helper()
	var n int
	if err := e.db.SQL().QueryRow(`SELECT COUNT(*) FROM events`).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestCreateAndRead(t *testing.T) {
	e := newEnv(t, api.Options{})
	body := map[string]any{"title": "Shutdown in Khartoum", "kind": "shutdown", "countries": []string{"SD"},
		"tlp": "TLP:AMBER", "share_with_orgs": []string{e.w.Named.OrgID}, "recipients": []string{e.w.Recipient.MemberID}}
	r := e.do(e.w.Author, "POST", "/api/v1/incidents", body)
	if r.Status != http.StatusCreated {
		t.Fatalf("POST incidents = %d %s", r.Status, r.Body)
	}
	var created struct{ ID string }
	r.json(t, &created)
	if !strings.HasPrefix(created.ID, "inc_") || r.Header.Get("Location") != "/api/v1/incidents/"+created.ID {
		t.Fatalf("created %+v, Location %q", created, r.Header.Get("Location"))
	}
	r = e.do(e.w.Named, "GET", "/api/v1/incidents/"+created.ID, nil)
	var in coord.Incident
	r.json(t, &in)
	if r.Status != 200 || in.Title != "Shutdown in Khartoum" || in.TLP != coord.TLPAmber || in.Status != coord.IncidentReported {
		t.Fatalf("GET = %d %+v", r.Status, in)
	}
	etag := r.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if r2 := e.do(e.w.Named, "GET", "/api/v1/incidents/"+created.ID, nil, "If-None-Match", etag); r2.Status != http.StatusNotModified || len(r2.Body) != 0 {
		t.Errorf("If-None-Match = %d with %d bytes, want 304 and no body", r2.Status, len(r2.Body))
	}
	// A verified other organisation verifies it; a stale If-Match is refused.
	r = e.do(e.w.Named, "PATCH", "/api/v1/incidents/"+created.ID, `{"status":"verified"}`, "If-Match", etag)
	if r.Status != 200 {
		t.Fatalf("PATCH = %d %s", r.Status, r.Body)
	}
	r = e.do(e.w.Named, "PATCH", "/api/v1/incidents/"+created.ID, `{"status":"responding"}`, "If-Match", etag)
	if r.Status != http.StatusConflict {
		t.Errorf("stale If-Match = %d %s, want 409", r.Status, r.Body)
	}
	// Lists are pages.
	r = e.do(e.w.Named, "GET", "/api/v1/incidents", nil)
	var page struct {
		Items []coord.Incident `json:"items"`
		Next  *string          `json:"next"`
	}
	r.json(t, &page)
	if len(page.Items) != 1 || page.Next == nil {
		t.Errorf("list = %s", r.Body)
	}
}

func TestGzip(t *testing.T) {
	e := newEnv(t, api.Options{})
	for i := range 10 {
		r := e.do(e.w.Author, "POST", "/api/v1/incidents", map[string]any{"title": fmt.Sprintf("Outage %d with a long enough title to compress", i), "kind": "power_outage", "tlp": "TLP:CLEAR"})
		if r.Status != 201 {
			t.Fatal(r.Status, string(r.Body))
		}
	}
	r := e.do(coord.Viewer{}, "GET", "/api/v1/incidents", nil, "Accept-Encoding", "gzip")
	if r.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding = %q, want gzip", r.Header.Get("Content-Encoding"))
	}
	var page struct{ Items []coord.Incident }
	r.json(t, &page)
	if len(page.Items) != 10 {
		t.Errorf("%d items", len(page.Items))
	}
	if r := e.do(coord.Viewer{}, "GET", "/api/v1/incidents", nil, "Accept-Encoding", "identity"); r.Header.Get("Content-Encoding") != "" {
		t.Error("gzip without Accept-Encoding: gzip")
	}
}

func TestAuth(t *testing.T) {
	e := newEnv(t, api.Options{})
	ok := `{"title":"x","kind":"other"}`
	tests := []struct {
		name   string
		header []string
		want   int
	}{
		{"no token", nil, http.StatusUnauthorized},
		{"unknown token", []string{"Authorization", "Bearer llt_nope"}, http.StatusUnauthorized},
		{"not bearer", []string{"Authorization", "Basic eDp4"}, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(coord.Viewer{}, "POST", "/api/v1/incidents", ok, tt.header...)
			if r.Status != tt.want || !strings.Contains(r.Header.Get("Content-Type"), "problem+json") {
				t.Errorf("= %d %s %s, want %d problem", r.Status, r.Header.Get("Content-Type"), r.Body, tt.want)
			}
		})
	}
	viewer := &coord.Member{OrgID: e.w.Other.OrgID, Role: coord.RoleViewer, Name: "viewer"}
	tok, err := e.db.CreateMember(context.Background(), e.w.Admin, viewer)
	if err != nil {
		t.Fatal(err)
	}
	e.w.Tokens[viewer.ID] = tok
	r := e.do(coord.Viewer{MemberID: viewer.ID}, "POST", "/api/v1/incidents", ok)
	if r.Status != http.StatusForbidden {
		t.Errorf("viewer role creates: %d %s, want 403", r.Status, r.Body)
	}
	r = e.do(e.w.Author, "GET", "/api/v1/me", nil)
	var me coord.Viewer
	r.json(t, &me)
	if me.MemberID != e.w.Author.MemberID {
		t.Errorf("/me = %s", r.Body)
	}
}

// TestBadInput sends bad requests: each gets a clear 4xx problem and
// changes nothing.
func TestBadInput(t *testing.T) {
	e := newEnv(t, api.Options{MaxBody: 4096})
	r := e.do(e.w.Author, "POST", "/api/v1/needs", map[string]any{"title": "t", "category": "power/generator", "quantity": 5, "unit": "unit", "countries": []string{"SD"}})
	if r.Status != 201 {
		t.Fatal(r.Status, string(r.Body))
	}
	var need struct{ ID string }
	r.json(t, &need)
	before := e.events()
	tests := []struct {
		name, method, path string
		body               any
		header             []string
		status             int
		detail             string
	}{
		{"wrong type", "POST", "/api/v1/incidents", `{"title": 5, "kind": "other"}`, nil, 400, "title: expected a string, found a number"},
		{"countries not an array", "POST", "/api/v1/incidents", `{"title": "x", "kind": "other", "countries": "SD"}`, nil, 400, "countries: expected an array"},
		{"unknown field", "POST", "/api/v1/incidents", `{"title": "x", "kind": "other", "severity_level": 3}`, nil, 400, "severity_level: unknown field; expected one of title, description, kind,"},
		{"status on create", "POST", "/api/v1/incidents", `{"title": "x", "kind": "other", "status": "resolved"}`, nil, 400, "unknown field"},
		{"malformed", "POST", "/api/v1/incidents", `{"title": "x",`, nil, 400, "ends too early"},
		{"two values", "POST", "/api/v1/incidents", `{"title": "x", "kind": "other"} {}`, nil, 400, "one JSON value"},
		{"empty", "POST", "/api/v1/incidents", ``, nil, 400, "empty"},
		{"huge", "POST", "/api/v1/incidents", `{"title": "` + strings.Repeat("x", 5000) + `", "kind": "other"}`, nil, 413, "larger than 4096"},
		{"not json", "POST", "/api/v1/incidents", `title=x`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "Content-Type"},
		{"open ring", "POST", "/api/v1/incidents", `{"title": "x", "kind": "other", "area": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1]]]}}`, nil, 400, "polygon 0 ring 0 is not closed"},
		{"self-intersecting", "POST", "/api/v1/incidents", `{"title": "x", "kind": "other", "area": {"type": "Polygon", "coordinates": [[[0,0],[2,2],[2,0],[0,2],[0,0]]]}}`, nil, 400, "intersects itself at point [1, 1]"},
		{"bad kind", "POST", "/api/v1/incidents", `{"title": "x", "kind": "earthquake"}`, nil, 400, "kind: expected one of"},
		{"bad tlp", "POST", "/api/v1/incidents", `{"title": "x", "kind": "other", "tlp": "TLP:WHITE"}`, nil, 400, "tlp"},
		{"negative quantity", "POST", "/api/v1/offers", `{"title": "x", "category": "power", "quantity": -1, "unit": "u"}`, nil, 400, "quantity"},
		{"bad lead time", "POST", "/api/v1/offers", `{"title": "x", "category": "power", "quantity": 1, "unit": "u", "lead_time": "soon"}`, nil, 400, "duration"},
		{"bad status step", "PATCH", "/api/v1/needs/" + need.ID, `{"status": "fulfilled"}`, nil, 400, "status"},
		{"bad If-Match", "PATCH", "/api/v1/needs/" + need.ID, `{"title": "y"}`, []string{"If-Match", "yesterday"}, 400, "If-Match"},
		{"bad limit", "GET", "/api/v1/incidents?limit=100000", nil, nil, 400, "limit"},
		{"bad cursor", "GET", "/api/v1/incidents?after=zz", nil, nil, 400, "after"},
		{"bad country filter", "GET", "/api/v1/needs?country=Sudan", nil, nil, 400, "country"},
		{"bad events cursor", "GET", "/api/v1/events?after=-4", nil, nil, 400, "after"},
		{"empty subject", "GET", "/api/v1/events?subject=", nil, nil, 400, "subject: expected the id of an item"},
		{"overlong subject", "GET", "/api/v1/events?subject=" + strings.Repeat("x", 101), nil, nil, 400, "subject"},
		{"unknown events filter", "GET", "/api/v1/events?status=bogus", nil, nil, 400, "status: unknown query parameter; expected one of after, limit, subject"},
		{"bad subject cursor", "GET", "/api/v1/events?subject=inc_x&after=zz", nil, nil, 400, "after"},
		{"members: bad cursor", "GET", "/api/v1/orgs/" + e.w.Author.OrgID + "/members?after=zz", nil, nil, 400, "after"},
		{"members: bad limit", "GET", "/api/v1/orgs/" + e.w.Author.OrgID + "/members?limit=0", nil, nil, 400, "limit"},
		{"members of an unseen org", "GET", "/api/v1/orgs/org_x/members", nil, nil, 404, "not found"},
		{"token of an unseen member", "POST", "/api/v1/members/mem_x/tokens", nil, nil, 404, "not found"},
		{"revoke an unseen member", "DELETE", "/api/v1/members/mem_x/tokens", nil, nil, 404, "not found"},
		{"token by a coordinator", "POST", "/api/v1/members/" + e.w.Colleague.MemberID + "/tokens", nil, nil, 403, "managing the tokens"},
		{"revoke by a coordinator", "DELETE", "/api/v1/members/" + e.w.Colleague.MemberID + "/tokens", nil, nil, 403, "managing the tokens"},
		{"tokens: method not allowed", "PUT", "/api/v1/members/mem_x/tokens", nil, nil, 405, "allowed: POST, DELETE"},
		{"patch: unknown field", "PATCH", "/api/v1/incidents/inc_x", `{"colour": 1}`, nil, 400, "colour: unknown field; expected one of title, description, status,"},
		{"patch: wrong type", "PATCH", "/api/v1/matches/match_x", `{"status": 3}`, nil, 400, "status: expected a string, found a number"},
		{"org: wrong element type", "POST", "/api/v1/orgs", `{"name": "x", "kind": "ixp", "asns": ["AS1"]}`, nil, 400, "asns"},
		{"org: negative asn", "POST", "/api/v1/orgs", `{"name": "x", "kind": "ixp", "asns": [-1]}`, nil, 400, "a whole number from 0"},
		{"member: unknown field", "POST", "/api/v1/members", `{"org_id": "x", "name": "y", "role": "viewer", "admin": true}`, nil, 400, "admin: unknown field; expected one of org_id, name, role, contact"},
		{"bad time", "POST", "/api/v1/incidents", `{"title": "x", "kind": "other", "start": "yesterday"}`, nil, 400, `expected an RFC 3339 time such as "2026-03-01T08:30:00Z", found "yesterday"`},
		{"quantity not whole", "POST", "/api/v1/needs", `{"title": "x", "category": "power", "quantity": 1.5, "unit": "u", "countries": ["SD"]}`, nil, 400, "quantity: expected a whole number"},
		{"method not allowed", "DELETE", "/api/v1/incidents/inc_x", nil, nil, 405, "allowed: GET, PATCH, HEAD"},
		{"unknown route", "GET", "/api/v1/nothing", nil, nil, 404, "not found"},
		{"match of a need not seen", "POST", "/api/v1/matches", `{"need_id": "need_x", "offer_id": "offer_x", "quantity": 1}`, nil, 404, "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(e.w.Author, tt.method, tt.path, tt.body, tt.header...)
			var p api.Problem
			if r.Status != tt.status || json.Unmarshal(r.Body, &p) != nil || !strings.Contains(p.Detail, tt.detail) || p.Status != tt.status {
				t.Errorf("= %d %s, want %d with a detail containing %q", r.Status, r.Body, tt.status, tt.detail)
			}
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("Content-Type = %q", r.Header.Get("Content-Type"))
			}
		})
	}
	if after := e.events(); after != before {
		t.Errorf("bad requests appended %d events", after-before)
	}
}

// TestTokens: an org admin issues a member a second token (shown once,
// not stored by caches) and revokes both; a revoked token gets 401 at
// once, although the server remembered it a moment before.
func TestTokens(t *testing.T) {
	e := newEnv(t, api.Options{})
	bearer := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }
	r := e.do(e.w.Other, "POST", "/api/v1/members", map[string]string{"org_id": e.w.Other.OrgID, "name": "field reporter", "role": "reporter"})
	var created struct{ ID, Token string }
	r.json(t, &created)
	if r.Status != http.StatusCreated || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("POST /members = %d, Cache-Control %q", r.Status, r.Header.Get("Cache-Control"))
	}
	r = e.do(e.w.Other, "POST", "/api/v1/members/"+created.ID+"/tokens", nil)
	var issued struct {
		MemberID string `json:"member_id"`
		Token    string `json:"token"`
	}
	r.json(t, &issued)
	if r.Status != http.StatusCreated || r.Header.Get("Cache-Control") != "no-store" || issued.MemberID != created.ID || issued.Token == "" || issued.Token == created.Token {
		t.Fatalf("POST tokens = %d, Cache-Control %q, %s", r.Status, r.Header.Get("Cache-Control"), r.Body)
	}
	for _, tok := range []string{created.Token, issued.Token} {
		if r := e.do(coord.Viewer{}, "GET", "/api/v1/me", nil, bearer(tok)...); r.Status != http.StatusOK || !strings.Contains(string(r.Body), created.ID) {
			t.Fatalf("GET /me with a valid token = %d %s", r.Status, r.Body)
		}
	}
	r = e.do(e.w.Other, "GET", "/api/v1/orgs/"+e.w.Other.OrgID+"/members", nil)
	if r.Status != http.StatusOK || !strings.Contains(string(r.Body), created.ID) || strings.Contains(string(r.Body), "llt_") {
		t.Errorf("GET members = %d %s", r.Status, r.Body)
	}
	if r := e.do(e.w.Other, "DELETE", "/api/v1/members/"+created.ID+"/tokens", nil); r.Status != http.StatusNoContent || len(r.Body) != 0 {
		t.Fatalf("DELETE tokens = %d %s", r.Status, r.Body)
	}
	for _, tok := range []string{created.Token, issued.Token} {
		if r := e.do(coord.Viewer{}, "GET", "/api/v1/me", nil, bearer(tok)...); r.Status != http.StatusUnauthorized {
			t.Errorf("GET /me with a revoked token = %d %s, want 401", r.Status, r.Body)
		}
	}
	if r := e.do(e.w.Other, "GET", "/api/v1/me", nil); r.Status != http.StatusOK {
		t.Errorf("the revoking admin's own token = %d, want 200", r.Status)
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, api.Options{Rate: 0.001, Burst: 3})
	codes := []int{}
	for range 5 {
		codes = append(codes, e.do(e.w.Author, "GET", "/api/v1/incidents", nil).Status)
	}
	if fmt.Sprint(codes) != "[200 200 200 429 429]" {
		t.Errorf("codes = %v, want three 200 then 429", codes)
	}
	r := e.do(e.w.Author, "GET", "/api/v1/incidents", nil)
	if r.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// Guessing tokens costs the address's bucket.
	var bad []int
	for range 5 {
		bad = append(bad, e.do(coord.Viewer{}, "GET", "/api/v1/incidents", nil, "Authorization", "Bearer llt_guess").Status)
	}
	if fmt.Sprint(bad) != "[401 401 401 429 429]" {
		t.Errorf("bad tokens: codes %v, want three 401 then 429", bad)
	}
	// Another token has its own bucket; health checks are not limited.
	if r := e.do(e.w.Other, "GET", "/api/v1/incidents", nil); r.Status != 200 {
		t.Errorf("another member: %d", r.Status)
	}
	for range 5 {
		if r := e.do(e.w.Author, "GET", "/healthz", nil); r.Status != 200 {
			t.Fatalf("/healthz = %d", r.Status)
		}
	}
}

func TestOperations(t *testing.T) {
	e := newEnv(t, api.Options{})
	e.do(coord.Viewer{}, "GET", "/api/v1/incidents", nil)
	r := e.do(coord.Viewer{}, "GET", "/healthz", nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"ok"`) {
		t.Errorf("/healthz = %d %s", r.Status, r.Body)
	}
	// The metrics count what others do (a 201 on a hidden creation):
	// they are not served with the API, only by the handler Metrics
	// returns, which lifeline serve puts on a listener of its own.
	if r := e.do(coord.Viewer{}, "GET", "/metrics", nil); r.Status != 404 || strings.Contains(string(r.Body), "lifeline_http_requests_total") {
		t.Errorf("/metrics on the API's listener = %d %.200s, want 404", r.Status, r.Body)
	}
	rec := httptest.NewRecorder()
	e.h.Metrics().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `lifeline_http_requests_total{code="200",route="GET /api/v1/incidents"} 1`) {
		t.Errorf("Metrics() = %d, no request count for the incident list:\n%.2000s", rec.Code, rec.Body)
	}
	r = e.do(coord.Viewer{}, "GET", "/api/v1/openapi.json", nil)
	var doc map[string]any
	r.json(t, &doc)
	if doc["openapi"] == nil {
		t.Error("no openapi document")
	}
}

// newPostgresEnv is newEnv over a fresh PostgreSQL database.
func newPostgresEnv(t testing.TB, opt api.Options) *env {
	t.Helper()
	db, err := postgres.Open(context.Background(), pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	return newEnvOn(t, db, opt)
}

// goName matches a Go identifier qualified by its package, as in
// "coord.MoveMatch" or "web.form:", which no message for people may show.
var goName = regexp.MustCompile(`\b(api|coord|store|ledger|impact|atlas|geo|watch|web|demo|lifeline|mrt)\.[A-Za-z]+\b`)

// checkForPeople fails tb if a problem document shows a Go identifier:
// every error answer of every test passes through it.
func checkForPeople(tb testing.TB, what string, body []byte) {
	tb.Helper()
	var p api.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		tb.Errorf("%s: the problem document does not decode: %v\n%s", what, err, body)
		return
	}
	if m := goName.FindString(p.Detail); m != "" {
		tb.Errorf("%s: the problem's detail shows the Go name %q to people: %q", what, m, p.Detail)
	}
}

// TestHealthzLogCheck: /healthz shows the state of the check of the
// signed log, and answers 503 when the log does not verify.
func TestHealthzLogCheck(t *testing.T) {
	state, ok := map[string]any{"state": "checking", "progress": 0.2}, true
	e := newEnv(t, api.Options{LogCheck: func() (any, bool) { return state, ok }})
	r := e.do(coord.Viewer{}, "GET", "/healthz", nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"log":{"progress":0.2,"state":"checking"}`) {
		t.Errorf("/healthz while checking = %d %s", r.Status, r.Body)
	}
	state, ok = map[string]any{"state": "broken", "error": "event 12: signature does not verify"}, false
	r = e.do(coord.Viewer{}, "GET", "/healthz", nil)
	if r.Status != 503 || !strings.Contains(string(r.Body), "event 12") {
		t.Errorf("/healthz of a broken log = %d %s, want 503 naming the event", r.Status, r.Body)
	}
}

// TestFeedCursor: the feed's events carry no sequence number, and its
// cursor is opaque and bound to its reader, so the gaps between the
// events a reader may see do not count those it may not see.
func TestFeedCursor(t *testing.T) {
	e := newEnv(t, api.Options{})
	// Hidden work between two CLEAR events.
	for _, level := range []coord.TLP{coord.TLPClear, coord.TLPRed, coord.TLPRed, coord.TLPRed, coord.TLPClear} {
		in := &coord.Incident{Title: "x", Kind: coord.KindOther, Countries: []string{"SD"}}
		in.TLP = level
		if err := e.db.CreateIncident(context.Background(), e.w.Author, in); err != nil {
			t.Fatal(err)
		}
	}
	var page struct {
		Items []map[string]any `json:"items"`
		Next  string           `json:"next"`
	}
	var all []map[string]any
	next := ""
	for {
		r := e.do(coord.Viewer{}, "GET", "/api/v1/events?limit=2&after="+next, nil)
		if r.Status != 200 {
			t.Fatalf("GET events = %d %s", r.Status, r.Body)
		}
		page.Next = ""
		r.json(t, &page)
		all = append(all, page.Items...)
		if page.Next == "" {
			break
		}
		if _, err := strconv.ParseInt(page.Next, 10, 64); err == nil {
			t.Fatalf("the cursor %q is a number", page.Next)
		}
		// Another reader's cursor is refused.
		if r := e.do(e.w.Other, "GET", "/api/v1/events?after="+page.Next, nil); r.Status != 400 {
			t.Errorf("another reader's cursor: %d", r.Status)
		}
		next = page.Next
	}
	if len(all) < 3 {
		t.Fatalf("anonymous feed: %d events", len(all))
	}
	for _, ev := range all {
		if _, ok := ev["seq"]; ok {
			t.Fatalf("a feed event carries its sequence number: %v", ev)
		}
	}
	// A sequence number is not a cursor: it would let a reader find the
	// numbers of the events it sees again, one request at a time.
	if r := e.do(coord.Viewer{}, "GET", "/api/v1/events?after=5", nil); r.Status != 400 {
		t.Errorf("?after=5: %d, want 400", r.Status)
	}
	// The same page twice: the same cursor, so the same ETag.
	a := e.do(coord.Viewer{}, "GET", "/api/v1/events?limit=1", nil)
	b := e.do(coord.Viewer{}, "GET", "/api/v1/events?limit=1", nil)
	if a.Header.Get("ETag") == "" || a.Header.Get("ETag") != b.Header.Get("ETag") {
		t.Errorf("ETags of the same page differ: %q %q", a.Header.Get("ETag"), b.Header.Get("ETag"))
	}
}
