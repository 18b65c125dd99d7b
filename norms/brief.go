package norms

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"time"

	"lifeline"
	"lifeline/coord"
)

// Brief is what a legal brief on one incident shows: the facts, the
// timeline, the impact estimate, the evidence with its hashes, the recorded
// context with its sources, and the entries that apply with their reasons.
//
// The caller builds it only from what the reader may see, asking
// coord.CanSee of the incident and of every evidence item; the renderers
// format what they are given and decide no visibility. The brief's marking
// is the narrowest of the incident's and of every evidence item's (see
// [Brief.TLP]), so the header never understates what the page reveals.
type Brief struct {
	IncidentID  string
	Title       string
	Description string
	Marking     coord.TLP // the incident's marking
	Generated   time.Time // when the brief was made (the caller's clock)
	Incident    Incident
	Timeline    []Event
	Impact      []string // sentences of the impact estimate
	Evidence    []EvidenceItem
	Situations  []Situation
	Findings    *Explanation // from Catalogue.Apply on Incident and Situations
}

// Event is one dated step of the timeline.
type Event struct {
	At   time.Time
	Text string
}

// EvidenceItem is one piece of evidence as submitted: what it is, where it
// is (a link, a signal or a file name), its SHA-256, when and by whom it was
// submitted, the signed event of the log that records it, and its own
// marking. A zero Submitted means the reader may not see the event that
// recorded it; the brief says so.
type EvidenceItem struct {
	Kind        string // link, signal or file
	Ref         string
	SHA256      string
	Submitted   time.Time
	SubmittedBy string
	Seq         int64  // the recording event's sequence number in the log
	Event       string // the recording event's hash
	TLP         coord.TLP
	Note        string
}

// TLP returns the narrowest marking among the incident's and its evidence's.
func (b *Brief) TLP() coord.TLP {
	t := b.Marking
	for _, e := range b.Evidence {
		if e.TLP != "" && slices.Index(coord.TLPs, e.TLP) > slices.Index(coord.TLPs, t) {
			t = e.TLP
		}
	}
	return t
}

func (b *Brief) validate() error {
	const op = "norms.Brief"
	if !b.Marking.Valid() {
		return lifeline.Errorf(lifeline.EINVALID, op, "marking: expected one of TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED, found %q", b.Marking)
	}
	for i, e := range b.Evidence {
		if e.TLP != "" && !e.TLP.Valid() {
			return lifeline.Errorf(lifeline.EINVALID, op, "evidence[%d].tlp: expected a TLP 2.0 level, found %q", i, e.TLP)
		}
	}
	if b.Generated.IsZero() {
		return lifeline.Errorf(lifeline.EINVALID, op, "generated: required (the time the brief is made)")
	}
	if strings.TrimSpace(b.Title) == "" {
		return lifeline.Errorf(lifeline.EINVALID, op, "title: required")
	}
	return nil
}

// factLines lists the incident's own facts for the brief, in words.
func (b *Brief) factLines() []string {
	in := b.Incident
	var out []string
	kind, _ := FieldByName("kind")
	out = append(out, "Kind: "+kind.phrase(in.Kind)+".")
	if len(in.Countries) > 0 {
		out = append(out, "Countries: "+strings.Join(in.Countries, ", ")+".")
	}
	if in.Start != nil {
		s := "Started " + in.Start.UTC().Format(time.RFC3339)
		if in.End != nil {
			s += ", ended " + in.End.UTC().Format(time.RFC3339)
		} else {
			s += ", not recorded as ended"
		}
		out = append(out, s+".")
	}
	if len(in.Elements) > 0 {
		out = append(out, "Affected elements: "+strings.Join(in.Elements, ", ")+".")
	}
	if len(in.ASNs) > 0 {
		var as []string
		for _, a := range in.ASNs {
			as = append(as, fmt.Sprintf("AS%d", a))
		}
		out = append(out, "Affected networks: "+strings.Join(as, ", ")+".")
	}
	if in.AttributedTo != "" {
		out = append(out, "Attributed to: "+in.AttributedTo+".")
	}
	if s := in.Shutdown; s != nil {
		for _, f := range []struct{ label, v string }{
			{"Ordered by", s.OrderedBy}, {"Justification given", s.GovJustification}, {"Cause established", s.ActualCause},
			{"Scope", s.GeoScope}, {"Type", s.Type}, {"Extent", s.Extent},
		} {
			if f.v != "" {
				out = append(out, f.label+": "+strings.ReplaceAll(f.v, "_", " ")+".")
			}
		}
		if len(s.TelcosInvolved) > 0 {
			out = append(out, "Operators involved: "+strings.Join(s.TelcosInvolved, ", ")+".")
		}
	}
	return out
}

//go:embed brief.html.tmpl
var briefHTML string

var briefTemplate = template.Must(template.New("brief").Funcs(template.FuncMap{
	"when": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"tlpClass": func(t coord.TLP) string {
		return strings.ToLower(strings.NewReplacer("TLP:", "", "+", "-").Replace(string(t)))
	},
	"join":     strings.Join,
	"inc":      func(i int) int { return i + 1 },
	"words":    func(s string) string { return strings.ReplaceAll(s, "_", " ") },
	"notInLog": func() string { return notInLog },
}).Parse(briefHTML))

type briefView struct {
	*Brief
	Mark  coord.TLP
	Facts []string
}

// RenderHTML writes the brief as one self-contained HTML page (no external
// resources) that prints cleanly to PDF, with the marking in its header
// and footer on screen and on every printed page.
func RenderHTML(w io.Writer, b *Brief) error {
	if err := b.validate(); err != nil {
		return err
	}
	return briefTemplate.Execute(w, briefView{Brief: b, Mark: b.TLP(), Facts: b.factLines()})
}

// RenderMarkdown writes the brief as Markdown, with the marking on its
// first and last lines. Every text from the incident is escaped, so it
// cannot add headings, links or tables of its own.
func RenderMarkdown(w io.Writer, b *Brief) error {
	if err := b.validate(); err != nil {
		return err
	}
	mark := string(b.TLP())
	var s strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&s, format, args...) }
	p("**%s**\n\n# Legal brief: %s\n\n", mark, md(b.Title))
	p("Incident %s · generated %s by Lifeline\n\n", md(b.IncidentID), b.Generated.UTC().Format(time.RFC3339))
	if b.Description != "" {
		p("%s\n\n", mdBlock(b.Description))
	}
	p("## Facts\n\n")
	for _, f := range b.factLines() {
		p("- %s\n", md(f))
	}
	p("\n## Timeline\n\n")
	if len(b.Timeline) == 0 {
		p("No timeline recorded.\n")
	}
	for _, e := range b.Timeline {
		p("- %s: %s\n", e.At.UTC().Format(time.RFC3339), md(e.Text))
	}
	p("\n## Impact estimate\n\n")
	if len(b.Impact) == 0 {
		p("No impact estimate recorded.\n")
	}
	for _, l := range b.Impact {
		p("- %s\n", md(l))
	}
	p("\n## Evidence\n\n")
	if len(b.Evidence) == 0 {
		p("No evidence recorded.\n")
	}
	for i, e := range b.Evidence {
		p("%d. %s: %s  \n   SHA-256 `%s`; ", i+1, md(e.Kind), md(e.Ref), codeSafe(e.SHA256))
		if e.Submitted.IsZero() {
			p("%s; %s", notInLog, md(string(e.TLP)))
		} else {
			p("submitted %s by %s; signed event %d `%s`; %s", e.Submitted.UTC().Format(time.RFC3339), md(e.SubmittedBy),
				e.Seq, codeSafe(e.Event), md(string(e.TLP)))
		}
		if e.Note != "" {
			p("  \n   %s", md(e.Note))
		}
		p("\n")
	}
	p("\n## Context\n\n")
	if len(b.Situations) == 0 {
		p("No context recorded: humanitarian law and derogation entries cannot apply without it.\n")
	}
	for _, sit := range b.Situations {
		p("- %s\n", md(sit.String()))
	}
	p("\n## Law and norms that apply\n\n")
	if b.Findings == nil || len(b.Findings.Findings) == 0 {
		p("No entry of the catalogue applies to the facts given.\n")
	} else {
		for _, f := range b.Findings.Findings {
			p("### %s, %s\n\n", md(f.Instrument), md(f.Citation))
			p("`%s` · %s · binds or addresses %s · <%s>\n\n", f.ID, strings.ReplaceAll(f.Kind, "_", " "),
				md(strings.ReplaceAll(strings.Join(f.Binds, ", "), "_", " ")), f.SourceURL)
			for _, r := range f.Reasons {
				p("- %s  \n  Facts: %s\n", md(r.Because), md(strings.Join(r.Facts, "; ")))
			}
			if f.Note != "" {
				p("\n  Note: %s\n", md(f.Note))
			}
			if f.Unconfirmed != "" {
				p("\n  Not confirmed: %s\n", md(f.Unconfirmed))
			}
			p("\n")
		}
	}
	p("\n## What this brief does not decide\n\n%s\n\n", disclaimer)
	p("**%s**\n", mark)
	_, err := io.WriteString(w, s.String())
	return err
}

// notInLog is what the brief says of evidence whose recording event the
// reader may not see.
const notInLog = "its submission is not in the part of the signed log this brief's reader may see"

const disclaimer = "This brief states which texts apply to the facts recorded and why. It does not decide whether any of them was breached, " +
	"who is responsible, whether a state is party to a universal treaty, or how a situation is classified in law; those are judgements for people. " +
	"See docs/norms.md."

// md escapes text for Markdown inside a line: characters that open inline
// markup (emphasis, code, links, HTML, tables) are backslash-escaped and
// line breaks become spaces, so the text stays on the line it is put on.
func md(s string) string {
	var b strings.Builder
	for _, r := range strings.Join(strings.Fields(s), " ") {
		if strings.ContainsRune("\\`*_[]<>|~", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdBlock escapes text that starts a paragraph: as md, and a leading
// character that would open a heading, list or quote is escaped too.
func mdBlock(s string) string {
	t := md(s)
	if t == "" {
		return t
	}
	if strings.ContainsRune("#-+>=", rune(t[0])) {
		return "\\" + t
	}
	if i := numberedPrefix(t); i > 0 {
		return t[:i] + "\\" + t[i:]
	}
	return t
}

// numberedPrefix returns the length of the digits that start s when they
// are followed by "." or ")" (an ordered list item), else 0.
func numberedPrefix(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')') {
		return i
	}
	return 0
}

// codeSafe keeps only hexadecimal digits, for hashes shown in code spans.
func codeSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return r
		}
		return -1
	}, s)
}
