-- Received events stored once: an event of another instance is a row of
-- the log in its origin's exact bytes and signature, at its own position,
-- with origin its origin's fingerprint ('' for this instance's own
-- events). This instance signs one event per received batch
-- (federation.batch) that attests the rows after it (their number and a
-- digest of their origins, hashes and signatures). The partial index finds
-- the last event this instance signed: the chain's head.
ALTER TABLE events ADD COLUMN origin TEXT NOT NULL DEFAULT '';
CREATE INDEX events_local ON events (seq) WHERE origin = '';
