package exchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"lifeline/coord"
)

// GeoJSON (RFC 7946) puts incidents on any map: a FeatureCollection with
// one Feature per incident the reader may see, its area as the geometry
// (null when it has none) and the incident itself, in the JSON the API
// speaks, as the properties.

// Feature is a GeoJSON feature holding one incident.
type Feature struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Geometry   *coord.Area     `json:"geometry"`
	Properties json.RawMessage `json:"properties"`
}

// FeatureCollection is a GeoJSON feature collection.
type FeatureCollection struct {
	Type     string    `json:"type"`
	Features []Feature `json:"features"`
}

// ExportGeoJSON writes the incidents v may see as a GeoJSON
// FeatureCollection.
func ExportGeoJSON(w io.Writer, v coord.Viewer, incidents []coord.Incident) error {
	fc := FeatureCollection{Type: "FeatureCollection", Features: []Feature{}}
	for _, in := range visible(v, incidents, incidentMarking) {
		props := *in
		props.Area = nil
		b, err := json.Marshal(&props)
		if err != nil {
			return err
		}
		fc.Features = append(fc.Features, Feature{Type: "Feature", ID: in.ID, Geometry: in.Area, Properties: b})
	}
	out, err := json.MarshalIndent(fc, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(out, '\n'))
	return err
}

// ImportGeoJSON reads a GeoJSON FeatureCollection of incidents and returns
// them as draft incidents, each validated. A feature Lifeline wrote comes
// back as the incident it was written from. From another tool: the
// feature's id is the incident's id unless its properties give one, the
// "title" or else the "name" property the title, a Polygon or MultiPolygon
// the area (other geometries are refused), the kind "other" unless given,
// and the marking the properties' or else by's, TLP:AMBER.
func ImportGeoJSON(r io.Reader, by coord.Viewer) ([]coord.Incident, error) {
	const op = "exchange.ImportGeoJSON"
	data, err := readAll(op, r)
	if err != nil {
		return nil, err
	}
	var fc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, invalid(op, "", "line %d: not JSON: %v", lineAt(data, se.Offset), se)
		}
		return nil, invalid(op, "", "expected a GeoJSON FeatureCollection: %v", err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, invalid(op, "type", "expected \"FeatureCollection\", found %q", first(fc.Type, 40))
	}
	if len(fc.Features) > maxSTIXObjects {
		return nil, invalid(op, "features", "%d features; at most %d are read", len(fc.Features), maxSTIXObjects)
	}
	var out []coord.Incident
	for i, raw := range fc.Features {
		where := fmt.Sprintf("features[%d]", i)
		in, err := featureIncident(raw, by)
		if err != nil {
			return nil, invalid(op, where, "%s", err)
		}
		if err := in.Validate(); err != nil {
			return nil, wrapInvalid(op, where, err)
		}
		out = append(out, *in)
	}
	return out, nil
}

func featureIncident(raw json.RawMessage, by coord.Viewer) (*coord.Incident, error) {
	var f struct {
		Type       string          `json:"type"`
		ID         any             `json:"id"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("expected a Feature: %v", err)
	}
	if f.Type != "Feature" {
		return nil, fmt.Errorf("type: expected \"Feature\", found %q", first(f.Type, 40))
	}
	in := &coord.Incident{}
	if p := bytes.TrimSpace(f.Properties); len(p) > 0 && !bytes.Equal(p, []byte("null")) {
		if err := json.Unmarshal(p, in); err != nil {
			return nil, fmt.Errorf("properties: %v", err)
		}
		if in.Title == "" {
			var named struct {
				Name string `json:"name"`
			}
			_ = json.Unmarshal(p, &named)
			in.Title = named.Name
		}
	}
	if in.ID == "" {
		switch id := f.ID.(type) {
		case string:
			in.ID = id
		case float64:
			in.ID = fmtNum(id)
		}
	}
	if in.ID == "" {
		return nil, fmt.Errorf("id: a feature names its incident, in its id or an \"id\" property")
	}
	in.Area = nil
	if g := bytes.TrimSpace(f.Geometry); len(g) > 0 && !bytes.Equal(g, []byte("null")) {
		var a coord.Area
		if err := json.Unmarshal(g, &a); err != nil {
			return nil, fmt.Errorf("geometry: %v", err)
		}
		if a.Type != "Polygon" && a.Type != "MultiPolygon" {
			return nil, fmt.Errorf("geometry: an incident's area is a Polygon or a MultiPolygon, found %q", first(a.Type, 40))
		}
		in.Area = &a
	}
	if in.Kind == "" {
		in.Kind = coord.KindOther
	}
	if in.Status == "" {
		in.Status = coord.IncidentReported
	}
	fromSource(&in.Marking, by)
	return in, nil
}
