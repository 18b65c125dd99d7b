package geo

import (
	"math"
	"strings"
)

// box is a longitude/latitude bounding box. Shapes never cross the
// antimeridian (rings are split there), so minLon <= maxLon always holds.
type box struct{ minLon, minLat, maxLon, maxLat float64 }

func emptyBox() box { return box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)} }

func (b *box) extend(p Point) {
	b.minLon, b.maxLon = math.Min(b.minLon, p.Lon), math.Max(b.maxLon, p.Lon)
	b.minLat, b.maxLat = math.Min(b.minLat, p.Lat), math.Max(b.maxLat, p.Lat)
}

func (b *box) union(o box) {
	b.minLon, b.maxLon = math.Min(b.minLon, o.minLon), math.Max(b.maxLon, o.maxLon)
	b.minLat, b.maxLat = math.Min(b.minLat, o.minLat), math.Max(b.maxLat, o.maxLat)
}

func (b box) contains(p Point) bool {
	return p.Lon >= b.minLon && p.Lon <= b.maxLon && p.Lat >= b.minLat && p.Lat <= b.maxLat
}

// shape is a country's multipolygon with bounding boxes at three levels
// (country, polygon, run of edges) so that most tests reject early.
type shape struct {
	polys []polygon
	box   box
}

type polygon struct {
	rings []ring // first ring outer, the rest holes
	box   box
}

// ring is a closed ring split into runs of at most runLen edges, each with
// its box: a big coastline is mostly skipped run by run.
type ring struct {
	pts  []Point
	runs []run
}

type run struct {
	first, last int // edges pts[first..last] pairwise: pts[i]→pts[i+1] for first <= i < last
	box         box
}

const runLen = 32

func (s *shape) add(rings [][]Point) {
	if len(rings) == 0 || len(rings[0]) < 4 {
		return
	}
	p := polygon{box: emptyBox()}
	for _, pts := range rings {
		r := ring{pts: pts}
		for first := 0; first < len(pts)-1; first += runLen {
			last := min(first+runLen, len(pts)-1)
			b := emptyBox()
			for _, q := range pts[first : last+1] {
				b.extend(q)
			}
			r.runs = append(r.runs, run{first, last, b})
		}
		p.rings = append(p.rings, r)
	}
	for _, r := range p.rings[0].runs {
		p.box.union(r.box)
	}
	if len(s.polys) == 0 {
		s.box = emptyBox()
	}
	s.box.union(p.box)
	s.polys = append(s.polys, p)
}

// contains applies the even-odd rule over the polygon's rings, skipping runs
// of edges that cannot cross the ray from p towards increasing longitude.
func (p *polygon) contains(pt Point) bool {
	if !p.box.contains(pt) {
		return false
	}
	in := false
	for i := range p.rings {
		r := &p.rings[i]
		for _, rn := range r.runs {
			if pt.Lat < rn.box.minLat || pt.Lat > rn.box.maxLat || pt.Lon > rn.box.maxLon {
				continue
			}
			for j := rn.first; j < rn.last; j++ {
				if crosses(pt, r.pts[j], r.pts[j+1]) {
					in = !in
				}
			}
		}
	}
	return in
}

// crosses reports whether edge ab crosses the ray from p towards increasing
// longitude; an edge counts for the lower of its endpoints only, so a vertex
// on the ray is counted once.
func crosses(p, a, b Point) bool {
	return (a.Lat > p.Lat) != (b.Lat > p.Lat) &&
		p.Lon < a.Lon+(p.Lat-a.Lat)/(b.Lat-a.Lat)*(b.Lon-a.Lon)
}

// PointInRing reports whether p lies inside ring by the even-odd rule, in
// plain longitude/latitude. The ring may be closed (last point equal to the
// first) or open.
func PointInRing(p Point, ring []Point) bool {
	in := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		if crosses(p, ring[j], ring[i]) {
			in = !in
		}
	}
	return in
}

// Contains reports whether p lies inside the shape of the country with the
// given alpha-2 code. It is false for unknown codes and for the few
// territories known only by a point (see Shape).
func Contains(code string, p Point) bool {
	s := shapeOf(code)
	if s == nil || !s.box.contains(p) {
		return false
	}
	for i := range s.polys {
		if s.polys[i].contains(p) {
			return true
		}
	}
	return false
}

// Shape returns the country's multipolygon: polygons, each a list of closed
// rings (the first outer, the others holes), in longitude/latitude. It is
// simplified to about 0.02° (2 km), fit for maps and for placing points, not
// for surveying. ok is false for unknown codes and for BV, GI, TK, TV and UM,
// which have no shape at Natural Earth's 1:50m scale. The result is a copy.
func Shape(code string) ([][][]Point, bool) {
	s := shapeOf(code)
	if s == nil {
		return nil, false
	}
	out := make([][][]Point, len(s.polys))
	for i, p := range s.polys {
		out[i] = make([][]Point, len(p.rings))
		for j, r := range p.rings {
			out[i][j] = append([]Point(nil), r.pts...)
		}
	}
	return out, true
}

func shapeOf(code string) *shape {
	w := load()
	i, ok := w.byCode[code]
	if !ok {
		i, ok = w.byCode[strings.ToUpper(code)]
	}
	if !ok {
		return nil
	}
	return w.shapes[i]
}
