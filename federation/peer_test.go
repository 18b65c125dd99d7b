package federation

import (
	"crypto/ed25519"
	"math/rand/v2"
	"slices"
	"testing"

	"lifeline/coord"
)

func testPeer(t testing.TB, name string, orgs ...string) Peer {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return Peer{Fingerprint: Fingerprint(pub), Name: name, Key: pub, Orgs: orgs}
}

// TestMayReceiveMatchesCanSee is the federation rule's property: for random
// markings, peers and members, a peer may receive an item exactly when some
// member hosted there may see it (CanSee) — nothing leaks to an instance
// where nobody may read it, and nothing is withheld from one where
// somebody may. TLP:CLEAR goes everywhere and TLP:GREEN to the community,
// whoever is hosted.
func TestMayReceiveMatchesCanSee(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	orgs := []string{"o1", "o2", "o3", "o4", "o5", "o6"}
	members := map[string]string{}
	for i, o := range orgs {
		for j := range 3 {
			members[o+"-m"+string(rune('a'+j))] = orgs[i]
		}
	}
	memberIDs := make([]string, 0, len(members))
	for m := range members {
		memberIDs = append(memberIDs, m)
	}
	slices.Sort(memberIDs)
	pick := func(from []string, max int) []string {
		var out []string
		for range rng.IntN(max + 1) {
			out = append(out, from[rng.IntN(len(from))])
		}
		return out
	}
	for range 5000 {
		// Organisations spread over this instance ("") and three peers.
		peers := []Peer{testPeer(t, "B"), testPeer(t, "C"), testPeer(t, "D")}
		for _, o := range orgs {
			if i := rng.IntN(4); i > 0 {
				peers[i-1].Orgs = append(peers[i-1].Orgs, o)
			}
		}
		for i := range peers {
			peers[i].Community = rng.IntN(2) == 0
			peers[i].Suspended = rng.IntN(10) == 0
		}
		h := NewHosts(peers, members)
		author := memberIDs[rng.IntN(len(memberIDs))]
		m := coord.Marking{TLP: coord.TLPs[rng.IntN(len(coord.TLPs))], Org: members[author], Author: author}
		switch m.TLP {
		case coord.TLPAmber, coord.TLPAmberStrict:
			m.Orgs, m.Members = pick(orgs, 2), pick(memberIDs, 2)
		case coord.TLPRed:
			m.Members = pick(memberIDs, 3)
		}
		// A derived item (a match) reveals one or two other items.
		if rng.IntN(3) == 0 {
			for range 1 + rng.IntN(2) {
				other := memberIDs[rng.IntN(len(memberIDs))]
				r := coord.Marking{TLP: coord.TLPs[rng.IntN(len(coord.TLPs))], Org: members[other], Author: other}
				if r.TLP == coord.TLPAmber || r.TLP == coord.TLPAmberStrict {
					r.Orgs, r.Members = pick(orgs, 2), pick(memberIDs, 2)
				} else if r.TLP == coord.TLPRed {
					r.Members = pick(memberIDs, 3)
				}
				m.Reveals = append(m.Reveals, r)
			}
		}
		for _, p := range peers {
			got := MayReceive(p, m, h)
			var want bool
			switch {
			case p.Suspended:
				want = false
			default:
				// Somebody hosted at p may see it all; CLEAR parts go
				// everywhere and GREEN parts to the community, whoever
				// is hosted there.
				want = true
				var named []coord.Marking
				for _, part := range append([]coord.Marking{m}, m.Reveals...) {
					part.Reveals = nil
					switch part.TLP {
					case coord.TLPClear:
					case coord.TLPGreen:
						want = want && p.Community
					default:
						named = append(named, part)
					}
				}
				if want && len(named) > 0 {
					want = false
					for _, mb := range memberIDs {
						v := coord.Viewer{MemberID: mb, OrgID: members[mb], Role: coord.RoleViewer, OrgVerified: true}
						if h.Orgs[v.OrgID] == p.Fingerprint && coord.CanSeeAll(v, named...) {
							want = true
							break
						}
					}
				}
			}
			if got != want {
				t.Fatalf("MayReceive(%s hosting %v, %+v) = %v, want %v", p.Name, p.Orgs, m, got, want)
			}
		}
	}
}

func TestMayReceiveAll(t *testing.T) {
	b := testPeer(t, "B", "ob")
	h := NewHosts([]Peer{b}, map[string]string{"mb": "ob", "ma": "oa"})
	clear := coord.Marking{TLP: coord.TLPClear, Org: "oa", Author: "ma"}
	red := coord.Marking{TLP: coord.TLPRed, Org: "oa", Author: "ma"}
	redToB := coord.Marking{TLP: coord.TLPRed, Org: "oa", Author: "ma", Members: []string{"mb"}}
	if MayReceiveAll(b, h, clear, red) {
		t.Error("a match of a public need and a TLP:RED offer nobody on B may read went to B")
	}
	if !MayReceiveAll(b, h, clear, redToB) {
		t.Error("a match whose TLP:RED offer names a member on B did not go to B")
	}
	if MayReceiveAll(b, h) {
		t.Error("MayReceiveAll of nothing is true")
	}
}

func TestPeerValidate(t *testing.T) {
	p := testPeer(t, "ETC Khartoum", "org_etc")
	p.URL = "https://etc.example/"
	if err := p.Validate(); err != nil {
		t.Fatalf("a good peer: %v", err)
	}
	for name, change := range map[string]func(*Peer){
		"no name":      func(p *Peer) { p.Name = " " },
		"other key":    func(p *Peer) { p.Key = testPeer(t, "x").Key },
		"plain http":   func(p *Peer) { p.URL = "http://etc.example/" },
		"relative url": func(p *Peer) { p.URL = "/federation" },
		"empty org":    func(p *Peer) { p.Orgs = []string{""} },
		"short key":    func(p *Peer) { p.Key = p.Key[:31] },
	} {
		q := p
		q.Orgs = slices.Clone(p.Orgs)
		change(&q)
		if err := q.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	q := p
	q.URL = "http://127.0.0.1:8080"
	if err := q.Validate(); err != nil {
		t.Errorf("http on the loopback (for tests and a local proxy): %v", err)
	}
}

func TestParseKeyAndFingerprint(t *testing.T) {
	p := testPeer(t, "B")
	for _, s := range []string{
		"  " + hexKey(p.Key) + "\n",
		b64Key(p.Key),
	} {
		k, err := ParseKey(s)
		if err != nil || !k.Equal(p.Key) {
			t.Errorf("ParseKey(%q) = %x, %v", s, k, err)
		}
	}
	for _, s := range []string{"", "zz", hexKey(p.Key)[:62] + "zz"} {
		if _, err := ParseKey(s); err == nil {
			t.Errorf("ParseKey(%q) accepted", s)
		}
	}
	if sf := ShortFingerprint(p.Key); len(sf) != 19 || sf[:4] != p.Fingerprint[:4] {
		t.Errorf("ShortFingerprint = %q", sf)
	}
}
