package web

import (
	"context"
	"html"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"lifeline/coord"
)

// TestWebhooksPage adds a webhook as an organisation's administrator,
// sees its secret once, sends a test that shows in the delivery log, and
// checks that another organisation's member sees none of it and that a
// colleague without the role sees the log but no buttons.
func TestWebhooksPage(t *testing.T) {
	in := newInstance(t)
	a, g := testAtlas(t)
	h, err := New(Config{Atlas: a, Graph: g, Services: services(in.db), Subscriptions: in.db, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	defer ts.Close()
	browse := func(tok string) *browser {
		jar, _ := cookiejar.New(nil)
		b := &browser{t: t, c: noRedirect(jar), url: ts.URL}
		b.login(tok)
		return b
	}
	admin := browse(in.tokA)
	if _, body := admin.get("/"); !strings.Contains(body, `href="/webhooks"`) {
		t.Error("the layout does not link the webhooks page")
	}
	resp, body := admin.post("/webhooks", "/webhooks", url.Values{"url": {"https://hooks.example.org/relief"}, "incidents": {"on"},
		"countries": {"sd, et"}, "kinds": {"shutdown", "cable_cut"}, "min_severity": {"Severe"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="new-secret">whsec_`) {
		t.Fatalf("add: %d %.500s", resp.StatusCode, body)
	}
	subs, err := in.db.FindSubscriptions(context.Background(), coord.Viewer{MemberID: "x", OrgID: in.orgA})
	if err != nil || len(subs) != 1 {
		t.Fatalf("subscriptions: %v, %v", subs, err)
	}
	f := subs[0].Filter
	if !f.Incidents || f.Alerts || strings.Join(f.Countries, ",") != "SD,ET" || len(f.Kinds) != 2 || f.MinSeverity != "Severe" {
		t.Errorf("filter from the form: %+v", f)
	}
	_, body = admin.get("/webhooks")
	if strings.Contains(body, "whsec_") {
		t.Error("the secret is shown again")
	}
	resp, body = admin.post("/webhooks", "/webhooks/"+subs[0].ID+"/test", url.Values{})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "webhook.test") || !strings.Contains(body, "waiting to be delivered") {
		t.Errorf("send a test: %d, the log does not show it", resp.StatusCode)
	}
	resp, body = admin.post("/webhooks", "/webhooks", url.Values{"url": {"ftp://x"}, "incidents": {"on"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "url: expected an absolute http or https URL") {
		t.Errorf("bad URL: %d", resp.StatusCode)
	}

	other := browse(in.tokB)
	if _, body := other.get("/webhooks"); strings.Contains(body, "hooks.example.org") {
		t.Error("another organisation sees the webhook")
	}
	if resp, _ := other.post("/webhooks", "/webhooks/"+subs[0].ID+"/test", url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation tests the webhook: %d", resp.StatusCode)
	}
	colleagueTok, err := in.db.CreateMember(context.Background(), in.admin, &coord.Member{OrgID: in.orgA, Name: "Colleague", Role: coord.RoleCoordinator})
	if err != nil {
		t.Fatal(err)
	}
	colleague := browse(colleagueTok)
	if _, body := colleague.get("/webhooks"); !strings.Contains(body, "hooks.example.org") || strings.Contains(body, "/delete") {
		t.Error("a colleague without the role: wants the log without the buttons")
	}
	if resp, _ := colleague.post("/webhooks", "/webhooks/"+subs[0].ID+"/delete", url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a coordinator removes the webhook: %d", resp.StatusCode)
	}
	if resp, _ := admin.post("/webhooks", "/webhooks/"+subs[0].ID+"/delete", url.Values{}); resp.StatusCode != http.StatusOK {
		t.Errorf("remove: %d", resp.StatusCode)
	}
}

// A webhook form with a mistake comes back with coord's message in the
// reader's language; in English, the API's.
func TestWebhookFormErrorsInReaderLanguage(t *testing.T) {
	in := newInstance(t)
	a, g := testAtlas(t)
	h, err := New(Config{Atlas: a, Graph: g, Services: services(in.db), Subscriptions: in.db, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	defer ts.Close()
	jar, _ := cookiejar.New(nil)
	admin := &browser{t: t, c: noRedirect(jar), url: ts.URL}
	admin.login(in.tokA)
	for _, c := range []struct {
		lang string
		form url.Values
		want string
	}{
		{"en", url.Values{"url": {"ftp://hooks.example.org"}, "incidents": {"on"}},
			`url: expected an absolute http or https URL without credentials, at most 2000 bytes, or mailto: and an e-mail address, found "ftp://hooks.example.org"`},
		{"fr", url.Values{"url": {"ftp://hooks.example.org"}, "incidents": {"on"}},
			"Adresse\u202f: attendu une URL http ou https absolue sans identifiants"},
		{"ar", url.Values{"url": {"https://hooks.example.org/relief"}},
			"الإرسال: اختر على الأقل الحوادث أو التنبيهات أو الحاجات التي يمكن لعروضنا تلبيتها"},
		{"fr", url.Values{"url": {"https://hooks.example.org/relief"}, "incidents": {"on"}, "min_severity": {"Grave"}},
			"Gravité minimale\u202f: attendu Minor, Moderate, Severe ou Extreme, trouvé"},
	} {
		admin.get("/webhooks?lang=" + c.lang)
		resp, body := admin.post("/webhooks", "/webhooks", c.form)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400: %s", c.lang, resp.StatusCode, problem(body))
			continue
		}
		if text := html.UnescapeString(htmlText(body)); !strings.Contains(text, c.want) {
			t.Errorf("%s: the page does not say %q: %s", c.lang, c.want, problem(body))
		}
	}
	subs, err := in.db.FindSubscriptions(context.Background(), coord.Viewer{MemberID: "x", OrgID: in.orgA})
	if err != nil || len(subs) != 0 {
		t.Errorf("a refused form added webhooks: %d, %v", len(subs), err)
	}
}
