// Package shareddata finds the real public datasets that tests and
// benchmarks read from the shared folder beside the repository
// (../shared/data), and skips the test with a clear message when the folder
// is absent. The data is never copied into the repository: several of the
// datasets' licences forbid it.
package shareddata

import (
	"os"
	"path/filepath"
	"testing"
)

// Env names a variable that overrides where the shared data folder is.
const Env = "LIFELINE_SHARED_DATA"

// Path returns the path of rel under the shared data folder, or skips tb
// when it is not there.
func Path(tb testing.TB, rel string) string {
	tb.Helper()
	root, ok := Root()
	if !ok {
		tb.Skipf("skipping: the shared data folder (../shared/data beside the repository, or $%s) is absent", Env)
	}
	p := filepath.Join(root, filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("skipping: %s is absent from the shared data folder", rel)
	}
	return p
}

// Root returns the shared data folder: $LIFELINE_SHARED_DATA, or
// ../shared/data beside the module root found by walking up from the
// working directory.
func Root() (string, bool) {
	if d := os.Getenv(Env); d != "" {
		return d, isDir(d)
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			d := filepath.Join(filepath.Dir(dir), "shared", "data")
			return d, isDir(d)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
