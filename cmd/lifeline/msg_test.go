package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"lifeline/web/i18n"
)

// TestCLICatalogue: the command line's catalogue is complete in the six
// languages (every key, the same arguments, the plural forms each language
// needs), and the keys the commands use are exactly its keys.
func TestCLICatalogue(t *testing.T) {
	for _, err := range cliMessages.Check() {
		t.Error(err)
	}
	used := map[string]string{}
	key := regexp.MustCompile(`\bpr\.T\(\s*"([^"]+)"`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = f
		}
	}
	have := map[string]bool{}
	for _, k := range cliMessages.Keys() {
		have[k] = true
		if _, ok := used[k]; !ok {
			t.Errorf("%s: in msg_en.go but used by no command", k)
		}
	}
	var missing []string
	for k, f := range used {
		if !have[k] {
			missing = append(missing, k+" ("+f+")")
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("%s: used but not in msg_en.go", m)
	}
	if len(used) < 30 {
		t.Errorf("only %d keys found in the commands; the pattern no longer finds them", len(used))
	}
}

// TestCLILanguages: simulate and assess write their prose, numbers and
// errors in the language of --lang, else of the locale, else English.
func TestCLILanguages(t *testing.T) {
	isolate(t)
	for _, env := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		t.Setenv(env, "")
	}
	scenario := filepath.Join(t.TempDir(), "shutdown.yaml")
	writeFile(t, scenario, "name: Shutdown in Sudan\nevents:\n  - shutdown: {country: SD}\n")
	for _, tt := range []struct {
		env, flag string
		want      []string
	}{
		{"", "", []string{"country\tname", "failed: 0 cable(s)", "pop × lost is an equivalent"}},
		{"ar_SD.UTF-8", "", []string{"البلد", "السودان", "١٠٠٫٠٪", "قيمة مكافئة"}},
		{"ar_SD.UTF-8", "fr", []string{"pays", "Soudan", "100,0\u202f%", "un équivalent"}},
		{"ru_RU.UTF-8", "", []string{"страна", "Судан", "НЕТ"}},
		{"zh_CN.UTF-8", "", []string{"国家", "苏丹", "人口 × 损失"}},
		{"es_ES.UTF-8", "", []string{"país", "Sudán", "pobl. × pérdida"}},
		{"de_DE.UTF-8", "", []string{"country\tname"}},
	} {
		t.Setenv("LANG", tt.env)
		args := []string{"simulate", scenario}
		if tt.flag != "" {
			args = append(args, "--lang", tt.flag)
		}
		out, stderr, code := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("LANG=%s %v: code %d: %s", tt.env, args, code, stderr)
		}
		flat := strings.Join(strings.Fields(strings.NewReplacer("\u2068", "", "\u2069", "").Replace(out)), " ")
		for _, w := range tt.want {
			if !strings.Contains(out, w) && !strings.Contains(flat, strings.Join(strings.Fields(w), " ")) {
				t.Errorf("LANG=%s %v: the output lacks %q:\n%s", tt.env, args, w, out)
			}
		}
	}
	t.Setenv("LANG", "fr_FR.UTF-8")
	_, stderr, code := runCLI(t, "simulate", "--json", "--geojson", scenario)
	if code != 2 || !strings.Contains(stderr, "--json et --geojson\u202f: choisissez l’un des deux") {
		t.Errorf("a usage error in French: code %d, %q", code, stderr)
	}
	out, _, code := runCLI(t, "assess", "--lang", "ru", "Sudan")
	if code != 0 || !strings.Contains(out, "оценка") || !strings.Contains(out, "кабели") {
		t.Errorf("assess --lang ru: code %d\n%s", code, out)
	}
	if _, stderr, code := runCLI(t, "assess", "--lang", "xx", "Sudan"); code != 2 || !strings.Contains(stderr, "--lang: expected one of") {
		t.Errorf("assess --lang xx: code %d, %q", code, stderr)
	}
}

// noLocale runs a test as if the environment named no language, so that
// the commands speak English unless --lang says otherwise.
func noLocale(t *testing.T) {
	t.Helper()
	for _, env := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		t.Setenv(env, "")
	}
}

// lacks returns the texts of want that s does not contain.
func lacks(s string, want ...string) []string {
	var out []string
	for _, w := range want {
		if !strings.Contains(s, w) {
			out = append(out, w)
		}
	}
	return out
}

// TestCLICatalogueFormats prints every message of every language with
// arguments of the kinds its English text takes, and each plural with
// counts of every form: no text may come out with a verb the printer
// cannot fill ("%!f(BADINDEX)", "%!d(MISSING)").
func TestCLICatalogueFormats(t *testing.T) {
	for _, key := range cliMessages.Keys() {
		text, counts := msgEN[key], []int{3}
		p, isPlural := text.(i18n.Plural)
		if isPlural {
			text, counts = p.Other, []int{0, 1, 2, 3, 11, 100, 101}
		}
		verbs := i18n.Verbs(text.(string))
		args := make([]any, len(verbs))
		for i := 1; i <= len(verbs); i++ {
			switch verbs[i] {
			case "d":
				args[i-1] = 3
			case "f", "g", "e":
				args[i-1] = 1.5
			default:
				args[i-1] = "x"
			}
		}
		for _, l := range i18n.Langs {
			pr := cliMessages.Printer(l)
			for _, n := range counts {
				if isPlural {
					args[p.Arg-1] = n
				}
				if out := pr.T(key, slices.Clone(args)...); strings.Contains(out, "%!") {
					t.Errorf("%s: %s with %v: %q", l.Code, key, args, out)
				}
			}
		}
	}
}
