package storetest

import (
	"encoding/json"
	"strings"
	"testing"

	"lifeline"
	"lifeline/coord"
)

// propose proposes a change on f as v and returns it.
func propose(t *testing.T, f *fedInstance, v coord.Viewer, kind, subject, request string) *coord.Change {
	t.Helper()
	c := &coord.Change{Kind: kind, Subject: subject, Request: json.RawMessage(request)}
	if err := f.db.ProposeChange(ctx, v, c); err != nil {
		t.Fatalf("propose %s %s on %s: %v", kind, request, f.fp[:8], err)
	}
	if c.Status != coord.ChangePending || c.To == "" || c.From != f.fp {
		t.Fatalf("proposed change %+v: want pending, from its instance, to the item's origin", c)
	}
	return c
}

// changeOn reads a change as v sees it on f.
func changeOn(t *testing.T, f *fedInstance, v coord.Viewer, id string) *coord.Change {
	t.Helper()
	c, err := f.db.FindChangeByID(ctx, v, id)
	if err != nil {
		t.Fatalf("change %s on %s: %v", id, f.fp[:8], err)
	}
	return c
}

// incidentState is every incident f holds as its rows say, for
// comparing instances.
func incidentState(t *testing.T, f *fedInstance) map[string]string {
	t.Helper()
	rows, err := f.db.SQL().Query(`SELECT id, doc FROM incidents`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, doc string
		if err := rows.Scan(&id, &doc); err != nil {
			t.Fatal(err)
		}
		out[id] = doc
	}
	return out
}

// testChangesFromElsewhere runs A with two peers, B and C. Members of B
// and C propose changes to items A keeps: A decides each by the rules of
// a local edit, in the order the proposals reach it, applies one of two
// conflicting changes and refuses the other, refuses what the proposer's
// role or the item's marking does not allow with the reason in words,
// and every instance converges on A's state and shows each proposer what
// became of its change.
func testChangesFromElsewhere(t *testing.T, open Opener) {
	a := newFedInstance(t, open, "A", "a-src")
	b := newFedInstance(t, open, "B", "b-org")
	c := newFedInstance(t, open, "C", "c-org")
	for _, pair := range [][2]*fedInstance{{a, b}, {b, a}, {a, c}, {c, a}} {
		pair[0].peer(t, pair[1], true)
	}
	bReporter := &coord.Member{OrgID: b.orgs["b-org"], Role: coord.RoleReporter, Name: "b-reporter"}
	tok, err := b.db.CreateMember(ctx, coord.System, bReporter)
	if err != nil {
		t.Fatal(err)
	}
	bRep := mustAuth(t, b.db, tok)
	// The organisations (and directories) of B and C reach A first.
	syncTo(t, b, a)
	syncTo(t, c, a)

	author := a.members["a-src"]
	in := &coord.Incident{Title: "Cable cut off Port Sudan", Kind: coord.KindCableCut, Countries: []string{"SD"}, Elements: []string{"cable-eassy"}}
	in.TLP = coord.TLPClear
	if err := a.db.CreateIncident(ctx, author, in); err != nil {
		t.Fatal(err)
	}
	damaged := coord.RepairUpdate{Element: "cable-eassy", Status: coord.RepairDamaged}
	if _, err := a.db.UpdateIncident(ctx, author, in.ID, coord.IncidentUpdate{Repair: &damaged}); err != nil {
		t.Fatal(err)
	}
	need := &coord.Need{Resource: coord.Resource{Title: "Generators for the landing station", Category: "power/generator", Quantity: 4, Unit: "unit", Countries: []string{"SD"}}}
	need.TLP, need.Orgs = coord.TLPAmber, []string{b.orgs["b-org"]}
	if err := a.db.CreateNeed(ctx, author, need); err != nil {
		t.Fatal(err)
	}
	syncTo(t, a, b)
	syncTo(t, a, c)

	bCoord, cCoord := b.members["b-org"], c.members["c-org"]

	// A local edit of an item kept elsewhere is refused, saying where to
	// propose it.
	st := coord.IncidentVerified
	if _, err := b.db.UpdateIncident(ctx, bCoord, in.ID, coord.IncidentUpdate{Status: &st}); lifeline.ErrorCode(err) != lifeline.ECONFLICT || !strings.Contains(err.Error(), "propose") {
		t.Errorf("B edits A's incident directly: %v, want a conflict that says to propose the change", err)
	}
	// What A keeps cannot be proposed on A; an item C may not see cannot
	// be proposed on C (C does not even hold the need).
	if err := a.db.ProposeChange(ctx, author, &coord.Change{Kind: coord.ChangeIncidentUpdate, Subject: in.ID, Request: json.RawMessage(`{"status":"verified"}`)}); lifeline.ErrorCode(err) != lifeline.ECONFLICT {
		t.Errorf("propose on the item's own origin: %v, want a conflict", err)
	}
	if err := c.db.ProposeChange(ctx, cCoord, &coord.Change{Kind: coord.ChangeNeedUpdate, Subject: need.ID, Request: json.RawMessage(`{"status":"closed"}`)}); lifeline.ErrorCode(err) != lifeline.ENOTFOUND {
		t.Errorf("propose on an item not held: %v, want not found", err)
	}
	if err := b.db.ProposeChange(ctx, bCoord, &coord.Change{Kind: coord.ChangeNeedUpdate, Subject: need.ID, Request: json.RawMessage(`{"colour":"red"}`)}); lifeline.ErrorCode(err) != lifeline.EINVALID || !strings.Contains(err.Error(), "colour") {
		t.Errorf("propose an unknown field: %v, want invalid naming it", err)
	}

	// Conflicting changes from B and C to one item while neither sees the
	// other's: both schedule the repair of the same element.
	sched := `{"repair":{"element":"cable-eassy","status":"repair_scheduled","note":"%s"}}`
	fromB := propose(t, b, bCoord, coord.ChangeIncidentUpdate, in.ID, strings.Replace(sched, "%s", "ship from Djibouti", 1))
	fromC := propose(t, c, cCoord, coord.ChangeIncidentUpdate, in.ID, strings.Replace(sched, "%s", "ship from Jeddah", 1))
	// B's coordinator may close the need, shared with B at TLP:AMBER; B's
	// reporter may neither move its status nor rewrite its title.
	closeNeed := propose(t, b, bCoord, coord.ChangeNeedUpdate, need.ID, `{"status":"closed"}`)
	retitle := propose(t, b, bRep, coord.ChangeNeedUpdate, need.ID, `{"title":"Generators, and fuel"}`)

	// B sees its changes pending; its copies are unchanged.
	page, err := b.db.FindChanges(ctx, bCoord, coord.ListFilter{Status: coord.ChangePending})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 3 {
		t.Errorf("B's coordinator sees %d pending changes, want 3 (a change is seen by those who may see its item)", len(page.Items))
	}
	if n, err := b.db.FindNeedByID(ctx, bCoord, need.ID); err != nil || n.Status != coord.ResourceOpen {
		t.Errorf("B's copy of the need before A decides: %v %v, want open", n, err)
	}
	if _, err := b.db.FindChanges(ctx, bCoord, coord.ListFilter{Status: "lost"}); lifeline.ErrorCode(err) != lifeline.EINVALID {
		t.Errorf("an unknown status: %v, want invalid", err)
	}

	// A receives B's proposals first, then C's: A orders them.
	syncTo(t, b, a)
	syncTo(t, c, a)
	syncTo(t, a, b)
	syncTo(t, a, c)

	got := changeOn(t, b, bCoord, fromB.ID)
	if got.Status != coord.ChangeApplied || got.Result != in.ID || got.Version == 0 {
		t.Errorf("B's repair on B: %+v, want applied with A's version", got)
	}
	got = changeOn(t, c, cCoord, fromC.ID)
	if got.Status != coord.ChangeRefused || !strings.Contains(got.Reason, "repair_scheduled") || !strings.HasSuffix(got.Reason, ".") {
		t.Errorf("C's conflicting repair on C: %+v, want refused saying the element is already scheduled", got)
	}
	t.Logf("C is told: %s", got.Reason)
	got = changeOn(t, b, bCoord, closeNeed.ID)
	if got.Status != coord.ChangeApplied {
		t.Errorf("B closes A's need: %+v, want applied", got)
	}
	got = changeOn(t, b, bRep, retitle.ID)
	if got.Status != coord.ChangeRefused || !strings.Contains(got.Reason, "B-org") && !strings.Contains(got.Reason, "b-org") || !strings.Contains(got.Reason, "TLP:AMBER") || !strings.Contains(got.Reason, "only reporters of the organisation that reported") {
		t.Errorf("B's reporter retitles A's need: %+v, want refused naming the organisation, the marking and the rule", got)
	}
	t.Logf("B's reporter is told: %s", got.Reason)
	// B lists the refusals of the items its members may see: its own,
	// and C's refused repair of the TLP:CLEAR incident.
	page, err = b.db.FindChanges(ctx, bCoord, coord.ListFilter{Status: coord.ChangeRefused})
	if err != nil || len(page.Items) != 2 || page.Items[0].ID != retitle.ID || page.Items[1].ID != fromC.ID {
		t.Errorf("B's refused changes: %v %v, want C's repair and the retitling", page.Items, err)
	}

	// Every instance holds A's state of every item it holds.
	want := incidentState(t, a)
	var inA coord.Incident
	if err := json.Unmarshal([]byte(want[in.ID]), &inA); err != nil {
		t.Fatal(err)
	}
	if len(inA.Restoration) != 1 || inA.Restoration[0].Status != coord.RepairScheduled || inA.Restoration[0].Timeline[1].Note != "ship from Djibouti" || inA.Restoration[0].Timeline[1].Org != b.orgs["b-org"] {
		t.Errorf("A's incident: %+v, want the repair scheduled once, by B's organisation", inA.Restoration)
	}
	for name, f := range map[string]*fedInstance{"B": b, "C": c} {
		if got := incidentState(t, f); got[in.ID] != want[in.ID] {
			t.Errorf("%s holds %s, A holds %s", name, got[in.ID], want[in.ID])
		}
	}
	for _, v := range []coord.Viewer{bCoord, author} {
		inst := map[string]*fedInstance{bCoord.MemberID: b, author.MemberID: a}[v.MemberID]
		n, err := inst.db.FindNeedByID(ctx, v, need.ID)
		if err != nil || n.Status != coord.ResourceClosed || n.Title != need.Title {
			t.Errorf("the need on %s: %+v %v, want closed, its title unchanged", inst.fp[:8], n, err)
		}
	}
	// B's organisation commits its offer to A's need: the match is made
	// where the need is kept, then moved along by B's coordinator.
	offer := &coord.Offer{Resource: coord.Resource{Title: "Two generators", Category: "power/generator", Quantity: 2, Unit: "unit", Countries: []string{"SD"}}}
	offer.TLP = coord.TLPClear
	if err := b.db.CreateOffer(ctx, bCoord, offer); err != nil {
		t.Fatal(err)
	}
	need2 := &coord.Need{Resource: coord.Resource{Title: "Generators for the data centre", Category: "power/generator", Quantity: 3, Unit: "unit", Countries: []string{"SD"}}}
	need2.TLP, need2.Orgs = coord.TLPAmber, []string{b.orgs["b-org"]}
	if err := a.db.CreateNeed(ctx, author, need2); err != nil {
		t.Fatal(err)
	}
	syncTo(t, b, a)
	syncTo(t, a, b)
	if _, err := b.db.CreateMatch(ctx, bCoord, coord.MatchCreate{NeedID: need2.ID, OfferID: offer.ID, Quantity: 2}); lifeline.ErrorCode(err) != lifeline.ECONFLICT {
		t.Errorf("B matches A's need on its own: %v, want a conflict (the need's origin orders what is committed to it)", err)
	}
	commit := propose(t, b, bCoord, coord.ChangeMatchCreate, need2.ID, `{"need_id":"`+need2.ID+`","offer_id":"`+offer.ID+`","quantity":2}`)
	tooMuch := propose(t, c, cCoord, coord.ChangeIncidentUpdate, in.ID, `{"title":"Not C's to rename"}`)
	syncTo(t, b, a)
	syncTo(t, c, a)
	syncTo(t, a, b)
	syncTo(t, a, c)
	got = changeOn(t, b, bCoord, commit.ID)
	if got.Status != coord.ChangeApplied || !strings.HasPrefix(got.Result, "match_") {
		t.Fatalf("B commits its offer to A's need: %+v, want applied, naming the match", got)
	}
	match := got.Result
	if got := changeOn(t, c, cCoord, tooMuch.ID); got.Status != coord.ChangeRefused || !strings.Contains(got.Reason, "c-org may not change the title of this incident") {
		t.Errorf("C renames A's incident: %+v, want refused", got)
	}
	committed := propose(t, b, bCoord, coord.ChangeMatchUpdate, match, `{"status":"committed"}`)
	syncTo(t, b, a)
	syncTo(t, a, b)
	if got := changeOn(t, b, bCoord, committed.ID); got.Status != coord.ChangeApplied {
		t.Errorf("B commits the match: %+v, want applied", got)
	}
	for name, f := range map[string]*fedInstance{"A": a, "B": b} {
		v := map[string]coord.Viewer{"A": author, "B": bCoord}[name]
		m, err := f.db.FindMatchByID(ctx, v, match)
		if err != nil || m.Status != coord.MatchCommitted || m.Quantity != 2 {
			t.Errorf("the match on %s: %+v %v, want committed, 2 units", name, m, err)
		}
		n, err := f.db.FindNeedByID(ctx, v, need2.ID)
		if err != nil || n.Coverage == nil || n.Coverage.Covered != 2 {
			t.Errorf("the need on %s: %+v %v, want 2 units covered", name, n, err)
		}
	}

	// C learns of a proposal of B's from B itself only after A's decision
	// reached it: the proposal arriving late does not hide the decision.
	b.peer(t, c, true)
	c.peer(t, b, true)
	syncTo(t, b, c)
	syncTo(t, c, b)
	late := propose(t, b, bCoord, coord.ChangeIncidentUpdate, in.ID, `{"repair":{"element":"cable-eassy","status":"repairing"}}`)
	syncTo(t, b, a)
	var pos int64
	if err := a.db.SQL().QueryRow(rebind(a.db, `SELECT MAX(local_seq) FROM received WHERE origin = ?`), b.fp).Scan(&pos); err != nil {
		t.Fatal(err)
	}
	wire, _, err := a.db.Outgoing(ctx, c.fp, pos, 100) // the decision, without the proposal
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.db.Receive(ctx, wire); err != nil {
		t.Fatal(err)
	}
	if got := changeOn(t, c, cCoord, late.ID); got.Status != coord.ChangeApplied {
		t.Fatalf("B's repair on C, decided by A: %+v, want applied", got)
	}
	syncTo(t, b, c)
	syncTo(t, a, c)
	if got := changeOn(t, c, cCoord, late.ID); got.Status != coord.ChangeApplied {
		t.Errorf("B's repair on C after B's own copy of the proposal arrived: %+v, want still applied", got)
	}
	if got, want := incidentState(t, c)[in.ID], incidentState(t, a)[in.ID]; got != want {
		t.Errorf("C holds %s, A holds %s", got, want)
	}

	// B cannot speak for A's own organisation: a proposal in its name (as
	// a compromised B would write it) is refused, and changes nothing.
	impostor := coord.Viewer{MemberID: "mem_impostor", OrgID: a.orgs["a-src"], Role: coord.RoleInstanceAdmin, OrgVerified: true}
	forged := propose(t, b, impostor, coord.ChangeIncidentUpdate, in.ID, `{"title":"Renamed by B"}`)
	beforeForged := incidentState(t, a)[in.ID]
	syncTo(t, b, a)
	syncTo(t, a, b)
	if got, err := b.db.FindChangeByID(ctx, impostor, forged.ID); err != nil || got.Status != coord.ChangeRefused || !strings.Contains(got.Reason, "may not speak for the organisation") {
		t.Errorf("B proposes in the name of A's organisation: %+v %v, want refused", got, err)
	}
	if incidentState(t, a)[in.ID] != beforeForged {
		t.Error("a proposal in the name of A's organisation changed A's incident")
	}

	// A receiving the same proposals again decides nothing twice.
	before := incidentState(t, a)
	syncTo(t, b, a)
	if after := incidentState(t, a); after[in.ID] != before[in.ID] {
		t.Error("a proposal received again changed the item again")
	}
	for name, f := range map[string]*fedInstance{"A": a, "B": b, "C": c} {
		if _, err := f.db.Verify(ctx); err != nil {
			t.Errorf("verify %s: %v", name, err)
		}
		if diff, err := f.db.VerifyState(ctx); err != nil || diff != "" {
			t.Errorf("the state of %s against a replay of its log: %q %v", name, diff, err)
		}
	}
}
