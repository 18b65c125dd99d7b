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

// TestVisibilityMatrix reads every item of every TLP level as every kind
// of viewer through every read path of the API and finds zero leaks: a
// viewer gets 200 exactly where the policy allows, a 404 it may not tell
// apart from a missing item elsewhere, and never meets the id of an item
// it may not see in any answer.
func TestVisibilityMatrix(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { visibilityMatrix(t, newEnv(t, api.Options{})) })
	t.Run("postgres", func(t *testing.T) { visibilityMatrix(t, newPostgresEnv(t, api.Options{})) })
}

func visibilityMatrix(t *testing.T, e *env) {
	items := e.w.Items(t)
	names, viewers := e.w.Viewers()
	kinds := []string{"incident", "need", "offer", "match"}
	paths := map[string]string{"incident": "incidents", "need": "needs", "offer": "offers", "match": "matches"}
	for i, v := range viewers {
		t.Run(names[i], func(t *testing.T) {
			var bodies []string // everything this viewer was told
			get := func(path string) response {
				t.Helper()
				r := e.do(v, "GET", path, nil)
				bodies = append(bodies, string(r.Body))
				return r
			}
			// Every list, every page (small pages, to page through invisible items).
			listed := map[string]bool{}
			for _, p := range []string{"incidents", "needs", "offers", "matches", "orgs", "events"} {
				next := ""
				for n := 0; ; n++ {
					if n > 100 {
						t.Fatalf("%s: pagination does not end", p)
					}
					r := get("/api/v1/" + p + "?limit=3&after=" + next)
					if r.Status != 200 {
						t.Fatalf("GET %s = %d %s", p, r.Status, r.Body)
					}
					var page struct {
						Items []struct {
							ID      string `json:"id"`
							Subject string `json:"subject"`
						} `json:"items"`
						Next string `json:"next"`
					}
					if err := json.Unmarshal(r.Body, &page); err != nil {
						t.Fatal(err)
					}
					for _, it := range page.Items {
						listed[p+":"+it.ID+it.Subject] = true
					}
					if page.Next == "" {
						break
					}
					next = page.Next
				}
			}
			var hidden []string
			missing := get("/api/v1/incidents/inc_doesnotexist")
			var missingProblem api.Problem
			if err := json.Unmarshal(missing.Body, &missingProblem); err != nil || missing.Status != 404 {
				t.Fatalf("missing item = %d %s", missing.Status, missing.Body)
			}
			for _, level := range coord.TLPs {
				for _, kind := range kinds {
					want := storetest.Matrix[level][i]
					if kind == "match" && (level == coord.TLPAmber || level == coord.TLPAmberStrict) {
						want = want && names[i] != "named org" // a match names the parties' organisations only
					}
					id := items[level][kind]
					paths := []string{"/api/v1/" + paths[kind] + "/" + id}
					if kind == "need" {
						paths = append(paths, "/api/v1/needs/"+id+"/proposals")
					}
					for _, p := range paths {
						r := get(p)
						switch {
						case want && r.Status != http.StatusOK:
							t.Errorf("%s %s: GET %s = %d, want 200", level, kind, p, r.Status)
						case !want && r.Status != http.StatusNotFound:
							t.Errorf("LEAK %s %s: GET %s = %d, want 404", level, kind, p, r.Status)
						case !want:
							var pr api.Problem
							json.Unmarshal(r.Body, &pr)
							if pr != missingProblem {
								t.Errorf("%s %s: 404 %+v differs from a missing item's %+v", level, kind, pr, missingProblem)
							}
						}
					}
					if got := listed[paths[0][len("/api/v1/"):strings.LastIndex(paths[0], "/")]+":"+id]; got != want {
						t.Errorf("%s %s: listed = %v, want %v", level, kind, got, want)
					}
					if got := listed["events:"+id]; got != want {
						t.Errorf("%s %s: in the event log = %v, want %v", level, kind, got, want)
					}
					r := get("/api/v1/events?subject=" + id)
					var sp struct {
						Items []struct {
							Subject string `json:"subject"`
						} `json:"items"`
					}
					if err := json.Unmarshal(r.Body, &sp); err != nil || r.Status != http.StatusOK {
						t.Fatalf("GET events?subject = %d %s", r.Status, r.Body)
					}
					if got := len(sp.Items) > 0; got != want {
						t.Errorf("%s %s: events by subject = %v, want %v", level, kind, got, want)
					}
					for _, it := range sp.Items {
						if it.Subject != id {
							t.Errorf("events?subject=%s lists an event about %s", id, it.Subject)
						}
					}
					if !want {
						hidden = append(hidden, id)
					}
				}
			}
			// The source organisation's members: its own members and
			// instance admins list them; other verified organisations see
			// the organisation but may not list (403); the others may not
			// see it (404).
			wantMembers := map[string]int{"author": 200, "colleague": 200, "instance admin": 200, "unverified": 404, "anonymous": 404}[names[i]]
			if wantMembers == 0 {
				wantMembers = http.StatusForbidden
			}
			if r := get("/api/v1/orgs/" + e.w.Author.OrgID + "/members"); r.Status != wantMembers {
				t.Errorf("GET the source organisation's members = %d, want %d", r.Status, wantMembers)
			} else if r.Status == 200 && !strings.Contains(string(r.Body), e.w.Colleague.MemberID) {
				t.Errorf("the members list lacks a member: %s", r.Body)
			}
			if len(hidden) == 0 && names[i] == "anonymous" {
				t.Fatal("anonymous may see everything: the matrix is not exercised")
			}
			for _, id := range hidden {
				for _, b := range bodies {
					if strings.Contains(b, id) {
						t.Errorf("LEAK: hidden %s appears in an answer: %.300s", id, b)
						break
					}
				}
			}
		})
	}
}
