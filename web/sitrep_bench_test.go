package web

import (
	"context"
	"io"
	"testing"
	"time"

	"lifeline/coord"
	"lifeline/sitrep"
)

// BenchmarkSitrep gathers and writes the demonstration's situation report
// on the full cable dataset, as a member, in English, without estimates
// (each is a run of the impact engine, remembered per incident by the
// server): what a report costs the server beyond them.
func BenchmarkSitrep(b *testing.B) {
	a, _ := fullAtlas(b)
	db, tokens := demoStore(b, true)
	ctx := context.Background()
	v, err := db.Authenticate(ctx, tokens["Field Relief Network (demo)"])
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rep, err := sitrep.Build(ctx, db.Services(), v, sitrep.Options{Now: time.Now()})
		if err != nil {
			b.Fatal(err)
		}
		if err := WriteSitrep(io.Discard, rep, SitrepOptions{Lang: "en", Atlas: a}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSitrepEstimate is one estimate of what the demonstration's Red
// Sea cut breaks, on the full cable dataset.
func BenchmarkSitrepEstimate(b *testing.B) {
	_, g := fullAtlas(b)
	db, _ := demoStore(b, true)
	ctx := context.Background()
	rep, err := db.Services().Incidents.FindIncidents(ctx, coord.Viewer{}, coord.ListFilter{})
	if err != nil {
		b.Fatal(err)
	}
	in := rep.Items[0]
	for _, x := range rep.Items {
		if len(x.Elements) > len(in.Elements) {
			in = x
		}
	}
	est := SitrepEstimate(g)
	for b.Loop() {
		if _, err := est(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
