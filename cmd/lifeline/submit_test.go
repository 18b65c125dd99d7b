package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestSubmitLanguages: what watch run --submit says of each draft, and its
// own errors, come in the language of the locale (or of the command's
// --lang when it has one); the JSON stays as it is.
func TestSubmitLanguages(t *testing.T) {
	isolate(t)
	noLocale(t)
	db := filepath.Join(t.TempDir(), "l.db")
	tok, _ := seedReporter(t, db)
	args := append([]string{"watch", "run", "--signals", iodaFixtures, "--rir", "../../watch/rir/testdata", "--submit", "--db", db}, shortHistory...)
	t.Setenv("LANG", "ar_SD.UTF-8")
	if _, stderr, code := runCLI(t, args...); code != 2 || !strings.Contains(stderr, "يقدّم الحوادث: ضع رمز مُبلِّغ في $LIFELINE_TOKEN") {
		t.Errorf("--submit without a token, in Arabic: code %d, %q", code, stderr)
	}
	t.Setenv(tokenEnv, tok)
	t.Setenv("LANG", "fr_FR.UTF-8")
	out, stderr, code := runCLI(t, args...)
	if code != 0 || strings.Count(out, "\u202f: non déposé (soupçonné\u202f: un seul type de signal)") != 2 || !strings.Contains(out, ", en attente d’examen") {
		t.Errorf("watch run --submit in French: code %d:\n%s%s", code, out, stderr)
	}
	t.Setenv("LANG", "")
	out, _, _ = runCLI(t, args...)
	if strings.Count(out, ": not filed (suspected: one kind of signal only)") != 2 || !strings.Contains(out, ", awaiting review") {
		t.Errorf("watch run --submit without a locale, in English:\n%s", out)
	}
}
