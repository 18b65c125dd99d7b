package atlas

import "strings"

// HasElement reports whether id names an element of the atlas, in the
// form incidents use: "cable:<cable id>", "landing_point:<landing point
// id>" or "country:<ISO 3166-1 alpha-2 code>".
func (a *Atlas) HasElement(id string) bool {
	kind, key, ok := strings.Cut(id, ":")
	if !ok {
		return false
	}
	switch kind {
	case "cable":
		_, ok = a.Cable(key)
	case "landing_point":
		_, ok = a.LandingPoint(key)
	case "country":
		_, ok = a.Country(key)
	default:
		ok = false
	}
	return ok
}
