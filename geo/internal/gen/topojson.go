package main

import (
	"encoding/json"
	"fmt"
	"os"
)

// topology is the subset of TopoJSON that world-atlas uses: one quantized,
// delta-encoded arc table shared by every geometry of every object.
type topology struct {
	Type      string `json:"type"`
	Transform *struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][2]float64 `json:"arcs"`
	Objects map[string]struct {
		Type       string     `json:"type"`
		Geometries []geometry `json:"geometries"`
	} `json:"objects"`
}

// geometry is one Natural Earth feature. ID is the ISO 3166-1 numeric code
// as a string ("036"), absent for a few disputed or non-ISO areas.
type geometry struct {
	Type       string                `json:"type"`
	ID         string                `json:"id"`
	Properties struct{ Name string } `json:"properties"`
	Arcs       json.RawMessage       `json:"arcs"`
}

// pt is a generator-side point in degrees.
type pt struct{ x, y float64 }

// readTopology decodes path and returns its absolute arcs (in degrees) and
// the geometries of the object named obj.
func readTopology(path, obj string) ([][]pt, []geometry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read topology: %w", err)
	}
	var t topology
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, nil, fmt.Errorf("decode topology %s: %w", path, err)
	}
	if t.Type != "Topology" {
		return nil, nil, fmt.Errorf("decode topology %s: type is %q, want \"Topology\"", path, t.Type)
	}
	o, ok := t.Objects[obj]
	if !ok {
		return nil, nil, fmt.Errorf("decode topology %s: no object %q", path, obj)
	}
	arcs := make([][]pt, len(t.Arcs))
	for i, a := range t.Arcs {
		out := make([]pt, len(a))
		var x, y float64
		for j, p := range a {
			if t.Transform == nil {
				out[j] = pt{p[0], p[1]}
				continue
			}
			// Quantized arcs are delta-encoded: each position is relative to the previous one.
			x += p[0]
			y += p[1]
			out[j] = pt{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]}
		}
		arcs[i] = out
	}
	return arcs, o.Geometries, nil
}

// polygons returns g's polygons as lists of rings of arc references
// (negative reference ^i means arc i reversed).
func (g geometry) polygons() ([][][]int, error) {
	switch g.Type {
	case "Polygon":
		var p [][]int
		if err := json.Unmarshal(g.Arcs, &p); err != nil {
			return nil, fmt.Errorf("feature %q: polygon arcs: %w", g.Properties.Name, err)
		}
		return [][][]int{p}, nil
	case "MultiPolygon":
		var mp [][][]int
		if err := json.Unmarshal(g.Arcs, &mp); err != nil {
			return nil, fmt.Errorf("feature %q: multipolygon arcs: %w", g.Properties.Name, err)
		}
		return mp, nil
	case "", "null":
		return nil, nil
	default:
		return nil, fmt.Errorf("feature %q: unexpected geometry type %q", g.Properties.Name, g.Type)
	}
}
