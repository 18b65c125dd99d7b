package web

import (
	"context"
	"lifeline/internal/testdb"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"lifeline/coord"
	"lifeline/store"
)

// instance is a web interface over a real SQLite store, with two verified
// organisations (A and B), each with a coordinator.
type instance struct {
	ts       *httptest.Server
	db       *store.DB
	admin    coord.Viewer
	adminTok string
	orgA     string
	orgB     string
	tokA     string // coordinator of A
	tokB     string // coordinator of B
}

func services(db *store.DB) coord.Services {
	return db.Services()
}

func newInstance(t testing.TB) *instance {
	t.Helper()
	ctx := context.Background()
	db, inst, admin := testdb.Admin(t, "Lifeline test instance", "Admin")
	in := &instance{db: db, admin: admin, adminTok: inst.Token}
	mk := func(name string, kind coord.OrgKind) (string, string) {
		o := &coord.Org{Name: name, Kind: kind, Countries: []string{"SD"}, Verified: true}
		if err := db.CreateOrg(ctx, admin, o); err != nil {
			t.Fatal(err)
		}
		tok, err := db.CreateMember(ctx, admin, &coord.Member{OrgID: o.ID, Name: "Coordinator of " + name, Role: coord.RoleOrgAdmin})
		if err != nil {
			t.Fatal(err)
		}
		return o.ID, tok
	}
	in.orgA, in.tokA = mk("Sudan Connect", coord.OrgOperator)
	in.orgB, in.tokB = mk("Relief Net", coord.OrgHumanitarian)
	a, g := testAtlas(t)
	h, err := New(Config{Atlas: a, Graph: g, Services: services(db), Now: time.Now, Federation: &Federation{Service: db, Position: db.Position, Origins: db}})
	if err != nil {
		t.Fatal(err)
	}
	in.ts = httptest.NewServer(h)
	t.Cleanup(in.ts.Close)
	return in
}

// browser is a client with a cookie jar that does not follow redirects.
type browser struct {
	t   testing.TB
	c   *http.Client
	url string
}

func (in *instance) browser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, c: noRedirect(jar), url: in.ts.URL}
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	return get(b.t, b.c, b.url+path)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the token of the forms on a page.
func (b *browser) csrf(path string) string {
	b.t.Helper()
	_, body := b.get(path)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("%s has no CSRF token", path)
	}
	return m[1]
}

// post submits a form; the CSRF token is taken from page first unless
// the form has one.
func (b *browser) post(page, path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	if _, ok := form["csrf"]; !ok && page != "" {
		form.Set("csrf", b.csrf(page))
	}
	req, _ := http.NewRequest("POST", b.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(b.t, b.c, req)
}

func (b *browser) login(token string) {
	b.t.Helper()
	resp, body := b.post("/login", "/login", url.Values{"token": {token}, "next": {"/"}})
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("login: status %d: %.300s", resp.StatusCode, body)
	}
}

func TestLoginSessionLogout(t *testing.T) {
	in := newInstance(t)
	b := in.browser(t)
	resp, body := b.post("/login", "/login", url.Values{"token": {"llt_wrong"}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "not known") {
		t.Fatalf("wrong token: status %d", resp.StatusCode)
	}
	b.login(in.tokA)
	var session *http.Cookie
	for _, c := range b.c.Jar.Cookies(mustURL(in.ts.URL)) {
		if c.Name == sessionCookie {
			session = c
		}
	}
	if session == nil {
		t.Fatal("no session cookie")
	}
	// The cookie's attributes are not in the jar: read them from a fresh
	// login's Set-Cookie.
	b2 := in.browser(t)
	tok := b2.csrf("/login")
	req, _ := http.NewRequest("POST", in.ts.URL+"/login", strings.NewReader(url.Values{"token": {in.tokA}, "csrf": {tok}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, _ = do(t, b2.c, req)
	sc := strings.Join(resp.Header.Values("Set-Cookie"), "\n")
	for _, want := range []string{sessionCookie + "=", "HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(sc, want) {
			t.Errorf("Set-Cookie %q lacks %s", sc, want)
		}
	}
	if strings.Contains(sc, "Secure") {
		t.Error("Secure cookie over plain HTTP")
	}
	_, body = b.get("/")
	if !strings.Contains(body, "Coordinator of Sudan Connect") || !strings.Contains(body, "Log out") {
		t.Error("dashboard does not show the member")
	}
	resp, _ = b.post("/", "/logout", url.Values{})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: status %d", resp.StatusCode)
	}
	// The old session id is dead on the server, not only in the browser.
	req, _ = http.NewRequest("GET", in.ts.URL+"/incidents/new", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: session.Value})
	resp, _ = do(t, nil, req)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("after logout the old session still works: status %d", resp.StatusCode)
	}
}

func TestSecureCookieUnderTLS(t *testing.T) {
	in := newInstance(t)
	a, g := testAtlas(t)
	h, err := New(Config{Atlas: a, Graph: g, Services: services(in.db)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewTLSServer(h)
	defer ts.Close()
	resp, err := ts.Client().Get(ts.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if sc := resp.Header.Get("Set-Cookie"); !strings.Contains(sc, "Secure") || !strings.Contains(sc, "HttpOnly") {
		t.Errorf("Set-Cookie under TLS: %q", sc)
	}
}

func TestCSRFRefused(t *testing.T) {
	in := newInstance(t)
	b := in.browser(t)
	b.login(in.tokA)
	form := url.Values{"title": {"Should not exist"}, "kind": {"cable_cut"}, "countries": {"SD"}, "tlp": {"TLP:CLEAR"}}
	for name, tok := range map[string]string{"no token": "", "wrong token": "x" + b.csrf("/incidents/new")} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		if tok != "" {
			f.Set("csrf", tok)
		}
		req, _ := http.NewRequest("POST", in.ts.URL+"/incidents", strings.NewReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, _ := do(t, b.c, req)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", name, resp.StatusCode)
		}
	}
	// A form of another site is refused even with the right token.
	f := url.Values{"csrf": {b.csrf("/incidents/new")}}
	for k, v := range form {
		f[k] = v
	}
	req, _ := http.NewRequest("POST", in.ts.URL+"/incidents", strings.NewReader(f.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, _ := do(t, b.c, req); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site: status %d, want 403", resp.StatusCode)
	}
	// The token of one session is not the token of another.
	other := in.browser(t)
	other.login(in.tokB)
	f.Set("csrf", other.csrf("/incidents/new"))
	req, _ = http.NewRequest("POST", in.ts.URL+"/incidents", strings.NewReader(f.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, _ := do(t, b.c, req); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another session's token: status %d, want 403", resp.StatusCode)
	}
	page, err := in.db.FindIncidents(context.Background(), in.admin, coord.ListFilter{})
	if err != nil || len(page.Items) != 0 {
		t.Errorf("refused forms changed the store: %d incidents, %v", len(page.Items), err)
	}
	// Logging in and uploading a scenario are forms too.
	anon := in.browser(t)
	if resp, _ := anon.post("", "/login", url.Values{"token": {in.tokA}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("login without token: status %d", resp.StatusCode)
	}
}

func TestTLPAmberHiddenFromOtherOrganisation(t *testing.T) {
	in := newInstance(t)
	a := in.browser(t)
	a.login(in.tokA)
	resp, body := a.post("/incidents/new", "/incidents", url.Values{
		"title": {"Khartoum exchange generator sabotaged"}, "kind": {"physical_attack"}, "countries": {"SD"},
		"tlp": {"TLP:AMBER"}, "shape": {"circle"}, "lon": {"32.53"}, "lat": {"15.59"}, "radius_km": {"40"},
	})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("report: status %d: %s", resp.StatusCode, problem(body))
	}
	loc := resp.Header.Get("Location")
	if _, body := a.get(loc); !strings.Contains(body, "Khartoum exchange") || !strings.Contains(body, `class="area"`) {
		t.Fatal("the reporter does not see the incident with its area")
	}
	// The timeline, read by subject from the ledger.
	if _, body := a.get(loc); !regexp.MustCompile(`<ol class="timeline"><li>[^<]*<bdi>[^<]*</bdi>: reported \(TLP:AMBER\)</li></ol>`).MatchString(body) {
		t.Error("the incident page's timeline does not show the report")
	}
	b := in.browser(t)
	b.login(in.tokB)
	if resp, body := b.get(loc); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "Khartoum exchange") {
		t.Errorf("another organisation's member got %d for a TLP:AMBER incident", resp.StatusCode)
	}
	id := strings.TrimPrefix(loc, "/incidents/")
	for _, path := range []string{"/", "/incidents", "/incidents?status=all", "/incidents?country=SD"} {
		if _, body := b.get(path); strings.Contains(body, "Khartoum exchange") || strings.Contains(body, id) {
			t.Errorf("%s shows the TLP:AMBER incident to another organisation", path)
		}
		if _, body := a.get(path); !strings.Contains(body, "Khartoum exchange") {
			t.Errorf("%s hides the incident from its own organisation", path)
		}
	}
	anon := in.browser(t)
	if resp, _ := anon.get(loc); resp.StatusCode != http.StatusNotFound {
		t.Errorf("anonymous visitor got %d", resp.StatusCode)
	}
	// Shared with B by name, B sees it.
	resp, body = a.post("/incidents/new", "/incidents", url.Values{
		"title": {"Port Sudan landing station flooded"}, "kind": {"natural_hazard"}, "countries": {"SD"},
		"tlp": {"TLP:AMBER"}, "share": {in.orgB}, "shape": {"none"},
	})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("report: status %d: %s", resp.StatusCode, problem(body))
	}
	if resp, body := b.get(resp.Header.Get("Location")); resp.StatusCode != 200 || !strings.Contains(body, "Port Sudan") {
		t.Errorf("a named organisation got %d", resp.StatusCode)
	}
}

func TestReportFormErrorsKeepTheInput(t *testing.T) {
	in := newInstance(t)
	a := in.browser(t)
	a.login(in.tokA)
	resp, body := a.post("/incidents/new", "/incidents", url.Values{
		"title": {"Self-crossing area"}, "kind": {"cable_cut"}, "countries": {"SD"},
		"shape": {"polygon"}, "polygon": {"30 10, 32 12, 32 10, 30 12"},
	})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "intersects itself") || !strings.Contains(body, "Self-crossing area") {
		t.Errorf("status %d; want 400 naming the self-intersection, with the title kept: %s", resp.StatusCode, problem(body))
	}
	resp, body = a.post("/incidents/new", "/incidents", url.Values{"title": {"x"}, "kind": {"cable_cut"}, "countries": {"Atlantis"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Atlantis") {
		t.Errorf("unknown country: status %d: %s", resp.StatusCode, problem(body))
	}
	// Anonymous visitors are sent to log in.
	if resp, _ := in.browser(t).get("/incidents/new"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=%2Fincidents%2Fnew" {
		t.Errorf("anonymous report form: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestNeedOfferMatchFlow posts a need and an offer, accepts the proposal,
// moves the match to delivered, and sees the need as matched on the
// dashboard map.
func TestNeedOfferMatchFlow(t *testing.T) {
	in := newInstance(t)
	a := in.browser(t)
	a.login(in.tokA)
	b := in.browser(t)
	b.login(in.tokB)
	resp, body := a.post("/needs/new", "/needs", url.Values{"title": {"Satellite terminals for Khartoum hospitals"}, "category": {"connectivity/satellite-terminal"},
		"quantity": {"10"}, "unit": {"terminals"}, "countries": {"Sudan"}, "urgency": {"Immediate"}, "lead_hours": {"48"}, "tlp": {"TLP:GREEN"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("need: status %d: %s", resp.StatusCode, problem(body))
	}
	needURL := resp.Header.Get("Location")
	resp, body = b.post("/offers/new", "/offers", url.Values{"title": {"Ku-band terminals with six months of service"}, "category": {"connectivity/satellite-terminal"},
		"quantity": {"6"}, "unit": {"terminals"}, "countries": {"SD, SS"}, "lead_hours": {"24"}, "tlp": {"TLP:GREEN"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("offer: status %d: %s", resp.StatusCode, problem(body))
	}
	_, body = a.get(needURL)
	for _, want := range []string{"Ku-band terminals", "Why this score", "same category connectivity/satellite-terminal", "Accept this proposal"} {
		if !strings.Contains(body, want) {
			t.Errorf("need page lacks %q", want)
		}
	}
	if _, body := a.get("/"); !strings.Contains(body, `class="need"`) {
		t.Error("the dashboard does not show the unmet need")
	}
	offerID := regexp.MustCompile(`name="offer_id" value="([^"]+)"`).FindStringSubmatch(body)
	if offerID == nil {
		t.Fatal("no proposal form")
	}
	needID := strings.TrimPrefix(needURL, "/needs/")
	resp, body = a.post(needURL, "/matches", url.Values{"need_id": {needID}, "offer_id": {offerID[1]}, "quantity": {"6"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: status %d: %s", resp.StatusCode, problem(body))
	}
	// The provider commits and dispatches; the requester confirms.
	for _, step := range []struct {
		who    *browser
		status string
	}{{b, "committed"}, {b, "dispatched"}, {a, "delivered"}} {
		_, page := step.who.get(needURL)
		m := regexp.MustCompile(`action="/matches/([^/]+)/status">.{0,200}?name="status" value="` + step.status + `"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no %s button for the right party", step.status)
		}
		resp, body := step.who.post(needURL, "/matches/"+m[1]+"/status", url.Values{"status": {step.status}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: status %d: %s", step.status, resp.StatusCode, problem(body))
		}
	}
	_, body = a.get("/")
	if !regexp.MustCompile(`id="need-` + needID + `" class="matched"`).MatchString(body) {
		t.Error("the dashboard map does not show the need as matched")
	}
	if !strings.Contains(body, "delivered") {
		t.Error("the dashboard does not list the commitment")
	}
	// The wrong party may not take a step: the requester cannot dispatch.
	resp, _ = a.post(needURL, "/matches/nope/status", url.Values{"status": {"released"}})
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown match: status %d", resp.StatusCode)
	}
}

func TestOrgsAndMembers(t *testing.T) {
	in := newInstance(t)
	admin := in.browser(t)
	admin.login(in.adminTok)
	resp, body := admin.post("/orgs/new", "/orgs", url.Values{"name": {"Nile Radio Amateurs"}, "kind": {"civil_society"}, "countries": {"SD"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add org: status %d: %s", resp.StatusCode, problem(body))
	}
	orgURL := resp.Header.Get("Location")
	_, body = admin.get(orgURL)
	if !strings.Contains(body, "Nile Radio Amateurs") || !strings.Contains(body, ">Verify<") {
		t.Fatal("the org page offers no verification to the instance admin")
	}
	// An org admin of a verified organisation endorses it.
	a := in.browser(t)
	a.login(in.tokA)
	if _, body := a.get(orgURL); !strings.Contains(body, "Endorse") || strings.Contains(body, ">Verify<") {
		t.Error("org admin: want Endorse, not Verify")
	}
	if resp, body := a.post(orgURL, orgURL+"/endorse", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("endorse: status %d: %s", resp.StatusCode, problem(body))
	}
	if resp, _ := admin.post(orgURL, orgURL+"/verify", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("verify: status %d", resp.StatusCode)
	}
	if _, body := admin.get(orgURL); !strings.Contains(body, "yes (admin:") {
		t.Error("not verified")
	}
	// Members: the org admin adds a reporter and sees the token once.
	resp, body = a.post("/admin/members", "/admin/members", url.Values{"org": {in.orgA}, "name": {"Field reporter"}, "role": {"reporter"}})
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("add member: status %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	tok := regexp.MustCompile(`id="new-token">([^<]+)<`).FindStringSubmatch(body)
	if tok == nil {
		t.Fatal("no token shown")
	}
	r := in.browser(t)
	r.login(tok[1])
	if _, body := r.get("/"); !strings.Contains(body, "Field reporter") {
		t.Error("the new member cannot log in")
	}
	if _, body := a.get("/admin/members"); !strings.Contains(body, "Field reporter") || strings.Contains(body, tok[1]) {
		t.Error("the member list lacks the new member, or shows the token again")
	}
	// A reporter may not manage members, nor add organisations.
	if resp, _ := r.get("/admin/members"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("reporter on members page: %d", resp.StatusCode)
	}
	if resp, _ := r.post("/", "/orgs", url.Values{"name": {"X"}, "kind": {"other"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("reporter adding an org: %d", resp.StatusCode)
	}
	_, body = a.get("/admin/members")
	row := regexp.MustCompile(`<tr id="member-([a-z0-9_]+)"><td>Field reporter<`).FindStringSubmatch(body)
	if row == nil {
		t.Fatal("no row for the new member")
	}
	memberPath := "/admin/members/" + row[1]
	if resp, _ := r.post("/", memberPath+"/token", url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("reporter issuing a token: %d", resp.StatusCode)
	}
	// The instance admin lists another organisation's members.
	if _, body := admin.get("/admin/members?org=" + in.orgA); !strings.Contains(body, "Field reporter") || !strings.Contains(body, "Revoke tokens") {
		t.Error("the instance admin does not see A's members with their actions")
	}

	// A second token, shown once; then both revoked, after confirmation.
	resp, body = a.post("/admin/members", memberPath+"/token", url.Values{})
	tok2 := regexp.MustCompile(`id="new-token">([^<]+)<`).FindStringSubmatch(body)
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" || tok2 == nil || tok2[1] == tok[1] {
		t.Fatalf("issue a token: status %d, Cache-Control %q, token %v", resp.StatusCode, resp.Header.Get("Cache-Control"), tok2)
	}
	in.browser(t).login(tok2[1])
	if resp, body := a.post("/admin/members", memberPath+"/revoke", url.Values{}); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Nothing was revoked") {
		t.Errorf("revoke without confirmation: status %d: %s", resp.StatusCode, problem(body))
	}
	in.browser(t).login(tok[1])
	if resp, body := a.post("/admin/members", memberPath+"/revoke", url.Values{"confirm": {"yes"}}); resp.StatusCode != 200 || !strings.Contains(body, `id="revoked"`) {
		t.Fatalf("revoke: status %d: %s", resp.StatusCode, problem(body))
	}
	for _, old := range []string{tok[1], tok2[1]} {
		if resp, _ := in.browser(t).post("/login", "/login", url.Values{"token": {old}, "next": {"/"}}); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("a revoked token logs in: status %d", resp.StatusCode)
		}
	}
	// The session opened with a revoked token no longer acts for the member.
	if _, body := r.get("/"); strings.Contains(body, "Field reporter") {
		t.Error("a session of a revoked token still shows the member")
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// problem extracts an error page's message, for test failures.
func problem(body string) string {
	if m := regexp.MustCompile(`class="problem"[^>]*>([^<]*)<`).FindStringSubmatch(body); m != nil {
		return m[1]
	}
	if len(body) > 300 {
		return body[:300]
	}
	return body
}
