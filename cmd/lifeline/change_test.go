package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"lifeline/coord"
	"lifeline/store/sqlite"
)

// TestSyncProposeByBundle: a member of B proposes, from the command line,
// two changes to an incident A keeps; bundles carry them to A and A's
// decisions back; lifeline sync changes on B shows one applied and the
// other refused with A's reason.
func TestSyncProposeByBundle(t *testing.T) {
	isolate(t)
	noLocale(t)
	selfA, selfB := twoInstances(t)
	dir, dbA, dbB := filepath.Dir(selfA.DB), selfA.DB, selfB.DB
	for _, add := range [][]string{
		{"peer", "add", "--db", dbA, "--name", "B", "--key", selfB.Key, "--org", selfB.OrgID, "--community"},
		{"peer", "add", "--db", dbB, "--name", "A", "--key", selfA.Key, "--org", selfA.OrgID, "--community"},
	} {
		if _, stderr, code := runCLI(t, add...); code != 0 {
			t.Fatalf("%v: %s", add, stderr)
		}
	}
	carry := func(from, to, fp string) string {
		t.Helper()
		file := filepath.Join(dir, "bundle.llb")
		if out, stderr, code := runCLI(t, "sync", "export", "--db", from, "--peer", fp[:8], "-o", file); code != 0 {
			t.Fatalf("sync export: %s%s", out, stderr)
		}
		out, stderr, code := runCLI(t, "sync", "import", "--db", to, file)
		if code != 0 {
			t.Fatalf("sync import: %s%s", out, stderr)
		}
		return out
	}
	carry(dbB, dbA, selfA.Fingerprint) // B's organisation reaches A
	ctx := context.Background()
	a, err := sqlite.Open(ctx, dbA)
	if err != nil {
		t.Fatal(err)
	}
	v, err := a.Authenticate(ctx, selfA.Token)
	if err != nil {
		t.Fatal(err)
	}
	in := &coord.Incident{Title: "PEACE cable cut off Port Sudan", Kind: coord.KindCableCut, Elements: []string{"cable-peace"}}
	in.TLP = coord.TLPClear
	if err := a.CreateIncident(ctx, v, in); err != nil {
		t.Fatal(err)
	}
	dmg := coord.RepairUpdate{Element: "cable-peace", Status: coord.RepairDamaged}
	if _, err := a.UpdateIncident(ctx, v, in.ID, coord.IncidentUpdate{Repair: &dmg}); err != nil {
		t.Fatal(err)
	}
	a.Close()
	carry(dbA, dbB, selfB.Fingerprint)

	t.Setenv(tokenEnv, selfB.Token)
	out, stderr, code := runCLI(t, "sync", "propose", "--db", dbB, "--kind", "incident.update", "--item", in.ID,
		"--request", `{"repair":{"element":"cable-peace","status":"repair_scheduled"}}`)
	if code != 0 || !strings.Contains(out, "pending") || !strings.Contains(out, "move the restoration of cable-peace to repair_scheduled") {
		t.Fatalf("sync propose: code %d: %s%s", code, out, stderr)
	}
	if _, stderr, code := runCLI(t, "sync", "propose", "--db", dbB, "--kind", "incident.update", "--item", in.ID, "--request", `{"status":"resolved"}`); code != 0 {
		t.Fatalf("sync propose: %s", stderr)
	}
	if _, stderr, code := runCLI(t, "sync", "propose", "--db", dbB, "--kind", "incident.update", "--item", in.ID, "--request", `{"status":`); code != 2 || !strings.Contains(stderr, "--request") {
		t.Errorf("a request that is not JSON: code %d, %s; want a usage error naming --request", code, stderr)
	}
	if out, _, _ := runCLI(t, "sync", "changes", "--db", dbB, "--status", "pending"); strings.Count(out, "pending") != 2 {
		t.Errorf("sync changes before A decides: %q, want two pending", out)
	}
	out, _, _ = runCLI(t, "sync", "changes", "--db", dbB, "--lang", "fr")
	if strings.Count(out, "en attente") != 2 || !strings.Contains(out, "faire passer le rétablissement de cable-peace à repair_scheduled") ||
		!strings.Contains(out, "modifier les champs status de cet incident") {
		t.Errorf("sync changes --lang fr before A decides: %q, want two pending changes said in French", out)
	}
	if _, stderr, code := runCLI(t, "sync", "propose", "--db", dbB, "--kind", "incident.update", "--lang", "ar"); code != 2 || !strings.Contains(stderr, ": مطلوبة") {
		t.Errorf("sync propose --lang ar without --item: code %d, %q", code, stderr)
	}
	if out := carry(dbB, dbA, selfA.Fingerprint); !strings.Contains(out, "decided 2 change(s) proposed elsewhere") {
		t.Errorf("A imports B's proposals: %q, want it to say it decided two", out)
	}
	if out := carry(dbA, dbB, selfB.Fingerprint); !strings.Contains(out, "2 change(s) proposed here were decided") {
		t.Errorf("B imports A's decisions: %q, want it to say two of its changes were decided", out)
	}
	out, stderr, code = runCLI(t, "sync", "changes", "--db", dbB)
	t.Log(out)
	if code != 0 || !strings.Contains(out, "applied") || !strings.Contains(out, "refused") || !strings.Contains(out, "cannot go from reported to resolved") {
		t.Errorf("sync changes after A decided: code %d: %s%s; want one applied, one refused with the reason", code, out, stderr)
	}
	out, _, _ = runCLI(t, "sync", "changes", "--db", dbB, "--lang", "es")
	if !strings.Contains(out, "aplicado  ") || !strings.Contains(out, "rechazado") || !strings.Contains(out, "cannot go from reported to resolved") {
		t.Errorf("sync changes --lang es after A decided: %s; want the states in Spanish, the origin's reason as it gave it", out)
	}
	var changes []coord.Change
	cliJSON(t, &changes, "sync", "changes", "--db", dbB, "--status", "refused", "--json")
	if len(changes) != 1 || changes[0].Reason == "" {
		t.Errorf("sync changes --status refused --json: %+v", changes)
	}
}
