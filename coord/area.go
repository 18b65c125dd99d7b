package coord

import (
	"encoding/json"
	"fmt"

	"lifeline"
)

// Area is a GeoJSON geometry (RFC 7946) of type Polygon or MultiPolygon,
// in longitude, latitude order. Rings must be closed, have at least four
// positions and must not cross or touch themselves: CAP alerts with open
// or self-intersecting polygons are a known failure of the field, and an
// area that cannot be drawn cannot be acted on.
type Area struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// Limits on an area, so that a hostile document cannot make validation
// (quadratic in the positions of a ring) take long.
const (
	MaxAreaPositions = 20000 // in the whole geometry
	MaxRingPositions = 2000  // in one ring
)

// Position is a GeoJSON position: longitude, then latitude.
type Position [2]float64

// Polygons returns the polygons of a, each a list of rings, after
// validating it.
func (a *Area) Polygons() ([][][]Position, error) {
	const op = "coord.Area"
	var raw [][][][]float64
	switch a.Type {
	case "Polygon":
		var p [][][]float64
		if err := decodeCoords(a.Coordinates, &p); err != nil {
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "area: Polygon coordinates: expected an array of rings of [longitude, latitude] positions: %v", err)
		}
		raw = [][][][]float64{p}
	case "MultiPolygon":
		if err := decodeCoords(a.Coordinates, &raw); err != nil {
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "area: MultiPolygon coordinates: expected an array of polygons of rings of [longitude, latitude] positions: %v", err)
		}
	default:
		return nil, lifeline.Errork(lifeline.EINVALID, op, "err.area.type", "area: type: expected \"Polygon\" or \"MultiPolygon\", found %q", a.Type)
	}
	polys := make([][][]Position, len(raw))
	for pi, p := range raw {
		polys[pi] = make([][]Position, len(p))
		for ri, r := range p {
			polys[pi][ri] = make([]Position, len(r))
			for i, pos := range r {
				// RFC 7946 3.1.1: two numbers, an altitude may follow.
				if len(pos) != 2 && len(pos) != 3 {
					return nil, lifeline.Errork(lifeline.EINVALID, op, "err.area.numbers", "area: %s position %d: expected [longitude, latitude] (an altitude may follow), found %d numbers", ringP(pi, ri), i, len(pos))
				}
				polys[pi][ri][i] = Position{pos[0], pos[1]}
			}
		}
	}
	if len(polys) == 0 {
		return nil, lifeline.Errork(lifeline.EINVALID, op, "err.area.empty", "area: no polygon")
	}
	total := 0
	for pi, p := range polys {
		if len(p) == 0 {
			return nil, lifeline.Errork(lifeline.EINVALID, op, "err.area.noring", "area: polygon %d has no ring", pi)
		}
		for ri, r := range p {
			total += len(r)
			if total > MaxAreaPositions {
				return nil, lifeline.Errork(lifeline.EINVALID, op, "err.area.many", "area: more than %d positions", MaxAreaPositions)
			}
			if err := validateRing(pi, ri, r); err != nil {
				return nil, err
			}
			if ri > 0 {
				if err := validateHole(pi, ri, p[0], r); err != nil {
					return nil, err
				}
			}
		}
	}
	return polys, nil
}

// validateHole checks that ring ri (a hole) of polygon pi lies within the
// polygon's outer ring shell (RFC 7946 3.1.6: the first ring is the
// exterior, the others are holes in it): each of its positions, and the
// middle of each of its edges, inside the shell or on its boundary. A
// hole outside its shell cuts nothing away and says the area is other
// than it is drawn.
func validateHole(pi, ri int, shell, hole []Position) error {
	const op = "coord.Area"
	outside := func(q Position) bool { return !inRing(q, shell) && !onRing(q, shell) }
	for i, p := range hole {
		if outside(p) {
			return lifeline.Errork(lifeline.EINVALID, op, "err.area.hole.out", "area: %s is a hole, but its position %d %s lies outside the outer ring (ring 0); a hole must lie within it", ringP(pi, ri), i, fmtPos(p))
		}
		if i+1 < len(hole) {
			if mid := (Position{(p[0] + hole[i+1][0]) / 2, (p[1] + hole[i+1][1]) / 2}); outside(mid) {
				return lifeline.Errork(lifeline.EINVALID, op, "err.area.hole.cross", "area: %s is a hole, but its edge from position %d crosses out of the outer ring (ring 0) at %s; a hole must lie within it", ringP(pi, ri), i, fmtPos(mid))
			}
		}
	}
	return nil
}

// inRing reports whether p is strictly inside ring r (even-odd rule).
func inRing(p Position, r []Position) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

// onRing reports whether p lies on an edge of ring r.
func onRing(p Position, r []Position) bool {
	for i := 0; i+1 < len(r); i++ {
		if orient(r[i], r[i+1], p) == 0 && onSegment(r[i], r[i+1], p) {
			return true
		}
	}
	return false
}

// Validate checks a; see Polygons.
func (a *Area) Validate() error {
	_, err := a.Polygons()
	return err
}

func decodeCoords(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return fmt.Errorf("missing")
	}
	return json.Unmarshal(raw, v)
}

// ringP names ring ri of polygon pi in a message.
func ringP(pi, ri int) lifeline.Phrase {
	return lifeline.P("err.area.ring", "polygon %d ring %d", pi, ri)
}

func validateRing(pi, ri int, r []Position) error {
	const op = "coord.Area"
	where := ringP(pi, ri)
	if len(r) > MaxRingPositions {
		return lifeline.Errork(lifeline.EINVALID, op, "err.area.ring.many", "area: %s has %d positions, at most %d", where, len(r), MaxRingPositions)
	}
	for i, p := range r {
		if !(p[0] >= -180 && p[0] <= 180) || !(p[1] >= -90 && p[1] <= 90) {
			return lifeline.Errork(lifeline.EINVALID, op, "err.area.range", "area: %s position %d %s is outside longitude -180..180, latitude -90..90", where, i, fmtPos(p))
		}
	}
	if len(r) < 4 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.area.ring.short", "area: %s has %d positions; a closed ring needs at least 4", where, len(r))
	}
	if r[0] != r[len(r)-1] {
		return lifeline.Errork(lifeline.EINVALID, op, "err.area.ring.open", "area: %s is not closed: it starts at %s and ends at %s; repeat the first position at the end", where, fmtPos(r[0]), fmtPos(r[len(r)-1]))
	}
	// Drop repeated consecutive positions: they draw nothing.
	pts := []Position{r[0]}
	for _, p := range r[1:] {
		if p != pts[len(pts)-1] {
			pts = append(pts, p)
		}
	}
	if len(pts) < 4 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.area.distinct", "area: %s has fewer than 3 distinct positions", where)
	}
	n := len(pts) - 1 // segments: pts[i]–pts[i+1]
	for i := 0; i < n; i++ {
		a, b := pts[i], pts[i+1]
		for j := i + 1; j < n; j++ {
			c, d := pts[j], pts[j+1]
			adjacent := j == i+1 || (i == 0 && j == n-1)
			if adjacent {
				// Neighbours share one end; they intersect only if they fold
				// back over each other.
				shared, other1, other2 := b, a, d
				if i == 0 && j == n-1 && j != i+1 {
					shared, other1, other2 = a, b, c
				}
				if orient(other1, shared, other2) == 0 && dot(other1, shared, other2) > 0 {
					return lifeline.Errork(lifeline.EINVALID, op, "err.area.fold", "area: %s intersects itself at point %s: segments %d and %d fold back over each other", where, fmtPos(shared), i, j)
				}
				continue
			}
			if p, ok := intersect(a, b, c, d); ok {
				return lifeline.Errork(lifeline.EINVALID, op, "err.area.cross", "area: %s intersects itself at point %s (segments %d and %d)", where, fmtPos(p), i, j)
			}
		}
	}
	return nil
}

func fmtPos(p Position) string { return fmt.Sprintf("[%g, %g]", p[0], p[1]) }

// orient returns the sign of the cross product (b-a)×(c-a).
func orient(a, b, c Position) int {
	v := (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// dot is the dot product (a-s)·(c-s): positive when a and c lie on the
// same side of s, i.e. the two segments from s overlap when collinear.
func dot(a, s, c Position) float64 {
	return (a[0]-s[0])*(c[0]-s[0]) + (a[1]-s[1])*(c[1]-s[1])
}

func onSegment(a, b, p Position) bool {
	return min(a[0], b[0]) <= p[0] && p[0] <= max(a[0], b[0]) &&
		min(a[1], b[1]) <= p[1] && p[1] <= max(a[1], b[1])
}

// intersect reports whether segments ab and cd share a point, and one such
// point.
func intersect(a, b, c, d Position) (Position, bool) {
	o1, o2 := orient(a, b, c), orient(a, b, d)
	o3, o4 := orient(c, d, a), orient(c, d, b)
	if o1 != o2 && o3 != o4 {
		if o1 == 0 {
			return c, true
		}
		if o2 == 0 {
			return d, true
		}
		if o3 == 0 {
			return a, true
		}
		if o4 == 0 {
			return b, true
		}
		// Proper crossing: solve for the point.
		den := (a[0]-b[0])*(c[1]-d[1]) - (a[1]-b[1])*(c[0]-d[0])
		t := ((a[0]-c[0])*(c[1]-d[1]) - (a[1]-c[1])*(c[0]-d[0])) / den
		return Position{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}, true
	}
	switch {
	case o1 == 0 && onSegment(a, b, c):
		return c, true
	case o2 == 0 && onSegment(a, b, d):
		return d, true
	case o3 == 0 && onSegment(c, d, a):
		return a, true
	case o4 == 0 && onSegment(c, d, b):
		return b, true
	}
	return Position{}, false
}
