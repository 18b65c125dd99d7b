package ledger

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"strconv"
)

// Head is the signed head of a log: the sequence number and hash of its
// last event, signed with the instance key. A chain of events proves what
// each event follows, not that nothing came after the last one; the head
// does: a log whose last event is not the one its head names has lost
// events from its end (or gained unsigned ones).
//
// Anyone who holds the key can sign a shorter head, and the key is kept
// with the log. So a head proves most when it is also written down
// elsewhere (an anchor): a log that does not contain the event an older
// anchor names, with the anchored hash, has been rewritten.
type Head struct {
	Seq  int64  `json:"seq"`  // the last event's sequence number, 0 for an empty log
	Hash string `json:"hash"` // the last event's hash, "" for an empty log
	Sig  []byte `json:"sig"`  // Ed25519 over HeadPrefix + HeadBytes(Seq, Hash)
}

// HeadPrefix separates signatures of heads from signatures of events.
const HeadPrefix = "lifeline-head-v1\n"

// HeadBytes returns the bytes a head's signature covers after HeadPrefix:
// the sequence number in decimal, a space, and the hash.
func HeadBytes(seq int64, hash string) []byte {
	return []byte(strconv.FormatInt(seq, 10) + " " + hash)
}

// SignHead returns the head of a log whose last record is last (nil for an
// empty log), signed with key.
func SignHead(key ed25519.PrivateKey, last *Record) Head {
	h := Head{}
	if last != nil {
		h.Seq, h.Hash = last.Seq, last.Hash
	}
	h.Sig = ed25519.Sign(key, append([]byte(HeadPrefix), HeadBytes(h.Seq, h.Hash)...))
	return h
}

// Verify reports whether h is signed by pub.
func (h Head) Verify(pub ed25519.PublicKey) bool {
	return len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, append([]byte(HeadPrefix), HeadBytes(h.Seq, h.Hash)...), h.Sig)
}

// String returns the head as one line to write down elsewhere:
// "SEQ HASH SIGNATURE" with the signature in base64.
func (h Head) String() string {
	return fmt.Sprintf("%d %s %s", h.Seq, h.Hash, base64.StdEncoding.EncodeToString(h.Sig))
}

// ParseAnchor reads an anchor written down from a head: "SEQ HASH", or
// "SEQ HASH SIGNATURE" as String writes it (the signature is then kept to
// be checked).
func ParseAnchor(s string) (Head, error) {
	var h Head
	var seq, hash, sig string
	n, _ := fmt.Sscan(s, &seq, &hash, &sig)
	if n < 2 {
		return Head{}, fmt.Errorf("anchor %q: expected a sequence number and a hash, as lifeline admin head prints them", s)
	}
	v, err := strconv.ParseInt(seq, 10, 64)
	if err != nil || v < 1 {
		return Head{}, fmt.Errorf("anchor %q: expected a sequence number from 1, found %q", s, seq)
	}
	if len(hash) != 64 {
		return Head{}, fmt.Errorf("anchor %q: expected a hash of 64 hexadecimal digits, found %q", s, hash)
	}
	for _, r := range hash {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return Head{}, fmt.Errorf("anchor %q: expected a hash of 64 lower-case hexadecimal digits, found %q", s, hash)
		}
	}
	h.Seq, h.Hash = v, hash
	if n == 3 {
		b, err := base64.StdEncoding.DecodeString(sig)
		if err != nil {
			return Head{}, fmt.Errorf("anchor %q: the signature is not base64: %v", s, err)
		}
		h.Sig = b
	}
	return h, nil
}
