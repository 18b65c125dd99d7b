package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"lifeline/api"
	"lifeline/atlas/starter"
	"lifeline/coord"
	"lifeline/impact"
)

// TestIncidentCandidates: the candidates of an incident are ranked from
// the countries it names and the drops observed (here fed as the alerts
// of the merged instance will be), shown only to those who may see it; a
// coordinator of an organisation it is shared with accepts one, which
// adds its elements through a normal, signed update.
func TestIncidentCandidates(t *testing.T) {
	a, err := starter.Load()
	if err != nil {
		t.Fatal(err)
	}
	g, err := impact.NewGraph(a, impact.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fed := 0
	drops := func(_ context.Context, _ coord.Viewer, in *coord.Incident) ([]coord.Drop, error) {
		fed++
		return []coord.Drop{{Country: "MR", Share: 1, Signal: "bgp:country/MR", At: time.Date(2026, 3, 1, 5, 0, 0, 0, time.UTC)}, {Country: "PT", Share: 0}}, nil
	}
	e := newEnv(t, api.Options{Graph: g, Drops: drops})
	e.db.Elements = a // as serve does: incidents list only elements of the atlas served
	body := `{"title": "West Africa dark", "kind": "cable_cut", "countries": ["MR", "GM", "SL", "LR", "GN"],
		"tlp": "TLP:AMBER", "share_with_orgs": ["` + e.w.Named.OrgID + `"]}`
	r := e.do(e.w.Author, "POST", "/api/v1/incidents", body)
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var in coord.Incident
	json.Unmarshal(r.Body, &in)
	path := "/api/v1/incidents/" + in.ID
	for _, tc := range []struct {
		who  coord.Viewer
		want int
	}{{e.w.Author, 200}, {e.w.Named, 200}, {e.w.Other, 404}, {coord.Viewer{}, 404}} {
		if r := e.do(tc.who, "GET", path+"/candidates", nil); r.Status != tc.want {
			t.Errorf("candidates as %q: %d, want %d", tc.who.MemberID, r.Status, tc.want)
		}
	}
	r = e.do(e.w.Named, "GET", path+"/candidates", nil)
	var got struct {
		Incident   string
		Observed   []coord.Drop
		Candidates []impact.Candidate
	}
	r.json(t, &got)
	if fed == 0 || len(got.Observed) != 6 || got.Observed[3].Country != "MR" || got.Observed[3].Share != 1 {
		t.Errorf("observed %+v; want the five named countries and the two fed, MR at its measured 1", got.Observed)
	}
	if len(got.Candidates) == 0 || !strings.HasPrefix(got.Candidates[0].Elements[0], "segment:ace/") {
		t.Fatalf("candidates %v; want an ACE segment first, the only cable of the five", got.Candidates)
	}
	if r := e.do(e.w.Author, "GET", path+"/candidates?x=1", nil); r.Status != 400 {
		t.Errorf("unknown parameter: %d, want 400", r.Status)
	}

	// Named accepts the first (a coordinator of an organisation the
	// incident is shared with, not its source); Other may not see it.
	best := got.Candidates[0]
	accept, _ := json.Marshal(map[string]any{"accept_candidate": map[string]any{"elements": best.Elements, "score": best.Score}})
	if r := e.do(e.w.Other, "PATCH", path, string(accept)); r.Status != 404 {
		t.Errorf("accept as other: %d, want 404", r.Status)
	}
	before := e.events()
	r = e.do(e.w.Named, "PATCH", path, string(accept))
	if r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	var after coord.Incident
	r.json(t, &after)
	if !slices.Equal(after.Elements, best.Elements) || e.events() != before+1 {
		t.Errorf("elements %v, %d new events; want %v through one event", after.Elements, e.events()-before, best.Elements)
	}
	if r := e.do(e.w.Named, "PATCH", path, `{"accept_candidate": {"elements": ["segment:no-such-cable/1"]}}`); r.Status != 400 {
		t.Errorf("accepting an element the atlas lacks: %d, want 400: %s", r.Status, r.Body)
	}

	// Without an atlas the route says so.
	bare := newEnv(t, api.Options{})
	in2 := coord.Incident{}
	r = bare.do(bare.w.Author, "POST", "/api/v1/incidents", `{"title": "x", "kind": "cable_cut", "countries": ["MR"], "tlp": "TLP:CLEAR"}`)
	json.Unmarshal(r.Body, &in2)
	if r := bare.do(bare.w.Author, "GET", fmt.Sprintf("/api/v1/incidents/%s/candidates", in2.ID), nil); r.Status != 404 {
		t.Errorf("no atlas: %d, want 404", r.Status)
	}
}
