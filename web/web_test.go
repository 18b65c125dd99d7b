package web

import (
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"lifeline/atlas"
	"lifeline/atlas/starter"
	"lifeline/impact"
)

var (
	starterOnce  sync.Once
	starterAtlas *atlas.Atlas
	starterGraph *impact.Graph
)

// testAtlas returns the starter atlas and its graph, compiled once for all
// tests.
func testAtlas(t testing.TB) (*atlas.Atlas, *impact.Graph) {
	t.Helper()
	starterOnce.Do(func() {
		a, err := starter.Load()
		if err != nil {
			panic(err)
		}
		g, err := impact.NewGraph(a, impact.Options{})
		if err != nil {
			panic(err)
		}
		starterAtlas, starterGraph = a, g
	})
	return starterAtlas, starterGraph
}

// publicServer starts the web interface without coordination services.
func publicServer(t testing.TB) *httptest.Server {
	t.Helper()
	a, g := testAtlas(t)
	h, err := New(Config{Atlas: a, Graph: g, Now: func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}

// get fetches a URL without following redirects, and returns the response
// and its body, decompressed.
func get(t testing.TB, c *http.Client, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return do(t, c, req)
}

func do(t testing.TB, c *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	if c == nil {
		c = noRedirect(nil)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatalf("%s: bad gzip: %v", req.URL, err)
		}
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func noRedirect(jar http.CookieJar) *http.Client {
	return &http.Client{Jar: jar, Transport: &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func TestPublicPages(t *testing.T) {
	ts := publicServer(t)
	for _, tc := range []struct {
		path   string
		status int
		want   []string
	}{
		{"/atlas", 200, []string{"<svg", `class="cable`, "/atlas/cables/", "Zoom to"}},
		{"/atlas?bbox=25,-16,62,32", 200, []string{"<svg", "SEACOM"}},
		{"/atlas?bbox=nonsense", 400, []string{"bbox"}},
		{"/atlas?bbox=10,0,5,20", 400, []string{"west must be less than east"}},
		{"/atlas/cables", 200, []string{"cable systems", "<table"}},
		{"/atlas/cables/seacom", 200, []string{"SEACOM", "Simulate losing this cable", "Landing points"}},
		{"/atlas/cables/no-such-cable", 404, []string{"no such page"}},
		{"/atlas/landing-points/djibouti-djibouti", 200, []string{"Djibouti", "Cables landing here"}},
		{"/atlas/countries", 200, []string{"Country resilience", "/atlas/countries/TO"}},
		{"/atlas/countries/TO", 200, []string{"Tonga", "Resilience score", "Single points of failure", "simulate its loss"}},
		{"/atlas/countries/XX", 404, nil},
		{"/atlas/search?q=tonga", 303, nil},
		{"/atlas/search?q=seacom", 303, nil},
		{"/atlas/search?q=zzzzqqq", 404, []string{"Nothing matches"}},
		{"/simulate", 200, []string{`data-pick="sim"`, `name="cable"`, `name="lp"`, `name="radius_km"`, `enctype="multipart/form-data"`, `name="csrf"`}},
		{"/simulate/result?cable=seacom&cable=aae-1&cable=eig", 200, []string{"Impact", "Capacity lost", `class="cable failed"`, "Loss per region", "of circuits lost"}},
		{"/simulate/result?shutdown=ZA", 200, []string{"Lesotho", "cut off"}},
		{"/simulate/result?shutdown=KE", 200, []string{"Is what remains enough?", "8,042 Gbit/s (2023)", "<strong>short</strong>"}},
		{"/simulate/result?lon=42.3&lat=14.9&radius_km=80&kind=conflict", 200, []string{`class="area"`, "Conflict within 80 km"}},
		{"/simulate/result", 400, []string{"choose at least one"}},
		{"/simulate/result?cable=nope", 404, nil},
		{"/nope", 404, nil},
		{"/", 303, nil},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, body := get(t, nil, ts.URL+tc.path, "Accept-Encoding", "gzip")
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d; body: %.300s", resp.StatusCode, tc.status, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q", w)
				}
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
				t.Errorf("CSP %q", csp)
			}
			if tc.status == 200 && resp.Header.Get("Content-Encoding") != "gzip" {
				t.Error("page not gzipped")
			}
		})
	}
}

func TestETagRevalidation(t *testing.T) {
	ts := publicServer(t)
	resp, body := get(t, nil, ts.URL+"/atlas/countries/TO")
	etag := resp.Header.Get("ETag")
	if etag == "" || resp.Header.Get("Cache-Control") != "private, no-cache" {
		t.Fatalf("ETag %q, Cache-Control %q", etag, resp.Header.Get("Cache-Control"))
	}
	// The CSRF cookie is part of the page (the upload form needs it):
	// send it back, as a browser does, to get the same page.
	var cookie string
	for _, c := range resp.Cookies() {
		cookie += c.Name + "=" + c.Value + "; "
	}
	resp2, body2 := get(t, nil, ts.URL+"/atlas/countries/TO", "If-None-Match", etag, "Cookie", cookie)
	if resp2.StatusCode != http.StatusNotModified || body2 != "" {
		t.Errorf("revalidation: status %d with %d bytes, want 304 and nothing", resp2.StatusCode, len(body2))
	}
	resp3, _ := get(t, nil, ts.URL+"/atlas/countries/TO", "If-None-Match", `W/"other"`, "Cookie", cookie)
	if resp3.StatusCode != 200 || len(body) == 0 {
		t.Errorf("a stale ETag got %d", resp3.StatusCode)
	}
}

func TestAssetsHashedAndImmutable(t *testing.T) {
	ts := publicServer(t)
	_, page := get(t, nil, ts.URL+"/simulate")
	refs := regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(refs) < 3 {
		t.Fatalf("page references %d assets, want the style sheet, the icon and the script", len(refs))
	}
	for _, ref := range refs {
		if !regexp.MustCompile(`^/static/[a-z]+\.[0-9a-f]{12}\.(css|js|svg)$`).MatchString(ref[1]) {
			t.Errorf("asset %s has no content hash in its name", ref[1])
		}
		resp, body := get(t, nil, ts.URL+ref[1], "Accept-Encoding", "gzip")
		if resp.StatusCode != 200 || len(body) == 0 {
			t.Errorf("%s: status %d", ref[1], resp.StatusCode)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control %q", ref[1], cc)
		}
	}
	// An old or made-up name is not served: the name is the content.
	if resp, _ := get(t, nil, ts.URL+"/static/style.000000000000.css"); resp.StatusCode != 404 {
		t.Errorf("unknown asset: status %d", resp.StatusCode)
	}
	if resp, _ := get(t, nil, ts.URL+"/static/style.css"); resp.StatusCode != 404 {
		t.Errorf("unhashed name: status %d", resp.StatusCode)
	}
}

// TestNoExternalURL checks that no template or asset refers to another
// origin. The SVG namespace is a name, never fetched.
func TestNoExternalURL(t *testing.T) {
	ns := "http://www.w3.org/2000/svg"
	url := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	for _, fsys := range []fs.FS{templateFS, staticFS} {
		err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			text := strings.ReplaceAll(string(b), ns, "")
			if m := url.FindString(text); m != "" {
				t.Errorf("%s refers to %s", p, m)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
