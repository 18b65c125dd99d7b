package web

import (
	"context"
	"lifeline/internal/testdb"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"lifeline/coord"
)

// TestCoverageInChromium: organisation A needs four generators and shares
// the need with B and C; B's offer covers it under a commitment only A and
// B may see, committed and dispatched. C's coordinator, in Chromium, sees
// on the need's page, on the dashboard (map and lists) and in the
// situation report that the need is covered — four committed, four
// dispatched — and nowhere the name of B, its offer or the commitment.
func TestCoverageInChromium(t *testing.T) {
	chromium(t)
	ctx := context.Background()
	db, _, admin := testdb.Admin(t, "Lifeline", "Admin")
	org := func(name string) (string, coord.Viewer, string) {
		o := &coord.Org{Name: name, Kind: coord.OrgHumanitarian, Countries: []string{"SD"}, Verified: true}
		if err := db.CreateOrg(ctx, admin, o); err != nil {
			t.Fatal(err)
		}
		tok, err := db.CreateMember(ctx, admin, &coord.Member{OrgID: o.ID, Name: "Coordinator of " + name, Role: coord.RoleCoordinator})
		if err != nil {
			t.Fatal(err)
		}
		v, err := db.Authenticate(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		return o.ID, v, tok
	}
	orgA, a, _ := org("Sudan Connect")
	orgB, b, _ := org("Quiet Provider Relief")
	orgC, _, tokC := org("Third Agency")
	need := &coord.Need{Resource: coord.Resource{Title: "Generators for the Port Sudan landing station", Category: "power/generator",
		Quantity: 4, Unit: "generators", Countries: []string{"SD"}, Place: &coord.Place{Name: "Port Sudan", Lon: 37.22, Lat: 19.62}}}
	need.Marking = coord.Marking{TLP: coord.TLPAmber, Orgs: []string{orgB, orgC}}
	if err := db.CreateNeed(ctx, a, need); err != nil {
		t.Fatal(err)
	}
	offer := &coord.Offer{Resource: coord.Resource{Title: "Hidden gensets from the quiet provider", Category: "power/generator",
		Quantity: 4, Unit: "generators", Countries: []string{"SD"}}}
	offer.Marking = coord.Marking{TLP: coord.TLPAmber, Orgs: []string{orgA}}
	if err := db.CreateOffer(ctx, b, offer); err != nil {
		t.Fatal(err)
	}
	m, err := db.CreateMatch(ctx, b, coord.MatchCreate{NeedID: need.ID, OfferID: offer.ID, Quantity: 4})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []coord.MatchStatus{coord.MatchCommitted, coord.MatchDispatched} {
		if _, err := db.UpdateMatch(ctx, b, m.ID, coord.MatchUpdate{Status: st}); err != nil {
			t.Fatal(err)
		}
	}
	atl, g := testAtlas(t)
	h, err := New(Config{Atlas: atl, Graph: g, Services: services(db)})
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
	base := "http://" + ln.Addr().String()

	browser := newBrowser(t)
	c := tab(t, browser)
	login(t, c, base, tokC)
	hidden := []string{"Quiet Provider", "Hidden gensets", offer.ID, m.ID, orgB}
	// noneOf fails the test if the page, markup included, names what C
	// may not see.
	noneOf := func(where string) {
		t.Helper()
		html := eval[string](t, c, `document.documentElement.outerHTML`)
		for _, h := range hidden {
			if strings.Contains(html, h) {
				t.Errorf("%s names %q, which the third organisation may not see", where, h)
			}
		}
	}

	run(t, c, "open the need", chromedp.Navigate(base+"/needs/"+need.ID+"?lang=en"), chromedp.WaitVisible(chromedp.CSS("h1")))
	if text := value(t, c, "the need's page", chromedp.Text(chromedp.CSS("main"))); !strings.Contains(text, "4 committed · 4 dispatched · 0 delivered") {
		t.Errorf("the need's page does not show its coverage to the third organisation:\n%s", text)
	}
	noneOf("the need's page")

	run(t, c, "open the dashboard", chromedp.Navigate(base+"/?lang=en"), chromedp.WaitVisible(chromedp.CSS("svg.map")))
	if cls := eval[string](t, c, `(document.getElementById("need-`+need.ID+`") || {className: {baseVal: "absent"}}).className.baseVal`); cls != "matched" {
		t.Errorf("the covered need is drawn with class %q on the dashboard map, want matched", cls)
	}
	if unmet := value(t, c, "unmet needs", chromedp.Text(chromedp.CSS("#unmet + *"))); strings.Contains(unmet, "Generators for the Port Sudan") {
		t.Errorf("the dashboard lists the covered need as unmet: %q", unmet)
	}
	noneOf("the dashboard")

	run(t, c, "open the situation report", chromedp.Navigate(base+"/sitrep?lang=en"), chromedp.WaitReady(chromedp.CSS("footer")))
	row := eval[[]string](t, c, `[...document.getElementById("`+need.ID+`").cells].map(c => c.textContent.trim())`)
	if len(row) != 6 || !strings.HasPrefix(row[1], "4") || row[2] != "4" || row[3] != "4" || row[4] != "0" || row[5] != "Not shared with you" {
		t.Errorf("the report's row of the need is %q; want 4 needed, 4 committed, 4 dispatched, 0 delivered, not shared with you", row)
	}
	if mark := value(t, c, "marking", chromedp.Text(chromedp.CSS("header"))); mark != "TLP:AMBER" {
		t.Errorf("the report holding a TLP:AMBER need is marked %q", mark)
	}
	noneOf("the situation report")
}
