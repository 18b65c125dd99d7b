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
	post := func(body, path string) string {
		r := e.do(e.w.Author, "POST", path, body)
		if r.Status != 201 {
			b.Fatalf("seed: %d %s", r.Status, r.Body)
		}
		var c struct{ ID string }
		r.json(b, &c)
		return c.ID
	}
	offer := post(`{"title": "gensets", "category": "power/generator", "quantity": 1000, "unit": "unit", "tlp": "TLP:GREEN"}`, "/api/v1/offers")
	var need string
	for i := range 200 {
		need = post(fmt.Sprintf(`{"title": "need %d", "category": "power/generator", "quantity": 10, "unit": "unit", "countries": ["SD"], "tlp": "TLP:GREEN"}`, i), "/api/v1/needs")
		for range 2 {
			post(`{"need_id": "`+need+`", "offer_id": "`+offer+`", "quantity": 2}`, "/api/v1/matches")
		}
	}
	for _, tt := range []struct{ name, path string }{
		{"page of 50", "/api/v1/needs?limit=50"},
		{"one need", "/api/v1/needs/" + need},
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
