package api

import (
	"bytes"
	"net/http"
	"time"

	"lifeline"
	"lifeline/coord"
	"lifeline/sitrep"
)

// sitrepGet answers GET /api/v1/sitrep: the situation report as the
// caller may see it (sitrep.Build through the services, as the caller),
// narrowed to a country with ?country=; its data as JSON, or with
// ?format=html the self-contained HTML file the web interface and lifeline
// sitrep write (Options.SitrepHTML), in the language of ?lang= or of
// Accept-Language.
func (s *Server) sitrepGet(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	const op = "api.sitrep"
	if err := queryParams(r, "country", "format", "lang"); err != nil {
		s.problem(w, r, v, err)
		return
	}
	q := r.URL.Query()
	format := q.Get("format")
	switch {
	case format == "" || format == "json":
	case format == "html" && s.sitrepHTML != nil:
	case format == "html":
		s.problem(w, r, v, lifeline.Errorf(lifeline.EINVALID, op, "format: this server writes the report as json only"))
		return
	default:
		s.problem(w, r, v, lifeline.Errorf(lifeline.EINVALID, op, "format: expected json or html, found %q", trunc(format)))
		return
	}
	if q.Has("lang") && format != "html" {
		s.problem(w, r, v, lifeline.Errorf(lifeline.EINVALID, op, "lang: the language applies to format=html only"))
		return
	}
	now := time.Now()
	var alerts []sitrep.Alert
	if s.alerts != nil {
		var err error
		if alerts, err = sitrep.DetectorAlerts(r.Context(), s.alerts, v, now); err != nil {
			s.problem(w, r, v, err)
			return
		}
	}
	rep, err := sitrep.Build(r.Context(), s.svc, v, sitrep.Options{Country: q.Get("country"), Now: now, Estimate: s.sitrepEstimate, Alerts: alerts})
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	if format != "html" {
		w.Header().Set("Cache-Control", "private, no-store")
		s.writeJSON(w, r, http.StatusOK, rep, "")
		return
	}
	var buf bytes.Buffer
	if err := s.sitrepHTML(&buf, rep, q.Get("lang"), r.Header.Get("Accept-Language")); err != nil {
		s.problem(w, r, v, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", `inline; filename="sitrep.html"`)
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}
