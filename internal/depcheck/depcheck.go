// Package depcheck enforces the module's dependency rule in tests: engine
// and domain packages (atlas, geo, impact, mrt, watch, coord, ledger, …)
// import no adapter — store, api, web, download, cmd — and nothing that talks
// to a network or a database.
package depcheck

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// Adapters are the packages no engine package may depend on.
var Adapters = []string{
	"net/http", "database/sql",
	"lifeline/store", "lifeline/api", "lifeline/web", "lifeline/download", "lifeline/feed", "lifeline/cmd",
}

// Engine fails tb if pkg depends, directly or not, on an adapter or on any
// of also. Each entry forbids the package itself and every package below it.
func Engine(tb testing.TB, pkg string, also ...string) {
	tb.Helper()
	bad, err := Violations(pkg, also...)
	if err != nil {
		tb.Fatal(err)
	}
	for _, d := range bad {
		tb.Errorf("%s depends on %s", pkg, d)
	}
}

// Violations lists the forbidden packages that pkg depends on.
func Violations(pkg string, also ...string) ([]string, error) {
	out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("go list -deps %s: %v\n%s", pkg, err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) == 0 {
		return nil, fmt.Errorf("go list -deps %s printed nothing", pkg)
	}
	forbidden := append(append([]string(nil), Adapters...), also...)
	var bad []string
	for _, d := range deps {
		for _, f := range forbidden {
			if d == f || strings.HasPrefix(d, f+"/") {
				bad = append(bad, d)
				break
			}
		}
	}
	return bad, nil
}
