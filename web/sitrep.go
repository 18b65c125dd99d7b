package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"lifeline"
	"lifeline/atlas"
	"lifeline/coord"
	"lifeline/geo"
	"lifeline/impact"
	"lifeline/sitrep"
	"lifeline/web/i18n"
	"lifeline/web/svgmap"
)

// SitrepOptions say how a situation report is written.
type SitrepOptions struct {
	// Lang is the language's code (ar, zh, en, fr, ru, es); empty or
	// unknown: English.
	Lang string
	// Instance is the name of the instance, shown under the title.
	Instance string
	// Atlas, when not nil, names the elements of the atlas in the
	// language and draws the cables the incidents cut on the map.
	Atlas *atlas.Atlas
}

// MaxSitrepBytes is the most a situation report may weigh: it must go by
// mail over a satellite link, and fit on a USB stick next to anything.
const MaxSitrepBytes = 200 << 10

// WriteSitrep writes rep as one self-contained HTML file: inline style
// sheet and SVG map, no script, no request to anywhere, marked with the
// report's TLP in its header and footer on screen and on every printed
// page (A4 or Letter). It renders what rep holds and decides no
// visibility: sitrep.Build gathered it as its reader may see it.
func WriteSitrep(w io.Writer, rep *sitrep.Report, opt SitrepOptions) error {
	l, ok := i18n.ByCode(opt.Lang)
	if !ok {
		l = i18n.English
	}
	t, err := sitrepTemplate(l)
	if err != nil {
		return err
	}
	p := l.Printer()
	v := sitrepView{Report: rep, Lang: l, Instance: opt.Instance, Map: sitrepMap(p, rep, opt.Atlas)}
	v.Unmet = slices.IndexFunc(rep.Needs, func(n sitrep.Need) bool { return n.Met() })
	if v.Unmet < 0 {
		v.Unmet = len(rep.Needs)
	}
	for _, r := range rep.Repairs {
		if r.Status == coord.RepairRestored {
			v.Restored++
		}
	}
	name := func(e sitrep.Element) string { return elementName(p, opt.Atlas, e) }
	v.Name = name
	return t.Execute(w, v)
}

// sitrepView is what templates/sitrep/sitrep.html receives.
type sitrepView struct {
	*sitrep.Report
	Lang     i18n.Lang
	Instance string
	Map      string
	Unmet    int // needs not wholly covered (they come first)
	Restored int // elements restored
	Name     func(sitrep.Element) string
}

var (
	sitrepOnce  sync.Once
	sitrepTmpls map[string]*template.Template
	sitrepErr   error
)

// sitrepTemplate returns the report's template in language l, parsed once
// for every language.
func sitrepTemplate(l i18n.Lang) (*template.Template, error) {
	sitrepOnce.Do(func() {
		sitrepTmpls = map[string]*template.Template{}
		for _, l := range i18n.Langs {
			t, err := template.New("sitrep.html").Funcs(sitrepFuncs(l.Printer())).ParseFS(templateFS, "templates/sitrep/sitrep.html")
			if err != nil {
				sitrepErr = lifeline.Errorf(lifeline.EINTERNAL, "web.sitrep", "parse the report's template: %v", err)
				return
			}
			sitrepTmpls[l.Code] = t
		}
	})
	return sitrepTmpls[l.Code], sitrepErr
}

// sitrepFuncs are the template functions the report uses, printing in p's
// language: the pages' own, without what links to the server.
func sitrepFuncs(p *i18n.Printer) template.FuncMap {
	return template.FuncMap{
		"t":        p.T,
		"enum":     func(prefix string, v any) string { return enumName(p, prefix, v) },
		"when":     func(t any) string { return when(p, t) },
		"num":      func(x any) string { return num(p, x) },
		"pct":      p.Pct,
		"tlpClass": tlpClass,
		"pageRule": pageRule,
		"country":  func(code string) string { return countryName(p, code) },
		"countries": func(codes []string) string {
			names := make([]string, len(codes))
			for i, c := range codes {
				names[i] = countryName(p, c)
			}
			return strings.Join(names, p.T("list.sep"))
		},
		"svg": func(s string) template.HTML { return template.HTML(s) }, // drawn by svgmap, which escapes every text
		"asn": func(n uint32) string { return "AS" + p.Digits(int(n), 1) },
	}
}

// pageRule is the report's @page rule: margins, and the marking in the
// top and bottom margin boxes of every printed page in its TLP 2.0 colour
// on black, with the page number. It is written here, not in the
// template, because html/template reads "TLP:AMBER" in a CSS string as a
// URL of an unknown scheme and blanks it; only the five levels are ever
// written, so the rule holds nothing from outside.
func pageRule(t coord.TLP) template.CSS {
	colour := map[coord.TLP]string{coord.TLPClear: "#fff", coord.TLPGreen: "#33ff00", coord.TLPAmber: "#ffc000",
		coord.TLPAmberStrict: "#ffc000", coord.TLPRed: "#ff2b2b"}[t]
	if colour == "" {
		t, colour = coord.TLPRed, "#ff2b2b" // an unknown level is read as the narrowest
	}
	box := `{content:"` + string(t) + `";font:700 10pt sans-serif;color:` + colour + `;background:#000;padding:0 3mm}`
	return template.CSS(`@page{margin:16mm 12mm;@top-center` + box + `@bottom-center` + box +
		`@bottom-right{content:counter(page) " / " counter(pages);font:9pt sans-serif}}`)
}

// elementName names an element in the language from the atlas, else as
// the report names it.
func elementName(p *i18n.Printer, a *atlas.Atlas, e sitrep.Element) string {
	kind, ref, _ := strings.Cut(e.ID, ":")
	if a != nil {
		switch kind {
		case "cable":
			if c, ok := a.Cable(ref); ok {
				return p.T("element.named", p.T("element.cable"), c.Name)
			}
		case "landing_point", "lp":
			if lp, ok := a.LandingPoint(ref); ok {
				return p.T("element.named", p.T("element.landing_point"), lp.Name)
			}
		}
	}
	if kind == "country" {
		if _, ok := geo.Lookup(ref); ok {
			return countryName(p, ref)
		}
	}
	return e.Name
}

// sitrepMap draws the report's map: the countries of the open incidents
// shaded, their areas, the cables they cut, and the needs as dots, green
// once wholly committed. Nothing on it links anywhere: the file travels
// without the server.
func sitrepMap(p *i18n.Printer, rep *sitrep.Report, a *atlas.Atlas) string {
	var pts []geo.Point
	affected := map[string]bool{}
	for _, c := range rep.Countries {
		affected[c] = true
		if co, ok := geo.Lookup(c); ok {
			pts = append(pts, co.Centroid)
		}
	}
	for _, in := range rep.Incidents {
		pts = append(pts, areaPoints(in.Area)...)
	}
	for _, n := range rep.Needs {
		if pt, ok := sitrepNeedPoint(n); ok {
			pts = append(pts, pt)
		}
	}
	if rep.Country != "" {
		if co, ok := geo.Lookup(rep.Country); ok {
			pts = append(pts, co.Centroid)
		}
	}
	box := svgmap.World
	if len(pts) > 0 {
		box = viewAround(pts)
	}
	rq := &request{printer: p}
	m := svgmap.New(box, mapWidth, rq.t("sitrep.map"))
	m.Countries(func(code, name string) svgmap.Style {
		if affected[code] {
			return svgmap.Style{Class: "affected", Title: name}
		}
		return svgmap.Style{}
	})
	if a != nil {
		var cut []*atlas.Cable
		for _, in := range rep.Incidents {
			for _, e := range in.Elements {
				if kind, ref, _ := strings.Cut(e.ID, ":"); kind == "cable" {
					if c, ok := a.Cable(ref); ok && !slices.Contains(cut, c) {
						cut = append(cut, c)
					}
				}
			}
		}
		for _, c := range cut {
			m.Lines(cableRoute(a, c), svgmap.Style{Class: "cable failed", Title: c.Name})
		}
	}
	for _, in := range rep.Incidents {
		for _, poly := range areaRings(in.Area) {
			m.Polygon(poly, svgmap.Style{Class: "area", Title: in.Title})
		}
	}
	for _, n := range rep.Needs {
		pt, ok := sitrepNeedPoint(n)
		if !ok {
			continue
		}
		cls := "need"
		if n.Met() {
			cls = "matched"
		}
		m.Point(pt, 5, svgmap.Style{Class: cls, Title: n.Title})
	}
	return m.String()
}

func sitrepNeedPoint(n sitrep.Need) (geo.Point, bool) {
	if n.Place != nil {
		return geo.Point{Lon: n.Place.Lon, Lat: n.Place.Lat}, true
	}
	for _, c := range n.Countries {
		if co, ok := geo.Lookup(c); ok {
			return co.Centroid, true
		}
	}
	return geo.Point{}, false
}

// SitrepEstimate returns the estimate of what an incident breaks that
// sitrep.Build takes: the incident's cables and landing points cut, or its
// country shut down, run through the impact engine on g once, without
// chance. An incident with nothing the engine models gets no estimate. An
// estimate is remembered for the incident's version on g: a report asked
// for again runs no simulation.
func SitrepEstimate(g *impact.Graph) func(ctx context.Context, in *coord.Incident) ([]sitrep.Loss, error) {
	return func(ctx context.Context, in *coord.Incident) ([]sitrep.Loss, error) {
		key := fmt.Sprintf("%p %s@%d", g, in.ID, in.Version)
		estimates.Lock()
		loss, ok := estimates.m[key]
		estimates.Unlock()
		if ok {
			return loss, nil
		}
		loss, err := estimate(ctx, g, in)
		if err != nil {
			return nil, err
		}
		estimates.Lock()
		defer estimates.Unlock()
		if estimates.m == nil || len(estimates.m) >= 4096 {
			estimates.m = map[string][]sitrep.Loss{}
		}
		estimates.m[key] = loss
		return loss, nil
	}
}

// estimate runs the impact engine once on what an incident breaks.
func estimate(ctx context.Context, g *impact.Graph, in *coord.Incident) ([]sitrep.Loss, error) {
	var ev impact.Event
	for _, e := range in.Elements {
		switch kind, ref, _ := strings.Cut(e, ":"); kind {
		case "cable":
			ev.CutCables = append(ev.CutCables, ref)
		case "landing_point", "lp":
			ev.LandingPoints = append(ev.LandingPoints, ref)
		}
	}
	sc := &impact.Scenario{Name: "incident " + in.ID}
	if len(ev.CutCables) > 0 || len(ev.LandingPoints) > 0 {
		sc.Events = append(sc.Events, ev)
	}
	if in.Kind == coord.KindShutdown && in.Shutdown != nil && in.Shutdown.GeoScope == "national" && len(in.Countries) == 1 {
		sc.Events = append(sc.Events, impact.Event{Shutdown: &impact.Shutdown{Country: in.Countries[0]}})
	}
	if len(sc.Events) == 0 {
		return nil, nil
	}
	res, err := g.Simulate(ctx, sc, impact.RunOptions{Samples: 1, FlowSamples: 1, Seed: 1, Workers: 1})
	if err != nil {
		return nil, err
	}
	var out []sitrep.Loss
	for _, c := range res.Countries {
		if c.ReachableBefore && (c.CapacityLoss >= 0.005 || !c.Reachable) {
			out = append(out, sitrep.Loss{Country: c.Country, Capacity: c.CapacityLoss, CutOff: !c.Reachable})
		}
	}
	slices.SortStableFunc(out, func(a, b sitrep.Loss) int {
		if a.CutOff != b.CutOff {
			if a.CutOff {
				return -1
			}
			return 1
		}
		switch {
		case a.Capacity > b.Capacity:
			return -1
		case a.Capacity < b.Capacity:
			return 1
		}
		return strings.Compare(a.Country, b.Country)
	})
	if len(out) > 8 {
		out = out[:8]
	}
	return out, nil
}

// sitrepPage answers GET /sitrep[?country=XX]: the situation report as
// the viewer may see it, as a file to save, print or mail. Its style is
// inline, allowed by its hash in the page's own Content-Security-Policy,
// which allows nothing else.
func (s *server) sitrepPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	for k := range q {
		if k != "country" && k != "lang" {
			return lifeline.Errorf(lifeline.EINVALID, "web.sitrep", "%s: the report takes country and lang only", truncate(k, 30))
		}
	}
	now := s.now()
	alerts, err := sitrep.DetectorAlerts(r.Context(), s.cfg.Alerts, rq.viewer, now)
	if err != nil {
		return err
	}
	rep, err := sitrep.Build(r.Context(), s.svc, rq.viewer, sitrep.Options{Country: q.Get("country"), Now: now,
		Estimate: s.sitrepEstimate, Alerts: alerts})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := WriteSitrep(&buf, rep, SitrepOptions{Lang: rq.lang().Code, Instance: s.name, Atlas: s.atlas}); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; img-src data:; style-src "+styleHashes(buf.Bytes())+
		"; form-action 'none'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("Content-Language", rq.lang().Code)
	h.Add("Vary", "Accept-Language, Cookie")
	writeBody(w, r, http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
	return nil
}

// styleHashes returns the CSP sources of the page's <style> elements.
func styleHashes(page []byte) string {
	var out []string
	for rest := page; ; {
		i := bytes.Index(rest, []byte("<style>"))
		if i < 0 {
			break
		}
		rest = rest[i+len("<style>"):]
		j := bytes.Index(rest, []byte("</style>"))
		if j < 0 {
			break
		}
		sum := sha256.Sum256(rest[:j])
		out = append(out, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
		rest = rest[j:]
	}
	if len(out) == 0 {
		return "'none'"
	}
	return strings.Join(out, " ")
}

// sitrepEstimate estimates an incident's loss on the server's graph, with
// the simulator's bound on simulations at once.
func (s *server) sitrepEstimate(ctx context.Context, in *coord.Incident) ([]sitrep.Loss, error) {
	if s.graph == nil {
		return nil, nil
	}
	select {
	case s.simSlots <- struct{}{}:
		defer func() { <-s.simSlots }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return SitrepEstimate(s.graph)(ctx, in)
}

// estimates remembers the estimates of incidents by graph, id and
// version: an estimate depends only on the incident and the graph, which a
// server never changes. It is emptied when it holds 4,096.
var estimates struct {
	sync.Mutex
	m map[string][]sitrep.Loss
}

// SitrepHTML returns the renderer the API takes (api.Options.SitrepHTML):
// the report in the language lang (a code), or when lang is empty in the
// language acceptLanguage prefers, naming elements from a.
//
// Errors: EINVALID for a language the catalogue does not speak.
func SitrepHTML(a *atlas.Atlas, instance string) func(w io.Writer, rep *sitrep.Report, lang, acceptLanguage string) error {
	return func(w io.Writer, rep *sitrep.Report, lang, acceptLanguage string) error {
		l := i18n.Match(acceptLanguage)
		if lang != "" {
			var ok bool
			if l, ok = i18n.ByCode(lang); !ok {
				return lifeline.Errorf(lifeline.EINVALID, "web.sitrep", "lang: expected one of ar, zh, en, fr, ru, es, found %q", truncate(lang, 20))
			}
		}
		return WriteSitrep(w, rep, SitrepOptions{Lang: l.Code, Instance: instance, Atlas: a})
	}
}
