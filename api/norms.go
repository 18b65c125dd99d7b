package api

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"lifeline"
	"lifeline/coord"
	"lifeline/norms"
)

// incidentNorms answers GET /api/v1/incidents/{id}/norms: the entries of
// the legal and normative catalogue the incident engages, each with the
// reasons it applies, from the incident as the caller may see it.
func (s *Server) incidentNorms(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	if err := queryParams(r); err != nil {
		s.problem(w, r, v, err)
		return
	}
	in, err := s.svc.Incidents.FindIncidentByID(r.Context(), v, r.PathValue("id"))
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	situations, err := s.situationsFor(r.Context(), v, in)
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	ex, err := s.norms.Apply(norms.FromCoord(in), situations)
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, ex, "")
}

// incidentBrief answers GET /api/v1/incidents/{id}/brief: the legal brief
// of the incident as a self-contained HTML page (or Markdown with
// ?format=markdown), built only from what the caller may see — the
// incident and the events about it that the services return to the
// caller — and marked with its TLP in the header and the footer.
func (s *Server) incidentBrief(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	if err := queryParams(r, "format"); err != nil {
		s.problem(w, r, v, err)
		return
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "html"
	}
	if format != "html" && format != "markdown" {
		s.problem(w, r, v, lifeline.Errorf(lifeline.EINVALID, "api", "format: expected html or markdown, found %q", trunc(format)))
		return
	}
	id := r.PathValue("id")
	b, err := norms.BriefOf(r.Context(), s.norms, s.svc, v, id, time.Now())
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	var buf bytes.Buffer
	ctype := "text/html; charset=utf-8"
	if format == "markdown" {
		ctype = "text/markdown; charset=utf-8"
		err = norms.RenderMarkdown(&buf, b)
	} else {
		err = norms.RenderHTML(&buf, b)
	}
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
	h.Set("X-Content-Type-Options", "nosniff")
	name := "brief-" + strings.ReplaceAll(id, "/", "_")
	if format == "markdown" {
		h.Set("Content-Disposition", `inline; filename="`+name+`.md"`)
	}
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}
