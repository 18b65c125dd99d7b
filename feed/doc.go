// Package feed brings routing and measurement data in from the network, as
// it is published, for the detector: RIPE RIS Live (a WebSocket stream of
// BGP messages), MRT update archives of RIPE RIS and RouteViews (files
// published every few minutes, polled by URL template) and the IODA API v2
// (signals and outage events polled per country).
//
// It is an adapter: it speaks HTTP and WebSocket, and hands what it
// receives, decoded by the engine packages (watch/rislive, mrt,
// watch/ioda), to callbacks that cmd/lifeline wires to watch/stream. No
// engine package imports it.
//
// # Staying honest about what was missed
//
// Live feeds fail in quiet ways: a WebSocket that stops delivering
// without closing (RIS Live clients are known to hang on code 1006), a
// server that drops a client that fell behind, an archive file that is
// never published. Every source keeps a Status: when its last message
// arrived, how far the data lags the clock, how many messages were
// malformed and skipped, how often it reconnected or stalled, and the gaps
// — spans of routing time it knows it did not see. A stall is an error in
// the status, not silence: the client sends RIS Live's application ping
// and gives up on a connection that has not delivered a message, a pong
// included, within the stall timeout, then reconnects with exponential
// backoff and jitter.
//
// # Bounded memory
//
// A RIS Live message is read only up to a size limit (1 MiB by default);
// a larger one closes the connection and is counted. A message that never
// ends is a stall. Messages are handed to the callback one at a time on
// the reading goroutine, so a slow consumer slows the reading instead of
// filling a queue. Archive files are read as a stream and bounded in size;
// IODA responses are bounded in size.
package feed
