package opencable_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"lifeline"
	"lifeline/atlas"
	"lifeline/atlas/opencable"
	"lifeline/internal/shareddata"
)

func loadReal(t testing.TB) *atlas.Atlas {
	t.Helper()
	dir := shareddata.Path(t, "cables")
	a, err := opencable.Load(dir)
	if err != nil {
		t.Fatalf("Load(%s): %v", dir, err)
	}
	return a
}

func TestRealDataset(t *testing.T) {
	a := loadReal(t)
	st := a.Stats()
	// 456 systems in service in the 2022 release, less SEA-ME-WE 3,
	// retired in 2024 (atlas/retired.csv).
	if st.Cables != 455 || st.PlannedCables != 65 {
		t.Errorf("%d in service and %d planned; want 455 and 65", st.Cables, st.PlannedCables)
	}
	if len(st.Unmapped) != 0 {
		t.Errorf("unmapped countries: %v", st.Unmapped)
	}
	// Every landing point that a cable names is placed and mapped.
	for i := range a.Cables {
		for _, id := range a.Cables[i].LandingPoints {
			lp, ok := a.LandingPoint(id)
			if !ok || lp.Country == "" || (lp.Lon == 0 && lp.Lat == 0) {
				t.Errorf("cable %s: landing point %s not placed", a.Cables[i].ID, id)
			}
		}
	}
	landing := map[string]bool{}
	for _, lp := range a.LandingPoints {
		landing[lp.Country] = true
	}
	// The dataset's 180 country names, with Puerto Rico, the US Virgin
	// Islands, Svalbard, Hong Kong and Åland kept apart from their
	// sovereigns.
	if len(landing) != 184 {
		t.Errorf("%d landing countries, want 184", len(landing))
	}
	// Hong Kong's stations are filed under "China" in the dataset; the
	// place decides.
	for _, id := range []string{"tseung-kwan-o-china", "chung-hom-kok-china", "cape-daguilar-china", "lantau-island-china"} {
		if lp, ok := a.LandingPoint(id); !ok || lp.Country != "HK" {
			t.Errorf("%s: %+v; want it in Hong Kong (HK)", id, lp)
		}
	}
	if lp, ok := a.LandingPoint("shantou-china"); !ok || lp.Country != "CN" {
		t.Errorf("shantou-china: %+v; want it in China", lp)
	}
	if hk, ok := a.Country("HK"); !ok || len(hk.Cables) < 5 {
		t.Errorf("HK: %+v; want its own cables", hk)
	}
	// Every in-service cable is split into segments that cover its landing points.
	for _, c := range a.InService() {
		ends := map[string]bool{}
		for _, si := range c.Segments {
			s := a.Segments[si]
			ends[s.From], ends[s.To] = true, true
		}
		for _, id := range c.LandingPoints {
			if !ends[id] {
				t.Errorf("cable %s: landing point %s is on no segment", c.ID, id)
			}
		}
		// The segments join every landing point into one network.
		adj := map[string][]string{}
		for _, si := range c.Segments {
			s := a.Segments[si]
			adj[s.From] = append(adj[s.From], s.To)
			adj[s.To] = append(adj[s.To], s.From)
		}
		seen := map[string]bool{c.LandingPoints[0]: true}
		stack := []string{c.LandingPoints[0]}
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, m := range adj[n] {
				if !seen[m] {
					seen[m] = true
					stack = append(stack, m)
				}
			}
		}
		for _, id := range c.LandingPoints {
			if !seen[id] {
				t.Errorf("cable %s: landing point %s is not connected to %s through the segments", c.ID, id, c.LandingPoints[0])
			}
		}
		if c.LengthKm <= 0 {
			t.Errorf("cable %s: length %v", c.ID, c.LengthKm)
		}
	}
}

func inServiceCables(t *testing.T, a *atlas.Atlas, code string) []string {
	t.Helper()
	c, ok := a.Country(code)
	if !ok {
		t.Fatalf("country %s missing", code)
	}
	return c.Cables
}

// International cables land in more than one country.
func internationalCables(t *testing.T, a *atlas.Atlas, code string) []string {
	var out []string
	for _, id := range inServiceCables(t, a, code) {
		c, _ := a.Cable(id)
		if len(c.Countries) > 1 {
			out = append(out, id)
		}
	}
	return out
}

func TestRealDatasetKnownFacts(t *testing.T) {
	a := loadReal(t)
	// Tonga's only international cable was the Tonga Cable to Fiji, cut by
	// the Hunga Tonga–Hunga Ha'apai eruption in January 2022.
	if got := internationalCables(t, a, "TO"); len(got) != 1 || got[0] != "tonga-cable" {
		t.Errorf("Tonga's international cables: %v, want [tonga-cable]", got)
	}
	// ACE was the only international cable of these five countries.
	for _, code := range []string{"GM", "LR", "SL", "GN", "MR"} {
		if got := internationalCables(t, a, code); len(got) != 1 || got[0] != "africa-coast-to-europe-ace" {
			t.Errorf("%s's international cables: %v, want [africa-coast-to-europe-ace]", code, got)
		}
	}
	// Country names with punctuation and diacritics map to their codes.
	// Territories the dataset files under their sovereign are put where
	// they lie; the one record whose country contradicts its coordinates is
	// corrected; Crimea is Ukraine (ISO 3166 UA-43; UN GA resolution 68/262).
	for code, lp := range map[string]string{"CI": "abidjan-cte-divoire", "CD": "muanda-congo-dem-rep-", "CW": "willemstad-curaao",
		"PR": "isla-verde-pr-united-states", "VI": "christiansted-vi-united-states", "BQ": "kralendijk-bonaire-netherlands",
		"SJ": "longyearbyen-svalbard-norway", "PA": "cristbal-ecuador", "UA": "kerch-ukraine", "US": "boca-raton-fl-united-states"} {
		p, ok := a.LandingPoint(lp)
		if !ok {
			t.Errorf("landing point %s missing", lp)
			continue
		}
		if p.Country != code {
			t.Errorf("%s is in %s, want %s", lp, p.Country, code)
		}
	}
}

// writeDataset writes a small dataset in the open cable map layout.
func writeDataset(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func tinyDataset() map[string]string {
	return map[string]string{
		"cable/cable-geo.json": `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"alpha","name":"Alpha"},"geometry":{"type":"MultiLineString","coordinates":[[[-9.3,38.7],[-12,36],[-16.9,32.6]]]}}]}`,
		"cable/alpha.json": `{"id":"alpha","name":"Alpha","length":"1,000 km","landing_points":[
{"id":"carcavelos","name":"Carcavelos, Portugal","country":"Portugal","is_tbd":null},
{"id":"funchal","name":"Funchal, Portugal","country":"Portugal","is_tbd":null}],
"owners":"One, Two","rfs_year":2001,"is_planned":false,"url":null}`,
		"cable/all.json": `[{"id":"alpha","name":"Alpha"}]`,
		"landing-point/landing-point-geo.json": `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"carcavelos","name":"Carcavelos, Portugal"},"geometry":{"type":"Point","coordinates":[-9.3,38.7]}},
{"type":"Feature","properties":{"id":"funchal","name":"Funchal, Portugal"},"geometry":{"type":"Point","coordinates":[-16.9,32.6]}}]}`,
	}
}

func TestTinyDataset(t *testing.T) {
	a, err := opencable.Load(writeDataset(t, tinyDataset()))
	if err != nil {
		t.Fatal(err)
	}
	c, ok := a.Cable("alpha")
	if !ok || c.LengthKm != 1000 || c.RFSYear != 2001 || len(c.Owners) != 2 || len(c.Segments) != 1 {
		t.Fatalf("cable %+v", c)
	}
	if a.Attribution != opencable.Attribution {
		t.Errorf("attribution %q", a.Attribution)
	}
}

func TestBadDatasets(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(files map[string]string)
		want   []string
	}{
		{"malformed cable file", func(f map[string]string) { f["cable/alpha.json"] = "{\"id\": \"alpha\",\n\"name\": }" },
			[]string{"alpha.json", "line 2", "malformed JSON"}},
		{"missing routes file", func(f map[string]string) { delete(f, "cable/cable-geo.json") },
			[]string{"cable-geo.json", "missing file"}},
		{"missing landing point file", func(f map[string]string) { delete(f, "landing-point/landing-point-geo.json") },
			[]string{"landing-point-geo.json", "missing file"}},
		{"cable file listed in the index but missing", func(f map[string]string) { f["cable/all.json"] = `[{"id":"alpha"},{"id":"beta"}]` },
			[]string{"all.json", "beta.json"}},
		{"unknown landing point", func(f map[string]string) {
			f["cable/alpha.json"] = strings.Replace(f["cable/alpha.json"], `"id":"funchal"`, `"id":"madeira"`, 1)
		}, []string{"alpha.json", `cable "alpha"`, `"madeira"`, "landing-point-geo.json"}},
		{"unknown countries, all listed", func(f map[string]string) {
			f["cable/alpha.json"] = strings.Replace(strings.Replace(f["cable/alpha.json"], `"country":"Portugal"`, `"country":"Atlantis"`, 1),
				`"country":"Portugal"`, `"country":"Lemuria"`, 1)
		}, []string{"2 country name(s)", `"Atlantis"`, `"Lemuria"`}},
		{"bad length", func(f map[string]string) {
			f["cable/alpha.json"] = strings.Replace(f["cable/alpha.json"], `"1,000 km"`, `"long"`, 1)
		}, []string{"alpha.json", "length", `"long"`}},
		{"wrong type", func(f map[string]string) {
			f["cable/alpha.json"] = strings.Replace(f["cable/alpha.json"], `"rfs_year":2001`, `"rfs_year":"2001"`, 1)
		}, []string{"alpha.json", "rfs_year"}},
		{"point geometry as a line", func(f map[string]string) {
			f["landing-point/landing-point-geo.json"] = strings.Replace(f["landing-point/landing-point-geo.json"], `"Point"`, `"LineString"`, 1)
		}, []string{"landing-point-geo.json", "carcavelos", "want Point"}},
		{"landing point in the sea", func(f map[string]string) {
			f["landing-point/landing-point-geo.json"] = strings.Replace(f["landing-point/landing-point-geo.json"], `[-16.9,32.6]`, `[-40,20]`, 1)
		}, []string{`landing point "funchal"`, "km from PT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := tinyDataset()
			tt.mutate(files)
			a, err := opencable.Load(writeDataset(t, files))
			if err == nil || a != nil {
				t.Fatalf("Load accepted the dataset")
			}
			if code := lifeline.ErrorCode(err); code != lifeline.EINVALID {
				t.Errorf("code %q, want %q", code, lifeline.EINVALID)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestUnmappedErrorType(t *testing.T) {
	files := tinyDataset()
	files["cable/alpha.json"] = strings.Replace(files["cable/alpha.json"], `"country":"Portugal"`, `"country":"Atlantis"`, 1)
	fsys := fstest.MapFS{}
	for k, v := range files {
		fsys[k] = &fstest.MapFile{Data: []byte(v)}
	}
	_, err := opencable.Read(fsys, "mem")
	var u *opencable.UnmappedError
	if !errors.As(err, &u) || len(u.Names) != 1 || u.Names[0] != "Atlantis" {
		t.Errorf("err = %v; want an UnmappedError listing Atlantis", err)
	}
}

func TestKeep(t *testing.T) {
	for name, want := range map[string]bool{
		"cable/cable-geo.json":                 true,
		"cable/ace.json":                       true,
		"landing-point/landing-point-geo.json": true,
		"LICENSE":                              true,
		"landing-point/abidjan.json":           false,
		"cable/sub/x.json":                     false,
		"README.md":                            false,
	} {
		if _, got := opencable.Keep(name); got != want {
			t.Errorf("Keep(%q) = %v, want %v", name, got, want)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	dir := shareddata.Path(b, "cables")
	for b.Loop() {
		if _, err := opencable.Load(dir); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzRead(f *testing.F) {
	base := tinyDataset()
	f.Add(base["cable/alpha.json"], base["cable/cable-geo.json"], base["landing-point/landing-point-geo.json"])
	f.Add(`{"id":"alpha","name":"A","landing_points":[]}`, `{}`, `{"features":[]}`)
	f.Add(`{"id":"alpha","name":"A","length":null,"landing_points":[{"id":"carcavelos","country":"Portugal"},{"id":"funchal","country":"Portugal"}]}`,
		`{"features":[{"properties":{"id":"alpha"},"geometry":{"type":"MultiLineString","coordinates":[[[180,0],[-180,0]],[]]}}]}`,
		base["landing-point/landing-point-geo.json"])
	f.Fuzz(func(t *testing.T, cable, routes, points string) {
		fsys := fstest.MapFS{
			"cable/alpha.json":                     {Data: []byte(cable)},
			"cable/cable-geo.json":                 {Data: []byte(routes)},
			"landing-point/landing-point-geo.json": {Data: []byte(points)},
		}
		doc, err := opencable.Read(fsys, "fuzz")
		if err != nil {
			if lifeline.ErrorCode(err) == lifeline.EINTERNAL {
				t.Fatalf("an internal error for bad input: %v", err)
			}
			return
		}
		a, err := atlas.Compile(doc)
		if err != nil {
			if lifeline.ErrorCode(err) != lifeline.EINVALID {
				t.Fatalf("Compile: code %q for bad input: %v", lifeline.ErrorCode(err), err)
			}
			return
		}
		for i := range a.Cables {
			if len(a.Cables[i].Segments) == 0 {
				t.Fatalf("cable %s compiled without segments", a.Cables[i].ID)
			}
		}
	})
}

// TestRFSMonth reads the month of the dataset's "rfs" text, in the forms
// the open cable map uses ("2005 December", "2013 Q4", "2006"), into the
// atlas, and an as-of month leaves out a cable ready later that year.
func TestRFSMonth(t *testing.T) {
	for _, tc := range []struct {
		rfs  string
		want int
	}{
		{`"2001 December"`, 12}, {`"2001 june"`, 6}, {`"2001 Q1"`, 3}, {`"2001 Q4"`, 12},
		{`"2001"`, 0}, {`null`, 0}, {`"2002 March"`, 0}, {`"2001 Q5"`, 0}, {`"2001 Spring"`, 0}, {`"December 2001"`, 0},
	} {
		files := tinyDataset()
		files["cable/alpha.json"] = strings.Replace(files["cable/alpha.json"], `"rfs_year":2001`, `"rfs_year":2001,"rfs":`+tc.rfs, 1)
		dir := writeDataset(t, files)
		a, err := opencable.Load(dir)
		if err != nil {
			t.Fatalf("rfs %s: %v", tc.rfs, err)
		}
		c, _ := a.Cable("alpha")
		if c.RFSMonth != tc.want {
			t.Errorf("rfs %s: month %d, want %d", tc.rfs, c.RFSMonth, tc.want)
		}
		june, err := opencable.Load(dir, atlas.WithAsOfMonth(2001, 6))
		if err != nil {
			t.Fatal(err)
		}
		c, _ = june.Cable("alpha")
		if later := tc.want > 6; c.Planned != later {
			t.Errorf("rfs %s, as of June 2001: planned %v, want %v", tc.rfs, c.Planned, later)
		}
		if june.AsOf != 2001 || june.AsOfMonth != 6 {
			t.Errorf("as of %d-%d, want 2001-6", june.AsOf, june.AsOfMonth)
		}
	}
}
