package atlas

import (
	"encoding/json"
	"fmt"
	"io"

	"lifeline/geo"
)

// GeoJSON types, the small subset of RFC 7946 the atlas writes.
type (
	// FeatureCollection is a GeoJSON FeatureCollection.
	FeatureCollection struct {
		Type     string    `json:"type"`
		Features []Feature `json:"features"`
	}
	// Feature is a GeoJSON Feature.
	Feature struct {
		Type       string         `json:"type"`
		ID         string         `json:"id,omitempty"`
		Geometry   Geometry       `json:"geometry"`
		Properties map[string]any `json:"properties"`
	}
	// Geometry is a GeoJSON geometry: Point, LineString or MultiLineString.
	Geometry struct {
		Type        string `json:"type"`
		Coordinates any    `json:"coordinates"`
	}
)

// GeoJSONOptions selects what WriteGeoJSON includes.
type GeoJSONOptions struct {
	Planned bool // include planned cables
}

// GeoJSON returns the atlas as a FeatureCollection: one LineString per cable
// segment, one Point per landing point, and one LineString per terrestrial
// link between the two countries' centroids. Every feature has a "kind"
// property: "segment", "landing_point" or "terrestrial_link".
func (a *Atlas) GeoJSON(opt GeoJSONOptions) FeatureCollection {
	fc := FeatureCollection{Type: "FeatureCollection", Features: []Feature{}}
	used := map[string]bool{}
	for i := range a.Cables {
		c := &a.Cables[i]
		if c.Planned && !opt.Planned {
			continue
		}
		for _, si := range c.Segments {
			s := &a.Segments[si]
			used[s.From], used[s.To] = true, true
			fc.Features = append(fc.Features, Feature{Type: "Feature", ID: s.ID,
				Geometry: lineGeometry(s.Path),
				Properties: map[string]any{"kind": "segment", "cable": c.ID, "name": c.Name, "index": s.Index,
					"from": s.From, "to": s.To, "length_km": s.LengthKm, "rfs_year": c.RFSYear, "planned": c.Planned,
					"capacity_gbps": c.Capacity.Gbps, "capacity_confidence": c.Capacity.Confidence}})
		}
	}
	for _, lp := range a.LandingPoints {
		if !used[lp.ID] && !opt.Planned {
			continue
		}
		fc.Features = append(fc.Features, Feature{Type: "Feature", ID: lp.ID,
			Geometry:   Geometry{Type: "Point", Coordinates: [2]float64{lp.Lon, lp.Lat}},
			Properties: map[string]any{"kind": "landing_point", "name": lp.Name, "country": lp.Country}})
	}
	for _, l := range a.Links {
		ca, oka := geo.Lookup(l.A)
		cb, okb := geo.Lookup(l.B)
		if !oka || !okb {
			continue
		}
		fc.Features = append(fc.Features, Feature{Type: "Feature", ID: l.ID,
			Geometry: Geometry{Type: "LineString", Coordinates: [][2]float64{
				{ca.Centroid.Lon, ca.Centroid.Lat}, {cb.Centroid.Lon, cb.Centroid.Lat}}},
			Properties: map[string]any{"kind": "terrestrial_link", "a": l.A, "b": l.B,
				"capacity_gbps": l.Capacity.Gbps, "capacity_confidence": l.Capacity.Confidence}})
	}
	return fc
}

// WriteGeoJSON writes the atlas as GeoJSON (see GeoJSON).
func (a *Atlas) WriteGeoJSON(w io.Writer, opt GeoJSONOptions) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(a.GeoJSON(opt)); err != nil {
		return fmt.Errorf("encode GeoJSON: %w", err)
	}
	return nil
}

// lineGeometry is a LineString, or a MultiLineString for a path that
// crosses the antimeridian.
func lineGeometry(path [][2]float64) Geometry {
	lines := splitAntimeridian(path)
	if len(lines) == 1 {
		return Geometry{Type: "LineString", Coordinates: lines[0]}
	}
	return Geometry{Type: "MultiLineString", Coordinates: lines}
}

// splitAntimeridian cuts a path where it jumps across longitude ±180, so
// map software does not draw a line across the whole world.
func splitAntimeridian(path [][2]float64) [][][2]float64 {
	var out [][][2]float64
	cur := [][2]float64{}
	for i, p := range path {
		if i > 0 {
			q := path[i-1]
			if d := p[0] - q[0]; d > 180 || d < -180 {
				// Interpolate the crossing latitude.
				lon1, lon2 := q[0], p[0]
				edge := 180.0
				if lon1 < 0 {
					edge = -180
				}
				if lon2 < lon1 {
					lon2 += 360
				} else {
					lon2 -= 360
				}
				t := (edge - lon1) / (lon2 - lon1)
				lat := q[1] + t*(p[1]-q[1])
				cur = append(cur, [2]float64{edge, lat})
				out = append(out, cur)
				cur = [][2]float64{{-edge, lat}}
			}
		}
		cur = append(cur, p)
	}
	return append(out, cur)
}
