package atlas_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"lifeline"
	"lifeline/atlas"
	"lifeline/geo"
)

// lp is a landing point near the given country's coast.
func lp(id, country string, lon, lat float64) atlas.LandingPoint {
	return atlas.LandingPoint{ID: id, Name: id, Country: country, Lon: lon, Lat: lat}
}

// baseDocument is a small valid document: two cables between France,
// Portugal and Morocco, one of them with a drawn route that forks.
func baseDocument() *atlas.Document {
	return &atlas.Document{
		Format: atlas.FormatName, Version: 1, Source: "test",
		LandingPoints: []atlas.LandingPoint{
			lp("marseille", "FR", 5.37, 43.30),
			lp("lisbon", "PT", -9.14, 38.72),
			lp("casablanca", "MA", -7.62, 33.59),
		},
		Cables: []atlas.DocumentCable{
			{ID: "chain", Name: "Chain", RFSYear: 2010, LandingPoints: []string{"marseille", "lisbon", "casablanca"}, Source: "test"},
			{ID: "forked", Name: "Forked", RFSYear: 2020, LandingPoints: []string{"marseille", "lisbon", "casablanca"},
				Route: [][][2]float64{
					{{5.37, 43.30}, {3, 40}, {-2, 37}, {-6, 36}}, // trunk to a fork off Gibraltar
					{{-6, 36}, {-9.14, 38.72}},                   // branch to Lisbon
					{{-6, 36}, {-7.62, 33.59}},                   // branch to Casablanca
				}},
		},
	}
}

func compile(t testing.TB, d *atlas.Document) *atlas.Atlas {
	t.Helper()
	a, err := atlas.Compile(d, atlas.WithName("test.json"))
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return a
}

func TestCompileInvalid(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(d *atlas.Document)
		want   []string // substrings of the error
	}{
		{"cable with one landing point", func(d *atlas.Document) { d.Cables[0].LandingPoints = []string{"lisbon"} },
			[]string{`cable "chain"`, "landing_points", "at least 2", "found 1"}},
		{"planned cable with no landing point", func(d *atlas.Document) { d.Cables[0].Planned = true; d.Cables[0].LandingPoints = nil },
			[]string{`cable "chain"`, "at least 1 landing point"}},
		{"cable listing one point twice", func(d *atlas.Document) { d.Cables[0].LandingPoints = []string{"lisbon", "lisbon"} },
			[]string{`cable "chain"`, "at least 2 distinct"}},
		{"dangling landing point", func(d *atlas.Document) { d.Cables[1].LandingPoints[2] = "dakar" },
			[]string{`cable "forked"`, `unknown landing point "dakar"`}},
		{"duplicate cable", func(d *atlas.Document) { d.Cables[1].ID = "chain" },
			[]string{`cable "chain"`, "duplicate"}},
		{"duplicate landing point", func(d *atlas.Document) { d.LandingPoints[1].ID = "marseille" },
			[]string{`landing point "marseille"`, "duplicate"}},
		{"landing point in the wrong country", func(d *atlas.Document) { d.LandingPoints[0].Country = "JP" },
			[]string{`landing point "marseille"`, "km from JP"}},
		{"landing point on a neighbour's land", func(d *atlas.Document) { d.LandingPoints[0].Country = "ES" },
			[]string{`landing point "marseille"`, "lies in France (FR)"}},
		{"swapped lon and lat", func(d *atlas.Document) { d.LandingPoints[1].Lon, d.LandingPoints[1].Lat = 38.72, -9.14 },
			[]string{`landing point "lisbon"`, "km from PT"}},
		{"latitude out of range", func(d *atlas.Document) { d.LandingPoints[2].Lat = 95 },
			[]string{`landing point "casablanca"`, "lon/lat"}},
		{"unknown country code", func(d *atlas.Document) { d.LandingPoints[2].Country = "Morocco" },
			[]string{`landing point "casablanca"`, "ISO 3166-1", `"Morocco"`}},
		{"bad route point", func(d *atlas.Document) { d.Cables[1].Route[1][1] = [2]float64{200, 0} },
			[]string{`cable "forked"`, "route[1][1]"}},
		{"bad year", func(d *atlas.Document) { d.Cables[0].RFSYear = 20100 },
			[]string{`cable "chain"`, "rfs_year", "20100"}},
		{"negative length", func(d *atlas.Document) { d.Cables[0].LengthKm = -1 },
			[]string{`cable "chain"`, "length_km"}},
		{"no name", func(d *atlas.Document) { d.Cables[0].Name = " " },
			[]string{`cable "chain"`, "name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := baseDocument()
			tt.mutate(d)
			a, err := atlas.Compile(d, atlas.WithName("test.json"))
			if err == nil {
				t.Fatalf("Compile accepted the document")
			}
			if a != nil {
				t.Errorf("Compile returned an atlas with its error")
			}
			if got := lifeline.ErrorCode(err); got != lifeline.EINVALID {
				t.Errorf("code = %q, want %q", got, lifeline.EINVALID)
			}
			var v *atlas.ValidationError
			if !errors.As(err, &v) {
				t.Errorf("error %T is not a *ValidationError", err)
			}
			msg := err.Error()
			for _, w := range append(tt.want, "test.json") {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not mention %q", msg, w)
				}
			}
		})
	}
}

func TestCompileListsEveryProblem(t *testing.T) {
	d := baseDocument()
	d.Cables[0].LandingPoints = []string{"nowhere", "lisbon"}
	d.Cables[1].LandingPoints = []string{"somewhere", "lisbon"}
	_, err := atlas.Compile(d)
	var v *atlas.ValidationError
	if !errors.As(err, &v) || len(v.Problems) != 2 {
		t.Fatalf("want 2 problems, got %v", err)
	}
}

func TestPlannedCableWithSitesToBeDecided(t *testing.T) {
	d := baseDocument()
	d.Cables[0].Planned = true
	d.Cables[0].LandingPoints = []string{"lisbon"}
	a := compile(t, d)
	c, _ := a.Cable("chain")
	if !c.Planned || len(c.Segments) != 0 || a.Stats().PlannedCables != 1 {
		t.Errorf("planned cable with one site: %+v", c)
	}
}

func TestChainSegments(t *testing.T) {
	a := compile(t, baseDocument())
	c, _ := a.Cable("chain")
	if len(c.Segments) != 2 {
		t.Fatalf("chain has %d segments, want 2", len(c.Segments))
	}
	s0, s1 := a.Segments[c.Segments[0]], a.Segments[c.Segments[1]]
	if s0.From != "marseille" || s0.To != "lisbon" || s1.From != "lisbon" || s1.To != "casablanca" {
		t.Errorf("segments %s→%s, %s→%s; want marseille→lisbon, lisbon→casablanca", s0.From, s0.To, s1.From, s1.To)
	}
	want := geo.DistanceKm(geo.Point{Lon: 5.37, Lat: 43.30}, geo.Point{Lon: -9.14, Lat: 38.72}) +
		geo.DistanceKm(geo.Point{Lon: -9.14, Lat: 38.72}, geo.Point{Lon: -7.62, Lat: 33.59})
	if c.LengthFrom != "route" || math.Abs(c.LengthKm-want) > 1 {
		t.Errorf("length %v from %s; want %.0f km computed along the chain", c.LengthKm, c.LengthFrom, want)
	}
	if s0.ID != "chain/0" || s1.Index != 1 {
		t.Errorf("ids %q, %d", s0.ID, s1.Index)
	}
}

func TestRouteSegmentsSplitAtBranchingUnit(t *testing.T) {
	a := compile(t, baseDocument())
	c, _ := a.Cable("forked")
	if len(c.Segments) != 3 {
		for _, i := range c.Segments {
			t.Logf("%+v", a.Segments[i])
		}
		t.Fatalf("forked has %d segments, want 3 (trunk and two branches)", len(c.Segments))
	}
	first := a.Segments[c.Segments[0]]
	if first.From != "marseille" || !atlas.IsBranchingUnit(first.To) {
		t.Errorf("first segment %s→%s; want marseille→branching unit", first.From, first.To)
	}
	ends := map[string]bool{}
	for _, i := range c.Segments[1:] {
		s := a.Segments[i]
		if s.From != first.To {
			t.Errorf("branch %s starts at %s, want the branching unit %s", s.ID, s.From, first.To)
		}
		ends[s.To] = true
	}
	if !ends["lisbon"] || !ends["casablanca"] {
		t.Errorf("branches end at %v, want lisbon and casablanca", ends)
	}
}

func TestRouteGapsAndAntimeridian(t *testing.T) {
	d := &atlas.Document{Format: atlas.FormatName, Version: 1,
		LandingPoints: []atlas.LandingPoint{
			lp("suva", "FJ", 178.44, -18.14),
			lp("apia", "WS", -171.76, -13.83),
			lp("pago", "AS", -170.70, -14.28),
		},
		Cables: []atlas.DocumentCable{{ID: "pacific", Name: "Pacific", RFSYear: 2015,
			LandingPoints: []string{"suva", "apia", "pago"},
			Route: [][][2]float64{
				{{178.44, -18.14}, {180, -16}},         // to the antimeridian
				{{-180, -16}, {-171.76, -13.83}},       // from it, drawn as a separate line
				{{-171.70, -13.90}, {-170.70, -14.28}}, // a gap of a few km after Apia
				{{-175, -40}, {-176, -41}},             // a stray stub with no landing point
			}}},
	}
	a := compile(t, d)
	c, _ := a.Cable("pacific")
	var got []string
	for _, i := range c.Segments {
		s := a.Segments[i]
		got = append(got, s.From+"→"+s.To)
	}
	want := []string{"suva→apia", "apia→pago"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("segments %v, want %v", got, want)
	}
	// Along the route, across the antimeridian, through the closed gap,
	// and without the stub.
	pt := func(lon, lat float64) geo.Point { return geo.Point{Lon: lon, Lat: lat} }
	wantKm := geo.DistanceKm(pt(178.44, -18.14), pt(180, -16)) + geo.DistanceKm(pt(-180, -16), pt(-171.76, -13.83)) +
		geo.DistanceKm(pt(-171.76, -13.83), pt(-171.70, -13.90)) + geo.DistanceKm(pt(-171.70, -13.90), pt(-170.70, -14.28))
	if math.Abs(c.LengthKm-wantKm) > 1 {
		t.Errorf("length %v km, want %.0f km along the route", c.LengthKm, wantKm)
	}
}

func TestCountriesAndBorderLinks(t *testing.T) {
	a := compile(t, baseDocument())
	fr, ok := a.Country("FR")
	if !ok {
		t.Fatal("FR missing")
	}
	if len(fr.Cables) != 2 || fr.Population < 60e6 {
		t.Errorf("FR: %d cables, population %d", len(fr.Cables), fr.Population)
	}
	found := false
	for _, l := range a.Links {
		if l.ID == "ES-FR" {
			found = true
			if l.Capacity.Confidence != atlas.Assumed || l.Capacity.Gbps <= 0 || l.Capacity.Rule == "" {
				t.Errorf("ES-FR capacity %+v", l.Capacity)
			}
		}
		if l.A >= l.B {
			t.Errorf("link %s: want A < B", l.ID)
		}
	}
	if !found {
		t.Error("no ES-FR border link")
	}
	// A landlocked country is in the atlas through its borders.
	if _, ok := a.Country("CH"); !ok {
		t.Error("CH (landlocked) missing")
	}
}

func TestCapacityEstimates(t *testing.T) {
	a := compile(t, baseDocument())
	chain, _ := a.Cable("chain")
	forked, _ := a.Cable("forked")
	if chain.Capacity.Confidence != atlas.Estimated || forked.Capacity.Confidence != atlas.Estimated {
		t.Fatalf("confidences %s, %s", chain.Capacity.Confidence, forked.Capacity.Confidence)
	}
	if !(forked.Capacity.Gbps > chain.Capacity.Gbps) {
		t.Errorf("a 2020 system (%v Gbit/s) should be estimated above a 2010 one (%v)", forked.Capacity.Gbps, chain.Capacity.Gbps)
	}
	if !strings.Contains(chain.Capacity.Rule, "2010") {
		t.Errorf("rule %q does not say which year it used", chain.Capacity.Rule)
	}
	d := baseDocument()
	d.Cables[0].CapacityGbps, d.Cables[0].CapacitySource = 4000, "owner"
	a = compile(t, d)
	chain, _ = a.Cable("chain")
	if chain.Capacity.Gbps != 4000 || chain.Capacity.Confidence != atlas.Reported || chain.Capacity.Source != "owner" {
		t.Errorf("reported capacity %+v", chain.Capacity)
	}
}

func TestOverrides(t *testing.T) {
	ov, err := atlas.ReadOverrides(strings.NewReader("id,gbps,source\nchain,1234,regulator\n# comment\nFR-ES,5000,ministry\n"), "caps.csv")
	if err != nil {
		t.Fatal(err)
	}
	a, err := atlas.Compile(baseDocument(), atlas.WithOverrides(ov))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := a.Cable("chain")
	if c.Capacity.Gbps != 1234 || c.Capacity.Confidence != atlas.Reported {
		t.Errorf("cable override not applied: %+v", c.Capacity)
	}
	for _, l := range a.Links {
		if l.ID == "ES-FR" && (l.Capacity.Gbps != 5000 || l.Capacity.Source != "ministry") {
			t.Errorf("link override (given as FR-ES) not applied: %+v", l.Capacity)
		}
	}

	bad := []struct{ in, want string }{
		{"", "empty file"},
		{"cable,capacity\n", "line 1"},
		{"id,gbps,source\nchain,fast,x\n", "line 2: gbps"},
		{"id,gbps,source\nchain,-3,x\n", "line 2: gbps"},
		{"id,gbps,source\nchain\n", "line 2"},
	}
	for _, b := range bad {
		_, err := atlas.ReadOverrides(strings.NewReader(b.in), "caps.csv")
		if err == nil || !strings.Contains(err.Error(), b.want) || !strings.Contains(err.Error(), "caps.csv") {
			t.Errorf("ReadOverrides(%q) = %v; want an error naming caps.csv and %q", b.in, err, b.want)
		}
	}
	ov, _ = atlas.ReadOverrides(strings.NewReader("id,gbps\nno-such-cable,10\n"), "caps.csv")
	if _, err := atlas.Compile(baseDocument(), atlas.WithOverrides(ov)); err == nil || !strings.Contains(err.Error(), "no-such-cable") {
		t.Errorf("unknown override id: %v", err)
	}
}

func TestFindSuggestsClosest(t *testing.T) {
	a := compile(t, baseDocument())
	if c, err := a.FindCable("FORKED"); err != nil || c.ID != "forked" {
		t.Errorf("FindCable(FORKED) = %v, %v", c, err)
	}
	_, err := a.FindCable("forkd")
	if lifeline.ErrorCode(err) != lifeline.ENOTFOUND || !strings.Contains(err.Error(), "forked") {
		t.Errorf("FindCable(forkd) = %v; want not found naming forked", err)
	}
	if c, err := a.FindCountry("Portugal"); err != nil || c.Code != "PT" {
		t.Errorf("FindCountry(Portugal) = %v, %v", c, err)
	}
	if lp, err := a.FindLandingPoint("Lisbon"); err != nil || lp.ID != "lisbon" {
		t.Errorf("FindLandingPoint(Lisbon) = %v, %v", lp, err)
	}
}

// TestAsOfMonth: a cable ready in a known month of the as-of year is in
// service at the end of that month and after, not before; a cable whose
// month is unknown counts as ready in its year; a month out of range, or
// without a year, is refused with the field named.
func TestAsOfMonth(t *testing.T) {
	d := baseDocument()
	d.Cables[0].RFSYear, d.Cables[0].RFSMonth = 2010, 9
	d.Cables[1].RFSYear, d.Cables[1].RFSMonth = 2010, 0
	for _, tc := range []struct {
		year, month  int
		chain, forkd bool // in service
	}{
		{2010, 8, false, true}, {2010, 9, true, true}, {2010, 0, true, true}, {2009, 12, false, false}, {2011, 1, true, true},
	} {
		a, err := atlas.Compile(d, atlas.WithAsOfMonth(tc.year, tc.month))
		if err != nil {
			t.Fatal(err)
		}
		chain, _ := a.Cable("chain")
		forked, _ := a.Cable("forked")
		if chain.Planned == tc.chain || forked.Planned == tc.forkd {
			t.Errorf("as of %d-%d: chain planned %v, forked planned %v; want in service %v, %v",
				tc.year, tc.month, chain.Planned, forked.Planned, tc.chain, tc.forkd)
		}
	}
	for _, bad := range []struct{ year, month int }{{2010, 13}, {2010, -1}, {0, 5}} {
		d := baseDocument()
		d.Cables[0].RFSYear, d.Cables[0].RFSMonth = bad.year, bad.month
		_, err := atlas.Compile(d, atlas.WithName("test.json"))
		if err == nil || !strings.Contains(err.Error(), "rfs_month") || !strings.Contains(err.Error(), "chain") {
			t.Errorf("rfs %d-%d: %v; want an error naming rfs_month and the cable", bad.year, bad.month, err)
		}
	}
}
