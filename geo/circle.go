package geo

import "math"

// Destination is the point reached from p by travelling km kilometres on
// the great circle that leaves p at bearingDeg degrees clockwise from
// north, on the sphere of radius EarthRadiusKm.
func Destination(p Point, bearingDeg, km float64) Point {
	φ1, λ1 := p.Lat*radPerDeg, p.Lon*radPerDeg
	δ := km / EarthRadiusKm
	θ := bearingDeg * radPerDeg
	φ2 := math.Asin(math.Sin(φ1)*math.Cos(δ) + math.Cos(φ1)*math.Sin(δ)*math.Cos(θ))
	λ2 := λ1 + math.Atan2(math.Sin(θ)*math.Sin(δ)*math.Cos(φ1), math.Cos(δ)-math.Sin(φ1)*math.Sin(φ2))
	return Point{Lon: λ2 / radPerDeg, Lat: φ2 / radPerDeg}
}

// Circle returns a ring of n points (at least 3) approximating the circle
// of radiusKm around center on the Earth's surface, closed (the last point
// repeats the first), counter-clockwise as GeoJSON wants an outer ring.
// Longitudes are not wrapped: a circle across the antimeridian has some
// beyond ±180°.
func Circle(center Point, radiusKm float64, n int) []Point {
	n = max(n, 3)
	ring := make([]Point, 0, n+1)
	for i := range n {
		// Bearings decrease so that the ring turns counter-clockwise.
		ring = append(ring, Destination(center, -360*float64(i)/float64(n), radiusKm))
	}
	return append(ring, ring[0])
}
