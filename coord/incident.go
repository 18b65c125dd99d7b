package coord

import (
	"math"
	"slices"
	"strings"
	"time"

	"lifeline"
)

// IncidentKind says what happened.
type IncidentKind string

// The kinds of incident.
const (
	KindCableCut               IncidentKind = "cable_cut"
	KindPowerOutage            IncidentKind = "power_outage"
	KindShutdown               IncidentKind = "shutdown"
	KindThrottling             IncidentKind = "throttling"
	KindPhysicalAttack         IncidentKind = "physical_attack"
	KindCyberAttack            IncidentKind = "cyber_attack"
	KindNaturalHazard          IncidentKind = "natural_hazard"
	KindEquipmentSeizure       IncidentKind = "equipment_seizure"
	KindRepairAccessDenied     IncidentKind = "repair_access_denied"
	KindCoreResourceGovernance IncidentKind = "core_resource_governance"
	KindOther                  IncidentKind = "other"
)

// IncidentKinds lists the kinds of incident.
var IncidentKinds = []IncidentKind{KindCableCut, KindPowerOutage, KindShutdown, KindThrottling,
	KindPhysicalAttack, KindCyberAttack, KindNaturalHazard, KindEquipmentSeizure,
	KindRepairAccessDenied, KindCoreResourceGovernance, KindOther}

// Valid reports whether k is a known kind.
func (k IncidentKind) Valid() bool { return slices.Contains(IncidentKinds, k) }

// IncidentStatus is where an incident is in its lifecycle:
// reported → verified → responding → restoring → resolved, or dismissed
// from any step before resolved.
type IncidentStatus string

// The incident lifecycle.
const (
	IncidentReported   IncidentStatus = "reported"
	IncidentVerified   IncidentStatus = "verified"
	IncidentResponding IncidentStatus = "responding"
	IncidentRestoring  IncidentStatus = "restoring"
	IncidentResolved   IncidentStatus = "resolved"
	IncidentDismissed  IncidentStatus = "dismissed"
)

var incidentNext = map[IncidentStatus]IncidentStatus{
	IncidentReported:   IncidentVerified,
	IncidentVerified:   IncidentResponding,
	IncidentResponding: IncidentRestoring,
	IncidentRestoring:  IncidentResolved,
}

// Valid reports whether s is a known status.
func (s IncidentStatus) Valid() bool {
	_, ok := incidentNext[s]
	return ok || s == IncidentResolved || s == IncidentDismissed
}

// CAP 1.2 severity, urgency and certainty.
const (
	SeverityExtreme   = "Extreme"
	SeveritySevere    = "Severe"
	SeverityModerate  = "Moderate"
	SeverityMinor     = "Minor"
	UrgencyImmediate  = "Immediate"
	UrgencyExpected   = "Expected"
	UrgencyFuture     = "Future"
	UrgencyPast       = "Past"
	CertaintyObserved = "Observed"
	CertaintyLikely   = "Likely"
	CertaintyPossible = "Possible"
	CertaintyUnlikely = "Unlikely"
	Unknown           = "Unknown"
)

var (
	severities  = []string{SeverityExtreme, SeveritySevere, SeverityModerate, SeverityMinor, Unknown}
	urgencies   = []string{UrgencyImmediate, UrgencyExpected, UrgencyFuture, UrgencyPast, Unknown}
	certainties = []string{CertaintyObserved, CertaintyLikely, CertaintyPossible, CertaintyUnlikely, Unknown}
)

// Incident is a disruption of connectivity that someone reported.
type Incident struct {
	ID          string         `json:"id"`
	Title       string         `json:"title"`
	Description string         `json:"description,omitempty"`
	Kind        IncidentKind   `json:"kind"`
	Status      IncidentStatus `json:"status"`
	Countries   []string       `json:"countries,omitempty"`
	Area        *Area          `json:"area,omitempty"`
	Elements    []string       `json:"elements,omitempty"` // atlas element ids, e.g. "cable:seacom"
	ASNs        []uint32       `json:"asns,omitempty"`
	Start       *time.Time     `json:"start,omitempty"`
	End         *time.Time     `json:"end,omitempty"`
	Severity    string         `json:"severity,omitempty"`  // CAP
	Urgency     string         `json:"urgency,omitempty"`   // CAP
	Certainty   string         `json:"certainty,omitempty"` // CAP
	Evidence    []Evidence     `json:"evidence,omitempty"`
	Shutdown    *Shutdown      `json:"shutdown,omitempty"`
	Restoration []Restoration  `json:"restoration,omitempty"`
	Marking
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	Version int64     `json:"version"` // the ledger sequence of the last change
}

// Evidence supports an incident: a link, a measurement signal or the hash
// of a file kept elsewhere (files themselves may endanger their source).
type Evidence struct {
	Kind   string `json:"kind"` // link, signal or file
	URL    string `json:"url,omitempty"`
	Signal string `json:"signal,omitempty"` // e.g. "ioda:bgp:AS37211"
	SHA256 string `json:"sha256,omitempty"` // hex, for files
	Note   string `json:"note,omitempty"`
	// Drop is how far the signal fell, 0..1, when it was measured: what
	// attribution reads (DropsOf).
	Drop float64 `json:"drop,omitempty"`
}

// Shutdown carries the fields of Access Now's #KeepItOn STOP dataset for
// incidents of kind shutdown or throttling.
type Shutdown struct {
	GeoScope         string   `json:"geo_scope,omitempty"` // local, regional, national
	AreaName         string   `json:"area_name,omitempty"`
	Type             string   `json:"shutdown_type,omitempty"`   // shutdown, throttle
	Extent           string   `json:"shutdown_extent,omitempty"` // full_network, service_based
	AffectedNetworks []string `json:"affected_network,omitempty"`
	OrderedBy        string   `json:"ordered_by,omitempty"`
	DecisionMaker    string   `json:"decision_maker,omitempty"`
	ActualCause      string   `json:"actual_cause,omitempty"`
	GovJustification string   `json:"gov_justification,omitempty"`
	GovAck           *bool    `json:"gov_ack,omitempty"`
	InfoSource       string   `json:"info_source,omitempty"`
	InfoSourceLink   string   `json:"info_source_link,omitempty"`
	Services         []string `json:"services,omitempty"` // facebook, whatsapp, telegram, sms, phonecall, …
	TelcosInvolved   []string `json:"telcos_involved,omitempty"`
	Election         *bool    `json:"election,omitempty"`
	Violence         *bool    `json:"violence,omitempty"`
	HRAbuseReported  *bool    `json:"hr_abuse_reported,omitempty"`
}

// Validate checks an incident's fields and its marking. It returns
// EINVALID naming the first bad field.
func (in *Incident) Validate() error {
	const op = "coord.Incident.Validate"
	if err := validateText(op, "title", in.Title, 300, true); err != nil {
		return err
	}
	if err := validateText(op, "description", in.Description, 20000, false); err != nil {
		return err
	}
	if !in.Kind.Valid() {
		return lifeline.Errork(lifeline.EINVALID, op, "err.incident.kind", "kind: expected one of %s, found %q", joinIncidentKinds(), in.Kind)
	}
	if !in.Status.Valid() {
		return lifeline.Errork(lifeline.EINVALID, op, "err.incident.status", "status: unknown %q", in.Status)
	}
	if err := validateCountries(op, "countries", in.Countries); err != nil {
		return err
	}
	if in.Area != nil {
		if err := in.Area.Validate(); err != nil {
			return err
		}
	}
	if len(in.Elements) > 10000 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.elements.many", "elements: at most 10000")
	}
	for i, e := range in.Elements {
		if e == "" || len(e) > 200 {
			return lifeline.Errork(lifeline.EINVALID, op, "err.element.id", "elements[%d]: expected an atlas element id of 1 to 200 bytes", i)
		}
	}
	for i, a := range in.ASNs {
		if a == 0 {
			return lifeline.Errork(lifeline.EINVALID, op, "err.asn.zero", "asns[%d]: 0 is not an AS number", i)
		}
	}
	if in.Start != nil && in.End != nil && in.End.Before(*in.Start) {
		return lifeline.Errork(lifeline.EINVALID, op, "err.incident.end", "end: %s is before start %s", in.End.Format(time.RFC3339), in.Start.Format(time.RFC3339))
	}
	if err := validateEnum(op, "severity", in.Severity, severities); err != nil {
		return err
	}
	if err := validateEnum(op, "urgency", in.Urgency, urgencies); err != nil {
		return err
	}
	if err := validateEnum(op, "certainty", in.Certainty, certainties); err != nil {
		return err
	}
	if len(in.Evidence) > 500 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.evidence.many", "evidence: at most 500 items")
	}
	for i, e := range in.Evidence {
		if err := e.validate(i); err != nil {
			return err
		}
	}
	if in.Shutdown != nil {
		if err := in.Shutdown.validate(); err != nil {
			return err
		}
	}
	for i := range in.Restoration {
		if err := in.Restoration[i].validate(i); err != nil {
			return err
		}
		if !slices.Contains(in.Elements, in.Restoration[i].Element) {
			return lifeline.Errork(lifeline.EINVALID, op, "err.elements.restored", "elements: %s has a restoration timeline and must stay listed", in.Restoration[i].Element)
		}
	}
	return in.Marking.Validate()
}

func (e Evidence) validate(i int) error {
	const op = "coord.Incident.Validate"
	switch e.Kind {
	case "link":
		if !strings.HasPrefix(e.URL, "https://") && !strings.HasPrefix(e.URL, "http://") {
			return lifeline.Errork(lifeline.EINVALID, op, "err.evidence.url", "evidence[%d].url: expected an http(s) URL, found %q", i, e.URL)
		}
	case "signal":
		if e.Signal == "" {
			return lifeline.Errork(lifeline.EINVALID, op, "err.evidence.signal", "evidence[%d].signal: required for kind signal", i)
		}
	case "file":
		if len(e.SHA256) != 64 || strings.Trim(e.SHA256, "0123456789abcdef") != "" {
			return lifeline.Errork(lifeline.EINVALID, op, "err.evidence.sha", "evidence[%d].sha256: expected 64 lower-case hex digits, found %q", i, e.SHA256)
		}
	default:
		return lifeline.Errork(lifeline.EINVALID, op, "err.evidence.kind", "evidence[%d].kind: expected link, signal or file, found %q", i, e.Kind)
	}
	if math.IsNaN(e.Drop) || e.Drop < 0 || e.Drop > 1 || e.Drop > 0 && e.Kind != "signal" {
		return lifeline.Errork(lifeline.EINVALID, op, "err.evidence.drop", "evidence[%d].drop: expected a share from 0 to 1 for a signal, found %v", i, e.Drop)
	}
	if len(e.URL)+len(e.Signal)+len(e.Note) > 4000 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.evidence.long", "evidence[%d]: at most 4000 bytes", i)
	}
	return nil
}

func (s *Shutdown) validate() error {
	const op = "coord.Incident.Validate"
	if err := validateEnum(op, "shutdown.geo_scope", s.GeoScope, []string{"local", "regional", "national"}); err != nil {
		return err
	}
	if err := validateEnum(op, "shutdown.shutdown_type", s.Type, []string{"shutdown", "throttle"}); err != nil {
		return err
	}
	if err := validateEnum(op, "shutdown.shutdown_extent", s.Extent, []string{"full_network", "service_based"}); err != nil {
		return err
	}
	n := len(s.AreaName) + len(s.OrderedBy) + len(s.DecisionMaker) + len(s.ActualCause) +
		len(s.GovJustification) + len(s.InfoSource) + len(s.InfoSourceLink)
	for _, l := range [][]string{s.AffectedNetworks, s.Services, s.TelcosInvolved} {
		if len(l) > 200 {
			return lifeline.Errork(lifeline.EINVALID, op, "err.shutdown.names", "shutdown: a list holds at most 200 names")
		}
		for _, x := range l {
			n += len(x)
		}
	}
	if n > 20000 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.shutdown.long", "shutdown: at most 20000 bytes of text")
	}
	return nil
}

func validateText(op, field, s string, maxLen int, required bool) error {
	if required && strings.TrimSpace(s) == "" {
		return lifeline.Errork(lifeline.EINVALID, op, "err.required", "%s: required", lifeline.Field(field))
	}
	if len(s) > maxLen {
		return lifeline.Errork(lifeline.EINVALID, op, "err.toolong", "%s: at most %d bytes, found %d", lifeline.Field(field), maxLen, len(s))
	}
	return nil
}

func validateEnum(op, field, s string, allowed []string) error {
	if s == "" || slices.Contains(allowed, s) {
		return nil
	}
	return lifeline.Errork(lifeline.EINVALID, op, "err.oneof", "%s: expected one of %s, found %q", lifeline.Field(field), strings.Join(allowed, ", "), s)
}

func joinIncidentKinds() string {
	s := make([]string, len(IncidentKinds))
	for i, k := range IncidentKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// Elements says which atlas elements exist, by the ids incidents list
// ("cable:seacom", "landing_point:port-sudan-sudan"); *atlas.Atlas
// implements it.
type Elements interface {
	HasElement(id string) bool
}

// ValidateElements refuses an element id of ids that known does not have,
// naming it. Ids in was — listed before — are not asked again: an atlas
// may lose an element an incident named when it was reported. A nil known
// accepts every id.
func ValidateElements(known Elements, ids, was []string) error {
	if known == nil {
		return nil
	}
	for i, id := range ids {
		if !slices.Contains(was, id) && !known.HasElement(id) {
			return lifeline.Errork(lifeline.EINVALID, "coord.ValidateElements", "err.elements.unknown", "elements[%d]: no atlas element %q; expected the id of an element of the atlas, such as \"cable:seacom\" or \"landing_point:port-sudan-sudan\"", i, truncate(id, 80))
		}
	}
	return nil
}

// CanCoordinate reports whether v may move an item with marking m along
// its lifecycle: a coordinator (or more) who can see it and whose
// organisation is the source or named, or — for TLP:CLEAR and TLP:GREEN
// items — any verified organisation, since the community is meant to act
// on those.
func CanCoordinate(v Viewer, m Marking) bool {
	if !v.Role.AtLeast(RoleCoordinator) || !CanSee(v, m) {
		return false
	}
	if v.OrgID == m.Org || slices.Contains(m.Orgs, v.OrgID) || slices.Contains(m.Members, v.MemberID) {
		return true
	}
	return (m.TLP == TLPClear || m.TLP == TLPGreen) && v.OrgVerified
}

// CanEdit reports whether v may change an item's content — what it says:
// title, description, countries, area, quantity, validity, place and the
// like. Content stays with its source: only a reporter (or more) of the
// source organisation may change it. Others who may coordinate an item
// move its status and repairs (CanCoordinate) and may widen its marking
// (CanWiden), but never rewrite what another organisation reported — nor
// may a recipient named by a TLP:AMBER+STRICT or TLP:RED item.
func CanEdit(v Viewer, m Marking) bool {
	return CanSee(v, m) && v.OrgID == m.Org && v.Role.AtLeast(RoleReporter)
}

// contentEdit returns an EFORBIDDEN error naming the first content field
// of fields that is set, if v may not change the content of an item of
// marking m (CanEdit); what names the kind of item.
func contentEdit(v Viewer, m Marking, op, what string, fields []field) error {
	for _, f := range fields {
		if f.set && !CanEdit(v, m) {
			switch what {
			case "need":
				return lifeline.Errork(lifeline.EFORBIDDEN, op, "err.content.need", "%s: only reporters of the organisation that reported the need may change what it says; others it is shared with may move its status", lifeline.Field(f.name))
			case "offer":
				return lifeline.Errork(lifeline.EFORBIDDEN, op, "err.content.offer", "%s: only reporters of the organisation that reported the offer may change what it says; others it is shared with may move its status", lifeline.Field(f.name))
			}
			return lifeline.Errork(lifeline.EFORBIDDEN, op, "err.content.incident", "%s: only reporters of the organisation that reported the incident may change what it says; others it is shared with may move its status", lifeline.Field(f.name))
		}
	}
	return nil
}

// field is a field of an update: its name in JSON, and whether the
// update sets it.
type field struct {
	name string
	set  bool
}

// noChange is the error of an update that sets no field.
func noChange(op string, fields []field) error {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return lifeline.Errork(lifeline.EINVALID, op, "err.nochange", "body: nothing to change; name at least one of %s", strings.Join(names, ", "))
}

// CanCreate reports whether v may report incidents, needs and offers: a
// reporter (or more) of any organisation.
func CanCreate(v Viewer) error {
	if v.Anonymous() || !v.Role.AtLeast(RoleReporter) {
		return lifeline.Errork(lifeline.EFORBIDDEN, "coord.CanCreate", "err.incident.reporter", "reporting needs the reporter role")
	}
	return nil
}

// CanMoveIncident reports whether v may move in from its status to to. It
// returns ENOTFOUND if v may not see the incident, ECONFLICT for a step the
// lifecycle does not have, and EFORBIDDEN for a step v may not take.
// Verification must come from a verified organisation other than the
// source; every other step from one who may coordinate the incident.
func CanMoveIncident(v Viewer, in *Incident, to IncidentStatus) error {
	const op = "coord.CanMoveIncident"
	if !CanSee(v, in.Marking) {
		return lifeline.Errorf(lifeline.ENOTFOUND, op, "no such incident")
	}
	from := in.Status
	if to != IncidentDismissed && incidentNext[from] != to || to == IncidentDismissed && (from == IncidentResolved || from == IncidentDismissed) {
		return lifeline.Errork(lifeline.ECONFLICT, op, "err.incident.move", "status: an incident cannot go from %s to %s", enumP("status", from), enumP("status", to))
	}
	if !CanCoordinate(v, in.Marking) {
		return lifeline.Errork(lifeline.EFORBIDDEN, op, "err.incident.coord", "moving an incident to %s needs a coordinator of an organisation it is shared with", enumP("status", to))
	}
	if to == IncidentVerified && (!v.OrgVerified || v.OrgID == in.Org) {
		return lifeline.Errork(lifeline.EFORBIDDEN, op, "err.incident.verify", "an incident is verified by a verified organisation other than its source")
	}
	return nil
}
