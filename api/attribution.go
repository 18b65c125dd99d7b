package api

import (
	"net/http"

	"lifeline"
	"lifeline/coord"
	"lifeline/impact"
)

// candidatesBody is the answer of GET /api/v1/incidents/{id}/candidates.
type candidatesBody struct {
	Incident string       `json:"incident"`
	Observed []coord.Drop `json:"observed"`
	*impact.Attribution
}

// incidentCandidates answers GET /api/v1/incidents/{id}/candidates: the
// failures that best explain the incident's observed drops (its alerts,
// its signal evidence, the countries it names), best first, each with its
// score (docs/impact.md, "Which cable was cut"). A coordinator accepts one
// with PATCH accept_candidate.
func (s *Server) incidentCandidates(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	const op = "api.incidentCandidates"
	if err := queryParams(r); err != nil {
		s.problem(w, r, v, err)
		return
	}
	in, err := s.svc.Incidents.FindIncidentByID(r.Context(), v, r.PathValue("id"))
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	if s.graph == nil {
		s.problem(w, r, v, lifeline.Errorf(lifeline.ENOTFOUND, op, "this server has no atlas to rank candidates on"))
		return
	}
	var extra []coord.Drop
	if s.drops != nil {
		if extra, err = s.drops(r.Context(), v, in); err != nil {
			s.problem(w, r, v, err)
			return
		}
	}
	drops := coord.DropsOf(in, extra)
	at, err := s.graph.Attribute(r.Context(), observations(s.graph, drops), impact.AttributeOptions{Workers: 1})
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, candidatesBody{Incident: in.ID, Observed: drops, Attribution: at}, "")
}

// observations turns drops into the engine's observations, leaving out
// countries the atlas does not have.
func observations(g *impact.Graph, drops []coord.Drop) []impact.Observation {
	var out []impact.Observation
	for _, d := range drops {
		if _, ok := g.Atlas().Country(d.Country); ok {
			out = append(out, impact.Observation{Country: d.Country, Drop: d.Share, Note: d.Signal})
		}
	}
	return out
}
