package web

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies keeps the web interface an adapter of the coord
// service interfaces: it knows no store, no database and not the JSON API.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "lifeline/web").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps lifeline/web: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) == 0 {
		t.Fatal("go list printed nothing")
	}
	for _, d := range deps {
		for _, f := range []string{"database/sql", "lifeline/store", "lifeline/api", "lifeline/cmd", "lifeline/demo"} {
			if d == f || strings.HasPrefix(d, f+"/") {
				t.Errorf("lifeline/web depends on %s", d)
			}
		}
	}
}
