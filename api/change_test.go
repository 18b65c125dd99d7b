package api_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"lifeline/api"
	"lifeline/coord"
	"lifeline/federation"
	"lifeline/store"
	"lifeline/store/sqlite"
)

// exchange sends to everything from has for it, in one batch.
func exchange(t *testing.T, from, to *store.DB) {
	t.Helper()
	ctx := context.Background()
	_, toFP, _ := to.Self(ctx)
	wire, _, err := from.Outgoing(ctx, toFP, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := to.Receive(ctx, wire); err != nil {
		t.Fatal(err)
	}
}

// TestChangesFromElsewhere: on B, a member proposes through the API a
// change to an incident instance A keeps; the change is pending until A
// decides, then B's API shows it applied, or refused with A's reason; a
// direct edit of A's incident on B is refused, saying where to propose.
func TestChangesFromElsewhere(t *testing.T) {
	ctx := context.Background()
	var b *env
	bdb, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	b = newEnvOn(t, bdb, api.Options{Changes: bdb})
	a, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	inst, err := a.Init(ctx, "A operators", "root", 0)
	if err != nil {
		t.Fatal(err)
	}
	aAdmin, _ := a.Authenticate(ctx, inst.Token)
	aOrg := &coord.Org{Name: "Port Sudan ISP", Kind: coord.OrgOperator, Verified: true}
	if err := a.CreateOrg(ctx, coord.System, aOrg); err != nil {
		t.Fatal(err)
	}
	m := &coord.Member{OrgID: aOrg.ID, Role: coord.RoleCoordinator, Name: "a"}
	tok, err := a.CreateMember(ctx, coord.System, m)
	if err != nil {
		t.Fatal(err)
	}
	aAuthor, _ := a.Authenticate(ctx, tok)
	aKey, _, _ := a.Self(ctx)
	bKey, _, _ := bdb.Self(ctx)
	w := b.w
	if err := a.AddPeer(ctx, aAdmin, &federation.Peer{Name: "B", Key: bKey, Community: true,
		Orgs: []string{w.Author.OrgID, w.Named.OrgID, w.Recipient.OrgID, w.Other.OrgID, w.Unverified.OrgID}}); err != nil {
		t.Fatal(err)
	}
	if err := bdb.AddPeer(ctx, w.Admin, &federation.Peer{Name: "A", Key: aKey, Community: true, Orgs: []string{aOrg.ID}}); err != nil {
		t.Fatal(err)
	}
	exchange(t, bdb, a)
	in := &coord.Incident{Title: "Cable cut off Port Sudan", Kind: coord.KindCableCut, Elements: []string{"cable-eassy"}}
	in.TLP = coord.TLPClear
	if err := a.CreateIncident(ctx, aAuthor, in); err != nil {
		t.Fatal(err)
	}
	dmg := coord.RepairUpdate{Element: "cable-eassy", Status: coord.RepairDamaged}
	if _, err := a.UpdateIncident(ctx, aAuthor, in.ID, coord.IncidentUpdate{Repair: &dmg}); err != nil {
		t.Fatal(err)
	}
	exchange(t, a, bdb)

	if r := b.do(w.Named, "PATCH", "/api/v1/incidents/"+in.ID, `{"status":"verified"}`); r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "/api/v1/changes") {
		t.Errorf("PATCH of A's incident on B: %d %s, want 409 saying where to propose", r.Status, r.Body)
	}
	body := `{"kind":"incident.update","item":"` + in.ID + `","request":{"repair":{"element":"cable-eassy","status":"repair_scheduled"}}}`
	r := b.do(w.Named, "POST", "/api/v1/changes", body)
	var applied, refused coord.Change
	r.json(t, &applied)
	if r.Status != http.StatusAccepted || applied.Status != coord.ChangePending || r.Header.Get("Location") != "/api/v1/changes/"+applied.ID {
		t.Fatalf("propose: %d %s, want 202 pending with its Location", r.Status, r.Body)
	}
	r = b.do(w.Unverified, "POST", "/api/v1/changes", body)
	r.json(t, &refused)
	if r.Status != http.StatusAccepted {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	if r := b.do(w.Named, "POST", "/api/v1/changes", `{"kind":"incident.update","item":"`+in.ID+`","request":{"colour":"red"}}`); r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "colour") {
		t.Errorf("propose an unknown field: %d %s, want 400 naming it", r.Status, r.Body)
	}
	if r := b.do(coord.Viewer{}, "POST", "/api/v1/changes", body); r.Status != http.StatusUnauthorized {
		t.Errorf("anonymous proposal: %d, want 401", r.Status)
	}
	var page coord.Page[*coord.Change]
	b.do(w.Named, "GET", "/api/v1/changes?status=pending", nil).json(t, &page)
	if len(page.Items) != 2 {
		t.Errorf("pending changes before A decides: %d, want 2", len(page.Items))
	}
	if r := b.do(w.Named, "GET", "/api/v1/changes?status=lost", nil); r.Status != http.StatusBadRequest {
		t.Errorf("?status=lost: %d, want 400", r.Status)
	}

	exchange(t, bdb, a)
	exchange(t, a, bdb)

	var got coord.Change
	b.do(w.Named, "GET", "/api/v1/changes/"+applied.ID, nil).json(t, &got)
	if got.Status != coord.ChangeApplied || got.Result != in.ID {
		t.Errorf("the coordinator's change: %+v, want applied", got)
	}
	b.do(w.Unverified, "GET", "/api/v1/changes/"+refused.ID, nil).json(t, &got)
	if got.Status != coord.ChangeRefused || !strings.Contains(got.Reason, "Unverified may not move the restoration of cable-eassy") {
		t.Errorf("the unverified organisation's change: %+v, want refused with A's reason", got)
	}
	b.do(w.Named, "GET", "/api/v1/changes?status=refused", nil).json(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != refused.ID {
		t.Errorf("refused changes: %v, want the unverified organisation's", page.Items)
	}
	var now coord.Incident
	b.do(w.Named, "GET", "/api/v1/incidents/"+in.ID, nil).json(t, &now)
	if len(now.Restoration) != 1 || now.Restoration[0].Status != coord.RepairScheduled {
		t.Errorf("A's incident on B after A decided: %+v, want the repair scheduled", now.Restoration)
	}
}
