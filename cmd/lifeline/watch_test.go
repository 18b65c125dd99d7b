package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"lifeline/coord"
	"lifeline/internal/shareddata"
	"lifeline/store/sqlite"
)

// iodaFixtures are the IODA responses of the watch/ioda tests: an hour of
// signals of Iran with a fall at 09:20, and IODA's events for it. Their
// history is short, so the tests lower the minimum history.
const iodaFixtures = "../../watch/ioda/testdata"

var shortHistory = []string{"--threshold", "bgp:history=10m", "--threshold", "probing:history=10m",
	"--threshold", "telescope:history=10m", "--threshold", "gtr.WEB_SEARCH:history=10m"}

func TestWatchHelp(t *testing.T) {
	for _, args := range [][]string{{"watch", "--help"}, {"watch", "run", "--help"}, {"watch", "eval", "--help"}} {
		out, _, code := runCLI(t, args...)
		if code != 0 || !strings.Contains(out, "median") && !strings.Contains(out, "ground truth") && !strings.Contains(out, "known shape") {
			t.Errorf("%v: code %d, output lacks the method: %q", args, code, out)
		}
		if args[1] != "--help" && (!strings.Contains(out, "Examples:") || !strings.Contains(out, "--json")) {
			t.Errorf("%v lacks examples or --json", args)
		}
	}
}

func TestWatchRun(t *testing.T) {
	args := append([]string{"watch", "run", "--signals", iodaFixtures, "--rir", "../../watch/rir/testdata"}, shortHistory...)
	out, stderr, code := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("code %d, stderr %s", code, stderr)
	}
	for _, want := range []string{"3 alerts, 1 confirmed.", "CONFIRMED  country/IR  2024-01-05 09:20", "asn/12880 (IR)", "probing    09:20 – 09:50"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(stderr, "4 series and 3 events from 2 files") || !strings.Contains(stderr, "skipped") {
		t.Errorf("stderr does not report what was read and skipped: %s", stderr)
	}

	out, _, code = runCLI(t, append(args, "--json")...)
	var got struct {
		Alerts []struct {
			Entity string
			Status string
			Kinds  []string
			Events []struct{ Signal string }
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 0 {
		t.Fatalf("--json: code %d, %v:\n%s", code, err, out)
	}
	if len(got.Alerts) != 3 || got.Alerts[1].Entity != "country/IR" || got.Alerts[1].Status != "confirmed" || len(got.Alerts[1].Events) != 4 {
		t.Errorf("--json alerts %+v", got.Alerts)
	}

	out, _, code = runCLI(t, append(args, "--drafts")...)
	var drafts struct {
		Drafts []struct{ Kind, Title string }
	}
	if err := json.Unmarshal([]byte(out), &drafts); err != nil || code != 0 || len(drafts.Drafts) != 3 {
		t.Errorf("--drafts: code %d, %v, %d drafts:\n%s", code, err, len(drafts.Drafts), out)
	}
}

func TestWatchRunSameOutput(t *testing.T) {
	// Twenty runs, so that a map iteration order leaking into the output
	// (a float product taken in another order, say) shows.
	args := append([]string{"watch", "run", "--json", "--signals", iodaFixtures}, shortHistory...)
	a, _, _ := runCLI(t, args...)
	b := a
	for range 20 {
		if b, _, _ = runCLI(t, args...); b != a {
			break
		}
	}
	if a != b || a == "" {
		t.Errorf("two runs on the same input differ: %d and %d bytes", len(a), len(b))
	}
}

func TestWatchRunErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "probing.csv")
	if err := os.WriteFile(bad, []byte("entity,time,value\nIR,soon,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"watch", "run"}, "needs signal files"},
		{[]string{"watch", "run", "--signals", iodaFixtures, "--threshold", "bgp:warning=lots"}, `warning: "lots"`},
		{[]string{"watch", "run", "--signals", iodaFixtures, "--max-inpaint", "forever"}, "--max-inpaint"},
		{[]string{"watch", "run", "--signals", iodaFixtures, "--json", "--drafts"}, "exclude each other"},
		{[]string{"watch", "run", "--signals", bad}, "probing.csv: line 2: column time"},
		{[]string{"watch", "run", "--signals", filepath.Join(dir, "none.json")}, "none.json: no such file"},
		{[]string{"watch", "run", "--signals", iodaFixtures, "--rir", bad}, "probing.csv: line 1: want the version line"},
		{[]string{"watch", "eval", "--countries", "0"}, "countries"},
		{[]string{"watch", "eval", "--depth", "0.5"}, "MIN-MAX"},
		{[]string{"watch", "eval", "extra"}, "takes no arguments"},
	} {
		_, stderr, code := runCLI(t, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: code %d, stderr %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
}

func TestWatchRunMRT(t *testing.T) {
	rib := shareddata.Path(t, "mrt/ripe-ncc-bgpdump/test_data/bview.20020722.2337.gz")
	out, stderr, code := runCLI(t, "watch", "run", "--signals", rib)
	if code != 0 || !strings.Contains(out, "No alerts.") {
		t.Fatalf("code %d, output %q, stderr %s", code, out, stderr)
	}
	// IODA's threshold finds no full-feed peer in a 2002 table; the command
	// says so and how to change it.
	if !strings.Contains(stderr, "36 peers (0 IPv4") || !strings.Contains(stderr, "--full-feed-v4") {
		t.Errorf("stderr does not explain the missing full-feed peers: %s", stderr)
	}
	_, stderr, _ = runCLI(t, "watch", "run", "--signals", rib, "--full-feed-v4", "100000")
	if !strings.Contains(stderr, "(1 IPv4") || !strings.Contains(stderr, "13,409 series") {
		t.Errorf("with --full-feed-v4 100000: %s", stderr)
	}
}

func TestWatchEval(t *testing.T) {
	args := []string{"watch", "eval", "--countries", "3", "--networks", "4", "--weeks", "2", "--json"}
	out, stderr, code := runCLI(t, args...)
	var r struct {
		Seed               uint64
		Target             struct{ Outages, Detected int }
		All                struct{ Outages int }
		FalsePerEntityWeek float64 `json:"false_alerts_per_entity_week"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 {
		t.Fatalf("code %d, %v, stderr %s:\n%s", code, err, stderr, out)
	}
	if r.Seed != 1 || r.All.Outages == 0 || r.Target.Detected > r.Target.Outages {
		t.Errorf("figures %+v", r)
	}
	if !strings.Contains(stderr, "detecting: 100%") {
		t.Errorf("no progress on stderr: %q", stderr)
	}
	again, _, _ := runCLI(t, args...)
	other, _, _ := runCLI(t, append(args, "--seed", "7")...)
	if again != out || other == out {
		t.Error("the same seed should give the same figures, another seed others")
	}
	text, _, code := runCLI(t, "watch", "eval", "--countries", "2", "--weeks", "1")
	if code != 0 || !strings.Contains(text, "recall, target (≥ 30m, ≥ 50% drop)") || !strings.Contains(text, "false alerts per entity-week") {
		t.Errorf("text output:\n%s", text)
	}
}

// TestWatchRunSubmit files the confirmed draft of the IODA fixtures (Iran,
// January 2024) as an incident awaiting review, once: a second run finds
// it open and files nothing new.
func TestWatchRunSubmit(t *testing.T) {
	isolate(t)
	db := filepath.Join(t.TempDir(), "l.db")
	tok, _ := seedReporter(t, db)
	t.Setenv(tokenEnv, tok)
	args := append([]string{"watch", "run", "--signals", iodaFixtures, "--rir", "../../watch/rir/testdata", "--submit", "--db", db, "--json"}, shortHistory...)
	var first, second struct {
		Filed []struct{ Title, Incident, Skipped string }
	}
	cliJSON(t, &first, args...)
	cliJSON(t, &second, args...)
	var ids []string
	for _, f := range first.Filed {
		if f.Incident != "" {
			ids = append(ids, f.Incident)
		}
	}
	if len(ids) != 1 || len(first.Filed) != 3 {
		t.Fatalf("first run filed %+v; want the one confirmed draft filed and two suspected ones skipped", first.Filed)
	}
	for _, f := range second.Filed {
		if f.Incident != "" && f.Incident != ids[0] {
			t.Errorf("the second run filed a new incident %s for %q", f.Incident, f.Title)
		}
	}
	human := append(slices.Clone(args[:len(args)-len(shortHistory)-1]), append([]string{"--lang", "fr"}, shortHistory...)...)
	out, stderr, code := runCLI(t, human...)
	if miss := lacks(out, "\u202f: incident "+ids[0]+", en attente d’examen", "\u202f: non déposé (soupçonné"); code != 0 || len(miss) > 0 {
		t.Errorf("watch run --submit --lang fr lacks %q: code %d, %s\n%s", miss, code, stderr, out)
	}
	s, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	in, err := s.FindIncidentByID(context.Background(), coord.Viewer{}, ids[0])
	if err != nil || in.Status != coord.IncidentReported || !slices.Contains(in.Countries, "IR") || len(in.Evidence) == 0 {
		t.Errorf("the filed incident, as anybody reads it: %+v, %v", in, err)
	}
}

// TestWatchLanguages: watch run, status and eval write their prose, dates
// and numbers in the language of --lang or of the locale; the entities,
// kinds and the detector's reasons stay as they are; English by default.
func TestWatchLanguages(t *testing.T) {
	noLocale(t)
	base := append([]string{"watch", "run", "--signals", iodaFixtures, "--rir", "../../watch/rir/testdata"}, shortHistory...)
	for _, tt := range []struct {
		lang        string
		out, stderr []string
	}{
		{"", []string{"3 alerts, 1 confirmed.", "CONFIRMED  country/IR  2024-01-05 09:20", "probing    09:20 – 09:50"},
			[]string{"watch: 4 series and 3 events from 2 files", "watch: skipped"}},
		{"fr", []string{"3 alertes, dont 1 confirmée(s).", "CONFIRMÉE  country/IR  2024-01-05 09:20", "asn/12880 (IR)", "indice\u202f: panne\u202f: "},
			[]string{"watch: séries\u202f: 4, événements\u202f: 3, fichiers lus\u202f: 2", "watch: ignoré\u202f: "}},
		{"ar", []string{"مؤكَّد", "country/IR", "٢٠٢٤-٠١-٠٥ ٠٩:٢٠", "والمؤكَّد منه"}, []string{"الملفات المقروءة: ٢"}},
		{"zh", []string{"告警 3 条，其中已确认 1 条。", "已确认"}, []string{"序列 4 个"}},
	} {
		args := base
		if tt.lang != "" {
			args = append(slices.Clone(base), "--lang", tt.lang)
		}
		out, stderr, code := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("--lang %q: code %d, %s", tt.lang, code, stderr)
		}
		if miss := lacks(out, tt.out...); len(miss) > 0 {
			t.Errorf("--lang %q: the alerts lack %q:\n%s", tt.lang, miss, out)
		}
		if miss := lacks(stderr, tt.stderr...); len(miss) > 0 {
			t.Errorf("--lang %q: stderr lacks %q:\n%s", tt.lang, miss, stderr)
		}
	}
	bad := filepath.Join(t.TempDir(), "status.json")
	os.WriteFile(bad, []byte("[1, 2]"), 0o644)
	t.Setenv("LANG", "es_ES.UTF-8")
	if _, stderr, code := runCLI(t, "watch", "status", bad); code != 2 || !strings.Contains(stderr, "no es un archivo de estado de watch run --follow") {
		t.Errorf("watch status in the locale's Spanish: code %d, %q", code, stderr)
	}
	if _, stderr, code := runCLI(t, "watch", "run", "--json", "--drafts", "--signals", iodaFixtures); code != 2 || !strings.Contains(stderr, "--json y --drafts se excluyen") {
		t.Errorf("a usage error in the locale's Spanish: code %d, %q", code, stderr)
	}
	out, _, code := runCLI(t, "watch", "eval", "--lang", "ru", "--weeks", "1", "--countries", "2", "--networks", "2")
	if code != 0 || len(lacks(out, "Зерно 1", "полнота, все сбои", "медианная задержка")) > 0 {
		t.Errorf("watch eval --lang ru: code %d\n%s", code, out)
	}
}
