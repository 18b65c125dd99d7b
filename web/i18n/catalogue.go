package i18n

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"golang.org/x/text/language/display"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// Catalogue is a set of message files of its own, one per language, with
// English as the reference, printed with the same plural rules, numbers
// and dates as the web interface's: the command line keeps its prose in
// one (cmd/lifeline's msg_*.go), so that neither side has keys the other
// does not use.
type Catalogue struct {
	files map[string]Messages
	b     *catalog.Builder
}

// NewCatalogue builds a catalogue from message files by language code
// ("en" is required: it is the reference and the fallback).
func NewCatalogue(files map[string]Messages) *Catalogue {
	return &Catalogue{files: files, b: buildFrom(files)}
}

// Printer prints the catalogue's messages in language l.
func (c *Catalogue) Printer(l Lang) *Printer {
	return &Printer{Lang: l, p: message.NewPrinter(l.Tag, message.Catalog(c.b)), regions: display.Regions(l.Tag)}
}

// Keys lists the keys of the catalogue's English file, sorted.
func (c *Catalogue) Keys() []string {
	out := make([]string, 0, len(c.files["en"]))
	for k := range c.files["en"] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Check reports what keeps the catalogue from being complete: a language
// without a key of the English file, or with a key English does not have;
// a text whose arguments differ from the English one's (a plural form may
// leave its count out, "حادث واحد", never another argument); a lone %;
// a plural without exactly the forms its language's CLDR rules use.
func (c *Catalogue) Check() []error {
	var errs []error
	bad := func(code, key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s: %s", code, key, fmt.Sprintf(format, args...)))
	}
	en := c.files["en"]
	if len(en) == 0 {
		return []error{fmt.Errorf("en: the reference file is missing or empty")}
	}
	for _, l := range Langs {
		msgs, ok := c.files[l.Code]
		if !ok {
			errs = append(errs, fmt.Errorf("%s: no message file", l.Code))
			continue
		}
		forms := FormsOf(l)
		for _, key := range c.Keys() {
			m, ok := msgs[key]
			if !ok {
				bad(l.Code, key, "missing")
				continue
			}
			ref := argsOfMessage(en[key])
			switch m := m.(type) {
			case string:
				if _, plural := en[key].(Plural); plural && len(forms) > 1 {
					bad(l.Code, key, "a plain text where English has a plural")
				}
				if got := Verbs(m); !maps.Equal(got, ref) {
					bad(l.Code, key, "arguments %v, English has %v: %q", got, ref, m)
				}
			case Plural:
				rp, ok := en[key].(Plural)
				if !ok {
					bad(l.Code, key, "a plural where English has a plain text")
					continue
				}
				if m.Arg != rp.Arg {
					bad(l.Code, key, "counts argument %d, English %d", m.Arg, rp.Arg)
				}
				var names []string
				for _, f := range PluralForms(m) {
					names = append(names, f.Name)
					got := Verbs(f.Text)
					for i, v := range ref {
						if i != m.Arg && got[i] != v {
							bad(l.Code, key, "(%s) argument %d is %q, English %q: %q", f.Name, i, got[i], v, f.Text)
						}
					}
					for i, v := range got {
						if ref[i] != v {
							bad(l.Code, key, "(%s) argument %d %q is not in English: %q", f.Name, i, v, f.Text)
						}
					}
				}
				if !slices.Equal(names, forms) {
					bad(l.Code, key, "plural forms %v, the language needs %v", names, forms)
				}
			default:
				bad(l.Code, key, "a %T; a message is a string or a Plural", m)
			}
		}
		for key := range msgs {
			if _, ok := en[key]; !ok {
				bad(l.Code, key, "not in the English file")
			}
		}
	}
	return errs
}

// argsOfMessage lists the arguments of a message over all its forms.
func argsOfMessage(m any) map[int]string {
	if p, ok := m.(Plural); ok {
		all := map[int]string{}
		for _, f := range PluralForms(p) {
			for i, v := range Verbs(f.Text) {
				all[i] = v
			}
		}
		return all
	}
	s, _ := m.(string)
	return Verbs(s)
}

var verbRE = regexp.MustCompile(`%(?:\[(\d+)\])?[-+# 0]*\d*(?:\.\d+)?([a-zA-Z%])`)

// Verbs maps each argument (1-based, as fmt counts them) of a format to
// its verb; a lone % is argument 0.
func Verbs(format string) map[int]string {
	out := map[int]string{}
	if strings.Contains(verbRE.ReplaceAllString(format, ""), "%") {
		out[0] = "a lone % (write %% for a percent sign)"
	}
	next := 1
	for _, m := range verbRE.FindAllStringSubmatch(format, -1) {
		if m[2] == "%" {
			continue
		}
		if m[1] != "" {
			fmt.Sscan(m[1], &next)
		}
		out[next] = m[2]
		next++
	}
	return out
}
