package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lifeline/coord"
	"lifeline/store/sqlite"
)

// seedReporter initialises an instance at db with a verified organisation
// and a reporter, and returns the reporter's token.
func seedReporter(t *testing.T, db string) (string, coord.Viewer) {
	t.Helper()
	var inst struct {
		OrgID string `json:"org_id"`
	}
	cliJSON(t, &inst, "admin", "init", "--db", db, "--org", "Ops", "--json")
	ctx := context.Background()
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m := &coord.Member{OrgID: inst.OrgID, Role: coord.RoleReporter, Name: "noc"}
	tok, err := s.CreateMember(ctx, coord.System, m)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := s.Authenticate(ctx, tok)
	return tok, v
}

// TestExportImport moves shutdowns from one instance to another in the
// STOP columns and back out again, and refuses a file with one bad row
// whole.
func TestExportImport(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	dbA, dbB := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	_, vA := seedReporter(t, dbA)
	tokB, _ := seedReporter(t, dbB)
	ctx := context.Background()
	a, err := sqlite.Open(ctx, dbA)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"SD", "ET", "IR"} {
		in := &coord.Incident{Title: "Shutdown in " + c, Kind: coord.KindShutdown, Countries: []string{c},
			Shutdown: &coord.Shutdown{GeoScope: "national", Type: "shutdown", Extent: "full_network"}}
		in.TLP = coord.TLPClear
		if err := a.CreateIncident(ctx, vA, in); err != nil {
			t.Fatal(err)
		}
	}
	secret := &coord.Incident{Title: "Ordered, not yet public", Kind: coord.KindShutdown, Countries: []string{"SD"}}
	secret.TLP = coord.TLPAmber
	if err := a.CreateIncident(ctx, vA, secret); err != nil {
		t.Fatal(err)
	}
	a.Close()

	stop := filepath.Join(dir, "stop.csv")
	if _, stderr, code := runCLI(t, "export", "--db", dbA, "--format", "stop", "-o", stop); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	data, _ := os.ReadFile(stop)
	if strings.Count(string(data), "\n") != 4 || strings.Contains(string(data), "not yet public") {
		t.Fatalf("anybody's STOP export has %d lines, want a header and the 3 public shutdowns:\n%s", strings.Count(string(data), "\n"), data)
	}
	t.Setenv(tokenEnv, tokB)
	var res map[string]int
	cliJSON(t, &res, "import", "--db", dbB, "--format", "stop", "--tlp", "TLP:CLEAR", "--json", stop)
	if res["incidents"] != 3 {
		t.Fatalf("import: %v", res)
	}
	t.Setenv(tokenEnv, "")
	again := filepath.Join(dir, "again.csv")
	if _, stderr, code := runCLI(t, "export", "--db", dbB, "--format", "stop", "-o", again); code != 0 {
		t.Fatalf("export from B: %s", stderr)
	}
	back, _ := os.ReadFile(again)
	if strings.Count(string(back), "\n") != 4 {
		t.Errorf("B's export has %d lines, want 4:\n%s", strings.Count(string(back), "\n"), back)
	}

	// One row with a country that does not exist: nothing is imported.
	bad := strings.Replace(string(data), ",Ethiopia,", ",Atlantis,", 1)
	if bad == string(data) {
		t.Fatal("the test could not break a row")
	}
	badFile := filepath.Join(dir, "bad.csv")
	os.WriteFile(badFile, []byte(bad), 0o600)
	t.Setenv(tokenEnv, tokB)
	if _, stderr, code := runCLI(t, "import", "--db", dbB, "--format", "stop", badFile); code == 0 || !strings.Contains(stderr, "bad.csv") {
		t.Errorf("a file with a bad row: code %d, %s", code, stderr)
	}
	b, _ := sqlite.Open(ctx, dbB)
	defer b.Close()
	page, err := b.FindIncidents(ctx, coord.Viewer{}, coord.ListFilter{Limit: 100})
	if err != nil || len(page.Items) != 3 {
		t.Errorf("after a refused file B holds %d incidents, want the 3 from before (%v)", len(page.Items), err)
	}
}

// TestEvidenceVerify proves a file is the evidence submitted with an
// incident, and refuses a changed copy.
func TestEvidenceVerify(t *testing.T) {
	isolate(t)
	noLocale(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "l.db")
	_, v := seedReporter(t, db)
	order := filepath.Join(dir, "order.txt")
	os.WriteFile(order, []byte("By order of the ministry, mobile data is suspended from 06:00.\n"), 0o600)
	sum := sha256.Sum256([]byte("By order of the ministry, mobile data is suspended from 06:00.\n"))
	ctx := context.Background()
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	in := &coord.Incident{Title: "Mobile data suspended", Kind: coord.KindShutdown, Countries: []string{"SD"},
		Evidence: []coord.Evidence{{Kind: "file", SHA256: hex.EncodeToString(sum[:]), Note: "the order, as photographed"}}}
	in.TLP = coord.TLPClear
	if err := s.CreateIncident(ctx, v, in); err != nil {
		t.Fatal(err)
	}
	s.Close()
	var c struct {
		SHA256 string `json:"sha256"`
		By     string `json:"by"`
		Event  string `json:"event_hash"`
	}
	cliJSON(t, &c, "evidence", "verify", "--db", db, "--json", order, in.ID)
	if c.By != v.MemberID || len(c.Event) != 64 {
		t.Errorf("custody: %+v", c)
	}
	out, stderr, code := runCLI(t, "evidence", "verify", "--db", db, order, in.ID)
	if code != 0 || !strings.HasPrefix(out, order+" is evidence of "+in.ID+"\nsha256:    "+c.SHA256+"\nsubmitted: ") || !strings.Contains(out, " UTC by "+v.MemberID) {
		t.Errorf("evidence verify: code %d: %s%s", code, out, stderr)
	}
	out, stderr, code = runCLI(t, "evidence", "verify", "--db", db, order, in.ID, "--lang", "fr")
	if code != 0 || !strings.Contains(out, " est un élément de preuve de "+in.ID) || !strings.Contains(out, " UTC par "+v.MemberID) ||
		!strings.Contains(out, "événement "+c.Event+" du journal signé") {
		t.Errorf("evidence verify --lang fr: code %d: %s%s", code, out, stderr)
	}
	os.WriteFile(order, []byte("By order of the ministry, mobile data is suspended from 07:00.\n"), 0o600)
	if _, stderr, code := runCLI(t, "evidence", "verify", "--db", db, order, in.ID, "--lang", "ar"); code == 0 || !strings.Contains(stderr, "ليس من أدلة الحادث "+in.ID) {
		t.Errorf("a changed file, in Arabic: code %d, %s", code, stderr)
	}
	if _, stderr, code := runCLI(t, "evidence", "verify", "--db", db, order, in.ID); code == 0 || !strings.Contains(stderr, "is not evidence") {
		t.Errorf("a changed file: code %d, %s", code, stderr)
	}
}

// TestExchangeLanguages: export and import write their errors and their
// summary in the language of --lang or the locale; the file stays as it is.
func TestExchangeLanguages(t *testing.T) {
	isolate(t)
	noLocale(t)
	db := filepath.Join(t.TempDir(), "x.db")
	tok, _ := seedReporter(t, db)
	if _, stderr, code := runCLI(t, "export", "--db", db, "--format", "pdf", "--lang", "ru"); code != 2 || !strings.Contains(stderr, `--format: ожидается одно из значений cap, `) {
		t.Errorf("export --format pdf --lang ru: code %d, %q", code, stderr)
	}
	stop := filepath.Join(t.TempDir(), "stop.csv")
	if _, stderr, code := runCLI(t, "export", "--db", db, "--format", "stop", "-o", stop, "--lang", "ar"); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	t.Setenv(tokenEnv, "")
	if _, stderr, code := runCLI(t, "import", "--db", db, "--format", "stop", stop, "--lang", "zh"); code != 2 || !strings.Contains(stderr, "导入会创建条目") {
		t.Errorf("import without a token, --lang zh: code %d, %q", code, stderr)
	}
	t.Setenv(tokenEnv, tok)
	t.Setenv("LANG", "fr_FR.UTF-8")
	out, stderr, code := runCLI(t, "import", "--db", db, "--format", "stop", stop)
	if code != 0 || !strings.Contains(out, "importés\u202f: 0 incident(s), 0 besoin(s), 0 offre(s)") {
		t.Errorf("import in the locale's French: code %d, %s\n%s", code, stderr, out)
	}
	out, _, code = runCLI(t, "import", "--db", db, "--format", "stop", stop, "--lang", "en")
	if code != 0 || !strings.Contains(out, "imported 0 incident(s), 0 need(s), 0 offer(s)") {
		t.Errorf("import --lang en: code %d\n%s", code, out)
	}
}
