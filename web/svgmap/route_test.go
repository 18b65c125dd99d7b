package svgmap

import (
	"math"
	"strings"
	"testing"

	"lifeline/atlas"
	"lifeline/atlas/opencable"
	"lifeline/geo"
	"lifeline/internal/shareddata"
)

// TestRoutesKeepTheirShape draws every cable of the full open cable map
// dataset (../shared/data/cables) on the world map, on regional maps and on
// a map around the cable, and reads the drawn paths back: no vertex of a
// route in view is farther from the drawn line than Tolerance plus the half
// pixel of rounding each way, and every landing point is as close to the
// drawn line as to the route's nearest vertex, give or take that rounding.
// On the world map simplification must also have dropped many vertices.
func TestRoutesKeepTheirShape(t *testing.T) {
	a, err := opencable.Load(shareddata.Path(t, "cables"))
	if err != nil {
		t.Fatal(err)
	}
	const rounding = math.Sqrt2 / 2 // a vertex moves at most this far to its pixel
	views := []struct {
		name string
		box  Box
	}{
		{"world", World},
		{"Red Sea", Box{W: 25, S: -16, E: 62, N: 32}},
		{"South-East Asia", Box{W: 90, S: -12, E: 135, N: 26}},
		{"Mediterranean", Box{W: -10, S: 28, E: 42, N: 48}},
		{"Caribbean", Box{W: -92, S: 6, E: -56, N: 30}},
	}
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) {
			in, drawn, subs := 0, 0, 0
			for i := range a.Cables {
				c := &a.Cables[i]
				m := New(v.box, 960, "")
				vi, vd, vs := checkRoute(t, m, a, c, rounding)
				in, drawn, subs = in+vi, drawn+vd, subs+vs
			}
			t.Logf("%s: %d route vertices in view, %d drawn in %d lines", v.name, in, drawn, subs)
			// At 2.7 pixels a degree, many vertices of a route lie within a
			// pixel of the line through their neighbours: a world map that
			// draws more than two thirds of them does not simplify.
			if v.box == World && 3*drawn > 2*in {
				t.Errorf("world map: %d of %d vertices drawn; simplification should drop many at this scale", drawn, in)
			}
		})
	}
	t.Run("each cable's own view", func(t *testing.T) {
		for i := range a.Cables {
			c := &a.Cables[i]
			var pts []geo.Point
			for _, id := range c.LandingPoints {
				if lp, ok := a.LandingPoint(id); ok {
					pts = append(pts, geo.Point{Lon: lp.Lon, Lat: lp.Lat})
				}
			}
			checkRoute(t, New(Around(pts, 3, 10), 960, ""), a, c, rounding)
		}
	})
}

// checkRoute draws one cable on m, checks the drawn line against the route,
// and returns how many route vertices were in view and how many the line
// has, in how many lines.
func checkRoute(t *testing.T, m *Map, a *atlas.Atlas, c *atlas.Cable, rounding float64) (inView, drawn, lines int) {
	t.Helper()
	var keep []geo.Point
	for _, id := range c.LandingPoints {
		if lp, ok := a.LandingPoint(id); ok {
			keep = append(keep, geo.Point{Lon: lp.Lon, Lat: lp.Lat})
		}
	}
	m.Route(c.Route, keep, Style{Class: "cable"})
	svg := m.String()
	var path [][][2]float64
	if i := strings.Index(svg, ` d="`); i >= 0 {
		d := svg[i+4:]
		path = parsePath(t, d[:strings.IndexByte(d, '"')])
	}
	for _, sub := range path {
		drawn += len(sub)
	}
	var vertices [][2]float64
	for _, line := range c.Route {
		for _, p := range line {
			x, y := m.Project(geo.Point{Lon: p[0], Lat: p[1]})
			vertices = append(vertices, [2]float64{x, y})
			if !m.inView(geo.Point{Lon: p[0], Lat: p[1]}) {
				continue
			}
			inView++
			if d := distToPath([2]float64{x, y}, path); d > Tolerance+rounding+1e-9 {
				t.Errorf("%s: vertex %v is drawn %.2f px away (tolerance %.1f px plus rounding)", c.ID, p, d, Tolerance)
			}
		}
	}
	for _, lp := range keep {
		if !m.inView(lp) || len(vertices) == 0 {
			continue
		}
		x, y := m.Project(lp)
		nearest := math.Inf(1)
		for _, v := range vertices {
			nearest = math.Min(nearest, math.Hypot(v[0]-x, v[1]-y))
		}
		if nearest > 4 {
			continue // the route passes far from this station in the data itself
		}
		if d := distToPath([2]float64{x, y}, path); d > nearest+rounding+1e-9 {
			t.Errorf("%s: landing point %v is %.2f px from the drawn line, %.2f px from the route", c.ID, lp, d, nearest)
		}
	}
	return inView, drawn, len(path)
}

// BenchmarkWorldMap draws what /atlas draws on the full dataset: every
// country, every cable's route and every landing point, on the world map.
func BenchmarkWorldMap(b *testing.B) {
	a, err := opencable.Load(shareddata.Path(b, "cables"))
	if err != nil {
		b.Fatal(err)
	}
	var lps []geo.Point
	for _, lp := range a.LandingPoints {
		lps = append(lps, geo.Point{Lon: lp.Lon, Lat: lp.Lat})
	}
	size := 0
	for b.Loop() {
		m := New(World, 960, "")
		m.Countries(func(code, name string) Style { return Style{Href: "/atlas/countries/" + code} })
		for i := range a.Cables {
			c := &a.Cables[i]
			var keep []geo.Point
			for _, id := range c.LandingPoints {
				if lp, ok := a.LandingPoint(id); ok {
					keep = append(keep, geo.Point{Lon: lp.Lon, Lat: lp.Lat})
				}
			}
			m.Route(c.Route, keep, Style{Class: "cable", Href: "/atlas/cables/" + c.ID, Title: c.Name})
		}
		m.Dots(lps, Style{Class: "dots"})
		size = len(m.String())
	}
	b.ReportMetric(float64(size), "bytes")
}
