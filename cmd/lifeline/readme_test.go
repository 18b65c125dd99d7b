package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lifeline/internal/shareddata"
)

// TestReadmeScenario runs the first scenario of the README as written there.
func TestReadmeScenario(t *testing.T) {
	isolate(t)
	cables := shareddata.Path(t, "cables")
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "cat > tonga.yaml <<'YAML'\n")
	scenario, _, ok2 := strings.Cut(rest, "\nYAML\n")
	if !ok || !ok2 {
		t.Fatal("the README no longer has the tonga.yaml example")
	}
	file := filepath.Join(t.TempDir(), "tonga.yaml")
	if err := os.WriteFile(file, []byte(scenario+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runCLI(t, "simulate", "--json", "--atlas", cables, file)
	if code != 0 {
		t.Fatalf("simulate: code %d: %s", code, stderr)
	}
	var r struct {
		Countries []struct {
			Country   string `json:"country"`
			Reachable bool   `json:"reachable"`
		} `json:"countries"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Countries {
		if c.Country == "TO" && c.Reachable {
			t.Error("the README's Tonga scenario leaves Tonga reachable")
		}
		if c.Country == "FJ" && !c.Reachable {
			t.Error("the README's Tonga scenario cuts Fiji off")
		}
	}
}
