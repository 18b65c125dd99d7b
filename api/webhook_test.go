package api_test

import (
	"net/http"
	"strings"
	"testing"

	"lifeline/api"
	"lifeline/coord"
)

// TestWebhooks manages an organisation's webhooks through the API: an
// org admin creates one (the secret answered once), lists it, sends a test
// that shows in the delivery log and removes it; a coordinator may read
// but not manage, another organisation sees nothing of it.
func TestWebhooks(t *testing.T) {
	e := newEnv(t, api.Options{})
	e.h = api.New(e.db.Services(), api.Options{Rate: -1, Subscriptions: e.db})
	e.srv.Config.Handler = e.h
	admin := e.w.Other // an org admin
	r := e.do(admin, "POST", "/api/v1/webhooks", `{"url":"https://hooks.example.org/lifeline","filter":{"incidents":true,"countries":["SD"]}}`)
	var created struct{ ID, Secret string }
	r.json(t, &created)
	if r.Status != http.StatusCreated || !strings.HasPrefix(created.Secret, "whsec_") || created.ID == "" {
		t.Fatalf("create = %d %s", r.Status, r.Body)
	}
	if r := e.do(admin, "GET", "/api/v1/webhooks", nil); r.Status != 200 || !strings.Contains(string(r.Body), created.ID) || strings.Contains(string(r.Body), created.Secret) {
		t.Errorf("list = %d %s (the secret is never shown again)", r.Status, r.Body)
	}
	if r := e.do(admin, "POST", "/api/v1/webhooks/"+created.ID+"/test", nil); r.Status != http.StatusAccepted || !strings.Contains(string(r.Body), `"type":"webhook.test"`) {
		t.Errorf("test = %d %s", r.Status, r.Body)
	}
	if r := e.do(admin, "GET", "/api/v1/webhooks/"+created.ID+"/deliveries", nil); r.Status != 200 || !strings.Contains(string(r.Body), `"status":"pending"`) {
		t.Errorf("deliveries = %d %s", r.Status, r.Body)
	}
	for _, c := range []struct {
		v      coord.Viewer
		method string
		path   string
		body   any
		status int
	}{
		{e.w.Author, "POST", "/api/v1/webhooks", `{"url":"https://x.example.org","filter":{"incidents":true}}`, 403},
		{admin, "POST", "/api/v1/webhooks", `{"url":"ftp://x.example.org","filter":{"incidents":true}}`, 400},
		{admin, "POST", "/api/v1/webhooks", `{"url":"https://x.example.org","filter":{}}`, 400},
		{e.w.Unverified, "GET", "/api/v1/webhooks/" + created.ID + "/deliveries", nil, 404},
		{e.w.Unverified, "DELETE", "/api/v1/webhooks/" + created.ID, nil, 404},
		{coord.Viewer{}, "GET", "/api/v1/webhooks", nil, 401},
		{admin, "DELETE", "/api/v1/webhooks/" + created.ID, nil, 204},
		{admin, "GET", "/api/v1/webhooks/" + created.ID + "/deliveries", nil, 404},
	} {
		if r := e.do(c.v, c.method, c.path, c.body); r.Status != c.status {
			t.Errorf("%s %s = %d %s, want %d", c.method, c.path, r.Status, r.Body, c.status)
		} else if r.Status >= 400 {
			checkForPeople(t, c.path, r.Body)
		}
	}
}
