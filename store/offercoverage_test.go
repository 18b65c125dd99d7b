package store

import (
	"crypto/ed25519"
	"encoding/hex"
	"testing"
)

// TestOfferCoverageID: the id of a record of an offer's coverage is
// derived as docs/federation.md says — "ocov_" and the lower-case
// unpadded base32 of the first 10 bytes of HMAC-SHA-256, keyed with the
// recorder's Ed25519 seed, of "lifeline offer.coverage id\n" and the
// offer's id. The expected id was computed from that sentence with
// OpenSSL (openssl dgst -sha256 -mac HMAC, base32) and Python's hmac, for
// the key of RFC 8032's first test vector; it is the same for every
// record of one offer, and differs between offers and between keys.
func TestOfferCoverageID(t *testing.T) {
	seed, _ := hex.DecodeString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
	key := ed25519.NewKeyFromSeed(seed)
	if got, want := offerCoverageID(key, "offer_4yhkubnoqrwh2wd2"), "ocov_sap4j5samhy672ff"; got != want {
		t.Errorf("offerCoverageID = %s, want %s", got, want)
	}
	other := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	if offerCoverageID(key, "offer_1") == offerCoverageID(key, "offer_2") || offerCoverageID(key, "offer_1") == offerCoverageID(other, "offer_1") {
		t.Error("two offers, or two instances, share a record id")
	}
}
