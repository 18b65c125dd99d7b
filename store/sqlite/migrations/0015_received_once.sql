-- Received events stored once: an event of another instance is a row of
-- the log in its origin's exact bytes and signature, at its own position,
-- with origin its origin's fingerprint ('' for this instance's own
-- events). This instance signs one event per received batch
-- (federation.batch) that attests the rows after it (their number and a
-- digest of their origins, hashes and signatures). The partial index finds
-- the last event this instance signed: the chain's head.
ALTER TABLE events ADD COLUMN origin TEXT NOT NULL DEFAULT '';
CREATE INDEX events_local ON events (seq) WHERE origin = '';

-- The items each origin wrote, for the checks that an event changes only
-- items of its origin and for an item's origin: the received rows of the
-- log (but the changes from elsewhere, which name an item without
-- changing it) and, for events received before this migration, the table
-- received. Rows received since record their subject in the log only, so
-- that the index of received by subject, inserted at random places for
-- every received event, covers the older rows alone.
DROP INDEX received_subject;
CREATE INDEX received_subject ON received (subject) WHERE subject <> '';
CREATE VIEW received_items (subject, origin, local_seq) AS
	SELECT subject, origin, local_seq FROM received WHERE subject <> ''
	UNION ALL
	SELECT subject, origin, seq FROM events WHERE origin <> '' AND type NOT IN ('change.proposed', 'change.decided');
