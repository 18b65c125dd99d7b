-- The log's index by hash covers this instance's own events only. It
-- checked that no hash appears twice, and nothing reads the log by hash;
-- a received event is a row of the log already checked against its
-- origin's chain (the table received, by origin and position), and its
-- hash, the SHA-256 of its bytes, lands at a random place of that index:
-- a received batch dirtied most of the index's pages, each commit wrote
-- them again.
ALTER TABLE events DROP CONSTRAINT events_hash_key;
CREATE UNIQUE INDEX events_hash ON events (hash) WHERE origin = '';
