package api_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies keeps the API an adapter over the domain: it knows the
// coord services, not the store that implements them, nor the UI.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "lifeline/api").Output()
	if err != nil {
		t.Fatalf("go list -deps lifeline/api: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) == 0 {
		t.Fatal("go list printed no dependencies")
	}
	for _, dep := range deps {
		switch {
		// (database/sql comes in with prometheus/collectors, which offers a
		// collector of *sql.DB statistics; the API itself opens nothing.)
		case strings.HasPrefix(dep, "lifeline/store"),
			strings.HasPrefix(dep, "lifeline/web"), strings.HasPrefix(dep, "lifeline/cmd"):
			t.Errorf("lifeline/api depends on %s", dep)
		}
	}
}
