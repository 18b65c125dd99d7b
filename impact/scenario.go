package impact

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"lifeline"
)

// Scenario is a crisis to simulate: a name and a list of events, each of
// which fails part of the infrastructure. docs/scenarios.md documents the
// language with examples.
type Scenario struct {
	Name        string   `yaml:"name"`
	Description string   `yaml:"description,omitempty"`
	Sources     []string `yaml:"sources,omitempty"` // where the facts behind it come from
	Events      []Event  `yaml:"events"`
	// Standing lists the faults already standing when the events happen:
	// cuts not yet repaired, a shutdown still in force. They are applied
	// to the network before the events, and every "before" of the result
	// (capacity, circuits and their hand-over, reachability) is that
	// network's; the events' losses are measured against it. A standing
	// fault is an event of a certain type: not solar_storm, earthquake
	// (chance) or ases (the AS level).
	Standing []Event `yaml:"standing,omitempty"`
	// Places names sub-national places to report on (atlas.Place ids or
	// names: shetland, canary-islands, …).
	Places []string `yaml:"places,omitempty"`
}

// Event is one thing that happens in a scenario. Exactly one of its fields
// other than Note is set.
type Event struct {
	CutCables     []string     `yaml:"cut_cables,omitempty"`     // whole systems fail
	Cut           *Cut         `yaml:"cut,omitempty"`            // one cut at a place
	Region        *Region      `yaml:"region,omitempty"`         // everything inside an area fails
	LandingPoints []string     `yaml:"landing_points,omitempty"` // stations destroyed or without power
	Links         []string     `yaml:"links,omitempty"`          // terrestrial border links down ("MR-SN")
	Shutdown      *Shutdown    `yaml:"shutdown,omitempty"`       // a national routing shutdown: transit keeps working
	Isolation     *Isolation   `yaml:"isolation,omitempty"`      // a country cut off entirely, transit included
	Gateways      []string     `yaml:"gateways,omitempty"`       // countries whose national gateway fails (atlas gateways.csv)
	SolarStorm    *SolarStorm  `yaml:"solar_storm,omitempty"`    // repeaters fail by latitude band
	Earthquake    *Earthquake  `yaml:"earthquake,omitempty"`     // segments fail with falling probability
	PowerOutage   *PowerOutage `yaml:"power_outage,omitempty"`   // stations fail when backup runs out
	ASes          []ASN        `yaml:"ases,omitempty"`           // networks fail (the AS level only)
	Note          string       `yaml:"note,omitempty"`           // for people
}

// Cut is one cut of a cable at a place: the cable's segment nearest to At
// fails and the rest of the cable keeps working.
type Cut struct {
	Cable string    `yaml:"cable"` // id or name
	At    []float64 `yaml:"at"`    // [lon, lat]
}

// Region is an area: a polygon or a circle, with the kind of hazard.
type Region struct {
	Kind    string      `yaml:"kind,omitempty"`    // conflict, earthquake, storm, …; required in a region event
	Polygon [][]float64 `yaml:"polygon,omitempty"` // [[lon, lat], …]
	Circle  *Circle     `yaml:"circle,omitempty"`
}

// Circle is a disc on the Earth's surface.
type Circle struct {
	Center   []float64 `yaml:"center"` // [lon, lat]
	RadiusKm float64   `yaml:"radius_km"`
}

// Shutdown is a deliberate national shutdown of routing: the country's own
// networks withdraw from the Internet, while cables and borders that cross
// its territory keep carrying other countries' traffic (as Egypt's Suez
// crossing did in January 2011). Transit: false also stops that transit,
// which is an isolation.
type Shutdown struct {
	Country string `yaml:"country"` // ISO code or name
	// Transit, when false, stops transit too; absent or true keeps it.
	Transit *bool `yaml:"transit,omitempty"`
}

// KeepsTransit reports whether traffic across the country keeps flowing.
func (s *Shutdown) KeepsTransit() bool { return s.Transit == nil || *s.Transit }

// Isolation cuts a country off entirely: its networks withdraw and nothing
// crosses its territory, as if every cable station and border in it failed.
type Isolation struct {
	Country string `yaml:"country"` // ISO code or name
}

// SolarStorm is the repeater model of Abdu Jyothi (SIGCOMM 2021).
type SolarStorm struct {
	SpacingKm float64   `yaml:"spacing_km"`
	P         []float64 `yaml:"p"` // per-repeater failure probability: [|lat| ≥ 60°, 40–60°, < 40°]
}

// Earthquake is an earthquake whose shaking, slides and turbidity currents
// break segments with a probability that falls with distance.
type Earthquake struct {
	Center    []float64 `yaml:"center"` // epicentre, [lon, lat]
	Magnitude float64   `yaml:"magnitude"`
}

// PowerOutage is a power-grid failure over a region: the landing stations
// in it fail when the outage outlasts their backup power.
type PowerOutage struct {
	Region        *Region `yaml:"region"`
	BackupHours   float64 `yaml:"backup_hours"`
	DurationHours float64 `yaml:"duration_hours"`
}

// ASN is an autonomous system number. In a scenario it is written as a
// number (8452) or with its prefix ("AS8452").
type ASN uint32

// UnmarshalYAML reads 8452, "8452" or "AS8452".
func (a *ASN) UnmarshalYAML(n *yaml.Node) error {
	s := n.Value
	if n.Kind == yaml.ScalarNode && len(s) > 2 && strings.EqualFold(s[:2], "AS") {
		s = s[2:]
	}
	v, err := strconv.ParseUint(s, 10, 32)
	if n.Kind != yaml.ScalarNode || err != nil {
		// A TypeError joins the decoder's list, which names the event.
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: ases: want an AS number such as 8452 or AS8452, found %s", n.Line, describeNode(n))}}
	}
	*a = ASN(v)
	return nil
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	}
	s := n.Value
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return strconv.Quote(s)
}

// RegionKinds are the kinds of hazard a region event may name.
var RegionKinds = []string{"conflict", "earthquake", "fire", "flood", "other", "sabotage", "storm", "tsunami", "volcano"}

// Type names the event's kind as written in the language ("cut", "region",
// …), or "" when no kind is set.
func (e *Event) Type() string {
	t := e.types()
	if len(t) == 0 {
		return ""
	}
	return t[0]
}

func (e *Event) types() []string {
	var t []string
	if e.CutCables != nil {
		t = append(t, "cut_cables")
	}
	if e.Cut != nil {
		t = append(t, "cut")
	}
	if e.Region != nil {
		t = append(t, "region")
	}
	if e.LandingPoints != nil {
		t = append(t, "landing_points")
	}
	if e.Links != nil {
		t = append(t, "links")
	}
	if e.Shutdown != nil {
		t = append(t, "shutdown")
	}
	if e.Isolation != nil {
		t = append(t, "isolation")
	}
	if e.Gateways != nil {
		t = append(t, "gateways")
	}
	if e.SolarStorm != nil {
		t = append(t, "solar_storm")
	}
	if e.Earthquake != nil {
		t = append(t, "earthquake")
	}
	if e.PowerOutage != nil {
		t = append(t, "power_outage")
	}
	if e.ASes != nil {
		t = append(t, "ases")
	}
	return t
}

// maxScenarioBytes bounds a scenario file.
const maxScenarioBytes = 4 << 20

// ParseScenario reads a scenario in YAML and validates it. name (a file
// name) prefixes errors.
//
// Errors: EINVALID naming the line, or the event (its number from 1 and
// its type) and the field, with what was expected and what was found.
func ParseScenario(r io.Reader, name string) (*Scenario, error) {
	const op = "impact.ParseScenario"
	data, err := io.ReadAll(io.LimitReader(r, maxScenarioBytes+1))
	if err != nil {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: %v", name, err)
	}
	if len(data) > maxScenarioBytes {
		return nil, lifeline.Errork(lifeline.EINVALID, op, "err.scenario.large", "%s: larger than %d bytes", name, maxScenarioBytes)
	}
	// The node tree gives each event's line, to say which event a decoding
	// error is in.
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, lifeline.Errork(lifeline.EINVALID, op, "err.scenario.yaml", "%s: %s", name, yamlMessage(err))
	}
	if err := checkLists(&root); err.English != "" {
		return nil, lifeline.Errork(lifeline.EINVALID, op, "err.scenario.in", "%s: %s", name, err)
	}
	lines := itemLines(&root)
	var sc Scenario
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&sc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, lifeline.Errork(lifeline.EINVALID, op, "err.scenario.empty", "%s: empty: want a mapping with name and events", name)
		}
		return nil, lifeline.Errork(lifeline.EINVALID, op, "err.scenario.in", "%s: %s", name, describeDecodeError(err, lines, &sc))
	}
	if err := sc.Validate(); err != nil {
		return nil, lifeline.Errork(lifeline.EINVALID, op, "err.scenario.in", "%s: %s", name, phraseOf(err))
	}
	return &sc, nil
}

// checkLists says which of the lists of events and standing faults is
// not a list, a phrase with no text when both are (or are absent).
func checkLists(root *yaml.Node) lifeline.Phrase {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return lifeline.Phrase{}
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		list := v.Kind == yaml.SequenceNode || v.Kind == yaml.AliasNode && v.Alias != nil && v.Alias.Kind == yaml.SequenceNode
		if (k.Value == "events" || k.Value == "standing") && !list && v.Tag != "!!null" {
			return lifeline.P("err.scenario.notlist", "line %d: %s: want a list, found %s", v.Line, k.Value, describeNode(v))
		}
	}
	return lifeline.Phrase{}
}

// itemLine is where an event or a standing fault starts in the document.
type itemLine struct {
	line     int
	n        int // its index in its list
	standing bool
}

// itemLines returns the first line of each event and standing fault in
// the document, in the order of their lines.
func itemLines(root *yaml.Node) []itemLine {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	m := root.Content[0]
	var out []itemLine
	for i := 0; i+1 < len(m.Content); i += 2 {
		key := m.Content[i].Value
		if (key == "events" || key == "standing") && m.Content[i+1].Kind == yaml.SequenceNode {
			for j, ev := range m.Content[i+1].Content {
				out = append(out, itemLine{line: ev.Line, n: j, standing: key == "standing"})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b itemLine) int { return a.line - b.line })
	return out
}

var (
	lineRe    = regexp.MustCompile(`^line (\d+): (.*)$`)
	unknownRe = regexp.MustCompile(`^field (\S+) not found in type impact\.(\w+)$`)
	asnRe     = regexp.MustCompile(`^ases: want an AS number such as 8452 or AS8452, found (.*)$`)
)

// knownFields lists each type's fields, for messages about unknown ones.
var knownFields = map[string]string{
	"Scenario":    "name, description, sources, standing, events, places",
	"Event":       "cut_cables, cut, region, landing_points, links, shutdown, isolation, gateways, solar_storm, earthquake, power_outage, ases, note",
	"Cut":         "cable, at",
	"Region":      "kind, polygon, circle",
	"Circle":      "center, radius_km",
	"Shutdown":    "country, transit",
	"Isolation":   "country",
	"SolarStorm":  "spacing_km, p",
	"Earthquake":  "center, magnitude",
	"PowerOutage": "region, backup_hours, duration_hours",
}

// describeDecodeError rewrites yaml's messages so that each names the event
// it is in and, for an unknown field, the fields that are known. The
// decoder's own text stays as it wrote it.
func describeDecodeError(err error, lines []itemLine, sc *Scenario) lifeline.Phrase {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return lifeline.Phrase{English: yamlMessage(err)}
	}
	var out lifeline.Phrase
	for i, msg := range te.Errors {
		part := lifeline.Phrase{English: msg}
		if m := lineRe.FindStringSubmatch(msg); m != nil {
			part = describeLine(m, lines, sc)
		}
		if i == 0 {
			out = part
		} else {
			out = lifeline.P("err.scenario.list", "%s; %s", out, part)
		}
	}
	return out
}

// describeLine says one of the decoder's messages, "line N: text", with
// the event or standing fault it is in.
func describeLine(m []string, lines []itemLine, sc *Scenario) lifeline.Phrase {
	line, _ := strconv.Atoi(m[1])
	text := lifeline.Phrase{English: m[2]}
	if u := unknownRe.FindStringSubmatch(m[2]); u != nil {
		text = lifeline.P("err.scenario.unknown", "unknown field %q; want one of: %s", u[1], knownFields[u[2]])
	} else if a := asnRe.FindStringSubmatch(m[2]); a != nil {
		text = lifeline.P("err.scenario.asn", "ases: want an AS number such as 8452 or AS8452, found %s", a[1])
	} else {
		s := strings.ReplaceAll(m[2], "!!str ", "string ")
		s = strings.ReplaceAll(s, "!!seq", "a list")
		s = strings.ReplaceAll(s, "!!map", "a mapping")
		s = strings.ReplaceAll(s, "!!int ", "number ")
		text.English = strings.ReplaceAll(s, "[]impact.ASN", "a list of AS numbers")
	}
	where := lifeline.P("err.scenario.line", "line %d", line)
	if it, ok := itemAt(lines, line); ok {
		list := sc.Events
		if it.standing {
			list = sc.Standing
		}
		t := ""
		if it.n < len(list) {
			t = list[it.n].Type()
		}
		switch {
		case it.standing && t != "":
			where = lifeline.P("err.scenario.line.standing", "standing fault %d (%s), line %d", it.n+1, t, line)
		case it.standing:
			where = lifeline.P("err.scenario.line.standing.nth", "standing fault %d, line %d", it.n+1, line)
		case t != "":
			where = lifeline.P("err.scenario.line.event", "event %d (%s), line %d", it.n+1, t, line)
		default:
			where = lifeline.P("err.scenario.line.nth", "event %d, line %d", it.n+1, line)
		}
	}
	return lifeline.P("err.scenario.at", "%s: %s", where, text)
}

// itemAt returns the event or standing fault that the line is in: the
// last one to start at or before it.
func itemAt(lines []itemLine, line int) (itemLine, bool) {
	var it itemLine
	ok := false
	for _, l := range lines {
		if l.line <= line {
			it, ok = l, true
		}
	}
	return it, ok
}

func yamlMessage(err error) string {
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

// Validate checks a scenario without an atlas: every event has exactly one
// type and well-formed fields. Names of cables, stations and countries are
// checked when the scenario is applied to a graph.
//
// Errors: EINVALID naming the event (number from 1, and type) and field,
// with a catalogue key (lifeline.Errork) so that a page can say it in the
// reader's language.
func (s *Scenario) Validate() error {
	if strings.TrimSpace(s.Name) == "" {
		return lifeline.Errork(lifeline.EINVALID, "impact.Validate", "err.scenario.name", "name: want a non-empty name")
	}
	for i := range s.Standing {
		if err := s.Standing[i].validate(i+1, true); err != nil {
			return err
		}
	}
	for i := range s.Events {
		if err := s.Events[i].validate(i+1, false); err != nil {
			return err
		}
	}
	return nil
}

// validate checks event n (from 1) of the events, or of the standing
// faults when standing is set.
func (e *Event) validate(n int, standing bool) error {
	const op = "impact.Validate"
	t := e.types()
	switch {
	case len(t) == 0 && standing:
		return lifeline.Errork(lifeline.EINVALID, op, "err.scenario.standing.nokind", "standing fault %d: want one of %s", n, standingKinds)
	case len(t) == 0:
		return lifeline.Errork(lifeline.EINVALID, op, "err.scenario.nokind", "event %d: want one of %s", n, eventKinds)
	case len(t) > 1 && standing:
		return lifeline.Errork(lifeline.EINVALID, op, "err.scenario.standing.kinds", "standing fault %d: has %s; want exactly one type per fault", n, strings.Join(t, " and "))
	case len(t) > 1:
		return lifeline.Errork(lifeline.EINVALID, op, "err.scenario.kinds", "event %d: has %s; want exactly one type per event", n, strings.Join(t, " and "))
	case standing && !slices.Contains(strings.Split(standingKinds, ", "), t[0]):
		return lifeline.Errork(lifeline.EINVALID, op, "err.scenario.standing.type", "standing fault %d (%s): a fault already standing is certain and in the infrastructure; want one of %s", n, t[0], standingKinds)
	}
	bad := func(field string, why lifeline.Phrase) error {
		if standing {
			return lifeline.Errork(lifeline.EINVALID, op, "err.scenario.standing.field", "standing fault %d (%s): %s: %s", n, t[0], field, why)
		}
		return lifeline.Errork(lifeline.EINVALID, op, "err.scenario.field", "event %d (%s): %s: %s", n, t[0], field, why)
	}
	switch {
	case e.CutCables != nil:
		if len(e.CutCables) == 0 {
			return bad("cut_cables", lifeline.P("err.scenario.cables", "want at least one cable id or name"))
		}
		for j, c := range e.CutCables {
			if strings.TrimSpace(c) == "" {
				return bad(fmt.Sprintf("cut_cables[%d]", j), lifeline.P("err.scenario.cable.empty", "want a cable id or name, found an empty string"))
			}
		}
	case e.Cut != nil:
		if strings.TrimSpace(e.Cut.Cable) == "" {
			return bad("cable", lifeline.P("err.scenario.cable", "want a cable id or name"))
		}
		if why := checkLonLat(e.Cut.At); why.English != "" {
			return bad("at", why)
		}
	case e.Region != nil:
		if e.Region.Kind == "" {
			return bad("kind", lifeline.P("err.scenario.kind", "want one of %s", strings.Join(RegionKinds, ", ")))
		}
		if !slices.Contains(RegionKinds, e.Region.Kind) {
			return bad("kind", lifeline.P("err.scenario.kind.bad", "want one of %s, found %q", strings.Join(RegionKinds, ", "), e.Region.Kind))
		}
		if field, why := e.Region.validate(); field != "" {
			return bad(field, why)
		}
	case e.LandingPoints != nil:
		if len(e.LandingPoints) == 0 {
			return bad("landing_points", lifeline.P("err.scenario.lps", "want at least one landing point id or name"))
		}
		for j, c := range e.LandingPoints {
			if strings.TrimSpace(c) == "" {
				return bad(fmt.Sprintf("landing_points[%d]", j), lifeline.P("err.scenario.lp.empty", "want a landing point id or name, found an empty string"))
			}
		}
	case e.Links != nil:
		if len(e.Links) == 0 {
			return bad("links", lifeline.P("err.scenario.links", "want at least one terrestrial link id such as MR-SN"))
		}
		for j, c := range e.Links {
			if a, b, ok := strings.Cut(strings.TrimSpace(c), "-"); !ok || len(a) != 2 || len(b) != 2 {
				return bad(fmt.Sprintf("links[%d]", j), lifeline.P("err.scenario.link", "want a link id of two country codes such as MR-SN, found %q", c))
			}
		}
	case e.Shutdown != nil:
		if strings.TrimSpace(e.Shutdown.Country) == "" {
			return bad("country", lifeline.P("err.scenario.country", "want an ISO 3166-1 code or a country name"))
		}
	case e.Isolation != nil:
		if strings.TrimSpace(e.Isolation.Country) == "" {
			return bad("country", lifeline.P("err.scenario.country", "want an ISO 3166-1 code or a country name"))
		}
	case e.Gateways != nil:
		if len(e.Gateways) == 0 {
			return bad("gateways", lifeline.P("err.scenario.gateways", "want at least one country with a national gateway"))
		}
		for j, c := range e.Gateways {
			if strings.TrimSpace(c) == "" {
				return bad(fmt.Sprintf("gateways[%d]", j), lifeline.P("err.scenario.country.empty", "want an ISO 3166-1 code or a country name, found an empty string"))
			}
		}
	case e.SolarStorm != nil:
		s := e.SolarStorm
		if !(s.SpacingKm > 0) || math.IsInf(s.SpacingKm, 0) {
			return bad("spacing_km", lifeline.P("err.scenario.spacing", "want a positive distance between repeaters, found %v", s.SpacingKm))
		}
		if len(s.P) != 3 {
			return bad("p", lifeline.P("err.scenario.p", "want three probabilities [p_high, p_mid, p_low], found %d", len(s.P)))
		}
		for j, p := range s.P {
			if !(p >= 0 && p <= 1) {
				return bad(fmt.Sprintf("p[%d]", j), lifeline.P("err.scenario.prob", "want a probability in 0..1, found %v", p))
			}
		}
	case e.Earthquake != nil:
		if why := checkLonLat(e.Earthquake.Center); why.English != "" {
			return bad("center", why)
		}
		if m := e.Earthquake.Magnitude; !(m >= 4 && m <= 10) {
			return bad("magnitude", lifeline.P("err.scenario.magnitude", "want a moment magnitude in 4..10, found %v", m))
		}
	case e.ASes != nil:
		if len(e.ASes) == 0 {
			return bad("ases", lifeline.P("err.scenario.ases", "want at least one AS number"))
		}
		for j, a := range e.ASes {
			if a == 0 {
				return bad(fmt.Sprintf("ases[%d]", j), lifeline.P("err.scenario.as0", "AS 0 is reserved and names no network"))
			}
		}
	case e.PowerOutage != nil:
		p := e.PowerOutage
		if p.Region == nil {
			return bad("region", lifeline.P("err.scenario.area", "want a polygon or a circle"))
		}
		if field, why := p.Region.validate(); field != "" {
			return bad("region."+field, why)
		}
		if !(p.BackupHours >= 0) || math.IsInf(p.BackupHours, 0) {
			return bad("backup_hours", lifeline.P("err.scenario.backup", "want hours of backup power, 0 or more, found %v", p.BackupHours))
		}
		if !(p.DurationHours > 0) || math.IsInf(p.DurationHours, 0) {
			return bad("duration_hours", lifeline.P("err.scenario.duration", "want the outage's length in hours, more than 0, found %v", p.DurationHours))
		}
	}
	return nil
}

// eventKinds lists the types an event may have, as the language writes them.
const eventKinds = "cut_cables, cut, region, landing_points, links, shutdown, isolation, gateways, solar_storm, earthquake, power_outage, ases"

// standingKinds lists the types a standing fault may have: the certain
// events of the infrastructure. A fault drawn by chance would make the
// network before the events differ from sample to sample, and the AS
// level (ases) does not see the infrastructure's faults.
const standingKinds = "cut_cables, cut, region, landing_points, links, shutdown, isolation, gateways, power_outage"

// validate checks the area and returns the faulty field and why, or "".
func (r *Region) validate() (string, lifeline.Phrase) {
	switch {
	case r.Polygon != nil && r.Circle != nil:
		return "polygon", lifeline.P("err.scenario.area.both", "want a polygon or a circle, not both")
	case r.Polygon != nil:
		n := len(r.Polygon)
		if n > 0 && slices.Equal(r.Polygon[0], r.Polygon[n-1]) {
			n-- // closed ring
		}
		if n < 3 {
			return "polygon", lifeline.P("err.scenario.polygon", "want at least 3 distinct points, found %d", n)
		}
		for j, p := range r.Polygon {
			if why := checkLonLat(p); why.English != "" {
				return fmt.Sprintf("polygon[%d]", j), why
			}
		}
	case r.Circle != nil:
		if why := checkLonLat(r.Circle.Center); why.English != "" {
			return "circle.center", why
		}
		if rk := r.Circle.RadiusKm; !(rk > 0 && rk <= 20000) {
			return "circle.radius_km", lifeline.P("err.scenario.radius", "want a radius in km, more than 0 and at most 20000, found %v", rk)
		}
	default:
		return "polygon", lifeline.P("err.scenario.area", "want a polygon or a circle")
	}
	return "", lifeline.Phrase{}
}

// checkLonLat says what is wrong with a [lon, lat] pair; a phrase with no
// text when nothing is.
func checkLonLat(p []float64) lifeline.Phrase {
	if len(p) != 2 {
		return lifeline.P("err.scenario.lonlat.len", "want [lon, lat], found %d number(s)", len(p))
	}
	if !(p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90) {
		return lifeline.P("err.scenario.lonlat", "want [lon, lat] with lon in -180..180 and lat in -90..90, found [%v, %v]", p[0], p[1])
	}
	return lifeline.Phrase{}
}

// phraseOf makes err an argument of a keyed message: the key and
// arguments of a lifeline.Error without a cause, its text otherwise.
func phraseOf(err error) lifeline.Phrase {
	if le, ok := err.(*lifeline.Error); ok && le.Err == nil {
		return lifeline.Phrase{Key: le.Key, Args: le.Args, English: le.Message}
	}
	return lifeline.Phrase{English: err.Error()}
}
