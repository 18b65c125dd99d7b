package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/url"
	"strconv"
	"strings"

	"lifeline"
	"lifeline/coord"
	"lifeline/geo"
)

// copyLimited copies at most limit bytes from r to w, and fails if there
// are more.
func copyLimited(w io.Writer, r io.Reader, limit int64) (int64, error) {
	n, err := io.Copy(w, io.LimitReader(r, limit+1))
	if err != nil {
		return n, err
	}
	if n > limit {
		return n, fmt.Errorf("larger than %d KB", limit/1024)
	}
	return n, nil
}

// maxListed bounds how many items a page reads from a service to filter,
// sort and count them.
const maxListed = 5000

// listAll reads the pages of a service list, up to maxListed items.
func listAll[T any](ctx context.Context, find func(coord.ListFilter) (coord.Page[T], error)) ([]T, error) {
	var out []T
	f := coord.ListFilter{Limit: coord.MaxPageSize}
	for {
		p, err := find(f)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Items...)
		if p.Next == "" || len(out) >= maxListed || ctx.Err() != nil {
			return out, ctx.Err()
		}
		f.After = p.Next
	}
}

// countryList reads country codes or names separated by commas or
// spaces, as people type them: "SD, SS" or "Sudan".
//
// Errors: EINVALID naming the entry not understood.
func parseCountries(field, s string) ([]string, error) {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		code, ok := geo.Resolve(part)
		if !ok {
			// "SD SS" typed with spaces.
			var codes []string
			for _, w := range strings.Fields(part) {
				c, ok := geo.Resolve(w)
				if !ok {
					return nil, lifeline.Errork(lifeline.EINVALID, "web.form", "err.form.country", "%s: %q is not a country code or name", lifeline.Field(field), truncate(part, 40))
				}
				codes = append(codes, c)
			}
			out = append(out, codes...)
			continue
		}
		out = append(out, code)
	}
	return dedupe(out), nil
}

func dedupe(ss []string) []string {
	var out []string
	for _, s := range ss {
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// parseArea reads the area of a form: shape "circle" (lon, lat,
// radius_km), "polygon" ("lon lat, lon lat, …") or none.
//
// Errors: EINVALID naming the field and what was expected.
func parseArea(f url.Values) (*coord.Area, error) {
	const op = "web.area"
	var ring []coord.Position
	switch f.Get("shape") {
	case "", "none":
		return nil, nil
	case "circle":
		lon, err1 := strconv.ParseFloat(strings.TrimSpace(f.Get("lon")), 64)
		lat, err2 := strconv.ParseFloat(strings.TrimSpace(f.Get("lat")), 64)
		km, err3 := strconv.ParseFloat(strings.TrimSpace(f.Get("radius_km")), 64)
		if err1 != nil || err2 != nil || err3 != nil {
			return nil, lifeline.Errork(lifeline.EINVALID, op, "err.form.circle", "area: a circle needs a centre longitude, latitude and a radius in km, all numbers")
		}
		if lon < -180 || lon > 180 || lat < -85 || lat > 85 || !(km >= 1 && km <= 3000) {
			return nil, lifeline.Errork(lifeline.EINVALID, op, "err.form.circle.range", "area: expected longitude -180..180, latitude -85..85 and a radius of 1 to 3000 km")
		}
		for _, p := range geo.Circle(geo.Point{Lon: lon, Lat: lat}, km, 32) {
			if p.Lon < -180 || p.Lon > 180 {
				return nil, lifeline.Errork(lifeline.EINVALID, op, "err.form.circle.antimeridian", "area: the circle crosses the antimeridian (180°); draw a polygon on one side of it")
			}
			ring = append(ring, coord.Position{round5(p.Lon), round5(p.Lat)})
		}
		ring[len(ring)-1] = ring[0]
	case "polygon":
		for i, pair := range strings.Split(f.Get("polygon"), ",") {
			fs := strings.Fields(pair)
			if len(fs) == 0 {
				continue
			}
			if len(fs) != 2 {
				return nil, lifeline.Errork(lifeline.EINVALID, op, "err.form.polygon.pair", "area: polygon point %d: expected \"longitude latitude\", found %q", i+1, truncate(strings.TrimSpace(pair), 40))
			}
			lon, err1 := strconv.ParseFloat(fs[0], 64)
			lat, err2 := strconv.ParseFloat(fs[1], 64)
			if err1 != nil || err2 != nil {
				return nil, lifeline.Errork(lifeline.EINVALID, op, "err.form.polygon.numbers", "area: polygon point %d: %q is not two numbers", i+1, truncate(strings.TrimSpace(pair), 40))
			}
			ring = append(ring, coord.Position{lon, lat})
		}
		if len(ring) < 3 {
			return nil, lifeline.Errork(lifeline.EINVALID, op, "err.form.polygon.short", "area: a polygon needs at least three points")
		}
		if ring[0] != ring[len(ring)-1] {
			ring = append(ring, ring[0])
		}
	default:
		return nil, lifeline.Errork(lifeline.EINVALID, op, "err.form.shape", "area: shape: expected none, circle or polygon")
	}
	b, _ := json.Marshal([][]coord.Position{ring})
	a := &coord.Area{Type: "Polygon", Coordinates: b}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return a, nil
}

func round5(x float64) float64 { return math.Round(x*1e5) / 1e5 }

// areaRings returns an area's polygons as rings of points to draw.
func areaRings(a *coord.Area) [][][]geo.Point {
	if a == nil {
		return nil
	}
	polys, err := a.Polygons()
	if err != nil {
		return nil
	}
	out := make([][][]geo.Point, len(polys))
	for i, p := range polys {
		for _, r := range p {
			ring := make([]geo.Point, len(r))
			for j, q := range r {
				ring[j] = geo.Point{Lon: q[0], Lat: q[1]}
			}
			out[i] = append(out[i], ring)
		}
	}
	return out
}

// areaPoints returns the outer rings' points of an area.
func areaPoints(a *coord.Area) []geo.Point {
	var pts []geo.Point
	for _, p := range areaRings(a) {
		if len(p) > 0 {
			pts = append(pts, p[0]...)
		}
	}
	return pts
}

// parseTLP reads a TLP level from a form; empty means TLP:AMBER, the
// level the domain picks when none is given.
func parseTLP(s string) (coord.TLP, error) {
	if s == "" {
		return coord.TLPAmber, nil
	}
	t := coord.TLP(s)
	if !t.Valid() {
		return "", lifeline.Errork(lifeline.EINVALID, "web.form", "err.form.tlp", "tlp: expected one of TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED")
	}
	return t, nil
}

// parseQuantity reads a whole quantity of at least 1.
func parseQuantity(field, s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 1 {
		return 0, lifeline.Errork(lifeline.EINVALID, "web.form", "err.form.quantity", "%s: expected a whole number of at least 1, found %q", lifeline.Field(field), truncate(s, 20))
	}
	return n, nil
}
