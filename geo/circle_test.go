package geo

import (
	"math"
	"testing"
)

func TestDestinationDistance(t *testing.T) {
	for _, tc := range []struct {
		p       Point
		bearing float64
		km      float64
	}{
		{Point{Lon: 0, Lat: 0}, 90, 1000},
		{Point{Lon: 32.5, Lat: 15.6}, 37, 250},
		{Point{Lon: -175.2, Lat: -21.1}, 270, 800},
		{Point{Lon: 10, Lat: 78}, 0, 500},
	} {
		q := Destination(tc.p, tc.bearing, tc.km)
		if d := DistanceKm(tc.p, q); math.Abs(d-tc.km) > 1e-6*tc.km+1e-6 {
			t.Errorf("Destination(%v, %v°, %v km) = %v, at %v km", tc.p, tc.bearing, tc.km, q, d)
		}
	}
	// Due north along a meridian: one degree of latitude is kmPerDeg.
	if q := Destination(Point{Lon: 5, Lat: 10}, 0, kmPerDeg); math.Abs(q.Lat-11) > 1e-9 || math.Abs(q.Lon-5) > 1e-9 {
		t.Errorf("one degree north of (5, 10) = %v, want (5, 11)", q)
	}
}

func TestCircle(t *testing.T) {
	c := Point{Lon: 37.2, Lat: 19.6}
	ring := Circle(c, 120, 16)
	if len(ring) != 17 || ring[0] != ring[16] {
		t.Fatalf("Circle gave %d points, closed=%v; want 17, closed", len(ring), ring[0] == ring[len(ring)-1])
	}
	area := 0.0 // shoelace: positive for counter-clockwise
	for i := range 16 {
		if d := DistanceKm(c, ring[i]); math.Abs(d-120) > 1e-6 {
			t.Errorf("point %d is %v km from the centre, want 120", i, d)
		}
		area += ring[i].Lon*ring[i+1].Lat - ring[i+1].Lon*ring[i].Lat
	}
	if area <= 0 {
		t.Errorf("ring turns clockwise (shoelace %v); GeoJSON outer rings turn counter-clockwise", area)
	}
	if n := len(Circle(c, 1, 1)); n != 4 {
		t.Errorf("Circle with n=1 gave %d points, want at least a triangle (4 with the closing point)", n)
	}
}
