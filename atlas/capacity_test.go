package atlas

import (
	"math"
	"slices"
	"sort"
	"strings"
	"testing"

	"lifeline/geo"
)

// The embedded fact tables parse, and every border they name is a land
// border of geo.
func TestFactTables(t *testing.T) {
	if _, err := facts(); err != nil {
		t.Fatal(err)
	}
	if len(CableFacts()) < 20 {
		t.Errorf("%d cable facts; want the largest trunks covered", len(CableFacts()))
	}
	borders := map[string]bool{}
	for _, b := range geo.Borders() {
		borders[b[0]+"-"+b[1]] = true
	}
	for _, f := range BorderFacts() {
		if !borders[f.ID] {
			t.Errorf("borders.csv: %s is not a land border", f.ID)
		}
	}
}

func TestFactTableErrors(t *testing.T) {
	bad := []struct{ in, want string }{
		{"", "empty"},
		{"id,gbps\n", "header"},
		{"ids,year,gbps,pairs,kind,source\nx,20x,1,0,design,s\n", "line 2: year"},
		{"ids,year,gbps,pairs,kind,source\nx,2020,-1,0,design,s\n", "line 2: gbps"},
		{"ids,year,gbps,pairs,kind,source\nx,2020,1,0,used,s\n", "line 2: kind"},
		{"ids,year,gbps,pairs,kind,source\nx,2020,1,0,design,\n", "line 2: want"},
	}
	for _, b := range bad {
		if _, err := parseCableFacts(strings.NewReader(b.in), "c.csv"); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%q: error %v, want %q", b.in, err, b.want)
		}
	}
	badB := []struct{ in, want string }{
		{"id,from,to,gbps,source\nSL-GN,0,0,1,s\n", "line 2: id"},
		{"id,from,to,gbps,source\nGN-SL,2020,2019,1,s\n", "line 2: to"},
		{"id,from,to,gbps,source\nGN-SL,0,0,-1,s\n", "line 2: gbps"},
	}
	for _, b := range badB {
		if _, err := parseBorderFacts(strings.NewReader(b.in), "b.csv"); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%q: error %v, want %q", b.in, err, b.want)
		}
	}
}

// The era rule's constants are what the published figures give: the fit
// of per-pair design capacity on the year, the median fibre pairs of each
// era, and the median upgrade factors.
func TestCapacityFit(t *testing.T) {
	var xs, ys []float64
	pairs := map[int][]float64{}
	first := map[string]CableFact{}
	var upOld, upNew []float64
	for _, f := range CableFacts() {
		key := f.IDs[0]
		if f.Kind == "lit" {
			continue // not a design figure: neither fitted nor a base for upgrades
		}
		if f.Kind == "design" {
			first[key] = f
			if f.Pairs > 0 {
				xs = append(xs, float64(f.Year-2015))
				ys = append(ys, math.Log10(f.Gbps/float64(f.Pairs)))
				era := 0
				if f.Year >= 2020 {
					era = 2
				} else if f.Year >= 2015 {
					era = 1
				}
				pairs[era] = append(pairs[era], float64(f.Pairs))
			}
			continue
		}
		d, ok := first[key]
		if !ok {
			continue // upgrades of a system whose design figure is not published
		}
		if d.Year < coherentYear {
			upOld = append(upOld, f.Gbps/d.Gbps)
		} else {
			upNew = append(upNew, f.Gbps/d.Gbps)
		}
	}
	a, b, se := fitLine(xs, ys)
	t.Logf("per pair: %.0f Gbit/s in 2015, tenfold every %.2f years, residual standard error ×%.2f (%d systems)", math.Pow(10, a), 1/b, math.Pow(10, se), len(xs))
	if math.Abs(math.Pow(10, a)-perPairGbps2015)/perPairGbps2015 > 0.01 || math.Abs(1/b-perPairDecadeYears) > 0.05 {
		t.Errorf("fit: %.0f Gbit/s, %.2f years; constants say %v, %v", math.Pow(10, a), 1/b, perPairGbps2015, perPairDecadeYears)
	}
	if f := math.Pow(10, se); f < 2.2 || f > 2.45 {
		t.Errorf("residual error ×%.2f; docs/atlas.md says ×2.3", f)
	}
	for era, year := range []int{2010, 2017, 2022} {
		if m := median(pairs[era]); int(math.Round(m)) != defaultPairs(year) {
			t.Errorf("era of %d: median pairs %v, defaultPairs %d", year, m, defaultPairs(year))
		}
	}
	if m := median(upOld); math.Abs(m-upgradeOld) > 0.05 {
		t.Errorf("median upgrade of older systems %v (%v), constant %v", m, upOld, upgradeOld)
	}
	if m := median(upNew); math.Abs(m-upgradeNew) > 0.05 {
		t.Errorf("median upgrade of newer systems %v, constant %v", m, upgradeNew)
	}
}

func fitLine(xs, ys []float64) (a, b, se float64) {
	n := float64(len(xs))
	var mx, my float64
	for i := range xs {
		mx += xs[i] / n
		my += ys[i] / n
	}
	var sxy, sxx float64
	for i := range xs {
		sxy += (xs[i] - mx) * (ys[i] - my)
		sxx += (xs[i] - mx) * (xs[i] - mx)
	}
	b = sxy / sxx
	a = my - b*mx
	var ss float64
	for i := range xs {
		r := ys[i] - a - b*xs[i]
		ss += r * r
	}
	return a, b, math.Sqrt(ss / (n - 2))
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func TestCableCapacityAsOf(t *testing.T) {
	cases := []struct {
		id   string
		rfs  int
		asOf int
		want float64
		conf Confidence
	}{
		{"west-africa-cable-system-wacs", 2012, 2013, 5120, Reported},
		{"west-africa-cable-system-wacs", 2012, 0, 14500, Reported},
		{"wacs", 2012, 2016, 14500, Reported},
		{"ace", 2012, 2018, 12800, Reported},
		{"marea", 2018, 2018, 160000, Reported},
	}
	for _, c := range cases {
		got := estimateCableCapacity(c.id, c.rfs, c.asOf)
		if got.Gbps != c.want || got.Confidence != c.conf || got.Source == "" {
			t.Errorf("%s as of %d: %+v; want %v Gbit/s %s with a source", c.id, c.asOf, got, c.want, c.conf)
		}
	}
	// The era rule: newer systems carry more, an upgrade lifts a system
	// three years after it enters service, a 1990s trunk is not negligible
	// next to a 2016 regional cable by more than the fit says.
	y1999 := estimateCableCapacity("x", 1999, 0)
	y2016 := estimateCableCapacity("x", 2016, 0)
	if y1999.Confidence != Estimated || !(y2016.Gbps > y1999.Gbps) || !strings.Contains(y1999.Rule, "1999") {
		t.Errorf("1999: %+v, 2016: %+v", y1999, y2016)
	}
	if before, after := estimateCableCapacity("x", 2008, 2009), estimateCableCapacity("x", 2008, 2011); math.Abs(after.Gbps/before.Gbps-upgradeOld) > 0.02 {
		t.Errorf("2008 system: %v in 2009, %v in 2011; want ×%v", before.Gbps, after.Gbps, upgradeOld)
	}
	if u := estimateCableCapacity("x", 0, 0); u.Confidence != Assumed || !strings.Contains(u.Rule, "unknown") {
		t.Errorf("unknown year: %+v", u)
	}
}

func TestBorderCapacityAsOf(t *testing.T) {
	if c := estimateBorderCapacity("GN-SL", 2018); c.Gbps != 0 || c.Confidence != Reported || c.Source == "" {
		t.Errorf("GN-SL 2018: %+v; want no link, reported", c)
	}
	if c := estimateBorderCapacity("GN-SL", 0); c.Gbps != 42.5 || c.Confidence != Reported {
		t.Errorf("GN-SL now: %+v; want 42.5 Gbit/s", c)
	}
	if c := estimateBorderCapacity("DE-PL", 0); c.Gbps != DefaultBorderGbps || c.Confidence != Assumed || c.Rule != BorderDefaultRule {
		t.Errorf("DE-PL: %+v; want the conservative default", c)
	}
	if c := estimateBorderCapacity("LR-SL", 2020); c.Gbps != 0 {
		t.Errorf("LR-SL 2020: %+v; want no link", c)
	}
	if c := estimateBorderCapacity("LR-SL", 0); c.Confidence != Assumed {
		t.Errorf("LR-SL now: %+v; want the default", c)
	}
}

func TestCrossings(t *testing.T) {
	if len(Crossings()) < 2 {
		t.Fatalf("crossings %v", Crossings())
	}
	for _, b := range geo.Borders() {
		for _, x := range Crossings() {
			if b[0]+"-"+b[1] == x.ID {
				t.Errorf("crossings.csv: %s is a land border already", x.ID)
			}
		}
	}
	doc := &Document{Format: FormatName, Version: 1, LandingPoints: []LandingPoint{
		{ID: "a", Name: "a", Country: "FR", Lon: 5.37, Lat: 43.30}, {ID: "b", Name: "b", Country: "PT", Lon: -9.14, Lat: 38.72}},
		Cables: []DocumentCable{{ID: "c", Name: "c", RFSYear: 2010, LandingPoints: []string{"a", "b"}}}}
	for _, tc := range []struct {
		asOf int
		want bool
	}{{0, true}, {2001, true}, {1999, false}} {
		a, err := Compile(doc, WithAsOf(tc.asOf))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, l := range a.Links {
			if l.ID == "DK-SE" {
				found = true
				if l.Kind != "crossing" || l.Name != "Øresund Bridge" || l.Capacity.Gbps <= 0 {
					t.Errorf("DK-SE: %+v", l)
				}
			}
		}
		if found != tc.want {
			t.Errorf("as of %d: DK-SE present %v, want %v", tc.asOf, found, tc.want)
		}
		if se, _ := a.Country("SE"); tc.want && !slices.Contains(se.Neighbours, "DK") {
			t.Errorf("SE neighbours %v lack DK", se.Neighbours)
		}
	}
}
