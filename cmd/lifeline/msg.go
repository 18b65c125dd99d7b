package main

import (
	"time"

	"lifeline/web/i18n"
)

// cliMessages is the command line's message catalogue: the prose of the
// human output (simulate, assess, sitrep, watch, norms, brief, export,
// import, attribute, atlas, bgp; admin, org, member, peer, sync, evidence;
// serve's lines on standard error and its live detection) and the
// sentences of the errors the commands write themselves, in the six
// languages of the web interface, one file each (msg_en.go, msg_ar.go, …),
// printed the same way (golang.org/x/text/message: plural rules, each
// language's digits and grouping). English is the reference;
// TestCLICatalogue keeps the others complete and every key used. Each
// command takes its language from --lang (langFlag), else the locale
// (chooseLang); serve's --lang is the web interface's, so its lines
// follow the locale.
//
// What stays in English: --help (Short, Long, Example and the flags'
// usage, which name flags and values to type), JSON output, identifiers
// and data (ids, tokens, keys, kinds, statuses as the API spells them,
// file names, names people gave), and what the domain packages write (a
// scenario's validation, the atlas's lookups, a refusal's reason, a
// store's recovery advice), as on the web.
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

// verbatim is a value people copy back into a command — a token, a key,
// a fingerprint, an id, a file name, a command line — passed to T as is:
// T isolates text arguments in a right-to-left language (U+2068 …
// U+2069), and those invisible characters would travel with a copy and
// paste and spoil the token.
type verbatim string

// ltime prints a moment in the printer's language, in UTC to the minute,
// as the web interface does ("3 December 2026, 14:05 UTC", "3 décembre
// 2026 à 14:05 UTC"): the months' names are the web's.
func ltime(pr *i18n.Printer, t time.Time) string {
	return pr.Lang.Printer().Time(t)
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
