package main

import (
	"bytes"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestSimplifyArc(t *testing.T) {
	tests := []struct {
		name string
		in   []pt
		want int // points kept
	}{
		{"straight line", []pt{{0, 0}, {1, 0.001}, {2, -0.001}, {3, 0}}, 2},
		{"corner kept", []pt{{0, 0}, {1, 0}, {1, 1}}, 3},
		{"closed island", []pt{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := simplifyArc(tt.in, 0.01)
			if len(got) != tt.want || got[0] != tt.in[0] || got[len(got)-1] != tt.in[len(tt.in)-1] {
				t.Errorf("simplifyArc = %v, want %d points with the same ends", got, tt.want)
			}
		})
	}
}

func TestSimplifyRingKeepsTinyIslands(t *testing.T) {
	tiny := []pt{{0, 0}, {0.001, 0}, {0.001, 0.001}, {0, 0.001}, {0, 0}}
	if got := simplifyRing(tiny, 0.05); distinct(got) < 3 {
		t.Errorf("simplifyRing collapsed an island to %v", got)
	}
}

func TestSplitPolygon(t *testing.T) {
	tests := []struct {
		name      string
		rings     [][]pt
		wantPolys int
		wantArea  float64 // total, square degrees
	}{
		{
			name:      "plain",
			rings:     [][]pt{{{10, 10}, {20, 10}, {20, 20}, {10, 10}}},
			wantPolys: 1, wantArea: 50,
		},
		{
			name:      "crosses the antimeridian",
			rings:     [][]pt{{{170, 0}, {-170, 0}, {-170, 10}, {170, 10}, {170, 0}}},
			wantPolys: 2, wantArea: 200,
		},
		{
			name: "circles the South Pole",
			rings: [][]pt{{
				{-180, -70}, {-90, -70}, {0, -70}, {90, -70}, {179, -70}, {-180, -70},
			}},
			wantPolys: 1, wantArea: 360 * 20,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitPolygon(tt.rings)
			if len(got) != tt.wantPolys {
				t.Fatalf("splitPolygon gave %d polygons, want %d: %v", len(got), tt.wantPolys, got)
			}
			var area float64
			for _, p := range got {
				for _, q := range p[0] {
					if q.x < -180 || q.x > 180 {
						t.Errorf("point %v outside [-180, 180]", q)
					}
				}
				area += math.Abs(ringArea(p[0]))
			}
			if math.Abs(area-tt.wantArea) > 1e-6 {
				t.Errorf("area %.3f, want %.3f", area, tt.wantArea)
			}
		})
	}
}

// TestReproducible regenerates the shape file from world-atlas, when
// GEO_WORLD_ATLAS points at countries-50m.json, and compares it byte for
// byte with the committed one.
func TestReproducible(t *testing.T) {
	topo := os.Getenv("GEO_WORLD_ATLAS")
	if topo == "" {
		t.Skip("GEO_WORLD_ATLAS is not set; see the package comment")
	}
	out := filepath.Join(t.TempDir(), "shapes.bin.gz")
	if err := run(topo, "../../countries.csv", out, 0.02, io.Discard); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../shapes.bin.gz")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("regenerated shapes.bin.gz (%d bytes) differs from the committed one (%d bytes): run go generate ./geo", len(got), len(want))
	}
}
