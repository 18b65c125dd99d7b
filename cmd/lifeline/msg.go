package main

import (
	"time"

	"lifeline/web/i18n"
)

// cliMessages is the command line's message catalogue: the prose of the
// human output (simulate, assess, sitrep, watch, norms, brief, export,
// import, attribute, atlas, bgp and serve's live detection) and the sentences of the errors
// the commands write themselves, in the six languages of the web
// interface, one file each (msg_en.go, msg_ar.go, …), printed the same
// way (golang.org/x/text/message: plural rules, each language's digits
// and grouping). English is the reference; TestCLICatalogue keeps the
// others complete and every key used. What the domain packages write (a
// scenario's validation, the atlas's lookups) stays in English, as on the
// web.
var cliMessages = i18n.NewCatalogue(map[string]i18n.Messages{
	"ar": msgAR, "zh": msgZH, "en": msgEN, "fr": msgFR, "ru": msgRU, "es": msgES,
})

// printerFor returns the printer of the language --lang names, or of the
// locale (chooseLang).
func printerFor(flag string) (*i18n.Printer, error) {
	l, err := chooseLang(flag)
	if err != nil {
		return nil, err
	}
	return cliMessages.Printer(l), nil
}

// lpct writes a share in 0..1 as a percentage with one decimal, in the
// printer's language ("12.3%", "12,3 %", "١٢٫٣٪"); zero is "0".
func lpct(pr *i18n.Printer, x float64) string {
	if x == 0 {
		return pr.Num(0)
	}
	return pr.T("num.pct", 100*x)
}

// lstamp writes a moment in UTC as "2024-01-05 09:20", the order of ISO
// 8601 that reads the same in every language, in the printer's digits.
func lstamp(pr *i18n.Printer, t time.Time) string {
	t = t.UTC()
	return pr.Digits(t.Year(), 4) + "-" + pr.Digits(int(t.Month()), 2) + "-" + pr.Digits(t.Day(), 2) + " " + lclock(pr, t)
}

// lclock writes the hour and minute of a moment in UTC ("09:20") in the
// printer's digits.
func lclock(pr *i18n.Printer, t time.Time) string {
	t = t.UTC()
	return pr.Digits(t.Hour(), 2) + ":" + pr.Digits(t.Minute(), 2)
}

// english is the printer of the reference language, for the lines of
// code shared with commands that do not take --lang.
var english = cliMessages.Printer(i18n.English)
