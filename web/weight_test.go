package web

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"lifeline/atlas"
	"lifeline/atlas/opencable"
	"lifeline/impact"
	"lifeline/internal/shareddata"
)

var fullData struct {
	once  sync.Once
	atlas *atlas.Atlas
	graph *impact.Graph
	err   error
}

// fullAtlas loads the full open cable map dataset from the shared data
// folder once, or skips when it is absent.
func fullAtlas(t testing.TB) (*atlas.Atlas, *impact.Graph) {
	t.Helper()
	dir := shareddata.Path(t, "cables")
	fullData.once.Do(func() {
		fullData.atlas, fullData.err = opencable.Load(dir)
		if fullData.err == nil {
			fullData.graph, fullData.err = impact.NewGraph(fullData.atlas, impact.Options{})
		}
	})
	if fullData.err != nil {
		t.Fatal(fullData.err)
	}
	return fullData.atlas, fullData.graph
}

// TestPageWeight weighs every page in Chromium on the full cable dataset
// (../shared/data/cables) with the demonstration's data, logged in as a
// member: the bytes received on a first visit with an empty cache and on
// a repeat visit, against the budget of a 64 kbit/s satellite share
// (budgetFirst, budgetRepeat). The figures print with -v; docs/performance.md
// records them.
func TestPageWeight(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the page-weight test in Chromium in -short mode")
	}
	chromium(t)
	a, g := fullAtlas(t)
	srv := startE2EWith(t, a, g)
	browser := newBrowser(t)
	ctx := tab(t, browser)
	login(t, ctx, srv.url, srv.members["Field Relief Network (demo)"])

	// The coordination pages of the demonstration's items, found through
	// the lists that link them.
	first := func(list, selector string) string {
		t.Helper()
		run(t, ctx, "open "+list, chromedp.Navigate(srv.url+list), chromedp.WaitReady(chromedp.CSS("main")))
		return value(t, ctx, "a link on "+list, chromedp.AttributeValue(chromedp.CSS(selector), "href")).Value
	}
	incidentPath := first("/incidents?status=all", `main a[href^="/incidents/"]:not([href="/incidents/new"])`)
	needPath := first("/needs", `main a[href^="/needs/"]:not([href="/needs/new"])`)
	offerPath := first("/needs", `main a[href^="/offers/"]:not([href="/offers/new"])`)
	orgPath := first("/orgs", `main a[href^="/orgs/"]:not([href="/orgs/new"])`)

	pages := []struct{ name, path string }{
		{"dashboard", "/"},
		{"incidents", "/incidents?status=all"},
		{"incident", incidentPath},
		{"report", "/incidents/new"},
		{"board", "/needs"},
		{"need", needPath},
		{"offer", offerPath},
		{"atlas", "/atlas"},
		{"cables", "/atlas/cables"},
		{"cable", "/atlas/cables/2africa"},
		{"cable AAE-1", "/atlas/cables/asia-africa-europe-1-aae-1"},
		{"landing point", "/atlas/landing-points/djibouti-city-djibouti"},
		{"landing point+", "/atlas/landing-points/marseille-france"},
		{"countries", "/atlas/countries"},
		{"country SD", "/atlas/countries/SD"},
		{"country US", "/atlas/countries/US"},
		{"simulator", "/simulate"},
		{"simulation", "/simulate/result?cable=asia-africa-europe-1-aae-1&cable=europe-india-gateway-eig&cable=seacomtata-tgn-eurasia&lon=42.3&lat=14.9&radius_km=60&kind=sabotage"},
		{"simulation zoom", "/simulate/result?cable=asia-africa-europe-1-aae-1&cable=europe-india-gateway-eig&bbox=25,-16,62,32"},
		{"organisations", "/orgs"},
		{"organisation", orgPath},
		{"members", "/admin/members"},
		{"norms", "/norms"},
		{"norm", "/norms/iccpr-19-3"},
	}
	for _, r := range regions[1:] {
		pages = append(pages, struct{ name, path string }{"atlas " + r.Name, "/atlas?bbox=" + r.Query()})
	}
	// The simulator's densest regions, where each landing point is drawn
	// to pick.
	for _, r := range regions {
		switch r.Name {
		case "Mediterranean", "South-East Asia", "North Atlantic":
			pages = append(pages, struct{ name, path string }{"simulator " + r.Name, "/simulate?bbox=" + r.Query()})
		}
	}

	w := newWeigher(t, ctx, srv.url)
	var report strings.Builder
	fmt.Fprintf(&report, "%-34s %9s %9s  %s\n", "page", "first KB", "repeat KB", "path")
	for _, p := range pages {
		target := srv.url + p.path
		first := w.measure(t, ctx, target, true)
		repeat := w.measure(t, ctx, target, false)
		fmt.Fprintf(&report, "%-34s %9.1f %9.1f  %s\n", p.name, first/1024, repeat/1024, p.path)
		if first > budgetFirst {
			t.Errorf("%s (%s): %.1f KB on a first visit, budget %d KB", p.name, p.path, first/1024, budgetFirst>>10)
		}
		if repeat > budgetRepeat {
			t.Errorf("%s (%s): %.1f KB on a repeat visit, budget %d KB", p.name, p.path, repeat/1024, budgetRepeat>>10)
		}
	}
	w.mu.Lock()
	if len(w.foreign) > 0 {
		t.Errorf("requests left the origin: %v", w.foreign)
	}
	w.mu.Unlock()
	fmt.Printf("page weight in Chromium on the full cable dataset (%d cables, %d landing points); budget %d KB first visit, %d KB repeat visit:\n%s",
		len(a.Cables), len(a.LandingPoints), budgetFirst>>10, budgetRepeat>>10, report.String())
}
