package fedhttp_test

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"lifeline/api"
	"lifeline/coord"
	"lifeline/federation"
	"lifeline/store/postgres"
	"lifeline/store/postgres/pgtest"
)

// The TLP matrix across instances.
//
// Four instances: A on PostgreSQL, B and C on SQLite, linked A–B–C over
// loopback HTTP, and D linked to C by offline bundles only. A–B and B–C
// are in each other's TLP:GREEN community; C–D are not. Each instance
// hosts an organisation of its operators (verified; its coordinator
// writes), an unverified organisation, an organisation that markings name,
// a verified organisation with a member that markings name, and a
// supplier; each peer record lists every organisation the peer hosts.
//
// Items are written on A, B and C at every level, naming the organisation
// or the member of every instance in turn, and on A needs, offers and the
// matches between them (derived items, committed or not), and offers of A
// matched with needs of A and of B, each instance keeping its own
// matches. After the exchange settles, every kind of reader on every
// instance reads every item through every read path of the API: the item
// itself, its list, the event feed, the events of its subject, a need's
// coverage (in the need, the list of needs and the situation report: the
// figures of every match of the need, on every instance that holds it),
// an offer's coverage (in the offer and the list of offers: the figures
// of every match of the offer, wherever kept), the matching
// engine's proposals, and the export formats of the lists and the items
// (?format=).
//
// The expected answer of every cell comes from the rule as the
// federation's specification states it (docs/federation.md, and the TLP
// text of CanSee's documentation), written out again below — never from
// the code under test:
//
//   - travel: an item goes from an instance that holds it to a neighbour
//     when every marking it carries (its own, and for a match those of
//     its need and its offer) may go there — TLP:CLEAR to every peer,
//     TLP:GREEN to community peers, TLP:AMBER and TLP:AMBER+STRICT to a
//     peer hosting its source organisation, an organisation it names or
//     the organisation of a member it names, TLP:RED to a peer hosting the
//     organisation of its author or of a member it names — and, when
//     several of them name their readers, some one reader hosted there
//     may see all of them. Each holder decides again with what it knows:
//     where organisations live from its peer records, where members live
//     from its own members and its peers' directories.
//   - reading: on an instance that holds it, CLEAR is for anyone, GREEN
//     for members of verified organisations and of its source
//     organisation, AMBER and AMBER+STRICT for members of its source
//     organisation and of the organisations it names and for the members
//     it names, RED for its author and the members it names; an item
//     derived from others only for those who may read all of them.
//
// Zero leaks: no answer to a reader holds the id of an item it may not
// read. Nothing missing: every item it may read is in every path.
//
// The whole matrix runs by default (a few seconds); LIFELINE_MATRIX_SAMPLE=1
// reads a deterministic sample of the items only.

// mxReader is one kind of reader on one instance.
type mxReader struct {
	kind   string
	member string // "" for anonymous
	org    string
	ver    bool
	token  string
}

// mxInstance is an instance of the matrix.
type mxInstance struct {
	name     string
	n        *node
	api      *httptest.Server
	orgs     []string          // organisations hosted here
	members  map[string]string // member → organisation, of members created here
	named    string            // the organisation markings name
	team     string            // the organisation of the member markings name
	mem      string            // the member markings name
	unv      string            // the unverified organisation
	supply   string            // the organisation that offers
	supplier coord.Viewer
	readers  []mxReader
	links    []mxLink
}

type mxLink struct {
	to        *mxInstance
	community bool
}

// mxItem is an item of the matrix, with what the rule needs to know of
// it: its markings (its own first; a match's need's and offer's after).
type mxItem struct {
	kind   string // incident, need, offer, match
	id     string
	origin *mxInstance
	parts  []coord.Marking
	need   string // for a match: its need
	offer  string // for a match: its offer
	party  string // for a match: the organisation of its need, when only the match may name it
	supply string // for a match: the organisation of its offer
	qty    int64  // for a match: its quantity
	status coord.MatchStatus
	label  string
	stop   string // for a shutdown: the area name that marks its STOP rows
}

func TestTLPMatrixAcrossInstances(t *testing.T) {
	pg, err := postgres.Open(ctx, pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	mk := func(name string, n *node) *mxInstance {
		in := &mxInstance{name: name, n: n, members: map[string]string{}}
		in.api = httptest.NewServer(api.New(n.db.Services(), api.Options{Rate: -1, Origins: n.db}))
		t.Cleanup(in.api.Close)
		return in
	}
	A, B, C, D := mk("A", newNodeOn(t, "A", pg)), mk("B", newNode(t, "B")), mk("C", newNode(t, "C")), mk("D", newNode(t, "D"))
	all := []*mxInstance{A, B, C, D}
	for _, in := range all {
		mxPopulate(t, in)
	}
	mxLinkUp(t, A, B, true, true)
	mxLinkUp(t, B, C, true, true)
	mxLinkUp(t, C, D, false, false)
	settle := func() {
		for range 4 { // each round carries everything one hop further
			B.n.pull(t, A.n)
			A.n.pull(t, B.n)
			C.n.pull(t, B.n)
			B.n.pull(t, C.n)
			carry(t, C.n, D.n)
			carry(t, D.n, C.n)
		}
	}
	settle() // organisations and directories first: markings may then name them

	var items []*mxItem
	for _, in := range []*mxInstance{A, B, C} {
		items = append(items, mxIncidents(t, in, all)...)
	}
	items = append(items, mxDerived(t, A, B)...)
	settle()
	items = append(items, mxOffersAcross(t, A, B, settle)...)
	settle()

	// Where each item must be, by the rule of travel.
	held := map[*mxItem]map[*mxInstance]bool{}
	for _, it := range items {
		held[it] = mxHolders(it, all)
	}
	sample := os.Getenv("LIFELINE_MATRIX_SAMPLE") != ""
	cells, leaks := 0, 0
	formats := map[string]bool{} // format/level/reader kind read as one item's export
	for _, in := range all {
		for _, r := range in.readers {
			t.Run(in.name+"/"+r.kind, func(t *testing.T) {
				c, l := mxCheck(t, in, r, items, held, sample, formats)
				cells += c
				leaks += l
			})
		}
	}
	// The matrix must exercise what it claims: items that travel one, two
	// and three hops, and items that stop.
	reach := map[int]int{}
	for _, it := range items {
		reach[len(held[it])]++
	}
	if reach[1] == 0 || reach[2] == 0 || reach[3] == 0 || reach[4] == 0 {
		t.Errorf("the items reach too few shapes of the network (instances holding → items): %v", reach)
	}
	// Every export format at every level to every kind of reader.
	for _, f := range []string{"cap", "edxl", "geojson", "hxl", "stix", "stop"} {
		for _, level := range coord.TLPs {
			for _, r := range A.readers {
				if !formats[f+"/"+string(level)+"/"+r.kind] && !sample {
					t.Errorf("no item at %s was read in %s by the kind of reader %q", level, f, r.kind)
				}
			}
		}
	}
	t.Logf("%d items, %d cells read (item × reader × instance × path), instances holding → items: %v", len(items), cells, reach)
}

// mxPopulate creates the organisations, members and readers of an
// instance.
func mxPopulate(t *testing.T, in *mxInstance) {
	t.Helper()
	n := in.n
	org := func(name string, verified bool) string {
		o := &coord.Org{Name: in.name + " " + name, Kind: coord.OrgOther, Verified: verified}
		if err := n.db.CreateOrg(ctx, coord.System, o); err != nil {
			t.Fatal(err)
		}
		in.orgs = append(in.orgs, o.ID)
		return o.ID
	}
	member := func(org, name string, role coord.Role) (coord.Viewer, string) {
		m := &coord.Member{OrgID: org, Role: role, Name: in.name + " " + name}
		tok, err := n.db.CreateMember(ctx, coord.System, m)
		if err != nil {
			t.Fatal(err)
		}
		v, err := n.db.Authenticate(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		in.members[m.ID] = org
		return v, tok
	}
	in.orgs = append(in.orgs, n.org, n.admin.OrgID)
	in.members[n.author.MemberID] = n.org
	in.members[n.admin.MemberID] = n.admin.OrgID
	in.unv = org("unverified", false)
	in.named = org("named", true)
	in.team = org("team", true)
	in.supply = org("supplier", true)
	in.supplier, _ = member(in.supply, "supplier", coord.RoleCoordinator)
	reader := func(kind string, v coord.Viewer, tok string) {
		in.readers = append(in.readers, mxReader{kind: kind, member: v.MemberID, org: v.OrgID, ver: v.OrgVerified, token: tok})
	}
	reader("anonymous", coord.Viewer{}, "")
	v, tok := member(n.org, "colleague", coord.RoleViewer)
	reader("verified org", v, tok)
	v, tok = member(in.unv, "reader", coord.RoleViewer)
	reader("unverified org", v, tok)
	v, tok = member(in.named, "reader", coord.RoleViewer)
	reader("named org", v, tok)
	v, tok = member(in.team, "named member", coord.RoleViewer)
	in.mem = v.MemberID
	reader("named member", v, tok)
	tok, err := n.db.IssueToken(ctx, n.admin, n.admin.MemberID)
	if err != nil {
		t.Fatal(err)
	}
	reader("instance admin", n.admin, tok)
}

// mxLinkUp makes two instances peers, each listing every organisation the
// other hosts; over HTTP or by bundles only.
func mxLinkUp(t *testing.T, x, y *mxInstance, community, overHTTP bool) {
	t.Helper()
	for _, pair := range [][2]*mxInstance{{x, y}, {y, x}} {
		from, to := pair[0], pair[1]
		p := &federation.Peer{Name: to.name, Key: to.n.key.Public().(ed25519.PublicKey), Orgs: to.orgs, Community: community}
		if overHTTP {
			p.URL = to.n.srv.URL
		}
		if err := from.n.db.AddPeer(ctx, from.n.admin, p); err != nil {
			t.Fatal(err)
		}
		from.links = append(from.links, mxLink{to: to, community: community})
	}
}

// mxIncidents writes on in an incident at every level, naming in turn the
// organisation and the member of every instance.
func mxIncidents(t *testing.T, in *mxInstance, all []*mxInstance) []*mxItem {
	t.Helper()
	var out []*mxItem
	write := func(label string, m coord.Marking) {
		inc := &coord.Incident{Title: in.name + ": " + label, Kind: coord.KindCableCut, Countries: []string{"SD"}}
		// Every other incident is a shutdown, which STOP exports — by
		// row, without the incident's id: the area's name, unique, says
		// which.
		stop := ""
		if len(out)%2 == 1 {
			stop = fmt.Sprintf("stoparea-%s-%03d-", in.name, len(out))
			inc.Kind, inc.Shutdown = coord.KindShutdown, &coord.Shutdown{AreaName: stop, Type: "shutdown"}
		}
		inc.Marking = m
		if err := in.n.db.CreateIncident(ctx, in.n.author, inc); err != nil {
			t.Fatalf("%s: write %s: %v", in.name, label, err)
		}
		out = append(out, &mxItem{kind: "incident", id: inc.ID, origin: in, parts: []coord.Marking{inc.Marking}, label: in.name + " " + label, stop: stop})
	}
	write("clear", coord.Marking{TLP: coord.TLPClear})
	write("green", coord.Marking{TLP: coord.TLPGreen})
	for _, to := range all {
		if mxKnowsOrg(in, to, all) {
			write("amber to the named org of "+to.name, coord.Marking{TLP: coord.TLPAmber, Orgs: []string{to.named}})
			write("amber+strict to the named org of "+to.name, coord.Marking{TLP: coord.TLPAmberStrict, Orgs: []string{to.named}})
		}
		if mxKnownOrgOf(in, to.mem) == "" {
			// A marking names only members the instance knows: its own
			// and those its peers' directories list.
			continue
		}
		write("amber to the named member of "+to.name, coord.Marking{TLP: coord.TLPAmber, Members: []string{to.mem}})
		write("red to the named member of "+to.name, coord.Marking{TLP: coord.TLPRed, Members: []string{to.mem}})
	}
	// Several names at once: each hop decides with what it knows.
	var orgs, mems []string
	for _, to := range all {
		if to != in && mxKnowsOrg(in, to, all) {
			orgs = append(orgs, to.named)
		}
		if to != in {
			if mxKnownOrgOf(in, to.mem) != "" {
				mems = append(mems, to.mem)
			}
		}
	}
	write("amber to every other named org", coord.Marking{TLP: coord.TLPAmber, Orgs: orgs})
	write("red to every other named member", coord.Marking{TLP: coord.TLPRed, Members: mems})
	return out
}

// mxDerived writes on a needs and offers at several levels and the
// matches between them, some committed.
func mxDerived(t *testing.T, a, b *mxInstance) []*mxItem {
	t.Helper()
	var out []*mxItem
	type combo struct {
		need, offer coord.Marking
		tlp         coord.TLP
		recipients  []string
		commit      bool
	}
	clear, green := coord.Marking{TLP: coord.TLPClear}, coord.Marking{TLP: coord.TLPGreen}
	combos := []combo{
		{clear, clear, coord.TLPClear, nil, true},
		{clear, clear, "", nil, true}, // the default: TLP:AMBER naming both parties
		{green, clear, coord.TLPGreen, nil, false},
		{green, green, coord.TLPGreen, nil, true},
		{coord.Marking{TLP: coord.TLPAmber, Orgs: []string{b.named}}, clear, coord.TLPAmber, nil, true},
		{coord.Marking{TLP: coord.TLPRed, Members: []string{b.mem}}, clear, "", []string{b.mem}, true},
		{coord.Marking{TLP: coord.TLPRed, Members: []string{b.mem}}, green, coord.TLPRed, []string{b.mem}, false},
		{clear, coord.Marking{TLP: coord.TLPAmberStrict, Orgs: []string{b.named, a.n.org}}, coord.TLPAmberStrict, nil, true},
	}
	for i, c := range combos {
		label := fmt.Sprintf("derived %d", i)
		need := &coord.Need{Resource: coord.Resource{Title: label, Category: "connectivity/satellite-terminal", Quantity: 10, Unit: "terminal", Countries: []string{"SD"}}}
		need.Marking = c.need
		if err := a.n.db.CreateNeed(ctx, a.n.author, need); err != nil {
			t.Fatalf("%s need: %v", label, err)
		}
		offer := &coord.Offer{Resource: coord.Resource{Title: label, Category: "connectivity/satellite-terminal", Quantity: 10, Unit: "terminal"}}
		offer.Marking = c.offer
		if err := a.n.db.CreateOffer(ctx, a.supplier, offer); err != nil {
			t.Fatalf("%s offer: %v", label, err)
		}
		m, err := a.n.db.CreateMatch(ctx, a.n.author, coord.MatchCreate{NeedID: need.ID, OfferID: offer.ID, Quantity: int64(1 + i), TLP: c.tlp, Recipients: c.recipients})
		if err != nil {
			t.Fatalf("%s match: %v", label, err)
		}
		if c.commit {
			// The offering side commits what it gives, when it may see
			// the need (else the match stays proposed).
			if done, err := a.n.db.UpdateMatch(ctx, a.supplier, m.ID, coord.MatchUpdate{Status: coord.MatchCommitted}); err == nil {
				m = done
			}
		}
		// Further along: the provider dispatches, the requester
		// confirms delivery, so that every quantity of a coverage is
		// exercised.
		if c.commit && (i == 1 || i == 3) {
			if m, err = a.n.db.UpdateMatch(ctx, a.supplier, m.ID, coord.MatchUpdate{Status: coord.MatchDispatched}); err != nil {
				t.Fatalf("%s dispatch: %v", label, err)
			}
		}
		if c.commit && i == 1 {
			if m, err = a.n.db.UpdateMatch(ctx, a.n.author, m.ID, coord.MatchUpdate{Status: coord.MatchDelivered}); err != nil {
				t.Fatalf("%s delivery: %v", label, err)
			}
		}
		own := m.Marking
		own.Reveals = nil
		out = append(out,
			&mxItem{kind: "need", id: need.ID, origin: a, parts: []coord.Marking{need.Marking}, label: label + " need"},
			&mxItem{kind: "offer", id: offer.ID, origin: a, parts: []coord.Marking{offer.Marking}, label: label + " offer"},
			&mxItem{kind: "match", id: m.ID, origin: a, parts: []coord.Marking{own, need.Marking, offer.Marking}, need: need.ID, offer: offer.ID, supply: a.supply, qty: m.Quantity, status: m.Status, label: label + " match"})
		if i == 0 {
			// A second commitment to the same TLP:CLEAR need, marked by
			// default (TLP:AMBER naming both parties): it stays on A,
			// while the first travels; a peer holding the first must
			// count it once.
			m2, err := a.n.db.CreateMatch(ctx, a.n.author, coord.MatchCreate{NeedID: need.ID, OfferID: offer.ID, Quantity: 4})
			if err != nil {
				t.Fatalf("%s second match: %v", label, err)
			}
			if m2, err = a.n.db.UpdateMatch(ctx, a.supplier, m2.ID, coord.MatchUpdate{Status: coord.MatchCommitted}); err != nil {
				t.Fatalf("%s second commitment: %v", label, err)
			}
			own := m2.Marking
			own.Reveals = nil
			out = append(out, &mxItem{kind: "match", id: m2.ID, origin: a, parts: []coord.Marking{own, need.Marking, offer.Marking}, need: need.ID, offer: offer.ID, supply: a.supply, qty: m2.Quantity, status: m2.Status, label: label + " second match"})
		}
	}
	return out
}

// mxOffersAcross writes on a an offer at TLP:CLEAR and one at TLP:GREEN,
// and lets them reach b (settle); then matches them with needs kept on
// both: on a a commitment marked by default (TLP:AMBER naming both
// parties), which stays on a; on b a proposal marked TLP:RED, which
// stays on b, and one marked by default, which reaches a too. No
// instance holds every match of the TLP:CLEAR offer, and the instances
// beyond b (C, D) hold none: their coverage of the offer comes from the
// records of a and b alone (docs/federation.md, offer.coverage).
func mxOffersAcross(t *testing.T, a, b *mxInstance, settle func()) []*mxItem {
	t.Helper()
	var out []*mxItem
	var offers []*coord.Offer
	for _, level := range []coord.TLP{coord.TLPClear, coord.TLPGreen} {
		o := &coord.Offer{Resource: coord.Resource{Title: "across " + string(level), Category: "connectivity/satellite-terminal", Quantity: 20, Unit: "terminal"}}
		o.TLP = level
		if err := a.n.db.CreateOffer(ctx, a.supplier, o); err != nil {
			t.Fatalf("offer across: %v", err)
		}
		offers = append(offers, o)
		out = append(out, &mxItem{kind: "offer", id: o.ID, origin: a, parts: []coord.Marking{o.Marking}, label: "offer across " + string(level)})
	}
	settle()
	need := func(in *mxInstance) *coord.Need {
		n := &coord.Need{Resource: coord.Resource{Title: "across, on " + in.name, Category: "connectivity/satellite-terminal", Quantity: 20, Unit: "terminal", Countries: []string{"SD"}}}
		n.TLP = coord.TLPClear
		if err := in.n.db.CreateNeed(ctx, in.n.author, n); err != nil {
			t.Fatalf("need across on %s: %v", in.name, err)
		}
		out = append(out, &mxItem{kind: "need", id: n.ID, origin: in, parts: []coord.Marking{n.Marking}, label: "need across, on " + in.name})
		return n
	}
	match := func(in *mxInstance, n *coord.Need, o *coord.Offer, q int64, tlp coord.TLP, label string) *coord.Match {
		m, err := in.n.db.CreateMatch(ctx, in.n.author, coord.MatchCreate{NeedID: n.ID, OfferID: o.ID, Quantity: q, TLP: tlp})
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		if in == a {
			if m, err = a.n.db.UpdateMatch(ctx, a.supplier, m.ID, coord.MatchUpdate{Status: coord.MatchCommitted}); err != nil {
				t.Fatalf("%s commitment: %v", label, err)
			}
			if m, err = a.n.db.UpdateMatch(ctx, a.supplier, m.ID, coord.MatchUpdate{Status: coord.MatchDispatched}); err != nil {
				t.Fatalf("%s dispatch: %v", label, err)
			}
		}
		own := m.Marking
		own.Reveals = nil
		out = append(out, &mxItem{kind: "match", id: m.ID, origin: in, parts: []coord.Marking{own, n.Marking, o.Marking}, need: n.ID, offer: o.ID,
			party: in.n.org, supply: a.supply, qty: m.Quantity, status: m.Status, label: label})
		return m
	}
	onA, onB := need(a), need(b)
	match(a, onA, offers[0], 3, "", "the clear offer's commitment on A")
	match(b, onB, offers[0], 2, coord.TLPRed, "the clear offer's red proposal on B")
	match(b, onB, offers[0], 1, "", "the clear offer's amber proposal on B")
	match(b, onB, offers[1], 2, coord.TLPRed, "the green offer's red proposal on B")
	return out
}

// --- The rule, as the specification states it. ---

// mxCanRead: whether a reader may read one marking's level and names.
func mxCanRead(r mxReader, m coord.Marking) bool {
	if r.member == "" {
		return m.TLP == coord.TLPClear
	}
	switch m.TLP {
	case coord.TLPClear:
		return true
	case coord.TLPGreen:
		return r.ver || r.org == m.Org
	case coord.TLPAmber, coord.TLPAmberStrict:
		return r.org == m.Org || slices.Contains(m.Orgs, r.org) || r.member == m.Author || slices.Contains(m.Members, r.member)
	case coord.TLPRed:
		return r.member == m.Author || slices.Contains(m.Members, r.member)
	}
	return false
}

// mxMayRead: whether a reader may read an item: every one of its markings.
func mxMayRead(r mxReader, it *mxItem) bool {
	for _, m := range it.parts {
		if !mxCanRead(r, m) {
			return false
		}
	}
	return true
}

// mxKnowsOrg: whether a marking written on h may name the organisations
// of instance x: they are h's own, a peer hosts them, or their records —
// TLP:GREEN — reached h.
func mxKnowsOrg(h, x *mxInstance, all []*mxInstance) bool {
	if h == x {
		return true
	}
	for _, l := range h.links {
		if l.to == x {
			return true
		}
	}
	record := &mxItem{origin: x, parts: []coord.Marking{{TLP: coord.TLPGreen, Org: x.named, Author: "org:" + x.named}}}
	return mxHolders(record, all)[h]
}

// mxKnownOrgOf is where holder h knows member mb to belong: its own
// members, and its direct peers' (their directories).
func mxKnownOrgOf(h *mxInstance, mb string) string {
	if o, ok := h.members[mb]; ok {
		return o
	}
	for _, l := range h.links {
		if o, ok := l.to.members[mb]; ok {
			return o
		}
	}
	return ""
}

// mxMayGo: whether holder h sends an item to its peer l.to.
func mxMayGo(h *mxInstance, l mxLink, it *mxItem) bool {
	at := func(org string) bool { return org != "" && slices.Contains(l.to.orgs, org) }
	var named []coord.Marking
	for _, m := range it.parts {
		ok := false
		switch m.TLP {
		case coord.TLPClear:
			ok = true
		case coord.TLPGreen:
			ok = l.community
		case coord.TLPAmber, coord.TLPAmberStrict:
			ok = at(m.Org) || at(mxKnownOrgOf(h, m.Author)) || slices.ContainsFunc(m.Orgs, at) ||
				slices.ContainsFunc(m.Members, func(mb string) bool { return at(mxKnownOrgOf(h, mb)) })
		case coord.TLPRed:
			ok = at(mxKnownOrgOf(h, m.Author)) || slices.ContainsFunc(m.Members, func(mb string) bool { return at(mxKnownOrgOf(h, mb)) })
		}
		if !ok {
			return false
		}
		if m.TLP != coord.TLPClear && m.TLP != coord.TLPGreen {
			named = append(named, m)
		}
	}
	if len(named) <= 1 {
		return true
	}
	// One reader there must be allowed by all of them: a member of the
	// peer h knows, or any member of an organisation hosted there.
	var candidates []mxReader
	for _, o := range l.to.orgs {
		candidates = append(candidates, mxReader{member: "any member of " + o, org: o, ver: true})
	}
	for mb, o := range l.to.members {
		candidates = append(candidates, mxReader{member: mb, org: o, ver: true})
	}
	for _, c := range candidates {
		all := true
		for _, m := range named {
			all = all && mxCanRead(c, m)
		}
		if all {
			return true
		}
	}
	return false
}

// mxHolders is every instance an item reaches: its origin, and each
// neighbour of a holder that the holder may send it to, hop after hop.
func mxHolders(it *mxItem, all []*mxInstance) map[*mxInstance]bool {
	held := map[*mxInstance]bool{it.origin: true}
	for changed := true; changed; {
		changed = false
		for _, h := range all {
			if !held[h] {
				continue
			}
			for _, l := range h.links {
				if !held[l.to] && mxMayGo(h, l, it) {
					held[l.to] = true
					changed = true
				}
			}
		}
	}
	return held
}

// --- Reading. ---

// mxCheck reads every item as r on in through every path and compares
// with the rule. It returns the cells read and the leaks found.
func mxCheck(t *testing.T, in *mxInstance, r mxReader, items []*mxItem, held map[*mxItem]map[*mxInstance]bool, sample bool, formats map[string]bool) (cells, leaks int) {
	expect := map[string]bool{}
	byID := map[string]*mxItem{}
	for _, it := range items {
		byID[it.id] = it
		expect[it.id] = held[it][in] && mxMayRead(r, it)
	}
	var bodies []string
	get := func(path string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", in.api.URL+path, nil)
		if r.token != "" {
			req.Header.Set("Authorization", "Bearer "+r.token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		bodies = append(bodies, string(b))
		return res.StatusCode, b
	}
	type page struct {
		Items []json.RawMessage `json:"items"`
		Next  string            `json:"next"`
	}
	list := func(path string) []json.RawMessage {
		t.Helper()
		var out []json.RawMessage
		next := ""
		for range 100 {
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			st, b := get(path + sep + "limit=500&after=" + url.QueryEscape(next))
			if st != 200 {
				t.Fatalf("GET %s: %d %s", path, st, b)
			}
			var p page
			if err := json.Unmarshal(b, &p); err != nil {
				t.Fatal(err)
			}
			out = append(out, p.Items...)
			if next = p.Next; next == "" {
				return out
			}
		}
		t.Fatalf("GET %s: the pages do not end", path)
		return nil
	}
	ids := func(raw []json.RawMessage, field string) map[string]bool {
		out := map[string]bool{}
		for _, x := range raw {
			var m map[string]any
			json.Unmarshal(x, &m)
			if s, ok := m[field].(string); ok {
				out[s] = true
			}
		}
		return out
	}
	cmp := func(path string, got map[string]bool, kind string) {
		t.Helper()
		for _, it := range items {
			if kind != "" && it.kind != kind {
				continue
			}
			cells++
			if got[it.id] != expect[it.id] {
				if got[it.id] {
					leaks++
				}
				t.Errorf("%s: %s (%s, held on %s) listed %v, want %v", path, it.label, it.kind, holders(held[it]), got[it.id], expect[it.id])
			}
		}
	}

	// Lists and the feed.
	for kind, path := range map[string]string{"incident": "/api/v1/incidents", "need": "/api/v1/needs", "offer": "/api/v1/offers", "match": "/api/v1/matches"} {
		cmp(path, ids(list(path), "id"), kind)
	}
	cmp("the event feed", ids(list("/api/v1/events"), "subject"), "")

	// Coverage in the list of needs and in the situation report: the
	// figures of every match of the need, the committing organisations
	// only with the commitments the reader may read.
	for _, raw := range list("/api/v1/needs") {
		var n struct {
			ID       string      `json:"id"`
			Coverage *mxCoverage `json:"coverage"`
		}
		json.Unmarshal(raw, &n)
		if it := byID[n.ID]; it != nil {
			cells++
			if want := mxCoverageOf(n.ID, items); n.Coverage == nil || *n.Coverage != want {
				t.Errorf("the list of needs on %s: coverage of %s %+v, want %+v", in.name, it.label, n.Coverage, want)
			}
		}
	}
	// And in the list of offers: the figures of every match of the
	// offer, wherever it is kept (offer.coverage).
	for _, raw := range list("/api/v1/offers") {
		var o struct {
			ID       string      `json:"id"`
			Coverage *mxCoverage `json:"coverage"`
		}
		json.Unmarshal(raw, &o)
		if it := byID[o.ID]; it != nil {
			cells++
			if want := mxCoverageOf(o.ID, items); o.Coverage == nil || *o.Coverage != want {
				t.Errorf("the list of offers on %s: coverage of %s %+v, want %+v", in.name, it.label, o.Coverage, want)
			}
		}
	}
	if st, b := get("/api/v1/sitrep"); st != 200 {
		t.Errorf("GET /api/v1/sitrep: %d %s", st, b)
	} else {
		var rep struct {
			Needs []struct {
				ID string `json:"id"`
				mxCoverage
				By []struct {
					Org string `json:"org"`
				} `json:"commitments"`
			} `json:"needs"`
		}
		json.Unmarshal(b, &rep)
		for _, n := range rep.Needs {
			it := byID[n.ID]
			if it == nil {
				continue
			}
			want := mxCoverageOf(n.ID, items)
			want.Held = 0 // the report says what is committed and further
			got := n.mxCoverage
			cells++
			if got != want {
				t.Errorf("the situation report on %s: coverage of %s %+v, want %+v", in.name, it.label, got, want)
			}
			readable := 0
			for _, m := range items {
				if m.kind == "match" && m.need == n.ID && expect[m.id] && m.status != coord.MatchProposed && m.status != coord.MatchCancelled {
					readable++
				}
			}
			cells++
			if len(n.By) != readable {
				if len(n.By) > readable {
					leaks++
				}
				t.Errorf("the situation report on %s names %d commitments to %s, want the %d the reader may read", in.name, len(n.By), it.label, readable)
			}
		}
	}

	// Each item: read, its events, a need's coverage and proposals.
	for i, it := range items {
		if sample && i%5 != int(in.name[0])%5 {
			continue
		}
		path := "/api/v1/" + it.kind + "es"
		if it.kind != "match" {
			path = "/api/v1/" + it.kind + "s"
		}
		st, b := get(path + "/" + it.id)
		cells++
		if (st == 200) != expect[it.id] || (st != 200 && st != 404) {
			if st == 200 {
				leaks++
			}
			t.Errorf("GET %s/%s (%s, held on %s): %d, want readable %v", path, it.id, it.label, holders(held[it]), st, expect[it.id])
		}
		if st == 200 {
			// The item says where it came from: nothing when written
			// here, else its origin, named when it is a peer.
			var got struct {
				Origin *federation.Origin `json:"origin"`
			}
			json.Unmarshal(b, &got)
			var want *federation.Origin
			if it.origin != in {
				fp := it.origin.n.fp
				want = &federation.Origin{Fingerprint: fp, Short: fp[0:4] + " " + fp[4:8] + " " + fp[8:12] + " " + fp[12:16]}
				for _, l := range in.links {
					if l.to == it.origin {
						want.Name = it.origin.name
					}
				}
			}
			cells++
			if (got.Origin == nil) != (want == nil) || got.Origin != nil && *got.Origin != *want {
				t.Errorf("the origin of %s on %s: %+v, want %+v", it.label, in.name, got.Origin, want)
			}
		}
		evs := list("/api/v1/events?subject=" + it.id)
		cells++
		if (len(evs) > 0) != expect[it.id] {
			if len(evs) > 0 {
				leaks++
			}
			t.Errorf("events of %s (held on %s): %d, want some %v", it.label, holders(held[it]), len(evs), expect[it.id])
		}
		if it.kind == "offer" && st == 200 {
			c, l := mxCheckOfferCoverage(t, in, it, b, items, expect)
			cells += c
			leaks += l
		}
		if it.kind != "need" || st != 200 {
			continue
		}
		// Coverage: the matches of the need it lists are those the
		// reader may read here; its quantities count every match of the
		// need, wherever it is held — the same on every instance that
		// holds the need (docs/federation.md, need.coverage).
		var need struct {
			Coverage *struct {
				mxCoverage
				Matches []struct {
					MatchID string `json:"match_id"`
				} `json:"matches"`
			} `json:"coverage"`
		}
		json.Unmarshal(b, &need)
		listed := map[string]bool{}
		if need.Coverage != nil {
			for _, m := range need.Coverage.Matches {
				listed[m.MatchID] = true
			}
		}
		want := mxCoverageOf(it.id, items)
		for _, m := range items {
			if m.kind != "match" || m.need != it.id {
				continue
			}
			cells++
			if listed[m.id] != expect[m.id] {
				if listed[m.id] {
					leaks++
				}
				t.Errorf("coverage of %s lists %s: %v, want %v", it.label, m.label, listed[m.id], expect[m.id])
			}
		}
		cells++
		if need.Coverage == nil || need.Coverage.mxCoverage != want {
			t.Errorf("coverage of %s on %s: %+v, want %+v from every match of it", it.label, in.name, need.Coverage, want)
		}
		// The committing organisation is named only with a commitment
		// the reader may read.
		cells++
		supply := it.origin.supply
		for _, m := range items {
			if m.kind == "match" && m.need == it.id && m.supply != "" {
				supply = m.supply
			}
		}
		if strings.Contains(string(b), supply) != (len(listed) > 0) {
			if len(listed) == 0 {
				leaks++
			}
			t.Errorf("the need %s read on %s names the supplier %v, with %d matches listed", it.label, in.name, strings.Contains(string(b), supply), len(listed))
		}
		// Proposals offer only offers the reader may read.
		st, b = get("/api/v1/needs/" + it.id + "/proposals")
		if st != 200 {
			t.Errorf("proposals of %s: %d %s", it.label, st, b)
			continue
		}
		var ps page
		json.Unmarshal(b, &ps)
		for o := range ids(ps.Items, "offer_id") {
			cells++
			if !expect[o] {
				leaks++
				t.Errorf("proposals of %s offer %s, which the reader may not read", it.label, byID[o].label)
			}
		}
	}

	c, l := mxCheckExports(t, in, r, items, expect, get, formats)
	cells += c
	leaks += l

	// No answer names an item the reader may not read.
	for _, it := range items {
		if expect[it.id] {
			continue
		}
		for _, body := range bodies {
			if strings.Contains(body, it.id) || it.stop != "" && strings.Contains(body, it.stop) {
				leaks++
				t.Errorf("an answer names %s (%s), which the reader may not read: %.300s", it.id, it.label, body)
				break
			}
		}
	}
	return cells, leaks
}

// mxCheckOfferCoverage checks the coverage in the read b of the offer it
// on in: its quantities count every match of the offer, wherever it is
// kept — the same on every instance that holds the offer
// (docs/federation.md, offer.coverage); it lists exactly the matches the
// reader may read here, and names the organisation of a match's need
// only with a match of it the reader may read.
func mxCheckOfferCoverage(t *testing.T, in *mxInstance, it *mxItem, b []byte, items []*mxItem, expect map[string]bool) (cells, leaks int) {
	t.Helper()
	var offer struct {
		Coverage *struct {
			mxCoverage
			Matches []struct {
				MatchID string `json:"match_id"`
			} `json:"matches"`
		} `json:"coverage"`
	}
	json.Unmarshal(b, &offer)
	listed := map[string]bool{}
	if offer.Coverage != nil {
		for _, m := range offer.Coverage.Matches {
			listed[m.MatchID] = true
		}
	}
	for _, m := range items {
		if m.kind != "match" || m.offer != it.id {
			continue
		}
		cells++
		if listed[m.id] != expect[m.id] {
			if listed[m.id] {
				leaks++
			}
			t.Errorf("coverage of %s on %s lists %s: %v, want %v", it.label, in.name, m.label, listed[m.id], expect[m.id])
		}
		shown := slices.ContainsFunc(items, func(x *mxItem) bool {
			return x.kind == "match" && x.offer == it.id && x.party == m.party && expect[x.id]
		})
		if m.party != "" && !shown && strings.Contains(string(b), m.party) {
			cells++
			leaks++
			t.Errorf("the offer %s read on %s names the organisation of %s, which the reader may not read", it.label, in.name, m.label)
		}
	}
	cells++
	if want := mxCoverageOf(it.id, items); offer.Coverage == nil || offer.Coverage.mxCoverage != want {
		t.Errorf("coverage of %s on %s: %+v, want %+v from every match of it", it.label, in.name, offer.Coverage, want)
	}
	return cells, leaks
}

// mxCoverage is the quantities of a need's or an offer's coverage.
type mxCoverage struct {
	Held       int64 `json:"held"`
	Covered    int64 `json:"covered"`
	Dispatched int64 `json:"dispatched"`
	Delivered  int64 `json:"delivered"`
}

// mxCoverageOf is the coverage of a need or an offer (id) from every
// match of it, as the
// matrix made them: active matches hold their quantity, committed ones and
// further cover it, dispatched and further are on their way, delivered
// arrived.
func mxCoverageOf(id string, items []*mxItem) mxCoverage {
	var c mxCoverage
	for _, m := range items {
		if m.kind != "match" || m.need != id && m.offer != id || m.status == coord.MatchCancelled {
			continue
		}
		c.Held += m.qty
		switch m.status {
		case coord.MatchCommitted:
			c.Covered += m.qty
		case coord.MatchDispatched:
			c.Covered, c.Dispatched = c.Covered+m.qty, c.Dispatched+m.qty
		case coord.MatchDelivered, coord.MatchReleased:
			c.Covered, c.Dispatched, c.Delivered = c.Covered+m.qty, c.Dispatched+m.qty, c.Delivered+m.qty
		}
	}
	return c
}

func holders(h map[*mxInstance]bool) string {
	var out []string
	for in := range h {
		out = append(out, in.name)
	}
	sort.Strings(out)
	return strings.Join(out, "")
}

// --- Exports. ---

// mxItemFormats are the formats of one item's read, by kind (api:
// incidentFormats, resourceFormats).
var mxItemFormats = map[string][]string{
	"incident": {"cap", "geojson", "stix", "hxl", "stop"},
	"need":     {"edxl"}, "offer": {"edxl"}, "match": {"edxl"},
}

// mxCheckExports reads, as r on in, the lists and the items through the
// API's export formats (?format=): every list in every format it serves,
// and each item in a sample of its formats — an incident in two of its
// five, taken in turn among the incidents of its level, so that every
// format is read at every level by every kind of reader (formats records
// which). An item the reader may read is in the document (by its id; a
// shutdown's STOP rows by its area's name), one it may not read is not
// (and its item read is 404; that no answer names it is checked with the
// other answers).
func mxCheckExports(t *testing.T, in *mxInstance, r mxReader, items []*mxItem, expect map[string]bool, get func(string) (int, []byte), formats map[string]bool) (cells, leaks int) {
	t.Helper()
	// in reports whether a document shows it: by its id, or for STOP by
	// its area's name (only shutdowns have rows there).
	shows := func(doc []byte, format string, it *mxItem) (got, want bool) {
		if format == "stop" {
			return it.stop != "" && strings.Contains(string(doc), it.stop), expect[it.id] && it.stop != ""
		}
		return strings.Contains(string(doc), it.id), expect[it.id]
	}
	lists := []struct{ path, kind string }{
		{"/api/v1/incidents?format=geojson", "incident"}, {"/api/v1/incidents?format=stix", "incident"},
		{"/api/v1/incidents?format=hxl", "incident"}, {"/api/v1/incidents?format=stop", "incident"},
		{"/api/v1/needs?format=hxl", "need"}, {"/api/v1/offers?format=hxl", "offer"}, {"/api/v1/matches?format=hxl", "match"},
	}
	for _, l := range lists {
		st, doc := get(l.path)
		if st != 200 {
			t.Errorf("GET %s on %s: %d %.300s", l.path, in.name, st, doc)
			continue
		}
		format := l.path[strings.Index(l.path, "=")+1:]
		for _, it := range items {
			if it.kind != l.kind {
				continue
			}
			cells++
			if got, want := shows(doc, format, it); got != want {
				if got {
					leaks++
				}
				t.Errorf("GET %s on %s as %s: %s shown %v, want %v", l.path, in.name, r.kind, it.label, got, want)
			}
		}
	}
	turn := map[coord.TLP]int{} // incidents of each level read so far
	for _, it := range items {
		fs := mxItemFormats[it.kind]
		if it.kind == "incident" {
			k := turn[it.parts[0].TLP]
			turn[it.parts[0].TLP]++
			fs = []string{fs[(2*k)%len(fs)], fs[(2*k+1)%len(fs)]}
		}
		for _, format := range fs {
			formats[format+"/"+string(it.parts[0].TLP)+"/"+r.kind] = true
			path := "/api/v1/" + it.kind + "s/" + it.id + "?format=" + format
			if it.kind == "match" {
				path = "/api/v1/matches/" + it.id + "?format=" + format
			}
			st, doc := get(path)
			cells++
			if (st == 200) != expect[it.id] || st != 200 && st != 404 {
				if st == 200 {
					leaks++
				}
				t.Errorf("GET %s on %s as %s (%s): %d, want readable %v: %.200s", path, in.name, r.kind, it.label, st, expect[it.id], doc)
				continue
			}
			if st != 200 {
				continue
			}
			cells++
			if got, want := shows(doc, format, it); got != want {
				t.Errorf("GET %s on %s as %s: %s shown %v, want %v", path, in.name, r.kind, it.label, got, want)
			}
		}
	}
	return cells, leaks
}
