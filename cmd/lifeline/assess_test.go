package main

import (
	"encoding/json"
	"strings"
	"testing"

	"lifeline/internal/shareddata"
)

func TestAssess(t *testing.T) {
	isolate(t)
	data := shareddata.Path(t, "cables")
	out, stderr, code := runCLI(t, "assess", "--atlas", data, "Tonga")
	if code != 0 || !strings.Contains(out, "cable tonga-cable") || !strings.Contains(out, "FJ (cuts off)") {
		t.Errorf("assess Tonga: code %d, stderr %s\n%s", code, stderr, out)
	}
	out, _, code = runCLI(t, "assess", "--atlas", data, "--rank", "--json", "--top", "5")
	var r []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil || len(r) != 5 {
		t.Errorf("assess --rank --json: code %d\n%s", code, out)
	}
	_, stderr, code = runCLI(t, "assess", "--atlas", data, "Narnia")
	if code == 0 || !strings.Contains(stderr, "Narnia") {
		t.Errorf("unknown country: code %d, stderr %q", code, stderr)
	}
}
