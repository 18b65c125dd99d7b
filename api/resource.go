package api

import (
	"net/http"
	"time"

	"lifeline/coord"
	"lifeline/exchange"
)

// resourceCreate is the body of POST /api/v1/needs and /api/v1/offers.
type resourceCreate struct {
	IncidentID    string         `json:"incident_id"`
	Title         string         `json:"title"`
	Category      string         `json:"category"`
	Quantity      int64          `json:"quantity"`
	Unit          string         `json:"unit"`
	Place         *coord.Place   `json:"place"`
	Countries     []string       `json:"countries"`
	Urgency       string         `json:"urgency"`
	LeadTime      coord.Duration `json:"lead_time"`
	ValidFrom     time.Time      `json:"valid_from"`
	ValidUntil    time.Time      `json:"valid_until"`
	Conditions    string         `json:"conditions"`
	TLP           coord.TLP      `json:"tlp"`
	ShareWithOrgs []string       `json:"share_with_orgs"`
	Recipients    []string       `json:"recipients"`
}

func (b resourceCreate) resource() coord.Resource {
	return coord.Resource{IncidentID: b.IncidentID, Title: b.Title, Category: b.Category, Quantity: b.Quantity,
		Unit: b.Unit, Place: b.Place, Countries: b.Countries, Urgency: b.Urgency, LeadTime: b.LeadTime,
		ValidFrom: b.ValidFrom, ValidUntil: b.ValidUntil, Conditions: b.Conditions,
		Marking: coord.Marking{TLP: b.TLP, Orgs: b.ShareWithOrgs, Members: b.Recipients}}
}

func (s *Server) createNeed(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	var b resourceCreate
	if !s.body(w, r, v, &b) {
		return
	}
	n := &coord.Need{Resource: b.resource()}
	if err := s.svc.Needs.CreateNeed(r.Context(), v, n); err != nil {
		s.problem(w, r, v, err)
		return
	}
	s.created(w, r, "/api/v1/needs", n.ID, n.Version)
}

func (s *Server) createOffer(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	var b resourceCreate
	if !s.body(w, r, v, &b) {
		return
	}
	o := &coord.Offer{Resource: b.resource()}
	if err := s.svc.Offers.CreateOffer(r.Context(), v, o); err != nil {
		s.problem(w, r, v, err)
		return
	}
	s.created(w, r, "/api/v1/offers", o.ID, o.Version)
}

func (s *Server) getNeed(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	if f, ok := s.negotiate(w, r, resourceFormats); !ok || f != jsonFormat {
		if ok {
			s.export(w, r, v, exchange.Request{Format: f, Need: r.PathValue("id")})
		}
		return
	}
	getOne(s, w, r, v, s.svc.Needs.FindNeedByID, func(n *coord.Need) int64 { return n.Version })
}

func (s *Server) getOffer(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	if f, ok := s.negotiate(w, r, resourceFormats); !ok || f != jsonFormat {
		if ok {
			s.export(w, r, v, exchange.Request{Format: f, Offer: r.PathValue("id")})
		}
		return
	}
	getOne(s, w, r, v, s.svc.Offers.FindOfferByID, func(o *coord.Offer) int64 { return o.Version })
}

func (s *Server) listNeeds(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	if f, ok := s.negotiate(w, r, resourceListFormats); !ok || f != jsonFormat {
		if ok {
			s.exportList(w, r, v, "needs", f)
		}
		return
	}
	listAll(s, w, r, v, "needs", s.svc.Needs.FindNeeds)
}

func (s *Server) listOffers(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	if f, ok := s.negotiate(w, r, resourceListFormats); !ok || f != jsonFormat {
		if ok {
			s.exportList(w, r, v, "offers", f)
		}
		return
	}
	listAll(s, w, r, v, "offers", s.svc.Offers.FindOffers)
}

func (s *Server) patchNeed(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	patchOne(s, w, r, v, resourceVersion, s.svc.Needs.UpdateNeed, func(n *coord.Need) int64 { return n.Version })
}

func (s *Server) patchOffer(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	patchOne(s, w, r, v, resourceVersion, s.svc.Offers.UpdateOffer, func(o *coord.Offer) int64 { return o.Version })
}

func resourceVersion(u *coord.ResourceUpdate) *int64 { return &u.IfVersion }

func (s *Server) proposals(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	ps, err := s.svc.Needs.Proposals(r.Context(), v, r.PathValue("id"))
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, coord.Page[coord.Proposal]{Items: ps}, "")
}
