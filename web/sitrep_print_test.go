package web

import (
	"bytes"
	"compress/zlib"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

var (
	pdfObject  = regexp.MustCompile(`(?s)(\d+) 0 obj(.*?)endobj`)
	pdfStream  = regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`)
	pdfPage    = regexp.MustCompile(`/Type\s*/Page[^s]`) // a page, not the /Pages tree
	pdfRef     = regexp.MustCompile(`/(ToUnicode|Contents) (\d+) 0 R`)
	pdfBfChar  = regexp.MustCompile(`(?s)beginbfchar(.*?)endbfchar`)
	pdfBfRange = regexp.MustCompile(`(?s)beginbfrange(.*?)endbfrange`)
	pdfHex     = regexp.MustCompile(`<([0-9A-Fa-f]+)>`)
)

// pdfPageTexts reads the text of each page of a PDF as Chromium (Skia)
// writes it: Flate-compressed content streams that show two-byte glyph
// ids, mapped to text by the fonts' ToUnicode maps. It is enough to find
// a word on a page, not a PDF reader; the glyph maps of all fonts are
// merged, which may garble text in several fonts, never invent a word.
func pdfPageTexts(t *testing.T, pdf []byte) []string {
	t.Helper()
	objs := map[string][]byte{}
	var pages []string
	for _, m := range pdfObject.FindAllSubmatch(pdf, -1) {
		objs[string(m[1])] = m[2]
		if pdfPage.Match(m[2]) {
			pages = append(pages, string(m[1]))
		}
	}
	stream := func(id string) []byte {
		m := pdfStream.FindSubmatch(objs[id])
		if m == nil {
			return nil
		}
		if !bytes.Contains(objs[id], []byte("FlateDecode")) {
			return m[1]
		}
		r, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			return nil
		}
		b, _ := io.ReadAll(r)
		return b
	}
	hex := func(s []byte) []rune {
		var out []rune
		for i := 0; i+4 <= len(s); i += 4 {
			n, _ := strconv.ParseUint(string(s[i:i+4]), 16, 16)
			out = append(out, rune(n))
		}
		return out
	}
	glyphs := map[rune]rune{}
	for _, body := range objs {
		for _, ref := range pdfRef.FindAllSubmatch(body, -1) {
			if string(ref[1]) != "ToUnicode" {
				continue
			}
			cmap := stream(string(ref[2]))
			for _, blk := range pdfBfChar.FindAllSubmatch(cmap, -1) {
				h := pdfHex.FindAllSubmatch(blk[1], -1)
				for i := 0; i+1 < len(h); i += 2 {
					if g, u := hex(h[i][1]), hex(h[i+1][1]); len(g) == 1 && len(u) >= 1 {
						glyphs[g[0]] = u[0]
					}
				}
			}
			for _, blk := range pdfBfRange.FindAllSubmatch(cmap, -1) {
				h := pdfHex.FindAllSubmatch(blk[1], -1)
				for i := 0; i+2 < len(h); i += 3 {
					lo, hi, u := hex(h[i][1]), hex(h[i+1][1]), hex(h[i+2][1])
					if len(lo) == 1 && len(hi) == 1 && len(u) >= 1 {
						for g := lo[0]; g <= hi[0]; g++ {
							glyphs[g] = u[0] + g - lo[0]
						}
					}
				}
			}
		}
	}
	if len(glyphs) == 0 {
		t.Fatal("the PDF has no ToUnicode map: its text cannot be read")
	}
	var texts []string
	for _, id := range pages {
		var text []rune
		for _, ref := range pdfRef.FindAllSubmatch(objs[id], -1) {
			if string(ref[1]) != "Contents" {
				continue
			}
			for _, h := range pdfHex.FindAllSubmatch(stream(string(ref[2])), -1) {
				for _, g := range hex(h[1]) {
					text = append(text, glyphs[g])
				}
			}
		}
		texts = append(texts, string(text))
	}
	return texts
}

// TestSitrepPrints opens the demonstration's situation report in
// Chromium, as a member, on the full cable dataset, in English and in
// Arabic: the inline style applies under the report's own CSP, nothing is
// fetched, and printed to PDF on A4 and on Letter it takes a sane number
// of pages, each carrying the marking at its top and its bottom, with
// nothing wider than the printable width and no table row split across
// pages. It writes the PDFs and a screenshot of each to
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
			texts := pdfPageTexts(t, pdf.Data)
			pages := len(texts)
			t.Logf("%s: %d pages, %d bytes of PDF", name, pages, len(pdf.Data))
			if pages < 1 || pages > 8 {
				t.Errorf("%s: %d pages, want 1 to 8 for the demonstration", name, pages)
			}
			mark := eval[string](t, ctx, `document.querySelector("header").textContent.trim()`)
			for i, text := range texts {
				if n := strings.Count(text, mark); n < 2 {
					t.Errorf("%s: page %d carries the marking %s %d times, want it at its top and its bottom", name, i+1, mark, n)
				}
			}
			if err := os.WriteFile(filepath.Join(shots, "sitrep-"+lang+"-"+p.name+".pdf"), pdf.Data, 0o644); err != nil {
				t.Error(err)
			}
		}
		run(t, ctx, "screen width", chromedp.EmulateViewport(820, 1000))
	}
}
