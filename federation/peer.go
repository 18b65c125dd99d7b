package federation

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"
	"time"

	"lifeline"
	"lifeline/coord"
)

// Fingerprint names an instance by its public key: the lower-case hex
// SHA-256 of the 32 key bytes. Anyone holding the key can recompute it, so
// a fingerprint received from a third party is checked, not trusted.
func Fingerprint(key ed25519.PublicKey) string {
	h := sha256.Sum256(key)
	return hex.EncodeToString(h[:])
}

// ShortFingerprint is the fingerprint as people compare it out of band (on
// the telephone, on paper): its first 64 bits in four groups of four hex
// digits, e.g. "3f2a 91c0 77d4 0b1e".
func ShortFingerprint(key ed25519.PublicKey) string {
	fp := Fingerprint(key)
	return fp[0:4] + " " + fp[4:8] + " " + fp[8:12] + " " + fp[12:16]
}

// ParseKey reads a public key written as standard base64 (44 characters)
// or hex (64 characters), as `lifeline admin head` prints it.
func ParseKey(s string) (ed25519.PublicKey, error) {
	const op = "federation.ParseKey"
	s = strings.TrimSpace(s)
	var b []byte
	var err error
	switch len(s) {
	case 64:
		b, err = hex.DecodeString(s)
	case 44:
		b, err = base64.StdEncoding.DecodeString(s)
	default:
		return nil, lifeline.Errork(lifeline.EINVALID, op, "err.peer.key.length", "key: expected an Ed25519 public key as 64 hex digits or 44 base64 characters, found %d characters", len(s))
	}
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, lifeline.Errork(lifeline.EINVALID, op, "err.peer.key.decode", "key: expected an Ed25519 public key as 64 hex digits or 44 base64 characters; this does not decode to 32 bytes")
	}
	return ed25519.PublicKey(b), nil
}

// Peer is another instance this one shares with.
type Peer struct {
	// Fingerprint names the peer (Fingerprint of Key).
	Fingerprint string `json:"fingerprint"`
	// Name is how people here call it, e.g. "ETC Khartoum".
	Name string `json:"name"`
	// URL is where it answers /federation/v1/; "" for a peer reached only
	// by offline bundles.
	URL string `json:"url,omitempty"`
	// Key is its instance key.
	Key ed25519.PublicKey `json:"key"`
	// Orgs are the organisations it hosts (their ids), as the admins of
	// both instances agreed.
	Orgs []string `json:"orgs,omitempty"`
	// Community says whether it belongs to this instance's TLP:GREEN
	// community.
	Community bool `json:"community"`
	// Suspended stops all sharing with it, both ways, until lifted.
	Suspended bool `json:"suspended"`
	// Added is when it was added.
	Added time.Time `json:"added"`
}

// Validate checks a peer as an admin adds it: a name, a key whose
// fingerprint is the peer's, an https (or loopback http) URL or none, and
// organisation ids.
func (p *Peer) Validate() error {
	const op = "federation.Peer.Validate"
	if strings.TrimSpace(p.Name) == "" || len(p.Name) > 200 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.peer.name", "name: required, at most 200 bytes")
	}
	if len(p.Key) != ed25519.PublicKeySize {
		return lifeline.Errorf(lifeline.EINVALID, op, "key: expected an Ed25519 public key of 32 bytes, found %d", len(p.Key))
	}
	if fp := Fingerprint(p.Key); p.Fingerprint != fp {
		return lifeline.Errorf(lifeline.EINVALID, op, "fingerprint: the key's fingerprint is %s, found %q", fp, p.Fingerprint)
	}
	if p.URL != "" {
		u, err := url.Parse(p.URL)
		if err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname()))) {
			return lifeline.Errork(lifeline.EINVALID, op, "err.peer.url", "url: expected an https:// address (http:// only on the loopback), found %q", p.URL)
		}
	}
	if len(p.Orgs) > coord.MaxNames {
		return lifeline.Errork(lifeline.EINVALID, op, "err.peer.orgs.many", "orgs: at most %d organisations, found %d", coord.MaxNames, len(p.Orgs))
	}
	for i, o := range p.Orgs {
		if strings.TrimSpace(o) == "" || len(o) > 100 {
			return lifeline.Errork(lifeline.EINVALID, op, "err.peer.org", "orgs[%d]: expected an organisation id, found %q", i, o)
		}
	}
	return nil
}

func loopback(host string) bool {
	return host == "localhost" || strings.HasPrefix(host, "127.") || host == "::1"
}

// Hosts says where organisations and members live, as this instance knows
// it: the organisations each peer hosts (from its Peer record) and the
// organisation of every member it knows. An organisation not in Orgs is
// hosted here.
type Hosts struct {
	Orgs    map[string]string // organisation id → fingerprint of the peer hosting it
	Members map[string]string // member id → organisation id
}

// NewHosts builds Hosts from the peers and a member → organisation map.
func NewHosts(peers []Peer, members map[string]string) Hosts {
	h := Hosts{Orgs: map[string]string{}, Members: members}
	for _, p := range peers {
		for _, o := range p.Orgs {
			h.Orgs[o] = p.Fingerprint
		}
	}
	return h
}

func (h Hosts) orgAt(org, peer string) bool { return org != "" && h.Orgs[org] == peer }

func (h Hosts) memberAt(member, peer string) bool {
	return member != "" && h.orgAt(h.Members[member], peer)
}

// MayReceive is the federation's TLP rule: whether peer p may receive an
// event or item with marking m. It is CanSee's rule lifted from people to
// instances, and each instance applies it again before forwarding what it
// received, so nothing travels further than its marking allows:
//
//   - TLP:CLEAR: every peer.
//   - TLP:GREEN: peers of this instance's community (Peer.Community); there
//     CanSee shows it to verified organisations.
//   - TLP:AMBER and TLP:AMBER+STRICT: a peer hosting an organisation the
//     marking names (its source, share_with_orgs) or the organisation of a
//     member it names; there CanSee shows it to those only.
//   - TLP:RED: a peer hosting the organisation of a named member (or of
//     the author); there CanSee shows it to those members only.
//
// What is derived from other items (a match: Marking.Reveals) goes only
// where every item it reveals may go, and only to a peer where one and the
// same reader may see all of them — where CanSee would show it to somebody.
// A suspended peer receives nothing; an unknown level goes nowhere.
func MayReceive(p Peer, m coord.Marking, h Hosts) bool {
	if p.Suspended || p.Fingerprint == "" {
		return false
	}
	parts := append([]coord.Marking{m}, m.Reveals...)
	var named []coord.Marking // the parts that name their readers
	for _, part := range parts {
		part.Reveals = nil
		if !mayReceiveOne(p, part, h) {
			return false
		}
		if part.TLP != coord.TLPClear && part.TLP != coord.TLPGreen {
			named = append(named, part)
		}
	}
	if len(named) <= 1 {
		return true
	}
	// Several parts name their readers: some reader hosted at p must be
	// named by all of them — a member it knows, or any member of an
	// organisation hosted there.
	seesAll := func(v coord.Viewer) bool {
		for _, part := range named {
			if !coord.CanSee(v, part) {
				return false
			}
		}
		return true
	}
	for org, fp := range h.Orgs {
		if fp == p.Fingerprint && seesAll(coord.Viewer{MemberID: "\x00any member of " + org, OrgID: org, OrgVerified: true}) {
			return true
		}
	}
	for mb, org := range h.Members {
		if h.Orgs[org] == p.Fingerprint && seesAll(coord.Viewer{MemberID: mb, OrgID: org, OrgVerified: true}) {
			return true
		}
	}
	return false
}

// mayReceiveOne is the rule of one marking's level and names.
func mayReceiveOne(p Peer, m coord.Marking, h Hosts) bool {
	fp := p.Fingerprint
	switch m.TLP {
	case coord.TLPClear:
		return true
	case coord.TLPGreen:
		return p.Community
	case coord.TLPAmber, coord.TLPAmberStrict:
		if h.orgAt(m.Org, fp) || h.memberAt(m.Author, fp) {
			return true
		}
		return slices.ContainsFunc(m.Orgs, func(o string) bool { return h.orgAt(o, fp) }) ||
			slices.ContainsFunc(m.Members, func(mb string) bool { return h.memberAt(mb, fp) })
	case coord.TLPRed:
		return h.memberAt(m.Author, fp) ||
			slices.ContainsFunc(m.Members, func(mb string) bool { return h.memberAt(mb, fp) })
	}
	return false
}

// MayReceiveAll is MayReceive for what is derived from several items (a
// match reveals its need and its offer): p may receive it only if it may
// receive every one of them. No markings means nothing to reveal: false.
func MayReceiveAll(p Peer, h Hosts, ms ...coord.Marking) bool {
	if len(ms) == 0 {
		return false
	}
	for _, m := range ms {
		if !MayReceive(p, m, h) {
			return false
		}
	}
	return true
}
