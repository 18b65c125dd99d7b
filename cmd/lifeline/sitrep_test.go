package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lifeline/atlas/starter"
	"lifeline/demo"
	"lifeline/impact"
	"lifeline/store/sqlite"
)

// demoDB writes a SQLite store seeded with the demonstration on the
// starter atlas and returns its path and the tokens of its members by
// organisation.
func demoDB(t *testing.T) (string, map[string]string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "demo.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	inst, err := db.Init(ctx, "Lifeline", "Admin", 0)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := db.Authenticate(ctx, inst.Token)
	if err != nil {
		t.Fatal(err)
	}
	a, err := starter.Load()
	if err != nil {
		t.Fatal(err)
	}
	g, err := impact.NewGraph(a, impact.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := demo.Seed(ctx, db.Services(), admin, g)
	if err != nil {
		t.Fatal(err)
	}
	tokens := map[string]string{}
	for _, m := range res.Members {
		tokens[m.Org] = m.Token
	}
	return path, tokens
}

// TestSitrepCommand: lifeline sitrep writes the report as the member of
// $LIFELINE_TOKEN sees it, in the language asked for, and refuses a bad
// country or language with a sentence.
func TestSitrepCommand(t *testing.T) {
	isolate(t)
	db, tokens := demoDB(t)
	t.Setenv("LANG", "")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	dir := t.TempDir()

	var anyone struct {
		TLP       string `json:"tlp"`
		Incidents []struct{ Title string }
	}
	out, stderr, code := runCLI(t, "sitrep", "--db", db, "--json")
	if code != 0 {
		t.Fatalf("sitrep --json: code %d: %s", code, stderr)
	}
	if err := json.Unmarshal([]byte(out), &anyone); err != nil {
		t.Fatal(err)
	}
	if anyone.TLP != "TLP:CLEAR" || len(anyone.Incidents) == 0 {
		t.Errorf("anyone's report is %s with %d incidents; want TLP:CLEAR and the public incidents", anyone.TLP, len(anyone.Incidents))
	}
	t.Setenv(tokenEnv, tokens["Field Relief Network (demo)"])
	file := filepath.Join(dir, "sitrep.html")
	if _, stderr, code := runCLI(t, "sitrep", "--db", db, "-o", file); code != 0 {
		t.Fatalf("sitrep: code %d: %s", code, stderr)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{`<html lang="en" dir="ltr">`, "Situation report", "Needs and their coverage", "What a member of Field Relief Network (demo) may see"} {
		if !strings.Contains(page, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if len(b) > 200<<10 {
		t.Errorf("the report is %d bytes", len(b))
	}
	// The language from the environment, then --lang over it.
	t.Setenv("LANG", "ar_SD.UTF-8")
	out, _, code = runCLI(t, "sitrep", "--db", db, "--country", "sd")
	if code != 0 || !strings.Contains(out, `<html lang="ar" dir="rtl">`) || !strings.Contains(out, "تقرير الحالة") {
		t.Errorf("with LANG=ar_SD.UTF-8 the report is not in Arabic (code %d)", code)
	}
	out, _, _ = runCLI(t, "sitrep", "--db", db, "--lang", "fr")
	if !strings.Contains(out, `<html lang="fr" dir="ltr">`) {
		t.Error("--lang fr does not win over LANG")
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--country", "XX"}, "country: expected an ISO 3166-1 alpha-2 code"},
		{[]string{"--lang", "de"}, "--lang: expected one of ar, zh, en, fr, ru, es"},
	} {
		_, stderr, code := runCLI(t, append([]string{"sitrep", "--db", db}, tt.args...)...)
		if code != 2 || !strings.Contains(stderr, tt.want) || strings.Contains(stderr, "sitrep.Build") {
			t.Errorf("sitrep %v: code %d, stderr %q; want 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
}
