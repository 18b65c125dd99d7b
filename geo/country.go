package geo

import (
	"slices"
	"strings"
)

// Point is a position in degrees: longitude east, latitude north.
type Point struct{ Lon, Lat float64 }

// Country is one ISO 3166-1 country or territory (or Kosovo, XK).
type Country struct {
	Code    string   // ISO 3166-1 alpha-2, e.g. "TO"
	Code3   string   // ISO 3166-1 alpha-3, e.g. "TON"
	Numeric string   // ISO 3166-1 numeric, 3 digits, e.g. "776"; empty for XK, which has none
	Name    string   // short English name, e.g. "Tonga"
	Aliases []string // other common English names

	Population       int64  // public figure; 0 only where nobody lives permanently
	PopulationYear   int    // year the figure refers to
	PopulationSource string // e.g. "World Bank WDI SP.POP.TOTL 2023"

	// Centroid is a representative point inside the main landmass, or the
	// territory's main island; for the few codes without a shape it is the
	// curated point from countries.csv.
	Centroid   Point
	Landlocked bool
}

// Countries returns every country and territory, sorted by Code. The slice
// is the caller's to keep or modify.
func Countries() []Country {
	w := load()
	out := make([]Country, len(w.countries))
	for i, c := range w.countries {
		out[i] = c.clone()
	}
	return out
}

// Lookup returns the country with the given alpha-2 code, in any case.
func Lookup(code string) (Country, bool) {
	w := load()
	i, ok := w.byCode[strings.ToUpper(code)]
	if !ok {
		return Country{}, false
	}
	return w.countries[i].clone(), true
}

func (c Country) clone() Country {
	c.Aliases = slices.Clone(c.Aliases)
	return c
}
