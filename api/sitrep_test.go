package api_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"lifeline/api"
	"lifeline/coord"
	"lifeline/sitrep"
)

// TestSitrep: GET /api/v1/sitrep gives the report as the caller may see
// it — a TLP:AMBER need is in the report of the organisations it is
// shared with, marked TLP:AMBER, and absent from another's, which is
// TLP:CLEAR — as JSON, or as HTML through the renderer the server gives.
func TestSitrep(t *testing.T) {
	var gotLang, gotAccept string
	e := newEnv(t, api.Options{SitrepHTML: func(w io.Writer, rep *sitrep.Report, lang, accept string) error {
		gotLang, gotAccept = lang, accept
		_, err := io.WriteString(w, "<!DOCTYPE html><title>"+string(rep.TLP)+"</title>")
		return err
	}})
	ctx := context.Background()
	need := &coord.Need{Resource: coord.Resource{Title: "Generators for Port Sudan", Category: "power", Quantity: 4, Unit: "generators",
		Countries: []string{"SD"}}}
	need.Marking = coord.Marking{TLP: coord.TLPAmber, Orgs: []string{e.w.Named.OrgID}}
	if err := e.db.CreateNeed(ctx, e.w.Author, need); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		TLP   coord.TLP `json:"tlp"`
		Needs []struct {
			ID string `json:"id"`
		} `json:"needs"`
	}
	r := e.do(e.w.Named, "GET", "/api/v1/sitrep?country=SD", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET /api/v1/sitrep = %d %s", r.Status, r.Body)
	}
	r.json(t, &rep)
	if rep.TLP != coord.TLPAmber || len(rep.Needs) != 1 || rep.Needs[0].ID != need.ID {
		t.Errorf("the named organisation's report: %s", r.Body)
	}
	rep.Needs = nil
	r = e.do(e.w.Other, "GET", "/api/v1/sitrep", nil)
	r.json(t, &rep)
	if rep.TLP != coord.TLPClear || len(rep.Needs) != 0 || strings.Contains(string(r.Body), "Port Sudan") {
		t.Errorf("another organisation's report holds the TLP:AMBER need: %s", r.Body)
	}
	r = e.do(e.w.Named, "GET", "/api/v1/sitrep?format=html&lang=ar", nil, "Accept-Language", "fr")
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") ||
		string(r.Body) != "<!DOCTYPE html><title>TLP:AMBER</title>" || gotLang != "ar" || gotAccept != "fr" {
		t.Errorf("format=html = %d %q (%q, lang %q, accept %q)", r.Status, r.Body, r.Header.Get("Content-Type"), gotLang, gotAccept)
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("the report's CSP is %q", csp)
	}
	for _, q := range []string{"country=XX", "format=pdf", "lang=ar", "colour=red"} {
		if r := e.do(e.w.Named, "GET", "/api/v1/sitrep?"+q, nil); r.Status != http.StatusBadRequest {
			t.Errorf("?%s = %d %s, want 400", q, r.Status, r.Body)
		}
	}
	plain := newEnv(t, api.Options{})
	if r := plain.do(plain.w.Named, "GET", "/api/v1/sitrep?format=html", nil); r.Status != http.StatusBadRequest ||
		!strings.Contains(string(r.Body), "json only") {
		t.Errorf("format=html without a renderer = %d %s", r.Status, r.Body)
	}
}
