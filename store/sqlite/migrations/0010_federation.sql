-- Federation: the peers this instance shares with, and the events it
-- received from them. Peers are this instance's trust configuration, like
-- its tokens: not part of the shared log.
CREATE TABLE peers (
	fingerprint  TEXT PRIMARY KEY,
	doc          TEXT NOT NULL,               -- the peer as JSON
	pulled       INTEGER NOT NULL DEFAULT 0,   -- its positions received without a gap
	ranges       TEXT NOT NULL DEFAULT '[]',  -- ranges received beyond pulled (bundles out of order)
	last_contact TEXT NOT NULL DEFAULT '',
	received     INTEGER NOT NULL DEFAULT 0,   -- events received from it
	refused      INTEGER NOT NULL DEFAULT 0,   -- batches refused from it
	last_error   TEXT NOT NULL DEFAULT '',
	exported     INTEGER NOT NULL DEFAULT 0     -- this log's position up to which bundles were written for it
);

-- The keys of the origins whose events this instance holds (each checked
-- against its fingerprint when it arrived).
CREATE TABLE origin_keys (
	fingerprint TEXT PRIMARY KEY,
	key         BLOB NOT NULL
);

-- One row per event received from another origin, kept so that a second
-- copy is skipped and each origin's chain is checked where it is known.
-- local_seq is the event of this log that carries it.
CREATE TABLE received (
	origin    TEXT NOT NULL,
	seq       INTEGER NOT NULL,
	hash      TEXT NOT NULL,
	prev      TEXT NOT NULL,
	subject   TEXT NOT NULL,
	local_seq INTEGER NOT NULL,
	PRIMARY KEY (origin, seq)
);
CREATE INDEX received_subject ON received (subject);

-- Offline bundles already imported, by content address.
CREATE TABLE bundles (
	id       TEXT PRIMARY KEY,
	sender   TEXT NOT NULL,
	imported TEXT NOT NULL
);

-- The members of organisations that peers host, as their directories
-- listed them (id and organisation only): whom a marking names there.
CREATE TABLE peer_members (
	member_id TEXT PRIMARY KEY,
	org_id    TEXT NOT NULL,
	peer      TEXT NOT NULL
);
