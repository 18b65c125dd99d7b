package atlas_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"lifeline"
	"lifeline/atlas"
)

func TestEncodeDecodeRoundTrip(t *testing.T) {
	a := compile(t, baseDocument())
	var buf bytes.Buffer
	if err := a.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	b, err := atlas.Decode(bytes.NewReader(buf.Bytes()), "export.json")
	if err != nil {
		t.Fatalf("Decode of an export: %v", err)
	}
	if !reflect.DeepEqual(a.Stats(), b.Stats()) {
		t.Errorf("stats differ: %+v vs %+v", a.Stats(), b.Stats())
	}
	if !reflect.DeepEqual(a.Segments, b.Segments) {
		t.Errorf("segments differ after a round trip")
	}
	if !reflect.DeepEqual(a.Cables, b.Cables) {
		t.Errorf("cables differ after a round trip")
	}
	// Export is deterministic.
	var again bytes.Buffer
	if err := b.Encode(&again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Errorf("a second export differs from the first")
	}
	// The export carries the derived sections for its readers.
	var f map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &f); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"countries", "segments", "terrestrial_links"} {
		if len(f[k]) < 3 {
			t.Errorf("export lacks %q", k)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", "empty file"},
		{"malformed", `{"format": "lifeline-atlas", "version": 1,,}`, "malformed JSON at byte"},
		{"truncated", `{"format": "lifeline-atlas", "version": 1, "cables": [`, "truncated"},
		{"wrong type", `{"format": "lifeline-atlas", "version": "one"}`, "field version"},
		{"unknown field", `{"format": "lifeline-atlas", "version": 1, "cabels": []}`, `unknown field "cabels"`},
		{"wrong format", `{"format": "geojson", "version": 1}`, `format: want "lifeline-atlas"`},
		{"future version", `{"format": "lifeline-atlas", "version": 9}`, "version: want 1..1, found 9"},
		{"trailing data", `{"format": "lifeline-atlas", "version": 1} {}`, "after the atlas document"},
		{"invalid record", `{"format": "lifeline-atlas", "version": 1, "landing_points": [{"id": "x", "country": "FR", "lon": 2, "lat": 48}], "cables": [{"id": "c", "name": "C", "landing_points": ["x"]}]}`, `cable "c"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := atlas.Decode(strings.NewReader(tt.in), "bad.json")
			if err == nil || a != nil {
				t.Fatalf("Decode accepted %q", tt.in)
			}
			if lifeline.ErrorCode(err) != lifeline.EINVALID {
				t.Errorf("code %q", lifeline.ErrorCode(err))
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "bad.json") {
				t.Errorf("error %q; want it to name bad.json and say %q", err, tt.want)
			}
		})
	}
}

func TestGeoJSON(t *testing.T) {
	d := baseDocument()
	d.Cables = append(d.Cables, atlas.DocumentCable{ID: "future", Name: "Future", Planned: true, LandingPoints: []string{"lisbon", "casablanca"}})
	a := compile(t, d)
	fc := a.GeoJSON(atlas.GeoJSONOptions{})
	kinds := map[string]int{}
	for _, f := range fc.Features {
		kinds[f.Properties["kind"].(string)]++
		if f.Properties["cable"] == "future" {
			t.Errorf("planned cable exported without Planned")
		}
	}
	if kinds["segment"] != 5 || kinds["landing_point"] != 3 || kinds["terrestrial_link"] != len(a.Links) {
		t.Errorf("feature kinds %v; want 5 segments, 3 landing points, %d links", kinds, len(a.Links))
	}
	withPlanned := a.GeoJSON(atlas.GeoJSONOptions{Planned: true})
	if len(withPlanned.Features) != len(fc.Features)+1 {
		t.Errorf("with planned: %d features, want %d", len(withPlanned.Features), len(fc.Features)+1)
	}
}

func TestGeoJSONSplitsAtAntimeridian(t *testing.T) {
	d := &atlas.Document{Format: atlas.FormatName, Version: 1,
		LandingPoints: []atlas.LandingPoint{lp("suva", "FJ", 178.44, -18.14), lp("apia", "WS", -171.76, -13.83)},
		Cables:        []atlas.DocumentCable{{ID: "x", Name: "X", LandingPoints: []string{"suva", "apia"}}}}
	a := compile(t, d)
	for _, f := range a.GeoJSON(atlas.GeoJSONOptions{}).Features {
		if f.Properties["kind"] != "segment" {
			continue
		}
		if f.Geometry.Type != "MultiLineString" {
			t.Fatalf("a segment across the antimeridian is a %s", f.Geometry.Type)
		}
		lines := f.Geometry.Coordinates.([][][2]float64)
		if lines[0][len(lines[0])-1][0] != 180 || lines[1][0][0] != -180 {
			t.Errorf("split at %v / %v, want ±180", lines[0][len(lines[0])-1], lines[1][0])
		}
	}
}
