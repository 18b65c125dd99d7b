package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"lifeline/coord"
	"lifeline/store/sqlite"
)

// BenchmarkRecordCoverageAtStart measures what lifeline serve pays at
// every start once every need has its record: RecordCoverage (the scan of
// every match of every need kept here, in the write transaction, finding
// nothing to record) and UnrecordedCoverage (the same scan, as admin
// verify runs it), on a SQLite store of 5,000 needs with two matches
// each.
func BenchmarkRecordCoverageAtStart(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "lifeline.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	inst, err := db.Init(ctx, "ETC operators", "root", 0)
	if err != nil {
		b.Fatal(err)
	}
	v, err := db.Authenticate(ctx, inst.Token)
	if err != nil {
		b.Fatal(err)
	}
	const needs = 5000
	res := func(title string, q int64) coord.Resource {
		r := coord.Resource{Title: title, Category: "power/generator", Quantity: q, Unit: "unit", Countries: []string{"SD"}}
		r.TLP = coord.TLPGreen
		return r
	}
	offer := &coord.Offer{Resource: res("gensets", 4*needs)}
	var ns []*coord.Need
	for i := range needs {
		ns = append(ns, &coord.Need{Resource: res(fmt.Sprintf("need %d", i), 10)})
	}
	if err := db.Import(ctx, v, nil, ns, []*coord.Offer{offer}); err != nil {
		b.Fatal(err)
	}
	// Concurrent writers share the group commit's fsyncs.
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for w := range 32 {
		wg.Go(func() {
			for i := w; i < needs; i += 32 {
				for range 2 {
					if _, err := db.CreateMatch(ctx, v, coord.MatchCreate{NeedID: ns[i].ID, OfferID: offer.ID, Quantity: 2}); err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	b.Run("RecordCoverage", func(b *testing.B) {
		for b.Loop() {
			if ids, err := db.RecordCoverage(ctx); err != nil || len(ids) != 0 {
				b.Fatalf("recorded %d needs (%v), want none", len(ids), err)
			}
		}
	})
	b.Run("UnrecordedCoverage", func(b *testing.B) {
		for b.Loop() {
			if ids, err := db.UnrecordedCoverage(ctx); err != nil || len(ids) != 0 {
				b.Fatalf("found %d needs (%v), want none", len(ids), err)
			}
		}
	})
}
