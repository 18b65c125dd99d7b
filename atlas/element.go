package atlas

import (
	"strconv"
	"strings"
)

// HasElement reports whether id names an element of the atlas, in the
// form incidents use: "cable:<cable id>", "segment:<cable id>/<index>"
// (one stretch of a cable, where a cut is), "landing_point:<landing point
// id>" or "country:<ISO 3166-1 alpha-2 code>".
func (a *Atlas) HasElement(id string) bool {
	kind, key, ok := strings.Cut(id, ":")
	if !ok {
		return false
	}
	switch kind {
	case "cable":
		_, ok = a.Cable(key)
	case "segment":
		_, ok = a.Segment(key)
	case "landing_point":
		_, ok = a.LandingPoint(key)
	case "country":
		_, ok = a.Country(key)
	default:
		ok = false
	}
	return ok
}

// Segment returns the segment with the id "<cable id>/<index>".
func (a *Atlas) Segment(id string) (*Segment, bool) {
	cab, n, ok := strings.Cut(id, "/")
	if !ok {
		return nil, false
	}
	c, ok := a.Cable(cab)
	if !ok {
		return nil, false
	}
	i, err := strconv.Atoi(n)
	if err != nil || i < 0 || i >= len(c.Segments) || strconv.Itoa(i) != n {
		return nil, false
	}
	return &a.Segments[c.Segments[i]], true
}
