package atlas

import (
	"strings"
	"testing"
)

// The embedded offshore installations parse, each with a source, and a
// compiled atlas marks their landing points and no other.
func TestOffshore(t *testing.T) {
	list := OffshoreInstallations()
	if len(list) == 0 {
		t.Fatal("no offshore installations")
	}
	for _, o := range list {
		if o.LandingPoint == "" || strings.TrimSpace(o.Source) == "" {
			t.Errorf("offshore.csv: %+v; want a landing point and a source", o)
		}
	}
	doc := &Document{Format: FormatName, Version: 1, Source: "test",
		LandingPoints: []LandingPoint{
			{ID: "glen-lyon-united-kingdom", Name: "Glen Lyon", Country: "GB", Lon: -4.3, Lat: 60.3},
			{ID: "maywick-united-kingdom", Name: "Maywick", Country: "GB", Lon: -1.32, Lat: 60.0},
		},
		Cables: []DocumentCable{{ID: "c", Name: "C", LandingPoints: []string{"glen-lyon-united-kingdom", "maywick-united-kingdom"}}},
	}
	a, err := Compile(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, lp := range a.LandingPoints {
		if want := lp.ID == "glen-lyon-united-kingdom"; lp.Offshore != want {
			t.Errorf("%s: offshore %v, want %v", lp.ID, lp.Offshore, want)
		}
	}
}

func TestOffshoreErrors(t *testing.T) {
	const h = "landing_point,source\n"
	bad := []struct{ in, want string }{
		{"", "empty"},
		{"landing_point\n", "header"},
		{h + ",s\n", "o.csv: line 2: landing_point"},
		{h + "Glen-Lyon,s\n", "o.csv: line 2: landing_point"},
		{h + "a b,s\n", "o.csv: line 2: landing_point"},
		{h + "a, \n", "o.csv: line 2: source"},
		{h + "a\n", "o.csv: line 2: want 2 fields"},
		{h + "a,s\n# a comment\na,t\n", "o.csv: line 4: landing_point: a is listed already on line 2"},
	}
	for _, b := range bad {
		_, err := parseOffshore(strings.NewReader(b.in), "o.csv")
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%q: error %v, want it to contain %q", b.in, err, b.want)
		}
	}
}

func FuzzOffshore(f *testing.F) {
	f.Add("landing_point,source\nglen-lyon-united-kingdom,BP\n")
	f.Add("landing_point,source\na,\"x, y\"\n# c\nb,z\n")
	f.Fuzz(func(t *testing.T, in string) {
		list, err := parseOffshore(strings.NewReader(in), "o.csv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "o.csv") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		for _, o := range list {
			if o.LandingPoint == "" || o.Source == "" {
				t.Fatalf("accepted %+v", o)
			}
		}
	})
}
