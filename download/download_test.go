package download

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func archive(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(body))
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

func serve(t *testing.T, body []byte, status int) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestTarball(t *testing.T) {
	url := serve(t, archive(t, map[string]string{
		"repo-abc/cable/a.json": "{}",
		"repo-abc/README.md":    "skip me",
		"repo-abc/LICENSE":      "CC",
	}), http.StatusOK)
	dir := t.TempDir()
	var calls int
	var last int64
	n, err := Tarball(context.Background(), url, dir, Options{
		Keep: func(name string) (string, bool) { return name, name != "README.md" },
		Progress: func(done, total int64) {
			calls++
			last = done
		},
	})
	if err != nil || n != 2 {
		t.Fatalf("Tarball = %d, %v; want 2 files", n, err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "cable", "a.json")); err != nil || string(b) != "{}" {
		t.Errorf("cable/a.json: %q, %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err == nil {
		t.Error("a member Keep refused was written")
	}
	if calls == 0 || last <= 0 {
		t.Errorf("progress called %d times, last %d", calls, last)
	}
}

func TestTarballRejects(t *testing.T) {
	tests := []struct {
		name   string
		body   []byte
		status int
		keep   func(string) (string, bool)
		want   string
	}{
		{"server error", []byte("gone"), http.StatusNotFound, nil, "404"},
		{"not gzip", []byte("plain text"), http.StatusOK, nil, "not a gzip archive"},
		{"escaping path", archive(t, map[string]string{"top/x": "x"}), http.StatusOK,
			func(string) (string, bool) { return "../../evil", true }, "escapes the target directory"},
		{"absolute path", archive(t, map[string]string{"top/x": "x"}), http.StatusOK,
			func(string) (string, bool) { return "/etc/evil", true }, "escapes the target directory"},
		{"truncated", archive(t, map[string]string{"top/x": strings.Repeat("x", 5000)})[:60], http.StatusOK, nil, "reading the archive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := Tarball(context.Background(), serve(t, tt.body, tt.status), dir, Options{Keep: tt.keep})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v; want one saying %q", err, tt.want)
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "evil")); err == nil {
				t.Error("a file was written outside the target directory")
			}
		})
	}
}
