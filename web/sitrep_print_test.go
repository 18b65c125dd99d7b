package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// pdfPage finds a page object of a PDF (not the /Pages tree).
var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// TestSitrepPrints opens the demonstration's situation report in
// Chromium, as a member, on the full cable dataset, in English and in
// Arabic: the inline style applies under the report's own CSP, nothing is
// fetched, and printed to PDF on A4 and on Letter it takes a sane number
// of pages, with nothing wider than the printable width and no table row
// split across pages. It writes the PDFs and a screenshot of each to
// $LIFELINE_SCREENSHOTS.
func TestSitrepPrints(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the report's print test in Chromium in -short mode")
	}
	chromium(t)
	a, g := fullAtlas(t)
	srv := startE2EWith(t, a, g)
	browser := newBrowser(t)
	ctx := tab(t, browser)
	login(t, ctx, srv.url, srv.members["Field Relief Network (demo)"])
	shots := os.Getenv("LIFELINE_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	papers := []struct {
		name          string
		width, height float64 // inches
	}{{"a4", 8.27, 11.69}, {"letter", 8.5, 11}}
	for _, lang := range []string{"en", "ar"} {
		run(t, ctx, "open the report", chromedp.EmulateViewport(820, 1000), chromedp.Navigate(srv.url+"/sitrep?lang="+lang),
			chromedp.WaitReady(chromedp.CSS("footer")))
		if dir := eval[string](t, ctx, `document.documentElement.dir`); dir != map[string]string{"en": "ltr", "ar": "rtl"}[lang] {
			t.Errorf("%s: dir=%q", lang, dir)
		}
		if bg := eval[string](t, ctx, `getComputedStyle(document.querySelector("header .tlp")).backgroundColor`); bg != "rgb(0, 0, 0)" {
			t.Errorf("%s: the marking's style does not apply (background %q): the CSP refused the inline style sheet", lang, bg)
		}
		if n := eval[int](t, ctx, `performance.getEntriesByType("resource").length`); n != 0 {
			t.Errorf("%s: the report fetched %d resources; it must need none", lang, n)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll("#needs tbody tr, #incidents tbody tr").length`); n < 3 {
			t.Errorf("%s: the report lists %d incidents and needs; the demonstration has more", lang, n)
		}
		writeShot(t, shots, "sitrep-"+lang+".png", value(t, ctx, "screenshot", chromedp.FullScreenshot(100)))
		for _, p := range papers {
			name := lang + " on " + p.name
			// The printable width at 96 px an inch, less the report's
			// margins (12 mm each side).
			width := int64((p.width - 2*12/25.4) * 96)
			if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
				t.Fatal(err)
			}
			run(t, ctx, "print width", chromedp.EmulateViewport(width, 1000))
			over := eval[[]string](t, ctx, `(function(){
				const w = document.documentElement.clientWidth, out = [];
				if (document.documentElement.scrollWidth > w + 1) out.push("the page is " + document.documentElement.scrollWidth + " px wide");
				for (const e of document.querySelectorAll("table, svg, h1, p, dl")) {
					const r = e.getBoundingClientRect();
					if (r.left < -1 || r.right > w + 1) out.push(e.tagName + " from " + Math.round(r.left) + " to " + Math.round(r.right));
				}
				for (const tr of document.querySelectorAll("tr")) {
					if (getComputedStyle(tr).breakInside !== "avoid") { out.push("a table row may split across pages"); break; }
				}
				return out;
			})()`)
			if len(over) > 0 {
				t.Errorf("%s: wider than the printable %d px: %s", name, width, strings.Join(over, "; "))
			}
			if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
				t.Fatal(err)
			}
			yes := true
			pdf, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: p.width, PaperHeight: p.height, PrintBackground: &yes})
			if err != nil {
				t.Fatalf("%s: print to PDF: %v", name, err)
			}
			pages := len(pdfPage.FindAll(pdf.Data, -1))
			t.Logf("%s: %d pages, %d bytes of PDF", name, pages, len(pdf.Data))
			if pages < 1 || pages > 8 {
				t.Errorf("%s: %d pages, want 1 to 8 for the demonstration", name, pages)
			}
			if err := os.WriteFile(filepath.Join(shots, "sitrep-"+lang+"-"+p.name+".pdf"), pdf.Data, 0o644); err != nil {
				t.Error(err)
			}
		}
		run(t, ctx, "screen width", chromedp.EmulateViewport(820, 1000))
	}
}
