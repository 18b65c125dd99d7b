package geo

import (
	"slices"
	"strings"
)

// Neighbours returns the alpha-2 codes of the countries that share a land
// border with code, sorted; nil for island countries and unknown codes.
// Borders come from Natural Earth's shared arcs (see the package comment),
// so a border exists where two shapes touch on land; maritime boundaries and
// bridges or tunnels (Singapore–Malaysia, Denmark–Sweden) are not borders.
func Neighbours(code string) []string {
	return slices.Clone(load().neighbours[strings.ToUpper(code)])
}

// Borders returns every land border once, as a pair of alpha-2 codes with
// the first less than the second, sorted.
func Borders() [][2]string {
	return slices.Clone(load().borders)
}
