package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"lifeline"
	"lifeline/coord"
	"lifeline/geo"
	"lifeline/impact"
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
	Coord  bool // the coordination pages are served
	Path   string
	Script bool // the page uses app.js
	Data   any
}

// parsePages parses each templates/*.html into its own set with the layout
// and the shared partials, so that every page may define "content".
func parsePages(as *assets) (map[string]*pageTemplate, error) {
	funcs := template.FuncMap{
		"asset":     as.path,
		"tlpClass":  tlpClass,
		"when":      when,
		"date":      date,
		"pct":       pct,
		"num":       num,
		"country":   countryName,
		"join":      strings.Join,
		"title":     humanize,
		"svg":       func(s string) template.HTML { return template.HTML(s) }, // maps drawn by svgmap, which escapes every text
		"dict":      dict,
		"query":     func(v url.Values) template.URL { return template.URL(v.Encode()) },
		"add":       func(a, b int) int { return a + b },
		"contains":  func(list []string, s string) bool { return contains(list, s) },
		"list":      func(s ...string) []string { return s },
		"moveLabel": moveLabel,
		"pairName":  func(e impact.Element) string { return humanize(e.Kind) + " " + e.Name },
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
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", f)
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
	p, ok := s.pages[name]
	if !ok {
		panic("web: no page template " + name)
	}
	v := view{Name: s.name, Title: title, Viewer: rq.viewer, User: rq.user, CSRF: rq.csrf,
		Coord: s.svc.Complete(), Path: r.URL.Path, Script: script, Data: data}
	var buf bytes.Buffer
	if err := p.t.Execute(&buf, v); err != nil {
		s.log.Error("web: render", "page", name, "err", lifeline.Trace(err))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	writeBody(w, r, status, "text/html; charset=utf-8", buf.Bytes())
}

func tlpClass(t coord.TLP) string {
	return "tlp tlp-" + strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(string(t), "+", "-"), "TLP:"))
}

// when writes a time in UTC to the minute, as coordinators across time
// zones read it.
func when(t any) string {
	switch t := t.(type) {
	case time.Time:
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	case *time.Time:
		if t == nil {
			return ""
		}
		return when(*t)
	}
	return ""
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

// pct writes a share in 0..1 as a whole percentage, or one decimal below
// one percent.
func pct(x float64) string {
	p := x * 100
	switch {
	case p == 0:
		return "0%"
	case p < 1:
		return fmt.Sprintf("%.1f%%", p)
	}
	return fmt.Sprintf("%.0f%%", math.Round(p))
}

// num writes a number with thin groups of thousands.
func num(x any) string {
	var n int64
	switch x := x.(type) {
	case int:
		n = int64(x)
	case int64:
		n = x
	case float64:
		if x != math.Trunc(x) {
			return fmt.Sprintf("%.1f", x)
		}
		n = int64(x)
	default:
		return fmt.Sprint(x)
	}
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func countryName(code string) string {
	if c, ok := geo.Lookup(code); ok {
		return c.Name
	}
	return code
}

// humanize turns an identifier such as "cable_cut" into "Cable cut".
func humanize(s any) string {
	t := strings.ReplaceAll(fmt.Sprint(s), "_", " ")
	if t == "" {
		return t
	}
	return strings.ToUpper(t[:1]) + t[1:]
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

// moveLabel names the button that moves a match to a status.
func moveLabel(st coord.MatchStatus) string {
	switch st {
	case coord.MatchCommitted:
		return "Commit"
	case coord.MatchDispatched:
		return "Dispatch"
	case coord.MatchDelivered:
		return "Confirm delivery"
	case coord.MatchReleased:
		return "Release"
	case coord.MatchCancelled:
		return "Cancel"
	}
	return humanize(st)
}
