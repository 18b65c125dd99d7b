package main

import (
	"strings"
	"testing"
)

// TestBriefLanguage: brief's own messages follow --lang; the brief itself
// is in English, as the web's (TestBrief in sync_test.go renders one).
func TestBriefLanguage(t *testing.T) {
	noLocale(t)
	for _, c := range []struct{ lang, want string }{
		{"", `--format: expected html or markdown, found "pdf"`},
		{"fr", "--format\u202f: html ou markdown est attendu, trouvé \"pdf\""},
		{"ar", "المطلوب html أو markdown"},
	} {
		args := []string{"brief", "--format", "pdf", "inc_1"}
		if c.lang != "" {
			args = append(args, "--lang", c.lang)
		}
		if _, stderr, code := runCLI(t, args...); code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("--lang %q: code %d, %q; want 2 and %q", c.lang, code, stderr, c.want)
		}
	}
}
