package geo

import (
	"slices"
	"strings"
	"testing"
)

func TestCountries(t *testing.T) {
	cs := Countries()
	if len(cs) != 250 {
		t.Errorf("Countries() has %d entries, want 249 ISO 3166-1 codes and XK", len(cs))
	}
	if !slices.IsSortedFunc(cs, func(a, b Country) int { return strings.Compare(a.Code, b.Code) }) {
		t.Error("Countries() is not sorted by Code")
	}
	for _, c := range cs {
		t.Run(c.Code, func(t *testing.T) {
			if len(c.Code) != 2 || len(c.Code3) != 3 || c.Name == "" {
				t.Errorf("incomplete identity: %+v", c)
			}
			if len(c.Numeric) != 3 && c.Code != "XK" {
				t.Errorf("Numeric = %q, want 3 digits", c.Numeric)
			}
			if c.Centroid == (Point{}) {
				t.Error("no centroid")
			}
			if _, ok := Shape(c.Code); ok && !Contains(c.Code, c.Centroid) {
				t.Errorf("centroid %v is outside the shape", c.Centroid)
			}
			got, ok := Lookup(strings.ToLower(c.Code))
			if !ok || got.Code != c.Code {
				t.Errorf("Lookup(%q) = %v, %v", strings.ToLower(c.Code), got.Code, ok)
			}
		})
	}
}

func TestLookupReturnsCopy(t *testing.T) {
	c, ok := Lookup("CI")
	if !ok || len(c.Aliases) == 0 {
		t.Fatalf("Lookup(CI) = %+v, %v", c, ok)
	}
	c.Aliases[0] = "changed"
	if again, _ := Lookup("CI"); again.Aliases[0] == "changed" {
		t.Error("changing a returned Country changed the package's table")
	}
	if _, ok := Lookup("ZZ"); ok {
		t.Error("Lookup(ZZ) found a country")
	}
}

func TestLandlocked(t *testing.T) {
	tests := map[string]bool{
		"ET": true, "LS": true, "UG": true, "BO": true, "PY": true, "KZ": true, "CH": true, "SS": true, "XK": true, "VA": true,
		"KE": false, "PE": false, "FR": false, "TO": false, "CD": false, "GF": false,
	}
	for code, want := range tests {
		t.Run(code, func(t *testing.T) {
			c, ok := Lookup(code)
			if !ok || c.Landlocked != want {
				t.Errorf("Lookup(%s).Landlocked = %v (found %v), want %v", code, c.Landlocked, ok, want)
			}
		})
	}
}

// uninhabited have no permanent population; every other code has one.
var uninhabited = []string{"AQ", "BV", "GS", "HM", "IO", "TF", "UM"}

func TestPopulation(t *testing.T) {
	var world int64
	for _, c := range Countries() {
		world += c.Population
		t.Run(c.Code, func(t *testing.T) {
			if c.PopulationYear < 2020 || c.PopulationYear > 2024 || c.PopulationSource == "" {
				t.Errorf("population %d has year %d and source %q", c.Population, c.PopulationYear, c.PopulationSource)
			}
			if slices.Contains(uninhabited, c.Code) {
				if c.Population != 0 || !strings.HasPrefix(c.PopulationSource, "no permanent population") {
					t.Errorf("uninhabited territory has population %d from %q", c.Population, c.PopulationSource)
				}
			} else if c.Population <= 0 {
				t.Errorf("Population = %d, want > 0", c.Population)
			}
		})
	}
	ranges := []struct {
		code     string
		min, max int64
	}{
		{"CN", 1.3e9, 1.5e9},
		{"IN", 1.3e9, 1.5e9},
		{"TO", 90e3, 120e3},
		{"US", 320e6, 350e6},
		{"NG", 200e6, 240e6},
	}
	for _, r := range ranges {
		t.Run(r.code+" range", func(t *testing.T) {
			c, _ := Lookup(r.code)
			if c.Population < r.min || c.Population > r.max {
				t.Errorf("%s population %d, want between %d and %d", r.code, c.Population, r.min, r.max)
			}
		})
	}
	if world < 7.8e9 || world > 8.3e9 {
		t.Errorf("world total %d, want between 7.8e9 and 8.3e9", world)
	}
}
