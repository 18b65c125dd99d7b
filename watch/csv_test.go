package watch

import (
	"math"
	"strings"
	"testing"
	"time"

	"lifeline"
)

func TestParseEntity(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Entity
	}{
		{"country/IR", Country("IR")},
		{"country/ir", Country("IR")},
		{"IR", Country("IR")},
		{"Iran", Country("IR")},
		{"country/Syria", Country("SY")},
		{"asn/12880", ASN(12880)},
		{"asn/AS12880", ASN(12880)},
		{"AS12880", ASN(12880)},
		{"as12880", ASN(12880)},
		{"12880", ASN(12880)},
		{"4294967295", ASN(1<<32 - 1)},
		{"region/4322", Entity{Type: EntityRegion, Code: "4322"}},
	} {
		got, err := ParseEntity(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseEntity(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"", "A", "AS-1", "4294967296", "planet/earth", "country/", "country/Atlantis", "Narnia", "region/"} {
		if e, err := ParseEntity(in); lifeline.ErrorCode(err) != lifeline.EINVALID {
			t.Errorf("ParseEntity(%q) = %v, %v; want an EINVALID error", in, e, err)
		}
	}
	if n, ok := ASN(64500).ASN(); !ok || n != 64500 {
		t.Errorf("ASN(64500).ASN() = %d, %v", n, ok)
	}
	if _, ok := Country("IR").ASN(); ok {
		t.Error("a country has an AS number")
	}
}

func TestReadCSV(t *testing.T) {
	in := `# probing signals
Value,Entity,Time,note
10,country/IR,2024-01-01T00:00:00Z,first
12,IR,2024-01-01T00:10:00Z,
,Iran,2024-01-01 00:20,missing
14,country/IR,1704069000,
5,AS12880,2024-01-01T00:00:00Z,
NaN,AS12880,2024-01-01T01:00:00Z,
7,AS12880,2024-01-01T00:03:00Z,off the grid: bin 00:00–00:05? no: the step is 3 minutes
`
	got, err := ReadCSV(strings.NewReader(in), CSVOptions{Name: "probing.csv", Kind: KindProbing})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d series, want 2", len(got))
	}
	// Sorted by entity type, then code: asn before country.
	ir := got[1]
	if ir.Key != (Key{KindProbing, Country("IR")}) || ir.Step != 10*time.Minute || !ir.Start.Equal(t0) {
		t.Errorf("first series %v step %v start %v, want probing:country/IR, 10m, %v", ir.Key, ir.Step, ir.Start, t0)
	}
	if want := []float64{10, 12, math.NaN(), 14}; !sameValues(ir.Values, want) {
		t.Errorf("values %v, want %v", ir.Values, want)
	}
	as := got[0]
	if as.Entity != ASN(12880) || as.Step != 3*time.Minute || len(as.Values) != 21 || as.Values[0] != 5 || as.Values[1] != 7 {
		t.Errorf("second series %v step %v with %d values %v", as.Entity, as.Step, len(as.Values), as.Values[:2])
	}
}

func TestReadCSVWithoutHeader(t *testing.T) {
	got, err := ReadCSV(strings.NewReader("AS1,0,1\nAS1,300,2\nAS1,900,3\n"), CSVOptions{Kind: KindBGP})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Step != 5*time.Minute || !sameValues(got[0].Values, []float64{1, 2, math.NaN(), 3}) {
		t.Errorf("got %+v", got)
	}
	// A given step wins over the inferred one.
	got, err = ReadCSV(strings.NewReader("AS1,0,1\nAS1,300,2\n"), CSVOptions{Kind: KindBGP, Step: time.Minute})
	if err != nil || len(got[0].Values) != 6 {
		t.Errorf("with a 1-minute step: %+v, %v", got, err)
	}
}

func TestReadCSVErrors(t *testing.T) {
	for _, c := range []struct {
		name, in, want string
	}{
		{"bad entity", "entity,time,value\nAtlantis,0,1\n", "data.csv: line 2: column entity"},
		{"bad time", "entity,time,value\nIR,yesterday,1\n", `data.csv: line 2: column time: time "yesterday"`},
		{"time before 1970", "IR,1969-12-31T23:00:00Z,1\n", "line 1: column time"},
		{"huge unix time", "IR,99999999999999,1\n", "out of range"},
		{"bad value", "IR,0,lots\n", `line 1: column value: value "lots" is not a number`},
		{"negative value", "IR,0,-1\n", "line 1: column value: value -1"},
		{"infinite value", "IR,0,Inf\n", "line 1: column value"},
		{"too few columns", "IR,0\n", "line 1: 2 columns"},
		{"header lacks value", "entity,time\nIR,0\n", "line 1: header lacks the column value"},
		{"duplicate time", "IR,0,1\nIR,300,1\nIR,300,2\n", "lines 2 and 3: two values of probing:country/IR"},
		{"bare quote", "IR,\"0,1\n", "line 1"},
		{"span too long", "IR,0,1\nIR,1,1\nIR,99999999999,1\n", "more than 2097152"},
		{"gaps too large", "IR,0,1\nIR,1,1\nIR,2000000,1\nIR,2000001,1\nAS1,0,1\nAS1,1,1\nAS1,2000000,1\n", "gaps too large"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadCSV(strings.NewReader(c.in), CSVOptions{Name: "data.csv", Kind: KindProbing})
			if lifeline.ErrorCode(err) != lifeline.EINVALID || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want EINVALID with %q", err, c.want)
			}
		})
	}
	if _, err := ReadCSV(strings.NewReader("IR,0,1\n"), CSVOptions{Name: "x.csv"}); lifeline.ErrorCode(err) != lifeline.EINVALID {
		t.Errorf("no kind: %v, want EINVALID", err)
	}
}

func TestMerge(t *testing.T) {
	nan := math.NaN()
	a := series(KindBGP, ASN(1), time.Hour, []float64{1, 2, nan})
	b := series(KindBGP, ASN(1), time.Hour, []float64{9, 3, 4})
	b.Start = t0.Add(2 * time.Hour)
	c := series(KindBGP, ASN(2), time.Hour, []float64{7})
	got, err := Merge([]Series{c, a, b})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Entity != ASN(1) || !sameValues(got[0].Values, []float64{1, 2, 9, 3, 4}) || got[1].Entity != ASN(2) {
		t.Errorf("merged %+v", got)
	}
	// A series of one value takes the step of the others.
	one := series(KindBGP, ASN(1), 5*time.Minute, []float64{8})
	one.Start = t0.Add(4 * time.Hour)
	got, err = Merge([]Series{one, a})
	if err != nil || len(got) != 1 || got[0].Step != time.Hour || !sameValues(got[0].Values, []float64{1, 2, nan, nan, 8}) {
		t.Errorf("merged with a single value: %+v, %v", got, err)
	}
	b.Step = 30 * time.Minute
	if _, err := Merge([]Series{a, b}); lifeline.ErrorCode(err) != lifeline.EINVALID || !strings.Contains(err.Error(), "steps") {
		t.Errorf("different steps: %v", err)
	}
	b.Step, b.Start = time.Hour, t0.Add(90*time.Minute)
	if _, err := Merge([]Series{a, b}); lifeline.ErrorCode(err) != lifeline.EINVALID || !strings.Contains(err.Error(), "grid") {
		t.Errorf("off the grid: %v", err)
	}
	b.Start = t0.Add(MaxPoints * time.Hour)
	if _, err := Merge([]Series{a, b}); lifeline.ErrorCode(err) != lifeline.EINVALID || !strings.Contains(err.Error(), "more than") {
		t.Errorf("too long: %v", err)
	}
}

func TestParseThreshold(t *testing.T) {
	cfg := DefaultConfig()
	k, th, err := ParseThreshold("bgp:warning=98%,min=15m,window=2d,critical=0.4,history=6h", cfg.Threshold)
	want := Threshold{Window: 48 * time.Hour, Warning: 0.98, Critical: 0.4, MinDuration: 15 * time.Minute, MinHistory: 6 * time.Hour}
	if err != nil || k != KindBGP || th != want {
		t.Fatalf("got %v %+v %v, want bgp %+v", k, th, err, want)
	}
	if s := th.String(); s != "window=2d,warning=98%,critical=40%,min=15m,history=6h" {
		t.Errorf("String() = %q", s)
	}
	// Unnamed kinds start from the default.
	if k, th, err := ParseThreshold("gtr:warning=70%", cfg.Threshold); err != nil || k != "gtr" || th.Window != 7*24*time.Hour || th.Warning != 0.7 {
		t.Errorf("gtr: %v %+v %v", k, th, err)
	}
	for _, bad := range []string{"bgp", "bgp:", "bgp:warning", "bgp:colour=red", "bgp:window=soon", "bgp:critical=100%",
		"bgp:warning=150%", "bgp:min=-1m", "bgp:history=2d"} {
		if _, _, err := ParseThreshold(bad, cfg.Threshold); lifeline.ErrorCode(err) != lifeline.EINVALID {
			t.Errorf("ParseThreshold(%q): %v, want EINVALID", bad, err)
		}
	}
	for _, s := range []string{"bgp", "probing", "telescope"} {
		th := cfg.Threshold(Kind(s))
		if _, back, err := ParseThreshold(s+":"+th.String(), cfg.Threshold); err != nil || back != th {
			t.Errorf("%s: %q does not read back: %+v %v", s, th.String(), back, err)
		}
	}
}

func sameValues(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}
