package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"lifeline/internal/shareddata"
)

// A scenario with standing faults: --json says which faults were standing
// apart from what the events failed, the table says so in a line of its
// own, and --help explains them.
func TestSimulateStanding(t *testing.T) {
	isolate(t)
	data := shareddata.Path(t, "cables")
	const file = "../../impact/testdata/events/east-africa-2024-after-red-sea.yaml"
	out, stderr, code := runCLI(t, "simulate", "--atlas", data, "--json", file)
	if code != 0 {
		t.Fatalf("code %d, stderr %s", code, stderr)
	}
	type failed struct {
		Cables   []string `json:"cables"`
		Segments []string `json:"segments"`
	}
	var r struct {
		Failed    failed  `json:"failed"`
		Standing  *failed `json:"standing"`
		Countries []struct {
			Country            string  `json:"country"`
			CapacityBeforeGbps float64 `json:"capacity_before_gbps"`
			CapacityLoss       float64 `json:"capacity_loss"`
		} `json:"countries"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("--json is not one object: %v", err)
	}
	if r.Standing == nil {
		t.Fatal("--json does not say which faults were standing")
	}
	want := []string{"asia-africa-europe-1-aae-1", "europe-india-gateway-eig", "seacomtata-tgn-eurasia"}
	if got := slices.Sorted(slices.Values(r.Standing.Cables)); !slices.Equal(got, want) || len(r.Standing.Segments) != 3 {
		t.Errorf("standing %+v; want the three Red Sea cables, a segment each", r.Standing)
	}
	if got := slices.Sorted(slices.Values(r.Failed.Cables)); !slices.Equal(got, []string{"eastern-africa-submarine-system-eassy", "seacomtata-tgn-eurasia"}) || len(r.Failed.Segments) != 2 {
		t.Errorf("failed %+v; want EASSy and Seacom off KwaZulu-Natal, a segment each", r.Failed)
	}
	for _, s := range r.Failed.Segments {
		if slices.Contains(r.Standing.Segments, s) {
			t.Errorf("segment %s both standing and failed by the events", s)
		}
	}

	table, _, code := runCLI(t, "simulate", "--atlas", data, file)
	if code != 0 || !strings.Contains(table, "standing before the events (docs/scenarios.md): 3 cable(s), 3 segment(s), 0 landing point(s)") ||
		!strings.Contains(table, "failed: 2 cable(s), 2 segment(s)") {
		t.Errorf("table: code %d\n%s", code, table)
	}
	help, _, _ := runCLI(t, "simulate", "--help")
	if !strings.Contains(help, "standing faults") || !strings.Contains(help, "east-africa-2024-after-red-sea.yaml") {
		t.Errorf("--help does not explain standing faults:\n%s", help)
	}

	// The AS level does not apply the standing faults, and says so.
	rel := shareddata.Path(t, "asrel/20161101.as-rel.txt.bz2")
	shut := t.TempDir() + "/shut.yaml"
	writeFile(t, shut, "name: Egypt after Ethiopia\nstanding:\n  - shutdown: {country: Ethiopia}\nevents:\n  - shutdown: {country: Egypt}\n")
	_, stderr, code = runCLI(t, "simulate", "--atlas", data, "--json", "--asrel", rel, "--as-country", "../../impact/testdata/delegated-as-country-extended", shut)
	if code != 0 || !strings.Contains(stderr, "standing fault 1 (shutdown) is applied to the cables and borders only") {
		t.Errorf("code %d, stderr %s", code, stderr)
	}
}
