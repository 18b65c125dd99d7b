package starter

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"lifeline/atlas"
)

// load returns the embedded atlas or stops the test.
func load(tb testing.TB) *atlas.Atlas {
	tb.Helper()
	a, err := Load()
	if err != nil {
		tb.Fatalf("Load: %v", err)
	}
	return a
}

// Regions the starter atlas must cover, as sets of ISO 3166-1 alpha-2 codes.
// A cable counts for a region when it lands in at least one of its codes.
var regions = map[string][]string{
	"West Africa": {"MR", "SN", "GM", "GW", "GN", "SL", "LR", "CI", "GH", "TG", "BJ", "NG", "CM", "GQ", "GA",
		"ST", "CV"},
	"East Africa and the Red Sea": {"EG", "SD", "ER", "DJ", "SO", "KE", "TZ", "MZ", "MG", "KM", "YT", "SC",
		"MU", "RE", "SA", "YE", "JO"},
	"Gulf":            {"AE", "OM", "QA", "BH", "KW", "IQ", "IR", "SA"},
	"South Asia":      {"IN", "PK", "BD", "LK", "MV"},
	"South-East Asia": {"MM", "TH", "MY", "SG", "ID", "PH", "VN", "KH", "BN", "TL"},
	"Pacific islands": {"FJ", "TO", "WS", "AS", "PF", "CK", "NU", "VU", "SB", "PG", "NC", "WF", "PW", "FM",
		"MH", "GU", "MP", "KI", "NR", "TV", "TK"},
	"Caribbean": {"CU", "JM", "HT", "DO", "PR", "VI", "VG", "AI", "AG", "KN", "MS", "GP", "DM", "MQ", "LC",
		"VC", "BB", "GD", "TT", "BS", "TC", "KY", "AW", "CW", "BQ", "SX", "MF", "BL"},
	"Baltic":    {"EE", "LV", "LT", "FI", "PL"},
	"Black Sea": {"BG", "GE", "RO", "UA", "TR"},
}

// Continents for the ocean-crossing checks.
var (
	northAmerica = []string{"US", "CA", "GL", "BM"}
	europe       = []string{"GB", "IE", "FR", "ES", "PT", "DE", "NL", "BE", "DK", "NO", "IS", "FO", "IT"}
	asiaOceania  = []string{"JP", "KR", "CN", "TW", "HK", "PH", "ID", "SG", "MY", "VN", "TH", "AU", "NZ",
		"FJ", "GU", "MP", "PW", "FM", "WS", "AS", "PF", "TO", "PG", "SB", "NC", "VU"}
	americas = []string{"US", "CA", "MX", "GT", "SV", "HN", "NI", "CR", "PA", "CO", "EC", "PE", "CL"}
)

// landsIn reports whether the cable lands in any of the countries.
func landsIn(c *atlas.Cable, codes []string) bool {
	return slices.ContainsFunc(c.Countries, func(cc string) bool { return slices.Contains(codes, cc) })
}

func TestLoad(t *testing.T) {
	a := load(t)
	if got := len(a.InService()); got < 80 {
		t.Errorf("in-service cables: got %d, want at least 80", got)
	}
	planned := 0
	for i := range a.Cables {
		if a.Cables[i].Planned {
			planned++
		}
	}
	if planned == 0 {
		t.Error("no planned cables: planned handling goes unexercised")
	}
	if !strings.Contains(a.Source, "starter") {
		t.Errorf("Source = %q, want it to name the starter atlas", a.Source)
	}
}

func TestEveryCableHasSource(t *testing.T) {
	a := load(t)
	for i := range a.Cables {
		c := &a.Cables[i]
		if strings.TrimSpace(c.Source) == "" {
			t.Errorf("cable %s: no source", c.ID)
		}
		if len(c.Owners) == 0 {
			t.Errorf("cable %s: no owners", c.ID)
		}
		if c.Capacity.Confidence == atlas.Reported && c.Capacity.Source == "" {
			t.Errorf("cable %s: reported capacity without a capacity source", c.ID)
		}
	}
}

var slug = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestRecords(t *testing.T) {
	a := load(t)
	used := map[string]bool{}
	for i := range a.Cables {
		c := &a.Cables[i]
		if !slug.MatchString(c.ID) {
			t.Errorf("cable id %q: want a lower-case slug", c.ID)
		}
		for _, id := range c.LandingPoints {
			used[id] = true
		}
	}
	for _, lp := range a.LandingPoints {
		if !slug.MatchString(lp.ID) {
			t.Errorf("landing point id %q: want a lower-case slug", lp.ID)
		}
		if !used[lp.ID] {
			t.Errorf("landing point %s: no cable lands there", lp.ID)
		}
	}
}

func TestRegionalCoverage(t *testing.T) {
	a := load(t)
	for _, name := range slices.Sorted(maps.Keys(regions)) {
		t.Run(name, func(t *testing.T) {
			var got []string
			for _, c := range a.InService() {
				if landsIn(c, regions[name]) {
					got = append(got, c.ID)
				}
			}
			if len(got) < 3 {
				t.Errorf("in-service cables landing in %s: got %v, want at least 3", name, got)
			}
		})
	}
}

func TestOceanCrossings(t *testing.T) {
	a := load(t)
	tests := []struct {
		name string
		a, b []string
	}{
		{"transatlantic", northAmerica, europe},
		{"transpacific", asiaOceania, americas},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range a.InService() {
				if landsIn(c, tt.a) && landsIn(c, tt.b) {
					got = append(got, c.ID)
				}
			}
			if len(got) < 3 {
				t.Errorf("got %v, want at least 3", got)
			}
		})
	}
}

// TestSmallCountries pins the facts of 2022-2023 that the starter atlas must
// reproduce: the countries that hung on a single international cable.
func TestSmallCountries(t *testing.T) {
	a := load(t)
	tests := []struct {
		country string
		want    []string // in-service cables with a landing in the country
	}{
		{"GM", []string{"ace"}},
		{"LR", []string{"ace"}},
		{"SL", []string{"ace"}},
		{"GN", []string{"ace"}},
		{"MR", []string{"ace"}},
		{"TO", []string{"tonga-cable", "tonga-domestic"}},
		{"CU", []string{"alba-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.country, func(t *testing.T) {
			c, ok := a.Country(tt.country)
			if !ok {
				t.Fatalf("country %s missing", tt.country)
			}
			if !slices.Equal(c.Cables, tt.want) {
				t.Errorf("in-service cables: got %v, want %v", c.Cables, tt.want)
			}
		})
	}

	// Tonga's only international cable is the Tonga Cable to Fiji; the
	// domestic extension links Tongan islands only.
	var international []string
	for _, c := range a.InService() {
		if slices.Contains(c.Countries, "TO") && len(c.Countries) > 1 {
			international = append(international, c.ID)
		}
	}
	if want := []string{"tonga-cable"}; !slices.Equal(international, want) {
		t.Errorf("international cables landing in Tonga: got %v, want %v", international, want)
	}
	if c, ok := a.Cable("tonga-cable"); !ok || !slices.Equal(c.Countries, []string{"FJ", "TO"}) {
		t.Errorf("tonga-cable: want a cable between FJ and TO")
	}

	// Eritrea has no submarine cable; Kiribati had none in service, only planned.
	if c, ok := a.Country("ER"); ok && (len(c.Cables) > 0 || len(c.LandingPoints) > 0) {
		t.Errorf("ER: got cables %v and landing points %v, want none", c.Cables, c.LandingPoints)
	}
	if c, ok := a.Country("KI"); !ok || len(c.Cables) > 0 || len(c.PlannedCables) == 0 {
		t.Errorf("KI: want no in-service cable and at least one planned")
	}
}

func TestStats(t *testing.T) {
	s := load(t).Stats()
	if s.Source == "" {
		t.Error("Stats().Source is empty")
	}
	counts := map[string]int{
		"Cables": s.Cables, "PlannedCables": s.PlannedCables, "LandingPoints": s.LandingPoints,
		"Countries": s.Countries, "Segments": s.Segments, "TerrestrialLinks": s.TerrestrialLinks,
	}
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		if counts[k] == 0 {
			t.Errorf("Stats().%s = 0", k)
		}
	}
	if len(s.Unmapped) > 0 {
		t.Errorf("Stats().Unmapped = %v, want none", s.Unmapped)
	}
}
