package opencable

import (
	"math"

	"lifeline/atlas"
	"lifeline/geo"
)

// territories lists, for sovereign states, the territories with ISO codes of
// their own. The dataset names the sovereign for landing points in some of
// them — Puerto Rico and the US Virgin Islands as "United States", Bonaire as
// "Netherlands", Svalbard as "Norway" — while the atlas keeps territories
// apart: they have their own populations, cables and exposure.
var territories = map[string][]string{
	"US": {"PR", "VI", "GU", "AS", "MP", "UM"},
	"NL": {"AW", "CW", "SX", "BQ"},
	"NO": {"SJ", "BV"},
	"FR": {"GF", "GP", "MQ", "RE", "YT", "PF", "NC", "WF", "PM", "BL", "MF", "TF"},
	"GB": {"AI", "BM", "IO", "VG", "KY", "FK", "GI", "GG", "IM", "JE", "MS", "PN", "SH", "GS", "TC"},
	"DK": {"GL", "FO"},
	"AU": {"CX", "CC", "NF", "HM"},
	"NZ": {"CK", "NU", "TK"},
	"CN": {"HK", "MO"},
	"FI": {"AX"},
}

// inTerritory returns the territory of country that p lies in: the
// territory nearer to p than the country's own land, within
// atlas.NearCountryKm. The place decides, not the dataset's text: Hong Kong
// and Macao border China, and the dataset files their stations under
// "China", but a station in Tseung Kwan O lies in Hong Kong.
func inTerritory(country string, p geo.Point) (string, bool) {
	own, ok := geo.DistanceToCountryKm(country, p)
	if !ok {
		return "", false
	}
	best, bestKm := "", math.Min(float64(atlas.NearCountryKm), own)
	for _, t := range territories[country] {
		if d, ok := geo.DistanceToCountryKm(t, p); ok && d < bestKm {
			best, bestKm = t, d
		}
	}
	return best, best != ""
}

// erratum corrects one landing point record of the dataset.
type erratum struct {
	country string // ISO 3166-1 alpha-2
	name    string
	why     string
}

// errata are records of the (frozen) dataset that contradict themselves.
// Each is found by the atlas's location check; each correction is explained.
var errata = map[string]erratum{
	"cristbal-ecuador": {country: "PA", name: "Cristóbal, Panama",
		why: "named as in Ecuador, but its coordinates (79.90 W, 9.35 N) are the port of Cristóbal in Colón, Panama"},
}
