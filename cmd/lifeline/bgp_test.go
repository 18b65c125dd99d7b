package main

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stateChange is a BGP4MP STATE_CHANGE record: peer AS 65001 at 10.0.0.1
// went from Active to Established.
const stateChange = "551b35000010000000000014fde9fdea000000010a0000010a00000200030006"

func writeMRT(t *testing.T, name string, records ...string) string {
	t.Helper()
	var b []byte
	for _, r := range records {
		d, err := hex.DecodeString(r)
		if err != nil {
			t.Fatal(err)
		}
		b = append(b, d...)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBGPDump(t *testing.T) {
	path := writeMRT(t, "updates.mrt", stateChange, stateChange)
	out, stderr, code := runCLI(t, "bgp", "dump", "--workers", "2", path, path)
	want := strings.Repeat("BGP4MP|1427846400|STATE|10.0.0.1|65001|3|6\n", 4)
	if code != 0 || out != want {
		t.Fatalf("code %d, stdout %q, stderr %q", code, out, stderr)
	}
}

func TestBGPDumpErrors(t *testing.T) {
	truncated := writeMRT(t, "cut.mrt", stateChange, stateChange[:40])
	tests := []struct {
		name      string
		args      []string
		code      int
		stdout    string
		stderrHas []string
	}{
		{"no file", []string{"bgp", "dump"}, 2, "", []string{"at least one MRT file"}},
		{"missing file", []string{"bgp", "dump", "/no/such.mrt"}, 1, "", []string{"dump /no/such.mrt: no such file"}},
		{"truncated", []string{"bgp", "dump", truncated}, 1, "BGP4MP|1427846400|STATE|10.0.0.1|65001|3|6\n",
			[]string{"dump " + truncated + ": record at byte 32 (BGP4MP/STATE_CHANGE): truncated"}},
		{"keep going", []string{"bgp", "dump", "--keep-going", truncated}, 0, "BGP4MP|1427846400|STATE|10.0.0.1|65001|3|6\n",
			[]string{"skipped record at byte 32", "skipped 1 record\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code := runCLI(t, tt.args...)
			if code != tt.code || out != tt.stdout {
				t.Errorf("code %d (want %d), stdout %q (want %q)", code, tt.code, out, tt.stdout)
			}
			for _, s := range tt.stderrHas {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr %q lacks %q", stderr, s)
				}
			}
		})
	}
}

func TestBGPDumpHelpTeaches(t *testing.T) {
	out, _, code := runCLI(t, "bgp", "dump", "--help")
	for _, s := range []string{"Examples:", "AS_PATH", "NEXT_HOP", "--keep-going", "--workers", "bgpdump -m"} {
		if code != 0 || !strings.Contains(out, s) {
			t.Errorf("bgp dump --help lacks %q (code %d)", s, code)
		}
	}
}

// TestBGPDumpShared dumps a router's RIB from the shared test data and
// compares with bgpdump's output.
func TestBGPDumpShared(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "data", "mrt")
	in := filepath.Join(dir, "t2mune-mrtparse", "samples", "quagga_rib")
	want, err := os.ReadFile(filepath.Join(dir, "bgpdump-m-reference", "t2mune-mrtparse_samples_quagga_rib.txt"))
	if _, serr := os.Stat(in); serr != nil || err != nil {
		t.Skip("shared MRT data not found at ../shared/data/mrt beside the repository root")
	}
	out, stderr, code := runCLI(t, "bgp", "dump", in)
	if code != 0 || out != string(want) {
		t.Errorf("code %d, stderr %q, output differs from bgpdump -m:\n%s", code, stderr, out)
	}
}

// TestBGPDumpLanguage: the lines are bgpdump's in any language; the
// errors and the count of skipped records follow --lang.
func TestBGPDumpLanguage(t *testing.T) {
	noLocale(t)
	truncated := writeMRT(t, "cut.mrt", stateChange, stateChange[:40])
	out, stderr, code := runCLI(t, "bgp", "dump", "--keep-going", "--lang", "ru", truncated)
	if code != 0 || out != "BGP4MP|1427846400|STATE|10.0.0.1|65001|3|6\n" || !strings.Contains(stderr, "пропущена 1 запись") {
		t.Errorf("--keep-going --lang ru: code %d, stdout %q, stderr %q", code, out, stderr)
	}
	if _, stderr, code := runCLI(t, "bgp", "dump", "--lang", "fr"); code != 2 || !strings.Contains(stderr, "bgp dump a besoin d’au moins un fichier MRT") {
		t.Errorf("no file, --lang fr: code %d, %q", code, stderr)
	}
}
