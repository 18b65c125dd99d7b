// Package store keeps Lifeline's state in a SQL database: the signed event
// log (package ledger) as the source of truth, and state tables that are
// projections of it. It implements the service interfaces of package coord
// once, over database/sql; the adapters store/sqlite and store/postgres
// open a database of their kind, with their own embedded migrations, and
// hand it to Open. store/storetest is the conformance suite both pass.
//
// Every write runs in one transaction that appends one signed event per
// change and applies it to the state tables (apply), so the log and the
// state never disagree. Writes are group-committed (commit.go): one
// goroutine runs the writes waiting, each in its own savepoint, in one
// transaction with one fsync, and a write returns only once it is durable. Rebuild empties the state tables and applies every
// event again; because apply reads nothing but the event, the result is
// the same state. Bearer tokens are credentials of this instance, not
// shared history: they are kept (hashed) in their own table outside the
// log, and survive a rebuild.
//
// Only an event's canonical bytes are signed. The columns read from them
// for queries and the state tables are derived, and nothing here trusts
// them where it matters: the event feed decides visibility from the
// signed bytes; Verify checks the columns and the signed head (head.go),
// which the committer renews in the transaction of every append so that
// events removed from the end of the log are seen; VerifyState compares
// the state tables with a replay; and a log that does not verify
// (RefuseWrites, or a last event that is not the signed head's) takes no
// more events. Several processes may share one database: appends are
// serialised (Dialect.LockWrite), revocations are seen through an epoch
// every store watches, and web sessions are kept here (session.go).
//
// Reads apply coord.CanSee to every item; nothing in this package decides
// visibility otherwise.
package store
