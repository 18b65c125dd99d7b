package norms

import "slices"

// Field is one fact the conditions of an entry may test: a field of the
// incident, a value derived from it (region, element kind) or the recorded
// context (situation). Every clause of every rule names one of [Fields].
type Field struct {
	Name    string  // as written in the catalogue, e.g. "kind"
	Doc     string  // what the field says, for docs/norms.md and --help
	Context bool    // true when the value comes from recorded context, not the incident
	Values  []Value // the values a clause may ask for
}

// Value is one value of a field, with the phrase that explains it in a
// finding's reasons.
type Value struct {
	Name   string // as written in the catalogue, e.g. "shutdown"
	Phrase string // e.g. "the incident is a shutdown"
}

// Fields lists every field a condition may test, in the order findings
// explain them.
var Fields = []Field{
	{Name: "kind", Doc: "what happened (the incident kinds of coord)", Values: []Value{
		{"cable_cut", "the incident is a cable cut"},
		{"power_outage", "the incident is a power outage"},
		{"shutdown", "the incident is a shutdown"},
		{"throttling", "the incident is a throttling (deliberate slowdown)"},
		{"physical_attack", "the incident is a physical attack on infrastructure"},
		{"cyber_attack", "the incident is a cyber attack"},
		{"natural_hazard", "the incident is caused by a natural hazard"},
		{"equipment_seizure", "the incident is a seizure of equipment"},
		{"repair_access_denied", "repair access was denied"},
		{"core_resource_governance", "the incident concerns the governance of a core Internet resource"},
		{"other", "the incident is of another kind"},
	}},
	{Name: "actor", Doc: "who ordered the shutdown (STOP ordered_by) or is said to have carried out the act", Values: []Value{
		{"government", "it was ordered or carried out by the government or another executive authority"},
		{"court", "it was ordered by a court"},
		{"military", "it was ordered or carried out by the military or security forces"},
		{"armed_group", "it was carried out by a non-state armed group"},
		{"operator", "it was decided by a network operator on its own initiative"},
		{"other", "it was ordered or carried out by someone else"},
		{"unknown", "who ordered or carried it out is unknown"},
	}},
	{Name: "justification", Doc: "the reason the authorities gave (STOP gov_justification)", Values: reasonValues("the authorities gave", true)},
	{Name: "actual_cause", Doc: "the cause documenters established (STOP actual_cause)", Values: reasonValues("documenters established", false)},
	{Name: "geo_scope", Doc: "how far the shutdown reached (STOP geo_scope)", Values: []Value{
		{"local", "it was local"},
		{"regional", "it was regional"},
		{"national", "it was nationwide"},
	}},
	{Name: "shutdown_type", Doc: "full stop or slowdown (STOP shutdown_type)", Values: []Value{
		{"shutdown", "service was stopped"},
		{"throttle", "service was slowed down"},
	}},
	{Name: "extent", Doc: "the whole network or named services (STOP shutdown_extent)", Values: []Value{
		{"full_network", "the whole network was cut"},
		{"service_based", "named services or platforms were blocked"},
	}},
	{Name: "election", Doc: "whether it happened around an election (STOP election)", Values: boolValues("it happened around an election", "it was not related to an election")},
	{Name: "violence", Doc: "whether violence was reported alongside (STOP violence)", Values: boolValues("violence was reported alongside it", "no violence was reported")},
	{Name: "hr_abuse_reported", Doc: "whether human rights abuses were reported (STOP hr_abuse_reported)", Values: boolValues("human rights abuses were reported during it", "no human rights abuses were reported")},
	{Name: "telcos_involved", Doc: "whether named operators carried it out (derived: STOP telcos_involved is not empty)", Values: boolValues("named operators carried it out", "no operator is named")},
	{Name: "element", Doc: "kinds of affected element (derived from the atlas element ids and AS numbers)", Values: []Value{
		{"cable", "a submarine cable is affected"},
		{"landing_point", "a cable landing station is affected"},
		{"land_link", "a terrestrial cross-border link is affected"},
		{"network", "a network (autonomous system) is affected"},
		{"other", "another kind of element is affected"},
	}},
	{Name: "region", Doc: "regional human rights systems the affected countries belong to at the time (derived from the membership table)", Values: []Value{
		{"african_charter", "is a party to the African Charter on Human and Peoples' Rights"},
		{"ecowas", "is a member of ECOWAS, whose Court of Justice hears human rights cases"},
		{"echr", "is a party to the European Convention on Human Rights"},
		{"achr", "is a party to the American Convention on Human Rights"},
	}},
	{Name: "situation", Context: true, Doc: "the recorded context of an affected country during the incident", Values: []Value{
		{"international_armed_conflict", "an international armed conflict"},
		{"non_international_armed_conflict", "a non-international armed conflict"},
		{"occupation", "an occupation"},
		{"state_of_emergency", "a declared state of emergency"},
		{"disaster", "a disaster"},
		{"none", "no armed conflict, occupation, emergency or disaster"},
	}},
}

func reasonValues(who string, given bool) []Value {
	v := []Value{
		{"national_security", "the reason " + who + " is national security"},
		{"public_order", "the reason " + who + " is public order or public safety"},
		{"exams", "the reason " + who + " is preventing cheating in exams"},
		{"elections", "the reason " + who + " is tied to an election"},
		{"protests", "the reason " + who + " is protests"},
		{"disinformation", "the reason " + who + " is disinformation or hate speech"},
		{"information_control", "the reason " + who + " is controlling information"},
		{"communal_violence", "the reason " + who + " is communal violence"},
		{"military_operations", "the reason " + who + " is military operations"},
		{"other", "the reason " + who + " is another one"},
		{"unknown", "the reason is unknown"},
	}
	if given {
		v = append(v, Value{"none_given", "the authorities gave no reason"})
	}
	return v
}

func boolValues(yes, no string) []Value {
	return []Value{{"true", yes}, {"false", no}}
}

// FieldByName returns the field called name.
func FieldByName(name string) (Field, bool) {
	i := slices.IndexFunc(Fields, func(f Field) bool { return f.Name == name })
	if i < 0 {
		return Field{}, false
	}
	return Fields[i], true
}

// Has reports whether v is one of the field's values.
func (f Field) Has(v string) bool {
	return slices.ContainsFunc(f.Values, func(x Value) bool { return x.Name == v })
}

// ValueNames lists the names of the field's values.
func (f Field) ValueNames() []string {
	out := make([]string, len(f.Values))
	for i, v := range f.Values {
		out[i] = v.Name
	}
	return out
}

func (f Field) phrase(v string) string {
	for _, x := range f.Values {
		if x.Name == v {
			return x.Phrase
		}
	}
	return v
}

func fieldOrder(name string) int {
	return slices.IndexFunc(Fields, func(f Field) bool { return f.Name == name })
}

// Kinds of entry.
var Kinds = []string{"treaty", "customary_rule", "resolution", "general_comment", "judgment", "standard", "soft_law"}

// Addressees an entry may bind or address.
var Addressees = []string{"states", "states_parties", "parties_to_conflict", "occupying_powers", "companies", "operators", "itu_member_states", "investigators"}

// Topic is a field of law the catalogue groups its entries by. Title is
// the heading docs/norms.md lists the topic's entries under.
type Topic struct {
	Name  string // as written in the catalogue, e.g. "humanitarian_law"
	Title string // e.g. "Humanitarian law"
}

// Topics lists the topics in the order docs/norms.md presents them.
var Topics = []Topic{
	{"human_rights", "Human rights: universal"},
	{"regional_systems", "Human rights: regional systems and courts"},
	{"humanitarian_law", "Humanitarian law"},
	{"itu_law", "ITU law"},
	{"disaster_relief", "Tampere Convention"},
	{"law_of_the_sea", "Law of the sea and submarine cables"},
	{"cyber_norms", "Responsible state behaviour in cyberspace"},
	{"business", "Business and human rights"},
	{"evidence", "Evidence"},
}

// TopicByName returns the topic called name.
func TopicByName(name string) (Topic, bool) {
	i := slices.IndexFunc(Topics, func(t Topic) bool { return t.Name == name })
	if i < 0 {
		return Topic{}, false
	}
	return Topics[i], true
}

func topicNames() []string {
	out := make([]string, len(Topics))
	for i, t := range Topics {
		out[i] = t.Name
	}
	return out
}
