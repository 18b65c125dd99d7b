package watch

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies keeps watch and its subpackages engine packages: they
// may import no adapter of the module (store, api, web, cmd), not the
// coordination module (which implements IncidentDrafter, not the other
// way round), and neither net/http nor database/sql.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}:{{join .Deps \" \"}}", "lifeline/watch/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 2 {
		t.Fatalf("go list found %d packages under lifeline/watch, want the package and its subpackages:\n%s", len(lines), out)
	}
	for _, line := range lines {
		pkg, deps, _ := strings.Cut(line, ":")
		for _, dep := range strings.Fields(deps) {
			switch {
			case dep == "net/http", dep == "database/sql":
				t.Errorf("%s depends on %s", pkg, dep)
			case inside(dep, "lifeline/store"), inside(dep, "lifeline/api"), inside(dep, "lifeline/web"),
				inside(dep, "lifeline/coord"), inside(dep, "lifeline/feed"), strings.HasPrefix(dep, "lifeline/cmd/"):
				t.Errorf("%s depends on the adapter or module %s", pkg, dep)
			}
		}
	}
}

func inside(dep, pkg string) bool { return dep == pkg || strings.HasPrefix(dep, pkg+"/") }
