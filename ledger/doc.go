// Package ledger is Lifeline's signed, append-only event log: the source of
// truth from which every state table is projected.
//
// Every change is an Event: who (author member and organisation), when,
// what (a type and a JSON payload), which item (the subject) under which
// TLP marking, and the hash of the event before it. Seal encodes an event
// once into its canonical bytes, hashes them with SHA-256 and signs them
// with the instance's Ed25519 key; the resulting Record keeps those exact
// bytes. Verification checks the stored bytes themselves and never
// re-encodes an event, since re-serialising JSON before verifying is the
// classic way such logs accept forgeries or reject honest entries.
//
// A chain proves what each event follows, not that nothing came after the
// last: a Head, the last event's sequence number and hash signed with the
// same key, does; written down elsewhere (ParseAnchor reads it back), it
// also shows a log rewritten by someone who holds the key.
//
// The format is documented in docs/ledger.md.
package ledger
