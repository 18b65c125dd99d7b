package main

import (
	"bytes"
	"strings"
	"testing"
)

// runCLI runs the command line in-process and returns stdout, stderr and
// the exit code.
func runCLI(t testing.TB, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(""), &stdout, &stderr)
	return stdout.String(), stderr.String(), code
}

// isolate points the cache at a temporary directory, so no fetched dataset
// of the machine's user is picked up.
func isolate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", dir)
	t.Setenv("HOME", dir)
	return dir
}

func TestHelpTeaches(t *testing.T) {
	out, _, code := runCLI(t, "--help")
	if code != 0 || !strings.Contains(out, "atlas") {
		t.Fatalf("--help: code %d, output %q", code, out)
	}
	out, _, code = runCLI(t, "atlas", "show", "--help")
	if code != 0 || !strings.Contains(out, "Examples:") || !strings.Contains(out, "--atlas") {
		t.Errorf("atlas show --help lacks examples or flags: %q", out)
	}
}

func TestUsageErrors(t *testing.T) {
	isolate(t)
	_, stderr, code := runCLI(t, "atlas", "stats", "--no-such-flag")
	if code != 2 || !strings.Contains(stderr, "--no-such-flag") || !strings.Contains(stderr, "--help") {
		t.Errorf("unknown flag: code %d, stderr %q", code, stderr)
	}
	_, stderr, code = runCLI(t, "atlas", "export", "--format", "kml")
	if code != 2 || !strings.Contains(stderr, "geojson or json") {
		t.Errorf("bad format: code %d, stderr %q", code, stderr)
	}
}
