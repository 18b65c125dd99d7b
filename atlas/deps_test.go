package atlas_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies keeps the atlas an engine package: it imports no adapter
// and nothing that talks to a network or a database.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "lifeline/atlas").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch {
		case dep == "net/http", dep == "database/sql",
			strings.HasPrefix(dep, "lifeline/store"), strings.HasPrefix(dep, "lifeline/api"),
			strings.HasPrefix(dep, "lifeline/web"), strings.HasPrefix(dep, "lifeline/cmd"),
			dep == "lifeline/download", strings.HasPrefix(dep, "lifeline/atlas/"):
			t.Errorf("lifeline/atlas depends on %s", dep)
		}
	}
}
