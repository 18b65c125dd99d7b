package web

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"lifeline"
	"lifeline/coord"
	"lifeline/exchange"
	"lifeline/geo"
)

// Downloads and feeds: the pages link their records in the formats other
// tools read (docs/exchange.md) and the public incidents as Atom feeds.
// A download is built by exchange.Export, the path of `lifeline export`
// and of the API, as the visitor of the page: it holds what the page
// shows. A feed is read as the anonymous reader, whoever asks: it holds
// only public (TLP:CLEAR) incidents.

// exchangeRoutes registers the downloads and the feeds.
func (s *server) exchangeRoutes() {
	s.page("GET /export", s.download)
	s.page("GET /feeds/incidents.atom", s.feed)
	s.page("GET /feeds/countries/{file}", s.feed)
	s.page("GET /feeds/kinds/{file}", s.feed)
}

// downloadParams are the query parameters /export takes.
var downloadParams = []string{"format", "kind", "incident", "need", "offer", "match", "status", "country"}

// download answers /export?format=…: the records named, in the format
// asked for, as an attachment.
func (s *server) download(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	for name := range q {
		if !slices.Contains(downloadParams, name) {
			return lifeline.Errorf(lifeline.EINVALID, "web", "%s: unknown parameter; expected one of %s", truncName(name), strings.Join(downloadParams, ", "))
		}
	}
	req := exchange.Request{Format: q.Get("format"), Kind: q.Get("kind"), Incident: q.Get("incident"),
		Need: q.Get("need"), Offer: q.Get("offer"), Match: q.Get("match"),
		Filter: coord.ListFilter{Status: q.Get("status"), Country: q.Get("country")}}
	if req.Format == "hxl" && req.Kind == "" {
		req.Kind = "incidents"
	}
	list := "incidents"
	switch req.Kind {
	case "needs", "offers":
		list = req.Kind
	case "commitments":
		list = "matches"
	}
	if err := req.Filter.ValidateFor(list); err != nil {
		return err
	}
	var buf bytes.Buffer
	opt := exchange.Options{Instance: exchange.InstanceFromHost(r.Host), Now: s.now().UTC()}
	if err := exchange.Export(r.Context(), &buf, s.svc, rq.viewer, req, opt); err != nil {
		return err
	}
	name := "lifeline-" + cmpOr(req.Incident+req.Need+req.Offer+req.Match, cmpOr(req.Kind, "incidents"))
	if req.Format == "stop" {
		name += "-stop"
	}
	h := w.Header()
	h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", safeFileName(name)+exchange.Extension(req.Format)))
	h.Add("Vary", "Cookie")
	writeBody(w, r, http.StatusOK, exchange.MediaType(req.Format), buf.Bytes())
	return nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// safeFileName keeps the letters, digits, '-' and '_' of an id.
func safeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

func truncName(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// feed answers the Atom feeds: every public incident, or those of a
// country (/feeds/countries/SD.atom) or of a kind
// (/feeds/kinds/shutdown.atom).
func (s *server) feed(w http.ResponseWriter, r *http.Request, rq *request) error {
	file := r.PathValue("file")
	name, ok := strings.CutSuffix(file, ".atom")
	if file != "" && !ok {
		return lifeline.Errorf(lifeline.ENOTFOUND, "web", "no feed %s", r.URL.Path)
	}
	en := &request{} // feeds are written in English: a reader fetches them without a language
	var f coord.ListFilter
	var kind coord.IncidentKind
	title := en.t("feed.all")
	switch {
	case strings.HasPrefix(r.URL.Path, "/feeds/countries/"):
		if _, ok := geo.Lookup(name); !ok || strings.ToUpper(name) != name {
			return lifeline.Errorf(lifeline.ENOTFOUND, "web", "no feed %s: expected an ISO 3166-1 alpha-2 code in capitals, such as SD", r.URL.Path)
		}
		f.Country = name
		title = en.t("feed.country", countryName(english, name))
	case strings.HasPrefix(r.URL.Path, "/feeds/kinds/"):
		kind = coord.IncidentKind(name)
		if !kind.Valid() {
			return lifeline.Errorf(lifeline.ENOTFOUND, "web", "no feed %s", r.URL.Path)
		}
		title = en.t("feed.kind", enumName(english, "kind", kind))
	}
	ins, err := exchange.All(r.Context(), s.svc.Incidents.FindIncidents, coord.Viewer{}, f)
	if err != nil {
		return err
	}
	if kind != "" {
		ins = slices.DeleteFunc(ins, func(in coord.Incident) bool { return in.Kind != kind })
	}
	var buf bytes.Buffer
	opt := exchange.FeedOptions{Instance: exchange.InstanceFromHost(r.Host), Site: s.site(r), Path: r.URL.Path,
		Title: s.name + ": " + title, Updated: s.now()}
	if err := exchange.ExportAtom(&buf, ins, opt); err != nil {
		return err
	}
	writeBody(w, r, http.StatusOK, "application/atom+xml; charset=utf-8", buf.Bytes())
	return nil
}

// site is the absolute URL of the interface: Config.Site, or the
// request's scheme and host.
func (s *server) site(r *http.Request) string {
	if s.cfg.Site != "" {
		return strings.TrimSuffix(s.cfg.Site, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// feedLink is a feed a page names in its head.
type feedLink struct {
	Title, URL string
}

// feedsFor returns the feeds of the page at r: every public incident on
// the dashboard and the incidents list, and the country's or the kind's
// feed where the page is about one.
func (s *server) feedsFor(r *http.Request, rq *request) []feedLink {
	if !s.svc.Complete() {
		return nil
	}
	p := r.URL.Path
	var out []feedLink
	if p == "/" || p == "/incidents" || strings.HasPrefix(p, "/incidents/") {
		out = append(out, feedLink{rq.t("feed.all"), "/feeds/incidents.atom"})
	}
	if p == "/incidents" {
		q := r.URL.Query()
		if c := strings.ToUpper(q.Get("country")); c != "" {
			if _, ok := geo.Lookup(c); ok {
				out = append(out, feedLink{rq.t("feed.country", countryName(rq.printer, c)), "/feeds/countries/" + c + ".atom"})
			}
		}
		if k := coord.IncidentKind(q.Get("kind")); k.Valid() {
			out = append(out, feedLink{rq.t("feed.kind", enumName(rq.printer, "kind", k)), "/feeds/kinds/" + string(k) + ".atom"})
		}
	}
	if c, ok := strings.CutPrefix(p, "/atlas/countries/"); ok {
		if _, ok := geo.Lookup(c); ok {
			out = append(out, feedLink{rq.t("feed.country", countryName(rq.printer, c)), "/feeds/countries/" + c + ".atom"})
		}
	}
	return out
}
