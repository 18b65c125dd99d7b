package api

import (
	"bytes"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"lifeline"
	"lifeline/coord"
	"lifeline/exchange"
)

// Content negotiation: the reads of incidents, needs, offers and matches
// answer in JSON, or in an exchange format (docs/exchange.md) chosen by
// ?format= (which wins) or by the Accept header. Each format is built by
// exchange.Export, the path the command line's `lifeline export` takes,
// with the caller as reader: what it may not see is left out.

// jsonFormat is the name of the API's own representation in ?format=.
const jsonFormat = "json"

// mediaTypes maps the media types a client may name in Accept to a
// format. text/csv gives HXL; STOP, also CSV, is asked for with
// ?format=stop.
var mediaTypes = []struct{ typ, format string }{
	{"application/json", jsonFormat},
	{"application/cap+xml", "cap"},
	{"application/xml", "edxl"},
	{"application/geo+json", "geojson"},
	{"application/stix+json", "stix"},
	{"text/csv", "hxl"},
}

// Formats of each read: the first is the default for */*.
var (
	incidentFormats     = []string{jsonFormat, "cap", "geojson", "stix", "hxl", "stop"}
	incidentListFormats = []string{jsonFormat, "geojson", "stix", "hxl", "stop"}
	resourceFormats     = []string{jsonFormat, "edxl"}
	resourceListFormats = []string{jsonFormat, "hxl"}
)

// negotiate returns the format to answer r in, among offered, or answers
// 406 itself (ok false). ?format= names a format outright; otherwise the
// Accept header's preferred type that is offered is taken (q-values
// honoured, ties in the order the client wrote them), and an absent
// header means JSON.
func (s *Server) negotiate(w http.ResponseWriter, r *http.Request, offered []string) (string, bool) {
	if f := r.URL.Query().Get("format"); f != "" {
		if slices.Contains(offered, f) {
			return f, true
		}
		s.notAcceptable(w, r, offered, "format="+trunc(f))
		return "", false
	}
	accept := r.Header.Get("Accept")
	if strings.TrimSpace(accept) == "" {
		return jsonFormat, true
	}
	best, bestQ := "", 0.0
	for _, part := range strings.Split(accept, ",") {
		typ, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if qs, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(qs, 64); err != nil || q < 0 || q > 1 {
				continue
			}
		}
		if q <= bestQ {
			continue
		}
		if f := formatOf(typ, offered); f != "" {
			best, bestQ = f, q
		}
	}
	if best == "" {
		s.notAcceptable(w, r, offered, "Accept: "+trunc(accept))
		return "", false
	}
	return best, true
}

// formatOf returns the offered format a media range names, "" for none.
func formatOf(typ string, offered []string) string {
	if typ == "*/*" {
		return offered[0]
	}
	for _, f := range offered {
		for _, mt := range mediaTypes {
			if mt.format != f {
				continue
			}
			if mt.typ == typ || strings.HasSuffix(typ, "/*") && strings.HasPrefix(mt.typ, strings.TrimSuffix(typ, "*")) {
				return f
			}
		}
	}
	return ""
}

// notAcceptable answers 406 with a sentence naming what this path serves.
func (s *Server) notAcceptable(w http.ResponseWriter, r *http.Request, offered []string, asked string) {
	var types, names []string
	for _, f := range offered {
		names = append(names, f)
		for _, mt := range mediaTypes {
			if mt.format == f && !slices.Contains(types, mt.typ) {
				types = append(types, mt.typ)
			}
		}
	}
	s.problemStatus(w, r, http.StatusNotAcceptable, "not_acceptable",
		asked+" is not served here; this path answers in "+strings.Join(types, ", ")+
			" (Accept), or with ?format= one of "+strings.Join(names, ", "))
}

// export answers r with the exchange document req names, as v reads it.
// The document is made whole before anything is sent, so a failure is a
// problem document and never half a file.
func (s *Server) export(w http.ResponseWriter, r *http.Request, v coord.Viewer, req exchange.Request, params ...string) {
	accepted := append([]string{"format"}, params...)
	if req.Format == "hxl" && req.Kind == "" {
		accepted = append(accepted, "kind")
		req.Kind = r.URL.Query().Get("kind")
		if req.Kind == "" {
			req.Kind = "incidents"
		} else if !slices.Contains([]string{"incidents", "restoration"}, req.Kind) {
			s.problem(w, r, v, lifeline.Errorf(lifeline.EINVALID, "api", "kind: expected incidents or restoration, found %q", trunc(req.Kind)))
			return
		}
	}
	if err := queryParams(r, accepted...); err != nil {
		s.problem(w, r, v, err)
		return
	}
	var buf bytes.Buffer
	if err := exchange.Export(r.Context(), &buf, s.svc, v, req, exchange.Options{Instance: s.instanceName(r), Now: s.now().UTC()}); err != nil {
		s.problem(w, r, v, err)
		return
	}
	w.Header().Add("Vary", "Accept")
	s.writeRaw(w, r, http.StatusOK, exchange.MediaType(req.Format), buf.Bytes(), "")
}

// instanceName is the host name exports are written under: the one
// configured, else the request's host when it is a plain host name.
func (s *Server) instanceName(r *http.Request) string {
	if s.instance != "" {
		return s.instance
	}
	return exchange.InstanceFromHost(r.Host)
}

// listFilterFor reads a list's narrowing (status, country, incident_id)
// for an export; an export holds every item, so after and limit are not
// taken.
func listFilterFor(r *http.Request, list string) (coord.ListFilter, []string, error) {
	f, err := listFilter(r)
	if err != nil {
		return f, nil, err
	}
	return f, coord.ListNarrowing[list], f.ValidateFor(list)
}

func (s *Server) exportList(w http.ResponseWriter, r *http.Request, v coord.Viewer, list, format string) {
	f, params, err := listFilterFor(r, list)
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	req := exchange.Request{Format: format, Filter: f}
	if list != "incidents" {
		req.Kind = map[string]string{"needs": "needs", "offers": "offers", "matches": "commitments"}[list]
	}
	s.export(w, r, v, req, params...)
}
