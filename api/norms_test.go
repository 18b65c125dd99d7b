package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"lifeline/api"
	"lifeline/coord"
)

// TestIncidentNormsAndBrief: the norms and the brief of an incident are
// answered only to those who may see it, and the brief's timeline holds
// only the events the reader may see — here the incident was reported
// under TLP:AMBER and widened to TLP:CLEAR, so an anonymous reader gets
// the public incident without the AMBER report.
func TestIncidentNormsAndBrief(t *testing.T) {
	e := newEnv(t, api.Options{})
	body := `{"title": "Mobile data shut down in Khartoum", "kind": "shutdown", "countries": ["SD"],
		"start": "2026-06-03T06:00:00Z", "tlp": "TLP:AMBER", "share_with_orgs": ["` + e.w.Named.OrgID + `"],
		"shutdown": {"geo_scope": "regional", "shutdown_type": "shutdown", "shutdown_extent": "full_network", "ordered_by": "government"}}`
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
		if r := e.do(tc.who, "GET", path+"/norms", nil); r.Status != tc.want {
			t.Errorf("norms as %s: %d, want %d", tc.who.MemberID, r.Status, tc.want)
		}
		if r := e.do(tc.who, "GET", path+"/brief", nil); r.Status != tc.want {
			t.Errorf("brief as %s: %d, want %d", tc.who.MemberID, r.Status, tc.want)
		}
	}
	r = e.do(e.w.Author, "GET", path+"/norms", nil)
	if !strings.Contains(string(r.Body), "iccpr") {
		t.Errorf("a government-ordered shutdown engages no ICCPR entry: %s", r.Body)
	}
	r = e.do(e.w.Author, "GET", path+"/brief", nil)
	page := string(r.Body)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || strings.Count(page, "TLP:AMBER") < 2 || !strings.Contains(page, "Reported by") {
		t.Errorf("the author's brief: %s, %d × TLP:AMBER, report in the timeline: %v", r.Header.Get("Content-Type"), strings.Count(page, "TLP:AMBER"), strings.Contains(page, "Reported by"))
	}

	// Widen to TLP:CLEAR: the public now reads the incident, not the
	// AMBER events of its history.
	r = e.do(e.w.Author, "PATCH", path, `{"tlp": "TLP:CLEAR", "share_with_orgs": []}`)
	if r.Status != 200 {
		t.Fatalf("widen: %d %s", r.Status, r.Body)
	}
	r = e.do(coord.Viewer{}, "GET", path+"/brief?format=markdown", nil)
	md := string(r.Body)
	if r.Status != 200 || !strings.Contains(md, "TLP:CLEAR") || !strings.Contains(md, "Mobile data shut down") {
		t.Fatalf("the public brief: %d %s", r.Status, md)
	}
	if strings.Contains(md, "Reported by") || strings.Contains(md, "TLP:AMBER") {
		t.Errorf("the public brief shows the TLP:AMBER report of the incident:\n%s", md)
	}
	if r := e.do(coord.Viewer{}, "GET", path+"/brief?format=pdf", nil); r.Status != 400 {
		t.Errorf("format=pdf: %d, want 400", r.Status)
	}
}

// TestSituationsInformNorms: a recorded situation changes which entries
// apply, for those who may see the situation only — the findings derived
// from a TLP:RED situation do not reveal it to others.
func TestSituationsInformNorms(t *testing.T) {
	e := newEnv(t, api.Options{})
	r := e.do(e.w.Author, "POST", "/api/v1/incidents", `{"title": "Landing station shelled", "kind": "physical_attack", "countries": ["SD"],
		"start": "2026-06-03T06:00:00Z", "tlp": "TLP:CLEAR"}`)
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var in coord.Incident
	json.Unmarshal(r.Body, &in)
	path := "/api/v1/incidents/" + in.ID + "/norms"
	before := string(e.do(coord.Viewer{}, "GET", path, nil).Body)

	r = e.do(e.w.Author, "POST", "/api/v1/situations", `{"country": "SD", "kind": "non_international_armed_conflict", "from": "2023-04-15",
		"source": "ICRC, 2023: armed conflict between SAF and RSF", "tlp": "TLP:RED", "recipients": ["`+e.w.Recipient.MemberID+`"]}`)
	if r.Status != 201 {
		t.Fatalf("record: %d %s", r.Status, r.Body)
	}
	if r := e.do(coord.Viewer{}, "POST", "/api/v1/situations", `{"country": "SD", "kind": "none", "from": "2023-04-15", "source": "x"}`); r.Status != 401 {
		t.Errorf("an anonymous record: %d, want 401", r.Status)
	}
	if r := e.do(e.w.Author, "POST", "/api/v1/situations", `{"country": "SD", "kind": "war", "from": "2023-04-15", "source": "x"}`); r.Status != 400 {
		t.Errorf("an unknown kind: %d, want 400", r.Status)
	}
	author := string(e.do(e.w.Author, "GET", path, nil).Body)
	if author == before || !strings.Contains(author, "ICRC, 2023") {
		t.Errorf("the author's findings do not use the recorded armed conflict:\n%s", author)
	}
	if public := string(e.do(coord.Viewer{}, "GET", path, nil).Body); public != before {
		t.Errorf("the public findings changed with a TLP:RED situation:\n%s\nwas\n%s", public, before)
	}
	if r := e.do(coord.Viewer{}, "GET", "/api/v1/situations?country=SD", nil); strings.Contains(string(r.Body), "ICRC") {
		t.Errorf("the public list of situations shows the TLP:RED one: %s", r.Body)
	}
}
