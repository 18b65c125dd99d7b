package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"lifeline"
	"lifeline/coord"
)

// Changes from elsewhere (coord.Change). An item is kept by its origin,
// the instance that wrote it, which orders every change to it. Here:
//
//   - ProposeChange writes a change.proposed event about an item this
//     instance holds from another origin, and changes nothing else: the
//     item stays as its origin last said until the origin's decision
//     arrives (no optimistic copy, so no instance ever holds a state of
//     the item its origin did not write).
//   - Receive, given a change.proposed event addressed to this instance,
//     decides it in the same transaction (decide): the same store function
//     as the local edit runs as the proposing member, so the same TLP and
//     role rules (coord) allow or refuse it; an applied change is this
//     instance's own event in its own order, and a change.decided event
//     records the outcome either way.
//   - Outgoing sends a change event to the instance it is addressed to
//     (the item's origin for a proposal, the proposer's instance for a
//     decision) whatever else MayReceive says, and elsewhere as MayReceive
//     allows.

var _ coord.ChangeService = (*DB)(nil)

// changeTables is the table of the item each kind of change is about.
var changeTables = map[string]struct{ table, what string }{
	coord.ChangeIncidentUpdate: {"incidents", "incident"},
	coord.ChangeNeedUpdate:     {"needs", "need"},
	coord.ChangeOfferUpdate:    {"offers", "offer"},
	coord.ChangeMatchCreate:    {"needs", "need"},
	coord.ChangeMatchUpdate:    {"matches", "match"},
}

// keptElsewhere returns the fingerprint of the instance that keeps
// subject when it is an item this instance received from another origin,
// "" when it was written here or is unknown.
func (t *tx) keptElsewhere(subject string) (string, error) {
	var origin string
	err := t.queryRow(`SELECT origin FROM received_items WHERE subject = ? LIMIT 1`, subject).Scan(&origin)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return origin, err
}

// changeHere refuses a local edit of an item kept by another instance,
// saying where to propose it instead.
func (t *tx) changeHere(op, what, id string) error {
	origin, err := t.keptElsewhere(id)
	if err != nil || origin == "" {
		return err
	}
	return lifeline.Errorf(lifeline.ECONFLICT, op, "this %s is kept by the instance %s, which orders every change to it: propose the change there (POST /api/v1/changes, or lifeline sync propose), and it is applied or refused by that instance's rules", what, short(origin))
}

// ProposeChange implements coord.ChangeService.
func (db *DB) ProposeChange(ctx context.Context, v coord.Viewer, c *coord.Change) error {
	const op = "store.ProposeChange"
	if v.Anonymous() {
		return lifeline.Errorf(lifeline.EFORBIDDEN, op, "proposing a change needs a member's token")
	}
	if err := c.Validate(); err != nil {
		return err
	}
	_, self, err := db.Self(ctx)
	if err != nil {
		return err
	}
	return db.update(ctx, op, func(t *tx) error {
		it := changeTables[c.Kind]
		mk, err := readMarking(t, it.table, c.Subject)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !coord.CanSee(v, mk) {
			return notFound(op, it.what)
		}
		if err != nil {
			return err
		}
		origin, err := t.keptElsewhere(c.Subject)
		if err != nil {
			return err
		}
		if origin == "" {
			return lifeline.Errorf(lifeline.ECONFLICT, op, "item: this %s is kept by this instance; change it directly rather than proposing a change", it.what)
		}
		if c.Kind == coord.ChangeMatchCreate {
			req, _ := c.Decode()
			offer, err := readMarking(t, "offers", req.(*coord.MatchCreate).OfferID)
			if errors.Is(err, sql.ErrNoRows) || err == nil && !coord.CanSee(v, offer) {
				return lifeline.Errorf(lifeline.EINVALID, op, "request: offer_id: no such offer")
			}
			if err != nil {
				return err
			}
			// The proposal reveals the offer as well as the need.
			mk = coord.Derive(mk, offer)
		}
		if c.ID, err = db.newID("chg"); err != nil {
			return err
		}
		c.To, c.From, c.Proposer = origin, self, v
		c.Proposed, c.Status, c.Marking = t.now, coord.ChangePending, mk
		c.Reason, c.Decided, c.Result, c.Version = "", time.Time{}, "", 0
		b, err := json.Marshal(c)
		if err != nil {
			return err
		}
		return t.emit(coord.EventChangeProposed, c.Subject, v, mk, b)
	})
}

// readMarking reads the marking of an item from its table.
func readMarking(t *tx, table, id string) (coord.Marking, error) {
	var mk string
	if err := t.queryRow(`SELECT marking FROM `+table+` WHERE id = ?`, id).Scan(&mk); err != nil {
		return coord.Marking{}, err
	}
	var m coord.Marking
	if err := json.Unmarshal([]byte(mk), &m); err != nil {
		return coord.Marking{}, fmt.Errorf("marking of %s: %w", id, err)
	}
	return m, nil
}

func changeMarking(c *coord.Change) coord.Marking { return c.Marking }

// FindChangeByID implements coord.ChangeService.
func (db *DB) FindChangeByID(ctx context.Context, v coord.Viewer, id string) (*coord.Change, error) {
	return findDoc(ctx, db, nil, "store.FindChangeByID", "changes", "change", id, v, changeMarking)
}

// FindChanges implements coord.ChangeService.
func (db *DB) FindChanges(ctx context.Context, v coord.Viewer, f coord.ListFilter) (coord.Page[*coord.Change], error) {
	const op = "store.FindChanges"
	status := f.Status
	if status != "" && !slices.Contains(coord.ChangeStatuses, status) {
		return coord.Page[*coord.Change]{Items: []*coord.Change{}},
			lifeline.Errorf(lifeline.EINVALID, op, "status: expected one of pending, applied, refused, found %q", trunc(status))
	}
	if f.Country != "" || f.IncidentID != "" {
		return coord.Page[*coord.Change]{Items: []*coord.Change{}},
			lifeline.Errorf(lifeline.EINVALID, op, "the list of changes can be narrowed by status only")
	}
	f.Status = ""
	return listDocs(ctx, db, op, "changes", v, f, changeMarking, func(c *coord.Change) bool {
		return status == "" || c.Status == status
	})
}

// applyChange projects a change.proposed or change.decided event onto
// the changes table: the change as the event's payload says, under the
// event's signed marking.
func applyChange(exec func(string, ...any) error, seq int64, payload []byte, marking string) error {
	var c coord.Change
	if err := json.Unmarshal(payload, &c); err != nil {
		return fmt.Errorf("event %d: %w", seq, err)
	}
	if c.Status == coord.ChangePending {
		// A proposal relayed late never hides the decision already here.
		return exec(`INSERT INTO changes (id, ord, subject, status, doc, marking) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO NOTHING`, c.ID, seq, c.Subject, c.Status, string(payload), marking)
	}
	return exec(`INSERT INTO changes (id, ord, subject, status, doc, marking) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET status = excluded.status, doc = excluded.doc, marking = excluded.marking`,
		c.ID, seq, c.Subject, c.Status, string(payload), marking)
}

// isChange reports whether an event type is one of a change from
// elsewhere: it names an item it does not change.
func isChange(typ string) bool {
	return typ == coord.EventChangeProposed || typ == coord.EventChangeDecided
}

// addressee returns the instance a change event is addressed to: the
// item's origin for a proposal, the proposer's instance for a decision
// ("" for any other event or a payload that does not decode).
func addressee(typ string, payload []byte) string {
	if !isChange(typ) {
		return ""
	}
	var c struct{ To, From string }
	if json.Unmarshal(payload, &c) != nil {
		return ""
	}
	if typ == coord.EventChangeProposed {
		return c.To
	}
	return c.From
}

// checkChange refuses a change event whose payload does not say what a
// change from its origin must: a proposal written at its origin (From),
// or a decision made by the instance that keeps the item (To).
func checkChange(origin, typ, subject string, payload []byte) (*coord.Change, error) {
	var c coord.Change
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, fmt.Errorf("the change does not decode: %v", err)
	}
	switch {
	case c.ID == "" || c.Subject != subject:
		return nil, fmt.Errorf("the change has no id, or is about another item than its event")
	case typ == coord.EventChangeProposed && (c.From != origin || c.Status != coord.ChangePending):
		return nil, fmt.Errorf("a proposed change must be pending and come from the instance that wrote it")
	case typ == coord.EventChangeDecided && (c.To != origin || c.Status == coord.ChangePending):
		return nil, fmt.Errorf("a decision must come from the instance that keeps the item, and say applied or refused")
	}
	return &c, nil
}

// decide decides, in the receiving transaction, a change proposed to an
// item this instance keeps, and records the outcome as a change.decided
// event. Whether it applies is what the local edit's own function says
// when run as the proposer: no rule is written twice. A change already
// decided is not decided again.
func (t *tx) decide(c *coord.Change) error {
	var status string
	if err := t.queryRow(`SELECT status FROM changes WHERE id = ?`, c.ID).Scan(&status); err != nil {
		return err
	}
	if status != coord.ChangePending {
		return nil
	}
	v := c.Proposer
	v.OrgVerified = false
	var verified bool
	var orgDoc string
	orgName := ""
	switch err := t.queryRow(`SELECT verified, doc FROM orgs WHERE id = ?`, v.OrgID).Scan(&verified, &orgDoc); {
	case err == nil:
		v.OrgVerified = verified
		var o coord.Org
		if json.Unmarshal([]byte(orgDoc), &o) == nil {
			orgName = o.Name
		}
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	if orgName == "" {
		orgName = "The organisation " + v.OrgID
	}
	refuse := func(reason string, mk coord.Marking) error {
		c.Status, c.Reason, c.Decided, c.Marking = coord.ChangeRefused, reason, t.now, mk
		return t.emitDecision(c)
	}
	// Only the proposer sees a refusal that says nothing of the item.
	private := coord.Marking{TLP: coord.TLPRed, Org: v.OrgID, Author: v.MemberID}
	if v.MemberID == "" || v.OrgID == "" || !v.Role.Valid() {
		return refuse(fmt.Sprintf("The change came without a proposing member, organisation and role; %s cannot be decided.", c.Kind), private)
	}
	// Another instance's administrators administer that instance, not
	// this one: its word counts at most for an organisation's admin.
	if v.Role == coord.RoleInstanceAdmin {
		v.Role = coord.RoleOrgAdmin
	}
	// A member this instance knows belongs to the organisation it knows.
	var knownOrg string
	switch err := t.queryRow(`SELECT org_id FROM members WHERE id = ? UNION ALL SELECT org_id FROM peer_members WHERE member_id = ?`, v.MemberID, v.MemberID).Scan(&knownOrg); {
	case err == nil && knownOrg != v.OrgID:
		return refuse(fmt.Sprintf("The member %s is of the organisation %s, not of %s.", v.MemberID, knownOrg, v.OrgID), private)
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return err
	}
	// The proposer's instance speaks for the organisations it hosts, not
	// for those of this instance or of another peer.
	if err := t.owns(c.From, v.OrgID); err != nil {
		return refuse(fmt.Sprintf("The instance %s may not speak for the organisation %s: %v.", short(c.From), v.OrgID, err), private)
	}
	peers, err := t.db.peers(t.ctx, t.Tx)
	if err != nil {
		return err
	}
	for _, p := range peers {
		if p.Fingerprint != c.From && slices.Contains(p.Orgs, v.OrgID) {
			return refuse(fmt.Sprintf("The instance %s may not speak for the organisation %s, which the peer %q hosts.", short(c.From), v.OrgID, p.Name), private)
		}
	}
	it := changeTables[c.Kind]
	itemMarking, err := readMarking(t, it.table, c.Subject)
	if errors.Is(err, sql.ErrNoRows) {
		return refuse(fmt.Sprintf("This instance keeps no %s %s.", it.what, c.Subject), private)
	}
	if err != nil {
		return err
	}
	if origin, err := t.keptElsewhere(c.Subject); err != nil || origin != "" {
		if err != nil {
			return err
		}
		return refuse(fmt.Sprintf("This instance does not keep the %s %s: the instance %s does, and decides its changes.", it.what, c.Subject, short(origin)), private)
	}
	req, err := c.Decode()
	if err != nil {
		return refuse(c.Refusal(orgName, err), private)
	}

	// Run the local edit as the proposer, in a savepoint: refused, it
	// leaves nothing behind.
	if err := t.exec(`SAVEPOINT change`); err != nil {
		return err
	}
	head := t.head
	var result string
	var version int64
	var resultMarking coord.Marking
	switch r := req.(type) {
	case *coord.IncidentUpdate:
		r.IfVersion = c.IfVersion
		var in *coord.Incident
		if in, err = updateIncident(t, v, c.Subject, *r); err == nil {
			result, version, resultMarking = in.ID, in.Version, in.Marking
		}
	case *coord.ResourceUpdate:
		r.IfVersion = c.IfVersion
		if c.Kind == coord.ChangeNeedUpdate {
			var n *coord.Need
			if n, err = updateNeed(t, v, c.Subject, *r); err == nil {
				result, version, resultMarking = n.ID, n.Version, n.Marking
			}
		} else {
			var o *coord.Offer
			if o, err = updateOffer(t, v, c.Subject, *r); err == nil {
				result, version, resultMarking = o.ID, o.Version, o.Marking
			}
		}
	case *coord.MatchCreate:
		var m *coord.Match
		if m, err = createMatch(t, v, *r); err == nil {
			result, version, resultMarking = m.ID, m.Version, m.Marking
		}
	case *coord.MatchUpdate:
		r.IfVersion = c.IfVersion
		var m *coord.Match
		if m, err = updateMatch(t, v, c.Subject, *r); err == nil {
			result, version, resultMarking = m.ID, m.Version, m.Marking
		}
	}
	if err != nil {
		if lifeline.ErrorCode(err) == lifeline.EINTERNAL {
			return err
		}
		if rerr := t.exec(`ROLLBACK TO SAVEPOINT change`); rerr != nil {
			return rerr
		}
		t.head = head
		if rerr := t.exec(`RELEASE SAVEPOINT change`); rerr != nil {
			return rerr
		}
		// A proposer who may see the item may read why, as anyone who
		// may see the item; one who may not learns nothing of it.
		mk := private
		if coord.CanSee(v, itemMarking) && lifeline.ErrorCode(err) != lifeline.ENOTFOUND {
			mk = itemMarking
		} else {
			err = lifeline.Errorf(lifeline.ENOTFOUND, "", "no such %s", it.what)
		}
		return refuse(c.Refusal(orgName, err), mk)
	}
	if err := t.exec(`RELEASE SAVEPOINT change`); err != nil {
		return err
	}
	c.Status, c.Decided, c.Result, c.Version, c.Marking = coord.ChangeApplied, t.now, result, version, resultMarking
	return t.emitDecision(c)
}

// emitDecision records the outcome of a change as this instance's event.
func (t *tx) emitDecision(c *coord.Change) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return t.emit(coord.EventChangeDecided, c.Subject, coord.System, c.Marking, b)
}
