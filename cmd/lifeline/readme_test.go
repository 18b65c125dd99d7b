package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"lifeline/internal/shareddata"
)

// readmeScenario writes the README's first scenario, as written there, to
// a file and returns its path.
func readmeScenario(t *testing.T) string {
	t.Helper()
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
	return file
}

// checkTonga runs simulate with args on the README's scenario and checks
// that Tonga is cut off and Fiji is not.
func checkTonga(t *testing.T, args ...string) {
	t.Helper()
	out, stderr, code := runCLI(t, append(append([]string{"simulate", "--json"}, args...), readmeScenario(t))...)
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
	seen := map[string]bool{}
	for _, c := range r.Countries {
		seen[c.Country] = true
		if c.Country == "TO" && c.Reachable {
			t.Error("the README's Tonga scenario leaves Tonga reachable")
		}
		if c.Country == "FJ" && !c.Reachable {
			t.Error("the README's Tonga scenario cuts Fiji off")
		}
	}
	if !seen["TO"] {
		t.Error("the README's Tonga scenario does not report Tonga")
	}
}

// TestReadmeScenario runs the first scenario of the README as written
// there, on the embedded starter atlas that `make run` serves.
func TestReadmeScenario(t *testing.T) {
	isolate(t)
	checkTonga(t)
}

// TestReadmeScenarioFullDataset runs it on the full cable dataset, as the
// README says it also runs.
func TestReadmeScenarioFullDataset(t *testing.T) {
	isolate(t)
	checkTonga(t, "--atlas", shareddata.Path(t, "cables"))
}

// TestMakeRunAddr checks that `make run` listens where ADDR says, and on
// localhost:8080 by default, as the README says.
func TestMakeRunAddr(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("skipping: make is not installed")
	}
	for addr, want := range map[string]string{"": "--addr localhost:8080", "ADDR=127.0.0.1:9090": "--addr 127.0.0.1:9090"} {
		args := []string{"-n", "-C", filepath.Join("..", ".."), "run"}
		if addr != "" {
			args = append(args, addr)
		}
		out, err := exec.Command("make", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("make %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		if !strings.Contains(string(out), "bin/lifeline serve "+want) {
			t.Errorf("make run %s would run:\n%s\nwant serve %s", addr, out, want)
		}
	}
}
