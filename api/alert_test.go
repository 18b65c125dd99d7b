package api_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lifeline/api"
	"lifeline/coord"
	"lifeline/store/sqlite"
)

// TestAlerts: GET /api/v1/alerts lists the alerts the caller may see,
// narrowed by country, network, time and state, a page at a time; GET
// /api/v1/alerts/{id} gives one with its signal series; bad narrowing is
// refused with the parameter named.
func TestAlerts(t *testing.T) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "lifeline.db"))
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvOn(t, db, api.Options{Alerts: db})
	t0 := time.Date(2026, 6, 3, 6, 0, 0, 0, time.UTC)
	v := 12.0
	raise := func(a *coord.Alert) {
		t.Helper()
		a.Status, a.Level, a.Kinds, a.Start, a.Raised = "suspected", "critical", []string{"bgp"}, t0, t0.Add(10*time.Minute)
		a.Signals = []coord.AlertSignal{{Signal: "bgp:" + a.Entity, Start: t0, Step: 300, Values: []*float64{&v, nil}, Baseline: 100}}
		if err := db.RaiseAlert(context.Background(), coord.System, a); err != nil {
			t.Fatal(err)
		}
	}
	sd := &coord.Alert{Entity: "country/SD", Country: "SD"}
	raise(sd)
	raise(&coord.Alert{Entity: "asn/15706", Country: "SD", ASN: 15706})
	raise(&coord.Alert{Entity: "country/ET", Country: "ET", Marking: coord.Marking{TLP: coord.TLPRed}})
	var page coord.Page[*coord.Alert]
	for _, c := range []struct {
		query string
		want  int
	}{{"", 2}, {"?country=SD", 2}, {"?asn=AS15706", 1}, {"?state=open", 2}, {"?state=recovered", 0}, {"?since=2026-06-03T07:00:00Z", 2}, {"?limit=1", 1}} {
		r := e.do(coord.Viewer{}, "GET", "/api/v1/alerts"+c.query, nil)
		r.json(t, &page)
		if r.Status != 200 || len(page.Items) != c.want {
			t.Errorf("GET /api/v1/alerts%s: %d, %d items; want %d", c.query, r.Status, len(page.Items), c.want)
		}
	}
	r := e.do(coord.Viewer{}, "GET", "/api/v1/alerts?limit=1", nil)
	r.json(t, &page)
	r = e.do(coord.Viewer{}, "GET", "/api/v1/alerts?limit=1&after="+page.Next, nil)
	var second coord.Page[*coord.Alert]
	r.json(t, &second)
	if len(second.Items) != 1 || second.Items[0].ID == page.Items[0].ID {
		t.Errorf("second page: %+v", second.Items)
	}
	r = e.do(coord.Viewer{}, "GET", "/api/v1/alerts/"+sd.ID, nil)
	var a coord.Alert
	r.json(t, &a)
	if r.Status != 200 || len(a.Signals) != 1 || a.Signals[0].Baseline != 100 || a.Signals[0].Values[1] != nil || *a.Signals[0].Values[0] != 12 ||
		a.TLP != coord.TLPClear || r.Header.Get("ETag") == "" {
		t.Errorf("GET one: %d %s", r.Status, r.Body)
	}
	for q, want := range map[string]string{
		"?asn=twelve":         "asn: expected an AS number",
		"?since=yesterday":    "since: expected an RFC 3339 time",
		"?state=closed":       "state: expected open or recovered",
		"?country=Sudan":      "country:",
		"?status=open":        "status: unknown query parameter",
		"?country=SD&asn=1&x": "x: unknown query parameter",
	} {
		r := e.do(coord.Viewer{}, "GET", "/api/v1/alerts"+q, nil)
		if r.Status != 400 || !strings.Contains(string(r.Body), want) {
			t.Errorf("GET /api/v1/alerts%s: %d %s; want 400 and %q", q, r.Status, r.Body, want)
		}
	}
}
