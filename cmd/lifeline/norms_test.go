package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestNormsList(t *testing.T) {
	out, stderr, code := runCLI(t, "norms", "list")
	if code != 0 || !strings.Contains(out, "iccpr-19-3") || !strings.Contains(out, "Article 19(3)") || !strings.Contains(out, "63 of 63 entries") {
		t.Errorf("norms list: code %d, stderr %s\n%s", code, stderr, out)
	}
	out, _, code = runCLI(t, "norms", "list", "--kind", "judgment", "--json")
	var entries []struct {
		ID   string `json:"id"`
		Kind string `json:"kind"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &entries) != nil || len(entries) < 5 {
		t.Fatalf("norms list --kind judgment --json: code %d\n%s", code, out)
	}
	for _, e := range entries {
		if e.Kind != "judgment" {
			t.Errorf("--kind judgment listed %s of kind %s", e.ID, e.Kind)
		}
	}
	out, _, _ = runCLI(t, "norms", "list", "--search", "tampere")
	if !strings.Contains(out, "tampere-9") || strings.Contains(out, "iccpr") {
		t.Errorf("--search tampere:\n%s", out)
	}
	out, _, _ = runCLI(t, "norms", "list", "--unconfirmed")
	if !strings.Contains(out, "hrc-gc34-43") || strings.Contains(out, "udhr-19 ") {
		t.Errorf("--unconfirmed lists the wrong entries:\n%s", out)
	}
	_, stderr, code = runCLI(t, "norms", "list", "--kind", "law")
	if code != 2 || !strings.Contains(stderr, "treaty, customary_rule") {
		t.Errorf("--kind law: code %d, stderr %q", code, stderr)
	}
}

func TestNormsShow(t *testing.T) {
	out, stderr, code := runCLI(t, "norms", "show", "itu-cs-35")
	for _, want := range []string{"Article 35 (No. 182)", "Secretary-General", "checked:", "applies when:", "geo_scope is national"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("norms show itu-cs-35 lacks %q: code %d, stderr %s\n%s", want, code, stderr, out)
		}
	}
	out, _, code = runCLI(t, "norms", "show", "--json", "api-54-2")
	var e struct {
		Note string `json:"note"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &e) != nil || !strings.Contains(e.Note, "interpretation") {
		t.Errorf("norms show --json api-54-2: code %d\n%s", code, out)
	}
	_, stderr, code = runCLI(t, "norms", "show", "magna-carta")
	if code != 2 || !strings.Contains(stderr, `no entry "magna-carta"`) {
		t.Errorf("unknown entry: code %d, stderr %q", code, stderr)
	}
}

func TestNormsExplain(t *testing.T) {
	out, stderr, code := runCLI(t, "norms", "explain", "--kind", "shutdown", "--country", "ET", "--start", "2026-11-05",
		"--ordered-by", "government", "--justification", "public_order", "--scope", "national",
		"--situation", "ET,state_of_emergency,2026-11-04,,State of Emergency Proclamation")
	for _, want := range []string{"iccpr-4 —", "iccpr-19-3 —", "achpr-declaration-2019-p38-2 —", "source: State of Emergency Proclamation", "for people to judge"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("explain lacks %q: code %d, stderr %s\n%s", want, code, stderr, out)
		}
	}
	// The same incident from a file, as JSON: the two agree.
	file := filepath.Join(t.TempDir(), "case.json")
	doc := `{"incident": {"kind": "shutdown", "countries": ["ET"], "start": "2026-11-05T00:00:00Z",
	  "shutdown": {"ordered_by": "government", "gov_justification": "public_order", "geo_scope": "national"}},
	 "situations": [{"country": "ET", "kind": "state_of_emergency", "from": "2026-11-04", "source": "State of Emergency Proclamation"}]}`
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	fromFile, stderr, code := runCLI(t, "norms", "explain", "--file", file, "--json")
	var ex struct {
		Findings []struct {
			ID      string `json:"id"`
			Reasons []struct {
				Because string   `json:"because"`
				Facts   []string `json:"facts"`
			} `json:"reasons"`
		} `json:"findings"`
	}
	if code != 0 || json.Unmarshal([]byte(fromFile), &ex) != nil {
		t.Fatalf("explain --file --json: code %d, stderr %s\n%s", code, stderr, fromFile)
	}
	n := 0
	for _, f := range ex.Findings {
		if !strings.Contains(out, f.ID+" —") {
			t.Errorf("%s found from the file but not from the flags", f.ID)
		}
		n++
	}
	if !strings.Contains(out, "17 of 63 entries apply") || n != 17 {
		t.Errorf("flags and file disagree: %d findings from the file\n%s", n, out)
	}
}

func TestNormsExplainErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "case.json")
	if err := os.WriteFile(file, []byte("{\"incident\": {\"kind\": \"shutdown\",\n \"countries\": \"ET\"}}"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"norms", "explain"}, "describe the incident with --kind"},
		{[]string{"norms", "explain", "--kind", "earthquake"}, "kind: expected one of cable_cut"},
		{[]string{"norms", "explain", "--kind", "shutdown", "--start", "last week"}, "--start: expected YYYY-MM-DD"},
		{[]string{"norms", "explain", "--kind", "shutdown", "--situation", "ET,war,2026-01-01,,x"}, "situation kind: expected one of"},
		{[]string{"norms", "explain", "--kind", "shutdown", "--situation", "ET,disaster"}, "COUNTRY,KIND,FROM,UNTIL,SOURCE"},
		{[]string{"norms", "explain", "--file", file, "--kind", "shutdown"}, "--kind: the incident comes from --file"},
		{[]string{"norms", "explain", "--file", file}, "line 2: field incident.countries: expected []string, found a JSON string"},
		{[]string{"norms", "explain", "--file", filepath.Join(t.TempDir(), "none.json")}, "--file: open"},
	} {
		_, stderr, code := runCLI(t, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: code %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
		if strings.Contains(stderr, "norms.") {
			t.Errorf("%v: the message shows a Go name: %q", tc.args, stderr)
		}
	}
}

func TestNormsHelp(t *testing.T) {
	for _, sub := range []string{"list", "show", "explain"} {
		out, _, code := runCLI(t, "norms", sub, "--help")
		if code != 0 || !strings.Contains(out, "Examples:") || !strings.Contains(out, "--json") {
			t.Errorf("norms %s --help lacks examples or --json:\n%s", sub, out)
		}
	}
}

func TestNormsBrief(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "brief.html")
	_, stderr, code := runCLI(t, "norms", "explain", "--kind", "cable_cut", "--country", "UA", "--element", "cable:kerch-strait",
		"--situation", "UA,international_armed_conflict,2022-02-24,,UN GA resolution ES-11/1",
		"--brief", "html", "--tlp", "tlp:green", "--title", "Cable cut", "--output", file)
	if code != 0 {
		t.Fatalf("brief: code %d, stderr %s", code, stderr)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<header><span class="tlp green">TLP:GREEN</span></header>`, `id="unclos-113"`, "UN GA resolution ES-11/1"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the HTML brief lacks %q", want)
		}
	}
	out, _, code := runCLI(t, "norms", "explain", "--kind", "shutdown", "--brief", "markdown", "--tlp", "TLP:CLEAR", "--title", "T")
	if code != 0 || !strings.HasPrefix(out, "**TLP:CLEAR**") {
		t.Errorf("markdown brief: code %d\n%s", code, out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"norms", "explain", "--kind", "shutdown", "--brief", "pdf"}, "--brief: expected html or markdown"},
		{[]string{"norms", "explain", "--kind", "shutdown", "--brief", "html", "--title", "T"}, "--brief needs --tlp"},
		{[]string{"norms", "explain", "--kind", "shutdown", "--brief", "html", "--title", "T", "--tlp", "TLP:WHITE"}, "marking: expected one of"},
		{[]string{"norms", "explain", "--kind", "shutdown", "--tlp", "TLP:RED"}, "go with --brief"},
	} {
		_, stderr, code := runCLI(t, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: code %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

// TestNormsBriefPrints prints an HTML brief to PDF with Chromium, as a
// reader would, and checks that it yields pages. It skips without Chromium.
func TestNormsBriefPrints(t *testing.T) {
	browser := ""
	for _, p := range []string{os.Getenv("LIFELINE_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				browser = p
				break
			}
		}
	}
	if browser == "" {
		t.Skip("no Chromium: install Debian's chromium or set LIFELINE_CHROMIUM to print the brief")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "brief.html")
	_, stderr, code := runCLI(t, "norms", "explain", "--kind", "shutdown", "--country", "ET", "--start", "2026-11-05",
		"--ordered-by", "government", "--scope", "national", "--extent", "full_network", "--telco", "Ethio Telecom",
		"--situation", "ET,state_of_emergency,2026-11-04,,State of Emergency Proclamation",
		"--brief", "html", "--tlp", "TLP:AMBER", "--title", "Shutdown", "--output", page)
	if code != 0 {
		t.Fatalf("brief: code %d, stderr %s", code, stderr)
	}
	pdf := filepath.Join(dir, "brief.pdf")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--print-to-pdf="+pdf, "file://"+page)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium --print-to-pdf: %v\n%s", err, out)
	}
	b, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	pages := regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(b, -1)
	if !bytes.HasPrefix(b, []byte("%PDF-")) || len(pages) < 2 {
		t.Errorf("the printed brief is not a PDF of several pages (%d bytes, %d pages)", len(b), len(pages))
	}
}

// TestNormsLanguages: the commands' labels, counts and errors are in the
// language of --lang or the locale; the catalogue's own texts (citations,
// summaries, reasons) stay in English, and say so, as on the web.
func TestNormsLanguages(t *testing.T) {
	noLocale(t)
	out, _, code := runCLI(t, "norms", "list")
	if code != 0 || len(lacks(out, "ID  ", "63 of 63 entries")) > 0 || strings.Contains(out, "in English") {
		t.Errorf("norms list in English: code %d\n%s", code, out)
	}
	out, _, code = runCLI(t, "norms", "list", "--lang", "fr")
	if miss := lacks(out, "IDENTIFIANT", "Entrées\u202f: 63 sur 63", "Article 19(3)", "Les entrées sont en anglais"); code != 0 || len(miss) > 0 {
		t.Errorf("norms list --lang fr lacks %q: code %d\n%s", miss, code, out)
	}
	out, _, code = runCLI(t, "norms", "show", "itu-cs-35", "--lang", "ar")
	if miss := lacks(out, "متى يدرجه Lifeline:", "Article 35 (No. 182)", "geo_scope", " هو ", "معاهدة (treaty)"); code != 0 || len(miss) > 0 {
		t.Errorf("norms show --lang ar lacks %q: code %d\n%s", miss, code, out)
	}
	out, _, code = runCLI(t, "norms", "explain", "--lang", "es", "--kind", "shutdown", "--country", "ET", "--ordered-by", "government")
	if miss := lacks(out, "Hechos:", "entradas:", "por qué: ", "corresponde juzgarlo a las personas"); code != 0 || len(miss) > 0 {
		t.Errorf("norms explain --lang es lacks %q: code %d\n%s", miss, code, out)
	}
	t.Setenv("LANG", "ru_RU.UTF-8")
	if _, stderr, code := runCLI(t, "norms", "show", "magna-carta"); code != 2 || !strings.Contains(stderr, `в каталоге нет записи "magna-carta"`) {
		t.Errorf("an unknown entry in the locale's Russian: code %d, %q", code, stderr)
	}
	if _, stderr, code := runCLI(t, "norms", "explain", "--start", "yesterday", "--kind", "shutdown", "--lang", "zh"); code != 2 || !strings.Contains(stderr, `--start：应为 YYYY-MM-DD`) {
		t.Errorf("a bad date with --lang zh: code %d, %q", code, stderr)
	}
}
