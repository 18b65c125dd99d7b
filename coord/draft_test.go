package coord_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"lifeline"
	"lifeline/coord"
	"lifeline/internal/testdb"
	"lifeline/watch"
)

func TestDrafter(t *testing.T) {
	ctx := context.Background()
	db, inst := testdb.SQLite(t)
	m := &coord.Member{OrgID: inst.OrgID, Role: coord.RoleReporter, Name: "detector"}
	tok, err := db.CreateMember(ctx, coord.System, m)
	if err != nil {
		t.Fatal(err)
	}
	by, _ := db.Authenticate(ctx, tok)
	d := &coord.Drafter{Incidents: db, By: by}
	start := time.Date(2026, 6, 3, 6, 0, 0, 0, time.UTC)
	draft := watch.Draft{Kind: watch.HintShutdown, Title: "Sudan: national shutdown", Status: watch.StatusConfirmed,
		Countries: []string{"SD"}, ASNs: []uint32{15706, 36972}, Start: start, Score: 2e6,
		Reasons: []string{"visible /24s of SD fell 92% within two bins"},
		Evidence: []watch.Evidence{{Signal: "bgp:country/SD", Level: watch.LevelCritical, Drop: 0.92, Start: start, End: start.Add(time.Hour)},
			{Signal: "probing:country/SD", Level: watch.LevelCritical, Drop: 0.81, Start: start, End: start.Add(time.Hour)}}}
	id, err := d.DraftIncident(ctx, draft)
	if err != nil {
		t.Fatal(err)
	}
	in, err := db.FindIncidentByID(ctx, coord.Viewer{}, id)
	if err != nil {
		t.Fatalf("the draft is not public: %v", err)
	}
	if in.Kind != coord.KindShutdown || in.Status != coord.IncidentReported || len(in.Evidence) != 2 || in.Severity != coord.SeverityExtreme ||
		!strings.Contains(in.Evidence[0].Note, "92%") {
		t.Errorf("drafted incident: %+v", in)
	}
	// The same fall seen again an hour later: no second incident.
	again := draft
	again.Start = start.Add(time.Hour)
	if id2, err := d.DraftIncident(ctx, again); err != nil || id2 != id {
		t.Errorf("a second draft of the same event filed %q (%v), want %q", id2, err, id)
	}
	// A different country is a different incident.
	other := draft
	other.Countries = []string{"ET"}
	if id3, err := d.DraftIncident(ctx, other); err != nil || id3 == id {
		t.Errorf("a draft for Ethiopia: %q, %v", id3, err)
	}
	// Dismissed, the incident is no longer open: the next draft files anew.
	st := coord.IncidentDismissed
	root, err := db.Authenticate(ctx, inst.Token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateIncident(ctx, root, id, coord.IncidentUpdate{Status: &st}); err != nil {
		t.Fatalf("dismiss: %v", err)
	}
	if id4, err := d.DraftIncident(ctx, again); err != nil || id4 == id {
		t.Errorf("after dismissal: %q, %v; want a new incident", id4, err)
	}
	suspected := draft
	suspected.Status = watch.StatusSuspected
	if _, err := d.DraftIncident(ctx, suspected); lifeline.ErrorCode(err) != lifeline.EINVALID {
		t.Errorf("a suspected draft: %v, want EINVALID", err)
	}
}
