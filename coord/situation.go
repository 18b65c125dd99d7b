package coord

import (
	"context"
	"slices"
	"strings"
	"time"

	"lifeline"
)

// SituationKind says what context a country is in: what the normative
// layer (package norms) needs to know to say which law applies.
type SituationKind string

// The kinds of situation.
const (
	SituationInternationalArmedConflict    SituationKind = "international_armed_conflict"
	SituationNonInternationalArmedConflict SituationKind = "non_international_armed_conflict"
	SituationOccupation                    SituationKind = "occupation"
	SituationStateOfEmergency              SituationKind = "state_of_emergency"
	SituationDisaster                      SituationKind = "disaster"
	SituationNone                          SituationKind = "none"
)

// SituationKinds lists the kinds of situation.
var SituationKinds = []SituationKind{SituationInternationalArmedConflict, SituationNonInternationalArmedConflict,
	SituationOccupation, SituationStateOfEmergency, SituationDisaster, SituationNone}

// Situation is the context of one country for one period, as a
// coordinator recorded it, with the source that establishes it (a UN
// document, a proclamation in the official gazette, an ICRC
// classification). Recording one is a signed event like any other; a
// situation is never changed, only followed by another.
type Situation struct {
	ID      string        `json:"id"`
	Country string        `json:"country"`         // ISO 3166-1 alpha-2
	Kind    SituationKind `json:"kind"`            //
	From    string        `json:"from"`            // YYYY-MM-DD, the first day
	Until   string        `json:"until,omitempty"` // YYYY-MM-DD, the last day; empty while it lasts
	Source  string        `json:"source"`          // what establishes it
	Note    string        `json:"note,omitempty"`
	Marking
	Created time.Time `json:"created"`
}

// NewSituation prepares s, as recorded by v at now: it sets the source and
// the times — TLP:CLEAR unless it says otherwise, since the sources of
// situations are public — and validates. EFORBIDDEN without the
// coordinator role, EINVALID for bad fields.
func NewSituation(v Viewer, s *Situation, now time.Time) error {
	const op = "coord.NewSituation"
	if v.Anonymous() || !v.Role.AtLeast(RoleCoordinator) {
		return lifeline.Errorf(lifeline.EFORBIDDEN, op, "recording a situation needs the coordinator role")
	}
	if s.TLP == "" {
		s.TLP = TLPClear
	}
	s.Marking.fromSource(v)
	s.Created = now.UTC()
	return s.Validate()
}

// Validate checks a situation's fields.
func (s *Situation) Validate() error {
	const op = "coord.Situation"
	if err := validateCountries(op, "country", []string{s.Country}); err != nil {
		return err
	}
	if !slices.Contains(SituationKinds, s.Kind) {
		kinds := make([]string, len(SituationKinds))
		for i, k := range SituationKinds {
			kinds[i] = string(k)
		}
		return lifeline.Errorf(lifeline.EINVALID, op, "kind: expected one of %s, found %q", strings.Join(kinds, ", "), truncate(string(s.Kind), 40))
	}
	from, err := time.Parse(time.DateOnly, s.From)
	if err != nil {
		return lifeline.Errorf(lifeline.EINVALID, op, "from: expected a date YYYY-MM-DD, found %q", truncate(s.From, 40))
	}
	if s.Until != "" {
		until, err := time.Parse(time.DateOnly, s.Until)
		if err != nil {
			return lifeline.Errorf(lifeline.EINVALID, op, "until: expected a date YYYY-MM-DD or nothing, found %q", truncate(s.Until, 40))
		}
		if until.Before(from) {
			return lifeline.Errorf(lifeline.EINVALID, op, "until: %s is before from, %s", s.Until, s.From)
		}
	}
	if strings.TrimSpace(s.Source) == "" || len(s.Source) > 2000 {
		return lifeline.Errorf(lifeline.EINVALID, op, "source: required, at most 2000 bytes: say what establishes the situation (a UN document, the official gazette, …)")
	}
	if len(s.Note) > 4000 {
		return lifeline.Errorf(lifeline.EINVALID, op, "note: at most 4000 bytes, found %d", len(s.Note))
	}
	return s.Marking.Validate()
}

// SituationService records and lists situations.
type SituationService interface {
	// RecordSituation records s by the viewer (NewSituation); it sets the
	// id.
	RecordSituation(ctx context.Context, v Viewer, s *Situation) error
	// FindSituations lists the situations the viewer may see, oldest
	// first, narrowed by f.Country.
	FindSituations(ctx context.Context, v Viewer, f ListFilter) (Page[*Situation], error)
}

// EventSituationRecorded records a situation; its payload is the
// situation.
const EventSituationRecorded = "situation.recorded"
