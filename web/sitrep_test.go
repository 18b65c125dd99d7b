package web

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"lifeline/coord"
	"lifeline/demo"
	"lifeline/sitrep"
	"lifeline/store"
	"lifeline/store/sqlite"
	"lifeline/web/i18n"
)

// demoStore is a SQLite store seeded with the demonstration on the given
// graph, and the tokens of its members by organisation.
func demoStore(t testing.TB, full bool) (*store.DB, map[string]string) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "lifeline.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	inst, err := db.Init(ctx, "Lifeline", "Admin", 0)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := db.Authenticate(ctx, inst.Token)
	if err != nil {
		t.Fatal(err)
	}
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
				if strings.Count(page, `@top-center{content:"`) != 1 || strings.Count(page, `@bottom-center{content:"`) != 1 {
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

var _ = rand.New
