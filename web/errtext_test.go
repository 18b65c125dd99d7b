package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"lifeline"
	"lifeline/coord"
	"lifeline/web/i18n"
)

// domainKey finds the catalogue keys the domain packages give their
// messages, with the English format beside each: lifeline.Errork(code,
// op, "key", "format" …) and lifeline.P("key", "format" …).
var domainKey = regexp.MustCompile(`(?:Errork\((?:[^,()]+,){2}|lifeline\.P\()\s*"([^"]+)",\s*("(?:[^"\\]|\\.)*")`)

// domainPackages are the packages whose keyed messages reach pages.
var domainPackages = []string{"../coord"}

type domainUse struct{ file, english string }

// domainKeys lists the keys the domain packages use, and the ones the web
// builds from the domain's values (the parties of a commitment).
func domainKeys(t *testing.T) map[string]domainUse {
	t.Helper()
	out := map[string]domainUse{}
	for _, dir := range domainPackages {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		if len(files) == 0 {
			t.Fatalf("%s: no Go files", dir)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range domainKey.FindAllStringSubmatch(string(b), -1) {
				english, err := strconv.Unquote(m[2])
				if err != nil {
					t.Fatalf("%s: %s: %v", f, m[2], err)
				}
				if u, ok := out[m[1]]; ok && u.english != english {
					t.Errorf("%s: key %s says %q; %s says %q", f, m[1], english, u.file, u.english)
				}
				out[m[1]] = domainUse{f, english}
			}
		}
	}
	for _, party := range []string{"offer", "need", "either"} { // coord.MoveMatch
		out["err.party."+party] = domainUse{file: "../coord/match.go (party)"}
	}
	out["dm.cause"] = domainUse{file: "errtext.go"}
	out["dm.hours"] = domainUse{file: "errtext.go"}
	return out
}

// Every key the domain uses is in every language, and the English
// catalogue says what the domain says, so that the page in English and
// the API agree.
func TestCatalogueDomainKeys(t *testing.T) {
	keys := domainKeys(t)
	if len(keys) < 60 {
		t.Fatalf("found %d domain keys; the scan misses Errork calls", len(keys))
	}
	for k, u := range keys {
		for _, l := range i18n.Langs {
			if _, ok := i18n.Catalogues[l.Code][k]; !ok {
				t.Errorf("%s (used in %s): missing in %s", k, u.file, l.Code)
			}
		}
		if u.english != "" && i18n.Catalogues["en"][k] != u.english {
			t.Errorf("%s: en.go says %q, %s says %q", k, i18n.Catalogues["en"][k], u.file, u.english)
		}
	}
}

// An error is said in the reader's language from its key, its arguments
// translated; in English as the domain wrote it; a key the catalogue
// lacks, or an error without one, in English.
func TestI18nErrorText(t *testing.T) {
	fr, ar := printerOf(t, "fr"), printerOf(t, "ar")
	in := coord.Incident{Title: " "}
	err := in.Validate()
	if got, want := errorText(english, err), "title: required"; got != want {
		t.Errorf("en: %q, want %q", got, want)
	}
	if got, want := errorText(fr, err), "Titre\u202f: obligatoire"; got != want {
		t.Errorf("fr: %q, want %q", got, want)
	}
	if got, want := errorText(ar, err), "\u2068العنوان\u2069: حقل مطلوب"; got != want {
		t.Errorf("ar: %q, want %q", got, want)
	}
	plain := lifeline.Errorf(lifeline.EINVALID, "x", "no key here")
	if got := errorText(fr, plain); got != "no key here" {
		t.Errorf("an error without a key: %q", got)
	}
	unknown := lifeline.Errork(lifeline.EINVALID, "x", "err.no.such.key", "in English")
	if got := errorText(fr, unknown); got != "in English" {
		t.Errorf("a key the catalogue lacks: %q", got)
	}
	wrapped := &lifeline.Error{Code: lifeline.EINVALID, Key: "err.match.nosuch", Message: "no such match", Err: plain}
	if got, want := errorText(fr, wrapped), "Engagement introuvable: no key here"; got != want {
		t.Errorf("wrapped: %q, want %q", got, want)
	}
	if got := errorText(fr, os.ErrNotExist); got != "internal error" {
		t.Errorf("not ours: %q", got)
	}
}

func printerOf(t *testing.T, code string) *i18n.Printer {
	t.Helper()
	l, ok := i18n.ByCode(code)
	if !ok {
		t.Fatalf("no language %s", code)
	}
	return l.Printer()
}
