package coord

import (
	"slices"
	"strings"
	"time"

	"lifeline"
)

// NewIncident prepares in, as reported by v at now, for storing: it sets
// the status, source, times and an unset TLP (TLP:AMBER), then validates.
// EFORBIDDEN without the reporter role; EINVALID for bad fields.
func NewIncident(v Viewer, in *Incident, now time.Time) error {
	if err := CanCreate(v); err != nil {
		return err
	}
	in.Status = IncidentReported
	in.Marking.fromSource(v)
	in.Restoration = nil
	in.Created, in.Updated = now.UTC(), now.UTC()
	return in.Validate()
}

// NewResource prepares a need or an offer as NewIncident does.
func NewResource(v Viewer, r *Resource, what string, now time.Time) error {
	if err := CanCreate(v); err != nil {
		return err
	}
	r.Status = ResourceOpen
	r.Marking.fromSource(v)
	r.Created, r.Updated = now.UTC(), now.UTC()
	return r.Validate(what)
}

// fromSource marks a new item as v's, shared as TLP:AMBER unless it says
// otherwise.
func (m *Marking) fromSource(v Viewer) {
	m.Org, m.Author = v.OrgID, v.MemberID
	m.Reveals = nil // an item reported directly reveals nothing else
	if m.TLP == "" {
		m.TLP = TLPAmber
	}
	m.Normalize()
}

// widen applies the marking fields of an update to m, checking them with
// CanWiden.
func widen(v Viewer, m *Marking, tlp *TLP, orgs, members *[]string) error {
	if tlp == nil && orgs == nil && members == nil {
		return nil
	}
	nm := *m
	nm.Orgs = append([]string(nil), m.Orgs...)
	nm.Members = append([]string(nil), m.Members...)
	if tlp != nil {
		nm.TLP = *tlp
	}
	if orgs != nil {
		nm.Orgs = append([]string(nil), (*orgs)...)
	}
	if members != nil {
		nm.Members = append([]string(nil), (*members)...)
	}
	nm.Normalize()
	if err := nm.Validate(); err != nil {
		return err
	}
	if err := CanWiden(v, *m, nm); err != nil {
		return err
	}
	*m = nm
	return nil
}

// ApplyIncidentUpdate applies upd to in by v at now: description fields
// need CanEdit, a status CanMoveIncident, a repair MoveRepair, an accepted
// candidate AcceptCandidate, a recovery RecoverBySignal, a marking
// CanWiden. On error in may be half changed: callers apply to a copy. It
// returns ENOTFOUND if v may not see in, ECONFLICT for a stale IfVersion.
func ApplyIncidentUpdate(v Viewer, in *Incident, upd IncidentUpdate, now time.Time) error {
	const op = "coord.ApplyIncidentUpdate"
	if !CanSee(v, in.Marking) {
		return lifeline.Errorf(lifeline.ENOTFOUND, op, "no such incident")
	}
	if upd.IfVersion != 0 && upd.IfVersion != in.Version {
		return lifeline.Errork(lifeline.ECONFLICT, op, "err.version.incident", "incident %s changed (version %d, expected %d)", in.ID, in.Version, upd.IfVersion)
	}
	content := []field{{"title", upd.Title != nil}, {"description", upd.Description != nil},
		{"countries", upd.Countries != nil}, {"area", upd.Area != nil}, {"elements", upd.Elements != nil},
		{"asns", upd.ASNs != nil}, {"start", upd.Start != nil}, {"end", upd.End != nil},
		{"severity", upd.Severity != nil}, {"urgency", upd.Urgency != nil}, {"certainty", upd.Certainty != nil},
		{"evidence", upd.Evidence != nil}, {"shutdown", upd.Shutdown != nil}}
	all := append(slices.Clip(content), field{"status", upd.Status != nil}, field{"repair", upd.Repair != nil},
		field{"tlp", upd.TLP != nil}, field{"share_with_orgs", upd.ShareWithOrgs != nil}, field{"recipients", upd.Recipients != nil},
		field{"accept_candidate", upd.AcceptCandidate != nil}, field{"recovered", upd.Recovered != nil})
	if !slices.ContainsFunc(all, func(f field) bool { return f.set }) {
		return noChange(op, all)
	}
	if err := contentEdit(v, in.Marking, op, "incident", content); err != nil {
		return err
	}
	set(&in.Title, upd.Title)
	set(&in.Description, upd.Description)
	set(&in.Countries, upd.Countries)
	set(&in.Elements, upd.Elements)
	set(&in.ASNs, upd.ASNs)
	set(&in.Severity, upd.Severity)
	set(&in.Urgency, upd.Urgency)
	set(&in.Certainty, upd.Certainty)
	set(&in.Evidence, upd.Evidence)
	if upd.Area != nil {
		in.Area = upd.Area
	}
	if upd.Start != nil {
		in.Start = upd.Start
	}
	if upd.End != nil {
		in.End = upd.End
	}
	if upd.Shutdown != nil {
		in.Shutdown = upd.Shutdown
	}
	if upd.Status != nil && *upd.Status != in.Status {
		if err := CanMoveIncident(v, in, *upd.Status); err != nil {
			return err
		}
		in.Status = *upd.Status
	}
	if upd.Repair != nil {
		if err := MoveRepair(v, in, upd.Repair.Element, upd.Repair.Status, upd.Repair.Note, now); err != nil {
			return err
		}
	}
	if upd.AcceptCandidate != nil {
		if err := AcceptCandidate(v, in, *upd.AcceptCandidate); err != nil {
			return err
		}
	}
	if upd.Recovered != nil {
		if err := RecoverBySignal(v, in, *upd.Recovered, now); err != nil {
			return err
		}
	}
	if err := widen(v, &in.Marking, upd.TLP, upd.ShareWithOrgs, upd.Recipients); err != nil {
		return err
	}
	in.Updated = now.UTC()
	return in.Validate()
}

// ApplyResourceUpdate applies upd to a need or an offer r by v at now;
// held is the quantity active matches already hold, below which the
// quantity cannot go (ECONFLICT). Other errors as ApplyIncidentUpdate.
func ApplyResourceUpdate(v Viewer, r *Resource, what string, held int64, upd ResourceUpdate, now time.Time) error {
	op := "coord.Apply" + what + "Update"
	if !CanSee(v, r.Marking) {
		return lifeline.Errorf(lifeline.ENOTFOUND, op, "no such %s", what)
	}
	if upd.IfVersion != 0 && upd.IfVersion != r.Version {
		if what == "Offer" {
			return lifeline.Errork(lifeline.ECONFLICT, op, "err.version.offer", "Offer %s changed (version %d, expected %d)", r.ID, r.Version, upd.IfVersion)
		}
		return lifeline.Errork(lifeline.ECONFLICT, op, "err.version.need", "Need %s changed (version %d, expected %d)", r.ID, r.Version, upd.IfVersion)
	}
	content := []field{{"title", upd.Title != nil}, {"quantity", upd.Quantity != nil},
		{"countries", upd.Countries != nil}, {"place", upd.Place != nil}, {"urgency", upd.Urgency != nil},
		{"lead_time", upd.LeadTime != nil}, {"valid_until", upd.ValidUntil != nil}, {"conditions", upd.Conditions != nil}}
	all := append(slices.Clip(content), field{"status", upd.Status != nil},
		field{"tlp", upd.TLP != nil}, field{"share_with_orgs", upd.ShareWithOrgs != nil}, field{"recipients", upd.Recipients != nil})
	if !slices.ContainsFunc(all, func(f field) bool { return f.set }) {
		return noChange(op, all)
	}
	kind := strings.ToLower(what)
	if err := contentEdit(v, r.Marking, op, kind, content); err != nil {
		return err
	}
	if upd.Status != nil && *upd.Status != r.Status && !CanEdit(v, r.Marking) && !CanCoordinate(v, r.Marking) {
		if kind == "offer" {
			return lifeline.Errork(lifeline.EFORBIDDEN, op, "err.status.offer", "status: opening or closing an offer needs a reporter of the organisation that reported it, or a coordinator of an organisation it is shared with")
		}
		return lifeline.Errork(lifeline.EFORBIDDEN, op, "err.status.need", "status: opening or closing a need needs a reporter of the organisation that reported it, or a coordinator of an organisation it is shared with")
	}
	set(&r.Title, upd.Title)
	set(&r.Quantity, upd.Quantity)
	set(&r.Countries, upd.Countries)
	set(&r.Urgency, upd.Urgency)
	set(&r.LeadTime, upd.LeadTime)
	set(&r.ValidUntil, upd.ValidUntil)
	set(&r.Conditions, upd.Conditions)
	set(&r.Status, upd.Status)
	if upd.Place != nil {
		r.Place = upd.Place
	}
	if upd.Quantity != nil && *upd.Quantity < held {
		return lifeline.Errork(lifeline.ECONFLICT, op, "err.quantity.held", "quantity: matches already hold %d %s", held, r.Unit)
	}
	if err := widen(v, &r.Marking, upd.TLP, upd.ShareWithOrgs, upd.Recipients); err != nil {
		return err
	}
	r.Updated = now.UTC()
	return r.Validate(what)
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}
