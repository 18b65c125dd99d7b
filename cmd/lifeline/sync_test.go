package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lifeline/coord"
	"lifeline/store/sqlite"
)

// TestBundleHop carries an incident from instance A to instance B on a
// file, as a courier would: peers added by key on both sides, a bundle
// exported on A and imported on B, then imported again (nothing changes)
// and a damaged copy refused whole.
func TestBundleHop(t *testing.T) {
	isolate(t)
	selfA, selfB := twoInstances(t)
	dir, dbA, dbB := filepath.Dir(selfA.DB), selfA.DB, selfB.DB
	if _, stderr, code := runCLI(t, "peer", "add", "--db", dbA, "--name", "B", "--key", selfB.Key, "--community"); code != 0 {
		t.Fatalf("peer add on A: %s", stderr)
	}
	if _, stderr, code := runCLI(t, "peer", "add", "--db", dbB, "--name", "A (USB)", "--key", selfA.Key); code != 0 {
		t.Fatalf("peer add on B: %s", stderr)
	}
	// An incident on A, through the store as the API would write it.
	ctx := context.Background()
	a, err := sqlite.Open(ctx, dbA)
	if err != nil {
		t.Fatal(err)
	}
	org := &coord.Org{Name: "Sudatel", Kind: coord.OrgOperator, Verified: true}
	if err := a.CreateOrg(ctx, coord.System, org); err != nil {
		t.Fatal(err)
	}
	m := &coord.Member{OrgID: org.ID, Role: coord.RoleReporter, Name: "noc"}
	tok, err := a.CreateMember(ctx, coord.System, m)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := a.Authenticate(ctx, tok)
	in := &coord.Incident{Title: "PEACE cable cut off Port Sudan", Kind: coord.KindCableCut, Countries: []string{"SD"}}
	in.TLP = coord.TLPClear
	if err := a.CreateIncident(ctx, v, in); err != nil {
		t.Fatal(err)
	}
	a.Close()

	bundle := filepath.Join(dir, "to-b.llb")
	out, stderr, code := runCLI(t, "sync", "export", "--db", dbA, "--peer", selfB.Fingerprint[:8], "-o", bundle)
	if code != 0 || !strings.Contains(out, "event(s)") {
		t.Fatalf("sync export: code %d: %s%s", code, out, stderr)
	}
	if out, stderr, code := runCLI(t, "sync", "import", "--db", dbB, bundle); code != 0 || !strings.Contains(out, "new event(s)") {
		t.Fatalf("sync import: code %d: %s%s", code, out, stderr)
	}
	if out, _, code := runCLI(t, "sync", "import", "--db", dbB, bundle); code != 0 || !strings.Contains(out, "already imported") {
		t.Errorf("a second import: code %d: %s", code, out)
	}
	data, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 1
	damaged := filepath.Join(dir, "damaged.llb")
	os.WriteFile(damaged, data, 0o600)
	if _, stderr, code := runCLI(t, "sync", "import", "--db", dbB, damaged); code == 0 || !strings.Contains(stderr, "damaged.llb") {
		t.Errorf("a damaged bundle: code %d, stderr %q; want a refusal naming the file", code, stderr)
	}
	b, err := sqlite.Open(ctx, dbB)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	got, err := b.FindIncidentByID(ctx, coord.Viewer{}, in.ID)
	if err != nil || got.Title != in.Title {
		t.Fatalf("the incident on B: %+v, %v", got, err)
	}
	if _, err := b.Verify(ctx); err != nil {
		t.Errorf("verify B: %v", err)
	}
	var peers []struct {
		Received int64 `json:"received"`
		Refused  int64 `json:"refused"`
	}
	b.Close()
	cliJSON(t, &peers, "peer", "list", "--db", dbB, "--json")
	if len(peers) != 1 || peers[0].Received == 0 {
		t.Errorf("peer list on B: %+v", peers)
	}
}

// TestBrief writes the brief of a public incident as anybody sees it.
func TestBrief(t *testing.T) {
	isolate(t)
	db := filepath.Join(t.TempDir(), "l.db")
	tok, v := seedReporter(t, db)
	ctx := context.Background()
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	in := &coord.Incident{Title: "Tonga cable cut", Kind: coord.KindCableCut, Countries: []string{"TO"}}
	in.TLP = coord.TLPRed
	if err := s.CreateIncident(ctx, v, in); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, stderr, code := runCLI(t, "brief", "--db", db, in.ID); code == 0 || !strings.Contains(stderr, "no such incident") {
		t.Errorf("anybody's brief of a TLP:RED incident: code %d, %s", code, stderr)
	}
	t.Setenv(tokenEnv, tok)
	out, stderr, code := runCLI(t, "brief", "--db", db, "--format", "markdown", in.ID)
	if code != 0 || !strings.Contains(out, "Tonga cable cut") || !strings.Contains(out, "TLP:RED") {
		t.Errorf("the author's brief: code %d, %s%s", code, out, stderr)
	}
}

// TestPeerSyncLanguages: peer and sync write their prose and their own
// errors in the language of --lang, else of the locale, else English as
// before; keys and fingerprints come as typed, dates in the language's
// words.
func TestPeerSyncLanguages(t *testing.T) {
	isolate(t)
	noLocale(t)
	selfA, selfB := twoInstances(t)
	dir, dbA, dbB := filepath.Dir(selfA.DB), selfA.DB, selfB.DB
	check := func(wantCode int, want string, args ...string) string {
		t.Helper()
		out, stderr, code := runCLI(t, args...)
		got := out
		if wantCode != 0 {
			got = stderr
		}
		if code != wantCode || !strings.Contains(got, want) {
			t.Errorf("%v: code %d, want %d and %q in:\n%s%s", args, code, wantCode, want, out, stderr)
		}
		return out
	}
	check(0, "no peers yet: \"lifeline peer add --help\" says how to add one\n", "peer", "list", "--db", dbA)
	check(0, "لا نظراء بعد", "peer", "list", "--db", dbA, "--lang", "ar")
	out := check(0, "pair ajouté\u202f: B\nempreinte\u202f:   "+selfB.Fingerprint+"\nà comparer\u202f:  ", "peer", "add", "--db", dbA, "--name", "B", "--key", selfB.Key, "--lang", "fr")
	if strings.ContainsAny(out, "\u2068\u2069") {
		t.Errorf("peer add --lang fr isolates: %q", out)
	}
	out = check(0, "المفتاح:   "+selfB.Key+"\nالبصمة:    "+selfB.Fingerprint+"\n", "peer", "self", "--db", dbB, "--lang", "ar")
	if strings.ContainsAny(out, "\u2068\u2069") {
		t.Errorf("peer self --lang ar isolates the key: %q", out)
	}
	check(0, "peer added: A\nfingerprint: "+selfA.Fingerprint+"\ncompare:     ", "peer", "add", "--db", dbB, "--name", "A", "--key", selfA.Key)
	check(2, "lifeline: --suspend и --resume: выберите одно", "peer", "update", selfB.Fingerprint[:8], "--db", dbA, "--suspend", "--resume", "--lang", "ru")
	check(2, "lifeline: empreinte \"3f2a\"\u202f: donnez au moins ses 8 premiers chiffres hexadécimaux", "peer", "update", "3f2a", "--db", dbA, "--lang", "fr")
	check(1, "lifeline: ningún par tiene una huella que empiece por \"00000000\"", "peer", "remove", "00000000", "--db", dbA, "--lang", "es")

	bundle := filepath.Join(dir, "to-b.llb")
	check(2, "lifeline: --peer 与 -o：必须提供", "sync", "export", "--db", dbA, "--peer", selfB.Fingerprint[:8], "--lang", "zh")
	check(0, "écrit pour B\u202f: 1 événement(s), positions 0 à 3", "sync", "export", "--db", dbA, "--peer", selfB.Fingerprint[:8], "-o", bundle, "--lang", "fr")
	t.Setenv("LANG", "ar_SD.UTF-8")
	check(0, ": الأحداث الجديدة ١، والموجودة هنا من قبل ٠", "sync", "import", "--db", dbB, bundle)
	check(0, ": already imported; nothing changed", "sync", "import", "--db", dbB, bundle, "--lang", "en")
	t.Setenv("LANG", "")
	out = check(0, "fingerprint", "peer", "list", "--db", dbB)
	if !strings.Contains(out, "last contact") || !strings.Contains(out, " UTC") || strings.Contains(out, "never") {
		t.Errorf("peer list on B after an import: the last contact is a date in English words:\n%s", out)
	}
	out = check(0, "dernier contact", "peer", "list", "--db", dbB, "--lang", "fr")
	if !strings.Contains(out, " à ") || !strings.Contains(out, " UTC") || !strings.Contains(out, "paquets hors ligne seulement") {
		t.Errorf("peer list --lang fr: the last contact as a French date, the state in words:\n%s", out)
	}
	check(0, "партнёр удалён: A (присланное им остаётся)", "peer", "remove", selfA.Fingerprint[:8], "--db", dbB, "--lang", "ru")
}

// cliInstance is an instance made by "lifeline admin init" for a test:
// its database, its organisation, its admin's token and its key.
type cliInstance struct {
	DB, OrgID, Token, Key, Fingerprint string
}

// twoInstances makes instances A and B in the test's directory, each with
// its organisation ("A ops", "B ops"); neither knows the other yet.
func twoInstances(t *testing.T) (a, b cliInstance) {
	t.Helper()
	dir := t.TempDir()
	for _, in := range []struct {
		inst *cliInstance
		name string
	}{{&a, "a"}, {&b, "b"}} {
		in.inst.DB = filepath.Join(dir, in.name+".db")
		var made struct {
			OrgID string `json:"org_id"`
			Token string `json:"token"`
		}
		cliJSON(t, &made, "admin", "init", "--db", in.inst.DB, "--org", strings.ToUpper(in.name)+" ops", "--json")
		var self struct{ Key, Fingerprint string }
		cliJSON(t, &self, "peer", "self", "--db", in.inst.DB, "--json")
		in.inst.OrgID, in.inst.Token, in.inst.Key, in.inst.Fingerprint = made.OrgID, made.Token, self.Key, self.Fingerprint
	}
	return a, b
}
