package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"lifeline/coord"
	"lifeline/web/i18n"
)

// TestAlertsOnPages: the detector's alerts are on the dashboard's fresh
// alerts and the country page, each with its sparkline, as the reader may
// see them; the live sources' page is for the instance's administrators.
func TestAlertsOnPages(t *testing.T) {
	in := newInstance(t)
	ctx := context.Background()
	a, g := testAtlas(t)
	t0 := time.Now().Add(-2 * time.Hour).Truncate(5 * time.Minute)
	vals := []float64{1000, 1010, 995, 120, 80, 90}
	mk := func(entity, country string, tlp coord.TLP) *coord.Alert {
		al := &coord.Alert{Entity: entity, Country: country, Status: "confirmed", Level: "critical", Kinds: []string{"bgp", "probing"},
			Start: t0.Add(15 * time.Minute), Raised: t0.Add(25 * time.Minute), Drop: 0.92, Marking: coord.Marking{TLP: tlp}}
		sig := coord.AlertSignal{Signal: "bgp:" + entity, Start: t0, Step: 300, Baseline: 1000}
		for i := range vals {
			sig.Values = append(sig.Values, &vals[i])
		}
		sig.Values[2] = nil
		al.Signals = []coord.AlertSignal{sig}
		if err := in.db.RaiseAlert(ctx, coord.System, al); err != nil {
			t.Fatal(err)
		}
		return al
	}
	sd := mk("country/SD", "SD", "")
	mk("country/ET", "ET", coord.TLPAmber)
	sources := []Source{{Name: "ris", Kind: "ris-live", State: "stalled", Messages: 12, Stalls: 1, Errors: 1,
		LastError: "the stream stalled", ErrorAt: time.Now(), GapCount: 1, GapTime: time.Minute,
		Gaps: []SourceGap{{From: t0, To: t0.Add(time.Minute), Reason: "disconnected"}}}}
	h, err := New(Config{Atlas: a, Graph: g, Services: services(in.db), Alerts: in.db, Sources: func() []Source { return sources }})
	if err != nil {
		t.Fatal(err)
	}
	in.ts = httptest.NewServer(h)
	defer in.ts.Close()

	anon := in.browser(t)
	_, body := anon.get("/")
	if strings.Count(body, `<svg class="spark"`) != 1 || !strings.Contains(body, "Sudan") {
		t.Errorf("the dashboard's fresh alerts, anonymously: %d sparklines (want 1: the TLP:AMBER alert is not shown), Sudan %v",
			strings.Count(body, `<svg class="spark"`), strings.Contains(body, "Sudan"))
	}
	// The missing value breaks the line in two; the baseline is dashed.
	if strings.Count(body, "<polyline") != 2 || !strings.Contains(body, `stroke-dasharray`) {
		t.Errorf("sparkline: %d lines", strings.Count(body, "<polyline"))
	}
	if _, body := anon.get("/atlas/countries/SD"); !strings.Contains(body, `<svg class="spark"`) || !strings.Contains(body, "Alerts from routing") {
		t.Error("the country page does not show the country's alert")
	}
	if _, body := anon.get("/atlas/countries/ET"); strings.Contains(body, `<svg class="spark"`) {
		t.Error("the country page shows a TLP:AMBER alert to an anonymous reader")
	}
	if resp, _ := anon.get("/admin/sources"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("/admin/sources anonymously: %d, want a redirect to log in", resp.StatusCode)
	}
	coordB := in.browser(t)
	coordB.login(in.tokA)
	if resp, _ := coordB.get("/admin/sources"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("/admin/sources for an organisation's administrator: %d, want 403", resp.StatusCode)
	}
	admin := in.browser(t)
	admin.login(in.adminTok)
	resp, body := admin.get("/admin/sources")
	if resp.StatusCode != 200 || !strings.Contains(body, "ris-live") || !strings.Contains(body, `<strong class="problem">stalled</strong>`) ||
		!strings.Contains(body, "the stream stalled") || !strings.Contains(body, "disconnected") {
		t.Errorf("/admin/sources: %d %.2000s", resp.StatusCode, body)
	}
	// Every language shows the alerts and the sources without a key or a
	// formatting fault.
	for _, l := range i18n.Langs {
		for _, p := range []string{"/", "/atlas/countries/SD", "/admin/sources"} {
			_, body := admin.get(p + "?lang=" + l.Code)
			if fault := keyOrFault(body); fault != "" || !strings.Contains(body, `<html lang="`+l.Code+`"`) {
				t.Errorf("%s %s: %q shows", l.Code, p, fault)
			}
		}
	}
	// A page's weight: one alert adds well under a kilobyte, and the ten
	// the dashboard shows at most a few kilobytes gzipped.
	if sp := sparkline(&request{}, sd); len(sp) > 900 {
		t.Errorf("a sparkline of %d bytes", len(sp))
	}
	_, before := anon.get("/")
	for i := range 12 {
		mk(fmt.Sprintf("asn/%d", 15700+i), "SD", "")
	}
	_, after := anon.get("/")
	if n := strings.Count(after, `<svg class="spark"`); n != 10 {
		t.Errorf("the dashboard shows %d alerts, want the 10 most pressing", n)
	}
	added := gzipLen(after) - gzipLen(before)
	t.Logf("ten alerts add %d bytes gzipped to the dashboard (%d raw)", added, len(after)-len(before))
	if added > 6000 {
		t.Errorf("ten alerts add %d bytes gzipped", added)
	}
}

func gzipLen(s string) int {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Len()
}
