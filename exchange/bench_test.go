package exchange

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
)

// The benchmarks export and import 1,000 incidents as a member who sees
// them all; the figures are in docs/performance.md.

func BenchmarkExportCAP(b *testing.B) {
	incs := testIncidents(b, rand.New(rand.NewPCG(1, 9)), 1000)
	b.ReportAllocs()
	for b.Loop() {
		for i := range incs {
			// Items fuzzAll may not see answer not_found, as they should.
			_ = ExportCAP(io.Discard, fuzzAll, &incs[i], testOpt)
		}
	}
}

func BenchmarkImportCAP(b *testing.B) {
	incs := testIncidents(b, rand.New(rand.NewPCG(1, 9)), 1)
	var doc bytes.Buffer
	v := sourceViewer(incs[0].Marking)
	if err := ExportCAP(&doc, v, &incs[0], testOpt); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ImportCAP(bytes.NewReader(doc.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExportSTIX(b *testing.B) {
	incs := testIncidents(b, rand.New(rand.NewPCG(1, 9)), 1000)
	b.ReportAllocs()
	for b.Loop() {
		if err := ExportSTIX(io.Discard, fuzzAll, incs, testOpt); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkImportSTIX(b *testing.B) {
	incs := testIncidents(b, rand.New(rand.NewPCG(1, 9)), 1000)
	var doc bytes.Buffer
	if err := ExportSTIX(&doc, fuzzAll, incs, testOpt); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(doc.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ImportSTIX(bytes.NewReader(doc.Bytes()), fuzzAll); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkImportHXLIncidents(b *testing.B) {
	incs := testIncidents(b, rand.New(rand.NewPCG(1, 9)), 1000)
	var doc bytes.Buffer
	if err := ExportHXLIncidents(&doc, fuzzAll, incs); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(doc.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ImportHXLIncidents(bytes.NewReader(doc.Bytes()), fuzzAll); err != nil {
			b.Fatal(err)
		}
	}
}
