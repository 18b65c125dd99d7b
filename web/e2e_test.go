package web

import (
	"context"
	"encoding/json"
	"fmt"
	"lifeline/internal/testdb"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"lifeline/atlas"
	"lifeline/coord"
	"lifeline/demo"
	"lifeline/impact"
	"lifeline/web/i18n"
	"lifeline/web/internal/axe"
)

// Page weight budget, measured in Chromium as the bytes received for the
// page and everything it loads (DevTools' encodedDataLength, headers
// included): a first visit with an empty cache, and a repeat visit.
const (
	budgetFirst  = 60 << 10
	budgetRepeat = 10 << 10
)

// chromium returns the browser to drive: $LIFELINE_CHROMIUM, or Debian's
// chromium. The end-to-end tests skip without one.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("LIFELINE_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skip("no Chromium: install Debian's chromium (apt-get install chromium) or set LIFELINE_CHROMIUM to run the end-to-end tests")
	return ""
}

// e2eServer is a real server on 127.0.0.1:0 over a SQLite store in a
// temporary directory, seeded with the demonstration.
type e2eServer struct {
	url     string
	members map[string]string // organisation name → token of its demo member
}

func startE2E(t *testing.T) *e2eServer {
	t.Helper()
	a, g := testAtlas(t)
	return startE2EWith(t, a, g)
}

// startE2EWith is startE2E on the given atlas and its graph.
func startE2EWith(t *testing.T, a *atlas.Atlas, g *impact.Graph) *e2eServer {
	t.Helper()
	ctx := context.Background()
	db, inst, admin := testdb.Admin(t, "Lifeline", "Admin")
	res, err := demo.Seed(ctx, db.Services(), admin, g)
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{Atlas: a, Graph: g, Services: services(db), Federation: &Federation{Service: db, Position: db.Position, Origins: db}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	s := &e2eServer{url: "http://" + ln.Addr().String(), members: map[string]string{"admin": inst.Token}}
	for _, m := range res.Members {
		s.members[m.Org] = m.Token
	}
	return s
}

// newBrowser starts headless Chromium with an empty profile.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// tab opens a new browser context (its own cookies and cache) in the
// browser, with a time limit.
func tab(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// Generous: the checks of every page in six languages run axe-core
	// over a hundred times, on a machine that may be busy.
	ctx, cancel2 := context.WithTimeout(ctx, 20*time.Minute)
	t.Cleanup(cancel2)
	return ctx
}

// run runs the steps in order, failing the test at the first error.
func run(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// value runs an action that returns a value.
func value[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// eval evaluates JavaScript in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	return value(t, ctx, "evaluate "+truncate(expr, 60), chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

// login logs in through the form, with the keyboard only: Tab from the
// top of the page to the token field, type, Enter.
func login(t *testing.T, ctx context.Context, base, token string) {
	t.Helper()
	run(t, ctx, "open the login page", chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.ID("token")))
	var focused string
	for range 20 {
		run(t, ctx, "tab", chromedp.KeyEvent("\t"))
		if focused = eval[string](t, ctx, `document.activeElement.id || document.activeElement.tagName`); focused == "token" {
			break
		}
	}
	if focused != "token" {
		t.Fatalf("Tab never reached the token field (last focus %q)", focused)
	}
	run(t, ctx, "log in", chromedp.KeyEvent(token+"\r"))
	waitLeave(t, ctx, "/login")
	if path := eval[string](t, ctx, `location.pathname`); path != "/" {
		t.Fatalf("after login at %s, want /", path)
	}
}

// TestEndToEnd drives the web interface in Chromium: a member reports an
// incident with an area drawn on the map, posts a need and an offer,
// accepts the proposal and commits it, and sees it on the dashboard map;
// a member of another organisation does not see the TLP:AMBER incident;
// an organisation's admin issues a member a token and revokes its tokens,
// after which the old token no longer logs in. Then every page is
// weighed, checked with axe-core, at 1280 and 360 px, and photographed.
func TestEndToEnd(t *testing.T) {
	chromium(t)
	srv := startE2E(t)
	browser := newBrowser(t)
	ctx := tab(t, browser)
	login(t, ctx, srv.url, srv.members["Field Relief Network (demo)"])

	// Report an incident; the area is a circle whose centre is a click on
	// the map (app.js fills in the coordinates).
	run(t, ctx, "open the report form", chromedp.Navigate(srv.url+"/incidents/new"), chromedp.WaitVisible(chromedp.ID("title")))
	run(t, ctx, "fill the report",
		chromedp.SendKeys(chromedp.ID("title"), "Khartoum data centre without cooling"),
		chromedp.SetValue(chromedp.ID("kind"), "power_outage"),
		chromedp.SendKeys(chromedp.ID("countries"), "SD"))
	// Where Khartoum is on the screen, once the form is filled (typing
	// scrolls the page).
	xy := eval[[]float64](t, ctx, `(function(){
		const svg = document.querySelector("svg[data-pick]"), g = svg.getAttribute("data-geo").split(" ").map(Number);
		svg.scrollIntoView({block: "center"});
		const r = svg.getBoundingClientRect(), k = r.width / svg.viewBox.baseVal.width;
		return [r.left + (32.53 - g[0]) * g[2] * k, r.top + (g[1] - 15.59) * g[3] * k];
	})()`)
	run(t, ctx, "click Khartoum", chromedp.MouseClickXY(xy[0], xy[1]))
	lon := value(t, ctx, "lon", chromedp.Value(chromedp.ID("lon")))
	lat := value(t, ctx, "lat", chromedp.Value(chromedp.ID("lat")))
	if !near(lon, 32.53, 0.6) || !near(lat, 15.59, 0.6) {
		t.Fatalf("a click on Khartoum set the centre to %q, %q", lon, lat)
	}
	run(t, ctx, "submit the report",
		chromedp.SetValue(chromedp.ID("radius_km"), "35"),
		chromedp.SetValue(chromedp.ID("tlp"), string(coord.TLPAmber)),
		chromedp.Submit(chromedp.ID("title")),
		chromedp.WaitVisible(chromedp.ID("restoration")))
	incidentPath := eval[string](t, ctx, `location.pathname`)
	if !strings.HasPrefix(incidentPath, "/incidents/") || incidentPath == "/incidents/new" {
		t.Fatalf("after reporting at %s", incidentPath)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("svg .area").length`); n != 1 {
		t.Errorf("the incident page draws %d areas, want 1", n)
	}

	// A need and an offer; the proposal is accepted, then committed.
	postResource(t, ctx, srv.url+"/needs/new", "Solar kits for the Khartoum data centre", "power/solar-kit", "3", "kits", "SD")
	needPath := eval[string](t, ctx, `location.pathname`)
	postResource(t, ctx, srv.url+"/offers/new", "Portable solar kits", "power/solar-kit", "5", "kits", "SD, SS")
	run(t, ctx, "accept the proposal", chromedp.Navigate(srv.url+needPath), chromedp.WaitVisible(chromedp.ID("proposals")),
		chromedp.Click(`//button[text()="Accept this proposal"]`),
		chromedp.WaitVisible(`//button[text()="Commit"]`),
		chromedp.Click(`//button[text()="Commit"]`),
		chromedp.WaitVisible(`//button[text()="Dispatch"]`))
	needID := strings.TrimPrefix(needPath, "/needs/")
	run(t, ctx, "open the dashboard", chromedp.Navigate(srv.url+"/"), chromedp.WaitVisible(chromedp.CSS("svg.map")))
	if class := eval[string](t, ctx, `(document.getElementById("need-`+needID+`") || {className: {baseVal: "absent"}}).className.baseVal`); class != "matched" {
		t.Errorf("the need is drawn with class %q on the dashboard map, want matched", class)
	}
	if dash := value(t, ctx, "dashboard text", chromedp.Text(chromedp.CSS("main"))); !strings.Contains(dash, "Khartoum data centre without cooling") {
		t.Error("the dashboard does not list the new incident")
	}

	// Another organisation does not see the TLP:AMBER incident.
	other := tab(t, browser)
	login(t, other, srv.url, srv.members["Open Access Watch (demo)"])
	run(t, other, "open the incident", chromedp.Navigate(srv.url+incidentPath))
	if h1 := value(t, other, "heading", chromedp.Text(chromedp.CSS("h1"))); h1 != "Not found" {
		t.Errorf("another organisation's member sees %q for a TLP:AMBER incident", h1)
	}
	for _, p := range []string{"/", "/incidents?status=all"} {
		run(t, other, "list", chromedp.Navigate(srv.url+p))
		if body := value(t, other, "text", chromedp.Text(chromedp.CSS("main"))); strings.Contains(body, "without cooling") {
			t.Errorf("%s shows the TLP:AMBER incident to another organisation", p)
		}
	}

	// The organisation's admin adds a member, gives it a second token,
	// then revokes them all: the first token no longer logs in.
	run(t, ctx, "add a member", chromedp.Navigate(srv.url+"/admin/members"), chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), "Night shift"), chromedp.Submit(chromedp.ID("name")),
		chromedp.WaitVisible(chromedp.ID("new-token")))
	first := value(t, ctx, "the new member's token", chromedp.Text(chromedp.ID("new-token")))
	memberID := eval[string](t, ctx, `[...document.querySelectorAll("tr[id^='member-']")].find(r => r.cells[0].textContent === "Night shift").id.slice(7)`)
	run(t, ctx, "issue a second token", chromedp.Click(`//button[@aria-label="Issue a new token for Night shift"]`),
		chromedp.WaitVisible(`//p[contains(., "A new token for Night shift")]`))
	if second := value(t, ctx, "the second token", chromedp.Text(chromedp.ID("new-token"))); second == first || !strings.HasPrefix(second, "llt_") {
		t.Errorf("the second token %q is not a new one", second)
	}
	night := tab(t, browser)
	login(t, night, srv.url, first)
	run(t, ctx, "revoke the tokens", chromedp.Navigate(srv.url+"/admin/members"), chromedp.WaitVisible(chromedp.ID("confirm-"+memberID)),
		chromedp.Click(chromedp.ID("confirm-"+memberID)),
		chromedp.Click(`//button[@aria-label="Revoke tokens of Night shift"]`),
		chromedp.WaitVisible(chromedp.ID("revoked")))
	loginRefused(t, tab(t, browser), srv.url, first)
	run(t, night, "reload as the revoked member", chromedp.Navigate(srv.url+"/"), chromedp.WaitReady(chromedp.CSS("main")))
	if header := value(t, night, "header", chromedp.Text(chromedp.CSS("header"))); strings.Contains(header, "Night shift") {
		t.Error("a session opened with a revoked token still acts for the member")
	}

	checkFederation(t, browser, srv)
	checkPages(t, ctx, srv.url, incidentPath, needPath)
}

// loginRefused types a token on the login page and expects to be refused.
func loginRefused(t *testing.T, ctx context.Context, base, token string) {
	t.Helper()
	run(t, ctx, "log in with a revoked token", chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), token), chromedp.Submit(chromedp.ID("token")),
		chromedp.WaitVisible(chromedp.CSS(".problem")))
	if path := eval[string](t, ctx, `location.pathname`); path != "/login" {
		t.Errorf("a revoked token logged in: at %s", path)
	}
}

// waitLeave waits until the page at path has given way to another, fully
// loaded; evaluation fails while the navigation is under way.
func waitLeave(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`location.pathname !== "`+path+`" && document.readyState === "complete"`))
		if err == nil && done {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("still at %s", path)
}

func near(s string, want, tol float64) bool {
	var x float64
	_, err := fmt.Sscan(s, &x)
	return err == nil && x > want-tol && x < want+tol
}

func postResource(t *testing.T, ctx context.Context, form, title, category, qty, unit, countries string) {
	t.Helper()
	run(t, ctx, "post "+title, chromedp.Navigate(form), chromedp.WaitVisible(chromedp.ID("title")),
		chromedp.SendKeys(chromedp.ID("title"), title),
		chromedp.SendKeys(chromedp.ID("category"), category),
		chromedp.SetValue(chromedp.ID("quantity"), qty),
		chromedp.SendKeys(chromedp.ID("unit"), unit),
		chromedp.SendKeys(chromedp.ID("countries"), countries),
		chromedp.SetValue(chromedp.ID("tlp"), string(coord.TLPGreen)),
		chromedp.Submit(chromedp.ID("title")),
		chromedp.WaitVisible(chromedp.ID("commitments")))
}

// weigher counts the bytes the browser receives, and the requests that
// would leave the server's origin.
type weigher struct {
	mu       sync.Mutex
	origin   string
	started  map[network.RequestID]bool
	done     map[network.RequestID]bool
	bytes    float64
	foreign  []string
	statuses map[string]int64
}

func newWeigher(t *testing.T, ctx context.Context, origin string) *weigher {
	w := &weigher{origin: origin}
	w.reset()
	err := chromedp.Listen(ctx, func(ev any) {
		w.mu.Lock()
		defer w.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			if u, err := url.Parse(ev.Request.URL); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Scheme+"://"+u.Host != w.origin {
				w.foreign = append(w.foreign, ev.Request.URL)
			}
			if strings.HasPrefix(ev.Request.URL, "http") {
				w.started[ev.RequestID] = true
			}
		case *network.EventResponseReceived:
			w.statuses[ev.Response.URL] = ev.Response.Status
		case *network.EventLoadingFinished:
			if w.started[ev.RequestID] {
				w.bytes += ev.EncodedDataLength
				w.done[ev.RequestID] = true
			}
		case *network.EventLoadingFailed:
			w.done[ev.RequestID] = true
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *weigher) reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.started, w.done, w.bytes, w.statuses = map[network.RequestID]bool{}, map[network.RequestID]bool{}, 0, map[string]int64{}
}

// settled reports whether every request started has finished.
func (w *weigher) settled() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for id := range w.started {
		if !w.done[id] {
			return false
		}
	}
	return true
}

// measure loads target, after emptying the cache for a first visit, and
// returns the bytes received.
func (w *weigher) measure(t *testing.T, ctx context.Context, target string, firstVisit bool) float64 {
	t.Helper()
	run(t, ctx, "blank", chromedp.Navigate("about:blank"))
	if firstVisit {
		run(t, ctx, "clear the cache", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, network.ClearBrowserCache, cdp.Empty{})
			return err
		}))
	}
	w.reset()
	run(t, ctx, "load "+target, chromedp.Navigate(target), chromedp.WaitReady(chromedp.CSS("body")))
	// Wait for the last responses to be counted (not a timing check: the
	// loop ends as soon as every request has finished).
	deadline := time.Now().Add(10 * time.Second)
	for !w.settled() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if st := w.statuses[target]; st >= 400 {
		t.Errorf("%s: status %d", target, st)
	}
	return w.bytes
}

type axeResult struct {
	Passes     int `json:"passes"`
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target []any `json:"target"`
		} `json:"nodes"`
	} `json:"violations"`
}

// checkPages weighs, checks and photographs every page.
func checkPages(t *testing.T, ctx context.Context, base, incidentPath, needPath string) {
	shots := os.Getenv("LIFELINE_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "board", chromedp.Navigate(base+"/needs"))
	offerPath := value(t, ctx, "an offer", chromedp.AttributeValue(chromedp.CSS(`main a[href^="/offers/"]:not([href="/offers/new"])`), "href")).Value
	run(t, ctx, "directory", chromedp.Navigate(base+"/orgs"))
	orgPath := value(t, ctx, "an organisation", chromedp.AttributeValue(chromedp.CSS(`main a[href^="/orgs/"]:not([href="/orgs/new"])`), "href")).Value
	pages := []struct{ name, path string }{
		{"dashboard", "/"},
		{"incidents", "/incidents?status=all"},
		{"incident", incidentPath},
		{"report", "/incidents/new"},
		{"board", "/needs"},
		{"need", needPath},
		{"offer", offerPath},
		{"atlas", "/atlas"},
		{"atlas-region", "/atlas?bbox=25,-16,62,32"},
		{"cable", "/atlas/cables/seacom"},
		{"landing-point", "/atlas/landing-points/djibouti-djibouti"},
		{"cables", "/atlas/cables"},
		{"countries", "/atlas/countries"},
		{"country", "/atlas/countries/SD"},
		{"simulator", "/simulate"},
		{"simulation", "/simulate/result?cable=seacom&cable=aae-1&cable=eig&lon=42.3&lat=14.9&radius_km=60&kind=sabotage"},
		{"organisations", "/orgs"},
		{"organisation", orgPath},
		{"members", "/admin/members"},
		{"norms", "/norms"},
		{"norms-search", "/norms?q=shutdown&kind=treaty"},
		{"norm", "/norms/iccpr-19-3"},
	}
	w := newWeigher(t, ctx, base)
	var report strings.Builder
	fmt.Fprintf(&report, "%-15s %10s %10s %10s  %s\n", "page", "first KB", "repeat KB", "axe rules", "path")
	for _, p := range pages {
		target := base + p.path
		run(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
		first := w.measure(t, ctx, target, true)
		repeat := w.measure(t, ctx, target, false)
		if first > budgetFirst {
			t.Errorf("%s: %.1f KB on first load, budget %d KB", p.name, first/1024, budgetFirst>>10)
		}
		if repeat > budgetRepeat {
			t.Errorf("%s: %.1f KB on a repeat visit, budget %d KB", p.name, repeat/1024, budgetRepeat>>10)
		}
		// Accessibility, with the vendored axe-core.
		eval[bool](t, ctx, axe.Source+";true")
		res := eval[axeResult](t, ctx, `axe.run(document, {resultTypes: ["violations"]}).then(r => ({passes: r.passes.length, violations: r.violations}))`)
		if res.Passes == 0 {
			t.Errorf("%s: axe-core checked nothing", p.name)
		}
		fmt.Fprintf(&report, "%-15s %10.1f %10.1f %5d, %2d  %s\n", p.name, first/1024, repeat/1024, res.Passes, len(res.Violations), p.path)
		for _, v := range res.Violations {
			if v.Impact == "serious" || v.Impact == "critical" {
				targets, _ := json.Marshal(v.Nodes[:min(3, len(v.Nodes))])
				t.Errorf("%s: axe %s (%s): %s at %s", p.name, v.ID, v.Impact, v.Help, targets)
			}
		}
		writeShot(t, shots, p.name+"-1280.png", value(t, ctx, "screenshot", chromedp.FullScreenshot(100)))
		// At 360 px the page must not scroll sideways: wide tables scroll
		// inside their own box.
		run(t, ctx, "narrow", chromedp.EmulateViewport(360, 740), chromedp.Navigate(target), chromedp.WaitReady(chromedp.CSS("body")))
		if wide := eval[float64](t, ctx, `document.documentElement.scrollWidth`); wide > 362 {
			t.Errorf("%s: %v px wide at a 360 px viewport", p.name, wide)
		}
		writeShot(t, shots, p.name+"-360.png", value(t, ctx, "screenshot", chromedp.FullScreenshot(100)))
	}
	checkLanguages(t, ctx, base, pages, shots)
	w.mu.Lock()
	if len(w.foreign) > 0 {
		t.Errorf("requests left the origin: %v", w.foreign)
	}
	w.mu.Unlock()
	fmt.Printf("page weight in Chromium (budget %d KB first load, %d KB repeat visit); axe-core %s rules passed, violations of any impact:\n%s",
		budgetFirst>>10, budgetRepeat>>10, axe.Version, report.String())
	t.Logf("screenshots in %s", shots)
}

// checkLanguages renders every page in each of the six languages: the
// language and direction on <html>, no catalogue key or formatting fault
// in the page, axe-core with no serious or critical violation, and no
// sideways scroll at 360 px. The dashboard is photographed in every
// language, and every page in Arabic at 360 px.
func checkLanguages(t *testing.T, ctx context.Context, base string, pages []struct{ name, path string }, shots string) {
	var report strings.Builder
	for _, l := range i18n.Langs {
		for _, p := range pages {
			sep := "?"
			if strings.Contains(p.path, "?") {
				sep = "&"
			}
			target := base + p.path + sep + "lang=" + l.Code
			run(t, ctx, "wide", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(target), chromedp.WaitReady(chromedp.CSS("body")))
			lang := eval[string](t, ctx, `document.documentElement.lang + " " + document.documentElement.dir`)
			if want := l.Code + " " + l.Dir(); lang != want {
				t.Errorf("%s %s: <html> says %q, want %q", l.Code, p.name, lang, want)
			}
			if fault := keyOrFault(eval[string](t, ctx, `document.documentElement.outerHTML`)); fault != "" {
				t.Errorf("%s %s: %q shows", l.Code, p.name, fault)
			}
			if p.name == "dashboard" {
				writeShot(t, shots, "lang-"+l.Code+"-"+p.name+"-1280.png", value(t, ctx, "screenshot", chromedp.FullScreenshot(100)))
			}
			if l.Code == i18n.English.Code {
				continue // checkPages has checked English with axe-core and at 360 px
			}
			eval[bool](t, ctx, axe.Source+";true")
			res := eval[axeResult](t, ctx, `axe.run(document, {resultTypes: ["violations"]}).then(r => ({passes: r.passes.length, violations: r.violations}))`)
			serious := 0
			for _, v := range res.Violations {
				if v.Impact == "serious" || v.Impact == "critical" {
					serious++
					targets, _ := json.Marshal(v.Nodes[:min(3, len(v.Nodes))])
					t.Errorf("%s %s: axe %s (%s): %s at %s", l.Code, p.name, v.ID, v.Impact, v.Help, targets)
				}
			}
			run(t, ctx, "narrow", chromedp.EmulateViewport(360, 740), chromedp.Navigate(target), chromedp.WaitReady(chromedp.CSS("body")))
			wide := eval[float64](t, ctx, `document.documentElement.scrollWidth`)
			if wide > 362 {
				t.Errorf("%s %s: %v px wide at a 360 px viewport", l.Code, p.name, wide)
			}
			if p.name == "dashboard" || l.RTL {
				writeShot(t, shots, "lang-"+l.Code+"-"+p.name+"-360.png", value(t, ctx, "screenshot", chromedp.FullScreenshot(100)))
			}
			fmt.Fprintf(&report, "%-3s %-15s %5.0f px %4d axe rules, %d serious\n", l.Code, p.name, wide, res.Passes, serious)
		}
	}
	fmt.Printf("every page in every language (width at a 360 px viewport, axe-core):\n%s", report.String())
}

func writeShot(t *testing.T, dir, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Error(err)
	}
}
