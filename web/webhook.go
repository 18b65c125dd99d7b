package web

import (
	"net/http"
	"net/url"
	"strings"

	"lifeline"
	"lifeline/coord"
)

// The webhooks page: an organisation's subscriptions (docs/notify.md)
// with their delivery logs, for its members; its administrators add and
// remove them and send a test. What a webhook receives is decided by
// package notify with coord.CanSee; this page only manages them.

// webhookRoutes registers the page when the server has subscriptions.
func (s *server) webhookRoutes() {
	if s.cfg.Subscriptions == nil {
		return
	}
	s.page("GET /webhooks", s.webhooks)
	s.page("POST /webhooks", s.webhookCreate)
	s.page("POST /webhooks/{id}/test", s.webhookTest)
	s.page("POST /webhooks/{id}/delete", s.webhookDelete)
}

type webhookView struct {
	*coord.Subscription
	Deliveries []*coord.Delivery
}

type webhooksPage struct {
	Webhooks   []webhookView
	Manage     bool // the viewer is an administrator of the organisation
	Kinds      []coord.IncidentKind
	Severities []string
	Secret     string // of the webhook just added, shown once
	Added      string // its URL
	Notice     string
	Error      string
	Form       url.Values
}

// deliveriesShown is how many deliveries of each webhook the page lists.
const deliveriesShown = 20

func (s *server) showWebhooks(w http.ResponseWriter, r *http.Request, rq *request, status int, p webhooksPage) error {
	if err := member(r, rq); err != nil {
		return err
	}
	ctx := r.Context()
	subs, err := s.cfg.Subscriptions.FindSubscriptions(ctx, rq.viewer)
	if err != nil {
		return err
	}
	for _, sub := range subs {
		ds, err := s.cfg.Subscriptions.FindDeliveries(ctx, rq.viewer, sub.ID, deliveriesShown)
		if err != nil {
			return err
		}
		p.Webhooks = append(p.Webhooks, webhookView{Subscription: sub, Deliveries: ds})
	}
	p.Manage = coord.CanManageSubscriptions(rq.viewer, rq.viewer.OrgID) == nil
	p.Kinds = coord.IncidentKinds
	p.Severities = []string{coord.SeverityMinor, coord.SeverityModerate, coord.SeveritySevere, coord.SeverityExtreme}
	if p.Form == nil {
		p.Form = url.Values{"incidents": {"on"}}
	}
	s.render(w, r, rq, status, "webhooks", rq.t("webhooks.h1"), p)
	return nil
}

func (s *server) webhooks(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showWebhooks(w, r, rq, http.StatusOK, webhooksPage{})
}

// webhookCreate adds a webhook from the form and shows its secret once.
func (s *server) webhookCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	f := r.PostForm
	sub := &coord.Subscription{URL: strings.TrimSpace(f.Get("url")), Filter: coord.SubscriptionFilter{
		Incidents: f.Get("incidents") != "", Alerts: f.Get("alerts") != "", MatchingNeeds: f.Get("matching_needs") != "",
		MinSeverity: f.Get("min_severity")}}
	sub.Filter.Countries = strings.FieldsFunc(strings.ToUpper(f.Get("countries")), func(r rune) bool { return r == ',' || r == ' ' })
	for _, k := range f["kinds"] {
		sub.Filter.Kinds = append(sub.Filter.Kinds, coord.IncidentKind(k))
	}
	secret, err := s.cfg.Subscriptions.CreateSubscription(r.Context(), rq.viewer, sub)
	if lifeline.ErrorCode(err) == lifeline.EINVALID {
		return s.showWebhooks(w, r, rq, http.StatusBadRequest, webhooksPage{Form: f, Error: rq.errText(err)})
	}
	if err != nil {
		return err
	}
	return s.showWebhooks(w, r, rq, http.StatusOK, webhooksPage{Secret: secret, Added: sub.URL})
}

// webhookTest queues a test notification; the log shows how it went.
func (s *server) webhookTest(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	if _, err := s.cfg.Subscriptions.SendTest(r.Context(), rq.viewer, r.PathValue("id")); err != nil {
		return err
	}
	return s.showWebhooks(w, r, rq, http.StatusOK, webhooksPage{Notice: rq.t("webhooks.tested")})
}

func (s *server) webhookDelete(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	if err := s.cfg.Subscriptions.DeleteSubscription(r.Context(), rq.viewer, r.PathValue("id")); err != nil {
		return err
	}
	return s.showWebhooks(w, r, rq, http.StatusOK, webhooksPage{Notice: rq.t("webhooks.deleted")})
}
