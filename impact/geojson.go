package impact

import (
	"math"

	"lifeline/atlas"
	"lifeline/geo"
)

// GeoJSON returns what failed and whom it affected, for a map: a LineString
// per failed segment and terrestrial link (a link drawn between the two
// countries' representative points), a Point per failed landing point, and
// a Point per affected country (at its representative point) with its
// figures. Every feature has a "kind" property: "segment", "link",
// "landing_point" or "country".
func (r *Result) GeoJSON(a *atlas.Atlas) atlas.FeatureCollection {
	fc := atlas.FeatureCollection{Type: "FeatureCollection", Features: []atlas.Feature{}}
	segs := make(map[string]int, len(a.Segments))
	for i := range a.Segments {
		segs[a.Segments[i].ID] = i
	}
	for _, id := range r.Failed.Segments {
		s := &a.Segments[segs[id]]
		fc.Features = append(fc.Features, atlas.Feature{Type: "Feature", ID: s.ID, Geometry: line(s.Path),
			Properties: map[string]any{"kind": "segment", "cable": s.Cable, "from": s.From, "to": s.To, "length_km": s.LengthKm}})
	}
	for _, id := range r.Failed.LandingPoints {
		lp, _ := a.LandingPoint(id)
		fc.Features = append(fc.Features, atlas.Feature{Type: "Feature", ID: lp.ID,
			Geometry:   atlas.Geometry{Type: "Point", Coordinates: [2]float64{lp.Lon, lp.Lat}},
			Properties: map[string]any{"kind": "landing_point", "name": lp.Name, "country": lp.Country}})
	}
	for _, id := range r.Failed.Links {
		for _, l := range a.Links {
			if l.ID != id {
				continue
			}
			ca, _ := geo.Lookup(l.A)
			cb, _ := geo.Lookup(l.B)
			fc.Features = append(fc.Features, atlas.Feature{Type: "Feature", ID: l.ID,
				Geometry:   line([][2]float64{{ca.Centroid.Lon, ca.Centroid.Lat}, {cb.Centroid.Lon, cb.Centroid.Lat}}),
				Properties: map[string]any{"kind": "link", "a": l.A, "b": l.B}})
		}
	}
	for _, c := range r.Countries {
		if c.PUnreachable == 0 && c.CapacityLoss == 0 && c.CablesFailed == 0 || !c.ReachableBefore {
			continue
		}
		gc, _ := geo.Lookup(c.Country)
		fc.Features = append(fc.Features, atlas.Feature{Type: "Feature", ID: c.Country,
			Geometry: atlas.Geometry{Type: "Point", Coordinates: [2]float64{gc.Centroid.Lon, gc.Centroid.Lat}},
			Properties: map[string]any{"kind": "country", "name": c.Name, "reachable": c.Reachable,
				"p_unreachable": c.PUnreachable, "capacity_loss": c.CapacityLoss, "cables_total": c.CablesTotal,
				"cables_failed": c.CablesFailed, "population": c.Population, "population_affected": c.PopulationAffected}})
	}
	return fc
}

// line is a LineString, or a MultiLineString split where the path crosses
// the antimeridian, so that maps do not draw it across the globe.
func line(path [][2]float64) atlas.Geometry {
	var parts [][][2]float64
	cur := [][2]float64{}
	for i, p := range path {
		if i > 0 && math.Abs(p[0]-path[i-1][0]) > 180 {
			q := path[i-1]
			edge := 180.0
			if q[0] < 0 {
				edge = -180
			}
			// Latitude where the edge meets the antimeridian.
			d := 360 - math.Abs(p[0]-q[0])
			t := (180 - math.Abs(q[0])) / d
			lat := q[1] + t*(p[1]-q[1])
			cur = append(cur, [2]float64{edge, lat})
			parts = append(parts, cur)
			cur = [][2]float64{{-edge, lat}}
		}
		cur = append(cur, p)
	}
	parts = append(parts, cur)
	if len(parts) == 1 {
		return atlas.Geometry{Type: "LineString", Coordinates: parts[0]}
	}
	return atlas.Geometry{Type: "MultiLineString", Coordinates: parts}
}
