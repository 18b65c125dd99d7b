package web

import (
	"bytes"
	"embed"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"lifeline"
	"lifeline/coord"
	"lifeline/federation"
	"lifeline/geo"
	"lifeline/impact"
	"lifeline/web/i18n"
)

//go:embed templates
var templateFS embed.FS

// pageTemplate is a page's template joined with the layout.
type pageTemplate struct{ t *template.Template }

// view is what every template receives: the page's data and what the
// layout needs.
type view struct {
	Name   string // instance name
	Title  string
	Viewer coord.Viewer
	User   string
	CSRF   string
	Coord  bool               // the coordination pages are served
	Fed    bool               // the federation page is served
	Origin *federation.Origin // the instance the page's item came from (nil: here)
	Path   string
	Script bool // the page uses app.js
	Lang   i18n.Lang
	Switch []langLink // the language switch
	Feeds  []feedLink // Atom feeds of the page, for the head
	// Webhooks links the organisation's webhooks page, for members.
	Webhooks bool
	Data     any
}

// langLink is one entry of the language switch: a plain link to the same
// page with ?lang=, which the server remembers in a cookie.
type langLink struct {
	Lang    i18n.Lang
	URL     string
	Current bool
}

// parsePages parses each templates/*.html, once per language, into its
// own set with the layout, the shared partials and the sections of pages
// kept in files of their own (templates/blocks), so that every page may
// define "content" and every template function prints in its language.
func parsePages(as *assets) (map[string]map[string]*pageTemplate, error) {
	out := map[string]map[string]*pageTemplate{}
	for _, l := range i18n.Langs {
		pages, err := parseLang(as, l.Printer())
		if err != nil {
			return nil, err
		}
		out[l.Code] = pages
	}
	return out, nil
}

func parseLang(as *assets, p *i18n.Printer) (map[string]*pageTemplate, error) {
	funcs := template.FuncMap{
		"asset":    as.path,
		"tlpClass": tlpClass,
		// t prints a message; th one that holds markup of its own, with
		// every argument escaped.
		"t": p.T,
		"th": func(key string, args ...any) template.HTML {
			for i, a := range args {
				switch a := a.(type) {
				case string:
					args[i] = html.EscapeString(a)
				case template.URL: // an href: escaped, never isolated
					args[i] = template.URL(html.EscapeString(string(a)))
				}
			}
			return template.HTML(p.T(key, args...))
		},
		// href marks a path given to th as a link target.
		"href": func(s string) template.URL { return template.URL(s) },
		// enum names a value of an enumeration: enum "kind" .Kind.
		"enum":    func(prefix string, v any) string { return enumName(p, prefix, v) },
		"when":    func(t any) string { return when(p, t) },
		"date":    func(t time.Time) string { return date(p, t) },
		"pct":     p.Pct,
		"num":     func(x any) string { return num(p, x) },
		"country": func(code string) string { return countryName(p, code) },
		"countries": func(codes []string) string {
			names := make([]string, len(codes))
			for i, c := range codes {
				names[i] = countryName(p, c)
			}
			return strings.Join(names, p.T("list.sep"))
		},
		"year":     func(n int) string { return p.Digits(n, 1) },
		"join":     strings.Join,
		"svg":      func(s string) template.HTML { return template.HTML(s) }, // maps drawn by svgmap, which escapes every text
		"dict":     dict,
		"query":    func(v url.Values) template.URL { return template.URL(v.Encode()) },
		"add":      func(a, b int) int { return a + b },
		"contains": func(list []string, s string) bool { return contains(list, s) },
		"list":     func(s ...string) []string { return s },
		// reason says why the matching engine scored a factor so.
		"reason": func(f coord.Factor) string {
			if f.Why.Key == "" {
				return f.Reason
			}
			return phraseText(p, f.Why)
		},
		"pairName": func(e impact.Element) string { return p.T("element.named", enumName(p, "element", e.Kind), e.Name) },
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*pageTemplate{}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", "templates/blocks/*.html", f)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", f, err)
		}
		pages[name] = &pageTemplate{t}
	}
	return pages, nil
}

// render writes page name with data as a complete HTML page.
func (s *server) render(w http.ResponseWriter, r *http.Request, rq *request, status int, name, title string, data any) {
	s.renderScript(w, r, rq, status, name, title, data, false)
}

func (s *server) renderScript(w http.ResponseWriter, r *http.Request, rq *request, status int, name, title string, data any, script bool) {
	lang := rq.lang()
	p, ok := s.pages[lang.Code][name]
	if !ok {
		panic("web: no page template " + name)
	}
	v := view{Name: s.name, Title: title, Viewer: rq.viewer, User: rq.user, CSRF: rq.csrf,
		Coord: s.svc.Complete(), Fed: s.cfg.Federation != nil && s.svc.Complete(), Origin: rq.origin, Path: r.URL.Path, Script: script, Lang: lang, Switch: switchLinks(r, lang), Feeds: s.feedsFor(r, rq),
		Webhooks: s.cfg.Subscriptions != nil && !rq.viewer.Anonymous(), Data: data}
	var buf bytes.Buffer
	if err := p.t.Execute(&buf, v); err != nil {
		s.log.Error("web: render", "page", name, "err", lifeline.Trace(err))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Language", lang.Code)
	w.Header().Add("Vary", "Accept-Language, Cookie")
	writeBody(w, r, status, "text/html; charset=utf-8", buf.Bytes())
}

// switchLinks links the page in every language. A POST's page links to
// its path, which a GET shows afresh.
func switchLinks(r *http.Request, cur i18n.Lang) []langLink {
	q := url.Values{}
	if r.Method == http.MethodGet {
		q = r.URL.Query()
	}
	out := make([]langLink, len(i18n.Langs))
	for i, l := range i18n.Langs {
		q.Set("lang", l.Code)
		out[i] = langLink{Lang: l, URL: r.URL.Path + "?" + q.Encode(), Current: l.Code == cur.Code}
	}
	return out
}

// langCookie remembers the language a visitor chose.
const langCookie = "ll_lang"

// chooseLang picks the page's language: the one asked for with ?lang=
// (remembered in a cookie for a year), else the remembered one, else the
// instance's (Config.Lang), else the browser's Accept-Language, else
// English.
func (s *server) chooseLang(w http.ResponseWriter, r *http.Request) i18n.Lang {
	if l, ok := i18n.ByCode(r.URL.Query().Get("lang")); ok {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l.Code, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := i18n.ByCode(c.Value); ok {
			return l
		}
	}
	if l, ok := i18n.ByCode(s.cfg.Lang); ok {
		return l
	}
	return i18n.Match(r.Header.Get("Accept-Language"))
}

// lang is the request's language; English for a request that has none.
func (rq *request) lang() i18n.Lang {
	if rq == nil || rq.printer == nil {
		return i18n.English
	}
	return rq.printer.Lang
}

// t prints message key in the request's language.
func (rq *request) t(key string, args ...any) string {
	if rq == nil || rq.printer == nil {
		return english.T(key, args...)
	}
	return rq.printer.T(key, args...)
}

var english = i18n.English.Printer()

func tlpClass(t coord.TLP) string {
	return "tlp tlp-" + strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(string(t), "+", "-"), "TLP:"))
}

// enumName names a value of an enumeration in the printer's language; a
// value the catalogue does not know (a new kind in the data) shows as it
// is, its underscores spaced.
func enumName(p *i18n.Printer, prefix string, v any) string {
	s := fmt.Sprint(v)
	key := i18n.Key(prefix, s)
	if !i18n.Has(key) {
		return strings.ReplaceAll(s, "_", " ")
	}
	return p.T(key)
}

// when writes a time in UTC to the minute, as coordinators across time
// zones read it.
func when(p *i18n.Printer, t any) string {
	switch t := t.(type) {
	case time.Time:
		if t.IsZero() {
			return ""
		}
		return p.Time(t)
	case *time.Time:
		if t == nil {
			return ""
		}
		return when(p, *t)
	}
	return ""
}

func date(p *i18n.Printer, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return p.Date(t)
}

// num writes a number with the language's digits and groups of thousands;
// a fraction with one decimal.
func num(p *i18n.Printer, x any) string {
	switch x := x.(type) {
	case int:
		return p.Num(int64(x))
	case int64:
		return p.Num(x)
	case float64:
		if x != math.Trunc(x) {
			return p.Dec(x)
		}
		return p.Num(int64(x))
	}
	return fmt.Sprint(x)
}

func countryName(p *i18n.Printer, code string) string {
	fallback := code
	if c, ok := geo.Lookup(code); ok {
		fallback = c.Name
	}
	return p.Country(code, fallback)
}

func dict(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return m
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
