package atlas

import (
	"strings"
	"testing"

	"lifeline/geo"
)

// The embedded demand table parses, names real countries, and gives the
// figure of the year or the latest before it, never one after.
func TestDemand(t *testing.T) {
	if _, err := demands(); err != nil {
		t.Fatal(err)
	}
	m, _ := demands()
	for c := range m {
		if _, ok := geo.Lookup(c); !ok {
			t.Errorf("demand.csv: %s is not a country", c)
		}
	}
	for _, tc := range []struct {
		country string
		year    int
		want    float64 // 0: unknown
		wantYr  int
	}{
		{"BD", 2018, 900, 2018},
		{"BD", 2019, 900, 2018},
		{"BD", 2008, 0, 0},
		{"BD", 0, 1558, 2020},
		{"VN", 2023, 18700, 2023},
		{"FR", 2023, 0, 0},
	} {
		d, ok := DemandAsOf(tc.country, tc.year)
		if ok != (tc.want > 0) || d.Gbps != tc.want || d.Year != tc.wantYr {
			t.Errorf("%s %d: %+v %v; want %v Gbit/s of %d", tc.country, tc.year, d, ok, tc.want, tc.wantYr)
		}
	}
}

func TestDemandErrors(t *testing.T) {
	const h = "country,year,gbps,source,licence\n"
	bad := []struct{ in, want string }{
		{"", "empty"},
		{h + "Vietnam,2023,1,s,l\n", "line 2: country"},
		{h + "VN,23,1,s,l\n", "line 2: year"},
		{h + "VN,2023,0,s,l\n", "line 2: gbps"},
		{h + "VN,2023,1,,l\n", "line 2: want where"},
		{h + "VN,2023,1,s,l\nVN,2022,1,s,l\n", "line 3: year"},
	}
	for _, b := range bad {
		if _, err := parseDemand(strings.NewReader(b.in), "d.csv"); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%q: error %v, want %q", b.in, err, b.want)
		}
	}
}
