package api_test

import (
	"fmt"
	"testing"

	"lifeline/api"
)

// BenchmarkOffersWithCoverage reads a page of 50 offers, each with its
// coverage from two matches, one offer, and the proposals for a need
// among 200 open offers, over SQLite: what the records of the offers'
// coverage (offer.coverage) cost a read.
func BenchmarkOffersWithCoverage(b *testing.B) {
	e := newEnv(b, api.Options{Rate: -1})
	post := func(body, path string) string {
		r := e.do(e.w.Author, "POST", path, body)
		if r.Status != 201 {
			b.Fatalf("seed: %d %s", r.Status, r.Body)
		}
		var c struct{ ID string }
		r.json(b, &c)
		return c.ID
	}
	need := post(`{"title": "gensets", "category": "power/generator", "quantity": 1000, "unit": "unit", "countries": ["SD"], "tlp": "TLP:GREEN"}`, "/api/v1/needs")
	var offer string
	for i := range 200 {
		offer = post(fmt.Sprintf(`{"title": "offer %d", "category": "power/generator", "quantity": 10, "unit": "unit", "tlp": "TLP:GREEN"}`, i), "/api/v1/offers")
		for range 2 {
			post(`{"need_id": "`+need+`", "offer_id": "`+offer+`", "quantity": 2}`, "/api/v1/matches")
		}
	}
	other := post(`{"title": "more gensets", "category": "power/generator", "quantity": 10, "unit": "unit", "countries": ["SD"], "tlp": "TLP:GREEN"}`, "/api/v1/needs")
	for _, tt := range []struct{ name, path string }{
		{"page of 50", "/api/v1/offers?limit=50"},
		{"one offer", "/api/v1/offers/" + offer},
		{"proposals", "/api/v1/needs/" + other + "/proposals"},
	} {
		b.Run(tt.name, func(b *testing.B) {
			for b.Loop() {
				if r := e.do(e.w.Other, "GET", tt.path, nil); r.Status != 200 {
					b.Fatalf("%d %s", r.Status, r.Body)
				}
			}
		})
	}
}
