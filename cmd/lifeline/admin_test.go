package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"lifeline/coord"
	"lifeline/store/postgres/pgtest"
	"lifeline/store/sqlite"
)

func cliJSON(t testing.TB, v any, args ...string) {
	t.Helper()
	out, stderr, code := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("lifeline %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("lifeline %s: output %q: %v", strings.Join(args, " "), out, err)
	}
}

func TestAdminOrgMember(t *testing.T) {
	db := filepath.Join(t.TempDir(), "lifeline.db")
	var inst struct {
		OrgID    string `json:"org_id"`
		MemberID string `json:"member_id"`
		Token    string `json:"token"`
	}
	cliJSON(t, &inst, "admin", "init", "--db", db, "--org", "Ops", "--json")
	if !strings.HasPrefix(inst.OrgID, "org_") || !strings.HasPrefix(inst.MemberID, "mem_") || !strings.HasPrefix(inst.Token, "llt_") {
		t.Fatalf("admin init = %+v", inst)
	}
	if _, stderr, code := runCLI(t, "admin", "init", "--db", db, "--org", "Ops"); code == 0 || !strings.Contains(stderr, "already initialised") {
		t.Errorf("second init: exit %d, %s", code, stderr)
	}
	var org struct {
		OrgID string `json:"org_id"`
	}
	cliJSON(t, &org, "org", "add", "--db", db, "--name", "Sudatel", "--kind", "operator", "--country", "SD", "--asn", "15706", "--verified", "--json")
	var mem struct {
		MemberID string `json:"member_id"`
		Token    string `json:"token"`
	}
	cliJSON(t, &mem, "member", "add", "--db", db, "--org", org.OrgID, "--role", "coordinator", "--name", "Amal", "--json")
	s, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.Authenticate(context.Background(), mem.Token)
	s.Close()
	if err != nil || v.OrgID != org.OrgID || !v.OrgVerified || v.Role != "coordinator" {
		t.Fatalf("the new member's token authenticates as %+v, %v", v, err)
	}
	if _, stderr, code := runCLI(t, "org", "add", "--db", db, "--name", "X", "--kind", "isp"); code != 2 || !strings.Contains(stderr, "kind: expected one of") {
		t.Errorf("bad kind: exit %d, %s", code, stderr)
	}
	if _, stderr, code := runCLI(t, "member", "add", "--db", db, "--org", org.OrgID, "--role", "boss", "--name", "x"); code != 2 || !strings.Contains(stderr, `role: expected one of viewer, reporter, coordinator, org_admin, instance_admin, found "boss"`) {
		t.Errorf("bad role: exit %d, %s", code, stderr)
	}
	// The domain's mistake in the reader's language, as the web says it:
	// by --lang, and by the locale.
	if _, stderr, code := runCLI(t, "member", "add", "--db", db, "--org", org.OrgID, "--role", "boss", "--name", "x", "--lang", "fr"); code != 2 || !strings.Contains(stderr, "attendu l’un de viewer") || !strings.Contains(stderr, `trouvé "boss"`) || strings.Contains(stderr, "expected") {
		t.Errorf("bad role in French: exit %d, %s", code, stderr)
	}
	t.Setenv("LANG", "es_ES.UTF-8")
	if _, stderr, code := runCLI(t, "member", "add", "--db", db, "--org", org.OrgID, "--role", "boss", "--name", "x"); code != 2 || !strings.Contains(stderr, "se esperaba uno de viewer") {
		t.Errorf("bad role in Spanish by the locale: exit %d, %s", code, stderr)
	}
	t.Setenv("LANG", "")
	if _, _, code := runCLI(t, "org", "add", "--db", db); code != 2 {
		t.Errorf("org add without flags: exit %d, want 2", code)
	}
	var unv struct {
		OrgID string `json:"org_id"`
	}
	cliJSON(t, &unv, "org", "add", "--db", db, "--name", "NGO", "--kind", "civil_society", "--json")
	var ver struct {
		Verified bool `json:"verified"`
	}
	cliJSON(t, &ver, "org", "verify", "--db", db, unv.OrgID, "--json")
	if !ver.Verified {
		t.Errorf("org verify = %+v", ver)
	}
	if _, stderr, code := runCLI(t, "org", "verify", "--db", db, "org_nope"); code == 0 || !strings.Contains(stderr, "no such organisation") {
		t.Errorf("verify of an unknown org: exit %d, %s", code, stderr)
	}
	var list struct{ Items []struct{ ID string } }
	cliJSON(t, &list, "org", "list", "--db", db, "--json")
	if len(list.Items) != 3 {
		t.Errorf("org list = %+v", list)
	}
}

func TestAdminVerifyRebuildBackupRestore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "lifeline.db")
	var inst struct {
		OrgID string `json:"org_id"`
	}
	cliJSON(t, &inst, "admin", "init", "--db", db, "--org", "Ops", "--json")
	for _, name := range []string{"A", "B", "C"} {
		var o struct {
			OrgID string `json:"org_id"`
		}
		cliJSON(t, &o, "org", "add", "--db", db, "--name", name, "--kind", "ixp", "--json")
	}
	var ver struct {
		OK       bool
		Verified int
	}
	cliJSON(t, &ver, "admin", "verify", "--db", db, "--json")
	if !ver.OK || ver.Verified != 6 {
		t.Fatalf("verify = %+v, want ok with 6 events", ver)
	}
	var reb struct {
		Events    int
		Unchanged bool
	}
	cliJSON(t, &reb, "admin", "rebuild", "--db", db, "--json")
	if reb.Events != 6 || !reb.Unchanged {
		t.Fatalf("rebuild = %+v", reb)
	}
	backup := filepath.Join(dir, "backup.jsonl")
	var b struct{ Events int }
	cliJSON(t, &b, "admin", "backup", "--db", db, "-o", backup, "--json")
	restored := filepath.Join(dir, "restored.db")
	var r struct{ Events int }
	cliJSON(t, &r, "admin", "restore", "--db", restored, "-i", backup, "--json")
	if b.Events != 6 || r.Events != 6 {
		t.Fatalf("backup %d events, restored %d; want 6", b.Events, r.Events)
	}
	cliJSON(t, &ver, "admin", "verify", "--db", restored, "--json")
	if !ver.OK {
		t.Fatal("restored store does not verify")
	}
	// Tamper with the stored bytes of event 4: verify names it and fails.
	s, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SQL().Exec(`UPDATE events SET body = CAST(REPLACE(CAST(body AS TEXT), '"A"', '"Z"') AS BLOB) WHERE seq = 4`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	out, stderr, code := runCLI(t, "admin", "verify", "--db", db, "--json")
	if code == 0 || !strings.Contains(stderr, "event 4") || !strings.Contains(out, `"bad_event":4`) {
		t.Errorf("verify of a tampered log: exit %d, out %s, err %s", code, out, stderr)
	}
	if _, stderr, code := runCLI(t, "admin", "rebuild", "--db", db); code == 0 || !strings.Contains(stderr, "event 4") {
		t.Errorf("rebuild of a tampered log: exit %d, %s", code, stderr)
	}
}

// TestAdminPostgres runs the administration commands and the server on
// PostgreSQL, and moves the instance to SQLite through a backup.
func TestAdminPostgres(t *testing.T) {
	srv, err := pgtest.Start()
	if errors.Is(err, pgtest.ErrNoPostgres) {
		t.Skip(err.Error())
	}
	if err != nil {
		t.Fatalf("start PostgreSQL: %v", err)
	}
	t.Cleanup(srv.Stop)
	dsn := srv.NewDatabase(t)
	var inst struct {
		OrgID string `json:"org_id"`
		Token string `json:"token"`
	}
	cliJSON(t, &inst, "admin", "init", "--db", dsn, "--org", "Ops", "--json")
	var org struct {
		OrgID string `json:"org_id"`
	}
	cliJSON(t, &org, "org", "add", "--db", dsn, "--name", "IXP", "--kind", "ixp", "--verified", "--json")
	var mem struct {
		Token string `json:"token"`
	}
	cliJSON(t, &mem, "member", "add", "--db", dsn, "--org", org.OrgID, "--role", "reporter", "--name", "R", "--json")

	s := startServer(t, t.TempDir(), "--addr", "127.0.0.1:0", "--db", dsn)
	if code, body, err := s.request("POST", "/api/v1/incidents", mem.Token, `{"title": "x", "kind": "other", "tlp": "TLP:CLEAR"}`); err != nil || code != 201 {
		t.Fatalf("POST on PostgreSQL = %d %s %v", code, body, err)
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.done

	dir := t.TempDir()
	backup := filepath.Join(dir, "backup.jsonl")
	var b struct{ Events int }
	cliJSON(t, &b, "admin", "backup", "--db", dsn, "-o", backup, "--json")
	var r struct{ Events int }
	cliJSON(t, &r, "admin", "restore", "--db", filepath.Join(dir, "moved.db"), "-i", backup, "--json")
	var ver struct {
		OK       bool `json:"ok"`
		Verified int  `json:"verified"`
	}
	cliJSON(t, &ver, "admin", "verify", "--db", filepath.Join(dir, "moved.db"), "--json")
	if b.Events != 6 || r.Events != 6 || !ver.OK || ver.Verified != 6 {
		t.Errorf("backup %d, restored %d, verified %+v; want 6 events throughout", b.Events, r.Events, ver)
	}
}

// TestAdminIntegrity runs the audit's steps on the database by hand and
// checks that admin verify sees each, names what is wrong and how to
// recover, and that admin rebuild repairs what it can.
func TestAdminIntegrity(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "lifeline.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := s.Init(ctx, "Ops", "root", 0)
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.Authenticate(ctx, inst.Token)
	if err != nil {
		t.Fatal(err)
	}
	red := &coord.Incident{Title: "Shutdown order", Kind: coord.KindShutdown, Countries: []string{"SD"}}
	red.TLP = coord.TLPRed
	amber := &coord.Incident{Title: "Damage report", Kind: coord.KindCableCut, Countries: []string{"SD"}}
	amber.TLP = coord.TLPAmber
	for _, in := range []*coord.Incident{red, amber} {
		if err := s.CreateIncident(ctx, v, in); err != nil {
			t.Fatal(err)
		}
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := s.SQL().Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
	verify := func(want ...string) {
		t.Helper()
		out, stderr, code := runCLI(t, "admin", "verify", "--db", path)
		if code == 0 {
			t.Fatalf("verify passed: %s", out)
		}
		for _, w := range want {
			if !strings.Contains(stderr, w) {
				t.Errorf("verify says %q, want %q", stderr, w)
			}
		}
	}
	var head struct {
		Seq  int64  `json:"seq"`
		Hash string `json:"hash"`
	}
	cliJSON(t, &head, "admin", "head", "--db", path, "--json")
	if head.Seq != 5 || len(head.Hash) != 64 {
		t.Fatalf("admin head = %+v, want event 5", head)
	}
	out, stderr, code := runCLI(t, "admin", "verify", "--db", path)
	if code != 0 || !strings.Contains(out, "state tables match") || !strings.Contains(out, head.Hash) {
		t.Fatalf("verify of a good store: exit %d, %s %s; want ok with the head", code, out, stderr)
	}

	// 1. The marking column of the RED event set to CLEAR.
	exec(`UPDATE events SET marking = '{"tlp":"TLP:CLEAR","org":"x","author":"y"}' WHERE type = 'incident.created' AND subject = ?`, red.ID)
	verify("event 4", "column marking", "rebuild")
	var reb struct {
		Unchanged bool  `json:"unchanged"`
		Rewritten int64 `json:"columns_rewritten"`
	}
	cliJSON(t, &reb, "admin", "rebuild", "--db", path, "--json")
	if reb.Unchanged || reb.Rewritten != 1 {
		t.Errorf("rebuild after editing a column = %+v, want one event's columns rewritten", reb)
	}
	if _, stderr, code := runCLI(t, "admin", "verify", "--db", path); code != 0 {
		t.Fatalf("verify after rebuild: %s", stderr)
	}

	// 2. An AMBER incident's state row marked CLEAR.
	exec(`UPDATE incidents SET marking = replace(marking, 'TLP:AMBER', 'TLP:CLEAR') WHERE id = ?`, amber.ID)
	verify("state tables differ", amber.ID, "lifeline admin rebuild")
	cliJSON(t, &reb, "admin", "rebuild", "--db", path, "--json")
	if reb.Unchanged {
		t.Error("rebuild after editing a state row says unchanged")
	}

	// 3. The last event deleted.
	exec(`DELETE FROM events WHERE seq = 5`)
	verify("event 5", "missing", "lifeline admin restore")
	_, stderr, code = runCLI(t, "admin", "verify", "--db", path, "--no-state", "--anchor", fmt.Sprintf("%d %s", head.Seq, head.Hash))
	if code == 0 || !strings.Contains(stderr, "event 5") {
		t.Errorf("verify --anchor of a truncated log: exit %d, %s", code, stderr)
	}
	if strings.Contains(stderr, "store.") || strings.Contains(stderr, "ledger.") {
		t.Errorf("verify names Go identifiers: %s", stderr)
	}
	s.Close()
}

// TestAdminOrgMemberLanguages: admin, org and member write their prose and
// their own errors in the language of --lang, else of the locale, else
// English as before; the token and the ids are printed as typed, without
// the isolates of a right-to-left language, so that they copy whole.
func TestAdminOrgMemberLanguages(t *testing.T) {
	noLocale(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "lifeline.db")
	out, stderr, code := runCLI(t, "admin", "init", "--db", db, "--org", "Ops", "--lang", "ar")
	if code != 0 || !strings.Contains(out, "أُنشئت النسخة") || !strings.Contains(out, "لا يُعرَض الرمز إلا الآن") {
		t.Fatalf("admin init --lang ar: code %d: %s%s", code, out, stderr)
	}
	if strings.ContainsAny(out, "\u2068\u2069") {
		t.Errorf("admin init --lang ar isolates what people copy: %q", out)
	}
	var token string
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 2 && strings.HasPrefix(f[1], "llt_") {
			token = f[1]
		}
	}
	s, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Authenticate(context.Background(), token)
	s.Close()
	if err != nil {
		t.Errorf("the token printed in Arabic (%q) does not authenticate: %v", token, err)
	}

	var org struct {
		OrgID string `json:"org_id"`
	}
	cliJSON(t, &org, "org", "add", "--db", db, "--name", "Sudatel", "--kind", "operator", "--lang", "fr", "--json")
	if !strings.HasPrefix(org.OrgID, "org_") {
		t.Fatalf("org add --lang fr --json = %+v: the JSON is the same in every language", org)
	}
	for _, tt := range []struct {
		name string
		args []string
		env  string
		code int
		want string // on standard output, or standard error when code is not 0
	}{
		// English, as it was.
		{"verify", []string{"admin", "verify"}, "", 0, "ok: 4 events verify; the state tables match a replay of the log\nhead: 4 "},
		{"list", []string{"org", "list"}, "", 0, "ID                    KIND      VERIFIED  NAME\n"},
		{"org verify", []string{"org", "verify", org.OrgID}, "", 0, org.OrgID + " verified\n"},
		{"rebuild", []string{"admin", "rebuild"}, "", 0, "rebuilt from 5 events; state unchanged\n"},
		{"member", []string{"member", "add"}, "", 2, "lifeline: --org, --role and --name: required\n"},
		{"backup", []string{"admin", "backup"}, "", 2, "lifeline: -o: required (use - for standard output)\n"},
		// French from --lang, narrow no-break spaces before the colon.
		{"verify fr", []string{"admin", "verify", "--lang", "fr"}, "", 0, "ok\u202f: 5 événements se vérifient\u202f; les tables d’état correspondent à une relecture du journal\ntête\u202f: 5 "},
		{"list fr", []string{"org", "list", "--lang", "fr"}, "", 0, "TYPE      VÉRIFIÉE  NOM\n"},
		{"member fr", []string{"member", "add", "--lang", "fr"}, "", 2, "lifeline: --org, --role et --name\u202f: obligatoires\n"},
		// The locale, and --lang over it.
		{"rebuild es", []string{"admin", "rebuild"}, "es_ES.UTF-8", 0, "reconstruido a partir de 5 eventos; estado sin cambios\n"},
		{"verify ru", []string{"admin", "verify", "--lang", "ru", "--no-state"}, "es_ES.UTF-8", 0, "в порядке: событий, прошедших проверку: 5\nвершина: 5 "},
		{"restore zh", []string{"admin", "restore"}, "zh_CN.UTF-8", 2, "lifeline: -i：必须提供（用 - 表示标准输入）\n"},
		{"list ar", []string{"org", "list"}, "ar_SD.UTF-8", 0, "المعرّف"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("LANG", tt.env)
			out, stderr, code := runCLI(t, append(tt.args, "--db", db)...)
			got := out
			if tt.code != 0 {
				got = stderr
			}
			if code != tt.code || !strings.Contains(got, tt.want) {
				t.Errorf("%v (LANG=%s): code %d, want %d and %q in:\n%s%s", tt.args, tt.env, code, tt.code, tt.want, out, stderr)
			}
		})
	}
	if _, stderr, code := runCLI(t, "org", "list", "--db", db, "--lang", "de"); code != 2 || !strings.Contains(stderr, "--lang: expected one of") {
		t.Errorf("org list --lang de: code %d, %s", code, stderr)
	}
	// The example of docs/web.md, on a log of five events as this one.
	doc, err := os.ReadFile("../../docs/web.md")
	if err != nil {
		t.Fatal(err)
	}
	_, example, ok := strings.Cut(string(doc), "$ lifeline admin verify --lang fr\n")
	example, _, _ = strings.Cut(example, "\n")
	out, _, _ = runCLI(t, "admin", "verify", "--db", db, "--lang", "fr")
	if first, _, _ := strings.Cut(out, "\n"); !ok || first != example {
		t.Errorf("docs/web.md shows admin verify --lang fr as %q; it prints %q", example, first)
	}
}
