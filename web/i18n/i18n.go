// Package i18n is the message catalogue of the web interface: every word a
// page shows, in the six official languages of the United Nations — Arabic,
// Chinese, English, French, Russian and Spanish — with the plural rules,
// numbers and dates of each.
//
// Each language is one file (ar.go, en.go, …) holding a Messages map from a
// key such as "nav.atlas" to its text. A text is a format for
// golang.org/x/text/message: %d and %v print numbers with the language's
// digits and grouping (1,234 in English, 1 234 in French, ١٬٢٣٤ in
// Arabic), and %[2]s lets a translation put its arguments in its own order.
// A text that depends on a count is a Plural, which gives one form for
// each plural category the language's CLDR rules use: English one and
// other; Russian one (1, 21), few (2–4, 22), many (5–20, 0) and other;
// Arabic zero, one, two, few (3–10), many (11–99) and other (100); Chinese
// other only.
//
// Pick a language with Match and print with its Printer:
//
//	l := i18n.Match("fr-CH, fr;q=0.9, en;q=0.8") // French
//	p := l.Printer()
//	p.Sprintf("incidents.total", 3) // "3 incidents"
//
// English is the reference: a test checks that every language has every
// key of the English file, no other, the same arguments in each text, and
// the plural forms its rules need.
package i18n

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
	"golang.org/x/text/number"
)

// Messages maps keys to texts: a string, or a Plural.
type Messages map[string]any

// Plural is a text that depends on a count: Arg (1-based) is the argument
// whose value picks the form, by the language's CLDR cardinal rules. A
// language gives exactly the forms its rules use; Other is always needed.
type Plural struct {
	Arg                              int
	Zero, One, Two, Few, Many, Other string
}

// Lang is a language of the interface.
type Lang struct {
	Code string       // BCP 47 code, as in lang="…": ar, zh, en, fr, ru, es
	Tag  language.Tag // its tag for golang.org/x/text
	Name string       // its name in itself, for the language switch
	RTL  bool         // written right to left
}

// Dir is the value of the dir attribute: "rtl" or "ltr".
func (l Lang) Dir() string {
	if l.RTL {
		return "rtl"
	}
	return "ltr"
}

// Langs are the languages, in the order of their codes, as the UN lists
// them in English (Arabic, Chinese, English, French, Russian, Spanish).
var Langs = []Lang{
	{Code: "ar", Tag: language.Arabic, Name: "العربية", RTL: true},
	{Code: "zh", Tag: language.SimplifiedChinese, Name: "中文"},
	{Code: "en", Tag: language.English, Name: "English"},
	{Code: "fr", Tag: language.French, Name: "Français"},
	{Code: "ru", Tag: language.Russian, Name: "Русский"},
	{Code: "es", Tag: language.Spanish, Name: "Español"},
}

// English is the reference language and the fallback.
var English = Langs[2]

// Catalogues are the message files, by language code.
var Catalogues = map[string]Messages{"ar": ar, "zh": zh, "en": en, "fr": fr, "ru": ru, "es": es}

var (
	cat     = build()
	matcher = language.NewMatcher([]language.Tag{language.English, language.Arabic, language.SimplifiedChinese,
		language.French, language.Russian, language.Spanish})
	matched = []string{"en", "ar", "zh", "fr", "ru", "es"}
)

// build loads every file into one catalogue. A key a language lacks, or
// gets wrong, takes the English text (the completeness test keeps that
// from happening).
func build() *catalog.Builder { return buildFrom(Catalogues) }

// buildFrom loads message files, by language code, into one catalogue.
func buildFrom(files map[string]Messages) *catalog.Builder {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for _, l := range Langs {
		msgs := files[l.Code]
		for key, en := range files["en"] {
			m, ok := msgs[key]
			if !ok || b.Set(l.Tag, key, toCatalog(m)...) != nil {
				b.Set(l.Tag, key, catalog.String(plain(en)))
			}
		}
	}
	return b
}

// plain is a message's text for any count.
func plain(m any) string {
	if p, ok := m.(Plural); ok {
		return p.Other
	}
	s, _ := m.(string)
	return s
}

func toCatalog(m any) []catalog.Message {
	switch m := m.(type) {
	case string:
		return []catalog.Message{catalog.String(m)}
	case Plural:
		var cases []any
		for _, f := range PluralForms(m) {
			cases = append(cases, f.Name, f.Text)
		}
		return []catalog.Message{plural.Selectf(m.Arg, "", cases...)}
	}
	return []catalog.Message{catalog.String(fmt.Sprint(m))}
}

// Form is one form of a Plural.
type Form struct{ Name, Text string }

// PluralForms lists the forms a Plural gives, by CLDR name.
func PluralForms(p Plural) []Form {
	var out []Form
	for _, f := range []Form{{"zero", p.Zero}, {"one", p.One}, {"two", p.Two}, {"few", p.Few}, {"many", p.Many}, {"other", p.Other}} {
		if f.Text != "" {
			out = append(out, f)
		}
	}
	return out
}

// FormsOf lists the CLDR plural categories a language uses for whole
// numbers, and "other", which every language must give.
func FormsOf(l Lang) []string {
	names := map[plural.Form]string{plural.Zero: "zero", plural.One: "one", plural.Two: "two",
		plural.Few: "few", plural.Many: "many", plural.Other: "other"}
	seen := map[string]bool{"other": true}
	for i := 0; i <= 1000; i++ {
		seen[names[plural.Cardinal.MatchPlural(l.Tag, i, 0, 0, 0, 0)]] = true
	}
	var out []string
	for _, n := range []string{"zero", "one", "two", "few", "many", "other"} {
		if seen[n] {
			out = append(out, n)
		}
	}
	return out
}

// ByCode returns the language with the code, and whether there is one.
func ByCode(code string) (Lang, bool) {
	for _, l := range Langs {
		if l.Code == code {
			return l, true
		}
	}
	return Lang{}, false
}

// Match picks the language for an Accept-Language header: the first of
// the browser's choices that the interface speaks (fr-CH is French,
// zh-Hans-CN and zh-CN are Chinese), else English.
func Match(acceptLanguage string) Lang {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return English
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return English
	}
	l, _ := ByCode(matched[i])
	return l
}

// Printer prints the language's messages, numbers and dates.
func (l Lang) Printer() *Printer {
	return &Printer{Lang: l, p: message.NewPrinter(l.Tag, message.Catalog(cat)), regions: display.Regions(l.Tag)}
}

// Printer prints in one language. It is safe for concurrent use.
type Printer struct {
	Lang    Lang
	p       *message.Printer
	regions display.Namer
}

// T prints the message key with args. In a right-to-left language each
// text argument is isolated (U+2068 … U+2069, Unicode's first-strong
// isolate), so that a name written left to right inside an Arabic
// sentence — "Nile Mobile (demo)" — keeps its own order and its
// brackets, and does not reorder the words around it. An argument the
// message quotes (%q) is left as it is: its quotes already set it apart,
// and the isolates would be printed as escapes inside them.
func (p *Printer) T(key string, args ...any) string {
	if p.Lang.RTL {
		var verbs map[int]string
		if f, ok := Catalogues[p.Lang.Code][key].(string); ok && strings.Contains(f, "%q") {
			verbs = Verbs(f)
		}
		for i, a := range args {
			if s, ok := a.(string); ok && s != "" && verbs[i+1] != "q" {
				args[i] = "\u2068" + s + "\u2069"
			}
		}
	}
	return p.p.Sprintf(key, args...)
}

// Num prints an integer with the language's digits and grouping.
func (p *Printer) Num(n int64) string { return p.p.Sprint(number.Decimal(n)) }

// Dec prints x with at most one decimal.
func (p *Printer) Dec(x float64) string {
	return p.p.Sprint(number.Decimal(x, number.MaxFractionDigits(1)))
}

// Digits prints n with the language's digits, without grouping, at least
// min wide: years, hours, minutes.
func (p *Printer) Digits(n, min int) string {
	return p.p.Sprint(number.Decimal(n, number.NoSeparator(), number.MinIntegerDigits(min)))
}

// Pct prints a share in 0..1 as a percentage: whole, or with one decimal
// below one percent.
func (p *Printer) Pct(x float64) string {
	if x > 0 && x < 0.01 {
		return p.p.Sprint(number.Percent(x, number.MaxFractionDigits(1)))
	}
	return p.p.Sprint(number.Percent(x, number.MaxFractionDigits(0)))
}

// Date prints a day in UTC: "3 December 2026", "2026年12月3日".
func (p *Printer) Date(t time.Time) string {
	t = t.UTC()
	return p.p.Sprintf("fmt.date", p.Digits(t.Day(), 1), p.T(monthKey(t.Month())), p.Digits(t.Year(), 4))
}

// Time prints a moment in UTC to the minute, as coordinators across time
// zones read it: "3 December 2026, 14:05 UTC".
func (p *Printer) Time(t time.Time) string {
	t = t.UTC()
	hm := p.Digits(t.Hour(), 2) + ":" + p.Digits(t.Minute(), 2)
	return p.p.Sprintf("fmt.time", p.Digits(t.Day(), 1), p.T(monthKey(t.Month())), p.Digits(t.Year(), 4), hm)
}

// MonthKeys are the keys of the months' names, January first.
func MonthKeys() []string {
	out := make([]string, 12)
	for m := time.January; m <= time.December; m++ {
		out[m-1] = monthKey(m)
	}
	return out
}

func monthKey(m time.Month) string { return fmt.Sprintf("month.%d", int(m)) }

// Country names a country by its ISO 3166 code in the language, from
// CLDR; in English, or when CLDR has no name for it, it returns fallback
// (the atlas's own English names, which CLDR words differently in places:
// "Congo - Kinshasa").
func (p *Printer) Country(code, fallback string) string {
	if p.Lang.Code == English.Code {
		return fallback
	}
	r, err := language.ParseRegion(code)
	if err == nil {
		if n := p.regions.Name(r); n != "" {
			return n
		}
	}
	return fallback
}

// Key builds the key of a value of an enumeration: Key("kind",
// "cable_cut") is "kind.cable_cut", Key("severity", "Extreme") is
// "severity.extreme", Key("region", "West Africa") is "region.west_africa".
func Key(prefix, value string) string {
	return prefix + "." + strings.ReplaceAll(strings.ToLower(value), " ", "_")
}

// Has reports whether the English catalogue has key.
func Has(key string) bool { _, ok := en[key]; return ok }

// Keys lists the keys of the English catalogue, sorted.
func Keys() []string {
	out := make([]string, 0, len(en))
	for k := range en {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
