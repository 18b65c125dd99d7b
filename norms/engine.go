package norms

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"lifeline"
)

// Fact is one value of a field that holds for an incident, with the
// sentence that says why (and, for context, on what source).
type Fact struct {
	Field    string `json:"field"`
	Value    string `json:"value"`
	Sentence string `json:"sentence"`
}

// Finding is one catalogue entry that applies to an incident, with every
// reason it applies.
type Finding struct {
	ID          string   `json:"id"`
	Instrument  string   `json:"instrument"`
	Citation    string   `json:"citation"`
	Kind        string   `json:"kind"`
	Binds       []string `json:"binds"`
	SourceURL   string   `json:"source_url"`
	Note        string   `json:"note,omitempty"`
	Unconfirmed string   `json:"unconfirmed,omitempty"`
	Reasons     []Reason `json:"reasons"`
}

// Reason is one rule of an entry that holds: the sentence of the rule and
// the facts that satisfied each of its clauses.
type Reason struct {
	Because string   `json:"because"`
	Facts   []string `json:"facts"`
}

// Explanation is the engine's answer for one incident: the facts it
// derived and the entries that apply.
type Explanation struct {
	Facts    []Fact    `json:"facts"`
	Findings []Finding `json:"findings"`
}

// Apply returns the entries of the catalogue that the incident engages in
// its context, in catalogue order, each with its reasons. It validates the
// incident and situations first (without changing the caller's values) and
// returns EINVALID for the first bad field.
func (c *Catalogue) Apply(in Incident, situations []Situation) (*Explanation, error) {
	facts, err := Derive(in, situations)
	if err != nil {
		return nil, err
	}
	byField := map[string][]Fact{}
	for _, f := range facts {
		byField[f.Field] = append(byField[f.Field], f)
	}
	ex := &Explanation{Facts: facts, Findings: []Finding{}}
	for i := range c.Entries {
		e := &c.Entries[i]
		var reasons []Reason
		for _, r := range e.Applies {
			if why, ok := r.holds(byField); ok {
				reasons = append(reasons, Reason{Because: r.Because, Facts: why})
			}
		}
		if len(reasons) == 0 {
			continue
		}
		ex.Findings = append(ex.Findings, Finding{ID: e.ID, Instrument: e.Instrument, Citation: e.Citation, Kind: e.Kind,
			Binds: e.Binds, SourceURL: e.SourceURL, Note: e.Note, Unconfirmed: e.Unconfirmed, Reasons: reasons})
	}
	return ex, nil
}

// holds reports whether every clause of r has a matching fact, and the
// sentences of those facts in field order.
func (r Rule) holds(byField map[string][]Fact) ([]string, bool) {
	var why []string
	for _, name := range r.Clauses() {
		matched := false
		for _, f := range byField[name] {
			if slices.Contains(r.When[name], f.Value) {
				why = append(why, f.Sentence)
				matched = true
			}
		}
		if !matched {
			return nil, false
		}
	}
	return why, true
}

// Derive returns the facts of an incident in its context, in field order:
// the incident's own fields, the regional systems its countries belong to
// at the time, and the recorded situations of its countries that overlap
// its period. It validates its input first, as Apply does.
func Derive(in Incident, situations []Situation) ([]Fact, error) {
	if in.Shutdown != nil {
		s := *in.Shutdown
		in.Shutdown = &s
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	for i := range situations {
		if err := situations[i].Validate(); err != nil {
			return nil, lifeline.Errorf(lifeline.EINVALID, validateOp, "situations[%d]: %s", i, message(err))
		}
	}
	var facts []Fact
	add := func(field, value, sentence string) {
		f := Fact{Field: field, Value: value, Sentence: sentence}
		if !slices.Contains(facts, f) {
			facts = append(facts, f)
		}
	}
	plain := func(field, value string) {
		if value == "" {
			return
		}
		fd, _ := FieldByName(field)
		add(field, value, fmt.Sprintf("%s (%s: %s)", fd.phrase(value), field, value))
	}
	plain("kind", in.Kind)
	actor := in.AttributedTo
	if s := in.Shutdown; s != nil && s.OrderedBy != "" {
		actor = s.OrderedBy
	}
	plain("actor", actor)
	if s := in.Shutdown; s != nil {
		plain("justification", s.GovJustification)
		plain("actual_cause", s.ActualCause)
		plain("geo_scope", s.GeoScope)
		plain("shutdown_type", s.Type)
		plain("extent", s.Extent)
		plain("election", boolString(s.Election))
		plain("violence", boolString(s.Violence))
		plain("hr_abuse_reported", boolString(s.HRAbuseReported))
		if len(s.TelcosInvolved) > 0 {
			add("telcos_involved", "true", fmt.Sprintf("named operators carried it out: %s (telcos_involved)", strings.Join(s.TelcosInvolved, ", ")))
		}
	}
	elements := slices.Clone(in.Elements)
	for _, a := range in.ASNs {
		elements = append(elements, fmt.Sprintf("as:%d", a))
	}
	for _, kind := range []string{"cable", "landing_point", "land_link", "network", "other"} {
		var ids []string
		for _, e := range elements {
			if elementKind(e) == kind {
				ids = append(ids, e)
			}
		}
		if len(ids) > 0 {
			fd, _ := FieldByName("element")
			add("element", kind, fmt.Sprintf("%s: %s (element: %s)", fd.phrase(kind), strings.Join(ids, ", "), kind))
		}
	}
	rf, _ := FieldByName("region")
	for _, region := range regionNames() {
		for _, c := range in.Countries {
			if memberAt(region, c, in.Start, in.End) {
				when := "at the time of the incident"
				if in.Start == nil {
					when = "(the incident has no start date, so any period of membership counts)"
				}
				add("region", region, fmt.Sprintf("%s %s %s (region: %s)", c, rf.phrase(region), when, region))
			}
		}
	}
	sits := slices.Clone(situations)
	slices.SortStableFunc(sits, func(a, b Situation) int {
		if d := fieldValueOrder("situation", a.Kind) - fieldValueOrder("situation", b.Kind); d != 0 {
			return d
		}
		return strings.Compare(a.Country+a.From, b.Country+b.From)
	})
	for _, s := range sits {
		if !slices.Contains(in.Countries, s.Country) || !overlaps(s, in.Start, in.End) {
			continue
		}
		note := ""
		if in.Start == nil && in.End == nil {
			note = "; the incident has no dates, so every recorded period counts"
		}
		add("situation", s.Kind, fmt.Sprintf("recorded context: %s%s (situation: %s)", s, note, s.Kind))
	}
	slices.SortStableFunc(facts, func(a, b Fact) int { return fieldOrder(a.Field) - fieldOrder(b.Field) })
	return facts, nil
}

func fieldValueOrder(field, value string) int {
	f, _ := FieldByName(field)
	return slices.Index(f.ValueNames(), value)
}

func boolString(b *bool) string {
	if b == nil {
		return ""
	}
	if *b {
		return "true"
	}
	return "false"
}

// overlaps reports whether the situation's days meet [start, end]; an
// incident without a start or end is open on that side.
func overlaps(s Situation, start, end *time.Time) bool {
	from, _ := time.Parse(time.DateOnly, s.From)
	if end != nil && end.Before(from) {
		return false
	}
	if s.Until != "" && start != nil {
		until, _ := time.Parse(time.DateOnly, s.Until)
		if !start.Before(until.AddDate(0, 0, 1)) {
			return false
		}
	}
	return true
}
