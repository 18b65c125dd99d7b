package coord

import (
	"slices"
	"time"

	"lifeline"
)

// RepairStatus is where one damaged element is in its repair:
// damaged → repair_scheduled → repairing → restored. An element can be
// reported damaged again from any step.
type RepairStatus string

// The repair lifecycle.
const (
	RepairDamaged   RepairStatus = "damaged"
	RepairScheduled RepairStatus = "repair_scheduled"
	RepairRepairing RepairStatus = "repairing"
	RepairRestored  RepairStatus = "restored"
)

var repairNext = map[RepairStatus]RepairStatus{
	RepairDamaged:   RepairScheduled,
	RepairScheduled: RepairRepairing,
	RepairRepairing: RepairRestored,
}

// Valid reports whether s is a known status.
func (s RepairStatus) Valid() bool { _, ok := repairNext[s]; return ok || s == RepairRestored }

// Restoration is the repair of one affected element of an incident, with
// its timeline.
type Restoration struct {
	Element  string       `json:"element"`
	Status   RepairStatus `json:"status"`
	Timeline []RepairStep `json:"timeline"`
}

// RepairStep is one step of a timeline: who moved the element to which
// status, when, and why.
type RepairStep struct {
	Status RepairStatus `json:"status"`
	At     time.Time    `json:"at"`
	Member string       `json:"member"`
	Org    string       `json:"org"`
	Note   string       `json:"note,omitempty"`
}

func (r *Restoration) validate(i int) error {
	const op = "coord.Incident.Validate"
	if r.Element == "" || len(r.Element) > 200 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.restoration.element", "restoration[%d].element: expected an atlas element id of 1 to 200 bytes", i)
	}
	if !r.Status.Valid() {
		return lifeline.Errork(lifeline.EINVALID, op, "err.restoration.status", "restoration[%d].status: unknown %q", i, r.Status)
	}
	return nil
}

// MoveRepair moves element — one of the incident's affected elements — of
// incident in to status to, recording the step in its timeline; an element
// not yet tracked starts as damaged. It returns
// ENOTFOUND if v may not see the incident, EFORBIDDEN unless v may
// coordinate it, ECONFLICT for a step the repair lifecycle does not have,
// and EINVALID for a bad element or note.
func MoveRepair(v Viewer, in *Incident, element string, to RepairStatus, note string, now time.Time) error {
	const op = "coord.MoveRepair"
	if !CanSee(v, in.Marking) {
		return lifeline.Errorf(lifeline.ENOTFOUND, op, "no such incident")
	}
	if !CanCoordinate(v, in.Marking) {
		return lifeline.Errork(lifeline.EFORBIDDEN, op, "err.restore.coord", "restoration needs a coordinator of an organisation the incident is shared with")
	}
	if element == "" || len(element) > 200 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.restore.element", "element: expected an atlas element id of 1 to 200 bytes")
	}
	if !to.Valid() {
		return lifeline.Errork(lifeline.EINVALID, op, "err.restore.status", "status: expected damaged, repair_scheduled, repairing or restored, found %q", to)
	}
	if len(note) > 2000 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.note.long", "note: at most 2000 bytes")
	}
	if !slices.Contains(in.Elements, element) {
		return lifeline.Errork(lifeline.EINVALID, op, "err.restore.notlisted", "element: %s is not among the incident's affected elements; add it to elements first", element)
	}
	if in.Status == IncidentResolved || in.Status == IncidentDismissed {
		return lifeline.Errork(lifeline.ECONFLICT, op, "err.restore.closed", "incident is %s", enumP("status", in.Status))
	}
	step := RepairStep{Status: to, At: now.UTC(), Member: v.MemberID, Org: v.OrgID, Note: note}
	for i := range in.Restoration {
		r := &in.Restoration[i]
		if r.Element != element {
			continue
		}
		if to != RepairDamaged && repairNext[r.Status] != to {
			return lifeline.Errork(lifeline.ECONFLICT, op, "err.restore.move", "status: %s cannot go from %s to %s", element, enumP("repair", r.Status), enumP("repair", to))
		}
		r.Status = to
		r.Timeline = append(r.Timeline, step)
		return nil
	}
	if to != RepairDamaged {
		return lifeline.Errork(lifeline.ECONFLICT, op, "err.restore.untracked", "status: %s is not tracked yet; report it damaged first", element)
	}
	in.Restoration = append(in.Restoration, Restoration{Element: element, Status: to, Timeline: []RepairStep{step}})
	return nil
}
