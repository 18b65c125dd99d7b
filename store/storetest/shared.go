package storetest

import (
	"strings"
	"testing"
	"time"

	"lifeline"
	"lifeline/coord"
	"lifeline/store"
)

// testSessions: a web session is kept under its id, with its token sealed
// so that the database does not show it, and is gone once expired or
// deleted.
func testSessions(t *testing.T, open Opener) {
	db := open(t)
	if _, err := db.Init(ctx, "Ops", "root", 0); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	const id, token = "session-id-0123456789abcdef0123456789abcdef", "llt_secret-token-value"
	if err := db.PutSession(ctx, id, token, "Amira", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	tok, name, exp, ok, err := db.GetSession(ctx, id)
	if err != nil || !ok || tok != token || name != "Amira" || !exp.Equal(now.Add(time.Hour)) {
		t.Fatalf("GetSession = %q %q %v %v %v", tok, name, exp, ok, err)
	}
	var n int
	if err := db.SQL().QueryRow(rebind(db, `SELECT COUNT(*) FROM sessions WHERE id = ? OR name = ? AND token LIKE ?`), id, "Amira", "%secret%").Scan(&n); err != nil || n != 0 {
		t.Errorf("the session's id or token is stored in plain text (%d rows, %v)", n, err)
	}
	if _, _, _, ok, _ := db.GetSession(ctx, id+"x"); ok {
		t.Error("another id finds the session")
	}
	now = now.Add(2 * time.Hour)
	if _, _, _, ok, _ := db.GetSession(ctx, id); ok {
		t.Error("an expired session is found")
	}
	if err := db.PutSession(ctx, "second-session-id-0123456789abcdef01234567", token, "B", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM sessions`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d sessions after an expired one and a new one (%v); want the expired one dropped", n, err)
	}
	if err := db.DeleteSession(ctx, "second-session-id-0123456789abcdef01234567"); err != nil {
		t.Fatal(err)
	}
	if _, _, _, ok, _ := db.GetSession(ctx, "second-session-id-0123456789abcdef01234567"); ok {
		t.Error("a deleted session is found")
	}
	wantCode(t, db.PutSession(ctx, "", token, "x", now.Add(time.Hour)), lifeline.EINVALID, "empty session id")
}

// SharedDatabase checks what several servers sharing one database rely
// on, with a and b two stores open on the same database (a initialised,
// b not yet used): a session made through one is found through the
// other; a revocation through one changes the other's Revocations within
// a second; the derived keys agree; and writes through both make one
// chain that verifies.
func SharedDatabase(t *testing.T, a, b *store.DB) {
	t.Helper()
	w := NewWorld(t, a)
	const id = "shared-session-id-0123456789abcdef0123456789"
	if err := a.PutSession(ctx, id, w.Tokens[w.Author.MemberID], "author", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if tok, _, _, ok, err := b.GetSession(ctx, id); err != nil || !ok || tok != w.Tokens[w.Author.MemberID] {
		t.Errorf("a session made on one server is not found on the other: %v %v", ok, err)
	}
	ka, err1 := a.DeriveKey(ctx, "web csrf")
	kb, err2 := b.DeriveKey(ctx, "web csrf")
	if err1 != nil || err2 != nil || string(ka) != string(kb) || len(ka) != 32 {
		t.Errorf("derived keys differ between servers (%v, %v)", err1, err2)
	}
	gen := b.Revocations()
	if err := a.RevokeTokens(ctx, w.Admin, w.Colleague.MemberID); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Second)
	for b.Revocations() == gen && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if b.Revocations() == gen {
		t.Error("a revocation on one server did not reach the other's Revocations within a second")
	}
	errs := make(chan error, 40)
	for i := range 40 {
		db := a
		if i%2 == 1 {
			db = b
		}
		go func() {
			in := newIncident(coord.TLPGreen, w)
			errs <- db.CreateIncident(ctx, w.Author, in)
		}()
	}
	for range 40 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for _, db := range []*store.DB{a, b} {
		n, err := db.Verify(ctx)
		if err != nil || n != int64(countEvents(t, db)) {
			t.Fatalf("Verify after writes through two stores: %d events, %v", n, err)
		}
	}
	if ha, hb := mustHead(t, a), mustHead(t, b); ha != hb {
		t.Errorf("heads differ: %s / %s", ha, hb)
	}
}

func mustHead(t testing.TB, db *store.DB) string {
	t.Helper()
	h, err := db.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(h.String())[1]
}
