package ledger_test

import (
	"crypto/ed25519"
	"strings"
	"testing"

	"lifeline/ledger"
)

func TestHead(t *testing.T) {
	seed := make([]byte, ed25519.SeedSize)
	key := ed25519.NewKeyFromSeed(seed)
	pub := key.Public().(ed25519.PublicKey)
	r, err := ledger.Seal(key, nil, ledger.Event{Type: "x.created", Subject: "x"})
	if err != nil {
		t.Fatal(err)
	}
	h := ledger.SignHead(key, &r)
	if h.Seq != 1 || h.Hash != r.Hash || !h.Verify(pub) {
		t.Fatalf("head of one event = %+v, verifies %v", h, h.Verify(pub))
	}
	short := h
	short.Seq = 0
	if short.Verify(pub) {
		t.Error("a head with its sequence number changed still verifies")
	}
	other := ed25519.NewKeyFromSeed(append(make([]byte, ed25519.SeedSize-1), 1))
	if h.Verify(other.Public().(ed25519.PublicKey)) {
		t.Error("a head verifies with another key")
	}
	a, err := ledger.ParseAnchor(h.String())
	if err != nil || a.Seq != h.Seq || a.Hash != h.Hash || !a.Verify(pub) {
		t.Fatalf("ParseAnchor(String()) = %+v, %v", a, err)
	}
	for _, bad := range []string{"", "1", "0 " + r.Hash, "1 ABC", "x " + r.Hash, "1 " + r.Hash + " !!"} {
		if _, err := ledger.ParseAnchor(bad); err == nil {
			t.Errorf("ParseAnchor(%q) accepted", bad)
		}
	}
}

// FuzzParseAnchor: an anchor typed or pasted by an operator is read or
// refused with an error, never a panic, and what is read prints back to
// an anchor that reads the same.
func FuzzParseAnchor(f *testing.F) {
	f.Add("12 " + strings.Repeat("ab", 32))
	f.Add("12 " + strings.Repeat("ab", 32) + " AAAA")
	f.Add("-1 x")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ledger.ParseAnchor(s)
		if err != nil {
			return
		}
		if h.Seq < 1 || len(h.Hash) != 64 {
			t.Fatalf("ParseAnchor(%q) = %+v", s, h)
		}
		again, err := ledger.ParseAnchor(h.String())
		if err != nil || again.Seq != h.Seq || again.Hash != h.Hash {
			t.Fatalf("ParseAnchor(String()) of %+v = %+v, %v", h, again, err)
		}
	})
}
