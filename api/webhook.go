package api

import (
	"net/http"
	"strconv"

	"lifeline"
	"lifeline/coord"
)

// Webhooks: an organisation's subscriptions (coord.SubscriptionService),
// managed by its administrators and delivered by package notify.

// webhookCreate is the body of POST /api/v1/webhooks.
type webhookCreate struct {
	URL    string                   `json:"url"`
	Filter coord.SubscriptionFilter `json:"filter"`
}

// webhookCreated answers POST /api/v1/webhooks: the secret is shown once.
type webhookCreated struct {
	ID     string `json:"id"`
	Secret string `json:"secret"`
}

// subscriptions returns the service, or answers 404 when the server has
// none.
func (s *Server) subscriptions(w http.ResponseWriter, r *http.Request, v coord.Viewer) (coord.SubscriptionService, bool) {
	if s.subs == nil {
		s.problem(w, r, v, lifeline.Errorf(lifeline.ENOTFOUND, "api", "this server does not deliver webhooks"))
		return nil, false
	}
	return s.subs, true
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	svc, ok := s.subscriptions(w, r, v)
	if !ok {
		return
	}
	subs, err := svc.FindSubscriptions(r.Context(), v)
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, coord.Page[*coord.Subscription]{Items: subs}, "")
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	svc, ok := s.subscriptions(w, r, v)
	if !ok {
		return
	}
	var b webhookCreate
	if !s.body(w, r, v, &b) {
		return
	}
	sub := &coord.Subscription{URL: b.URL, Filter: b.Filter}
	secret, err := svc.CreateSubscription(r.Context(), v, sub)
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	w.Header().Set("Location", "/api/v1/webhooks/"+sub.ID)
	s.writeJSON(w, r, http.StatusCreated, webhookCreated{ID: sub.ID, Secret: secret}, "")
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	svc, ok := s.subscriptions(w, r, v)
	if !ok {
		return
	}
	if err := svc.DeleteSubscription(r.Context(), v, r.PathValue("id")); err != nil {
		s.problem(w, r, v, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) testWebhook(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	svc, ok := s.subscriptions(w, r, v)
	if !ok {
		return
	}
	d, err := svc.SendTest(r.Context(), v, r.PathValue("id"))
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	s.writeJSON(w, r, http.StatusAccepted, d, "")
}

func (s *Server) webhookDeliveries(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	svc, ok := s.subscriptions(w, r, v)
	if !ok {
		return
	}
	if err := queryParams(r, "limit"); err != nil {
		s.problem(w, r, v, err)
		return
	}
	limit := 0
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > coord.MaxPageSize {
			s.problem(w, r, v, lifeline.Errorf(lifeline.EINVALID, "api", "limit: expected a number from 1 to %d, found %q", coord.MaxPageSize, trunc(l)))
			return
		}
		limit = n
	}
	ds, err := svc.FindDeliveries(r.Context(), v, r.PathValue("id"), limit)
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, coord.Page[*coord.Delivery]{Items: ds}, "")
}
