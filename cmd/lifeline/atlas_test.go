package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lifeline/internal/shareddata"
)

func TestAtlasStatsStarter(t *testing.T) {
	isolate(t)
	out, stderr, code := runCLI(t, "atlas", "stats", "--json")
	if code != 0 {
		t.Fatalf("code %d, stderr %s", code, stderr)
	}
	if !strings.Contains(stderr, "starter atlas") {
		t.Errorf("stderr %q does not say the starter atlas was used", stderr)
	}
	var st map[string]any
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("stats --json is not one JSON object: %v\n%s", err, out)
	}
	for _, k := range []string{"source", "cables", "planned_cables", "landing_points", "countries", "segments", "terrestrial_links", "unmapped_countries"} {
		if _, ok := st[k]; !ok {
			t.Errorf("stats --json lacks %q", k)
		}
	}
	if st["cables"].(float64) < 80 {
		t.Errorf("starter atlas has %v cables, want at least 80", st["cables"])
	}
}

func TestAtlasStatsRealDataset(t *testing.T) {
	isolate(t)
	dir := shareddata.Path(t, "cables")
	out, stderr, code := runCLI(t, "atlas", "stats", "--json", "--atlas", dir)
	if code != 0 {
		t.Fatalf("code %d, stderr %s", code, stderr)
	}
	var st struct {
		Cables        int      `json:"cables"`
		PlannedCables int      `json:"planned_cables"`
		Unmapped      []string `json:"unmapped_countries"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	// 456 in the 2022 release, less SEA-ME-WE 3, retired in 2024 (atlas/retired.csv).
	if st.Cables != 455 || st.PlannedCables != 65 || st.Unmapped == nil || len(st.Unmapped) != 0 {
		t.Errorf("stats %s", out)
	}
	if !strings.Contains(stderr, dir) {
		t.Errorf("stderr %q does not name the dataset", stderr)
	}
}

func TestAtlasShow(t *testing.T) {
	isolate(t)
	out, _, code := runCLI(t, "atlas", "show", "TO")
	if code != 0 || !strings.Contains(out, "Tonga") || !strings.Contains(out, "Tonga Cable") {
		t.Errorf("show TO: code %d\n%s", code, out)
	}
	if !strings.Contains(out, "international bandwidth used  2 Gbit/s (2022; Matangi Tonga") {
		t.Errorf("show TO: no published use of international bandwidth\n%s", out)
	}
	out, _, code = runCLI(t, "atlas", "show", "YE")
	if code != 0 || !strings.Contains(out, "national gateway") || !strings.Contains(out, "TeleYemen at al-hudaydah-yemen (from 2017;") {
		t.Errorf("show YE: code %d, no national gateway\n%s", code, out)
	}
	out, _, code = runCLI(t, "atlas", "show", "tonga cable", "--json")
	var c struct {
		ID       string
		Segments []any `json:"segments"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &c) != nil || len(c.Segments) == 0 {
		t.Errorf("show 'tonga cable' --json: code %d\n%s", code, out)
	}
	_, stderr, code := runCLI(t, "atlas", "show", "Tonga Cabel")
	if code == 0 || !strings.Contains(stderr, "closest") || !strings.Contains(stderr, "Tonga Cable") {
		t.Errorf("a misspelt cable: code %d, stderr %q", code, stderr)
	}
}

func TestAtlasExportRoundTrip(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "atlas.json")
	if _, stderr, code := runCLI(t, "atlas", "export", "--format", "json", "-o", file); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	out1, _, _ := runCLI(t, "atlas", "stats", "--json")
	out2, stderr, code := runCLI(t, "atlas", "stats", "--json", "--atlas", file)
	if code != 0 {
		t.Fatalf("stats on the export: %s", stderr)
	}
	var s1, s2 map[string]any
	json.Unmarshal([]byte(out1), &s1)
	json.Unmarshal([]byte(out2), &s2)
	delete(s1, "source")
	delete(s2, "source")
	b1, _ := json.Marshal(s1)
	b2, _ := json.Marshal(s2)
	if !bytes.Equal(b1, b2) {
		t.Errorf("stats differ after export and reload:\n%s\n%s", b1, b2)
	}

	out, _, code := runCLI(t, "atlas", "export", "--format", "geojson")
	var fc struct {
		Type     string
		Features []json.RawMessage
	}
	if code != 0 || json.Unmarshal([]byte(out), &fc) != nil || fc.Type != "FeatureCollection" || len(fc.Features) < 100 {
		t.Errorf("geojson export: code %d, %d features", code, len(fc.Features))
	}
}

func TestAtlasBadPath(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	_, stderr, code := runCLI(t, "atlas", "stats", "--atlas", filepath.Join(dir, "none.json"))
	if code != 2 || !strings.Contains(stderr, "none.json") {
		t.Errorf("missing atlas: code %d, stderr %q", code, stderr)
	}
	_, stderr, code = runCLI(t, "atlas", "stats", "--atlas", dir)
	if code != 2 || !strings.Contains(stderr, "open cable map layout") {
		t.Errorf("empty directory: code %d, stderr %q", code, stderr)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"format":"lifeline-atlas","version":1,"cables":[{"id":"x","name":"X","landing_points":["a","b"]}]}`), 0o644)
	_, stderr, code = runCLI(t, "atlas", "stats", "--atlas", bad)
	if code != 2 || !strings.Contains(stderr, `cable "x"`) || !strings.Contains(stderr, `unknown landing point "a"`) {
		t.Errorf("bad atlas: code %d, stderr %q", code, stderr)
	}
}

// tarballOf packs the files under dir into a .tar.gz laid out as a code
// host's source archive: everything under one top directory.
func tarballOf(t *testing.T, dir string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: "open_undersea_cable_map-main/" + filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err = tw.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

func TestAtlasFetch(t *testing.T) {
	cache := isolate(t)
	archive := tarballOf(t, shareddata.Path(t, "cables"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/dataset.tar.gz" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/gzip")
		w.Write(archive)
	}))
	defer srv.Close()

	_, stderr, code := runCLI(t, "atlas", "fetch", "--url", srv.URL+"/missing.tar.gz")
	if code == 0 || !strings.Contains(stderr, "404") {
		t.Errorf("fetch of a missing file: code %d, stderr %q", code, stderr)
	}
	_, stderr, code = runCLI(t, "atlas", "fetch", "--url", srv.URL+"/dataset.tar.gz")
	if code != 0 {
		t.Fatalf("fetch: code %d, stderr %s", code, stderr)
	}
	if !strings.Contains(stderr, "455 cables in service") || !strings.Contains(stderr, "100%") {
		t.Errorf("fetch did not report progress and the loaded counts: %q", stderr)
	}
	if _, err := os.Stat(filepath.Join(cache, "lifeline", "opencable", "cable", "cable-geo.json")); err != nil {
		t.Errorf("dataset not in the cache: %v", err)
	}
	// Every command now uses the fetched dataset.
	out, stderr, code := runCLI(t, "atlas", "stats", "--json")
	if code != 0 || !strings.Contains(out, `"cables": 455`) || !strings.Contains(stderr, "open cable map dataset") {
		t.Errorf("stats after fetch: %s\n%s", out, stderr)
	}
	// A second fetch is a no-op without --force.
	_, stderr, code = runCLI(t, "atlas", "fetch", "--url", srv.URL+"/dataset.tar.gz")
	if code != 0 || !strings.Contains(stderr, "already") {
		t.Errorf("second fetch: code %d, %q", code, stderr)
	}
}

func TestAtlasFetchRejectsBrokenDataset(t *testing.T) {
	cache := isolate(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("this is not an archive"))
	}))
	defer srv.Close()
	_, stderr, code := runCLI(t, "atlas", "fetch", "--url", srv.URL)
	if code == 0 || !strings.Contains(stderr, "gzip") {
		t.Errorf("fetch of garbage: code %d, stderr %q", code, stderr)
	}
	if entries, _ := os.ReadDir(filepath.Join(cache, "lifeline")); len(entries) != 0 {
		t.Errorf("a failed fetch left %d entries in the cache", len(entries))
	}
}

func TestAtlasCapacityOverrides(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	caps := filepath.Join(dir, "caps.csv")
	os.WriteFile(caps, []byte("id,gbps,source\ntonga-cable,200,operator announcement\n"), 0o644)
	out, stderr, code := runCLI(t, "atlas", "show", "tonga-cable", "--json", "--capacity", caps)
	if code != 0 {
		t.Fatalf("code %d: %s", code, stderr)
	}
	var c struct {
		Capacity struct {
			Gbps       float64 `json:"gbps"`
			Confidence string  `json:"confidence"`
			Source     string  `json:"source"`
		} `json:"capacity"`
	}
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	if c.Capacity.Gbps != 200 || c.Capacity.Confidence != "reported" || c.Capacity.Source != "operator announcement" {
		t.Errorf("capacity after override: %+v", c.Capacity)
	}
	os.WriteFile(caps, []byte("id,gbps,source\ntonga-cable,lots,x\n"), 0o644)
	_, stderr, code = runCLI(t, "atlas", "stats", "--capacity", caps)
	if code != 2 || !strings.Contains(stderr, "caps.csv: line 2: gbps") {
		t.Errorf("bad override file: code %d, stderr %q", code, stderr)
	}
}

// TestAtlasLanguages: atlas stats and show label their rows, name the
// country and print numbers in the language of --lang or the locale; the
// line on stderr that says which atlas was used follows it too.
func TestAtlasLanguages(t *testing.T) {
	isolate(t)
	noLocale(t)
	out, stderr, code := runCLI(t, "atlas", "show", "TO")
	if code != 0 || len(lacks(out, "land neighbours", "population")) > 0 || !strings.Contains(stderr, "atlas: embedded starter atlas") {
		t.Errorf("atlas show TO in English: code %d, %s\n%s", code, stderr, out)
	}
	out, stderr, code = runCLI(t, "atlas", "show", "TO", "--lang", "fr")
	if miss := lacks(out, "voisins terrestres", "stations d’atterrissement", "aucun"); code != 0 || len(miss) > 0 || !strings.Contains(stderr, "atlas de départ intégré") {
		t.Errorf("atlas show TO --lang fr lacks %q: code %d, %s\n%s", miss, code, stderr, out)
	}
	out, _, code = runCLI(t, "atlas", "show", "Tonga Cable", "--lang", "zh")
	if miss := lacks(out, "光缆", "登陆站", "在用", "公里"); code != 0 || len(miss) > 0 {
		t.Errorf("atlas show 'Tonga Cable' --lang zh lacks %q: code %d\n%s", miss, code, out)
	}
	out, _, code = runCLI(t, "atlas", "show", "nukualofa-tonga", "--lang", "fr")
	if miss := lacks(out, "station d’atterrissement", "-21,", "(longitude, latitude)"); code != 0 || len(miss) > 0 || strings.Contains(out, "%!") {
		t.Errorf("atlas show nukualofa-tonga --lang fr lacks %q: code %d\n%s", miss, code, out)
	}
	t.Setenv("LC_ALL", "ar_EG.UTF-8")
	out, stderr, code = runCLI(t, "atlas", "stats")
	if miss := lacks(out, "أنظمة الكابلات في الخدمة", "١٠٠"); code != 0 || len(miss) > 0 || !strings.Contains(stderr, "محطات إنزال: ٣١٢") {
		t.Errorf("atlas stats in the locale's Arabic lacks %q: code %d, %s\n%s", miss, code, stderr, out)
	}
	if _, stderr, code := runCLI(t, "atlas", "export", "--format", "kml", "--lang", "es"); code != 2 || !strings.Contains(stderr, `se espera geojson o json; se encontró "kml"`) {
		t.Errorf("atlas export --format kml --lang es: code %d, %q", code, stderr)
	}
}
