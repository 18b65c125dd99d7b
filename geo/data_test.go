package geo

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
)

const header = "code,code3,numeric,name,aliases,population,population_year,population_source,landlocked,lon,lat\n"

func TestParseCountriesErrors(t *testing.T) {
	tests := []struct {
		name, table, want string
	}{
		{"no header", "TO,TON,776,Tonga,,1,2023,x,false,,\n", "header must be"},
		{"bad code", header + "T0,TON,776,Tonga,,1,2023,x,false,,\n", "line 2 (T0): codes"},
		{"bad numeric", header + "TO,TON,77,Tonga,,1,2023,x,false,,\n", "numeric \"77\""},
		{"bad population", header + "TO,TON,776,Tonga,,many,2023,x,false,,\n", "population \"many\""},
		{"bad year", header + "TO,TON,776,Tonga,,1,soon,x,false,,\n", "population_year"},
		{"bad landlocked", header + "TO,TON,776,Tonga,,1,2023,x,maybe,,\n", "landlocked \"maybe\""},
		{"no source", header + "TO,TON,776,Tonga,,1,2023,,false,,\n", "population_source"},
		{"duplicate", header + "TO,TON,776,Tonga,,1,2023,x,false,,\nTO,TON,776,Tonga,,1,2023,x,false,,\n", "appears twice"},
		{"short row", header + "TO,TON\n", "wrong number of fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseCountries([]byte(tt.table))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("parseCountries error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestNameIndexRejectsClashes(t *testing.T) {
	_, err := nameIndex([]Country{
		{Code: "CG", Code3: "COG", Name: "Congo"},
		{Code: "CD", Code3: "COD", Name: "DR Congo", Aliases: []string{"Congo"}},
	})
	if err == nil || !strings.Contains(err.Error(), "claimed by both CG and CD") {
		t.Errorf("nameIndex error = %v, want a clash between CG and CD", err)
	}
}

// TestDecodeShapesCorrupt feeds every truncation of the embedded shape file
// to the decoder: each must fail with an error, never panic or succeed.
func TestDecodeShapesCorrupt(t *testing.T) {
	zr, err := gzip.NewReader(bytes.NewReader(shapesGz))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	countries, err := parseCountries(countriesCSV)
	if err != nil {
		t.Fatal(err)
	}
	// Every cut in the header, then cuts spread over the rest.
	var cuts []int
	for n := 0; n < 64; n++ {
		cuts = append(cuts, n)
	}
	for n := 64; n < len(raw); n += max(1, len(raw)/40) {
		cuts = append(cuts, n)
	}
	cuts = append(cuts, len(raw)-1)
	for _, n := range cuts {
		w := &world{countries: countries, byCode: map[string]int{}, shapes: make([]*shape, len(countries)), neighbours: map[string][]string{}}
		for i, c := range countries {
			w.byCode[c.Code] = i
		}
		if err := w.decodeShapes(gzipBytes(t, raw[:n])); err == nil {
			t.Fatalf("decoding the first %d of %d bytes succeeded", n, len(raw))
		}
	}
	if err := (&world{}).decodeShapes([]byte("not gzip")); err == nil {
		t.Error("decoding non-gzip data succeeded")
	}
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestEmbeddedDataSize(t *testing.T) {
	if len(shapesGz) > 1<<20 {
		t.Errorf("shapes.bin.gz is %d bytes, want well under 1 MiB", len(shapesGz))
	}
}
