package atlas

import (
	"fmt"
	"io"
	"math"
	"strings"

	"lifeline/geo"
)

// Leg is a stretch of a cable system between two of its landing points
// that the dataset does not draw, with where it is published (legs.csv).
// The open cable map draws some rings as chains: Pacific Crossing-1
// without its southern leg from Grover Beach to Shima, so a cut off
// Ibaraki takes its only drawn path to the United States when the real
// ring keeps one. A leg closes such a ring: the atlas adds it to the
// cable's segments as a great-circle arc between the route's vertices at
// the two landing points.
type Leg struct {
	Cable    string // cable id
	From, To string // landing point ids of the cable
	Source   string
}

// legStepKm is the spacing of the points of a leg's arc: close enough
// that a cut measured against the path (straight edges in longitude and
// latitude) finds the arc within a few kilometres.
const legStepKm = 100

// Legs returns the embedded legs, in file order.
func Legs() []Leg {
	t, err := facts()
	if err != nil {
		panic(err) // the embedded file is checked by the package's tests
	}
	return t.legs
}

// legsOf returns the legs of the cable whose two landing points are the
// cable's: a leg of a cable or a landing point the atlas does not have
// does not apply (the opencable tests check that every leg applies to
// the open cable map dataset).
func legsOf(legs []Leg, c *Cable) []Leg {
	var out []Leg
	for _, l := range legs {
		if l.Cable != c.ID {
			continue
		}
		var from, to bool
		for _, id := range c.LandingPoints {
			from = from || id == l.From
			to = to || id == l.To
		}
		if from && to {
			out = append(out, l)
		}
	}
	return out
}

func parseLegs(r io.Reader, name string) ([]Leg, error) {
	rows, lines, err := readFactCSV(r, name, []string{"cable", "from", "to", "source"})
	if err != nil {
		return nil, err
	}
	var out []Leg
	seen := map[[3]string]int{}
	for i, rec := range rows {
		at := fmt.Sprintf("%s: line %d", name, lines[i])
		l := Leg{Cable: strings.TrimSpace(rec[0]), From: strings.TrimSpace(rec[1]), To: strings.TrimSpace(rec[2]), Source: rec[3]}
		if l.Cable == "" || strings.ContainsAny(l.Cable, " |") {
			return nil, fmt.Errorf("%s: cable: want a cable id such as pacific-crossing-1-pc-1, found %q", at, rec[0])
		}
		if l.From == "" || strings.ContainsAny(l.From, " |") {
			return nil, fmt.Errorf("%s: from: want a landing point id such as shima-japan, found %q", at, rec[1])
		}
		if l.To == "" || strings.ContainsAny(l.To, " |") {
			return nil, fmt.Errorf("%s: to: want a landing point id such as grover-beach-ca-united-states, found %q", at, rec[2])
		}
		if l.From == l.To {
			return nil, fmt.Errorf("%s: to: want a landing point other than from, found %q twice", at, l.To)
		}
		if strings.TrimSpace(l.Source) == "" {
			return nil, fmt.Errorf("%s: source: want where the leg is published", at)
		}
		k := [3]string{l.Cable, min(l.From, l.To), max(l.From, l.To)}
		if first, dup := seen[k]; dup {
			return nil, fmt.Errorf("%s: the leg of %s between %s and %s is already on line %d", at, l.Cable, l.From, l.To, first)
		}
		seen[k] = lines[i]
		out = append(out, l)
	}
	return out, nil
}

// legPath is the great-circle arc from a to b, {lon, lat}, with a point
// every legStepKm or less, starting and ending exactly at a and b. Where it
// crosses the antimeridian it passes through a point at longitude 180, so
// that the route graph (which makes ±180 one node) and GeoJSON export see
// the crossing.
func legPath(a, b [2]float64) [][2]float64 {
	vec := func(p [2]float64) [3]float64 {
		φ, λ := p[1]*math.Pi/180, p[0]*math.Pi/180
		return [3]float64{math.Cos(φ) * math.Cos(λ), math.Cos(φ) * math.Sin(λ), math.Sin(φ)}
	}
	u, v := vec(a), vec(b)
	dot := max(-1, min(1, u[0]*v[0]+u[1]*v[1]+u[2]*v[2]))
	ω := math.Acos(dot)
	km := geo.DistanceKm(geo.Point{Lon: a[0], Lat: a[1]}, geo.Point{Lon: b[0], Lat: b[1]})
	n := max(1, int(math.Ceil(km/legStepKm)))
	pts := [][2]float64{a}
	for i := 1; i < n; i++ {
		t := float64(i) / float64(n)
		var w [3]float64
		if s := math.Sin(ω); s > 1e-12 {
			ka, kb := math.Sin((1-t)*ω)/s, math.Sin(t*ω)/s
			for j := range w {
				w[j] = ka*u[j] + kb*v[j]
			}
		} else {
			w = u // a and b (nearly) the same point
		}
		lat := math.Atan2(w[2], math.Hypot(w[0], w[1])) * 180 / math.Pi
		lon := math.Atan2(w[1], w[0]) * 180 / math.Pi
		pts = append(pts, [2]float64{lon, lat})
	}
	pts = append(pts, b)
	// Pass through the antimeridian where the arc crosses it.
	out := [][2]float64{pts[0]}
	for i := 1; i < len(pts); i++ {
		p, q := pts[i-1], pts[i]
		if d := q[0] - p[0]; math.Abs(d) > 180 && math.Abs(p[0]) != 180 && math.Abs(q[0]) != 180 {
			side := math.Copysign(180, p[0])
			qLon := q[0] + 2*side // q's longitude on p's side of the antimeridian
			t := (side - p[0]) / (qLon - p[0])
			out = append(out, [2]float64{side, p[1] + t*(q[1]-p[1])})
		}
		out = append(out, q)
	}
	return out
}

// addLegs adds each leg's arc to the route graph between the vertices its
// landing points are attached to. It runs after the drawn route is one
// piece and its landing points are attached, so a leg changes neither how
// gaps are closed nor where a landing point lands.
func (g *routeGraph) addLegs(legs []Leg, lpIndex map[string]int, lpVertex []int32) {
	for _, l := range legs {
		a, b := lpVertex[lpIndex[l.From]], lpVertex[lpIndex[l.To]]
		if a == b {
			continue
		}
		prev := a
		path := legPath(g.pts[a], g.pts[b])
		for _, p := range path[1 : len(path)-1] {
			v := g.vertex(p)
			g.connect(prev, v)
			prev = v
		}
		g.connect(prev, b)
	}
}

// legSegments are the legs of a cable without a drawn route, as segments
// after its chain.
func legSegments(a *Atlas, c *Cable, legs []Leg) ([]Segment, float64) {
	var segs []Segment
	var total float64
	for _, l := range legs {
		p, _ := a.LandingPoint(l.From)
		q, _ := a.LandingPoint(l.To)
		d := geo.DistanceKm(geo.Point{Lon: p.Lon, Lat: p.Lat}, geo.Point{Lon: q.Lon, Lat: q.Lat})
		total += d
		segs = append(segs, Segment{From: l.From, To: l.To, LengthKm: d, Path: legPath([2]float64{p.Lon, p.Lat}, [2]float64{q.Lon, q.Lat})})
	}
	return segs, total
}

// embeddedLegs returns the legs of legs.csv, none if the file does not
// parse (the package's tests check that it does).
func embeddedLegs() []Leg {
	t, err := facts()
	if err != nil {
		return nil
	}
	return t.legs
}

// withLegs compiles with these legs instead of the embedded ones.
func withLegs(legs []Leg) Option {
	return func(o *options) { o.legs = append([]Leg{}, legs...) }
}
