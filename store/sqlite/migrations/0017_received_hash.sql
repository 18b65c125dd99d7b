-- The log's index by hash covers this instance's own events only. It
-- checked that no hash appears twice, and nothing reads the log by hash;
-- a received event is a row of the log already checked against its
-- origin's chain (the table received, by origin and position), and its
-- hash, the SHA-256 of its bytes, lands at a random place of that index:
-- a received batch dirtied most of the index's pages, each commit wrote
-- them again. SQLite cannot drop the constraint UNIQUE of a column, so
-- the table is rebuilt (the view over it with it), in the order and with
-- the indexes it had.
DROP VIEW received_items;
CREATE TABLE events_rebuilt (
	seq     INTEGER PRIMARY KEY,
	hash    TEXT NOT NULL,
	body    BLOB NOT NULL,
	sig     BLOB NOT NULL,
	type    TEXT NOT NULL,
	subject TEXT NOT NULL,
	time    TEXT NOT NULL,
	marking TEXT NOT NULL,
	origin  TEXT NOT NULL DEFAULT ''
);
INSERT INTO events_rebuilt (seq, hash, body, sig, type, subject, time, marking, origin)
	SELECT seq, hash, body, sig, type, subject, time, marking, origin FROM events ORDER BY seq;
DROP TABLE events;
ALTER TABLE events_rebuilt RENAME TO events;
CREATE UNIQUE INDEX events_hash ON events (hash) WHERE origin = '';
CREATE INDEX events_subject ON events (subject, seq);
CREATE INDEX events_local ON events (seq) WHERE origin = '';
CREATE VIEW received_items (subject, origin, local_seq) AS
	SELECT subject, origin, local_seq FROM received WHERE subject <> ''
	UNION ALL
	SELECT subject, origin, seq FROM events WHERE origin <> '' AND type NOT IN ('change.proposed', 'change.decided');
