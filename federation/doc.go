// Package federation is how Lifeline instances share with one another:
// which peer may receive which event (one rule, the same at every hop), the
// signed batch that carries events between two instances — a pulled page
// and an offline bundle are the same bytes — and the HTTP request
// signatures (RFC 9421) that authenticate a peer.
//
// An instance is known by its Ed25519 key and named by the key's
// fingerprint (Fingerprint), so a name can always be checked against a key
// and an event relayed through several instances still says, and proves,
// where it was written: every event keeps the signature of its origin.
//
// The package decides and verifies; it does not store or send. The store
// keeps peers, cursors and received events; an adapter speaks HTTP. The
// protocol is written down in docs/federation.md.
package federation
