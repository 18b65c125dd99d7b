package api_test

import (
	"fmt"
	"testing"

	"lifeline/api"
)

// BenchmarkNeedsWithCoverage reads a page of 50 needs, each with its
// coverage from two matches, and one need, over SQLite: what the coverage
// (one indexed query per need) costs a list.
func BenchmarkNeedsWithCoverage(b *testing.B) {
	e := newEnv(b, api.Options{Rate: -1})
	offer := seed(b, e, "/api/v1/offers", `{"title": "gensets", "category": "power/generator", "quantity": 1000, "unit": "unit", "tlp": "TLP:GREEN"}`)
	var need string
	for i := range 200 {
		need = seed(b, e, "/api/v1/needs", fmt.Sprintf(`{"title": "need %d", "category": "power/generator", "quantity": 10, "unit": "unit", "countries": ["SD"], "tlp": "TLP:GREEN"}`, i))
		seedMatches(b, e, need, offer)
	}
	benchReads(b, e, []read{
		{"page of 50", "/api/v1/needs?limit=50"},
		{"one need", "/api/v1/needs/" + need},
	})
}

// BenchmarkOffersWithCoverage reads a page of 50 offers, each with its
// coverage from two matches, one offer, and the proposals for a need
// among 200 open offers, over SQLite: what the records of the offers'
// coverage (offer.coverage) cost a read.
func BenchmarkOffersWithCoverage(b *testing.B) {
	e := newEnv(b, api.Options{Rate: -1})
	need := seed(b, e, "/api/v1/needs", `{"title": "gensets", "category": "power/generator", "quantity": 1000, "unit": "unit", "countries": ["SD"], "tlp": "TLP:GREEN"}`)
	var offer string
	for i := range 200 {
		offer = seed(b, e, "/api/v1/offers", fmt.Sprintf(`{"title": "offer %d", "category": "power/generator", "quantity": 10, "unit": "unit", "tlp": "TLP:GREEN"}`, i))
		seedMatches(b, e, need, offer)
	}
	other := seed(b, e, "/api/v1/needs", `{"title": "more gensets", "category": "power/generator", "quantity": 10, "unit": "unit", "countries": ["SD"], "tlp": "TLP:GREEN"}`)
	benchReads(b, e, []read{
		{"page of 50", "/api/v1/offers?limit=50"},
		{"one offer", "/api/v1/offers/" + offer},
		{"proposals", "/api/v1/needs/" + other + "/proposals"},
	})
}

// seed posts body to path as the author and returns the id made.
func seed(b *testing.B, e *env, path, body string) string {
	b.Helper()
	r := e.do(e.w.Author, "POST", path, body)
	if r.Status != 201 {
		b.Fatalf("seed %s: %d %s", path, r.Status, r.Body)
	}
	var c struct{ ID string }
	r.json(b, &c)
	return c.ID
}

// seedMatches matches two units of offer to need, twice.
func seedMatches(b *testing.B, e *env, need, offer string) {
	b.Helper()
	for range 2 {
		seed(b, e, "/api/v1/matches", `{"need_id": "`+need+`", "offer_id": "`+offer+`", "quantity": 2}`)
	}
}

// read is a sub-benchmark: a GET of path.
type read struct{ name, path string }

// benchReads measures each read, by a member of another organisation,
// as a sub-benchmark of its name.
func benchReads(b *testing.B, e *env, reads []read) {
	for _, rd := range reads {
		b.Run(rd.name, func(b *testing.B) {
			for b.Loop() {
				if r := e.do(e.w.Other, "GET", rd.path, nil); r.Status != 200 {
					b.Fatalf("%d %s", r.Status, r.Body)
				}
			}
		})
	}
}
