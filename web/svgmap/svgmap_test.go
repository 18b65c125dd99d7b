package svgmap

import (
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"io"
	"math"
	"strings"
	"testing"

	"lifeline/geo"
)

// parse checks that the SVG is well-formed XML and counts its elements.
func parse(t *testing.T, svg string) map[string]int {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	count := map[string]int{}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			count[se.Name.Local]++
		}
	}
	return count
}

func TestWorldMap(t *testing.T) {
	m := New(World, 960, "World & <cables>")
	m.Countries(func(code, name string) Style {
		if code == "TO" {
			return Style{Class: "affected", Href: "/countries/TO"}
		}
		return Style{}
	})
	svg := m.String()
	count := parse(t, svg)
	// Every country in the view is there, as a shape or, when too small
	// to see, as a dot; only Antarctica and far-southern islands are out.
	drawn := count["path"] + count["use"]
	if n := len(geo.Countries()); drawn < n-6 || drawn > n {
		t.Errorf("%d countries drawn (%d shapes, %d dots), want about %d", drawn, count["path"], count["use"], n)
	}
	if count["circle"] != 1 {
		t.Errorf("%d circles defined, want one symbol for every island's dot", count["circle"])
	}
	if !strings.Contains(svg, `<a href="/countries/TO"><use href="#dot2_5" class="affected island"`) {
		t.Error("Tonga is not drawn as a linked dot with its class")
	}
	if !strings.Contains(svg, "World &amp; &lt;cables&gt;") {
		t.Error("the title is not escaped")
	}
	// A world map of every country must stay light for slow links.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(svg))
	zw.Close()
	if len(svg) > 60_000 || gz.Len() > 20_000 {
		t.Errorf("world map is %d bytes, %d gzipped; want under 60 KB and 20 KB", len(svg), gz.Len())
	}
	t.Logf("world map: %d bytes, %d gzipped, %d shapes, %d dots", len(svg), gz.Len(), count["path"], count["use"])
}

func TestProjection(t *testing.T) {
	m := New(World, 360, "")
	w, h := m.Size()
	if w != 360 || h != 142 {
		t.Errorf("size %dx%d, want 360x142", w, h)
	}
	x, y := m.Project(geo.Point{Lon: 0, Lat: 0})
	if x != 180 || y != 84 {
		t.Errorf("(0, 0) at %v, %v; want 180, 84", x, y)
	}
	// A regional view keeps proportions: at 60°N a degree of longitude is
	// half a degree of latitude.
	r := New(Box{W: 0, S: 55, E: 20, N: 65}, 400, "")
	kx := 400.0 / 20
	_, rh := r.Size()
	if want := int(10 * kx * 2); rh < want-1 || rh > want+1 {
		t.Errorf("regional height %d, want about %d", rh, want)
	}
}

func TestRegionalViewSkipsFarCountries(t *testing.T) {
	m := New(Around([]geo.Point{{Lon: -175.2, Lat: -21.1}}, 2, 6), 400, "Tonga")
	m.Countries(func(code, name string) Style { return Style{ID: "c-" + code} })
	svg := m.String()
	if !strings.Contains(svg, `id="c-TO"`) {
		t.Error("Tonga missing from a view around Tonga")
	}
	if strings.Contains(svg, `id="c-FR"`) || strings.Contains(svg, `id="c-US"`) {
		t.Error("countries far from the view were drawn")
	}
}

func TestLineAndPoint(t *testing.T) {
	m := New(World, 360, "")
	m.Line([][2]float64{{178, -18}, {180, -16}, {-180, -16}, {-171, -14}}, Style{Class: "cable", Title: "Tonga Cable"})
	m.Point(geo.Point{Lon: 2.35, Lat: 48.85}, 2, Style{Class: "lp", Title: "Paris"})
	m.Point(geo.Point{Lon: 0, Lat: -80}, 2, Style{}) // outside the view: left out
	svg := m.String()
	count := parse(t, svg)
	if count["use"] != 1 || count["path"] != 1 || count["circle"] != 1 {
		t.Errorf("elements %v; want one path, and one dot using one circle symbol", count)
	}
	// The line restarts across the antimeridian instead of crossing the map.
	d := svg[strings.Index(svg, ` d="`)+4:]
	d = d[:strings.IndexByte(d, '"')]
	if strings.Count(strings.ToLower(d), "m") != 2 {
		t.Errorf("path %q: want two pieces split at the antimeridian", d)
	}
}

func TestSimplify(t *testing.T) {
	line := [][2]float64{{0, 0}, {1, 0.1}, {2, -0.1}, {3, 0}, {3, 5}}
	got := simplify(line, 0.6)
	if len(got) != 3 {
		t.Errorf("simplify kept %v, want the ends and the corner", got)
	}
	if len(simplify(line, 0.01)) != len(line) {
		t.Error("a tight tolerance dropped points")
	}
}

func TestLinesSimplifiedAndClipped(t *testing.T) {
	// A straight route drawn with many points becomes one segment; a
	// route wholly outside a regional view is left out.
	var route [][2]float64
	for i := 0; i <= 100; i++ {
		route = append(route, [2]float64{-30 + float64(i)*0.3, 10})
	}
	m := New(World, 960, "")
	m.Lines([][][2]float64{route, {{100, 60}, {101, 61}}}, Style{Class: "cable"})
	svg := m.String()
	d := svg[strings.Index(svg, ` d="`)+4:]
	d = d[:strings.IndexByte(d, '"')]
	if moves, lines := len(parsePath(t, d)), parsePath(t, d); moves != 2 || len(lines[0]) != 2 {
		t.Errorf("path %q: want two pieces, the straight one simplified to one segment", d)
	}
	r := New(Box{W: 0, S: 40, E: 20, N: 50}, 400, "")
	r.Line(route, Style{Class: "far"})
	if strings.Contains(r.String(), "far") {
		t.Error("a route outside the view was drawn")
	}
}

func TestPolygon(t *testing.T) {
	ring := geo.Circle(geo.Point{Lon: 32.5, Lat: 15.6}, 100, 24)
	m := New(Around([]geo.Point{{Lon: 32.5, Lat: 15.6}}, 3, 6), 400, "Khartoum")
	m.Polygon([][]geo.Point{ring}, Style{Class: "area", Title: "incident area"})
	svg := m.String()
	if count := parse(t, svg); count["path"] != 1 || !strings.Contains(svg, `class="area"`) {
		t.Errorf("want one area path, got %v", count)
	}
	if !strings.Contains(svg, "z") {
		t.Error("the area is not closed")
	}
}

func TestUnprojectInvertsProject(t *testing.T) {
	for _, box := range []Box{World, {W: 30, S: 10, E: 45, N: 20}} {
		m := New(box, 800, "")
		p := geo.Point{Lon: 38.2, Lat: 15.1}
		x, y := m.Project(p)
		q := m.Unproject(x, y)
		if math.Abs(q.Lon-p.Lon) > 1e-9 || math.Abs(q.Lat-p.Lat) > 1e-9 {
			t.Errorf("%v: unproject(project(%v)) = %v", box, p, q)
		}
	}
}

func TestLinkedMapIsAGroupOutOfTabOrder(t *testing.T) {
	m := New(World, 360, "Cables")
	m.LinksOutOfTabOrder()
	m.SetAttr("data-box", `-180 -58 180 84 "x"`)
	m.Point(geo.Point{Lon: 2, Lat: 48}, 2, Style{Href: "/atlas/landing-points/x"})
	svg := m.String()
	for _, want := range []string{`role="group"`, `tabindex="-1"`, `data-box="-180 -58 180 84 &#34;x&#34;"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("missing %s in %s", want, svg)
		}
	}
	plain := New(World, 360, "No links")
	if !strings.Contains(plain.String(), `role="img"`) {
		t.Error("a map without links is not an image")
	}
}
