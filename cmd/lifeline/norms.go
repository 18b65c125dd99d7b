package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"lifeline"
	"lifeline/coord"
	"lifeline/norms"
	"lifeline/web/i18n"
)

func newNormsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "norms",
		Short: "The legal and normative catalogue: which law and norms an incident engages, and why",
		Long: `Norms reads Lifeline's catalogue of international law and norms on
connectivity in conflicts and crises: human rights law (UDHR, ICCPR, the
Human Rights Committee's general comments, regional systems and courts),
humanitarian law (Additional Protocols, ICRC customary rules), ITU law, the
Tampere Convention, the law of the sea on submarine cables, the UN norms of
responsible state behaviour in cyberspace, the UN Guiding Principles on
Business and Human Rights and the Berkeley Protocol.

"norms explain" says which entries an incident engages and why. It states
what applies; it does not decide whether anything was lawful, who is
responsible, or whether a state is party to a universal treaty. The
catalogue, its sources and what the engine does not decide are in
docs/norms.md.`,
	}
	cmd.AddCommand(newNormsListCmd(), newNormsShowCmd(), newNormsExplainCmd())
	return cmd
}

func newNormsListCmd() *cobra.Command {
	var kind, binds, topic, search, lang string
	var asJSON, unconfirmed bool
	cmd := &cobra.Command{
		Use:   "list [flags]",
		Short: "List the catalogue's entries with their citations",
		Example: `  lifeline norms list
  lifeline norms list --kind judgment
  lifeline norms list --binds operators --json
  lifeline norms list --search tampere
  lifeline norms list --topic humanitarian_law
  lifeline norms list --unconfirmed   # what a reviewer should check first`,
		Args: cobra.NoArgs,
		RunE: forPeople(func(cmd *cobra.Command, args []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			if kind != "" && !slices.Contains(norms.Kinds, kind) {
				return &usageError{errors.New(pr.T("norms.err.oneof", "--kind", strings.Join(norms.Kinds, ", "), strconv.Quote(kind)))}
			}
			if binds != "" && !slices.Contains(norms.Addressees, binds) {
				return &usageError{errors.New(pr.T("norms.err.oneof", "--binds", strings.Join(norms.Addressees, ", "), strconv.Quote(binds)))}
			}
			if _, ok := norms.TopicByName(topic); topic != "" && !ok {
				var names []string
				for _, t := range norms.Topics {
					names = append(names, t.Name)
				}
				return &usageError{errors.New(pr.T("norms.err.oneof", "--topic", strings.Join(names, ", "), strconv.Quote(topic)))}
			}
			c, err := norms.Default()
			if err != nil {
				return err
			}
			out := c.Find(norms.Query{Text: search, Kind: kind, Binds: binds, Topic: topic, Unconfirmed: unconfirmed})
			if asJSON {
				if out == nil {
					out = []*norms.Entry{}
				}
				return writeJSON(cmd.OutOrStdout(), out)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, pr.T("norms.list.head"))
			for _, e := range out {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s, %s\n", e.ID, e.Kind, e.Date, shortInstrument(e.Instrument), e.Citation)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), pr.T("norms.list.count", len(out), len(c.Entries)))
			normsInEnglish(cmd.OutOrStdout(), pr)
			return nil
		}),
	}
	cmd.Flags().StringVar(&kind, "kind", "", "only entries of this kind ("+strings.Join(norms.Kinds, ", ")+")")
	cmd.Flags().StringVar(&binds, "binds", "", "only entries that bind or address ("+strings.Join(norms.Addressees, ", ")+")")
	cmd.Flags().StringVar(&topic, "topic", "", "only entries of this field of law (human_rights, regional_systems, humanitarian_law, itu_law, …)")
	cmd.Flags().StringVar(&search, "search", "", "only entries whose id, instrument, citation or summary contain every word of this text")
	cmd.Flags().BoolVar(&unconfirmed, "unconfirmed", false, "only entries with something not confirmed against its source")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	langFlag(cmd.Flags(), &lang)
	return cmd
}

// shortInstrument cuts an instrument's name at its first parenthesis or
// comma, for tables.
func shortInstrument(s string) string {
	if i := strings.IndexAny(s, "(,"); i > 20 {
		return strings.TrimSpace(s[:i])
	}
	return s
}

func newNormsShowCmd() *cobra.Command {
	var asJSON bool
	var lang string
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one entry: citation, summary, source, where it was checked, when it applies",
		Example: `  lifeline norms show iccpr-19-3
  lifeline norms show tampere-9 --json`,
		Args: cobra.ExactArgs(1),
		RunE: forPeople(func(cmd *cobra.Command, args []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			c, err := norms.Default()
			if err != nil {
				return err
			}
			e, ok := c.Entry(args[0])
			if !ok {
				return &usageError{errors.New(pr.T("norms.err.entry", strconv.Quote(args[0])))}
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), e)
			}
			writeEntry(cmd.OutOrStdout(), pr, e)
			return nil
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	langFlag(cmd.Flags(), &lang)
	return cmd
}

// writeEntry writes one entry: its own texts (citation, summary, note,
// the reasons of its rules) as the catalogue has them, in English; the
// labels around them in the printer's language, as on the web's page of
// the entry.
func writeEntry(w io.Writer, pr *i18n.Printer, e *norms.Entry) {
	fmt.Fprintf(w, "%s\n%s, %s\n", e.ID, e.Instrument, e.Citation)
	fmt.Fprintf(w, "%s\n\n", pr.T("norms.entry.meta", normWord(pr, "normkind", e.Kind), normWord(pr, "topic", e.Topic), e.Date, normWords(pr, "binds", e.Binds)))
	fmt.Fprintf(w, "%s\n\n", e.Summary)
	fmt.Fprintln(w, pr.T("norms.entry.source", e.SourceURL))
	fmt.Fprintln(w, pr.T("norms.entry.checked", e.Checked))
	if e.Unconfirmed != "" {
		fmt.Fprintln(w, pr.T("norms.unconfirmed", e.Unconfirmed))
	}
	if e.Note != "" {
		fmt.Fprintln(w, pr.T("norms.note", e.Note))
	}
	fmt.Fprintf(w, "\n%s\n", pr.T("norms.entry.applies"))
	for _, r := range e.Applies {
		var clauses []string
		for _, name := range r.Clauses() {
			clauses = append(clauses, pr.T("norms.entry.clause", name, strings.Join(r.When[name], pr.T("norms.entry.or"))))
		}
		fmt.Fprintf(w, "  - %s:\n      %s\n", strings.Join(clauses, pr.T("norms.entry.and")), r.Because)
	}
	normsInEnglish(w, pr)
}

// normWord names a value of the catalogue's enumerations (a kind, a
// field of law, an addressee) as the web's norms pages do, with the value
// itself that --kind, --topic and --binds take; in English, the value.
func normWord(pr *i18n.Printer, prefix, value string) string {
	key := i18n.Key(prefix, value)
	if pr.Lang.Code == i18n.English.Code || !i18n.Has(key) {
		return value
	}
	return pr.Lang.Printer().T(key) + " (" + value + ")"
}

// normWords names a list of values with normWord.
func normWords(pr *i18n.Printer, prefix string, values []string) string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = normWord(pr, prefix, v)
	}
	return strings.Join(out, ", ")
}

// normsInEnglish says, in any language but English, that the catalogue's
// own texts are in English, in the words of the web's pages.
func normsInEnglish(w io.Writer, pr *i18n.Printer) {
	if pr.Lang.Code != i18n.English.Code {
		fmt.Fprintf(w, "\n%s\n", pr.Lang.Printer().T("norms.english"))
	}
}

// incidentFlags describe an incident on the command line.
type incidentFlags struct {
	file                                   string
	kind, start, end                       string
	countries, elements, telcos            []string
	orderedBy, attributedTo, justification string
	cause, scope, typ, extent              string
	election, violence, abuses             bool
	situations                             []string
}

func (f *incidentFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.file, "file", "", `read the incident and its situations from a JSON file ("-": standard input; format in docs/norms.md)`)
	fl.StringVar(&f.kind, "kind", "", "incident kind: cable_cut, power_outage, shutdown, throttling, physical_attack, cyber_attack,\nnatural_hazard, equipment_seizure, repair_access_denied, core_resource_governance, other")
	fl.StringSliceVar(&f.countries, "country", nil, "affected country, ISO 3166-1 alpha-2 (repeatable or comma-separated)")
	fl.StringVar(&f.start, "start", "", "when it started: YYYY-MM-DD or RFC 3339")
	fl.StringVar(&f.end, "end", "", "when it ended: YYYY-MM-DD or RFC 3339")
	fl.StringSliceVar(&f.elements, "element", nil, `affected atlas element, e.g. "cable:seacom" (repeatable)`)
	fl.StringVar(&f.orderedBy, "ordered-by", "", "who ordered the shutdown: government, court, military, armed_group, operator, other, unknown")
	fl.StringVar(&f.attributedTo, "attributed-to", "", "who is said to have carried out an attack, seizure or denial (same values)")
	fl.StringVar(&f.justification, "justification", "", "the reason the authorities gave: national_security, public_order, exams, elections, protests,\ndisinformation, information_control, communal_violence, military_operations, none_given, other, unknown")
	fl.StringVar(&f.cause, "cause", "", "the cause documenters established (values as --justification, without none_given)")
	fl.StringVar(&f.scope, "scope", "", "how far a shutdown reached: local, regional, national")
	fl.StringVar(&f.typ, "type", "", "shutdown or throttle")
	fl.StringVar(&f.extent, "extent", "", "full_network or service_based")
	fl.StringSliceVar(&f.telcos, "telco", nil, "an operator that carried out the shutdown (repeatable)")
	fl.BoolVar(&f.election, "election", false, "it happened around an election")
	fl.BoolVar(&f.violence, "violence", false, "violence was reported alongside it")
	fl.BoolVar(&f.abuses, "abuses", false, "human rights abuses were reported during it")
	fl.StringArrayVar(&f.situations, "situation", nil, `recorded context: COUNTRY,KIND,FROM,UNTIL,SOURCE (UNTIL may be empty; repeatable);
KIND: international_armed_conflict, non_international_armed_conflict, occupation,
state_of_emergency, disaster, none`)
}

// incidentFlagNames are the flags that describe the incident itself, which
// --file replaces.
var incidentFlagNames = []string{"kind", "country", "start", "end", "element", "ordered-by", "attributed-to",
	"justification", "cause", "scope", "type", "extent", "telco", "election", "violence", "abuses"}

// read returns the case the flags describe.
func (f *incidentFlags) read(cmd *cobra.Command, pr *i18n.Printer) (norms.Case, error) {
	var c norms.Case
	if f.file != "" {
		for _, name := range incidentFlagNames {
			if cmd.Flags().Changed(name) {
				return c, &usageError{errors.New(pr.T("norms.err.file.flag", "--"+name))}
			}
		}
		var r io.Reader = cmd.InOrStdin()
		name := pr.T("norms.stdin")
		if f.file != "-" {
			file, err := os.Open(f.file)
			if err != nil {
				return c, &usageError{fmt.Errorf("--file: %v", err)}
			}
			defer file.Close()
			r, name = file, f.file
		}
		var err error
		if c, err = norms.DecodeCase(r, name); err != nil {
			return c, err
		}
	} else {
		if f.kind == "" {
			return c, &usageError{errors.New(pr.T("norms.err.describe"))}
		}
		in := norms.Incident{Kind: f.kind, Elements: f.elements, AttributedTo: f.attributedTo}
		for _, cc := range f.countries {
			in.Countries = append(in.Countries, strings.ToUpper(strings.TrimSpace(cc)))
		}
		var err error
		if in.Start, err = parseWhen(pr, "--start", f.start); err != nil {
			return c, err
		}
		if in.End, err = parseWhen(pr, "--end", f.end); err != nil {
			return c, err
		}
		s := &norms.Shutdown{OrderedBy: f.orderedBy, GovJustification: f.justification, ActualCause: f.cause,
			GeoScope: f.scope, Type: f.typ, Extent: f.extent, TelcosInvolved: f.telcos}
		for _, b := range []struct {
			flag string
			dst  **bool
		}{{"election", &s.Election}, {"violence", &s.Violence}, {"abuses", &s.HRAbuseReported}} {
			if cmd.Flags().Changed(b.flag) {
				v, _ := cmd.Flags().GetBool(b.flag)
				*b.dst = &v
			}
		}
		if s.OrderedBy+s.GovJustification+s.ActualCause+s.GeoScope+s.Type+s.Extent != "" || len(s.TelcosInvolved) > 0 ||
			s.Election != nil || s.Violence != nil || s.HRAbuseReported != nil {
			in.Shutdown = s
		}
		c.Incident = in
	}
	for _, spec := range f.situations {
		s, err := norms.ParseSituation(spec)
		if err != nil {
			return c, err
		}
		c.Situations = append(c.Situations, s)
	}
	return c, nil
}

func parseWhen(pr *i18n.Printer, flag, s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	for _, layout := range []string{time.DateOnly, time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return &t, nil
		}
	}
	return nil, &usageError{errors.New(pr.T("norms.err.when", flag, strconv.Quote(s)))}
}

func newNormsExplainCmd() *cobra.Command {
	var f incidentFlags
	var asJSON bool
	var brief, title, tlp, output, lang string
	cmd := &cobra.Command{
		Use:   "explain [flags]",
		Short: "Say which entries an incident engages, each with the reasons it applies",
		Long: `Explain describes an incident (with flags, or a JSON file of the form in
docs/norms.md) and the context recorded for its countries, and lists the
catalogue entries that apply, each with the reasons in sentences and the
facts behind them.

Context is given per country and period with its source: armed conflict,
occupation, a declared state of emergency, a disaster. The engine never
infers context from the incident; without it, the humanitarian law and
derogation entries do not appear.

It states what applies and why. It does not decide whether anything was
lawful or who is responsible.`,
		Example: `  # a shutdown ordered by the government during a declared emergency
  lifeline norms explain --kind shutdown --country ET --start 2026-11-05 \
      --ordered-by government --justification public_order --scope national \
      --situation 'ET,state_of_emergency,2026-11-04,,State of Emergency Proclamation'

  # a submarine cable cut during an international armed conflict
  lifeline norms explain --kind cable_cut --country UA --element cable:kerch-strait \
      --situation 'UA,international_armed_conflict,2022-02-24,,UN GA resolution ES-11/1'

  # from a file, as JSON
  lifeline norms explain --file case.json --json

  # a brief that prints to PDF, marked TLP:AMBER
  lifeline norms explain --file case.json --brief html --tlp TLP:AMBER \
      --title 'Shutdown in Ethiopia, November 2026' --output brief.html`,
		Args: cobra.NoArgs,
		RunE: forPeople(func(cmd *cobra.Command, args []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			if brief != "" && brief != "html" && brief != "markdown" {
				return &usageError{errors.New(pr.T("norms.err.brief", "--brief", strconv.Quote(brief)))}
			}
			if brief != "" && (tlp == "" || title == "") {
				return &usageError{errors.New(pr.T("norms.err.brief.needs"))}
			}
			if brief == "" && (tlp != "" || title != "" || output != "") {
				return &usageError{errors.New(pr.T("norms.err.brief.only"))}
			}
			if brief != "" && asJSON {
				return &usageError{errors.New(pr.T("norms.err.brief.json"))}
			}
			cs, err := f.read(cmd, pr)
			if err != nil {
				return err
			}
			c, err := norms.Default()
			if err != nil {
				return err
			}
			ex, err := c.Apply(cs.Incident, cs.Situations)
			if err != nil {
				return err
			}
			if brief != "" {
				b := &norms.Brief{Title: title, Marking: coord.TLP(strings.ToUpper(tlp)), Generated: time.Now().UTC(),
					Incident: cs.Incident, Situations: cs.Situations, Findings: ex}
				render := norms.RenderHTML
				if brief == "markdown" {
					render = norms.RenderMarkdown
				}
				return writeOutput(cmd.OutOrStdout(), output, func(w io.Writer) error { return render(w, b) })
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), ex)
			}
			writeExplanation(cmd.OutOrStdout(), pr, ex, len(c.Entries))
			return nil
		}),
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().StringVar(&brief, "brief", "", "write a legal brief instead: html (prints to PDF) or markdown")
	cmd.Flags().StringVar(&title, "title", "", "the brief's title")
	cmd.Flags().StringVar(&tlp, "tlp", "", "the brief's marking: TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT or TLP:RED")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the brief to this file (default: standard output)")
	langFlag(cmd.Flags(), &lang)
	return cmd
}

// writeExplanation writes the facts and the entries that apply: the
// engine's sentences and the catalogue's texts in English, the labels and
// the closing caution in the printer's language.
func writeExplanation(w io.Writer, pr *i18n.Printer, ex *norms.Explanation, total int) {
	fmt.Fprintln(w, pr.T("norms.facts"))
	for _, f := range ex.Facts {
		fmt.Fprintf(w, "  - %s\n", f.Sentence)
	}
	fmt.Fprintf(w, "\n%s\n", pr.T("norms.apply", len(ex.Findings), total))
	for _, f := range ex.Findings {
		fmt.Fprintf(w, "\n%s — %s, %s\n", f.ID, f.Instrument, f.Citation)
		fmt.Fprintf(w, "  %s\n", pr.T("norms.finding", normWord(pr, "normkind", f.Kind), normWords(pr, "binds", f.Binds), f.SourceURL))
		for _, r := range f.Reasons {
			fmt.Fprintf(w, "  %s\n", pr.T("norms.why", r.Because))
			fmt.Fprintf(w, "  %s\n", pr.T("norms.on", strings.Join(r.Facts, "; ")))
		}
		if f.Note != "" {
			fmt.Fprintf(w, "  %s\n", pr.T("norms.note", f.Note))
		}
		if f.Unconfirmed != "" {
			fmt.Fprintf(w, "  %s\n", pr.T("norms.unconfirmed", f.Unconfirmed))
		}
	}
	fmt.Fprintf(w, "\n%s\n", pr.T("norms.judge"))
	normsInEnglish(w, pr)
}

// forPeople drops the operation name from the project's errors that a norms
// command returns, so people read the message (which names the field and
// what is accepted) while the code still sets the exit status.
func forPeople(run func(*cobra.Command, []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		err := run(cmd, args)
		if e, ok := err.(*lifeline.Error); ok && e.Op != "" {
			return &lifeline.Error{Code: e.Code, Message: e.Message, Err: e.Err}
		}
		return err
	}
}
