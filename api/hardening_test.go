package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"lifeline/api"
	"lifeline/coord"
)

// TestCrossOrgEdits replays the audit: a verified organisation's
// coordinator may not rewrite another organisation's TLP:CLEAR need or
// incident, nor may a named recipient rewrite a TLP:AMBER+STRICT offer;
// both may still move the status. Refusals append no event.
func TestCrossOrgEdits(t *testing.T) {
	e := newEnv(t, api.Options{})
	post := func(v coord.Viewer, path string, body map[string]any) string {
		t.Helper()
		r := e.do(v, "POST", path, body)
		if r.Status != 201 {
			t.Fatalf("POST %s = %d %s", path, r.Status, r.Body)
		}
		var c struct{ ID string }
		r.json(t, &c)
		return c.ID
	}
	need := post(e.w.Author, "/api/v1/needs", map[string]any{"title": "generators", "category": "power/generator", "quantity": 5, "unit": "unit", "countries": []string{"SD"}, "tlp": "TLP:CLEAR"})
	inc := post(e.w.Author, "/api/v1/incidents", map[string]any{"title": "Cable cut", "kind": "cable_cut", "countries": []string{"SD"}, "tlp": "TLP:CLEAR"})
	offer := post(e.w.Author, "/api/v1/offers", map[string]any{"title": "terminals", "category": "connectivity", "quantity": 5, "unit": "unit", "tlp": "TLP:AMBER+STRICT", "recipients": []string{e.w.Recipient.MemberID}})
	before := e.events()
	for _, tt := range []struct {
		name string
		v    coord.Viewer
		path string
		body string
	}{
		{"other org: need countries", e.w.Other, "/api/v1/needs/" + need, `{"countries": ["EG"]}`},
		{"other org: need quantity", e.w.Other, "/api/v1/needs/" + need, `{"quantity": 500}`},
		{"other org: need valid_until", e.w.Other, "/api/v1/needs/" + need, `{"valid_until": "2026-03-02T00:00:00Z"}`},
		{"other org: incident description", e.w.Other, "/api/v1/incidents/" + inc, `{"description": "nothing happened"}`},
		{"other org: incident countries", e.w.Other, "/api/v1/incidents/" + inc, `{"countries": ["EG"]}`},
		{"recipient: strict offer title", e.w.Recipient, "/api/v1/offers/" + offer, `{"title": "nothing"}`},
		{"recipient: strict offer quantity", e.w.Recipient, "/api/v1/offers/" + offer, `{"quantity": 1}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(tt.v, "PATCH", tt.path, tt.body)
			var p api.Problem
			field := strings.Trim(strings.SplitN(tt.body, `"`, 3)[1], `"`)
			if r.Status != 403 || json.Unmarshal(r.Body, &p) != nil || !strings.Contains(p.Detail, field+": only reporters of the organisation that reported the") {
				t.Errorf("= %d %s, want 403 naming %s", r.Status, r.Body, field)
			}
		})
	}
	if after := e.events(); after != before {
		t.Errorf("refused edits appended %d events", after-before)
	}
	// Status stays with those who coordinate: another verified
	// organisation closes the CLEAR need and verifies the incident.
	if r := e.do(e.w.Other, "PATCH", "/api/v1/needs/"+need, `{"status": "closed"}`); r.Status != 200 {
		t.Errorf("other org closes a TLP:CLEAR need = %d %s", r.Status, r.Body)
	}
	if r := e.do(e.w.Other, "PATCH", "/api/v1/incidents/"+inc, `{"status": "verified"}`); r.Status != 200 {
		t.Errorf("other org verifies a TLP:CLEAR incident = %d %s", r.Status, r.Body)
	}
	if r := e.do(e.w.Colleague, "PATCH", "/api/v1/offers/"+offer, `{"title": "satellite terminals"}`); r.Status != 200 {
		t.Errorf("the source organisation edits its offer = %d %s", r.Status, r.Body)
	}
}
