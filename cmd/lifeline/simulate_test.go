package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"lifeline/impact"
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
			Demand       struct {
				RemainingGbps float64 `json:"remaining_gbps"`
				Gbps          float64 `json:"gbps"`
				Year          int     `json:"year"`
				Verdict       string  `json:"verdict"`
			} `json:"demand"`
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
	if d := to.Demand; d.Verdict != "short" || d.Gbps != 2 || d.Year != 2022 || d.RemainingGbps != 0 {
		t.Errorf("Tonga's demand %+v; want short of its 2 Gbit/s of 2022", d)
	}
	if len(r.Failed.Cables) != 2 {
		t.Errorf("failed cables %v", r.Failed.Cables)
	}

	table, _, code := runCLI(t, "simulate", "--atlas", data, "../../impact/testdata/events/tonga-2022.yaml")
	if code != 0 || !strings.Contains(table, "Tonga") || !strings.Contains(table, "NO") ||
		!strings.Contains(table, "demand: TO uses 2 Gbit/s of international bandwidth (2022); 0 Gbit/s left to the core: SHORT") {
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

// By default every sample computes capacity loss; the output is the same
// whatever the number of workers, and the table gives the interval.
func TestSimulateCapacityEverySample(t *testing.T) {
	isolate(t)
	data := shareddata.Path(t, "cables")
	storm := t.TempDir() + "/storm.yaml"
	writeFile(t, storm, "name: storm\nevents:\n  - solar_storm: {spacing_km: 100, p: [1, 0.1, 0.01]}\n")
	a, _, c1 := runCLI(t, "simulate", "--atlas", data, "--json", "--samples", "150", "--seed", "5", "--workers", "1", storm)
	b, _, c2 := runCLI(t, "simulate", "--atlas", data, "--json", "--samples", "150", "--seed", "5", "--workers", "2", storm)
	if c1 != 0 || c2 != 0 || a != b {
		t.Fatalf("same seed, different output (codes %d, %d)", c1, c2)
	}
	var r impact.Result
	if err := json.Unmarshal([]byte(a), &r); err != nil {
		t.Fatal(err)
	}
	if r.FlowSamples != 150 {
		t.Errorf("flow_samples = %d, want every one of the 150 samples", r.FlowSamples)
	}
	partial := 0
	for _, c := range r.Countries {
		ci := c.CapacityLossCI
		if !(ci[0] <= c.CapacityLoss && c.CapacityLoss <= ci[1]) {
			t.Errorf("%s: interval %v does not hold the mean %v", c.Country, ci, c.CapacityLoss)
		}
		if ci[0] < ci[1] {
			partial++
		}
	}
	if partial == 0 {
		t.Error("no country has an interval of some width: the storm is sampled")
	}
	out, _, code := runCLI(t, "simulate", "--atlas", data, "--samples", "150", "--seed", "5", "--top", "40", storm)
	if code != 0 || !strings.Contains(out, "capacity lost: mean [95% interval]") || !strings.Contains(out, "%–") {
		t.Errorf("table without the capacity interval:\n%s", out)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSimulateASLevel(t *testing.T) {
	isolate(t)
	data := shareddata.Path(t, "cables")
	rel := shareddata.Path(t, "asrel/20161101.as-rel.txt.bz2")
	const table = "../../impact/testdata/delegated-as-country-extended"
	dir := t.TempDir()
	egypt := dir + "/egypt.yaml"
	writeFile(t, egypt, "name: Egypt\nevents:\n  - shutdown: {country: Egypt}\n")

	plain, _, code := runCLI(t, "simulate", "--atlas", data, "--json", egypt)
	if code != 0 || strings.Contains(plain, `"as_level"`) {
		t.Errorf("without --asrel: code %d, as_level present: %v", code, strings.Contains(plain, `"as_level"`))
	}
	out, stderr, code := runCLI(t, "simulate", "--atlas", data, "--json", "--asrel", rel, "--as-country", table, egypt)
	if code != 0 {
		t.Fatalf("code %d, stderr %s", code, stderr)
	}
	var r struct {
		Countries []json.RawMessage `json:"countries"`
		ASLevel   *struct {
			ASes      int      `json:"ases"`
			Failed    []uint32 `json:"failed"`
			LostPairs int64    `json:"lost_pairs"`
			Shutdowns []struct {
				Country string `json:"country"`
				ASes    int    `json:"ases"`
			} `json:"shutdowns"`
			Countries []struct {
				Country string `json:"country"`
				Failed  int    `json:"failed"`
			} `json:"countries"`
			Networks []struct {
				ASN             uint32   `json:"asn"`
				Lost            int      `json:"lost"`
				InFailedCone    bool     `json:"in_failed_cone"`
				FailedProviders []uint32 `json:"failed_providers"`
			} `json:"networks"`
		} `json:"as_level"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	as := r.ASLevel
	if as == nil || len(r.Countries) < 200 || as.ASes != 55809 || len(as.Failed) != 8 || len(as.Shutdowns) != 1 ||
		as.Shutdowns[0].Country != "EG" || as.Countries[0].Country != "EG" || as.Countries[0].Failed != 8 || as.LostPairs == 0 {
		t.Fatalf("as_level %+v", as)
	}
	if n := as.Networks[0]; !n.InFailedCone || len(n.FailedProviders) == 0 || n.Lost < 50000 {
		t.Errorf("first network %+v: want one single-homed below Egypt's, cut off", n)
	}

	table2, _, code := runCLI(t, "simulate", "--atlas", data, "--asrel", rel, "--as-country", table, egypt)
	if code != 0 || !strings.Contains(table2, "AS level: 55809 ASes") || !strings.Contains(table2, "shut down: EG (8)") ||
		!strings.HasPrefix(table2, plainTable(t, data, egypt)) {
		t.Errorf("table: code %d\n%s", code, table2)
	}
}

// plainTable is the table of the cable level alone.
func plainTable(t *testing.T, data, scenario string) string {
	t.Helper()
	out, _, code := runCLI(t, "simulate", "--atlas", data, scenario)
	if code != 0 {
		t.Fatalf("code %d", code)
	}
	return out
}

func TestSimulateASLevelErrors(t *testing.T) {
	isolate(t)
	data := shareddata.Path(t, "cables")
	rel := shareddata.Path(t, "asrel/20161101.as-rel.txt.bz2")
	dir := t.TempDir()
	egypt, nets, badRel := dir+"/egypt.yaml", dir+"/nets.yaml", dir+"/bad.txt"
	writeFile(t, egypt, "name: Egypt\nevents:\n  - shutdown: {country: Egypt}\n")
	writeFile(t, nets, "name: nets\nevents:\n  - ases: [8452, 4294967000]\n")
	writeFile(t, badRel, "1|2|-1\n2|3|peer\n")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"table without graph", []string{"--as-country", "x", egypt}, 2, "give --asrel"},
		{"shutdown without table", []string{"--asrel", rel, egypt}, 2, "event 1 (shutdown) needs --as-country"},
		{"geojson", []string{"--asrel", rel, "--geojson", egypt}, 2, "--geojson shows the cable level only"},
		{"unknown AS", []string{"--asrel", rel, nets}, 1, "event 1 (ases): AS 4294967000 is not in the relationship graph"},
		{"bad relationship file", []string{"--asrel", badRel, nets}, 2, "bad.txt: line 2: field 3"},
	}
	if _, stderr, code := runCLI(t, "simulate", "--atlas", data, nets); code != 0 || !strings.Contains(stderr, "event 1 (ases) acts at the AS level only") {
		t.Errorf("ases without --asrel: code %d, stderr %q; want a note", code, stderr)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := runCLI(t, append([]string{"simulate", "--atlas", data}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("code %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.want)
			}
		})
	}
}

// TestSimulateAsOfMonth: --as-of takes a year or a year and a month; a
// month leaves out the systems that entered service later that year, so
// Pakistan, whose only cable failed off Karachi in June 2005, is cut off
// on the network of June 2005 and not on that of December 2005, when
// SEA-ME-WE 4 had entered service. Anything else is refused with the
// accepted forms named.
func TestSimulateAsOfMonth(t *testing.T) {
	isolate(t)
	data := shareddata.Path(t, "cables")
	sc := t.TempDir() + "/karachi.yaml"
	writeFile(t, sc, "name: Karachi\nevents:\n  - cut: {cable: seamewe-3, at: [67.0, 24.54]}\n")
	reachable := func(asOf string) bool {
		t.Helper()
		out, stderr, code := runCLI(t, "simulate", "--atlas", data, "--as-of", asOf, "--json", sc)
		if code != 0 {
			t.Fatalf("--as-of %s: code %d, stderr %q", asOf, code, stderr)
		}
		var r impact.Result
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		for _, c := range r.Countries {
			if c.Country == "PK" {
				return c.Reachable
			}
		}
		t.Fatalf("--as-of %s: no PK in the result", asOf)
		return false
	}
	if reachable("2005-06") {
		t.Error("as of June 2005, PK reachable; want cut off with its only cable")
	}
	if !reachable("2005-12") || !reachable("2005") {
		t.Error("as of December 2005, PK unreachable; want reachable over SEA-ME-WE 4")
	}
	for _, bad := range []string{"2005-13", "2005-6", "05-06", "2005-06-01", "soon"} {
		_, stderr, code := runCLI(t, "simulate", "--atlas", data, "--as-of", bad, sc)
		if code != 2 || !strings.Contains(stderr, "2008-12") || !strings.Contains(stderr, bad) {
			t.Errorf("--as-of %s: code %d, stderr %q", bad, code, stderr)
		}
	}
}
