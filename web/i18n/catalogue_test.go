package i18n

import (
	"strings"
	"testing"
)

// TestCatalogueCheck: Check finds each fault a translation can have, and
// a catalogue of its own prints in each language.
func TestCatalogueCheck(t *testing.T) {
	good := map[string]Messages{
		"en": {"hello": "Hello, %s.", "n": Plural{Arg: 1, One: "%d file", Other: "%d files"}},
		"ar": {"hello": "مرحبًا، %s.", "n": Plural{Arg: 1, Zero: "لا ملفات", One: "ملف واحد", Two: "ملفان", Few: "%d ملفات", Many: "%d ملفًا", Other: "%d ملف"}},
		"zh": {"hello": "你好，%s。", "n": Plural{Arg: 1, Other: "%d 个文件"}},
		"fr": {"hello": "Bonjour, %s.", "n": Plural{Arg: 1, One: "%d fichier", Other: "%d fichiers"}},
		"ru": {"hello": "Здравствуйте, %s.", "n": Plural{Arg: 1, One: "%d файл", Few: "%d файла", Many: "%d файлов", Other: "%d файла"}},
		"es": {"hello": "Hola, %s.", "n": Plural{Arg: 1, One: "%d archivo", Other: "%d archivos"}},
	}
	c := NewCatalogue(good)
	if errs := c.Check(); len(errs) > 0 {
		t.Fatalf("a complete catalogue fails its check: %v", errs)
	}
	ru, _ := ByCode("ru")
	if got := c.Printer(ru).T("n", 3); got != "3 файла" {
		t.Errorf("Russian for 3 files: %q", got)
	}
	for _, tt := range []struct {
		name  string
		spoil func(map[string]Messages)
		want  string
	}{
		{"missing key", func(f map[string]Messages) { delete(f["fr"], "hello") }, "fr: hello: missing"},
		{"extra key", func(f map[string]Messages) { f["zh"]["bye"] = "再见" }, "zh: bye: not in the English file"},
		{"wrong argument", func(f map[string]Messages) { f["es"]["hello"] = "Hola, %d." }, "es: hello: arguments"},
		{"lone percent", func(f map[string]Messages) { f["fr"]["hello"] = "Bonjour %s, 100 %." }, "lone %"},
		{"plural forms", func(f map[string]Messages) {
			f["ru"]["n"] = Plural{Arg: 1, One: "%d файл", Other: "%d файлов"}
		}, "ru: n: plural forms"},
		{"no file", func(f map[string]Messages) { delete(f, "ar") }, "ar: no message file"},
	} {
		files := map[string]Messages{}
		for code, m := range good {
			files[code] = Messages{}
			for k, v := range m {
				files[code][k] = v
			}
		}
		tt.spoil(files)
		var msgs []string
		for _, e := range NewCatalogue(files).Check() {
			msgs = append(msgs, e.Error())
		}
		if !strings.Contains(strings.Join(msgs, "\n"), tt.want) {
			t.Errorf("%s: Check says %q, want %q", tt.name, msgs, tt.want)
		}
	}
}
