package geo

import (
	"math"
	"math/rand/v2"
	"testing"
)

var (
	london    = Point{Lon: -0.1278, Lat: 51.5074}
	paris     = Point{Lon: 2.3522, Lat: 48.8566}
	nukualofa = Point{Lon: -175.2, Lat: -21.14}
)

func TestDistanceKm(t *testing.T) {
	tests := []struct {
		name      string
		a, b      Point
		want      float64
		tolerance float64 // relative
	}{
		{"London-Paris", london, paris, 344, 0.01},
		{"antipodes on the equator", Point{0, 0}, Point{180, 0}, 20015.1, 0.0001},
		{"pole to pole", Point{0, 90}, Point{0, -90}, 20015.1, 0.0001},
		{"across the antimeridian", Point{179.5, 0}, Point{-179.5, 0}, 111.2, 0.001},
		{"same point", paris, paris, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DistanceKm(tt.a, tt.b)
			if math.Abs(got-tt.want) > tt.tolerance*tt.want+1e-9 {
				t.Errorf("DistanceKm = %.2f, want %.2f ± %.1f%%", got, tt.want, tt.tolerance*100)
			}
			if back := DistanceKm(tt.b, tt.a); math.Abs(back-got) > 1e-9 {
				t.Errorf("DistanceKm is not symmetric: %.9f and %.9f", got, back)
			}
		})
	}
}

func TestPointInRing(t *testing.T) {
	square := []Point{{0, 0}, {10, 0}, {10, 10}, {0, 10}}
	closed := append(square[:4:4], square[0])
	tests := []struct {
		name string
		p    Point
		want bool
	}{
		{"centre", Point{5, 5}, true},
		{"outside east", Point{15, 5}, false},
		{"outside west", Point{-5, 5}, false},
		{"outside north", Point{5, 15}, false},
		{"level with a vertex", Point{-1, 10}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PointInRing(tt.p, square); got != tt.want {
				t.Errorf("open ring: PointInRing(%v) = %v, want %v", tt.p, got, tt.want)
			}
			if got := PointInRing(tt.p, closed); got != tt.want {
				t.Errorf("closed ring: PointInRing(%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
	if PointInRing(Point{1, 1}, nil) {
		t.Error("a point is inside an empty ring")
	}
}

func TestContains(t *testing.T) {
	tests := []struct {
		code string
		p    Point
		want bool
	}{
		{"FR", paris, true},
		{"fr", paris, true},
		{"NG", Point{3.35, 6.60}, true}, // Lagos (Ikeja)
		{"NG", paris, false},
		{"TO", Point{-175.2, -20.9}, false}, // sea north of Tongatapu
		{"GB", london, true},
		{"GF", Point{-52.33, 4.92}, true}, // Cayenne
		{"FR", Point{-52.33, 4.92}, false},
		{"RE", Point{55.5, -21.1}, true},
		{"FJ", Point{179.3, -16.6}, true},   // Vanua Levu, west of the antimeridian
		{"FJ", Point{-179.87, -16.8}, true}, // Taveuni's east tip, across it
		{"RU", Point{-175, 66.5}, true},     // Chukotka, east of the antimeridian
		{"RU", Point{170, 66}, true},        // Chukotka, west of it
		{"US", Point{-150, 64}, true},       // Alaska
		{"AQ", Point{0, -89.5}, true},       // near the South Pole
		{"AQ", Point{0, -50}, false},
		{"LS", Point{28.23, -29.58}, true},
		{"ZA", Point{28.23, -29.58}, false}, // Lesotho is a hole in South Africa
		// Natural Earth 1:50m draws the Vatican as a 1 km box about 1 km west of
		// the real one; the hole it makes in Italy matches it.
		{"IT", Point{12.4343, 41.9021}, false},
		{"VA", Point{12.4343, 41.9021}, true},
		{"GI", Point{-5.35, 36.14}, false}, // no shape
		{"ZZ", paris, false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			if got := Contains(tt.code, tt.p); got != tt.want {
				t.Errorf("Contains(%s, %v) = %v, want %v", tt.code, tt.p, got, tt.want)
			}
		})
	}
}

func TestDistanceToCountryKm(t *testing.T) {
	tests := []struct {
		name     string
		code     string
		p        Point
		min, max float64
	}{
		{"inside", "FR", paris, 0, 0},
		{"sea off Tonga", "TO", Point{-175.2, -20.9}, 0.5, 30},
		{"Nuku'alofa", "TO", nukualofa, 0, 10},
		{"Réunion", "RE", Point{55.5, -21.1}, 0, 30},
		{"London to France", "FR", london, 120, 180},
		{"Paris to the UK", "GB", paris, 220, 280},
		{"Cayenne to French Guiana", "GF", Point{-52.33, 4.92}, 0, 5},
		{"Funafuti to Tuvalu (point only)", "TV", Point{179.19, -8.52}, 0, 5},
		{"Gibraltar (point only)", "gi", Point{-5.35, 36.13}, 0, 3},
		{"across the antimeridian", "FJ", Point{-179.5, -16.2}, 10, 80},
		{"Bering Strait to Russia", "RU", Point{-169.5, 65.8}, 10, 120},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := DistanceToCountryKm(tt.code, tt.p)
			if !ok || got < tt.min || got > tt.max {
				t.Errorf("DistanceToCountryKm(%s, %v) = %.2f, %v; want %.1f–%.1f km", tt.code, tt.p, got, ok, tt.min, tt.max)
			}
		})
	}
	if _, ok := DistanceToCountryKm("ZZ", paris); ok {
		t.Error("DistanceToCountryKm(ZZ) reported ok")
	}
}

// TestDistanceToCountryKmBruteForce checks the pruned search against a plain
// scan of every edge, sampled along its length, for random points near a few
// coasts.
func TestDistanceToCountryKmBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, code := range []string{"FR", "ID", "NO", "TO", "FJ", "CL", "GB"} {
		t.Run(code, func(t *testing.T) {
			shape, _ := Shape(code)
			c, _ := Lookup(code)
			for range 15 {
				// A random vertex of the shape, pushed up to 2° off.
				poly := shape[rng.IntN(len(shape))]
				ring := poly[0]
				v := ring[rng.IntN(len(ring))]
				p := Point{Lon: v.Lon + rng.Float64()*4 - 2, Lat: math.Max(-89, math.Min(89, v.Lat+rng.Float64()*4-2))}
				p.Lon = wrap(p.Lon)
				got, _ := DistanceToCountryKm(code, p)
				if Contains(code, p) {
					if got != 0 {
						t.Errorf("%v is inside %s but distance is %.2f", p, code, got)
					}
					continue
				}
				want := bruteDistance(shape, p)
				if math.Abs(got-want) > 0.01*want+0.5 {
					t.Errorf("%v: distance to %s = %.2f km, brute force %.2f km (centroid %v)", p, code, got, want, c.Centroid)
				}
			}
		})
	}
}

func bruteDistance(shape [][][]Point, p Point) float64 {
	best := math.Inf(1)
	for _, poly := range shape {
		for _, r := range poly {
			for i := 1; i < len(r); i++ {
				a, b := r[i-1], r[i]
				for s := 0; s <= 40; s++ {
					f := float64(s) / 40
					q := Point{Lon: a.Lon + f*wrap(b.Lon-a.Lon), Lat: a.Lat + f*(b.Lat-a.Lat)}
					best = math.Min(best, DistanceKm(p, q))
				}
			}
		}
	}
	return best
}

func TestShapeIsACopy(t *testing.T) {
	s, ok := Shape("TO")
	if !ok || len(s) == 0 || len(s[0]) == 0 || len(s[0][0]) < 4 {
		t.Fatalf("Shape(TO) = %v, %v", s, ok)
	}
	r := s[0][0]
	if r[0] != r[len(r)-1] {
		t.Errorf("ring is not closed: %v … %v", r[0], r[len(r)-1])
	}
	s[0][0][0] = Point{0, 0}
	if again, _ := Shape("TO"); again[0][0][0] == (Point{0, 0}) {
		t.Error("changing a returned shape changed the package's data")
	}
	for _, code := range []string{"BV", "GI", "TK", "TV", "UM", "ZZ"} {
		if _, ok := Shape(code); ok {
			t.Errorf("Shape(%s) reported a shape", code)
		}
	}
}

func TestShapesWithinBounds(t *testing.T) {
	for _, c := range Countries() {
		s, ok := Shape(c.Code)
		if !ok {
			continue
		}
		for _, poly := range s {
			for _, r := range poly {
				for _, p := range r {
					if p.Lon < -180 || p.Lon > 180 || p.Lat < -90 || p.Lat > 90 {
						t.Fatalf("%s has point %v outside longitude/latitude bounds", c.Code, p)
					}
				}
			}
		}
	}
}

// landingPoints are coastal points of the kind a cable dataset holds.
var landingPoints = []struct {
	code string
	p    Point
}{
	{"FR", Point{5.37, 43.3}}, {"EG", Point{29.9, 31.2}}, {"SG", Point{103.99, 1.33}}, {"US", Point{-118.4, 33.9}},
	{"JP", Point{139.9, 35.0}}, {"BR", Point{-38.5, -3.7}}, {"ZA", Point{18.4, -33.9}}, {"TO", nukualofa},
	{"ID", Point{106.8, -6.1}}, {"GB", Point{-5.5, 50.1}}, {"IN", Point{72.8, 19.0}}, {"AU", Point{151.2, -33.9}},
	{"NO", Point{5.3, 60.4}}, {"CL", Point{-71.6, -33.0}}, {"RU", Point{131.9, 43.1}}, {"CA", Point{-63.6, 44.6}},
}

func BenchmarkDistanceToCountryKm(b *testing.B) {
	Resolve("") // decode the embedded data outside the timer
	i := 0
	for b.Loop() {
		lp := landingPoints[i%len(landingPoints)]
		if _, ok := DistanceToCountryKm(lp.code, lp.p); !ok {
			b.Fatal("unknown code")
		}
		i++
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := parseWorld(countriesCSV, shapesGz); err != nil {
			b.Fatal(err)
		}
	}
}
