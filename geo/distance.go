package geo

import (
	"math"
	"strings"
)

// EarthRadiusKm is the mean Earth radius (IUGG), used for all distances.
const EarthRadiusKm = 6371.0088

const radPerDeg = math.Pi / 180

// kmPerDeg is the length of one degree of a great circle.
const kmPerDeg = EarthRadiusKm * radPerDeg

// DistanceKm is the great-circle distance between a and b in kilometres, by
// the haversine formula on a sphere of radius EarthRadiusKm.
func DistanceKm(a, b Point) float64 {
	φ1, φ2 := a.Lat*radPerDeg, b.Lat*radPerDeg
	dφ := φ2 - φ1
	dλ := (b.Lon - a.Lon) * radPerDeg
	h := sin2(dφ/2) + math.Cos(φ1)*math.Cos(φ2)*sin2(dλ/2)
	return 2 * EarthRadiusKm * math.Asin(math.Sqrt(math.Min(1, h)))
}

func sin2(x float64) float64 { s := math.Sin(x); return s * s }

// DistanceToCountryKm is the distance in kilometres from p to the country
// with the given alpha-2 code: 0 if p is inside its shape, else the distance
// to the nearest edge of the shape. For a territory known only by a point it
// is the distance to that point. ok is false for unknown codes.
//
// The nearest edge is found on a plane tangent at p (an equirectangular
// projection centred on p), then measured on the sphere, which is exact for
// the short distances this serves (a landing station to its coast) and
// within about 1% up to several hundred kilometres.
func DistanceToCountryKm(code string, p Point) (km float64, ok bool) {
	w := load()
	i, ok := w.byCode[code]
	if !ok {
		if i, ok = w.byCode[strings.ToUpper(code)]; !ok {
			return 0, false
		}
	}
	s := w.shapes[i]
	if s == nil {
		return DistanceKm(p, w.countries[i].Centroid), true
	}
	if s.box.contains(p) {
		for j := range s.polys {
			if s.polys[j].contains(p) {
				return 0, true
			}
		}
	}
	return s.nearest(p), true
}

// nearest returns the great-circle distance from p to the nearest edge.
func (s *shape) nearest(p Point) float64 {
	pl := planeAt(p)
	lim := 180 * pl.kx
	best := math.Inf(1) // squared planar km
	var bestPt Point
	for i := range s.polys {
		poly := &s.polys[i]
		if pl.boxDist2(poly.box) >= best {
			continue
		}
		for j := range poly.rings {
			r := &poly.rings[j]
			for _, rn := range r.runs {
				if pl.boxDist2(rn.box) >= best {
					continue
				}
				ax, ay := pl.xy(r.pts[rn.first])
				for k := rn.first; k < rn.last; k++ {
					bx, by := pl.xy(r.pts[k+1])
					if d2, t, ok := segDist2(ax, ay, bx, by, lim); ok && d2 < best {
						best = d2
						a, b := r.pts[k], r.pts[k+1]
						bestPt = Point{Lon: a.Lon + t*wrap(b.Lon-a.Lon), Lat: a.Lat + t*(b.Lat-a.Lat)}
					}
					ax, ay = bx, by
				}
			}
		}
	}
	if math.IsInf(best, 1) {
		// Every edge straddled the far side of the globe: measure to the
		// vertices instead.
		km := math.Inf(1)
		for _, poly := range s.polys {
			for _, r := range poly.rings {
				for _, q := range r.pts {
					km = math.Min(km, DistanceKm(p, q))
				}
			}
		}
		return km
	}
	return DistanceKm(p, bestPt)
}

// plane is the equirectangular projection centred on a point, in km.
type plane struct {
	lon, lat float64
	kx       float64 // km per degree of longitude at lat
}

func planeAt(p Point) plane {
	return plane{p.Lon, p.Lat, kmPerDeg * math.Cos(p.Lat*radPerDeg)}
}

func (pl plane) xy(q Point) (x, y float64) {
	return wrap(q.Lon-pl.lon) * pl.kx, (q.Lat - pl.lat) * kmPerDeg
}

// boxDist2 is the squared planar distance from the centre to b, a lower
// bound for every edge inside b.
func (pl plane) boxDist2(b box) float64 {
	var dx float64
	if w := b.maxLon - b.minLon; w < 180 {
		lo := wrap(b.minLon - pl.lon)
		hi := lo + w
		switch {
		case lo > 0:
			dx = math.Min(lo, 360-hi)
		case hi < 0:
			dx = -hi
		}
	}
	var dy float64
	switch {
	case pl.lat < b.minLat:
		dy = b.minLat - pl.lat
	case pl.lat > b.maxLat:
		dy = pl.lat - b.maxLat
	}
	dx, dy = math.Max(dx, 0)*pl.kx, dy*kmPerDeg
	return dx*dx + dy*dy
}

// segDist2 is the squared distance from the origin to segment ab and the
// position t in [0, 1] of the nearest point. ok is false for an edge longer
// than lim across, which can only be one that straddles the far side of the
// globe from the origin: its planar image is meaningless (and it is never
// the nearest).
func segDist2(ax, ay, bx, by, lim float64) (d2, t float64, ok bool) {
	dx, dy := bx-ax, by-ay
	if math.Abs(dx) > lim {
		return 0, 0, false
	}
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
	}
	x, y := ax+t*dx, ay+t*dy
	return x*x + y*y, t, true
}

// wrap brings a longitude difference into [-180, 180).
func wrap(d float64) float64 {
	if d >= 180 || d < -180 {
		d = math.Mod(d+180, 360)
		if d < 0 {
			d += 360
		}
		d -= 180
	}
	return d
}
