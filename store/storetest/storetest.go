// Package storetest is the conformance suite of Lifeline's stores: one set
// of tests that every database adapter (store/sqlite, store/postgres)
// runs against a real database through Run.
package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"lifeline"
	"lifeline/coord"
	"lifeline/ledger"
	"lifeline/store"
)

// Opener returns a new, empty, migrated store for one test; the test's
// cleanup closes it.
type Opener func(t testing.TB) *store.DB

// Run runs the whole suite against stores from open.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"Migrations", testMigrations},
		{"Init", testInit},
		{"Orgs", testOrgs},
		{"Members", testMembers},
		{"MemberAdministration", testMemberAdministration},
		{"EventsBySubject", testEventsBySubject},
		{"Incidents", testIncidents},
		{"BadInputChangesNothing", testBadInput},
		{"Visibility", testVisibility},
		{"RowsWithoutMarking", testRowsWithoutMarking},
		{"Widening", testWidening},
		{"Pagination", testPagination},
		{"ListNarrowing", testListNarrowing},
		{"NeedsOffersMatches", testNeedsOffersMatches},
		{"MatchNarrowsToItsItems", testMatchNarrowsToItsItems},
		{"DerivedVisibility", testDerivedVisibility},
		{"UnknownNames", testUnknownNames},
		{"MatchesRecordedBefore", testMatchesRecordedBefore},
		{"RebuildAndVerify", testRebuildAndVerify},
		{"TamperDetected", testTamper},
		{"ConcurrentWrites", testConcurrentWrites},
		{"BackupRestore", testBackupRestore},
		{"UnsignedColumns", testUnsignedColumns},
		{"SignedHead", testSignedHead},
		{"ProjectionEdit", testProjectionEdit},
		{"StateDiffNamesRow", testStateDiffNamesRow},
		{"CompareState", testCompareState},
		{"CheckTail", testCheckTail},
		{"CheckLog", testCheckLog},
		{"Sessions", testSessions},
		{"Peers", testPeers},
		{"Federation", testFederation},
		{"ReceivedOnce", testReceivedOnce},
		{"ReceiveAll", testReceiveAll},
		{"ReceiveMany", testReceiveMany},
		{"ChangesFromElsewhere", testChangesFromElsewhere},
		{"CoverageTravels", testCoverageTravels},
		{"CoverageRecordedLate", testCoverageRecordedLate},
		{"OfferCoverageTravels", testOfferCoverageTravels},
		{"OfferCoverageRecordedLate", testOfferCoverageRecordedLate},
		{"Alerts", testAlerts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open) })
	}
}

// World is an initialised store with organisations and members for the
// visibility matrix: Src (verified) with Author and Colleague, Named
// (verified), Recipient's org Rorg (verified), Other (verified), and
// Unverified.
type World struct {
	DB                                                            *store.DB
	Admin, Author, Colleague, Named, Recipient, Other, Unverified coord.Viewer
	Tokens                                                        map[string]string // member id → token
}

var ctx = context.Background()

// NewWorld initialises db and adds the organisations and members of the
// visibility matrix.
func NewWorld(t testing.TB, db *store.DB) *World {
	t.Helper()
	clock := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	db.Now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Second)
		return clock
	}
	inst, err := db.Init(ctx, "Instance operators", "root", 0)
	if err != nil {
		t.Fatalf("Init: %v", err)
	}
	w := &World{DB: db, Tokens: map[string]string{inst.MemberID: inst.Token}}
	w.Admin = mustAuth(t, db, inst.Token)
	member := func(org string, role coord.Role, name string) coord.Viewer {
		t.Helper()
		m := &coord.Member{OrgID: org, Role: role, Name: name}
		tok, err := db.CreateMember(ctx, coord.System, m)
		if err != nil {
			t.Fatalf("CreateMember %s: %v", name, err)
		}
		w.Tokens[m.ID] = tok
		return mustAuth(t, db, tok)
	}
	org := func(name string, verified bool) string {
		t.Helper()
		o := &coord.Org{Name: name, Kind: coord.OrgOperator, Verified: verified}
		if err := db.CreateOrg(ctx, coord.System, o); err != nil {
			t.Fatalf("CreateOrg %s: %v", name, err)
		}
		return o.ID
	}
	src, named, rorg, other, unv := org("Source ISP", true), org("Named IXP", true), org("Recipient NGO", true), org("Other", true), org("Unverified", false)
	w.Author = member(src, coord.RoleCoordinator, "author")
	w.Colleague = member(src, coord.RoleCoordinator, "colleague")
	w.Named = member(named, coord.RoleCoordinator, "named")
	w.Recipient = member(rorg, coord.RoleCoordinator, "recipient")
	w.Other = member(other, coord.RoleOrgAdmin, "other")
	w.Unverified = member(unv, coord.RoleOrgAdmin, "unverified")
	return w
}

func mustAuth(t testing.TB, db *store.DB, tok string) coord.Viewer {
	t.Helper()
	v, err := db.Authenticate(ctx, tok)
	if err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	return v
}

func wantCode(t testing.TB, err error, code string, what string) {
	t.Helper()
	if got := lifeline.ErrorCode(err); got != code {
		t.Fatalf("%s: error %v (code %q), want code %q", what, err, got, code)
	}
}

func testMigrations(t *testing.T, open Opener) {
	db := open(t)
	vs, err := db.Migrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) < 3 || vs[0] != 1 || vs[2] != 3 {
		t.Fatalf("migrations = %v, want [1 2 3 …]", vs)
	}
	// The reads by one key have their indexes (0003).
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN ('events_subject', 'members_org_ord', 'tokens_member')`
	if db.Dialect() == "postgres" {
		q = `SELECT COUNT(*) FROM pg_indexes WHERE indexname IN ('events_subject', 'members_org_ord', 'tokens_member')`
	}
	var n int
	if err := db.SQL().QueryRow(q).Scan(&n); err != nil || n != 3 {
		t.Errorf("indexes of migration 0003: %d of 3 (%v)", n, err)
	}
}

func testInit(t *testing.T, open Opener) {
	db := open(t)
	if ok, err := db.Initialized(ctx); err != nil || ok {
		t.Fatalf("Initialized before Init = %v, %v", ok, err)
	}
	wantCode(t, db.CreateIncident(ctx, coord.Viewer{MemberID: "m", OrgID: "o", Role: coord.RoleReporter}, &coord.Incident{Title: "x", Kind: coord.KindOther}), lifeline.ECONFLICT, "write before Init")
	inst, err := db.Init(ctx, "Ops", "root", 0)
	if err != nil {
		t.Fatal(err)
	}
	v := mustAuth(t, db, inst.Token)
	if v.MemberID != inst.MemberID || v.OrgID != inst.OrgID || v.Role != coord.RoleInstanceAdmin || !v.OrgVerified {
		t.Errorf("Authenticate(admin token) = %+v", v)
	}
	_, err = db.Init(ctx, "Ops", "root", 0)
	wantCode(t, err, lifeline.ECONFLICT, "second Init")
	_, err = db.Authenticate(ctx, inst.Token+"x")
	wantCode(t, err, lifeline.ENOTFOUND, "unknown token")
	var stored int
	if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM tokens WHERE hash = '` + store.HashToken(inst.Token) + `'`).Scan(&stored); err != nil || stored != 1 {
		t.Errorf("token hash stored %d times (%v), want 1", stored, err)
	}
	var plain int
	if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM tokens WHERE hash = '` + inst.Token + `'`).Scan(&plain); err != nil || plain != 0 {
		t.Errorf("token stored in plain text")
	}
}

func testOrgs(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	o := &coord.Org{Name: "New ISP", Kind: coord.OrgOperator, Countries: []string{"SD"}, ASNs: []uint32{37211}}
	wantCode(t, db.CreateOrg(ctx, w.Other, o), lifeline.EFORBIDDEN, "org admin creates org")
	if err := db.CreateOrg(ctx, w.Admin, o); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.CreateOrg(ctx, w.Admin, &coord.Org{Name: "x", Kind: "isp"}), lifeline.EINVALID, "bad kind")
	got, err := db.FindOrgByID(ctx, w.Other, o.ID)
	if err != nil || got.Name != "New ISP" || got.Verified {
		t.Fatalf("FindOrgByID = %+v, %v", got, err)
	}
	_, err = db.FindOrgByID(ctx, coord.Viewer{}, o.ID)
	wantCode(t, err, lifeline.ENOTFOUND, "anonymous reads an org")
	// Two verified organisations' admins endorse it: verified.
	otherOrgAdmin := w.Other
	_, err = db.EndorseOrg(ctx, w.Unverified, o.ID)
	wantCode(t, err, lifeline.ENOTFOUND, "unverified org endorses an org it cannot see")
	if got, err = db.EndorseOrg(ctx, otherOrgAdmin, o.ID); err != nil || got.Verified {
		t.Fatalf("first endorsement: %+v, %v", got, err)
	}
	_, err = db.EndorseOrg(ctx, otherOrgAdmin, o.ID)
	wantCode(t, err, lifeline.ECONFLICT, "second endorsement")
	admin2 := &coord.Member{OrgID: w.Named.OrgID, Role: coord.RoleOrgAdmin, Name: "named admin"}
	tok, err := db.CreateMember(ctx, w.Admin, admin2)
	if err != nil {
		t.Fatal(err)
	}
	if got, err = db.EndorseOrg(ctx, mustAuth(t, db, tok), o.ID); err != nil || !got.Verified || got.VerifiedBy != "endorsements" {
		t.Fatalf("second org endorses: %+v, %v", got, err)
	}
	// The instance admin verifies outright.
	_, err = db.VerifyOrg(ctx, w.Other, w.Unverified.OrgID)
	wantCode(t, err, lifeline.EFORBIDDEN, "org admin verifies")
	if got, err = db.VerifyOrg(ctx, w.Admin, w.Unverified.OrgID); err != nil || !got.Verified {
		t.Fatalf("VerifyOrg: %+v, %v", got, err)
	}
	if v := mustAuth(t, db, w.Tokens[w.Unverified.MemberID]); !v.OrgVerified {
		t.Error("a member of a newly verified org still authenticates as unverified")
	}
	page, err := db.FindOrgs(ctx, w.Other, coord.ListFilter{})
	if err != nil || len(page.Items) != 7 {
		t.Fatalf("FindOrgs = %d orgs, %v; want 7", len(page.Items), err)
	}
}

func testMembers(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	_, err := db.CreateMember(ctx, w.Other, &coord.Member{OrgID: w.Author.OrgID, Role: coord.RoleViewer, Name: "x"})
	wantCode(t, err, lifeline.EFORBIDDEN, "org admin adds to another org")
	_, err = db.CreateMember(ctx, w.Admin, &coord.Member{OrgID: "org_nope", Role: coord.RoleViewer, Name: "x"})
	wantCode(t, err, lifeline.ENOTFOUND, "member of unknown org")
	_, err = db.CreateMember(ctx, w.Admin, &coord.Member{OrgID: w.Other.OrgID, Role: "boss", Name: "x"})
	wantCode(t, err, lifeline.EINVALID, "bad role")
	m := &coord.Member{OrgID: w.Other.OrgID, Role: coord.RoleReporter, Name: "field reporter"}
	tok, err := db.CreateMember(ctx, w.Other, m)
	if err != nil {
		t.Fatal(err)
	}
	if v := mustAuth(t, db, tok); v.MemberID != m.ID || v.Role != coord.RoleReporter {
		t.Errorf("new member authenticates as %+v", v)
	}
	if _, err := db.FindMemberByID(ctx, w.Other, m.ID); err != nil {
		t.Errorf("colleague reads member: %v", err)
	}
	_, err = db.FindMemberByID(ctx, w.Named, m.ID)
	wantCode(t, err, lifeline.ENOTFOUND, "other org reads member")
}

// testMemberAdministration: who lists an organisation's members, who
// issues and revokes tokens, and that a revocation is whole, immediate,
// outside the log and survives a rebuild.
func testMemberAdministration(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	rep := &coord.Member{OrgID: w.Other.OrgID, Role: coord.RoleReporter, Name: "field reporter"}
	tok1, err := db.CreateMember(ctx, w.Other, rep)
	if err != nil {
		t.Fatal(err)
	}
	boss := &coord.Member{OrgID: w.Other.OrgID, Role: coord.RoleInstanceAdmin, Name: "operator"}
	if _, err := db.CreateMember(ctx, w.Admin, boss); err != nil {
		t.Fatal(err)
	}

	// Listing: members of the organisation and instance admins; others
	// see the organisation (403) or not (404).
	ids := func(p coord.Page[*coord.Member]) []string {
		var out []string
		for _, m := range p.Items {
			out = append(out, m.ID)
		}
		return out
	}
	want := []string{w.Other.MemberID, rep.ID, boss.ID}
	for name, v := range map[string]coord.Viewer{"org admin": w.Other, "instance admin": w.Admin} {
		p, err := db.FindMembers(ctx, v, w.Other.OrgID, coord.ListFilter{})
		if err != nil || !slices.Equal(ids(p), want) || p.Next != "" {
			t.Errorf("FindMembers by %s = %v next %q, %v; want %v", name, ids(p), p.Next, err, want)
		}
	}
	if p, err := db.FindMembers(ctx, w.Colleague, w.Author.OrgID, coord.ListFilter{}); err != nil || len(p.Items) != 2 {
		t.Errorf("a coordinator lists its own organisation: %v, %v", ids(p), err)
	}
	p1, err := db.FindMembers(ctx, w.Other, w.Other.OrgID, coord.ListFilter{Limit: 2})
	if err != nil || len(p1.Items) != 2 || p1.Next == "" {
		t.Fatalf("first page of 2 = %v next %q, %v", ids(p1), p1.Next, err)
	}
	p2, err := db.FindMembers(ctx, w.Other, w.Other.OrgID, coord.ListFilter{Limit: 2, After: p1.Next})
	if err != nil || !slices.Equal(append(ids(p1), ids(p2)...), want) || p2.Next != "" {
		t.Errorf("second page = %v next %q, %v", ids(p2), p2.Next, err)
	}
	_, err = db.FindMembers(ctx, w.Named, w.Other.OrgID, coord.ListFilter{})
	wantCode(t, err, lifeline.EFORBIDDEN, "another verified organisation lists members")
	_, err = db.FindMembers(ctx, w.Unverified, w.Other.OrgID, coord.ListFilter{})
	wantCode(t, err, lifeline.ENOTFOUND, "an organisation it may not see")
	_, err = db.FindMembers(ctx, coord.Viewer{}, w.Other.OrgID, coord.ListFilter{})
	wantCode(t, err, lifeline.ENOTFOUND, "anonymous lists members")
	_, err = db.FindMembers(ctx, w.Admin, "org_nope", coord.ListFilter{})
	wantCode(t, err, lifeline.ENOTFOUND, "unknown organisation")
	_, err = db.FindMembers(ctx, w.Other, w.Other.OrgID, coord.ListFilter{After: "x"})
	wantCode(t, err, lifeline.EINVALID, "bad cursor")

	// Issuing and revoking: refusals change nothing.
	events, state := countEvents(t, db), mustState(t, db)
	for _, c := range []struct {
		name   string
		v      coord.Viewer
		member string
		code   string
	}{
		{"coordinator", w.Colleague, w.Author.MemberID, lifeline.EFORBIDDEN},
		{"org admin of another org", w.Other, w.Author.MemberID, lifeline.ENOTFOUND},
		{"org admin for an instance admin", w.Other, boss.ID, lifeline.EFORBIDDEN},
		{"anonymous", coord.Viewer{}, rep.ID, lifeline.ENOTFOUND},
		{"unknown member", w.Admin, "mem_nope", lifeline.ENOTFOUND},
	} {
		_, err := db.IssueToken(ctx, c.v, c.member)
		wantCode(t, err, c.code, "IssueToken by "+c.name)
		wantCode(t, db.RevokeTokens(ctx, c.v, c.member), c.code, "RevokeTokens by "+c.name)
	}
	mustAuth(t, db, w.Tokens[w.Author.MemberID])
	tok2, err := db.IssueToken(ctx, w.Other, rep.ID)
	if err != nil {
		t.Fatal(err)
	}
	if tok2 == tok1 {
		t.Fatal("IssueToken returned the old token")
	}
	for _, tok := range []string{tok1, tok2} {
		if v := mustAuth(t, db, tok); v.MemberID != rep.ID {
			t.Errorf("token authenticates as %+v, want %s", v, rep.ID)
		}
	}
	if _, err := db.IssueToken(ctx, w.Admin, w.Author.MemberID); err != nil {
		t.Errorf("instance admin issues a token: %v", err)
	}
	gen := db.Revocations()
	if err := db.RevokeTokens(ctx, w.Other, rep.ID); err != nil {
		t.Fatal(err)
	}
	if db.Revocations() == gen {
		t.Error("Revocations did not change after a revocation")
	}
	check := func(when string) {
		t.Helper()
		for _, tok := range []string{tok1, tok2} {
			_, err := db.Authenticate(ctx, tok)
			wantCode(t, err, lifeline.ENOTFOUND, "revoked token "+when)
		}
		mustAuth(t, db, w.Tokens[w.Other.MemberID])
	}
	check("after revocation")
	if got := countEvents(t, db); got != events {
		t.Errorf("token administration appended %d events; tokens stay outside the log", got-events)
	}
	if got := mustState(t, db); got != state {
		t.Errorf("token administration changed the state tables:\n%s", firstDiff(state, got))
	}
	if _, err := db.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Verify(ctx); err != nil {
		t.Fatal(err)
	}
	check("after a rebuild")
	// A new token brings the member back.
	tok3, err := db.IssueToken(ctx, w.Admin, rep.ID)
	if err != nil {
		t.Fatal(err)
	}
	mustAuth(t, db, tok3)
}

// testEventsBySubject: an item's events, oldest first, paged, through the
// index; the TLP cases are in testVisibility.
func testEventsBySubject(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	in := newIncident(coord.TLPGreen, w)
	if err := db.CreateIncident(ctx, w.Author, in); err != nil {
		t.Fatal(err)
	}
	other := newIncident(coord.TLPGreen, w)
	if err := db.CreateIncident(ctx, w.Author, other); err != nil {
		t.Fatal(err)
	}
	st := coord.IncidentVerified
	if _, err := db.UpdateIncident(ctx, w.Other, in.ID, coord.IncidentUpdate{Status: &st}); err != nil {
		t.Fatal(err)
	}
	var types []string
	f := coord.ListFilter{Limit: 1}
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		p, err := db.FindEventsBySubject(ctx, w.Named, in.ID, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Items {
			if e.Subject != in.ID {
				t.Errorf("event %d is about %s, not %s", e.Seq, e.Subject, in.ID)
			}
			types = append(types, e.Type)
		}
		if p.Next == "" {
			break
		}
		f.After = p.Next
	}
	if want := []string{coord.EventIncidentCreated, coord.EventIncidentUpdated}; !slices.Equal(types, want) {
		t.Errorf("events of %s = %v, want %v", in.ID, types, want)
	}
	p, err := db.FindEventsBySubject(ctx, w.Named, "inc_nope", coord.ListFilter{})
	if err != nil || len(p.Items) != 0 {
		t.Errorf("events of an unknown item = %d, %v; want none", len(p.Items), err)
	}
	_, err = db.FindEventsBySubject(ctx, w.Named, "", coord.ListFilter{})
	wantCode(t, err, lifeline.EINVALID, "empty subject")
	_, err = db.FindEventsBySubject(ctx, w.Named, strings.Repeat("x", 101), coord.ListFilter{})
	wantCode(t, err, lifeline.EINVALID, "overlong subject")
	_, err = db.FindEventsBySubject(ctx, w.Named, in.ID, coord.ListFilter{After: "-1"})
	wantCode(t, err, lifeline.EINVALID, "bad cursor")
}

func newIncident(tlp coord.TLP, w *World) *coord.Incident {
	in := &coord.Incident{Title: "Cable cut", Kind: coord.KindCableCut, Countries: []string{"SD"}, Elements: []string{"cable:eassy"},
		Area: &coord.Area{Type: "Polygon", Coordinates: json.RawMessage(`[[[37,19],[38,19],[38,20],[37,19]]]`)}}
	in.TLP = tlp
	in.Members = []string{w.Recipient.MemberID}
	if tlp == coord.TLPAmber || tlp == coord.TLPAmberStrict {
		in.Orgs = []string{w.Named.OrgID}
	}
	return in
}

func testIncidents(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	in := newIncident(coord.TLPAmber, w)
	if err := db.CreateIncident(ctx, w.Author, in); err != nil {
		t.Fatal(err)
	}
	if in.ID == "" || in.Status != coord.IncidentReported || in.Org != w.Author.OrgID || in.Version == 0 {
		t.Fatalf("created incident = %+v", in)
	}
	got, err := db.FindIncidentByID(ctx, w.Named, in.ID)
	if err != nil || got.Title != in.Title || got.Version != in.Version {
		t.Fatalf("FindIncidentByID = %+v, %v", got, err)
	}
	st := coord.IncidentVerified
	got, err = db.UpdateIncident(ctx, w.Named, in.ID, coord.IncidentUpdate{Status: &st, IfVersion: in.Version})
	if err != nil || got.Status != coord.IncidentVerified || got.Version <= in.Version {
		t.Fatalf("verify: %+v, %v", got, err)
	}
	_, err = db.UpdateIncident(ctx, w.Named, in.ID, coord.IncidentUpdate{Status: &st, IfVersion: in.Version})
	wantCode(t, err, lifeline.ECONFLICT, "stale version")
	got, err = db.UpdateIncident(ctx, w.Author, in.ID, coord.IncidentUpdate{Repair: &coord.RepairUpdate{Element: "cable:eassy", Status: coord.RepairDamaged}})
	if err != nil || len(got.Restoration) != 1 {
		t.Fatalf("repair: %+v, %v", got, err)
	}
	_, err = db.UpdateIncident(ctx, w.Other, in.ID, coord.IncidentUpdate{Status: &st})
	wantCode(t, err, lifeline.ENOTFOUND, "update by an org that cannot see it")
	_, err = db.FindIncidentByID(ctx, w.Author, "inc_nope")
	wantCode(t, err, lifeline.ENOTFOUND, "unknown id")
}

func countEvents(t testing.TB, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func testBadInput(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	before, state := countEvents(t, db), mustState(t, db)
	bad := []struct {
		name string
		in   *coord.Incident
	}{
		{"open ring", &coord.Incident{Title: "x", Kind: coord.KindOther, Area: &coord.Area{Type: "Polygon", Coordinates: json.RawMessage(`[[[0,0],[1,0],[1,1]]]`)}}},
		{"bow tie", &coord.Incident{Title: "x", Kind: coord.KindOther, Area: &coord.Area{Type: "Polygon", Coordinates: json.RawMessage(`[[[0,0],[2,2],[2,0],[0,2],[0,0]]]`)}}},
		{"bad kind", &coord.Incident{Title: "x", Kind: "meteor"}},
		{"green naming orgs", func() *coord.Incident {
			in := &coord.Incident{Title: "x", Kind: coord.KindOther}
			in.TLP, in.Orgs = coord.TLPGreen, []string{"org_x"}
			return in
		}()},
	}
	for _, b := range bad {
		wantCode(t, db.CreateIncident(ctx, w.Author, b.in), lifeline.EINVALID, b.name)
	}
	wantCode(t, db.CreateIncident(ctx, coord.Viewer{}, &coord.Incident{Title: "x", Kind: coord.KindOther}), lifeline.EFORBIDDEN, "anonymous")
	wantCode(t, db.CreateNeed(ctx, w.Author, &coord.Need{Resource: coord.Resource{Title: "x", Category: "Bad Category", Quantity: 1, Unit: "u", Countries: []string{"SD"}}}), lifeline.EINVALID, "bad category")
	wantCode(t, db.CreateNeed(ctx, w.Author, &coord.Need{Resource: coord.Resource{Title: "x", Category: "power", Quantity: 1, Unit: "u", Countries: []string{"SD"}, IncidentID: "inc_nope"}}), lifeline.EINVALID, "need of an unknown incident")
	_, err := db.CreateMatch(ctx, w.Author, coord.MatchCreate{NeedID: "need_x", OfferID: "offer_x", Quantity: 1})
	wantCode(t, err, lifeline.ENOTFOUND, "match of unknown need")
	if after := countEvents(t, db); after != before {
		t.Errorf("bad input appended %d events", after-before)
	}
	if mustState(t, db) != state {
		t.Error("bad input changed the state tables")
	}
}

func mustState(t testing.TB, db *store.DB) string {
	t.Helper()
	s, err := db.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Matrix is the expected visibility by TLP level for the viewers of World
// in the order Author, Colleague, Named, Recipient, Other, Admin,
// Unverified, anonymous. The API tests use it too.
var Matrix = map[coord.TLP][8]bool{
	coord.TLPClear:       {true, true, true, true, true, true, true, true},
	coord.TLPGreen:       {true, true, true, true, true, true, false, false},
	coord.TLPAmber:       {true, true, true, true, false, false, false, false},
	coord.TLPAmberStrict: {true, true, true, true, false, false, false, false},
	coord.TLPRed:         {true, false, false, true, false, false, false, false},
}

// Viewers returns the viewers of the matrix with their names, in the
// order of Matrix.
func (w *World) Viewers() ([]string, []coord.Viewer) {
	return []string{"author", "colleague", "named org", "recipient", "other verified", "instance admin", "unverified", "anonymous"},
		[]coord.Viewer{w.Author, w.Colleague, w.Named, w.Recipient, w.Other, w.Admin, w.Unverified, {}}
}

// Items creates, for each TLP level, an incident, a need, an offer and a
// match between them, all from World's Author, and returns their ids by
// level.
func (w *World) Items(t testing.TB) map[coord.TLP]map[string]string {
	t.Helper()
	out := map[coord.TLP]map[string]string{}
	for _, level := range coord.TLPs {
		in := newIncident(level, w)
		if err := w.DB.CreateIncident(ctx, w.Author, in); err != nil {
			t.Fatal(err)
		}
		mk := in.Marking
		n := &coord.Need{Resource: coord.Resource{Title: "terminals", Category: "connectivity/satellite-terminal", Quantity: 10, Unit: "terminal", Countries: []string{"SD"}, IncidentID: in.ID}}
		n.TLP, n.Orgs, n.Members = mk.TLP, mk.Orgs, mk.Members
		if err := w.DB.CreateNeed(ctx, w.Author, n); err != nil {
			t.Fatal(err)
		}
		o := &coord.Offer{Resource: coord.Resource{Title: "terminals", Category: "connectivity/satellite-terminal", Quantity: 5, Unit: "terminal", Countries: []string{"SD"}}}
		o.TLP, o.Orgs, o.Members = mk.TLP, mk.Orgs, mk.Members
		if err := w.DB.CreateOffer(ctx, w.Author, o); err != nil {
			t.Fatal(err)
		}
		m, err := w.DB.CreateMatch(ctx, w.Author, coord.MatchCreate{NeedID: n.ID, OfferID: o.ID, Quantity: 2, TLP: level, Recipients: mk.Members})
		if err != nil {
			t.Fatal(err)
		}
		out[level] = map[string]string{"incident": in.ID, "need": n.ID, "offer": o.ID, "match": m.ID}
	}
	return out
}

func testVisibility(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	items := w.Items(t)
	names, viewers := w.Viewers()
	for _, level := range coord.TLPs {
		ids := items[level]
		for i, v := range viewers {
			want := Matrix[level][i]
			t.Run(string(level)+"/"+names[i], func(t *testing.T) {
				check := func(path string, err error, want bool) {
					t.Helper()
					if want && err != nil {
						t.Errorf("%s: %v, want visible", path, err)
					}
					if !want && lifeline.ErrorCode(err) != lifeline.ENOTFOUND {
						t.Errorf("%s: error %v, want ENOTFOUND (a leak)", path, err)
					}
				}
				_, err := db.FindIncidentByID(ctx, v, ids["incident"])
				check("FindIncidentByID", err, want)
				_, err = db.FindNeedByID(ctx, v, ids["need"])
				check("FindNeedByID", err, want)
				_, err = db.FindOfferByID(ctx, v, ids["offer"])
				check("FindOfferByID", err, want)
				_, err = db.Proposals(ctx, v, ids["need"])
				check("Proposals", err, want)
				wantMatch := want
				if level == coord.TLPAmber || level == coord.TLPAmberStrict {
					// A match names the parties' organisations, here only
					// the source: the named org does not see it.
					wantMatch = want && i != 2
				}
				_, err = db.FindMatchByID(ctx, v, ids["match"])
				check("FindMatchByID", err, wantMatch)

				inList := func(path string, found bool, want bool) {
					t.Helper()
					if found != want {
						t.Errorf("%s: listed = %v, want %v", path, found, want)
					}
				}
				ip, err := db.FindIncidents(ctx, v, coord.ListFilter{Limit: 500})
				if err != nil {
					t.Fatal(err)
				}
				inList("FindIncidents", slices.ContainsFunc(ip.Items, func(x *coord.Incident) bool { return x.ID == ids["incident"] }), want)
				np, _ := db.FindNeeds(ctx, v, coord.ListFilter{Limit: 500})
				inList("FindNeeds", slices.ContainsFunc(np.Items, func(x *coord.Need) bool { return x.ID == ids["need"] }), want)
				op, _ := db.FindOffers(ctx, v, coord.ListFilter{Limit: 500})
				inList("FindOffers", slices.ContainsFunc(op.Items, func(x *coord.Offer) bool { return x.ID == ids["offer"] }), want)
				mp, _ := db.FindMatches(ctx, v, coord.ListFilter{Limit: 500})
				inList("FindMatches", slices.ContainsFunc(mp.Items, func(x *coord.Match) bool { return x.ID == ids["match"] }), wantMatch)
				ep, err := db.FindEvents(ctx, v, 0, 500)
				if err != nil {
					t.Fatal(err)
				}
				for _, kind := range []string{"incident", "need", "offer"} {
					inList("FindEvents/"+kind, slices.ContainsFunc(ep.Items, func(e *coord.Event) bool { return e.Subject == ids[kind] }), want)
				}
				inList("FindEvents/match", slices.ContainsFunc(ep.Items, func(e *coord.Event) bool { return e.Subject == ids["match"] }), wantMatch)
				for _, kind := range []string{"incident", "need", "offer", "match"} {
					sp, err := db.FindEventsBySubject(ctx, v, ids[kind], coord.ListFilter{})
					if err != nil {
						t.Fatal(err)
					}
					w := want
					if kind == "match" {
						w = wantMatch
					}
					inList("FindEventsBySubject/"+kind, len(sp.Items) > 0, w)
				}
				// Proposals of any visible need never show an invisible offer.
				for _, l2 := range coord.TLPs {
					ps, err := db.Proposals(ctx, v, items[l2]["need"])
					if err != nil {
						continue
					}
					for _, p := range ps {
						if p.OfferID == ids["offer"] && !want {
							t.Errorf("Proposals of a %s need show a %s offer the viewer may not see", l2, level)
						}
					}
				}
			})
		}
	}
}

// testRowsWithoutMarking: rows from before the marking column was added
// (marking ”) are decided from the item's own marking.
func testRowsWithoutMarking(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	in := newIncident(coord.TLPRed, w)
	if err := db.CreateIncident(ctx, w.Author, in); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec(`UPDATE incidents SET marking = ''`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindIncidentByID(ctx, w.Author, in.ID); err != nil {
		t.Errorf("author: %v", err)
	}
	_, err := db.FindIncidentByID(ctx, w.Other, in.ID)
	wantCode(t, err, lifeline.ENOTFOUND, "other org reads a TLP:RED row without a stored marking")
	p, err := db.FindIncidents(ctx, w.Other, coord.ListFilter{})
	if err != nil || len(p.Items) != 0 {
		t.Errorf("other org lists %d items (%v), want none", len(p.Items), err)
	}
}

func testPagination(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	var want []string
	for i := range 25 {
		level := coord.TLPGreen
		if i%3 == 0 {
			level = coord.TLPRed // invisible to Other: pages must skip them
		}
		in := newIncident(level, w)
		in.Title = fmt.Sprintf("incident %d", i)
		if err := db.CreateIncident(ctx, w.Author, in); err != nil {
			t.Fatal(err)
		}
		if level == coord.TLPGreen {
			want = append(want, in.ID)
		}
	}
	var got []string
	f := coord.ListFilter{Limit: 4}
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		p, err := db.FindIncidents(ctx, w.Other, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) > 4 {
			t.Fatalf("page of %d items, limit 4", len(p.Items))
		}
		for _, in := range p.Items {
			got = append(got, in.ID)
		}
		if p.Next == "" {
			break
		}
		f.After = p.Next
	}
	if !slices.Equal(got, want) {
		t.Errorf("paged ids = %v, want %v", got, want)
	}
	_, err := db.FindIncidents(ctx, w.Other, coord.ListFilter{After: "x"})
	wantCode(t, err, lifeline.EINVALID, "bad cursor")
	// Events page the same way.
	var seqs []int64
	after := int64(0)
	for {
		p, err := db.FindEvents(ctx, w.Other, after, 7)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Items {
			seqs = append(seqs, e.Seq)
			if !coord.CanSee(w.Other, e.Marking) {
				t.Errorf("event %d listed to a viewer who may not see it", e.Seq)
			}
		}
		if p.Next == "" {
			break
		}
		fmt.Sscan(p.Next, &after)
	}
	if !slices.IsSorted(seqs) || len(seqs) < len(want) {
		t.Errorf("event pages = %v", seqs)
	}
}

func testNeedsOffersMatches(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	n := &coord.Need{Resource: coord.Resource{Title: "generators", Category: "power/generator", Quantity: 10, Unit: "unit", Countries: []string{"SD"}, Urgency: coord.UrgencyImmediate}}
	n.TLP = coord.TLPGreen
	if err := db.CreateNeed(ctx, w.Author, n); err != nil {
		t.Fatal(err)
	}
	provider := w.Named
	o1 := &coord.Offer{Resource: coord.Resource{Title: "diesel gensets", Category: "power/generator/diesel", Quantity: 6, Unit: "unit", Countries: []string{"SD", "EG"}, LeadTime: coord.Duration(12 * time.Hour)}}
	o1.TLP = coord.TLPGreen
	o2 := &coord.Offer{Resource: coord.Resource{Title: "solar kits", Category: "power/generator", Quantity: 20, Unit: "unit"}}
	o2.TLP = coord.TLPGreen
	for _, o := range []*coord.Offer{o1, o2} {
		if err := db.CreateOffer(ctx, provider, o); err != nil {
			t.Fatal(err)
		}
	}
	ps, err := db.Proposals(ctx, w.Author, n.ID)
	if err != nil || len(ps) != 2 {
		t.Fatalf("Proposals = %+v, %v; want 2", ps, err)
	}
	if ps[0].OfferID != o2.ID || ps[1].OfferID != o1.ID || !ps[1].Partial {
		t.Errorf("proposals = %+v, want the global kit first, the partial diesel second", ps)
	}
	m, err := db.CreateMatch(ctx, w.Author, coord.MatchCreate{NeedID: n.ID, OfferID: o1.ID, Quantity: 6})
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.CreateMatch(ctx, w.Author, coord.MatchCreate{NeedID: n.ID, OfferID: o1.ID, Quantity: 1})
	wantCode(t, err, lifeline.ECONFLICT, "offer exhausted")
	ps, _ = db.Proposals(ctx, w.Author, n.ID)
	if len(ps) != 1 || ps[0].Quantity != 4 {
		t.Errorf("after a match of 6, proposals = %+v, want one of 4", ps)
	}
	q := int64(3)
	_, err = db.UpdateNeed(ctx, w.Author, n.ID, coord.ResourceUpdate{Quantity: &q})
	wantCode(t, err, lifeline.ECONFLICT, "quantity below what matches hold")
	steps := []struct {
		v    coord.Viewer
		to   coord.MatchStatus
		code string
	}{
		{w.Author, coord.MatchCommitted, lifeline.EFORBIDDEN},
		{provider, coord.MatchCommitted, ""},
		{provider, coord.MatchDispatched, ""},
		{w.Colleague, coord.MatchDelivered, ""},
		{w.Author, coord.MatchReleased, ""},
	}
	for _, s := range steps {
		got, err := db.UpdateMatch(ctx, s.v, m.ID, coord.MatchUpdate{Status: s.to})
		wantCode(t, err, s.code, "match to "+string(s.to))
		if err == nil && got.Status != s.to {
			t.Fatalf("match status = %s, want %s", got.Status, s.to)
		}
	}
	m2, err := db.CreateMatch(ctx, w.Author, coord.MatchCreate{NeedID: n.ID, OfferID: o2.ID, Quantity: 4})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateMatch(ctx, provider, m2.ID, coord.MatchUpdate{Status: coord.MatchCancelled}); err != nil {
		t.Fatal(err)
	}
	ps, _ = db.Proposals(ctx, w.Author, n.ID)
	if len(ps) != 1 || ps[0].OfferID != o2.ID || ps[0].Quantity != 4 {
		t.Errorf("a cancelled match still holds quantity: %+v", ps)
	}
	closed := coord.ResourceClosed
	if _, err := db.UpdateOffer(ctx, provider, o2.ID, coord.ResourceUpdate{Status: &closed}); err != nil {
		t.Fatal(err)
	}
	if ps, _ = db.Proposals(ctx, w.Author, n.ID); len(ps) != 0 {
		t.Errorf("a closed offer is still proposed: %+v", ps)
	}
}

func testRebuildAndVerify(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	w.Items(t)
	testNeedsOffersMatchesOn(t, w)
	before := mustState(t, db)
	n, err := db.Verify(ctx)
	if err != nil || n < 20 {
		t.Fatalf("Verify = %d, %v", n, err)
	}
	if _, err := db.SQL().Exec(`DELETE FROM incidents`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec(`UPDATE needs SET doc = '{}'`); err != nil {
		t.Fatal(err)
	}
	replayed, err := db.Rebuild(ctx)
	if err != nil || replayed != n {
		t.Fatalf("Rebuild = %d, %v; want %d", replayed, err, n)
	}
	if after := mustState(t, db); after != before {
		t.Errorf("state after rebuild differs:\n%s", firstDiff(before, after))
	}
	// Tokens survive a rebuild.
	mustAuth(t, db, w.Tokens[w.Author.MemberID])
}

func testNeedsOffersMatchesOn(t *testing.T, w *World) {
	t.Helper()
	st := coord.IncidentVerified
	in := newIncident(coord.TLPGreen, w)
	if err := w.DB.CreateIncident(ctx, w.Author, in); err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB.UpdateIncident(ctx, w.Other, in.ID, coord.IncidentUpdate{Status: &st}); err != nil {
		t.Fatal(err)
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines vs %d", len(al), len(bl))
}

func testTamper(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	w.Items(t)
	var body []byte
	if err := db.SQL().QueryRow(`SELECT body FROM events WHERE seq = 12`).Scan(&body); err != nil {
		t.Fatal(err)
	}
	forged := bytes.Replace(body, []byte(`"TLP:`), []byte(`"TLP:X`), 1)
	if bytes.Equal(forged, body) {
		t.Fatal("event 12 has no marking to tamper with")
	}
	if _, err := db.SQL().Exec(rebind(db, `UPDATE events SET body = ?, hash = ? WHERE seq = 12`), forged, ledger.Hash(forged)); err != nil {
		t.Fatal(err)
	}
	_, err := db.Verify(ctx)
	var ve *ledger.VerifyError
	if !errors.As(err, &ve) || ve.Seq != 12 {
		t.Fatalf("Verify after tampering with event 12 = %v, want it named", err)
	}
	_, err = db.Rebuild(ctx)
	if !errors.As(err, &ve) || ve.Seq != 12 {
		t.Fatalf("Rebuild of a tampered log = %v, want event 12 named", err)
	}
}

func rebind(db *store.DB, q string) string {
	if db.Dialect() != "postgres" {
		return q
	}
	n := 0
	var b strings.Builder
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func testConcurrentWrites(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				in := newIncident(coord.TLPGreen, w)
				in.Title = fmt.Sprintf("g%d i%d", g, i)
				if err := db.CreateIncident(ctx, w.Author, in); err != nil {
					errs <- err
					return
				}
				// A bad write among good ones fails alone.
				bad := &coord.Incident{Title: "bad", Kind: "meteor"}
				if err := db.CreateIncident(ctx, w.Author, bad); lifeline.ErrorCode(err) != lifeline.EINVALID {
					errs <- fmt.Errorf("bad write: %v, want EINVALID", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	p, err := db.FindIncidents(ctx, w.Author, coord.ListFilter{Limit: 100})
	if err != nil || len(p.Items) != 40 {
		t.Fatalf("FindIncidents = %d, %v; want 40", len(p.Items), err)
	}
	if n, err := db.Verify(ctx); err != nil || n != int64(countEvents(t, db)) {
		t.Fatalf("Verify after concurrent writes: %d events, %v", n, err)
	}
}

func testBackupRestore(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	w.Items(t)
	var buf bytes.Buffer
	if err := db.Backup(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	fresh := open(t)
	n, err := fresh.Restore(ctx, bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if m, err := db.Verify(ctx); err != nil || m != n {
		t.Errorf("restored %d events, source has %d (%v)", n, m, err)
	}
	if a, b := mustState(t, db), mustState(t, fresh); a != b {
		t.Errorf("restored state differs:\n%s", firstDiff(a, b))
	}
	mustAuth(t, fresh, w.Tokens[w.Author.MemberID])
	if _, err := fresh.Verify(ctx); err != nil {
		t.Errorf("Verify after restore: %v", err)
	}
	_, err = fresh.Restore(ctx, bytes.NewReader(buf.Bytes()))
	wantCode(t, err, lifeline.ECONFLICT, "restore into a used store")
	// A backup cut short, its last event lost, is refused.
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	var cut [][]byte
	last := -1
	for i, l := range lines {
		if bytes.HasPrefix(l, []byte(`{"event":`)) {
			last = i
		}
	}
	cut = append(append(cut, lines[:last]...), lines[last+1:]...)
	_, err = open(t).Restore(ctx, bytes.NewReader(bytes.Join(cut, []byte("\n"))))
	wantCode(t, err, lifeline.EINVALID, "backup without its last event")
	if !strings.Contains(lifeline.ErrorMessage(err), "cut short") {
		t.Errorf("restore of a cut backup: %v; want it to say it was cut short", err)
	}
	// A tampered backup is refused and leaves the store empty.
	empty := open(t)
	bad := bytes.Replace(buf.Bytes(), []byte(`"seq":5,`), []byte(`"seq":6,`), 1)
	_, err = empty.Restore(ctx, bytes.NewReader(bad))
	wantCode(t, err, lifeline.EINVALID, "tampered backup")
	if ok, _ := empty.Initialized(ctx); ok {
		t.Error("a refused restore left an instance behind")
	}
}

func testListNarrowing(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	var sd, ke []string
	for i := range 6 {
		in := newIncident(coord.TLPGreen, w)
		in.Countries = []string{"SD"}
		if i%2 == 1 {
			in.Countries = []string{"KE"}
		}
		if err := db.CreateIncident(ctx, w.Author, in); err != nil {
			t.Fatal(err)
		}
		if i%2 == 1 {
			ke = append(ke, in.ID)
		} else {
			sd = append(sd, in.ID)
		}
	}
	st := coord.IncidentVerified
	if _, err := db.UpdateIncident(ctx, w.Other, ke[0], coord.IncidentUpdate{Status: &st}); err != nil {
		t.Fatal(err)
	}
	ids := func(p coord.Page[*coord.Incident]) (out []string) {
		for _, in := range p.Items {
			out = append(out, in.ID)
		}
		return out
	}
	p, err := db.FindIncidents(ctx, w.Other, coord.ListFilter{Country: "SD", Limit: 2})
	if err != nil || !slices.Equal(ids(p), sd[:2]) || p.Next == "" {
		t.Fatalf("country SD, page 1 = %v next %q (%v), want %v and more", ids(p), p.Next, err, sd[:2])
	}
	p, err = db.FindIncidents(ctx, w.Other, coord.ListFilter{Country: "SD", Limit: 2, After: p.Next})
	if err != nil || !slices.Equal(ids(p), sd[2:]) || p.Next != "" {
		t.Fatalf("country SD, page 2 = %v next %q (%v), want %v and no more", ids(p), p.Next, err, sd[2:])
	}
	p, err = db.FindIncidents(ctx, w.Other, coord.ListFilter{Status: "verified"})
	if err != nil || !slices.Equal(ids(p), ke[:1]) {
		t.Fatalf("status verified = %v (%v), want %v", ids(p), err, ke[:1])
	}
	_, err = db.FindIncidents(ctx, w.Other, coord.ListFilter{Country: "Sudan"})
	wantCode(t, err, lifeline.EINVALID, "bad country")
	n := &coord.Need{Resource: coord.Resource{Title: "x", Category: "power", Quantity: 1, Unit: "u", Countries: []string{"SD"}, IncidentID: sd[0]}}
	n.TLP = coord.TLPGreen
	if err := db.CreateNeed(ctx, w.Author, n); err != nil {
		t.Fatal(err)
	}
	np, err := db.FindNeeds(ctx, w.Other, coord.ListFilter{IncidentID: sd[0]})
	if err != nil || len(np.Items) != 1 {
		t.Fatalf("needs of incident = %d (%v), want 1", len(np.Items), err)
	}
	if np, _ = db.FindNeeds(ctx, w.Other, coord.ListFilter{IncidentID: sd[1]}); len(np.Items) != 0 {
		t.Errorf("needs of another incident = %d, want 0", len(np.Items))
	}
}

// testWidening: under TLP:AMBER a named organisation's coordinator may
// share further; under TLP:AMBER+STRICT it may not; nobody narrows.
func testWidening(t *testing.T, open Opener) {
	w := NewWorld(t, open(t))
	db := w.DB
	for _, tt := range []struct {
		tlp  coord.TLP
		code string
	}{{coord.TLPAmber, ""}, {coord.TLPAmberStrict, lifeline.EFORBIDDEN}} {
		in := newIncident(tt.tlp, w)
		if err := db.CreateIncident(ctx, w.Author, in); err != nil {
			t.Fatal(err)
		}
		orgs := []string{w.Named.OrgID, w.Other.OrgID}
		_, err := db.UpdateIncident(ctx, w.Named, in.ID, coord.IncidentUpdate{ShareWithOrgs: &orgs})
		wantCode(t, err, tt.code, "named org shares a "+string(tt.tlp)+" incident further")
		_, err = db.FindIncidentByID(ctx, w.Other, in.ID)
		if tt.code == "" && err != nil {
			t.Errorf("the organisation shared with cannot see it: %v", err)
		}
		if tt.code != "" {
			wantCode(t, err, lifeline.ENOTFOUND, "refused widening leaked")
		}
		red := coord.TLPRed
		_, err = db.UpdateIncident(ctx, w.Author, in.ID, coord.IncidentUpdate{TLP: &red, ShareWithOrgs: &[]string{}})
		wantCode(t, err, lifeline.ECONFLICT, "narrowing")
	}
}
