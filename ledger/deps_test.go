package ledger_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies keeps ledger an engine package: it imports no adapter and
// nothing that talks to a network or a database.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "lifeline/ledger").Output()
	if err != nil {
		t.Fatalf("go list -deps lifeline/ledger: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) == 0 {
		t.Fatal("go list printed no dependencies")
	}
	for _, dep := range deps {
		switch {
		case dep == "net/http", dep == "database/sql",
			strings.HasPrefix(dep, "lifeline/store"), strings.HasPrefix(dep, "lifeline/api"),
			strings.HasPrefix(dep, "lifeline/web"), strings.HasPrefix(dep, "lifeline/cmd"),
			strings.HasPrefix(dep, "lifeline/atlas"):
			t.Errorf("lifeline/ledger depends on %s", dep)
		}
	}
}
