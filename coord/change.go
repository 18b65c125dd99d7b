package coord

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"lifeline"
)

// Changes from elsewhere. Every item is kept by one instance, its origin:
// the instance where it was written, which orders every change to it. A
// member of another instance who wants to change it — commit an offer to
// a need, move the repair of an element an incident names — does not
// change its own copy: its instance writes the change as a proposal
// (EventChangeProposed, signed by that instance) addressed to the item's
// origin, which decides it by the same rules as a local edit and records
// the outcome (EventChangeDecided): applied, as the origin's own event in
// the origin's order, or refused with the reason in words. Both travel
// back, so the proposer's instance shows what became of the change, and
// every instance that holds the item holds the same state of it.
const (
	// EventChangeProposed records a change to an item kept by another
	// instance, as a member here proposes it; its payload is the Change.
	EventChangeProposed = "change.proposed"
	// EventChangeDecided records, at the item's origin, what became of a
	// proposed change; its payload is the Change with its outcome.
	EventChangeDecided = "change.decided"
)

// The kinds of change an instance may propose to an item kept elsewhere,
// each the same request as the local edit it stands for.
const (
	ChangeIncidentUpdate = "incident.update" // an IncidentUpdate (repair, status, …)
	ChangeNeedUpdate     = "need.update"     // a ResourceUpdate of a need
	ChangeOfferUpdate    = "offer.update"    // a ResourceUpdate of an offer
	ChangeMatchCreate    = "match.create"    // a MatchCreate, addressed to the need's origin
	ChangeMatchUpdate    = "match.update"    // a MatchUpdate (commit, dispatch, …)
)

// ChangeKinds lists the kinds of change, in the order of the docs.
var ChangeKinds = []string{ChangeIncidentUpdate, ChangeNeedUpdate, ChangeOfferUpdate, ChangeMatchCreate, ChangeMatchUpdate}

// The states of a change.
const (
	ChangePending = "pending" // sent to the item's origin, not decided yet
	ChangeApplied = "applied" // the origin applied it
	ChangeRefused = "refused" // the origin refused it; Reason says why
)

// Change is a change to an item kept by another instance: what a member
// proposed, and, once the item's origin decided, what became of it.
type Change struct {
	ID string `json:"id"`
	// Kind is one of ChangeKinds; Subject the item it changes (for
	// match.create, the need).
	Kind    string `json:"kind"`
	Subject string `json:"subject"`
	// To is the fingerprint of the instance that keeps the item and
	// decides; From the instance where the change was proposed.
	To   string `json:"to"`
	From string `json:"from"`
	// Proposer is the member who proposed it, as its instance vouches for
	// them: member, organisation and role.
	Proposer Viewer `json:"proposer"`
	// Request is the change itself: an IncidentUpdate, ResourceUpdate,
	// MatchCreate or MatchUpdate as JSON, field for field the body of
	// the local edit.
	Request json.RawMessage `json:"request"`
	// IfVersion, when not 0, asks the origin to refuse the change unless
	// the item is still at this version.
	IfVersion int64     `json:"if_version,omitempty"`
	Proposed  time.Time `json:"proposed"`

	// The outcome, set by the origin.
	Status string `json:"status"`
	// Reason says, in sentences, why the origin refused the change.
	Reason  string    `json:"reason,omitempty"`
	Decided time.Time `json:"decided,omitzero"`
	// Result is the id of the item the change made or changed (for
	// match.create, the new match); Version its version after it.
	Result  string `json:"result,omitempty"`
	Version int64  `json:"version,omitempty"`
	// Marking says who may see the change: that of the item it changes
	// (with, for a new match, the offer it reveals).
	Marking Marking `json:"marking"`
}

// Validate checks a change as it is proposed: a known kind, an item, a
// request that is a JSON object of the kind's fields.
func (c *Change) Validate() error {
	const op = "coord.Change.Validate"
	if !slices.Contains(ChangeKinds, c.Kind) {
		return lifeline.Errorf(lifeline.EINVALID, op, "kind: expected one of %s, found %q", strings.Join(ChangeKinds, ", "), truncate(c.Kind, 40))
	}
	if c.Subject == "" || len(c.Subject) > 100 {
		return lifeline.Errorf(lifeline.EINVALID, op, "item: expected the id of an item, 1 to 100 bytes")
	}
	if len(c.Request) > 64<<10 {
		return lifeline.Errorf(lifeline.EINVALID, op, "request: at most 64 KiB")
	}
	if _, err := c.Decode(); err != nil {
		return err
	}
	return nil
}

// Decode reads the request as the kind's type: *IncidentUpdate,
// *ResourceUpdate, *MatchCreate or *MatchUpdate. A field the kind does
// not take is refused, naming it.
func (c *Change) Decode() (any, error) {
	const op = "coord.Change.Decode"
	var into any
	switch c.Kind {
	case ChangeIncidentUpdate:
		into = new(IncidentUpdate)
	case ChangeNeedUpdate, ChangeOfferUpdate:
		into = new(ResourceUpdate)
	case ChangeMatchCreate:
		into = new(MatchCreate)
	case ChangeMatchUpdate:
		into = new(MatchUpdate)
	default:
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "kind: expected one of %s, found %q", strings.Join(ChangeKinds, ", "), truncate(c.Kind, 40))
	}
	d := json.NewDecoder(bytes.NewReader(c.Request))
	d.DisallowUnknownFields()
	if err := d.Decode(into); err != nil {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "request: expected the fields of a %s as a JSON object: %v", c.Kind, err)
	}
	if d.More() {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "request: expected one JSON object")
	}
	if mc, ok := into.(*MatchCreate); ok && mc.NeedID != c.Subject {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "request: need_id %q is not the item %q the change is about", truncate(mc.NeedID, 100), truncate(c.Subject, 100))
	}
	return into, nil
}

// FieldNames lists the fields the change's request sets, as words (the
// API's names with spaces for underscores), sorted.
func (c *Change) FieldNames() []string {
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(c.Request, &fields)
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, strings.ReplaceAll(k, "_", " "))
	}
	slices.Sort(names)
	return names
}

// What says in words what the change does, e.g. "change the status of
// this need".
func (c *Change) What() string {
	names := c.FieldNames()
	item := strings.SplitN(c.Kind, ".", 2)[0]
	switch c.Kind {
	case ChangeMatchCreate:
		return "commit an offer to this need"
	case ChangeMatchUpdate:
		var u MatchUpdate
		_ = json.Unmarshal(c.Request, &u)
		return "move this match to " + string(u.Status)
	case ChangeIncidentUpdate:
		var u IncidentUpdate
		_ = json.Unmarshal(c.Request, &u)
		if u.Repair != nil && len(names) == 1 {
			return "move the restoration of " + u.Repair.Element + " to " + string(u.Repair.Status)
		}
	}
	if len(names) == 0 {
		return "change this " + item
	}
	return "change the " + strings.Join(names, ", ") + " of this " + item
}

// Refusal is the reason, in sentences, that the origin of an item gives
// for refusing a change: who may not do what, to which item shared how,
// and the rule's own words (err, the error of the rule that refused it).
func (c *Change) Refusal(orgName string, err error) string {
	who := orgName
	if who == "" {
		who = "Organisation " + c.Proposer.OrgID
	}
	msg := strings.TrimSuffix(lifeline.ErrorMessage(err), ".")
	shared := ""
	if c.Marking.TLP != "" {
		shared = ": it is shared at " + string(c.Marking.TLP)
		if len(c.Marking.Orgs) > 0 {
			shared += " with " + strings.Join(c.Marking.Orgs, ", ")
		}
	}
	switch lifeline.ErrorCode(err) {
	case lifeline.ENOTFOUND:
		return who + " may not " + c.What() + ": the item is not one its members may see here."
	case lifeline.EFORBIDDEN:
		return who + " may not " + c.What() + shared + ". " + upperFirst(msg) + "."
	case lifeline.ECONFLICT:
		return "The change (" + c.What() + ") no longer fits the item: " + msg + "."
	}
	return "The change (" + c.What() + ") is not valid: " + msg + "."
}

// ChangeService is changes from elsewhere as the store provides them.
type ChangeService interface {
	// ProposeChange writes a change to an item kept by another instance
	// (c.Kind, c.Subject, c.Request, c.IfVersion), proposed by v, and
	// sends it to that instance; it sets the other fields. ENOTFOUND if v
	// may not see the item here, ECONFLICT if this instance keeps the
	// item itself (change it directly), EINVALID for a bad request.
	ProposeChange(ctx context.Context, v Viewer, c *Change) error
	// FindChangeByID returns a change v may see; ENOTFOUND otherwise.
	FindChangeByID(ctx context.Context, v Viewer, id string) (*Change, error)
	// FindChanges lists the changes v may see, oldest first, narrowed to
	// a status (pending, applied, refused) when f.Status says one.
	FindChanges(ctx context.Context, v Viewer, f ListFilter) (Page[*Change], error)
}

// ChangeStatuses are the states a list of changes may be narrowed to.
var ChangeStatuses = []string{ChangePending, ChangeApplied, ChangeRefused}

func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
