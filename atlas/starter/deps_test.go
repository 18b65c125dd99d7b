package starter

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies keeps the starter atlas an engine package: embedded data
// and the atlas decoder, no adapter, no importer, nothing that talks to a
// network or a database.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "lifeline/atlas/starter").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch {
		case dep == "net/http", dep == "database/sql",
			strings.HasPrefix(dep, "lifeline/store"), strings.HasPrefix(dep, "lifeline/api"),
			strings.HasPrefix(dep, "lifeline/web"), strings.HasPrefix(dep, "lifeline/cmd"),
			dep == "lifeline/download", strings.HasPrefix(dep, "lifeline/atlas/opencable"):
			t.Errorf("lifeline/atlas/starter depends on %s", dep)
		}
	}
}
