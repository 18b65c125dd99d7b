package impact

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// referenceResult is what bench/reference/impact.py prints.
type referenceResult struct {
	Samples          int     `json:"samples"`
	FlowSamples      int     `json:"flow_samples"`
	SecondsPerSample float64 `json:"seconds_per_sample"`
	Countries        map[string]struct {
		Reachable          bool    `json:"reachable"`
		PUnreachable       float64 `json:"p_unreachable"`
		CapacityLoss       float64 `json:"capacity_loss"`
		CapacityBeforeGbps float64 `json:"capacity_before_gbps"`
	} `json:"countries"`
	Failed struct {
		Segments      []string `json:"segments"`
		LandingPoints []string `json:"landing_points"`
		Links         []string `json:"links"`
	} `json:"failed"`
}

// runReference runs the Python reference on the atlas file and scenario,
// or skips when python3 with networkx is not installed.
func runReference(t *testing.T, atlasFile, scenario string, samples, flows int, seed uint64) *referenceResult {
	t.Helper()
	if err := exec.Command("python3", "-c", "import networkx").Run(); err != nil {
		t.Skip("python3 with networkx is not installed (Debian: python3-networkx)")
	}
	dir := t.TempDir()
	sf := filepath.Join(dir, "scenario.yaml")
	if err := os.WriteFile(sf, []byte(scenario), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("python3", filepath.Join("..", "bench", "reference", "impact.py"), atlasFile, sf,
		"--samples", strconv.Itoa(samples), "--flows", strconv.Itoa(flows), "--seed", strconv.FormatUint(seed, 10))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("reference: %v", err)
	}
	var r referenceResult
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("reference output: %v", err)
	}
	return &r
}

// The Go engine and the Python reference agree country by country and on
// the elements that failed, on a deterministic scenario with every kind of
// certain event and on a sampled one with a solar storm and an earthquake
// (the reference draws the same random numbers). The regions lie at sea, so
// they fail no border link: the reference cannot tell which land an area
// covers, and the engine failing a link there would show as a difference.
func TestAgreesWithReference(t *testing.T) {
	g := realGraph(t)
	atlasFile := filepath.Join(t.TempDir(), "atlas.json")
	f, err := os.Create(atlasFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Atlas().Encode(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	tests := []struct {
		name     string
		scenario string // JSON, which is YAML too
		samples  int
		flows    int
	}{
		{"deterministic", `{"name": "mixed", "events": [
			{"cut_cables": ["tonga-cable", "asia-africa-europe-1-aae-1", "seacomtata-tgn-eurasia", "europe-india-gateway-eig", "west-africa-cable-system-wacs", "mainone"]},
			{"landing_points": ["praia-cape-verde", "djibouti-city-djibouti"]},
			{"links": ["MR-SN", "BF-CI"]},
			{"isolation": {"country": "ZA"}},
			{"shutdown": {"country": "EG"}},
			{"cut": {"cable": "sat-3wasc", "at": [-4.0, 5.0]}},
			{"cut": {"cable": "africa-coast-to-europe-ace", "at": [-4.0, 5.0]}},
			{"cut": {"cable": "eastern-africa-submarine-system-eassy", "at": [32.2, -28.9]}},
			{"region": {"kind": "earthquake", "polygon": [[120.0, 20.5], [122.0, 20.5], [122.0, 22.0], [120.0, 22.0]]}},
			{"region": {"kind": "sabotage", "circle": {"center": [-40.0, 40.0], "radius_km": 300}}},
			{"power_outage": {"region": {"circle": {"center": [3.4, 6.45], "radius_km": 60}}, "backup_hours": 8, "duration_hours": 36}}]}`, 1, 1},
		{"solar storm and earthquake", `{"name": "storm", "events": [{"solar_storm": {"spacing_km": 100, "p": [1, 0.1, 0.01]}},
			{"earthquake": {"center": [120.5, 21.9], "magnitude": 7.1}}]}`, 150, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := ParseScenario(strings.NewReader(tt.scenario), tt.name)
			if err != nil {
				t.Fatal(err)
			}
			got, err := g.Simulate(context.Background(), sc, RunOptions{Samples: tt.samples, FlowSamples: tt.flows, Seed: 11})
			if err != nil {
				t.Fatal(err)
			}
			ref := runReference(t, atlasFile, tt.scenario, tt.samples, tt.flows, 11)
			if ref.Samples != got.Samples || len(ref.Countries) != len(got.Countries) {
				t.Fatalf("reference: %d samples, %d countries; engine: %d, %d", ref.Samples, len(ref.Countries), got.Samples, len(got.Countries))
			}
			differ := 0
			for _, c := range got.Countries {
				rc, ok := ref.Countries[c.Country]
				switch {
				case !ok:
					t.Errorf("%s missing from the reference", c.Country)
				case rc.Reachable != c.Reachable || math.Abs(rc.PUnreachable-c.PUnreachable) > 1e-6 ||
					math.Abs(rc.CapacityLoss-c.CapacityLoss) > 1e-6 || math.Abs(rc.CapacityBeforeGbps-c.CapacityBeforeGbps) > 1e-6:
					t.Errorf("%s: engine reachable %v p %v loss %v before %v; reference %v %v %v %v", c.Country,
						c.Reachable, c.PUnreachable, c.CapacityLoss, c.CapacityBeforeGbps, rc.Reachable, rc.PUnreachable, rc.CapacityLoss, rc.CapacityBeforeGbps)
				}
				if c.CapacityLoss > 0 || c.PUnreachable > 0 {
					differ++
				}
			}
			if differ < 5 {
				t.Errorf("only %d countries affected: the comparison shows little", differ)
			}
			for _, f := range []struct {
				what     string
				got, ref []string
			}{{"segments", got.Failed.Segments, ref.Failed.Segments}, {"landing points", got.Failed.LandingPoints, ref.Failed.LandingPoints},
				{"links", got.Failed.Links, ref.Failed.Links}} {
				g, r := slices.Sorted(slices.Values(f.got)), slices.Sorted(slices.Values(f.ref))
				if !slices.Equal(g, r) {
					t.Errorf("failed %s: engine %d, reference %d; only the engine: %v; only the reference: %v", f.what, len(g), len(r), minus(g, r), minus(r, g))
				}
			}
		})
	}
}

// minus returns the elements of a not in b (both sorted), at most ten.
func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); !ok && len(out) < 10 {
			out = append(out, x)
		}
	}
	return out
}
