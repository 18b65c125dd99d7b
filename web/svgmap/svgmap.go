// Package svgmap draws maps as SVG on the server: country shapes from the
// embedded Natural Earth data, cable routes, points. Pages stay readable
// without JavaScript, and no request leaves the server's origin — no tiles,
// no map service.
//
// Shapes are projected (equirectangular, with longitude scaled by the cosine
// of the view's middle latitude so regions keep their proportions), then
// simplified in pixel space with Douglas–Peucker at Tolerance: no point of a
// shape is ever more than that far from what is drawn, so the tolerance
// follows the zoom — a world map drops what a regional one keeps. Rings
// smaller than a pixel are left out. A route's pieces are chained into one
// line wherever they meet, and the vertices nearest its landing points are
// kept, so a station's dot stays on its cable. Path data is written in
// integer pixels (the viewBox is the map's size in pixels, so a unit is what
// a pixel can show), relative, with the implicit commands and separators of
// the SVG path grammar left out. Dots are one symbol in <defs> reused by
// <use>. Colours and strokes come from the page's style sheet through
// classes, never inline styles.
//
// A Map is not safe for concurrent use; build one per response.
package svgmap

import (
	"cmp"
	"fmt"
	"html"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"lifeline/geo"
)

// Box is a view in degrees: west, south, east, north.
type Box struct{ W, S, E, N float64 }

// World is the whole map, without Antarctica.
var World = Box{W: -180, S: -58, E: 180, N: 84}

// Around returns a box around the points with a margin in degrees, widened
// to at least minSpan degrees each way.
func Around(pts []geo.Point, margin, minSpan float64) Box {
	if len(pts) == 0 {
		return World
	}
	b := Box{W: 180, S: 90, E: -180, N: -90}
	for _, p := range pts {
		b.W, b.E = math.Min(b.W, p.Lon), math.Max(b.E, p.Lon)
		b.S, b.N = math.Min(b.S, p.Lat), math.Max(b.N, p.Lat)
	}
	b.W, b.S, b.E, b.N = b.W-margin, b.S-margin, b.E+margin, b.N+margin
	if d := minSpan - (b.E - b.W); d > 0 {
		b.W, b.E = b.W-d/2, b.E+d/2
	}
	if d := minSpan - (b.N - b.S); d > 0 {
		b.S, b.N = b.S-d/2, b.N+d/2
	}
	b.W, b.E = math.Max(b.W, -180), math.Min(b.E, 180)
	b.S, b.N = math.Max(b.S, -85), math.Min(b.N, 85)
	return b
}

// Map is an SVG map under construction.
type Map struct {
	box    Box
	width  int
	height int
	kx, ky float64 // pixels per degree
	body   strings.Builder
	title  string
	attrs  []string  // extra attributes of the root element, written as is
	links  bool      // an element has a link: the map is a group, not an image
	noTab  bool      // links are left out of the keyboard's tab order
	dots   []float64 // radii of the dot symbols used, defined once in <defs>
}

// Tolerance is how far, in pixels of the map (viewBox units), simplifying
// may move a drawn line from the true one: Douglas–Peucker drops a vertex
// only when the line that replaces it passes within Tolerance of it.
// Writing integer pixels then adds at most half a pixel each way. Maps are
// 960 pixels wide and shown at most about 1,200 wide, so the tolerance is
// a screen pixel at the widest; on a phone it is a third of one.
const Tolerance = 0.8

// New starts a map of the box, width pixels wide; the height follows from
// the projection.
func New(box Box, width int, title string) *Map {
	mid := (box.S + box.N) / 2 * math.Pi / 180
	kx := float64(width) / (box.E - box.W)
	ky := kx / math.Max(math.Cos(mid), 0.2)
	if box == World {
		ky = kx // the plain equirectangular world reads best
	}
	h := int(math.Round((box.N - box.S) * ky))
	return &Map{box: box, width: width, height: h, kx: kx, ky: ky, title: title}
}

// Project returns the pixel position of a point.
func (m *Map) Project(p geo.Point) (x, y float64) {
	return (p.Lon - m.box.W) * m.kx, (m.box.N - p.Lat) * m.ky
}

// Size returns the map's width and height in pixels.
func (m *Map) Size() (int, int) { return m.width, m.height }

// Style of an element: its CSS class, an optional link and a tooltip title.
type Style struct {
	Class string
	Href  string
	Title string
	ID    string
}

func (m *Map) open(s Style) {
	if s.Href == "" {
		return
	}
	m.links = true
	if m.noTab {
		fmt.Fprintf(&m.body, `<a href="%s" tabindex="-1">`, html.EscapeString(s.Href))
		return
	}
	fmt.Fprintf(&m.body, `<a href="%s">`, html.EscapeString(s.Href))
}

// LinksOutOfTabOrder keeps the map's links out of the keyboard's tab
// order. A map of hundreds of cables would otherwise take hundreds of Tab
// presses to cross; the page lists the same links in text for keyboards
// and screen readers.
func (m *Map) LinksOutOfTabOrder() { m.noTab = true }

func (m *Map) close(s Style) {
	if s.Href != "" {
		m.body.WriteString("</a>")
	}
}

func attrs(s Style) string {
	var b strings.Builder
	if s.ID != "" {
		fmt.Fprintf(&b, ` id="%s"`, html.EscapeString(s.ID))
	}
	if s.Class != "" {
		fmt.Fprintf(&b, ` class="%s"`, html.EscapeString(s.Class))
	}
	return b.String()
}

func (m *Map) titled(s Style) string {
	if s.Title == "" {
		return "/>"
	}
	return "><title>" + html.EscapeString(s.Title) + "</title></path>"
}

// IslandRadius is the radius, in pixels, of the dot that stands for a
// country too small to see at the map's scale — Tonga, Tuvalu, Niue must not
// vanish from a crisis map because they are small.
const IslandRadius = 2.5

// Countries draws every country in the view, styled by style (which may
// return a zero Style for a plain country): its shape, or a dot at its
// centroid when the shape would be smaller than a pixel or is unknown.
func (m *Map) Countries(style func(code, name string) Style) {
	for _, c := range geo.Countries() {
		d := ""
		if shape, ok := geo.Shape(c.Code); ok {
			d = m.polygons(shape)
		}
		if d == "" && !m.inView(c.Centroid) {
			continue
		}
		s := style(c.Code, c.Name)
		if s.Title == "" {
			s.Title = c.Name
		}
		if d == "" {
			s.Class = strings.TrimSpace(s.Class + " island")
			m.Point(c.Centroid, IslandRadius, s)
			continue
		}
		m.open(s)
		fmt.Fprintf(&m.body, `<path%s d="%s"%s`, attrs(s), d, m.titled(s))
		m.close(s)
	}
}

func (m *Map) inView(p geo.Point) bool {
	return p.Lon >= m.box.W && p.Lon <= m.box.E && p.Lat >= m.box.S && p.Lat <= m.box.N
}

// Line draws a polyline (a cable route or a segment) in lon/lat,
// simplified for the map's scale like the country shapes. Pieces wholly
// outside the view are left out.
func (m *Map) Line(path [][2]float64, s Style) {
	m.Route([][][2]float64{path}, nil, s)
}

// Lines draws several polylines as one element: the lines of a cable's
// route, which share a link and a title.
func (m *Map) Lines(paths [][][2]float64, s Style) {
	m.Route(paths, nil, s)
}

// Route draws a cable's route as one element: its polylines in lon/lat,
// split where they cross the antimeridian, chained into one line wherever
// one ends within Tolerance of where another starts or ends, and
// simplified. The vertex of the route nearest each point of keep (its
// landing points) is never dropped, so their dots stay on the line.
func (m *Map) Route(paths [][][2]float64, keep []geo.Point, s Style) {
	var pieces [][][2]float64
	for _, path := range paths {
		// Split at the antimeridian, then keep each piece that is in view.
		start := 0
		for i := 1; i <= len(path); i++ {
			if i < len(path) && math.Abs(path[i][0]-path[i-1][0]) <= 180 {
				continue
			}
			if pts := m.projectLine(path[start:i]); pts != nil {
				pieces = append(pieces, pts)
			}
			start = i
		}
	}
	if len(pieces) == 0 {
		return
	}
	anchors := make([][2]float64, 0, len(keep))
	for _, p := range keep {
		x, y := m.Project(p)
		anchors = append(anchors, [2]float64{x, y})
	}
	var d strings.Builder
	w := pathWriter{b: &d}
	for _, chain := range chainLines(pieces, Tolerance) {
		w.line(simplifyKeeping(chain, Tolerance, nearestVertices(chain, anchors)))
	}
	if d.Len() == 0 {
		return
	}
	m.open(s)
	fmt.Fprintf(&m.body, `<path%s d="%s"%s`, attrs(s), d.String(), m.titled(s))
	m.close(s)
}

// projectLine returns a polyline that does not cross the antimeridian in
// pixels, or nil when it is wholly outside the view.
func (m *Map) projectLine(path [][2]float64) [][2]float64 {
	if len(path) == 0 {
		return nil
	}
	ring := make([]geo.Point, len(path))
	for i, p := range path {
		ring[i] = geo.Point{Lon: p[0], Lat: p[1]}
	}
	if !m.visible(ring) {
		return nil
	}
	pts := make([][2]float64, len(path))
	for i, p := range ring {
		x, y := m.Project(p)
		pts[i] = [2]float64{x, y}
	}
	return pts
}

// Polygon draws a closed area, such as an incident's or a hazard's, from
// rings in lon/lat (the first outer, the others holes).
func (m *Map) Polygon(rings [][]geo.Point, s Style) {
	d := m.polygons([][][]geo.Point{rings})
	if d == "" {
		return
	}
	m.open(s)
	fmt.Fprintf(&m.body, `<path%s d="%s"%s`, attrs(s), d, m.titled(s))
	m.close(s)
}

// Unproject returns the position in lon/lat of a pixel; it is the inverse
// of Project, for scripts that turn a click into coordinates.
func (m *Map) Unproject(x, y float64) geo.Point {
	return geo.Point{Lon: m.box.W + x/m.kx, Lat: m.box.N - y/m.ky}
}

// Box returns the map's view.
func (m *Map) Box() Box { return m.box }

// Scale returns the pixels per degree of longitude and of latitude.
func (m *Map) Scale() (kx, ky float64) { return m.kx, m.ky }

// SetAttr adds an attribute to the root element, such as a data- attribute
// a script reads; the value is escaped.
func (m *Map) SetAttr(name, value string) {
	m.attrs = append(m.attrs, " "+name+`="`+html.EscapeString(value)+`"`)
}

// Point draws a dot of radius r pixels: a <use> of one circle symbol per
// radius, defined once in the map's <defs>.
func (m *Map) Point(p geo.Point, r float64, s Style) {
	x, y, ok := m.dotAt(p, r)
	if !ok {
		return
	}
	m.open(s)
	fmt.Fprintf(&m.body, `<use href="#%s"%s x="%d" y="%d"`, m.dot(r), attrs(s), x, y)
	if s.Title != "" {
		fmt.Fprintf(&m.body, "><title>%s</title></use>", html.EscapeString(s.Title))
	} else {
		m.body.WriteString("/>")
	}
	m.close(s)
}

// Dots draws many dots as one path sharing a class and a title, without
// links: the landing points of a world map, too dense to pick one from and
// too many to carry a link and a name each. Each dot is a zero-length line
// that the class's round line cap draws as a disc (its stroke width is the
// dot's diameter); dots that fall on the same pixel are drawn once, in an
// order that keeps the relative moves short.
func (m *Map) Dots(pts []geo.Point, s Style) {
	seen := map[[2]int]bool{}
	var xy [][2]int
	for _, p := range pts {
		x, y, ok := m.dotAt(p, 0)
		if !ok || seen[[2]int{x, y}] {
			continue
		}
		seen[[2]int{x, y}] = true
		xy = append(xy, [2]int{x, y})
	}
	if len(xy) == 0 {
		return
	}
	slices.SortFunc(xy, func(a, b [2]int) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	var d strings.Builder
	px, py := 0, 0
	for i, p := range xy {
		if i == 0 {
			d.WriteString("M" + strconv.Itoa(p[0]) + " " + strconv.Itoa(p[1]) + "h0")
		} else {
			d.WriteString("m" + strconv.Itoa(p[0]-px))
			if p[1]-py >= 0 {
				d.WriteByte(' ')
			}
			d.WriteString(strconv.Itoa(p[1]-py) + "h0")
		}
		px, py = p[0], p[1]
	}
	fmt.Fprintf(&m.body, `<path%s d="%s"%s`, attrs(s), d.String(), m.titled(s))
}

// dotAt returns the pixel where a dot of radius r at p is drawn, and
// whether any of it is in view.
func (m *Map) dotAt(p geo.Point, r float64) (int, int, bool) {
	x, y := m.Project(p)
	if x < -r || y < -r || x > float64(m.width)+r || y > float64(m.height)+r {
		return 0, 0, false
	}
	return int(math.Round(x)), int(math.Round(y)), true
}

// dot returns the id of the symbol of a dot of radius r, adding it to the
// map's definitions the first time.
func (m *Map) dot(r float64) string {
	if !slices.Contains(m.dots, r) {
		m.dots = append(m.dots, r)
	}
	return dotID(r)
}

func dotID(r float64) string {
	return "dot" + strings.ReplaceAll(strconv.FormatFloat(r, 'f', -1, 64), ".", "_")
}

// WriteTo writes the SVG document. It is accessible: it has a role and a
// title that screen readers announce. A map with links is a group (an
// image's content is hidden from assistive technology, its links with it).
func (m *Map) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	role := "img"
	if m.links {
		role = "group"
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="%s" aria-label="%s" class="map"%s>`,
		m.width, m.height, role, html.EscapeString(m.title), strings.Join(m.attrs, ""))
	fmt.Fprintf(&b, "<title>%s</title>", html.EscapeString(m.title))
	if len(m.dots) > 0 {
		b.WriteString("<defs>")
		for _, r := range m.dots {
			fmt.Fprintf(&b, `<circle id="%s" r="%s"/>`, dotID(r), strconv.FormatFloat(r, 'f', -1, 64))
		}
		b.WriteString("</defs>")
	}
	b.WriteString(m.body.String())
	b.WriteString("</svg>")
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// String returns the SVG document.
func (m *Map) String() string {
	var b strings.Builder
	m.WriteTo(&b)
	return b.String()
}

// polygons returns the path data of a multipolygon, simplified for the
// map's scale, or "" if nothing of it is visible.
func (m *Map) polygons(shape [][][]geo.Point) string {
	var d strings.Builder
	w := pathWriter{b: &d}
	for _, poly := range shape {
		for _, ring := range poly {
			if !m.visible(ring) {
				continue
			}
			pts := make([][2]float64, len(ring))
			for i, p := range ring {
				x, y := m.Project(p)
				pts[i] = [2]float64{x, y}
			}
			if tiny(pts) {
				continue
			}
			w.ring(simplify(pts, Tolerance))
		}
	}
	return d.String()
}

// visible reports whether a ring's bounding box meets the view.
func (m *Map) visible(ring []geo.Point) bool {
	w, s, e, n := 180.0, 90.0, -180.0, -90.0
	for _, p := range ring {
		w, e = math.Min(w, p.Lon), math.Max(e, p.Lon)
		s, n = math.Min(s, p.Lat), math.Max(n, p.Lat)
	}
	return e >= m.box.W && w <= m.box.E && n >= m.box.S && s <= m.box.N
}

// tiny reports whether a projected ring fits in one pixel.
func tiny(pts [][2]float64) bool {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		x0, x1 = math.Min(x0, p[0]), math.Max(x1, p[0])
		y0, y1 = math.Min(y0, p[1]), math.Max(y1, p[1])
	}
	return x1-x0 < 1 && y1-y0 < 1
}
