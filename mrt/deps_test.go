package mrt

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies keeps mrt an engine package: it may import no adapter
// of the module (store, api, web, cmd) and neither net/http nor
// database/sql.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "lifeline/mrt").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch {
		case dep == "net/http", dep == "database/sql":
			t.Errorf("lifeline/mrt depends on %s", dep)
		case dep == "lifeline/store", strings.HasPrefix(dep, "lifeline/store/"),
			dep == "lifeline/api", strings.HasPrefix(dep, "lifeline/api/"),
			dep == "lifeline/web", strings.HasPrefix(dep, "lifeline/web/"),
			strings.HasPrefix(dep, "lifeline/cmd/"):
			t.Errorf("lifeline/mrt depends on the adapter %s", dep)
		}
	}
}
