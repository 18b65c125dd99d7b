package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"lifeline/api"
	"lifeline/atlas/starter"
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

// TestStrictInput replays the audit's bad inputs: each is refused with a
// 400 that names the field, says what is accepted and what was found, and
// appends no event.
func TestStrictInput(t *testing.T) {
	e := newEnv(t, api.Options{})
	a, err := starter.Load()
	if err != nil {
		t.Fatal(err)
	}
	e.db.Elements = a
	cable := "cable:" + a.Cables[0].ID
	post := func(path string, body string) string {
		t.Helper()
		r := e.do(e.w.Author, "POST", path, body)
		if r.Status != 201 {
			t.Fatalf("POST %s = %d %s", path, r.Status, r.Body)
		}
		var c struct{ ID string }
		r.json(t, &c)
		return c.ID
	}
	inc := post("/api/v1/incidents", `{"title": "Cut", "kind": "cable_cut", "elements": ["`+cable+`"]}`)
	need := post("/api/v1/needs", `{"title": "generators", "category": "power/generator", "quantity": 5, "unit": "unit", "countries": ["SD"]}`)
	offer := post("/api/v1/offers", `{"title": "gensets", "category": "power/generator", "quantity": 5, "unit": "unit"}`)
	match := post("/api/v1/matches", `{"need_id": "`+need+`", "offer_id": "`+offer+`", "quantity": 1}`)
	before := e.events()
	for _, tt := range []struct {
		name, method, path, body, detail string
	}{
		{"duplicate key", "POST", "/api/v1/incidents", `{"title": "x", "kind": "other", "tlp": "TLP:RED", "tlp": "TLP:CLEAR"}`, "tlp: given twice; each field may appear once"},
		{"duplicate nested key", "POST", "/api/v1/incidents", `{"title": "x", "kind": "other", "area": {"type": "Polygon", "type": "Point"}}`, "area.type: given twice"},
		{"unknown nested key", "POST", "/api/v1/incidents", `{"title": "x", "kind": "other", "evidence": [{"kind": "link", "URL": "https://x"}]}`, "evidence[0].URL: unknown field; field names are case-sensitive: expected url"},
		{"unknown key in an object", "PATCH", "/api/v1/incidents/" + inc, `{"repair": {"element": "x", "state": "damaged"}}`, "repair.state: unknown field; expected one of element, status, note"},
		{"key in another case", "POST", "/api/v1/incidents", `{"title": "x", "kind": "other", "TLP": "TLP:RED"}`, "TLP: unknown field; field names are case-sensitive: expected tlp"},
		{"invalid UTF-8", "POST", "/api/v1/incidents", "{\"title\": \"caf\xe9\", \"kind\": \"other\"}", "title: text is not valid UTF-8"},
		{"NUL", "POST", "/api/v1/incidents", `{"title": "a\u0000b", "kind": "other"}`, `title: contains a NUL character`},
		{"NUL in a list", "POST", "/api/v1/incidents", `{"title": "a", "kind": "other", "elements": ["cable:a\u0000"]}`, `elements[0]: contains a NUL character`},
		{"country XX", "POST", "/api/v1/incidents", `{"title": "x", "kind": "other", "countries": ["SD", "XX"]}`, `countries[1]: "XX" is not an ISO 3166-1 country code`},
		{"country XX on a need", "PATCH", "/api/v1/needs/" + need, `{"countries": ["XX"]}`, `countries[0]: "XX" is not an ISO 3166-1 country code`},
		{"unknown org", "POST", "/api/v1/incidents", `{"title": "x", "kind": "other", "tlp": "TLP:AMBER", "share_with_orgs": ["org_nobody"]}`, `share_with_orgs: no organisation "org_nobody" on this instance`},
		{"unknown member", "POST", "/api/v1/offers", `{"title": "x", "category": "power", "quantity": 1, "unit": "u", "tlp": "TLP:RED", "recipients": ["mem_nobody"]}`, `recipients: no member "mem_nobody" on this instance`},
		{"unknown org on widening", "PATCH", "/api/v1/needs/" + need, `{"share_with_orgs": ["org_nobody"]}`, `share_with_orgs: no organisation "org_nobody"`},
		{"unknown member in a match", "POST", "/api/v1/matches", `{"need_id": "` + need + `", "offer_id": "` + offer + `", "quantity": 1, "recipients": ["mem_nobody"]}`, `recipients: no member "mem_nobody"`},
		{"unknown element", "POST", "/api/v1/incidents", `{"title": "x", "kind": "cable_cut", "elements": ["cable:does-not-exist"]}`, `elements[0]: no atlas element "cable:does-not-exist"; expected the id of an element of the atlas`},
		{"unknown element added", "PATCH", "/api/v1/incidents/" + inc, `{"elements": ["` + cable + `", "cable:does-not-exist"]}`, `elements[1]: no atlas element "cable:does-not-exist"`},
		{"position of one number", "POST", "/api/v1/incidents", `{"title": "x", "kind": "other", "area": {"type": "Polygon", "coordinates": [[[0], [1, 0], [1, 1], [0, 0]]]}}`, "polygon 0 ring 0 position 0: expected [longitude, latitude]"},
		{"hole outside its shell", "POST", "/api/v1/incidents", `{"title": "x", "kind": "other", "area": {"type": "Polygon", "coordinates": [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], [[10, 10], [11, 10], [11, 11], [10, 10]]]}}`, "polygon 0 ring 1 is a hole, but its position 0 [10, 10] lies outside the outer ring"},
		{"status filter", "GET", "/api/v1/incidents?status=bogus", "", `status: expected one of reported, verified, responding, restoring, resolved, dismissed, found "bogus"`},
		{"need status filter", "GET", "/api/v1/needs?status=fulfilled", "", `status: expected one of open, closed, found "fulfilled"`},
		{"match status filter", "GET", "/api/v1/matches?status=open", "", `status: expected one of proposed, committed`},
		{"unknown query parameter", "GET", "/api/v1/needs?colour=red", "", "colour: unknown query parameter; expected one of after, limit, status, country, incident_id"},
		{"narrowing a list cannot take", "GET", "/api/v1/matches?country=SD", "", "country: unknown query parameter; expected one of after, limit, status"},
		{"parameter given twice", "GET", "/api/v1/offers?status=open&status=closed", "", "status: given 2 times"},
		{"empty incident update", "PATCH", "/api/v1/incidents/" + inc, `{}`, "body: nothing to change; name at least one of title, description"},
		{"empty need update", "PATCH", "/api/v1/needs/" + need, `{}`, "body: nothing to change; name at least one of title, quantity"},
		{"empty offer update", "PATCH", "/api/v1/offers/" + offer, `{}`, "body: nothing to change"},
		{"empty match update", "PATCH", "/api/v1/matches/" + match, `{}`, "status: required; expected one of committed, dispatched, delivered, released or cancelled"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if tt.body != "" {
				body = tt.body
			}
			r := e.do(e.w.Author, tt.method, tt.path, body)
			var p api.Problem
			if r.Status != 400 || json.Unmarshal(r.Body, &p) != nil || !strings.Contains(p.Detail, tt.detail) {
				t.Errorf("= %d %s, want 400 with a detail containing %q", r.Status, r.Body, tt.detail)
			}
		})
	}
	if after := e.events(); after != before {
		t.Errorf("refused input appended %d events", after-before)
	}
	// The same with only valid parts is accepted: the refusals were for
	// the reasons named.
	for _, tt := range []struct{ method, path, body string }{
		{"POST", "/api/v1/incidents", `{"title": "x", "kind": "other", "tlp": "TLP:AMBER", "countries": ["SD", "XK"], "share_with_orgs": ["` + e.w.Named.OrgID + `"]}`},
		{"GET", "/api/v1/incidents?status=verified&country=SD&limit=5", ""},
	} {
		var body any
		if tt.body != "" {
			body = tt.body
		}
		if r := e.do(e.w.Author, tt.method, tt.path, body); r.Status >= 300 {
			t.Errorf("%s %s = %d %s", tt.method, tt.path, r.Status, r.Body)
		}
	}
}

// TestCoverageForThirdOrganisation: a need committed by another
// organisation shows its coverage to a third organisation that may see
// the need but not the commitment, and names nobody it may not see —
// neither the offer, nor the match, nor the committing organisation.
func TestCoverageForThirdOrganisation(t *testing.T) {
	e := newEnv(t, api.Options{})
	post := func(v coord.Viewer, path, body string) string {
		t.Helper()
		r := e.do(v, "POST", path, body)
		if r.Status != 201 {
			t.Fatalf("POST %s = %d %s", path, r.Status, r.Body)
		}
		var c struct{ ID string }
		r.json(t, &c)
		return c.ID
	}
	need := post(e.w.Author, "/api/v1/needs", `{"title": "generators", "category": "power/generator", "quantity": 10, "unit": "unit", "countries": ["SD"], "tlp": "TLP:GREEN"}`)
	offer := post(e.w.Named, "/api/v1/offers", `{"title": "gensets", "category": "power/generator", "quantity": 6, "unit": "unit", "tlp": "TLP:AMBER", "share_with_orgs": ["`+e.w.Author.OrgID+`"]}`)
	match := post(e.w.Author, "/api/v1/matches", `{"need_id": "`+need+`", "offer_id": "`+offer+`", "quantity": 6}`)
	for _, to := range []string{"committed", "dispatched"} {
		if r := e.do(e.w.Named, "PATCH", "/api/v1/matches/"+match, `{"status": "`+to+`"}`); r.Status != 200 {
			t.Fatalf("%s: %d %s", to, r.Status, r.Body)
		}
	}
	if r := e.do(e.w.Author, "PATCH", "/api/v1/matches/"+match, `{"status": "delivered"}`); r.Status != 200 {
		t.Fatalf("delivered: %d %s", r.Status, r.Body)
	}
	r := e.do(e.w.Named, "GET", "/api/v1/offers/"+offer, nil)
	var o struct {
		Coverage struct{ Held, Delivered int64 }
	}
	r.json(t, &o)
	if r.Status != 200 || o.Coverage.Held != 6 || o.Coverage.Delivered != 6 {
		t.Errorf("the provider's offer coverage = %d %s, want 6 held and delivered", r.Status, r.Body)
	}
	type coverage struct {
		Held, Covered, Dispatched, Delivered int64
		Matches                              []struct {
			MatchID  string `json:"match_id"`
			OfferOrg string `json:"offer_org"`
		}
	}
	for _, tt := range []struct {
		name  string
		v     coord.Viewer
		named bool
	}{{"requester", e.w.Author, true}, {"provider", e.w.Named, true}, {"third organisation", e.w.Other, false}} {
		for _, path := range []string{"/api/v1/needs/" + need, "/api/v1/needs?limit=500"} {
			r := e.do(tt.v, "GET", path, nil)
			if r.Status != 200 {
				t.Fatalf("%s: GET %s = %d %s", tt.name, path, r.Status, r.Body)
			}
			var c coverage
			if strings.Contains(path, "?") {
				var p struct{ Items []struct{ Coverage coverage } }
				r.json(t, &p)
				if len(p.Items) != 1 {
					t.Fatalf("%s: %d needs listed", tt.name, len(p.Items))
				}
				c = p.Items[0].Coverage
			} else {
				var n struct{ Coverage coverage }
				r.json(t, &n)
				c = n.Coverage
			}
			if c.Held != 6 || c.Covered != 6 || c.Dispatched != 6 || c.Delivered != 6 {
				t.Errorf("%s: %s coverage %+v, want 6 held, covered, dispatched and delivered", tt.name, path, c)
			}
			if got := len(c.Matches) == 1 && c.Matches[0].MatchID == match && c.Matches[0].OfferOrg == e.w.Named.OrgID; got != tt.named {
				t.Errorf("%s: %s names the match = %v, want %v: %+v", tt.name, path, got, tt.named, c.Matches)
			}
			if !tt.named {
				for _, hidden := range []string{match, offer, e.w.Named.OrgID} {
					if strings.Contains(string(r.Body), hidden) {
						t.Errorf("%s: %s reveals %s: %s", tt.name, path, hidden, r.Body)
					}
				}
			}
		}
	}
}
