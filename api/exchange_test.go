package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"lifeline/api"
	"lifeline/coord"
	"lifeline/store/storetest"
)

// TestExportNegotiation reads every item of every TLP level as every kind
// of viewer in every exchange format the API serves, chosen by Accept and
// by ?format=: each document holds exactly the items the policy lets the
// viewer see, and an item it may not see is a 404 in every format.
func TestExportNegotiation(t *testing.T) {
	e := newEnv(t, api.Options{Instance: "lifeline.example.org"})
	items := e.w.Items(t)
	names, viewers := e.w.Viewers()
	lists := []struct{ path, accept, ctype, kind string }{
		{"/api/v1/incidents", "application/geo+json", "application/geo+json", "incident"},
		{"/api/v1/incidents", "application/stix+json;version=2.1", "application/stix+json;version=2.1", "incident"},
		{"/api/v1/incidents", "text/csv", "text/csv; charset=utf-8", "incident"},
		{"/api/v1/incidents?format=hxl&kind=restoration", "", "text/csv; charset=utf-8", ""},
		{"/api/v1/incidents?format=stop", "", "text/csv; charset=utf-8", ""},
		{"/api/v1/needs", "text/csv;q=0.9, application/json;q=0.5", "text/csv; charset=utf-8", "need"},
		{"/api/v1/offers?format=hxl", "", "text/csv; charset=utf-8", "offer"},
		{"/api/v1/matches?format=hxl", "", "text/csv; charset=utf-8", "match"},
	}
	for i, v := range viewers {
		t.Run(names[i], func(t *testing.T) {
			var bodies []string
			for _, l := range lists {
				r := e.do(v, "GET", l.path, nil, "Accept", l.accept)
				if r.Status != http.StatusOK || r.Header.Get("Content-Type") != l.ctype {
					t.Fatalf("GET %s (Accept %s) = %d %s %.300s", l.path, l.accept, r.Status, r.Header.Get("Content-Type"), r.Body)
				}
				bodies = append(bodies, string(r.Body))
				if l.kind == "" {
					continue
				}
				for _, level := range coord.TLPs {
					want := storetest.Matrix[level][i]
					if l.kind == "match" && (level == coord.TLPAmber || level == coord.TLPAmberStrict) {
						want = want && names[i] != "named org"
					}
					if got := strings.Contains(string(r.Body), items[level][l.kind]); got != want {
						t.Errorf("%s %s in %s (Accept %s): listed = %v, want %v", level, l.kind, l.path, l.accept, got, want)
					}
				}
			}
			one := []struct{ kind, path, accept, ctype string }{
				{"incident", "/api/v1/incidents/%s", "application/cap+xml", "application/cap+xml"},
				{"incident", "/api/v1/incidents/%s?format=stix", "", "application/stix+json;version=2.1"},
				{"incident", "/api/v1/incidents/%s?format=geojson", "", "application/geo+json"},
				{"need", "/api/v1/needs/%s", "application/xml", "application/xml"},
				{"offer", "/api/v1/offers/%s?format=edxl", "", "application/xml"},
				{"match", "/api/v1/matches/%s", "application/*", "application/json"},
			}
			for _, level := range coord.TLPs {
				for _, o := range one {
					want := storetest.Matrix[level][i]
					if o.kind == "match" && (level == coord.TLPAmber || level == coord.TLPAmberStrict) {
						want = want && names[i] != "named org"
					}
					id := items[level][o.kind]
					path := strings.Replace(o.path, "%s", id, 1)
					r := e.do(v, "GET", path, nil, "Accept", o.accept)
					bodies = append(bodies, string(r.Body))
					switch {
					case want && (r.Status != http.StatusOK || r.Header.Get("Content-Type") != o.ctype || !strings.Contains(string(r.Body), id)):
						t.Errorf("%s %s: GET %s = %d %s %.200s", level, o.kind, path, r.Status, r.Header.Get("Content-Type"), r.Body)
					case !want && r.Status != http.StatusNotFound:
						t.Errorf("LEAK %s %s: GET %s = %d, want 404", level, o.kind, path, r.Status)
					}
				}
			}
			for _, level := range coord.TLPs {
				for kind, id := range items[level] {
					want := storetest.Matrix[level][i]
					if kind == "match" && (level == coord.TLPAmber || level == coord.TLPAmberStrict) {
						want = want && names[i] != "named org"
					}
					if want {
						continue
					}
					for _, b := range bodies {
						if strings.Contains(b, id) {
							t.Errorf("LEAK: hidden %s %s appears in an export: %.300s", level, kind, b)
							break
						}
					}
				}
			}
		})
	}
}

// TestNotAcceptable checks that a type or format a path does not serve is
// a 406 naming what it serves, and that a bad narrowing of an export is
// refused like that of a list.
func TestNotAcceptable(t *testing.T) {
	e := newEnv(t, api.Options{})
	cases := []struct {
		path, accept string
		status       int
		says         string
	}{
		{"/api/v1/incidents", "application/pdf", 406, "application/geo+json"},
		{"/api/v1/incidents?format=cap", "", 406, "format=cap is not served here"},
		{"/api/v1/needs", "application/cap+xml", 406, "text/csv"},
		{"/api/v1/incidents?format=word", "", 406, "one of json, geojson, stix, hxl, stop"},
		{"/api/v1/incidents?format=hxl&kind=needs", "", 400, "kind: expected incidents or restoration"},
		{"/api/v1/incidents?format=stix&limit=3", "", 400, "limit: unknown query parameter"},
		{"/api/v1/incidents?format=stix&status=gone", "", 400, "status: expected one of"},
		{"/api/v1/needs?format=hxl&kind=offers", "", 400, "kind: unknown query parameter"},
		{"/api/v1/incidents", "text/html, */*;q=0.1", 200, "items"},
		{"/api/v1/incidents?format=json", "text/csv", 200, "items"},
	}
	for _, c := range cases {
		r := e.do(coord.Viewer{}, "GET", c.path, nil, "Accept", c.accept)
		if r.Status != c.status || !strings.Contains(string(r.Body), c.says) {
			t.Errorf("GET %s (Accept %q) = %d %s, want %d saying %q", c.path, c.accept, r.Status, r.Body, c.status, c.says)
		}
		if r.Status >= 400 {
			var p api.Problem
			if err := json.Unmarshal(r.Body, &p); err != nil {
				t.Errorf("GET %s: not a problem document: %s", c.path, r.Body)
			}
			checkForPeople(t, c.path, r.Body)
		}
	}
}
