package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"lifeline/internal/shareddata"
)

func TestSimulateTonga(t *testing.T) {
	isolate(t)
	data := shareddata.Path(t, "cables")
	out, stderr, code := runCLI(t, "simulate", "--atlas", data, "--json", "../../impact/testdata/events/tonga-2022.yaml")
	if code != 0 {
		t.Fatalf("code %d, stderr %s", code, stderr)
	}
	var r struct {
		Scenario  string `json:"scenario"`
		Samples   int    `json:"samples"`
		Countries []struct {
			Country      string  `json:"country"`
			Reachable    bool    `json:"reachable"`
			PUnreachable float64 `json:"p_unreachable"`
			CapacityLoss float64 `json:"capacity_loss"`
			CablesTotal  int     `json:"cables_total"`
			CablesFailed float64 `json:"cables_failed"`
			Population   int64   `json:"population"`
		} `json:"countries"`
		Failed struct {
			Cables, Segments, LandingPoints, Links []string
		} `json:"failed"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("--json is not one object: %v", err)
	}
	if r.Scenario != "Tonga, January 2022" || r.Samples != 1 || len(r.Countries) < 200 {
		t.Fatalf("scenario %q, samples %d, %d countries", r.Scenario, r.Samples, len(r.Countries))
	}
	to := r.Countries[0]
	if to.Country != "TO" || to.Reachable || to.PUnreachable != 1 || to.CapacityLoss != 1 || to.Population == 0 {
		t.Errorf("first country %+v; want Tonga, cut off", to)
	}
	if len(r.Failed.Cables) != 2 {
		t.Errorf("failed cables %v", r.Failed.Cables)
	}

	table, _, code := runCLI(t, "simulate", "--atlas", data, "../../impact/testdata/events/tonga-2022.yaml")
	if code != 0 || !strings.Contains(table, "Tonga") || !strings.Contains(table, "NO") {
		t.Errorf("table: code %d\n%s", code, table)
	}
	geo, _, code := runCLI(t, "simulate", "--atlas", data, "--geojson", "../../impact/testdata/events/tonga-2022.yaml")
	if code != 0 || !strings.Contains(geo, `"FeatureCollection"`) || !strings.Contains(geo, `"kind": "country"`) {
		t.Errorf("geojson: code %d\n%.300s", code, geo)
	}
}

func TestSimulateErrors(t *testing.T) {
	isolate(t)
	data := shareddata.Path(t, "cables")
	dir := t.TempDir()
	bad := dir + "/bad.yaml"
	writeFile(t, bad, "name: x\nevents:\n  - cut: {cable: tonga-cable, at: [1]}\n")
	_, stderr, code := runCLI(t, "simulate", "--atlas", data, bad)
	if code != 2 || !strings.Contains(stderr, "event 1 (cut): at") {
		t.Errorf("invalid scenario: code %d, stderr %q", code, stderr)
	}
	unknown := dir + "/unknown.yaml"
	writeFile(t, unknown, "name: x\nevents:\n  - cut_cables: [WACS]\n")
	_, stderr, code = runCLI(t, "simulate", "--atlas", data, unknown)
	if code == 0 || !strings.Contains(stderr, "closest: West Africa Cable System (WACS)") {
		t.Errorf("unknown cable: code %d, stderr %q", code, stderr)
	}
	_, _, code = runCLI(t, "simulate", "--atlas", data, dir+"/missing.yaml")
	if code != 2 {
		t.Errorf("missing file: code %d", code)
	}
}

func TestSimulateSameSeed(t *testing.T) {
	isolate(t)
	data := shareddata.Path(t, "cables")
	storm := t.TempDir() + "/storm.yaml"
	writeFile(t, storm, "name: storm\nevents:\n  - solar_storm: {spacing_km: 150, p: [0.1, 0.01, 0.001]}\n")
	a, _, c1 := runCLI(t, "simulate", "--atlas", data, "--json", "--samples", "200", "--flow-samples", "20", "--seed", "5", "--workers", "1", storm)
	b, _, c2 := runCLI(t, "simulate", "--atlas", data, "--json", "--samples", "200", "--flow-samples", "20", "--seed", "5", "--workers", "2", storm)
	if c1 != 0 || c2 != 0 || a != b {
		t.Errorf("same seed, different output (codes %d, %d)", c1, c2)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
