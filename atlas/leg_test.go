package atlas

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"lifeline/geo"
)

// The embedded legs parse, each with a source.
func TestLegs(t *testing.T) {
	ls := Legs()
	if len(ls) == 0 {
		t.Fatal("no legs")
	}
	for _, l := range ls {
		if l.Cable == "" || l.From == "" || l.To == "" || strings.TrimSpace(l.Source) == "" {
			t.Errorf("legs.csv: %+v; want a cable, two landing points and a source", l)
		}
	}
}

func TestLegErrors(t *testing.T) {
	const h = "cable,from,to,source\n"
	bad := []struct{ in, want string }{
		{"", "empty"},
		{"cable,from,to\n", "header"},
		{h + ",a,b,s\n", "l.csv: line 2: cable"},
		{h + "c,,b,s\n", "l.csv: line 2: from"},
		{h + "c,a,b c,s\n", "l.csv: line 2: to"},
		{h + "c,a,a,s\n", "l.csv: line 2: to: want a landing point other than from"},
		{h + "c,a,b, \n", "l.csv: line 2: source"},
		{h + "c,a,b\n", "l.csv: line 2: want 4 fields"},
		{h + "c,a,b,s\n# a comment\nc,b,a,t\n", "l.csv: line 4: the leg of c between b and a is already on line 2"},
	}
	for _, b := range bad {
		ls, err := parseLegs(strings.NewReader(b.in), "l.csv")
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%q: error %v, want %q", b.in, err, b.want)
		}
		if ls != nil {
			t.Errorf("%q: %d legs returned with the error", b.in, len(ls))
		}
	}
}

// FuzzParseLegs: never a panic; an error names the file and returns no
// legs; what is accepted has every field, and no leg twice.
func FuzzParseLegs(f *testing.F) {
	f.Add([]byte(legsCSV))
	f.Add([]byte("cable,from,to,source\nc,a,b,s\n"))
	f.Add([]byte("cable,from,to,source\nc,a,a,s\n"))
	f.Add([]byte("cable,from,to,source\n\"c\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		ls, err := parseLegs(bytes.NewReader(data), "l.csv")
		if err != nil {
			if ls != nil {
				t.Fatalf("%d legs returned with the error %v", len(ls), err)
			}
			if !strings.HasPrefix(err.Error(), "l.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		seen := map[[3]string]bool{}
		for _, l := range ls {
			if l.Cable == "" || l.From == "" || l.To == "" || l.From == l.To || strings.TrimSpace(l.Source) == "" {
				t.Fatalf("accepted %+v", l)
			}
			k := [3]string{l.Cable, min(l.From, l.To), max(l.From, l.To)}
			if seen[k] {
				t.Fatalf("accepted %+v twice", l)
			}
			seen[k] = true
		}
	})
}

// An arc across the Pacific: it starts and ends at its points, its points
// lie on the great circle no farther apart than the step, and it passes
// through the antimeridian once.
func TestLegPath(t *testing.T) {
	a, b := [2]float64{136.87, 34.34}, [2]float64{-120.62, 35.12} // Shima, Grover Beach
	path := legPath(a, b)
	if path[0] != a || path[len(path)-1] != b {
		t.Fatalf("path from %v to %v; want from %v to %v", path[0], path[len(path)-1], a, b)
	}
	pt := func(p [2]float64) geo.Point { return geo.Point{Lon: p[0], Lat: p[1]} }
	total := geo.DistanceKm(pt(a), pt(b))
	var along float64
	crossings := 0
	for i := 1; i < len(path); i++ {
		d := geo.DistanceKm(pt(path[i-1]), pt(path[i]))
		if d > legStepKm+1 {
			t.Errorf("points %d and %d are %.0f km apart; want at most %d", i-1, i, d, legStepKm)
		}
		along += d
		if math.Abs(path[i][0]) == 180 {
			crossings++
		}
	}
	if math.Abs(along-total) > 1 {
		t.Errorf("%.0f km along the points, %.0f km on the great circle: the points leave it", along, total)
	}
	if crossings != 1 {
		t.Errorf("%d points on the antimeridian; want 1", crossings)
	}
	// The great circle from Japan to California bends north of both ends.
	north := -90.0
	for _, p := range path {
		north = max(north, p[1])
	}
	if north < 45 {
		t.Errorf("northernmost point at %.1f°; want the great circle's bend north of 45°", north)
	}
}

// ringDocument is a cable drawn as a chain Japan → Hawaii → California,
// and a second cable without a drawn route through the same landings.
func ringDocument() *Document {
	lp := func(id, country string, lon, lat float64) LandingPoint {
		return LandingPoint{ID: id, Name: id, Country: country, Lon: lon, Lat: lat}
	}
	return &Document{Format: FormatName, Version: 1, Source: "test",
		LandingPoints: []LandingPoint{
			lp("shima", "JP", 136.87, 34.34),
			lp("makaha", "US", -158.22, 21.46),
			lp("grover", "US", -120.62, 35.12),
		},
		Cables: []DocumentCable{
			{ID: "drawn", Name: "Drawn", RFSYear: 2000, LandingPoints: []string{"shima", "makaha", "grover"},
				Route: [][][2]float64{
					{{136.87, 34.34}, {160, 30}, {180, 25}},
					{{-180, 25}, {-158.22, 21.46}, {-140, 28}, {-120.62, 35.12}},
				}},
			{ID: "chained", Name: "Chained", RFSYear: 2000, LandingPoints: []string{"shima", "makaha", "grover"}},
		},
	}
}

func segmentEnds(a *Atlas, c *Cable) []string {
	var out []string
	for _, i := range c.Segments {
		s := a.Segments[i]
		out = append(out, min(s.From, s.To)+"–"+max(s.From, s.To))
	}
	return out
}

// A leg closes a ring drawn as a chain: the drawn cable gains a segment
// between the leg's landing points, across the antimeridian, and the
// chained one a segment after its chain; a leg of a landing point the
// cable does not have, or of another cable, changes nothing.
func TestLegsCloseRings(t *testing.T) {
	legs := []Leg{
		{Cable: "drawn", From: "grover", To: "shima", Source: "test"},
		{Cable: "chained", From: "shima", To: "grover", Source: "test"},
		{Cable: "drawn", From: "shima", To: "nowhere", Source: "test"},
		{Cable: "absent", From: "shima", To: "grover", Source: "test"},
	}
	without, err := Compile(ringDocument(), withLegs(nil))
	if err != nil {
		t.Fatal(err)
	}
	doc := ringDocument()
	a, err := Compile(doc, withLegs(legs))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"drawn", "chained"} {
		c0, _ := without.Cable(id)
		c, _ := a.Cable(id)
		before, after := segmentEnds(without, c0), segmentEnds(a, c)
		if len(after) != len(before)+1 {
			t.Errorf("%s: segments %v, then %v with the leg; want one more", id, before, after)
		}
		found := false
		for i, e := range after {
			if e != "grover–shima" {
				continue
			}
			found = true
			s := a.Segments[c.Segments[i]]
			if s.ID != fmt.Sprintf("%s/%d", id, s.Index) || s.Cable != id {
				t.Errorf("%s: leg segment id %q, cable %q", id, s.ID, s.Cable)
			}
			want := geo.DistanceKm(geo.Point{Lon: 136.87, Lat: 34.34}, geo.Point{Lon: -120.62, Lat: 35.12})
			if math.Abs(s.LengthKm-want) > 2 {
				t.Errorf("%s: leg %.0f km; want %.0f km, the great circle", id, s.LengthKm, want)
			}
			crosses := false
			for _, p := range s.Path {
				crosses = crosses || math.Abs(p[0]) == 180
			}
			if !crosses {
				t.Errorf("%s: the leg's path does not pass through the antimeridian", id)
			}
		}
		if !found {
			t.Errorf("%s: segments %v; want one between grover and shima", id, after)
		}
		if c.LengthFrom == "route" && c.LengthKm <= c0.LengthKm {
			t.Errorf("%s: length %.0f km with the leg, %.0f km without; want the leg counted", id, c.LengthKm, c0.LengthKm)
		}
	}
	// The drawn stretches are unchanged.
	c0, _ := without.Cable("drawn")
	c, _ := a.Cable("drawn")
	for _, e := range segmentEnds(without, c0) {
		if !strings.Contains(strings.Join(segmentEnds(a, c), " "), e) {
			t.Errorf("drawn segment %s lost with the leg: %v", e, segmentEnds(a, c))
		}
	}
	// The document is not modified: its route is drawn as it was.
	if got := doc.Cables[0].Route; len(got) != 2 || len(got[0]) != 3 || len(got[1]) != 4 {
		t.Errorf("the document's route became %v", got)
	}
}

// The example and the error of docs/atlas.md are what the reader takes
// and says.
func TestLegsDoc(t *testing.T) {
	b, err := os.ReadFile("../docs/atlas.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	_, block, ok := strings.Cut(doc, "```csv\ncable,from,to,source\n")
	if !ok {
		t.Fatal("docs/atlas.md: no csv example of legs.csv")
	}
	block, _, _ = strings.Cut(block, "```")
	ls, err := parseLegs(strings.NewReader("cable,from,to,source\n"+block), "legs.csv")
	if err != nil || len(ls) != 1 {
		t.Fatalf("the example: %d legs, error %v", len(ls), err)
	}
	// The documented error: line 13 of the embedded file with its "from"
	// made its "to".
	lines := strings.Split(legsCSV, "\n")
	f := strings.SplitN(lines[12], ",", 4)
	lines[12] = strings.Join([]string{f[0], f[2], f[2], f[3]}, ",")
	_, err = parseLegs(strings.NewReader(strings.Join(lines, "\n")), "legs.csv")
	if err == nil {
		t.Fatal("no error for a leg from a landing point to itself")
	}
	flat := strings.Join(strings.Fields(doc), " ")
	if !strings.Contains(flat, "`"+err.Error()+"`") {
		t.Errorf("docs/atlas.md does not give the error as the reader says it: %s", err)
	}
}
