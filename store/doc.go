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
// Reads apply coord.CanSee to every item; nothing in this package decides
// visibility otherwise.
package store
