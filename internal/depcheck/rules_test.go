package depcheck

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// rules is the module's dependency rule in one table: each package (a
// pattern ending in "/..." covers the package and those below it; the most
// specific pattern applies) and what it must not reach, directly or not.
// Engine and domain packages reach no adapter, no network and no database;
// adapters know no other adapter; only cmd/lifeline wires them all. A
// package of the module that no rule covers fails the test, so a new
// package is placed in the table when it is added.
var rules = map[string][]string{
	// The root holds the error type and nothing else.
	"lifeline": {"lifeline/...", "net/http", "database/sql"},

	// Engines and the domain.
	"lifeline/geo/...":          engine("lifeline/atlas", "lifeline/impact", "lifeline/coord", "lifeline/ledger", "lifeline/watch", "lifeline/mrt", "lifeline/internal"),
	"lifeline/geo/internal/gen": {"lifeline/store", "lifeline/api", "lifeline/web", "lifeline/cmd"}, // generator run by hand
	"lifeline/atlas/...":        engine("lifeline/impact", "lifeline/coord", "lifeline/ledger", "lifeline/watch", "lifeline/mrt"),
	"lifeline/atlas":            engine("lifeline/atlas/opencable", "lifeline/atlas/starter", "lifeline/impact", "lifeline/coord", "lifeline/ledger", "lifeline/watch", "lifeline/mrt"),
	"lifeline/impact/...":       engine("lifeline/coord", "lifeline/ledger", "lifeline/watch", "lifeline/mrt"),
	"lifeline/mrt":              engine("lifeline/geo", "lifeline/atlas", "lifeline/impact", "lifeline/coord", "lifeline/ledger", "lifeline/watch"),
	"lifeline/watch/...":        engine("lifeline/coord", "lifeline/ledger"),
	// coord implements watch.IncidentDrafter, so what builds on coord
	// reaches watch (an engine) too.
	"lifeline/coord":      engine("lifeline/ledger"),
	"lifeline/ledger":     engine("lifeline/atlas", "lifeline/impact", "lifeline/mrt"),
	"lifeline/federation": engine("lifeline/atlas", "lifeline/impact", "lifeline/mrt"),
	"lifeline/norms":      engine("lifeline/atlas", "lifeline/impact", "lifeline/mrt", "lifeline/ledger"),
	"lifeline/exchange":   engine("lifeline/atlas", "lifeline/impact", "lifeline/mrt", "lifeline/ledger"),
	"lifeline/demo":       engine(),
	// The situation report gathers through coord's services; the web
	// package renders it.
	"lifeline/sitrep": engine("lifeline/ledger"),

	// Adapters.
	"lifeline/store":              {"lifeline/store/sqlite", "lifeline/store/postgres", "modernc.org/sqlite", "github.com/jackc/pgx/v5", "net/http", "lifeline/api", "lifeline/web", "lifeline/cmd"},
	"lifeline/store/sqlite":       {"lifeline/store/postgres", "github.com/jackc/pgx/v5", "net/http", "lifeline/api", "lifeline/web", "lifeline/cmd"},
	"lifeline/store/postgres/...": {"lifeline/store/sqlite", "modernc.org/sqlite", "net/http", "lifeline/api", "lifeline/web", "lifeline/cmd"},
	"lifeline/store/storetest":    {"lifeline/store/sqlite", "lifeline/store/postgres", "net/http", "lifeline/api", "lifeline/web", "lifeline/cmd"},
	// The API knows the domain through coord's services only (Prometheus'
	// collectors bring database/sql's types in, not a database).
	"lifeline/api":      {"lifeline/store", "lifeline/web", "lifeline/cmd", "lifeline/demo"},
	"lifeline/web/...":  {"database/sql", "lifeline/store", "lifeline/api", "lifeline/cmd", "lifeline/demo"},
	"lifeline/fedhttp":  {"database/sql", "lifeline/store", "lifeline/api", "lifeline/web", "lifeline/cmd", "lifeline/demo"},
	"lifeline/feed/...": {"database/sql", "lifeline/store", "lifeline/api", "lifeline/web", "lifeline/cmd", "lifeline/coord"},
	"lifeline/download": {"database/sql", "lifeline/store", "lifeline/api", "lifeline/web", "lifeline/cmd", "lifeline/coord"},
	// Webhooks: the outbox through coord.Outbox, never the store itself.
	"lifeline/notify": {"database/sql", "lifeline/store", "lifeline/api", "lifeline/web", "lifeline/cmd", "lifeline/demo"},

	// Test helpers and the binary.
	"lifeline/internal/...": {"lifeline/cmd", "lifeline/api", "lifeline/web"},
	"lifeline/cmd/lifeline": {},
}

// engine returns what an engine or domain package must not reach: every
// adapter, the network and databases, and also.
func engine(also ...string) []string {
	return append(slices.Clone(Adapters), also...)
}

// ruleFor returns the most specific rule that covers pkg.
func ruleFor(pkg string) (pattern string, forbidden []string, ok bool) {
	best := -1
	for p, f := range rules {
		base, tree := strings.CutSuffix(p, "/...")
		if pkg == base || (tree && strings.HasPrefix(pkg, base+"/")) {
			// An exact pattern beats a tree; a longer tree beats a shorter.
			n := len(base) * 2
			if !tree {
				n++
			}
			if n > best {
				best, pattern, forbidden, ok = n, p, f, true
			}
		}
	}
	return pattern, forbidden, ok
}

func reaches(dep, f string) bool {
	base, tree := strings.CutSuffix(f, "/...")
	if tree {
		return strings.HasPrefix(dep, base+"/")
	}
	return dep == f || strings.HasPrefix(dep, f+"/")
}

func TestRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}:{{join .Deps " "}}`, "lifeline/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 20 {
		t.Fatalf("go list found %d packages, want the whole module:\n%s", len(lines), out)
	}
	for _, line := range lines {
		pkg, deps, _ := strings.Cut(line, ":")
		pattern, forbidden, ok := ruleFor(pkg)
		if !ok {
			t.Errorf("no dependency rule covers %s: add it to the table in rules_test.go", pkg)
			continue
		}
		for _, dep := range strings.Fields(deps) {
			for _, f := range forbidden {
				if reaches(dep, f) {
					t.Errorf("%s depends on %s, which the rule %q forbids (%s)", pkg, dep, pattern, f)
				}
			}
		}
	}
}

// TestRuleFor checks the table's matching, so that a rule cannot silently
// stop applying.
func TestRuleFor(t *testing.T) {
	for pkg, want := range map[string]string{
		"lifeline":                       "lifeline",
		"lifeline/atlas":                 "lifeline/atlas",
		"lifeline/atlas/opencable":       "lifeline/atlas/...",
		"lifeline/geo/internal/gen":      "lifeline/geo/internal/gen",
		"lifeline/watch/rir":             "lifeline/watch/...",
		"lifeline/store/postgres/pgtest": "lifeline/store/postgres/...",
	} {
		if got, _, ok := ruleFor(pkg); !ok || got != want {
			t.Errorf("ruleFor(%s) = %q, %v; want %q", pkg, got, ok, want)
		}
	}
	if _, _, ok := ruleFor("lifeline/nowhere"); ok {
		t.Error("ruleFor(lifeline/nowhere) found a rule; want none, so new packages must be placed")
	}
	if !reaches("lifeline/store/sqlite", "lifeline/store") || reaches("lifeline/storex", "lifeline/store") || reaches("lifeline", "lifeline/...") {
		t.Error("reaches matches packages it should not, or misses one below a forbidden package")
	}
}
