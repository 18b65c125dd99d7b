// Command gen builds geo's embedded shape file, shapes.bin.gz, from Natural
// Earth's 1:50m admin-0 countries as packaged in TopoJSON by the world-atlas
// npm package (countries-50m.json). It is run by go generate in geo:
//
//	mkdir -p /tmp/geo-build && cd /tmp/geo-build && npm install world-atlas@2.0.2
//	GEO_WORLD_ATLAS=/tmp/geo-build/node_modules/world-atlas/countries-50m.json go generate ./geo
//
// It maps each Natural Earth feature to an ISO 3166-1 alpha-2 code through the
// numeric code in countries.csv (with the deliberate exceptions in
// featureNames and cuts), simplifies the shared arcs with Douglas–Peucker,
// derives land borders from arcs used by two codes, splits rings that cross
// the antimeridian, and writes the binary format described in docs/geo.md.
// The output depends only on its inputs: running it twice gives the same bytes.
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// featureNames maps the Natural Earth features that carry no ISO numeric id.
// Kosovo gets its user-assigned code XK. Northern Cyprus, Somaliland and the
// Siachen Glacier are merged into the state the UN (and ISO) counts them in,
// or that administers them, so that every point of land belongs to exactly
// one code; a border between the merged parts disappears.
var featureNames = map[string]string{
	"Kosovo":          "XK",
	"N. Cyprus":       "CY",
	"Somaliland":      "SO",
	"Siachen Glacier": "IN",
}

// indianOceanTerritories is Natural Earth's single feature for two ISO codes;
// its polygons are split by longitude: Christmas Island lies east of 100°E,
// the Cocos (Keeling) Islands west of it.
const indianOceanTerritories = "Indian Ocean Ter."

// cut gives to code every polygon of parent whose bounding-box centre lies in
// box (min lon, min lat, max lon, max lat). Natural Earth draws these ISO
// territories as parts of their sovereign's multipolygon.
type cut struct {
	parent, code string
	box          [4]float64
}

var cuts = []cut{
	{"FR", "GF", [4]float64{-55, 1, -51, 6.5}},         // French Guiana
	{"FR", "GP", [4]float64{-62, 15.7, -60.9, 16.6}},   // Guadeloupe
	{"FR", "MQ", [4]float64{-61.3, 14.3, -60.7, 15}},   // Martinique
	{"FR", "RE", [4]float64{55, -21.6, 56, -20.7}},     // Réunion
	{"FR", "YT", [4]float64{44.9, -13.2, 45.5, -12.5}}, // Mayotte
	{"NL", "BQ", [4]float64{-68.5, 11.9, -68, 12.4}},   // Bonaire
	{"NL", "BQ", [4]float64{-63.4, 17.3, -62.8, 17.8}}, // Sint Eustatius and Saba
	{"NO", "SJ", [4]float64{-10, 70.5, -7, 71.5}},      // Jan Mayen
	{"NO", "SJ", [4]float64{10, 74, 35, 81}},           // Svalbard and Bjørnøya
	// Natural Earth's default view draws Crimea inside Russia. Lifeline
	// follows ISO 3166 (UA-43, UA-40) and UN General Assembly resolution
	// 68/262 on the territorial integrity of Ukraine: Crimea is Ukraine.
	{"RU", "UA", [4]float64{32.4, 44.3, 36.7, 46.3}}, // Crimea and Sevastopol
}

// extraBorders are land borders too short to appear at 1:50m: Gibraltar's
// with Spain (1.2 km), and Spain's with Morocco at Ceuta and Melilla. Fibre
// crosses each of them, so the atlas must have the link. Codes in order.
var extraBorders = [][2]string{
	{"ES", "GI"},
	{"ES", "MA"},
}

// scale is the fixed-point unit of the output: 1e-4 degree, about 11 m.
const scale = 1e4

func main() {
	topo := flag.String("topo", "", "path to world-atlas countries-50m.json (required; see the package comment)")
	table := flag.String("countries", "countries.csv", "curated country table")
	out := flag.String("out", "shapes.bin.gz", "output file")
	tol := flag.Float64("tolerance", 0.02, "Douglas–Peucker tolerance in degrees")
	flag.Parse()
	if err := run(*topo, *table, *out, *tol, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// row is what the generator needs from countries.csv.
type row struct {
	code, numeric string
	centroid      *pt
}

func readTable(path string) ([]row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read country table: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read country table %s: %w", path, err)
	}
	if len(recs) < 2 {
		return nil, fmt.Errorf("read country table %s: no rows", path)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, h := range []string{"code", "numeric", "lon", "lat"} {
		if _, ok := col[h]; !ok {
			return nil, fmt.Errorf("read country table %s: no %q column", path, h)
		}
	}
	var rows []row
	for i, rec := range recs[1:] {
		rw := row{code: rec[col["code"]], numeric: rec[col["numeric"]]}
		lon, lat := rec[col["lon"]], rec[col["lat"]]
		if lon != "" || lat != "" {
			x, err1 := strconv.ParseFloat(lon, 64)
			y, err2 := strconv.ParseFloat(lat, 64)
			if err := errors.Join(err1, err2); err != nil {
				return nil, fmt.Errorf("read country table %s: row %d (%s): lon,lat: %w", path, i+2, rw.code, err)
			}
			rw.centroid = &pt{x, y}
		}
		rows = append(rows, rw)
	}
	return rows, nil
}

// country is one code's output.
type country struct {
	code     string
	centroid pt
	polys    [][][][2]int32 // polygons → rings → fixed-point positions, rings open
}

func run(topoPath, tablePath, outPath string, tol float64, log io.Writer) error {
	if topoPath == "" {
		return errors.New("-topo is required: install world-atlas with npm and pass countries-50m.json (see the package comment)")
	}
	rows, err := readTable(tablePath)
	if err != nil {
		return err
	}
	byNumeric := map[string]string{}
	known := map[string]row{}
	for _, r := range rows {
		known[r.code] = r
		if r.numeric != "" {
			byNumeric[r.numeric] = r.code
		}
	}
	raw, err := os.ReadFile(topoPath)
	if err != nil {
		return fmt.Errorf("read topology: %w", err)
	}
	arcs, geoms, err := readTopology(topoPath, "countries")
	if err != nil {
		return err
	}
	simp := make([][]pt, len(arcs))
	for i, a := range arcs {
		simp[i] = simplifyArc(a, tol)
	}

	// Assign every polygon to a code and note which codes use each arc.
	assigned := map[string][][][]int{}
	arcUse := map[int]map[string]bool{}
	for _, g := range geoms {
		code, ok := byNumeric[g.ID]
		if name, special := featureNames[g.Properties.Name]; special {
			code, ok = name, true
		}
		if !ok && g.Properties.Name != indianOceanTerritories {
			return fmt.Errorf("feature %q (id %q): no ISO code for it in %s and no rule in featureNames", g.Properties.Name, g.ID, tablePath)
		}
		polys, err := g.polygons()
		if err != nil {
			return err
		}
		for _, p := range polys {
			c := code
			ctr := boxCentre(assemble(p[0], arcs))
			if g.Properties.Name == indianOceanTerritories {
				c = "CC"
				if ctr.x > 100 {
					c = "CX"
				}
			}
			for _, k := range cuts {
				if k.parent == c && ctr.x >= k.box[0] && ctr.y >= k.box[1] && ctr.x <= k.box[2] && ctr.y <= k.box[3] {
					c = k.code
					break
				}
			}
			assigned[c] = append(assigned[c], p)
			for _, ring := range p {
				for _, ref := range ring {
					i := arcIndex(ref)
					if arcUse[i] == nil {
						arcUse[i] = map[string]bool{}
					}
					arcUse[i][c] = true
				}
			}
		}
	}

	// Two codes border each other when they share an arc.
	borderSet := map[[2]string]bool{}
	for _, codes := range arcUse {
		cs := make([]string, 0, len(codes))
		for c := range codes {
			cs = append(cs, c)
		}
		sort.Strings(cs)
		for i := range cs {
			for j := i + 1; j < len(cs); j++ {
				borderSet[[2]string{cs[i], cs[j]}] = true
			}
		}
	}
	for _, b := range extraBorders {
		borderSet[b] = true
	}
	borders := make([][2]string, 0, len(borderSet))
	for b := range borderSet {
		borders = append(borders, b)
	}
	slices.SortFunc(borders, func(a, b [2]string) int {
		return strings.Compare(a[0]+a[1], b[0]+b[1])
	})

	var countries []country
	var points, noShape int
	var shapeless []string
	for _, r := range rows {
		c := country{code: r.code}
		for _, p := range assigned[r.code] {
			rings := make([][]pt, 0, len(p))
			for _, refs := range p {
				ring := assemble(refs, simp)
				if distinct(ring) < 3 {
					ring = simplifyRing(assemble(refs, arcs), tol)
				}
				rings = append(rings, ring)
			}
			for _, sp := range splitPolygon(rings) {
				if q := quantize(sp); q != nil {
					c.polys = append(c.polys, q)
				}
			}
		}
		delete(assigned, r.code)
		switch {
		case len(c.polys) > 0:
			c.centroid = representativePoint(c.polys)
			if r.centroid != nil {
				// A curated point for a cut-out territory must fall on or near its cut shape.
				if d := nearestVertexDeg(c.polys, *r.centroid); d > 1 {
					return fmt.Errorf("%s: curated point %v is %.2f° from the shape cut for it", r.code, *r.centroid, d)
				}
			}
		case r.centroid != nil:
			c.centroid = *r.centroid
			noShape++
			shapeless = append(shapeless, r.code)
		default:
			return fmt.Errorf("%s: Natural Earth has no shape for it and %s gives no lon,lat", r.code, tablePath)
		}
		for _, p := range c.polys {
			for _, ring := range p {
				points += len(ring)
			}
		}
		countries = append(countries, c)
	}
	if len(assigned) > 0 {
		var extra []string
		for c := range assigned {
			extra = append(extra, c)
		}
		sort.Strings(extra)
		return fmt.Errorf("shapes for codes missing from %s: %v", tablePath, extra)
	}
	for _, b := range borders {
		if _, ok := known[b[0]]; !ok {
			return fmt.Errorf("border %v: unknown code", b)
		}
	}

	data, err := encode(countries, borders)
	if err != nil {
		return err
	}
	if err := os.WriteFile(outPath, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", outPath, err)
	}
	fmt.Fprintf(log, "source %s sha256 %x\n", topoPath, sha256.Sum256(raw))
	fmt.Fprintf(log, "%d codes, %d with shapes, %d points after simplification at %g°, %d borders, %d bytes\n",
		len(countries), len(countries)-noShape, points, tol, len(borders), len(data))
	fmt.Fprintf(log, "centroid only: %s\n", strings.Join(shapeless, " "))
	return nil
}

// quantize rounds a polygon to the fixed-point grid, drops repeated
// positions and the closing position, and drops rings left with fewer than
// three positions. It returns nil if the outer ring is dropped.
func quantize(rings [][]pt) [][][2]int32 {
	var out [][][2]int32
	for i, r := range rings {
		var q [][2]int32
		for _, p := range r {
			v := [2]int32{int32(math.Round(p.x * scale)), int32(math.Round(p.y * scale))}
			if len(q) > 0 && q[len(q)-1] == v {
				continue
			}
			q = append(q, v)
		}
		if len(q) > 1 && q[0] == q[len(q)-1] {
			q = q[:len(q)-1]
		}
		if len(q) < 3 {
			if i == 0 {
				return nil
			}
			continue
		}
		out = append(out, q)
	}
	return out
}

func boxCentre(r []pt) pt {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range r {
		minX, maxX = math.Min(minX, p.x), math.Max(maxX, p.x)
		minY, maxY = math.Min(minY, p.y), math.Max(maxY, p.y)
	}
	return pt{(minX + maxX) / 2, (minY + maxY) / 2}
}

// floatRing converts a fixed-point open ring to a closed float ring.
func floatRing(r [][2]int32) []pt {
	out := make([]pt, 0, len(r)+1)
	for _, v := range r {
		out = append(out, pt{float64(v[0]) / scale, float64(v[1]) / scale})
	}
	return append(out, out[0])
}

// representativePoint picks a point inside the largest polygon (by area,
// corrected for latitude): its area centroid when that lies inside, else the
// middle of the widest interior stretch along a few parallels.
func representativePoint(polys [][][][2]int32) pt {
	var best [][]pt
	bestArea := -1.0
	for _, p := range polys {
		rings := make([][]pt, len(p))
		for i, r := range p {
			rings[i] = floatRing(r)
		}
		a := math.Abs(ringArea(rings[0])) * math.Cos(boxCentre(rings[0]).y*math.Pi/180)
		if a > bestArea {
			best, bestArea = rings, a
		}
	}
	c := areaCentroid(best[0])
	if inside(best, c) {
		return roundPt(c)
	}
	minY, maxY := math.Inf(1), math.Inf(-1)
	for _, p := range best[0] {
		minY, maxY = math.Min(minY, p.y), math.Max(maxY, p.y)
	}
	var mid pt
	widest := -1.0
	for _, y := range []float64{c.y, minY + (maxY-minY)*0.5, minY + (maxY-minY)*0.35, minY + (maxY-minY)*0.65, minY + (maxY-minY)*0.2, minY + (maxY-minY)*0.8} {
		var xs []float64
		for _, r := range best {
			for i := 1; i < len(r); i++ {
				a, b := r[i-1], r[i]
				if (a.y > y) != (b.y > y) {
					xs = append(xs, a.x+(y-a.y)/(b.y-a.y)*(b.x-a.x))
				}
			}
		}
		sort.Float64s(xs)
		for i := 0; i+1 < len(xs); i += 2 {
			if w := xs[i+1] - xs[i]; w > widest {
				widest, mid = w, pt{(xs[i] + xs[i+1]) / 2, y}
			}
		}
	}
	return roundPt(mid)
}

func roundPt(p pt) pt {
	return pt{math.Round(p.x*scale) / scale, math.Round(p.y*scale) / scale}
}

func areaCentroid(r []pt) pt {
	var a, cx, cy float64
	for i := 1; i < len(r); i++ {
		f := r[i-1].x*r[i].y - r[i].x*r[i-1].y
		a += f
		cx += (r[i-1].x + r[i].x) * f
		cy += (r[i-1].y + r[i].y) * f
	}
	if a == 0 {
		return r[0]
	}
	return pt{cx / (3 * a), cy / (3 * a)}
}

// inside applies the even-odd rule over all rings of a polygon.
func inside(rings [][]pt, p pt) bool {
	in := false
	for _, r := range rings {
		for i := 1; i < len(r); i++ {
			a, b := r[i-1], r[i]
			if (a.y > p.y) != (b.y > p.y) && p.x < a.x+(p.y-a.y)/(b.y-a.y)*(b.x-a.x) {
				in = !in
			}
		}
	}
	return in
}

func nearestVertexDeg(polys [][][][2]int32, p pt) float64 {
	best := math.Inf(1)
	for _, poly := range polys {
		for _, r := range poly {
			for _, v := range r {
				best = math.Min(best, hypot(float64(v[0])/scale-p.x, float64(v[1])/scale-p.y))
			}
		}
	}
	return best
}

// magic starts the shape file; the trailing digit is the format version.
const magic = "LLGEO1\n"

// encode writes the format documented in docs/geo.md, gzip-compressed with
// no timestamp so that the output is reproducible.
func encode(countries []country, borders [][2]string) ([]byte, error) {
	b := []byte(magic)
	b = binary.AppendUvarint(b, uint64(len(countries)))
	for _, c := range countries {
		b = append(b, c.code...)
		b = binary.AppendVarint(b, int64(math.Round(c.centroid.x*scale)))
		b = binary.AppendVarint(b, int64(math.Round(c.centroid.y*scale)))
		b = binary.AppendUvarint(b, uint64(len(c.polys)))
		for _, p := range c.polys {
			b = binary.AppendUvarint(b, uint64(len(p)))
			for _, r := range p {
				b = binary.AppendUvarint(b, uint64(len(r)))
				var px, py int32
				for _, v := range r {
					b = binary.AppendVarint(b, int64(v[0]-px))
					b = binary.AppendVarint(b, int64(v[1]-py))
					px, py = v[0], v[1]
				}
			}
		}
	}
	b = binary.AppendUvarint(b, uint64(len(borders)))
	for _, br := range borders {
		b = append(b, br[0]...)
		b = append(b, br[1]...)
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, fmt.Errorf("compress shapes: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("compress shapes: %w", err)
	}
	return buf.Bytes(), nil
}
