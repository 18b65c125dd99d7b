package geo

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed countries.csv
var countriesCSV []byte

//go:embed shapes.bin.gz
var shapesGz []byte

// world is everything the package knows, decoded and indexed once.
type world struct {
	countries  []Country      // sorted by Code
	byCode     map[string]int // alpha-2 → index in countries
	names      map[string]string
	shapes     []*shape // parallel to countries; nil where there is no shape
	neighbours map[string][]string
	borders    [][2]string
}

// load decodes the embedded data on first use. The data is part of the
// binary and checked by the package's tests, so a failure here is a build
// defect, not a run-time condition, and panics like regexp.MustCompile.
var load = sync.OnceValue(func() *world {
	w, err := parseWorld(countriesCSV, shapesGz)
	if err != nil {
		panic("geo: embedded data: " + err.Error())
	}
	return w
})

func parseWorld(table, shapes []byte) (*world, error) {
	countries, err := parseCountries(table)
	if err != nil {
		return nil, err
	}
	w := &world{
		countries:  countries,
		byCode:     make(map[string]int, len(countries)),
		shapes:     make([]*shape, len(countries)),
		neighbours: map[string][]string{},
	}
	for i, c := range countries {
		w.byCode[c.Code] = i
	}
	if w.names, err = nameIndex(countries); err != nil {
		return nil, err
	}
	if err := w.decodeShapes(shapes); err != nil {
		return nil, fmt.Errorf("decode shapes.bin.gz: %w", err)
	}
	return w, nil
}

// parseCountries reads countries.csv; see the comment at its top for the columns.
func parseCountries(table []byte) ([]Country, error) {
	r := csv.NewReader(bytes.NewReader(table))
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read countries.csv: %w", err)
	}
	want := []string{"code", "code3", "numeric", "name", "aliases", "population", "population_year", "population_source", "landlocked", "lon", "lat"}
	if len(recs) == 0 || !slices.Equal(recs[0], want) {
		return nil, fmt.Errorf("read countries.csv: header must be %s", strings.Join(want, ","))
	}
	out := make([]Country, 0, len(recs)-1)
	for i, rec := range recs[1:] {
		line := i + 2
		c := Country{Code: rec[0], Code3: rec[1], Numeric: rec[2], Name: rec[3], PopulationSource: rec[7]}
		if rec[4] != "" {
			c.Aliases = strings.Split(rec[4], "|")
		}
		var errs []error
		if !isUpperAlpha(c.Code, 2) || !isUpperAlpha(c.Code3, 3) {
			errs = append(errs, fmt.Errorf("codes %q/%q are not 2 and 3 capital letters", c.Code, c.Code3))
		}
		if c.Numeric != "" && (len(c.Numeric) != 3 || strings.Trim(c.Numeric, "0123456789") != "") {
			errs = append(errs, fmt.Errorf("numeric %q is not 3 digits", c.Numeric))
		}
		var err error
		if c.Population, err = strconv.ParseInt(rec[5], 10, 64); err != nil || c.Population < 0 {
			errs = append(errs, fmt.Errorf("population %q is not a whole number", rec[5]))
		}
		if c.PopulationYear, err = strconv.Atoi(rec[6]); err != nil {
			errs = append(errs, fmt.Errorf("population_year %q is not a year", rec[6]))
		}
		if c.Landlocked, err = strconv.ParseBool(rec[8]); err != nil {
			errs = append(errs, fmt.Errorf("landlocked %q is not true or false", rec[8]))
		}
		if c.Name == "" || c.PopulationSource == "" {
			errs = append(errs, errors.New("name and population_source are required"))
		}
		if err := errors.Join(errs...); err != nil {
			return nil, fmt.Errorf("read countries.csv line %d (%s): %w", line, rec[0], err)
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Country) int { return strings.Compare(a.Code, b.Code) })
	for i := 1; i < len(out); i++ {
		if out[i].Code == out[i-1].Code {
			return nil, fmt.Errorf("read countries.csv: code %s appears twice", out[i].Code)
		}
	}
	return out, nil
}

func isUpperAlpha(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < n; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// shapeMagic starts shapes.bin.gz; its trailing digit is the format version.
const shapeMagic = "LLGEO1\n"

// fixed is the unit of shapes.bin.gz coordinates: 1e-4 degree.
const fixed = 1e4

// decodeShapes reads the format written by internal/gen and documented in
// docs/geo.md, filling in centroids, shapes and borders.
func (w *world) decodeShapes(gz []byte) error {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return err
	}
	d := decoder{b: raw}
	if !bytes.HasPrefix(raw, []byte(shapeMagic)) {
		return fmt.Errorf("missing magic %q", shapeMagic)
	}
	d.b = d.b[len(shapeMagic):]
	n := d.uvarint()
	seen := make(map[string]bool, len(w.countries))
	for range n {
		code := d.code()
		i, ok := w.byCode[code]
		if d.err == nil && !ok {
			return fmt.Errorf("code %q is not in countries.csv", code)
		}
		if d.err == nil && seen[code] {
			return fmt.Errorf("code %s appears twice", code)
		}
		seen[code] = true
		c := Point{Lon: float64(d.varint()) / fixed, Lat: float64(d.varint()) / fixed}
		var s shape
		for range d.count() {
			var poly [][]Point
			for range d.count() {
				m := d.count()
				ring := make([]Point, 0, m+1)
				var x, y int64
				for range m {
					x += d.varint()
					y += d.varint()
					ring = append(ring, Point{Lon: float64(x) / fixed, Lat: float64(y) / fixed})
				}
				if m > 0 {
					ring = append(ring, ring[0]) // rings are stored open
				}
				poly = append(poly, ring)
			}
			s.add(poly)
		}
		if d.err != nil {
			return d.err
		}
		w.countries[i].Centroid = c
		if len(s.polys) > 0 {
			w.shapes[i] = &s
		}
	}
	for range d.count() {
		a, b := d.code(), d.code()
		if d.err != nil {
			return d.err
		}
		if _, ok := w.byCode[a]; !ok {
			return fmt.Errorf("border %s-%s: unknown code %s", a, b, a)
		}
		if _, ok := w.byCode[b]; !ok {
			return fmt.Errorf("border %s-%s: unknown code %s", a, b, b)
		}
		if a >= b {
			return fmt.Errorf("border %s-%s: codes out of order", a, b)
		}
		w.borders = append(w.borders, [2]string{a, b})
		w.neighbours[a] = append(w.neighbours[a], b)
		w.neighbours[b] = append(w.neighbours[b], a)
	}
	if d.err != nil {
		return d.err
	}
	if len(d.b) != 0 {
		return fmt.Errorf("%d trailing bytes", len(d.b))
	}
	for _, ns := range w.neighbours {
		slices.Sort(ns)
	}
	return nil
}

// decoder reads varints, remembering the first error so that callers can
// check once per record.
type decoder struct {
	b   []byte
	err error
}

var errTruncated = errors.New("truncated data")

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errTruncated
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errTruncated
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a length and bounds it by the bytes left, so that a corrupt
// length cannot ask for a huge allocation.
func (d *decoder) count() int {
	v := d.uvarint()
	if v > uint64(len(d.b)) {
		if d.err == nil {
			d.err = fmt.Errorf("count %d exceeds the %d bytes left", v, len(d.b))
		}
		return 0
	}
	return int(v)
}

func (d *decoder) code() string {
	if d.err != nil {
		return ""
	}
	if len(d.b) < 2 {
		d.err = errTruncated
		return ""
	}
	s := string(d.b[:2])
	d.b = d.b[2:]
	return s
}
