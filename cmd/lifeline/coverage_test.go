package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"lifeline/coord"
	"lifeline/ledger"
	"lifeline/store/sqlite"
	"lifeline/store/storetest"
)

// TestServeRecordsCoverage restores a log written before need.coverage
// and offer.coverage existed (a need and an offer with a commitment, the
// log signed again without its records: storetest.BackupWithout). admin
// verify says one need and one offer have no record; serve records them
// at start and says so in one line each; a second start records nothing
// and says nothing of it; admin verify then finds none.
func TestServeRecordsCoverage(t *testing.T) {
	noLocale(t)
	ctx := context.Background()
	dir := t.TempDir()
	old, err := sqlite.Open(ctx, filepath.Join(dir, "old.db"))
	if err != nil {
		t.Fatal(err)
	}
	inst, err := old.Init(ctx, "ETC operators", "root", 0)
	if err != nil {
		t.Fatal(err)
	}
	v, err := old.Authenticate(ctx, inst.Token)
	if err != nil {
		t.Fatal(err)
	}
	res := coord.Resource{Title: "terminals for Port Sudan", Category: "connectivity/satellite-terminal", Quantity: 10, Unit: "terminal", Countries: []string{"SD"}}
	res.TLP = coord.TLPClear
	need, offer := &coord.Need{Resource: res}, &coord.Offer{Resource: res}
	if err := old.CreateNeed(ctx, v, need); err != nil {
		t.Fatal(err)
	}
	if err := old.CreateOffer(ctx, v, offer); err != nil {
		t.Fatal(err)
	}
	m, err := old.CreateMatch(ctx, v, coord.MatchCreate{NeedID: need.ID, OfferID: offer.ID, Quantity: 4})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.UpdateMatch(ctx, v, m.ID, coord.MatchUpdate{Status: coord.MatchCommitted}); err != nil {
		t.Fatal(err)
	}
	backup := storetest.BackupWithout(t, old, func(e ledger.Event) bool {
		return e.Type == coord.EventNeedCoverage || e.Type == coord.EventOfferCoverage
	})
	old.Close()
	file, path := filepath.Join(dir, "old.jsonl"), filepath.Join(dir, "lifeline.db")
	if err := os.WriteFile(file, backup, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runCLI(t, "admin", "restore", "-i", file, "--db", path); code != 0 {
		t.Fatalf("admin restore: %s", stderr)
	}

	unrecorded := func() (int, int) {
		t.Helper()
		out, stderr, code := runCLI(t, "admin", "verify", "--db", path, "--json")
		if code != 0 {
			t.Fatalf("admin verify: %s", stderr)
		}
		var r struct {
			Unrecorded *int `json:"coverage_unrecorded"`
			Offers     *int `json:"offer_coverage_unrecorded"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil || r.Unrecorded == nil || r.Offers == nil {
			t.Fatalf("admin verify --json: %v\n%s", err, out)
		}
		return *r.Unrecorded, *r.Offers
	}
	if n, o := unrecorded(); n != 1 || o != 1 {
		t.Fatalf("admin verify counts %d needs and %d offers without a record, want 1 and 1", n, o)
	}
	out, _, _ := runCLI(t, "admin", "verify", "--db", path, "--lang", "fr")
	if want := "1 besoin tenu ici a des engagements mais aucun enregistrement à jour de sa couverture"; !strings.Contains(out, want) {
		t.Errorf("admin verify --lang fr does not say %q:\n%s", want, out)
	}
	if want := "1 offre a des engagements tenus ici mais aucun enregistrement à jour"; !strings.Contains(out, want) {
		t.Errorf("admin verify --lang fr does not say %q:\n%s", want, out)
	}

	const said = "lifeline: coverage recorded for 1 need matched before coverage was recorded"
	const saidOffers = "lifeline: coverage recorded for 1 offer whose matches kept here were made before offer coverage was recorded"
	start := func() string {
		t.Helper()
		s := startServer(t, dir, "--addr", "127.0.0.1:0", "--db", path)
		s.cmd.Process.Signal(syscall.SIGTERM)
		<-s.done
		return strings.Join(s.log, "\n")
	}
	if log := start(); !strings.Contains(log, said) || !strings.Contains(log, saidOffers) {
		t.Errorf("the first start does not say %q and %q:\n%s", said, saidOffers, log)
	}
	if log := start(); strings.Contains(log, "coverage recorded") {
		t.Errorf("the second start records coverage again:\n%s", log)
	}
	if n, o := unrecorded(); n != 0 || o != 0 {
		t.Errorf("after serve started, admin verify counts %d needs and %d offers without a record, want none", n, o)
	}

	// docs/federation.md shows the line as serve prints it.
	doc, err := os.ReadFile("../../docs/federation.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := "lifeline: " + english.T("serve.coverage", 12); !strings.Contains(string(doc), "\n"+want+"\n") {
		t.Errorf("docs/federation.md does not show serve's line as it is printed, %q", want)
	}
	if want := "lifeline: " + english.T("serve.coverage.offers", 3); !strings.Contains(string(doc), "\n"+want+"\n") {
		t.Errorf("docs/federation.md does not show serve's line for offers as it is printed, %q", want)
	}
}
