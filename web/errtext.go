package web

import (
	"errors"
	"time"

	"lifeline"
	"lifeline/web/i18n"
)

// errText is what a page says of err: the message the domain gave it, in
// the reader's language when the error carries a catalogue key
// (lifeline.Errork), in English otherwise; never a Go identifier, and a
// generic text for an error that is not ours.
func (rq *request) errText(err error) string {
	p := english
	if rq != nil && rq.printer != nil {
		p = rq.printer
	}
	return errorText(p, err)
}

func errorText(p *i18n.Printer, err error) string {
	var e *lifeline.Error
	if !errors.As(err, &e) {
		return lifeline.ErrorMessage(err)
	}
	if e.Key == "" || p.Lang.Code == i18n.English.Code || !i18n.Has(e.Key) {
		return e.Error()
	}
	s := p.T(e.Key, domainArgs(p, e.Args)...)
	if e.Err != nil {
		var inner *lifeline.Error
		if errors.As(e.Err, &inner) {
			s += p.T("dm.cause", errorText(p, e.Err))
		} else {
			s += p.T("dm.cause", e.Err.Error())
		}
	}
	return s
}

// phraseText says a phrase of the domain (a matching reason) in the
// printer's language; English, or a phrase the catalogue lacks, as the
// domain wrote it.
func phraseText(p *i18n.Printer, ph lifeline.Phrase) string {
	if ph.Key == "" || p.Lang.Code == i18n.English.Code || !i18n.Has(ph.Key) {
		return ph.English
	}
	return p.T(ph.Key, domainArgs(p, ph.Args)...)
}

// domainArgs translates the arguments of a domain message: phrases in
// turn, fields by the label their form gives them, durations in hours.
func domainArgs(p *i18n.Printer, args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch a := a.(type) {
		case lifeline.Phrase:
			out[i] = phraseText(p, a)
		case lifeline.Field:
			if key, ok := fieldLabels[string(a)]; ok {
				out[i] = p.T(key)
			} else {
				out[i] = string(a)
			}
		case time.Duration:
			out[i] = p.T("dm.hours", p.Dec(a.Hours()))
		default:
			out[i] = a
		}
	}
	return out
}

// fieldLabels are the labels the forms give the fields the domain names
// in its messages.
var fieldLabels = map[string]string{
	"title":       "rform.title",
	"description": "iform.details",
	"kind":        "iform.kind",
	"countries":   "form.countries",
	"severity":    "iform.severity",
	"certainty":   "iform.certainty",
	"urgency":     "form.urgency",
	"quantity":    "form.quantity",
	"conditions":  "form.conditions",
	"category":    "rform.category",
	"unit":        "rform.unit",
	"area":        "iform.area",
	"tlp":         "tlp.label",
	"lead_time":   "factor.lead_time",
	"name":        "members.col.name",
}

// ErrorText says err in language l as the pages do: a mistake the domain
// names with a catalogue key in the reader's words, any other as written.
// The command line uses it for the error it ends on.
func ErrorText(l i18n.Lang, err error) string {
	return errorText(l.Printer(), err)
}
