package geo

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies keeps geo an engine package: it may import the root
// lifeline package but no other package of the module, and nothing that
// talks to a network or a database.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "lifeline/geo").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) == 0 {
		t.Fatal("go list -deps printed nothing")
	}
	for _, d := range deps {
		switch {
		case d == "net/http" || d == "database/sql":
			t.Errorf("geo depends on %s", d)
		case strings.HasPrefix(d, "lifeline/") && d != "lifeline/geo":
			t.Errorf("geo depends on %s; only the root lifeline package is allowed", d)
		}
	}
}
