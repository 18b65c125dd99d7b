package store_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies keeps each database adapter to itself: the shared
// store knows no driver, and neither adapter knows the other.
func TestDependencies(t *testing.T) {
	forbidden := map[string][]string{
		"lifeline/store":          {"lifeline/store/sqlite", "lifeline/store/postgres", "modernc.org/sqlite", "github.com/jackc/pgx/v5", "net/http", "lifeline/api"},
		"lifeline/store/sqlite":   {"lifeline/store/postgres", "github.com/jackc/pgx/v5", "net/http"},
		"lifeline/store/postgres": {"lifeline/store/sqlite", "modernc.org/sqlite", "net/http"},
	}
	for pkg, bad := range forbidden {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		deps := strings.Fields(string(out))
		if len(deps) == 0 {
			t.Fatalf("go list -deps %s printed nothing", pkg)
		}
		for _, dep := range deps {
			for _, b := range bad {
				if dep == b || strings.HasPrefix(dep, b+"/") {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}
