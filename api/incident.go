package api

import (
	"net/http"
	"time"

	"lifeline/coord"
	"lifeline/exchange"
)

// incidentCreate is the body of POST /api/v1/incidents: what a reporter
// says; the rest (id, status, source, times) the service sets.
type incidentCreate struct {
	Title         string             `json:"title"`
	Description   string             `json:"description"`
	Kind          coord.IncidentKind `json:"kind"`
	Countries     []string           `json:"countries"`
	Area          *coord.Area        `json:"area"`
	Elements      []string           `json:"elements"`
	ASNs          []uint32           `json:"asns"`
	Start         *time.Time         `json:"start"`
	End           *time.Time         `json:"end"`
	Severity      string             `json:"severity"`
	Urgency       string             `json:"urgency"`
	Certainty     string             `json:"certainty"`
	Evidence      []coord.Evidence   `json:"evidence"`
	Shutdown      *coord.Shutdown    `json:"shutdown"`
	TLP           coord.TLP          `json:"tlp"`
	ShareWithOrgs []string           `json:"share_with_orgs"`
	Recipients    []string           `json:"recipients"`
}

func (s *Server) createIncident(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	var b incidentCreate
	if !s.body(w, r, v, &b) {
		return
	}
	in := &coord.Incident{Title: b.Title, Description: b.Description, Kind: b.Kind, Countries: b.Countries,
		Area: b.Area, Elements: b.Elements, ASNs: b.ASNs, Start: b.Start, End: b.End, Severity: b.Severity,
		Urgency: b.Urgency, Certainty: b.Certainty, Evidence: b.Evidence, Shutdown: b.Shutdown,
		Marking: coord.Marking{TLP: b.TLP, Orgs: b.ShareWithOrgs, Members: b.Recipients}}
	if err := s.svc.Incidents.CreateIncident(r.Context(), v, in); err != nil {
		s.problem(w, r, v, err)
		return
	}
	s.created(w, r, "/api/v1/incidents", in.ID, in.Version)
}

func (s *Server) getIncident(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	f, ok := s.negotiate(w, r, incidentFormats)
	if !ok {
		return
	}
	if f != jsonFormat {
		s.export(w, r, v, exchange.Request{Format: f, Incident: r.PathValue("id")})
		return
	}
	getOne(s, w, r, v, s.svc.Incidents.FindIncidentByID, func(in *coord.Incident) int64 { return in.Version })
}

func (s *Server) listIncidents(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	f, ok := s.negotiate(w, r, incidentListFormats)
	if !ok {
		return
	}
	if f != jsonFormat {
		s.exportList(w, r, v, "incidents", f)
		return
	}
	listAll(s, w, r, v, "incidents", s.svc.Incidents.FindIncidents)
}

func (s *Server) patchIncident(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	patchOne(s, w, r, v, func(u *coord.IncidentUpdate) *int64 { return &u.IfVersion },
		s.svc.Incidents.UpdateIncident, func(in *coord.Incident) int64 { return in.Version })
}
