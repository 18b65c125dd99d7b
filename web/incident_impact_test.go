package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"lifeline/coord"
)

// TestIncidentCandidatesAndImpact: an open incident naming the countries
// that went dark shows the ranked candidate failures; a coordinator of an
// organisation it is shared with (not its source) accepts the first,
// which becomes the incident's affected element; the page then shows what
// it costs per country and per region, the segment cut where it is (not
// its whole cable), the element by its name, a restoration row for it, and
// the change in the timeline. A signal recovery then closes the repair.
func TestIncidentCandidatesAndImpact(t *testing.T) {
	in := newInstance(t)
	a := in.browser(t)
	a.login(in.tokA)
	resp, body := a.post("/incidents/new", "/incidents", url.Values{
		"title": {"West Africa dark"}, "kind": {"cable_cut"}, "countries": {"MR, GM, GN, SL, LR"},
		"tlp": {"TLP:AMBER"}, "share": {in.orgB}, "shape": {"none"},
	})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("report: status %d: %s", resp.StatusCode, problem(body))
	}
	loc := resp.Header.Get("Location")
	b := in.browser(t)
	b.login(in.tokB)
	_, body = b.get(loc)
	if !strings.Contains(body, "Which cable was cut?") || !strings.Contains(body, "Observed falls:") || !strings.Contains(body, "Mauritania (named, extent unknown)") {
		t.Fatalf("the open incident shows no candidates:\n%s", body)
	}
	if strings.Contains(body, `id="impact"`) {
		t.Error("an incident naming no element shows an impact section")
	}
	first := regexp.MustCompile(`<li><strong>[^<]+</strong> <a href="/atlas/cables/ace">(Segment \d+ of ACE [^<]*)</a>`).FindStringSubmatch(body)
	if first == nil {
		t.Fatalf("the first candidate is not a named segment of ACE, the only cable of the five:\n%s", body)
	}
	elem := regexp.MustCompile(`name="element" value="(segment:ace/\d+)"`).FindStringSubmatch(body)
	if elem == nil {
		t.Fatal("no accept form for the coordinator of a named organisation")
	}
	ver := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)
	resp, body = b.post(loc, loc+"/candidate", url.Values{"element": {elem[1]}, "score": {"0.9"}, "version": {ver[1]}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: status %d: %s", resp.StatusCode, problem(body))
	}
	id := strings.TrimPrefix(loc, "/incidents/")
	got, err := in.db.FindIncidentByID(context.Background(), mustViewer(t, in, in.tokB), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Elements) != 1 || got.Elements[0] != elem[1] {
		t.Fatalf("elements %v after accepting %s", got.Elements, elem[1])
	}

	_, body = a.get(loc)
	for _, want := range []string{`id="impact"`, "Estimated impact", "Mauritania", "Loss per region", "Europe",
		first[1], "No step recorded yet", "affected elements added: " + first[1], "accepted"} {
		if !strings.Contains(body, want) {
			t.Errorf("after accepting, the page lacks %q", want)
		}
	}
	// The cut is drawn where it is: one failed line (the segment) over
	// its cable drawn plain, not the whole cable failed.
	if n := strings.Count(body, `class="cable failed"`); n != 1 {
		t.Errorf("%d failed lines on the map; want the one segment", n)
	}
	if !regexp.MustCompile(`class="cable" d="[^"]*"><title>ACE `).MatchString(body) {
		t.Error("the segment's cable is not drawn plain under it")
	}

	// The alerts recover: the repair closes with its cause.
	now := time.Now().UTC()
	rec := &coord.SignalRecovery{Element: elem[1], Affected: []string{"MR"}, Recovered: []coord.Drop{{Country: "MR", At: now.Add(-time.Minute)}}}
	if _, err := in.db.UpdateIncident(context.Background(), mustViewer(t, in, in.tokB), id, coord.IncidentUpdate{Recovered: rec}); err != nil {
		t.Fatal(err)
	}
	_, body = a.get(loc)
	if !strings.Contains(body, "signal recovered at") || strings.Contains(body, "No step recorded yet") {
		t.Error("the restoration row does not show the repair closed by the signal")
	}
}

func mustViewer(t *testing.T, in *instance, token string) coord.Viewer {
	t.Helper()
	v, err := in.db.Authenticate(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
