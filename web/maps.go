package web

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"

	"lifeline"
	"lifeline/atlas"
	"lifeline/geo"
	"lifeline/web/svgmap"
)

// mapWidth is the width in pixels maps are drawn at; the page scales them
// to the screen, from 360 px phones up.
const mapWidth = 960

// region is a named view a map can zoom to.
type region struct {
	Name string
	Box  svgmap.Box
}

// Query returns the bbox query parameter of the region.
func (r region) Query() string { return boxParam(r.Box) }

// regions are the views offered as links above the maps; any other view
// can be asked for with ?bbox=west,south,east,north.
var regions = []region{
	{"World", svgmap.World},
	{"West Africa", svgmap.Box{W: -26, S: -12, E: 16, N: 28}},
	{"East Africa and Red Sea", svgmap.Box{W: 25, S: -16, E: 62, N: 32}},
	{"Mediterranean", svgmap.Box{W: -10, S: 28, E: 42, N: 48}},
	{"Gulf and South Asia", svgmap.Box{W: 45, S: 0, E: 95, N: 32}},
	{"South-East Asia", svgmap.Box{W: 90, S: -12, E: 135, N: 26}},
	{"West Pacific", svgmap.Box{W: 140, S: -32, E: 180, N: 12}},
	{"East Pacific", svgmap.Box{W: -180, S: -32, E: -140, N: 12}},
	{"Caribbean", svgmap.Box{W: -92, S: 6, E: -56, N: 30}},
	{"Baltic and Black Sea", svgmap.Box{W: 8, S: 38, E: 46, N: 67}},
	{"North Atlantic", svgmap.Box{W: -82, S: 20, E: 12, N: 62}},
}

func boxParam(b svgmap.Box) string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	return f(b.W) + "," + f(b.S) + "," + f(b.E) + "," + f(b.N)
}

// parseBox reads a bbox parameter "west,south,east,north" in degrees.
// Empty means the world.
//
// Errors: EINVALID saying what is wrong.
func parseBox(s string) (svgmap.Box, error) {
	const op = "web.bbox"
	if s == "" {
		return svgmap.World, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return svgmap.Box{}, lifeline.Errorf(lifeline.EINVALID, op, "bbox: expected west,south,east,north in degrees, found %q", truncate(s, 60))
	}
	var v [4]float64
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return svgmap.Box{}, lifeline.Errorf(lifeline.EINVALID, op, "bbox: %q is not a number", truncate(p, 20))
		}
		v[i] = x
	}
	b := svgmap.Box{W: v[0], S: v[1], E: v[2], N: v[3]}
	switch {
	case b.W < -180 || b.E > 180 || b.S < -85 || b.N > 85:
		return svgmap.Box{}, lifeline.Errorf(lifeline.EINVALID, op, "bbox: expected longitudes in -180..180 and latitudes in -85..85")
	case b.E-b.W < 0.5 || b.N-b.S < 0.5:
		return svgmap.Box{}, lifeline.Errorf(lifeline.EINVALID, op, "bbox: west must be less than east and south less than north, by at least half a degree")
	}
	return b, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// newMap starts a map whose root carries what app.js needs to turn a
// click into a position: the view's west and north edges and the pixels
// per degree.
func newMap(box svgmap.Box, title string) *svgmap.Map {
	m := svgmap.New(box, mapWidth, title)
	kx, ky := m.Scale()
	m.SetAttr("data-geo", fmt.Sprintf("%g %g %g %g", box.W, box.N, kx, ky))
	return m
}

// cableRoute returns a cable's drawn route, or a chain through its landing
// points when it has none.
func cableRoute(a *atlas.Atlas, c *atlas.Cable) [][][2]float64 {
	if len(c.Route) > 0 {
		return c.Route
	}
	var line [][2]float64
	for _, id := range c.LandingPoints {
		if lp, ok := a.LandingPoint(id); ok {
			line = append(line, [2]float64{lp.Lon, lp.Lat})
		}
	}
	return [][][2]float64{line}
}

// drawCables draws the cables with a link to each one's page; class may
// add classes ("failed", "sel") to a cable.
func drawCables(m *svgmap.Map, a *atlas.Atlas, cables []*atlas.Cable, class func(*atlas.Cable) string) {
	routes(m, a, cables, class, true)
}

// pickCables draws the cables for picking on the simulator's map: each
// titled with its name, which is the value of its option in the form's
// list (app.js toggles it on a click), and without a link, which would
// leave the form.
func pickCables(m *svgmap.Map, a *atlas.Atlas, cables []*atlas.Cable, class func(*atlas.Cable) string) {
	routes(m, a, cables, class, false)
}

func routes(m *svgmap.Map, a *atlas.Atlas, cables []*atlas.Cable, class func(*atlas.Cable) string, link bool) {
	for _, c := range cables {
		cls := "cable"
		if c.Planned {
			cls += " planned"
		}
		if class != nil {
			if x := class(c); x != "" {
				cls += " " + x
			}
		}
		var keep []geo.Point
		for _, id := range c.LandingPoints {
			if lp, ok := a.LandingPoint(id); ok {
				keep = append(keep, geo.Point{Lon: lp.Lon, Lat: lp.Lat})
			}
		}
		st := svgmap.Style{Class: cls, Title: c.Name}
		if link {
			st.Href = "/atlas/cables/" + url.PathEscape(c.ID)
		}
		m.Route(cableRoute(a, c), keep, st)
	}
}

// maxLinkedPoints is how many landing points a map links one by one. A
// world map holds over 1,400, overlapping at its scale: a link and a name
// each would be a third of the page's weight for dots nobody can pick
// apart. Such a map draws them as one group, and a region's map, which
// pulls them apart, links each.
const maxLinkedPoints = 400

// lpRadius is the radius of a landing point's dot, in map pixels.
const lpRadius = 2.2

// drawLandingPoints draws landing points as dots linked to their pages;
// class may add classes ("failed", "sel") to one. When the view holds more
// than maxLinkedPoints, those without a class of their own are drawn as one
// group without links.
func drawLandingPoints(rq *request, m *svgmap.Map, lps []*atlas.LandingPoint, class func(*atlas.LandingPoint) string) {
	dots(rq, m, lps, class, true)
}

// pickLandingPoints is drawLandingPoints for the simulator's map: dots
// titled with their names, the values of the form's options, without links.
func pickLandingPoints(rq *request, m *svgmap.Map, lps []*atlas.LandingPoint, class func(*atlas.LandingPoint) string) {
	dots(rq, m, lps, class, false)
}

func dots(rq *request, m *svgmap.Map, lps []*atlas.LandingPoint, class func(*atlas.LandingPoint) string, link bool) {
	inView := 0
	for _, lp := range lps {
		if inBox(m.Box(), lp.Lon, lp.Lat) {
			inView++
		}
	}
	// The group first, so that the dots with a class of their own, and
	// their links, are drawn on top.
	var plain []geo.Point
	single := lps[:0:0]
	for _, lp := range lps {
		if inView > maxLinkedPoints && (class == nil || class(lp) == "") {
			plain = append(plain, geo.Point{Lon: lp.Lon, Lat: lp.Lat})
		} else {
			single = append(single, lp)
		}
	}
	if len(plain) > 0 {
		title := rq.t("map.dots.link", len(plain))
		if !link {
			title = rq.t("map.dots.pick", len(plain))
		}
		m.Dots(plain, svgmap.Style{Class: "dots", Title: title})
	}
	for _, lp := range single {
		cls := "lp"
		if class != nil {
			if x := class(lp); x != "" {
				cls += " " + x
			}
		}
		st := svgmap.Style{Class: cls, Title: lp.Name}
		if link {
			st.Href = "/atlas/landing-points/" + url.PathEscape(lp.ID)
		}
		m.Point(geo.Point{Lon: lp.Lon, Lat: lp.Lat}, lpRadius, st)
	}
}

func allCables(a *atlas.Atlas) []*atlas.Cable {
	out := make([]*atlas.Cable, len(a.Cables))
	for i := range a.Cables {
		out[i] = &a.Cables[i]
	}
	return out
}

func allLandingPoints(a *atlas.Atlas) []*atlas.LandingPoint {
	out := make([]*atlas.LandingPoint, len(a.LandingPoints))
	for i := range a.LandingPoints {
		out[i] = &a.LandingPoints[i]
	}
	return out
}

// plainCountries draws every country linked to its atlas page.
func plainCountries(m *svgmap.Map, class func(code string) string) {
	m.Countries(func(code, name string) svgmap.Style {
		st := svgmap.Style{Href: "/atlas/countries/" + code}
		if class != nil {
			st.Class = class(code)
		}
		return st
	})
}

// countryBox returns a view around a country's shape (its main polygon
// and those near it), or around its centroid.
func countryBox(code string, extra []geo.Point) svgmap.Box {
	var pts []geo.Point
	if shape, ok := geo.Shape(code); ok {
		c, _ := geo.Lookup(code)
		for _, poly := range shape {
			for _, p := range poly[0] {
				// Far-flung territories (France's, say) would zoom the map
				// out to the world; keep what lies near the main land.
				if geo.DistanceKm(p, c.Centroid) < 2500 {
					pts = append(pts, p)
				}
			}
		}
	}
	if c, ok := geo.Lookup(code); ok && len(pts) == 0 {
		pts = append(pts, c.Centroid)
	}
	pts = append(pts, extra...)
	return svgmap.Around(pts, 2, 8)
}
