package mrt

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// benchInput returns the decompressed RIPE RIS update file with the
// extended (microsecond) header: 89,686 BGP4MP_ET records, 13.5 MB, which
// bgpdump -m turns into 577,744 lines.
func benchInput(b *testing.B) []byte {
	b.Helper()
	path := filepath.Join(sharedMRT(b), "ripe-ncc-bgpdump", "test_data", "updates.et-header.2015.gz")
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkDecode reads every record and decodes it with the structured
// decoders (BGP4MP, UPDATE, path attributes), on one core.
func BenchmarkDecode(b *testing.B) {
	data := benchInput(b)
	b.SetBytes(int64(len(data)))
	var (
		m    BGP4MP
		u    Update
		rib  RIB
		td   TableDump
		a    Attributes
		recs int
	)
	for b.Loop() {
		r, _ := NewReader(bytes.NewReader(data), Options{})
		recs = 0
		for {
			rec, err := r.Next()
			if err != nil {
				break
			}
			if err := decodeAny(&rec, &m, &u, &rib, &td, &a); err != nil {
				b.Fatal(err)
			}
			recs++
		}
	}
	b.ReportMetric(float64(recs)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkFormat decodes and formats every record with one Formatter, on
// one core.
func BenchmarkFormat(b *testing.B) {
	data := benchInput(b)
	b.SetBytes(int64(len(data)))
	fm := NewFormatter(FormatOptions{})
	var out []byte
	var recs int
	for b.Loop() {
		r, _ := NewReader(bytes.NewReader(data), Options{})
		recs = 0
		for {
			rec, err := r.Next()
			if err != nil {
				break
			}
			out, err = fm.Append(out[:0], &rec)
			if err != nil {
				b.Fatal(err)
			}
			recs++
		}
	}
	b.ReportMetric(float64(recs)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkDump runs the whole pipeline on the gzip file as
// `lifeline bgp dump` does: decompression, decoding and formatting on all
// cores, output discarded.
func BenchmarkDump(b *testing.B) {
	data := benchInput(b)
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.DefaultCompression)
	zw.Write(data)
	zw.Close()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r, _ := NewReader(bytes.NewReader(gz.Bytes()), Options{Readahead: true})
		if err := Dump(io.Discard, r, DumpOptions{}); err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
	b.ReportMetric(89686*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
