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
// An item is kept by its origin, which orders its changes: a member
// elsewhere proposes a change (coord.Change), which travels to the origin
// whatever else the rule says, and the origin's decision travels back.
//
// The package decides and verifies; it does not store or send. The store
// keeps peers, cursors and received events; an adapter speaks HTTP. The
// protocol is written down in docs/federation.md.
package federation
