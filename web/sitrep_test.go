package web

import (
	"bytes"
	"context"
	"fmt"
	"lifeline/internal/testdb"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"lifeline/coord"
	"lifeline/demo"
	"lifeline/sitrep"
	"lifeline/store"
	"lifeline/web/i18n"
)

// demoStore is a SQLite store seeded with the demonstration on the given
// graph, and the tokens of its members by organisation.
func demoStore(t testing.TB, full bool) (*store.DB, map[string]string) {
	t.Helper()
	ctx := context.Background()
	db, inst, admin := testdb.Admin(t, "Lifeline", "Admin")
	_, g := testAtlas(t)
	if full {
		_, g = fullAtlas(t)
	}
	res, err := demo.Seed(ctx, db.Services(), admin, g)
	if err != nil {
		t.Fatal(err)
	}
	tokens := map[string]string{"admin": inst.Token}
	for _, m := range res.Members {
		tokens[m.Org] = m.Token
	}
	return db, tokens
}

// externalRef finds what would make a browser fetch something: a URL of
// another host, a script, a stylesheet or image by reference.
var externalRef = regexp.MustCompile(`(?i)<script|<link\b|<img\b|<iframe|@import|url\(|(?:src|href)\s*=\s*"[^#]|https?://[^"' ]*`)

// TestSitrepOnFullDataset writes the demonstration's situation report on
// the full cable dataset, as a member and as anyone, in every language:
// at most 200 KB, the marking in the header and the footer, the page's
// language and direction, no key or formatting fault, nothing fetched
// from anywhere.
func TestSitrepOnFullDataset(t *testing.T) {
	a, g := fullAtlas(t)
	db, tokens := demoStore(t, true)
	ctx := context.Background()
	member, err := db.Authenticate(ctx, tokens["Field Relief Network (demo)"])
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []coord.Viewer{member, {}} {
		for _, country := range []string{"", "SD"} {
			rep, err := sitrep.Build(ctx, db.Services(), v, sitrep.Options{Country: country, Now: time.Now(), Estimate: SitrepEstimate(g)})
			if err != nil {
				t.Fatal(err)
			}
			if !v.Anonymous() && country == "" && (len(rep.Incidents) == 0 || len(rep.Needs) == 0) {
				t.Fatalf("the demonstration's report for a member lists %d incidents and %d needs", len(rep.Incidents), len(rep.Needs))
			}
			estimated := 0
			for _, in := range rep.Incidents {
				if len(in.Loss) > 0 {
					estimated++
				}
			}
			if country == "" && estimated == 0 {
				t.Errorf("%s report: no incident has an estimate of what it breaks (the Red Sea cut should)", reader(v))
			}
			for _, l := range i18n.Langs {
				var buf bytes.Buffer
				if err := WriteSitrep(&buf, rep, SitrepOptions{Lang: l.Code, Instance: "Lifeline", Atlas: a}); err != nil {
					t.Fatal(err)
				}
				page := buf.String()
				name := fmt.Sprintf("%s report of %q in %s", reader(v), country, l.Code)
				if buf.Len() > MaxSitrepBytes {
					t.Errorf("%s: %d bytes, over %d", name, buf.Len(), MaxSitrepBytes)
				}
				if l.Code == "en" && country == "" {
					t.Logf("%s: %d bytes", name, buf.Len())
				}
				if !strings.Contains(page, `<html lang="`+l.Code+`" dir="`+l.Dir()+`">`) {
					t.Errorf("%s: no <html lang dir> for the language", name)
				}
				mark := `<span class="` + tlpClass(rep.TLP) + `">` + string(rep.TLP) + `</span>`
				header, footer := strings.Index(page, "<header"), strings.LastIndex(page, "<footer")
				if header < 0 || footer < 0 || !strings.HasPrefix(page[header:], `<header class="mark">`+mark) ||
					!strings.HasPrefix(page[footer:], `<footer class="mark">`+mark) {
					t.Errorf("%s: the marking %s is not in the header and the footer", name, rep.TLP)
				}
				if strings.Count(page, `@top-center{content:"`+string(rep.TLP)+`"`) != 1 || strings.Count(page, `@bottom-center{content:"`+string(rep.TLP)+`"`) != 1 {
					t.Errorf("%s: the printed pages do not carry the marking in their margins", name)
				}
				for _, bad := range []string{"%!", "sitrep.", "<no value>"} {
					if strings.Contains(page, bad) {
						t.Errorf("%s: holds %q", name, bad)
					}
				}
				for _, m := range externalRef.FindAllString(page, -1) {
					if m != "http://www.w3.org/2000/svg" {
						t.Errorf("%s: refers to %q; the file must need nothing from anywhere", name, m)
					}
				}
			}
		}
	}
}

func reader(v coord.Viewer) string {
	if v.Anonymous() {
		return "anyone's"
	}
	return "a member's"
}

// TestSitrepMarkingIsTheMostRestrictive: a report holding a TLP:AMBER need
// is TLP:AMBER, one holding only TLP:CLEAR items TLP:CLEAR, and one
// holding a TLP:RED alert TLP:RED.
func TestSitrepMarkingIsTheMostRestrictive(t *testing.T) {
	in := newInstance(t)
	ctx := context.Background()
	a, _ := in.db.Authenticate(ctx, in.tokA)
	inc := &coord.Incident{Title: "Port Sudan landing station flooded", Kind: coord.KindNaturalHazard, Countries: []string{"SD"}}
	inc.TLP = coord.TLPClear
	if err := in.db.CreateIncident(ctx, a, inc); err != nil {
		t.Fatal(err)
	}
	build := func(alerts ...sitrep.Alert) *sitrep.Report {
		t.Helper()
		rep, err := sitrep.Build(ctx, in.db.Services(), a, sitrep.Options{Now: time.Now(), Alerts: alerts})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	if rep := build(); rep.TLP != coord.TLPClear {
		t.Errorf("a report of one TLP:CLEAR incident is %s", rep.TLP)
	}
	need := &coord.Need{Resource: coord.Resource{Title: "Pumps", Category: "power", Quantity: 2, Unit: "pumps", Countries: []string{"SD"}}}
	need.Marking = coord.Marking{TLP: coord.TLPAmber}
	if err := in.db.CreateNeed(ctx, a, need); err != nil {
		t.Fatal(err)
	}
	if rep := build(); rep.TLP != coord.TLPAmber {
		t.Errorf("a report holding a TLP:AMBER need is %s", rep.TLP)
	}
	red := sitrep.Alert{Title: "BGP withdrawals from AS15706", Countries: []string{"SD"}, At: time.Now().Add(-time.Hour), Source: "detector",
		Marking: coord.Marking{TLP: coord.TLPRed, Org: in.orgA, Author: a.MemberID}}
	if rep := build(red); rep.TLP != coord.TLPRed || len(rep.Alerts) != 2 {
		t.Errorf("a report holding a TLP:RED alert is %s with %d alerts", rep.TLP, len(rep.Alerts))
	}
	b, _ := in.db.Authenticate(ctx, in.tokB)
	rep, err := sitrep.Build(ctx, in.db.Services(), b, sitrep.Options{Now: time.Now(), Alerts: []sitrep.Alert{red}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.TLP != coord.TLPClear || len(rep.Alerts) != 1 || len(rep.Needs) != 0 {
		t.Errorf("another organisation's report is %s with %d alerts and %d needs; want TLP:CLEAR, the one report, no need",
			rep.TLP, len(rep.Alerts), len(rep.Needs))
	}
}

// TestSitrepShowsOnlyWhatItsReaderMaySee draws random incidents, needs,
// offers, commitments at every step and alerts, under random markings, by
// members of four organisations (one unverified), and writes every
// member's report and anyone's: the report holds an item only if
// coord.CanSee lets the reader see it, names a committing organisation
// only where the reader may see the commitment, shows each need's
// coverage counted over every commitment, and is marked at least as
// narrowly as every item it holds.
func TestSitrepShowsOnlyWhatItsReaderMaySee(t *testing.T) {
	ctx := context.Background()
	db, _, admin := testdb.Admin(t, "Lifeline", "Admin")
	var members []coord.Viewer
	var orgIDs []string
	orgName := map[string]string{}
	for i, name := range []string{"Alpha Telecom", "Bravo Relief", "Charlie Agency", "Delta Unverified"} {
		o := &coord.Org{Name: name, Kind: coord.OrgOperator, Countries: []string{"SD"}, Verified: i < 3}
		if err := db.CreateOrg(ctx, admin, o); err != nil {
			t.Fatal(err)
		}
		orgIDs = append(orgIDs, o.ID)
		orgName[o.ID] = name
		for j := range 2 - i/2 {
			tok, err := db.CreateMember(ctx, admin, &coord.Member{OrgID: o.ID, Name: fmt.Sprintf("%s %d", name, j), Role: coord.RoleCoordinator})
			if err != nil {
				t.Fatal(err)
			}
			v, err := db.Authenticate(ctx, tok)
			if err != nil {
				t.Fatal(err)
			}
			members = append(members, v)
		}
	}
	rng := rand.New(rand.NewPCG(15, 4))
	marking := func() coord.Marking {
		m := coord.Marking{TLP: coord.TLPs[rng.IntN(len(coord.TLPs))]}
		for _, o := range orgIDs {
			if (m.TLP == coord.TLPAmber || m.TLP == coord.TLPAmberStrict) && rng.IntN(3) == 0 {
				m.Orgs = append(m.Orgs, o)
			}
		}
		for _, v := range members {
			if m.TLP != coord.TLPClear && m.TLP != coord.TLPGreen && rng.IntN(4) == 0 {
				m.Members = append(m.Members, v.MemberID)
			}
		}
		return m
	}
	by := func() coord.Viewer { return members[rng.IntN(len(members))] }
	// Every item carries a unique word in its title, found in a report
	// only if the item is.
	type item struct {
		word    string
		marking coord.Marking
	}
	var items []item
	var needs []*coord.Need
	var offers []*coord.Offer
	for i := range 14 {
		in := &coord.Incident{Title: fmt.Sprintf("Incident zq%02dx", i), Kind: coord.KindCableCut, Countries: []string{"SD"}}
		in.Marking = marking()
		if err := db.CreateIncident(ctx, by(), in); err == nil {
			items = append(items, item{fmt.Sprintf("zq%02dx", i), in.Marking})
		}
		n := &coord.Need{Resource: coord.Resource{Title: fmt.Sprintf("Need zn%02dx", i), Category: "power/generator", Quantity: 1 + rng.Int64N(9),
			Unit: "units", Countries: []string{"SD"}}}
		n.Marking = marking()
		if err := db.CreateNeed(ctx, by(), n); err == nil {
			items = append(items, item{fmt.Sprintf("zn%02dx", i), n.Marking})
			needs = append(needs, n)
		}
		o := &coord.Offer{Resource: coord.Resource{Title: fmt.Sprintf("Offer zo%02dx", i), Category: "power/generator", Quantity: 20,
			Unit: "units", Countries: []string{"SD"}}}
		o.Marking = marking()
		if err := db.CreateOffer(ctx, by(), o); err == nil {
			offers = append(offers, o)
		}
	}
	// Commitments: a member who sees both a need and an offer matches
	// them, and the parties move the match on; each match is kept as its
	// last mover read it, which is its state (no viewer, the instance's
	// included, may read every match back).
	var matches []*coord.Match
	steps := []coord.MatchStatus{coord.MatchCommitted, coord.MatchDispatched, coord.MatchDelivered}
	for range 60 {
		n, o, v := needs[rng.IntN(len(needs))], offers[rng.IntN(len(offers))], by()
		m, err := db.CreateMatch(ctx, v, coord.MatchCreate{NeedID: n.ID, OfferID: o.ID, Quantity: 1})
		if err != nil {
			continue
		}
		for _, st := range steps[:rng.IntN(len(steps)+1)] {
			for _, u := range members {
				if nm, err := db.UpdateMatch(ctx, u, m.ID, coord.MatchUpdate{Status: st}); err == nil {
					m = nm
					break
				}
			}
		}
		matches = append(matches, m)
	}
	if len(matches) < 5 {
		t.Fatalf("only %d matches were made; the test would prove little", len(matches))
	}
	var alerts []sitrep.Alert
	for i := range 6 {
		v := by()
		m := marking()
		m.Org, m.Author = v.OrgID, v.MemberID
		alerts = append(alerts, sitrep.Alert{Title: fmt.Sprintf("Alert za%02dx", i), Countries: []string{"SD"}, At: time.Now().Add(-time.Hour),
			Source: "detector", Marking: m})
		items = append(items, item{fmt.Sprintf("za%02dx", i), m})
	}
	seen, named, unnamed := 0, 0, 0
	for _, v := range append(members, coord.Viewer{}) {
		rep, err := sitrep.Build(ctx, db.Services(), v, sitrep.Options{Now: time.Now(), Alerts: alerts})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WriteSitrep(&buf, rep, SitrepOptions{Lang: "en"}); err != nil {
			t.Fatal(err)
		}
		page := buf.String()
		for _, it := range items {
			may := coord.CanSee(v, it.marking)
			if !may && strings.Contains(page, it.word) {
				t.Errorf("%s's report holds %s, marked %+v, which it may not see", v.MemberID, it.word, it.marking)
			}
			if may {
				seen++
				if rep.TLP.Wider(it.marking.TLP) && strings.Contains(page, it.word) {
					t.Errorf("%s's report is %s and holds %s, marked %s", v.MemberID, rep.TLP, it.word, it.marking.TLP)
				}
			}
		}
		for _, n := range rep.Needs {
			var covered int64
			for _, m := range matches {
				if m.NeedID == n.ID && m.Active() && m.Status != coord.MatchProposed {
					covered += m.Quantity
				}
			}
			if n.Covered != covered {
				t.Errorf("%s's report shows %d of need %s covered, want %d from every commitment", v.MemberID, n.Covered, n.ID, covered)
			}
			visible := map[string]bool{}
			for _, m := range matches {
				if m.NeedID == n.ID && coord.CanSee(v, m.Marking) {
					visible[m.OfferOrg] = true
				}
			}
			if n.Covered > 0 && len(n.By) == 0 {
				unnamed++
			}
			for _, c := range n.By {
				named++
				if !visible[c.Org] {
					t.Errorf("%s's report names %s as committed to need %s through a commitment it may not see", v.MemberID, c.Org, n.ID)
				}
			}
		}
	}
	if seen == 0 || named == 0 || unnamed == 0 {
		t.Fatalf("%d items seen, %d commitments named, %d covered needs shown without who covered them: the draw proves too little", seen, named, unnamed)
	}
}

// TestSitrepPage: /sitrep answers the report in the page's language with
// a Content-Security-Policy that allows its inline style by hash and
// nothing else, and refuses a parameter it does not take.
func TestSitrepPage(t *testing.T) {
	in := newInstance(t)
	br := in.browser(t)
	br.login(in.tokA)
	resp, page := br.get("/sitrep?country=SD&lang=fr")
	if resp.StatusCode != 200 || !strings.Contains(page, `<html lang="fr" dir="ltr">`) || resp.Header.Get("Content-Language") != "fr" {
		t.Fatalf("GET /sitrep = %d, Content-Language %q:\n%.300s", resp.StatusCode, resp.Header.Get("Content-Language"), page)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.HasPrefix(csp, "default-src 'none'; img-src data:; style-src "+styleHashes([]byte(page))+";") || !strings.Contains(csp, "'sha256-") {
		t.Errorf("the report's CSP is %q", csp)
	}
	if resp, _ := br.get("/sitrep?colour=red"); resp.StatusCode != 400 {
		t.Errorf("GET /sitrep?colour=red = %d, want 400", resp.StatusCode)
	}
	if resp, _ := br.get("/sitrep?country=Narnia"); resp.StatusCode != 400 {
		t.Errorf("GET /sitrep?country=Narnia = %d, want 400", resp.StatusCode)
	}
}
