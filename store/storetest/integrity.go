package storetest

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"lifeline"
	"lifeline/coord"
	"lifeline/ledger"
	"lifeline/store"
)

// The tests of the log's integrity beyond its chain: each reproduces a
// step of the security audit (editing the database by hand) and checks
// that verification sees it, that rebuild repairs what it can, and that
// no read or write trusts what nothing signs.

// eventOf returns the sequence number of the event of type typ about
// subject.
func eventOf(t testing.TB, db *store.DB, typ, subject string) int64 {
	t.Helper()
	var seq int64
	if err := db.SQL().QueryRow(rebind(db, `SELECT seq FROM events WHERE type = ? AND subject = ?`), typ, subject).Scan(&seq); err != nil {
		t.Fatalf("event %s of %s: %v", typ, subject, err)
	}
	return seq
}

func wantVerifyError(t testing.TB, err error, seq int64, reason, what string) {
	t.Helper()
	var ve *ledger.VerifyError
	if !errors.As(err, &ve) || ve.Seq != seq || !strings.Contains(ve.Reason, reason) {
		t.Fatalf("%s: %v; want event %d named with %q", what, err, seq, reason)
	}
}

// testUnsignedColumns: setting a TLP:RED event's marking column to CLEAR
// must not make the anonymous feed serve it; verify names the event and
// the column, rebuild rewrites it. The same for the subject, type and
// time columns.
func testUnsignedColumns(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	in := newIncident(coord.TLPRed, w)
	in.Title = "Shutdown order, not yet public"
	if err := db.CreateIncident(ctx, w.Author, in); err != nil {
		t.Fatal(err)
	}
	clearInc := newIncident(coord.TLPClear, w)
	if err := db.CreateIncident(ctx, w.Author, clearInc); err != nil {
		t.Fatal(err)
	}
	seq := eventOf(t, db, coord.EventIncidentCreated, in.ID)
	clearSeq := eventOf(t, db, coord.EventIncidentCreated, clearInc.ID)
	if _, err := db.SQL().Exec(rebind(db, `UPDATE events SET marking = ? WHERE seq = ?`), `{"tlp":"TLP:CLEAR","org":"`+w.Author.OrgID+`","author":"`+w.Author.MemberID+`"}`, seq); err != nil {
		t.Fatal(err)
	}
	// The subject column of the CLEAR event now points at the RED one.
	if _, err := db.SQL().Exec(rebind(db, `UPDATE events SET subject = ? WHERE seq = ?`), in.ID, clearSeq); err != nil {
		t.Fatal(err)
	}
	anon := coord.Viewer{}
	p, err := db.FindEvents(ctx, anon, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range p.Items {
		if e.Seq == seq || strings.Contains(string(e.Payload), in.Title) {
			t.Fatalf("the anonymous feed serves the TLP:RED event %d after its marking column was set to CLEAR", e.Seq)
		}
	}
	bs, err := db.FindEventsBySubject(ctx, anon, in.ID, coord.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(bs.Items) != 0 {
		t.Errorf("the RED incident's timeline shows %d events to anonymous readers, e.g. %s of %s", len(bs.Items), bs.Items[0].Type, bs.Items[0].Subject)
	}
	_, err = db.Verify(ctx)
	wantVerifyError(t, err, seq, "column marking", "Verify after editing the marking column")
	if _, err := db.Rebuild(ctx); err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	if n, err := db.Verify(ctx); err != nil {
		t.Fatalf("Verify after Rebuild = %d, %v: the columns were not rewritten", n, err)
	}
	for _, c := range []struct{ column, value string }{{"type", "org.created"}, {"time", "2020-01-01T00:00:00.000000000Z"}, {"subject", "inc_other"}} {
		var old string
		if err := db.SQL().QueryRow(rebind(db, `SELECT `+c.column+` FROM events WHERE seq = ?`), seq).Scan(&old); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SQL().Exec(rebind(db, `UPDATE events SET `+c.column+` = ? WHERE seq = ?`), c.value, seq); err != nil {
			t.Fatal(err)
		}
		_, err = db.Verify(ctx)
		wantVerifyError(t, err, seq, "column "+c.column, "Verify after editing the "+c.column+" column")
		if _, err := db.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Verify(ctx); err != nil {
			t.Fatalf("Verify after Rebuild of the %s column: %v", c.column, err)
		}
	}
}

// testSignedHead: deleting the last event passes no check; a write on
// the truncated log is refused; an anchor written down earlier names what
// is missing.
func testSignedHead(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	w.Items(t)
	n, err := db.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	head, err := db.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := db.PublicKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if head.Seq != n || !head.Verify(pub) {
		t.Fatalf("head = %d %s, verifies %v; want event %d signed", head.Seq, head.Hash, head.Verify(pub), n)
	}
	if err := db.VerifyAnchor(ctx, head); err != nil {
		t.Fatalf("VerifyAnchor(current head) = %v", err)
	}
	if _, err := db.SQL().Exec(rebind(db, `DELETE FROM events WHERE seq = ?`), n); err != nil {
		t.Fatal(err)
	}
	_, err = db.Verify(ctx)
	wantVerifyError(t, err, n, "missing", "Verify after deleting the last event")
	err = db.CheckTail(ctx, 10)
	wantVerifyError(t, err, n, "missing", "CheckTail after deleting the last event")
	err = db.CreateIncident(ctx, w.Author, newIncident(coord.TLPGreen, w))
	wantCode(t, err, lifeline.ECONFLICT, "write on a truncated log")
	if !strings.Contains(lifeline.ErrorMessage(err), "restore") {
		t.Errorf("the refusal does not say how to recover: %v", err)
	}
	if got := countEvents(t, db); int64(got) != n-1 {
		t.Errorf("a write on a truncated log appended: %d events", got)
	}
	// Writes outside the log go on: a compromised token can be revoked.
	if err := db.RevokeTokens(ctx, w.Admin, w.Colleague.MemberID); err != nil {
		t.Errorf("revoking tokens on a truncated log: %v", err)
	}
	err = db.VerifyAnchor(ctx, ledger.Head{Seq: head.Seq, Hash: head.Hash})
	wantVerifyError(t, err, n, "missing", "VerifyAnchor after truncation")
	// Deleting the head itself does not make the log writable again.
	if _, err := db.SQL().Exec(`DELETE FROM head`); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.CreateIncident(ctx, w.Author, newIncident(coord.TLPGreen, w)), lifeline.ECONFLICT, "write without a head")
}

// testProjectionEdit: an AMBER incident's marking set to CLEAR in its
// state row is seen by comparing the state with a replay of the log.
func testProjectionEdit(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	items := w.Items(t)
	if diff, err := db.VerifyState(ctx); err != nil || diff != "" {
		t.Fatalf("VerifyState of an untouched store = %q, %v", diff, err)
	}
	id := items[coord.TLPAmber]["incident"]
	before := mustState(t, db)
	if _, err := db.SQL().Exec(rebind(db, `UPDATE incidents SET marking = replace(marking, 'TLP:AMBER', 'TLP:CLEAR') WHERE id = ?`), id); err != nil {
		t.Fatal(err)
	}
	diff, err := db.VerifyState(ctx)
	if err != nil || !strings.Contains(diff, "incidents") || !strings.Contains(diff, id) {
		t.Fatalf("VerifyState after editing a state row = %q, %v; want the incident named", diff, err)
	}
	if after := mustState(t, db); after == before {
		t.Fatal("the edit did not reach the state")
	} else if mustState(t, db) != after {
		t.Fatal("VerifyState changed the state")
	}
	if _, err := db.SQL().Exec(rebind(db, `DELETE FROM needs WHERE id = ?`), items[coord.TLPGreen]["need"]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if diff, err := db.VerifyState(ctx); err != nil || diff != "" {
		t.Fatalf("VerifyState after Rebuild = %q, %v", diff, err)
	}
}

// testCheckTail: the check a server runs at start sees a bad event at the
// end of the log without reading the whole log; RefuseWrites stops every
// write with a message that says how to recover.
func testCheckTail(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	w.Items(t)
	if err := db.CheckTail(ctx, 5); err != nil {
		t.Fatalf("CheckTail of a good log: %v", err)
	}
	n := int64(countEvents(t, db))
	// Event 3, far from the tail, is re-signed by nobody: only the full
	// check sees it.
	tamper := func(seq int64) {
		t.Helper()
		var body []byte
		if err := db.SQL().QueryRow(rebind(db, `SELECT body FROM events WHERE seq = ?`), seq).Scan(&body); err != nil {
			t.Fatal(err)
		}
		forged := []byte(strings.Replace(string(body), `"payload":{`, `"payload":{"x":1,`, 1))
		if _, err := db.SQL().Exec(rebind(db, `UPDATE events SET body = ?, hash = ? WHERE seq = ?`), forged, ledger.Hash(forged), seq); err != nil {
			t.Fatal(err)
		}
	}
	tamper(3)
	if err := db.CheckTail(ctx, 5); err != nil {
		t.Fatalf("CheckTail(5) read beyond the tail: %v", err)
	}
	_, err := db.Verify(ctx)
	wantVerifyError(t, err, 3, "signature", "Verify of event 3")
	tamper(n - 1)
	err = db.CheckTail(ctx, 5)
	wantVerifyError(t, err, n-1, "signature", "CheckTail of a tampered tail")
	db.RefuseWrites(err)
	err = db.CreateIncident(ctx, w.Author, newIncident(coord.TLPGreen, w))
	wantCode(t, err, lifeline.ECONFLICT, "write after RefuseWrites")
	msg := lifeline.ErrorMessage(err)
	for _, want := range []string{"event " + itoa(n-1), "lifeline admin restore"} {
		if !strings.Contains(msg, want) {
			t.Errorf("refusal %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, "store.") || strings.Contains(msg, "ledger.") {
		t.Errorf("refusal %q names Go identifiers", msg)
	}
	if got := int64(countEvents(t, db)); got != n {
		t.Errorf("a refused write appended: %d events, want %d", got, n)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// testStateDiffNamesRow: a state row deleted, or one added that no event
// makes, is named by VerifyState.
func testStateDiffNamesRow(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	items := w.Items(t)
	id := items[coord.TLPGreen]["need"]
	if _, err := db.SQL().Exec(rebind(db, `DELETE FROM needs WHERE id = ?`), id); err != nil {
		t.Fatal(err)
	}
	if diff, err := db.VerifyState(ctx); err != nil || !strings.Contains(diff, "needs, row "+id+": made by the log, missing") {
		t.Errorf("VerifyState after deleting a row = %q, %v", diff, err)
	}
	if _, err := db.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec(`INSERT INTO incidents (id, ord, doc, marking) VALUES ('inc_forged', 999999, '{}', '{"tlp":"TLP:CLEAR"}')`); err != nil {
		t.Fatal(err)
	}
	if diff, err := db.VerifyState(ctx); err != nil || !strings.Contains(diff, "incidents, row inc_forged: stored, but no event makes it") {
		t.Errorf("VerifyState after adding a row = %q, %v", diff, err)
	}
}

// testCheckLog: the background check of the whole log reports progress
// and its end; its public form gives no counts of events; a log that does
// not verify makes the store refuse appends.
func testCheckLog(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	w.Items(t)
	n := int64(countEvents(t, db))
	c := db.CheckLog(ctx, nil)
	if c.State != "ok" || c.Checked != n || c.Progress != 1 || db.LastCheck() != c {
		t.Fatalf("CheckLog of a good log = %+v, want ok with %d events", c, n)
	}
	b, err := json.Marshal(c)
	if err != nil || strings.Contains(string(b), itoa(n)) || !strings.Contains(string(b), `"progress":1`) {
		t.Errorf("public form %s (%v): want the progress and no count of events", b, err)
	}
	if _, err := db.SQL().Exec(rebind(db, `UPDATE events SET sig = ? WHERE seq = 2`), []byte("forged")); err != nil {
		t.Fatal(err)
	}
	c = db.CheckLog(ctx, nil)
	if c.State != "broken" || !strings.Contains(c.Error, "event 2") || db.Broken() == nil {
		t.Fatalf("CheckLog of a broken log = %+v, broken %v", c, db.Broken())
	}
	wantCode(t, db.CreateIncident(ctx, w.Author, newIncident(coord.TLPGreen, w)), lifeline.ECONFLICT, "write after CheckLog found the log broken")
}

// testCompareState: the comparison a server runs in the background,
// through a replay in another store, finds a state row edited by hand and
// nothing in an untouched store.
func testCompareState(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	items := w.Items(t)
	if diff, err := db.CompareState(ctx, open(t)); err != nil || diff != "" {
		t.Fatalf("CompareState of an untouched store = %q, %v", diff, err)
	}
	id := items[coord.TLPAmber]["incident"]
	if _, err := db.SQL().Exec(rebind(db, `UPDATE incidents SET marking = replace(marking, 'TLP:AMBER', 'TLP:CLEAR') WHERE id = ?`), id); err != nil {
		t.Fatal(err)
	}
	diff, err := db.CompareState(ctx, open(t))
	if err != nil || !strings.Contains(diff, "incidents, row "+id) {
		t.Fatalf("CompareState after editing a state row = %q, %v; want the incident named", diff, err)
	}
}
