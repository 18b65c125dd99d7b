package ledger

import (
	"crypto/ed25519"
	"fmt"
)

// VerifyError names the first bad event of a log and what is wrong with it.
type VerifyError struct {
	Seq    int64  // the sequence number of the first bad record
	Reason string // what is wrong
}

func (e *VerifyError) Error() string {
	return fmt.Sprintf("event %d: %s", e.Seq, e.Reason)
}

// Chain verifies a log one record at a time, in order. It is not safe for
// concurrent use.
type Chain struct {
	key  ed25519.PublicKey
	prev *Record
	n    int64
}

// NewChain starts verifying a log signed with key from its first event.
func NewChain(key ed25519.PublicKey) *Chain { return &Chain{key: key} }

// ChainAfter starts verifying a log signed with key from the record
// after prev, trusting prev's sequence number and hash: to check the tail
// of a long log.
func ChainAfter(key ed25519.PublicKey, prev Record) *Chain {
	return &Chain{key: key, prev: &prev}
}

// Key returns the public key the chain verifies with.
func (c *Chain) Key() ed25519.PublicKey { return c.key }

// Len returns how many positions the chain has passed so far (after the
// one a chain started after, for ChainAfter): the records verified and
// the positions skipped (Skip).
func (c *Chain) Len() int64 { return c.n }

// Skip passes over the n positions after the last verified record, which
// hold events outside the chain that the record attests: a store keeps
// the events of other instances it received at their own positions, in
// their origins' bytes and signatures, after an event of its own that
// names them (their number and a digest), and checks them against it.
// The next record must then have the sequence number after them and name
// the attesting record's hash as its previous. Skip does nothing before
// the first record or for n < 1.
func (c *Chain) Skip(n int64) {
	if c.prev == nil || n < 1 {
		return
	}
	c.prev = &Record{Seq: c.prev.Seq + n, Hash: c.prev.Hash}
	c.n += n
}

// Head returns the hash of the last verified record ("" before the first).
func (c *Chain) Head() string {
	if c.prev == nil {
		return ""
	}
	return c.prev.Hash
}

// Next verifies r as the record after the ones before: its sequence
// number, the hash of its stored bytes, its signature over those exact
// bytes, and that the event it encodes carries its own sequence number and
// the previous record's hash. It returns a *VerifyError naming r, and
// after an error the chain stays at the last good record.
func (c *Chain) Next(r Record) error {
	want := int64(1)
	prevHash := ""
	if c.prev != nil {
		want, prevHash = c.prev.Seq+1, c.prev.Hash
	}
	bad := func(format string, args ...any) error {
		return &VerifyError{Seq: r.Seq, Reason: fmt.Sprintf(format, args...)}
	}
	if r.Seq != want {
		return bad("out of order: expected event %d", want)
	}
	if h := Hash(r.Body); h != r.Hash {
		return bad("stored bytes hash to %s, not the recorded %s", h, r.Hash)
	}
	if len(c.key) != ed25519.PublicKeySize || !ed25519.Verify(c.key, signed(r.Body), r.Sig) {
		return bad("signature does not verify with the instance key")
	}
	e, err := Decode(r.Body)
	if err != nil {
		return bad("signed bytes do not decode: %v", err)
	}
	if e.Seq != r.Seq {
		return bad("signed sequence number is %d", e.Seq)
	}
	if e.Prev != prevHash {
		return bad("previous hash is %q, expected %q", e.Prev, prevHash)
	}
	rc := r
	c.prev = &rc
	c.n++
	return nil
}

// Verify checks a whole log, in order, and returns the first error.
func Verify(key ed25519.PublicKey, recs []Record) error {
	c := NewChain(key)
	for _, r := range recs {
		if err := c.Next(r); err != nil {
			return err
		}
	}
	return nil
}
