package norms

import (
	"fmt"
	"strings"
	"time"

	"lifeline"
)

// Incident is what the engine needs to know about an incident. Its JSON
// field names are those of coord.Incident and of the #KeepItOn STOP
// columns, so an incident exported from Lifeline can be read as it is
// (fields the engine does not use are ignored by [FromCoord]).
type Incident struct {
	Kind      string     `json:"kind"`                // a value of the "kind" field
	Countries []string   `json:"countries,omitempty"` // ISO 3166-1 alpha-2
	Start     *time.Time `json:"start,omitempty"`
	End       *time.Time `json:"end,omitempty"`
	Elements  []string   `json:"elements,omitempty"` // atlas element ids, e.g. "cable:seacom"
	ASNs      []uint32   `json:"asns,omitempty"`
	// AttributedTo says who is said to have carried out an attack, a
	// seizure or a denial of access (a value of the "actor" field or one of
	// its common spellings). For shutdowns, Shutdown.OrderedBy takes
	// precedence.
	AttributedTo string    `json:"attributed_to,omitempty"`
	Shutdown     *Shutdown `json:"shutdown,omitempty"`
}

// Shutdown holds the #KeepItOn STOP fields the engine reads.
type Shutdown struct {
	GeoScope         string   `json:"geo_scope,omitempty"`       // local, regional, national
	Type             string   `json:"shutdown_type,omitempty"`   // shutdown, throttle
	Extent           string   `json:"shutdown_extent,omitempty"` // full_network, service_based
	OrderedBy        string   `json:"ordered_by,omitempty"`      // a value of the "actor" field
	GovJustification string   `json:"gov_justification,omitempty"`
	ActualCause      string   `json:"actual_cause,omitempty"`
	TelcosInvolved   []string `json:"telcos_involved,omitempty"`
	Election         *bool    `json:"election,omitempty"`
	Violence         *bool    `json:"violence,omitempty"`
	HRAbuseReported  *bool    `json:"hr_abuse_reported,omitempty"`
}

// Situation is the context of one country for one period, as a coordinator
// recorded it, with the source that establishes it (a UN document, a
// proclamation in the official gazette, an ICRC classification, …).
type Situation struct {
	Country string `json:"country"`         // ISO 3166-1 alpha-2
	Kind    string `json:"kind"`            // a value of the "situation" field
	From    string `json:"from"`            // YYYY-MM-DD, the first day
	Until   string `json:"until,omitempty"` // YYYY-MM-DD, the last day; empty while it lasts
	Source  string `json:"source"`
}

// Case is an incident with the situations recorded around it: the input of
// "lifeline norms explain --file".
type Case struct {
	Incident   Incident    `json:"incident"`
	Situations []Situation `json:"situations,omitempty"`
}

const validateOp = "norms.Validate"

// Validate checks the incident and normalises the spellings of its STOP
// values (e.g. "Public safety" becomes public_order). It returns EINVALID
// naming the first bad field, what is accepted and what was found.
func (in *Incident) Validate() error {
	if _, ok := fieldValue("kind", in.Kind); !ok {
		return invalid("kind", in.Kind, "kind")
	}
	if len(in.Countries) > 300 {
		return lifeline.Errorf(lifeline.EINVALID, validateOp, "countries: at most 300")
	}
	for i, c := range in.Countries {
		if !isCountry(c) {
			return lifeline.Errorf(lifeline.EINVALID, validateOp, "countries[%d]: expected an ISO 3166-1 alpha-2 code such as \"SD\", found %q", i, c)
		}
	}
	if in.Start != nil && in.End != nil && in.End.Before(*in.Start) {
		return lifeline.Errorf(lifeline.EINVALID, validateOp, "end: %s is before start %s", in.End.Format(time.RFC3339), in.Start.Format(time.RFC3339))
	}
	if len(in.Elements) > 10000 {
		return lifeline.Errorf(lifeline.EINVALID, validateOp, "elements: at most 10000")
	}
	for i, e := range in.Elements {
		if e == "" || len(e) > 200 {
			return lifeline.Errorf(lifeline.EINVALID, validateOp, "elements[%d]: expected an atlas element id of 1 to 200 bytes such as \"cable:seacom\"", i)
		}
	}
	if in.AttributedTo != "" {
		a, ok := ParseActor(in.AttributedTo)
		if !ok {
			return invalid("attributed_to", in.AttributedTo, "actor")
		}
		in.AttributedTo = a
	}
	if s := in.Shutdown; s != nil {
		for _, f := range []struct {
			json, field string
			value       *string
		}{{"shutdown.geo_scope", "geo_scope", &s.GeoScope}, {"shutdown.shutdown_type", "shutdown_type", &s.Type}, {"shutdown.shutdown_extent", "extent", &s.Extent}} {
			if *f.value == "" {
				continue
			}
			v, ok := fieldValue(f.field, normalise(*f.value))
			if !ok {
				return invalid(f.json, *f.value, f.field)
			}
			*f.value = v
		}
		if s.OrderedBy != "" {
			a, ok := ParseActor(s.OrderedBy)
			if !ok {
				return invalid("shutdown.ordered_by", s.OrderedBy, "actor")
			}
			s.OrderedBy = a
		}
		if s.GovJustification != "" {
			r, ok := ParseReason(s.GovJustification, true)
			if !ok {
				return invalid("shutdown.gov_justification", s.GovJustification, "justification")
			}
			s.GovJustification = r
		}
		if s.ActualCause != "" {
			r, ok := ParseReason(s.ActualCause, false)
			if !ok {
				return invalid("shutdown.actual_cause", s.ActualCause, "actual_cause")
			}
			s.ActualCause = r
		}
		if len(s.TelcosInvolved) > 1000 {
			return lifeline.Errorf(lifeline.EINVALID, validateOp, "shutdown.telcos_involved: at most 1000")
		}
	}
	return nil
}

// Validate checks a situation. It returns EINVALID naming the first bad field.
func (s *Situation) Validate() error {
	if !isCountry(s.Country) {
		return lifeline.Errorf(lifeline.EINVALID, validateOp, "situation country: expected an ISO 3166-1 alpha-2 code such as \"SD\", found %q", s.Country)
	}
	if _, ok := fieldValue("situation", s.Kind); !ok {
		return invalid("situation kind", s.Kind, "situation")
	}
	from, err := time.Parse(time.DateOnly, s.From)
	if err != nil {
		return lifeline.Errorf(lifeline.EINVALID, validateOp, "situation from: expected YYYY-MM-DD, found %q", s.From)
	}
	if s.Until != "" {
		until, err := time.Parse(time.DateOnly, s.Until)
		if err != nil {
			return lifeline.Errorf(lifeline.EINVALID, validateOp, "situation until: expected YYYY-MM-DD or nothing, found %q", s.Until)
		}
		if until.Before(from) {
			return lifeline.Errorf(lifeline.EINVALID, validateOp, "situation until: %s is before from %s", s.Until, s.From)
		}
	}
	if strings.TrimSpace(s.Source) == "" {
		return lifeline.Errorf(lifeline.EINVALID, validateOp, "situation source: required (say what establishes the %s in %s)", strings.ReplaceAll(s.Kind, "_", " "), s.Country)
	}
	if len(s.Source) > 2000 {
		return lifeline.Errorf(lifeline.EINVALID, validateOp, "situation source: at most 2000 bytes")
	}
	return nil
}

func invalid(what, found, field string) error {
	f, _ := FieldByName(field)
	return lifeline.Errorf(lifeline.EINVALID, validateOp, "%s: expected one of %s, found %q", what, strings.Join(f.ValueNames(), ", "), found)
}

func fieldValue(field, v string) (string, bool) {
	f, _ := FieldByName(field)
	return v, f.Has(v)
}

func isCountry(c string) bool {
	return len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'
}

// normalise lower-cases s and joins its words with underscores, the way
// the vocabulary spells values ("Full network" → full_network).
func normalise(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '-' || r == '_' || r == '/' }), "_")
}

var actorSpellings = map[string]string{
	"national_government": "government", "regional_government": "government", "local_government": "government",
	"state_government": "government", "federal_government": "government", "ministry": "government", "executive": "government", "regulator": "government",
	"police": "government", "authorities": "government", "state": "government", "president": "government",
	"courts": "court", "judiciary": "court", "judge": "court",
	"army": "military", "armed_forces": "military", "security_forces": "military", "junta": "military",
	"rebels": "armed_group", "militia": "armed_group", "non_state_armed_group": "armed_group",
	"telco": "operator", "telcos": "operator", "isp": "operator", "company": "operator",
	"unclear": "unknown", "not_known": "unknown",
}

// ParseActor maps a value of the "actor" field or one of its common
// spellings in STOP data ("National government", "Courts", …) to the value.
func ParseActor(s string) (string, bool) {
	n := normalise(s)
	if v, ok := actorSpellings[n]; ok {
		n = v
	}
	return fieldValue("actor", n)
}

var reasonSpellings = map[string]string{
	"public_safety": "public_order", "public_order_public_safety": "public_order",
	"security": "national_security", "exam": "exams", "exam_cheating": "exams", "academic_exams": "exams",
	"election": "elections", "election_related": "elections", "protest": "protests",
	"fake_news": "disinformation", "hate_speech": "disinformation", "fake_news_hate_speech": "disinformation", "misinformation": "disinformation",
	"military_operation": "military_operations", "none": "none_given", "no_justification": "none_given",
}

// ParseReason maps a value of the "justification" field (given true) or the
// "actual_cause" field, or a common STOP spelling, to the value.
func ParseReason(s string, given bool) (string, bool) {
	n := normalise(s)
	if v, ok := reasonSpellings[n]; ok {
		n = v
	}
	field := "actual_cause"
	if given {
		field = "justification"
	}
	return fieldValue(field, n)
}

// ParseSituation reads a situation written as
// COUNTRY,KIND,FROM,UNTIL,SOURCE (UNTIL may be empty; SOURCE is the rest of
// the line and may contain commas), the form of "norms explain --situation".
func ParseSituation(s string) (Situation, error) {
	parts := strings.SplitN(s, ",", 5)
	if len(parts) != 5 {
		return Situation{}, lifeline.Errorf(lifeline.EINVALID, validateOp, "situation %q: expected COUNTRY,KIND,FROM,UNTIL,SOURCE (UNTIL may be empty), e.g. \"ET,state_of_emergency,2026-11-04,,Proclamation No. 6/2026\"", s)
	}
	sit := Situation{Country: strings.ToUpper(strings.TrimSpace(parts[0])), Kind: normalise(parts[1]),
		From: strings.TrimSpace(parts[2]), Until: strings.TrimSpace(parts[3]), Source: strings.TrimSpace(parts[4])}
	if err := sit.Validate(); err != nil {
		return Situation{}, err
	}
	return sit, nil
}

// elementKind maps an atlas element id to a value of the "element" field.
func elementKind(id string) string {
	prefix, _, _ := strings.Cut(id, ":")
	switch normalise(prefix) {
	case "cable":
		return "cable"
	case "landing_point", "landing_station", "lp", "station":
		return "landing_point"
	case "link", "land_link", "border", "crossing":
		return "land_link"
	case "as", "asn", "network":
		return "network"
	}
	return "other"
}

// String names a situation for people: "state of emergency in ET from 2026-11-04".
func (s Situation) String() string {
	f, _ := FieldByName("situation")
	until := "still in force"
	if s.Until != "" {
		until = "until " + s.Until
	}
	return fmt.Sprintf("%s in %s from %s, %s (source: %s)", f.phrase(s.Kind), s.Country, s.From, until, s.Source)
}
