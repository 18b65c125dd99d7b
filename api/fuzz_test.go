package api_test

import (
	"net/http"
	"strings"
	"testing"

	"lifeline/api"
	"lifeline/coord"
	"lifeline/store/storetest"
)

// fuzzEndpoint posts fuzzed bodies to one endpoint of a server over a
// real store: every answer is a success or a 4xx problem, never a 5xx,
// and a refused body changes nothing.
func fuzzEndpoint(f *testing.F, method string, path func(e *env) string, seeds ...string) {
	fuzzEndpointAs(f, func(w *storetest.World) coord.Viewer { return w.Author }, method, path, seeds...)
}

// fuzzEndpointAs is fuzzEndpoint for requests by the viewer as returns.
func fuzzEndpointAs(f *testing.F, as func(*storetest.World) coord.Viewer, method string, path func(e *env) string, seeds ...string) {
	e := newEnv(f, api.Options{MaxBody: 64 << 10})
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		e := &env{t: t, db: e.db, w: e.w, srv: e.srv}
		target := path(e)
		before := e.events()
		r := e.do(as(e.w), method, target, body)
		if r.Status >= 500 {
			t.Fatalf("%s %s with %q = %d %s", method, target, body, r.Status, r.Body)
		}
		if r.Status >= 400 {
			if !strings.Contains(r.Header.Get("Content-Type"), "problem+json") {
				t.Fatalf("%d without a problem document", r.Status)
			}
			if e.events() != before {
				t.Fatalf("refused body %q changed the log", body)
			}
		}
	})
}

func FuzzCreateIncident(f *testing.F) {
	fuzzEndpoint(f, "POST", func(*env) string { return "/api/v1/incidents" },
		`{"title": "Cut", "kind": "cable_cut", "countries": ["SD"], "tlp": "TLP:AMBER", "share_with_orgs": ["org_x"], "recipients": ["mem_y"]}`,
		`{"title": "x", "kind": "other", "area": {"type": "Polygon", "coordinates": [[[0,0],[2,2],[2,0],[0,2],[0,0]]]}}`,
		`{"title": "x", "kind": "shutdown", "shutdown": {"geo_scope": "national", "shutdown_type": "shutdown", "gov_ack": true}, "evidence": [{"kind": "file", "sha256": "`+strings.Repeat("a", 64)+`"}]}`,
		`{"title": "x", "kind": "other", "start": "2026-01-01T00:00:00Z", "end": "2025-01-01T00:00:00Z"}`,
		`[]`, `null`, `{"title": 1e999}`)
}

func FuzzCreateNeed(f *testing.F) {
	fuzzEndpoint(f, "POST", func(*env) string { return "/api/v1/needs" },
		`{"title": "terminals", "category": "connectivity/satellite-terminal", "quantity": 10, "unit": "terminal", "countries": ["SD"], "urgency": "Immediate", "lead_time": "48h", "tlp": "TLP:GREEN"}`,
		`{"title": "x", "category": "power", "quantity": 9223372036854775807, "unit": "u", "place": {"lon": 200, "lat": 0}}`,
		`{"title": "x", "category": "power", "quantity": 1, "unit": "u", "countries": ["SD"], "lead_time": "-5h"}`)
}

func FuzzPatchIncident(f *testing.F) {
	var id string
	fuzzEndpoint(f, "PATCH", func(e *env) string {
		if id == "" {
			r := e.do(e.w.Author, "POST", "/api/v1/incidents", `{"title": "x", "kind": "other", "tlp": "TLP:GREEN"}`)
			if r.Status != http.StatusCreated {
				e.t.Fatalf("seed incident: %d %s", r.Status, r.Body)
			}
			var c struct{ ID string }
			r.json(e.t, &c)
			id = c.ID
		}
		return "/api/v1/incidents/" + id
	},
		`{"status": "dismissed"}`, `{"repair": {"element": "cable:x", "status": "damaged"}}`,
		`{"tlp": "TLP:RED"}`, `{"title": ""}`, `{"area": {"type": "MultiPolygon", "coordinates": []}}`)
}

func FuzzCreateMatch(f *testing.F) {
	fuzzEndpoint(f, "POST", func(*env) string { return "/api/v1/matches" },
		`{"need_id": "need_x", "offer_id": "offer_y", "quantity": 1}`, `{"quantity": "1"}`, `{"tlp": 5}`)
}

func FuzzPatchNeed(f *testing.F) {
	var id string
	fuzzEndpoint(f, "PATCH", func(e *env) string {
		if id == "" {
			r := e.do(e.w.Author, "POST", "/api/v1/needs", `{"title": "x", "category": "power", "quantity": 5, "unit": "u", "countries": ["SD"]}`)
			if r.Status != http.StatusCreated {
				e.t.Fatalf("seed need: %d %s", r.Status, r.Body)
			}
			var c struct{ ID string }
			r.json(e.t, &c)
			id = c.ID
		}
		return "/api/v1/needs/" + id
	},
		`{"quantity": 0}`, `{"status": "closed"}`, `{"lead_time": "1h", "valid_until": "2020-01-01T00:00:00Z"}`,
		`{"place": {"lon": 1e400}}`, `{"share_with_orgs": ["x"], "tlp": "TLP:AMBER"}`)
}

func FuzzCreateOrg(f *testing.F) {
	fuzzEndpointAs(f, func(w *storetest.World) coord.Viewer { return w.Admin }, "POST", func(*env) string { return "/api/v1/orgs" },
		`{"name": "IXP", "kind": "ixp", "countries": ["SD"], "asns": [1, 4294967295], "contacts": [{"email": "noc@example.org"}], "verified": true}`,
		`{"name": "x", "kind": "ixp", "asns": [4294967296]}`, `{"name": "", "kind": "other"}`)
}

func FuzzCreateMember(f *testing.F) {
	fuzzEndpointAs(f, func(w *storetest.World) coord.Viewer { return w.Admin }, "POST", func(e *env) string { return "/api/v1/members" },
		`{"org_id": "org_x", "name": "A", "role": "viewer"}`, `{"org_id": "", "name": "A", "role": "root"}`)
}
