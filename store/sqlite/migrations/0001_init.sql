-- The instance: its Ed25519 key and settings. One row.
CREATE TABLE instance (
	id           INTEGER PRIMARY KEY CHECK (id = 1),
	private_key  BLOB NOT NULL,
	public_key   BLOB NOT NULL,
	endorsements INTEGER NOT NULL,
	created      TEXT NOT NULL
);

-- The signed event log, the source of truth. body holds the exact bytes
-- that were hashed and signed; the other columns are read from it.
CREATE TABLE events (
	seq     INTEGER PRIMARY KEY,
	hash    TEXT NOT NULL UNIQUE,
	body    BLOB NOT NULL,
	sig     BLOB NOT NULL,
	type    TEXT NOT NULL,
	subject TEXT NOT NULL,
	time    TEXT NOT NULL,
	marking TEXT NOT NULL
);

-- Bearer tokens, stored as SHA-256 hashes. Credentials of this instance,
-- not part of the shared log.
CREATE TABLE tokens (
	hash      TEXT PRIMARY KEY,
	member_id TEXT NOT NULL,
	created   TEXT NOT NULL
);

-- Projections of the log. ord is the sequence number of the event that
-- created the row, the order and cursor of lists; doc is the item as JSON.
CREATE TABLE orgs (
	id       TEXT PRIMARY KEY,
	ord      INTEGER NOT NULL UNIQUE,
	verified INTEGER NOT NULL,
	doc      TEXT NOT NULL
);
CREATE TABLE members (
	id     TEXT PRIMARY KEY,
	org_id TEXT NOT NULL,
	role   TEXT NOT NULL,
	ord    INTEGER NOT NULL UNIQUE,
	doc    TEXT NOT NULL
);
CREATE TABLE incidents (
	id  TEXT PRIMARY KEY,
	ord INTEGER NOT NULL UNIQUE,
	doc TEXT NOT NULL
);
CREATE TABLE needs (
	id     TEXT PRIMARY KEY,
	ord    INTEGER NOT NULL UNIQUE,
	status TEXT NOT NULL,
	doc    TEXT NOT NULL
);
CREATE TABLE offers (
	id     TEXT PRIMARY KEY,
	ord    INTEGER NOT NULL UNIQUE,
	status TEXT NOT NULL,
	doc    TEXT NOT NULL
);
CREATE INDEX offers_status ON offers (status, ord);
CREATE TABLE matches (
	id       TEXT PRIMARY KEY,
	ord      INTEGER NOT NULL UNIQUE,
	need_id  TEXT NOT NULL,
	offer_id TEXT NOT NULL,
	quantity INTEGER NOT NULL,
	active   BOOLEAN NOT NULL,
	doc      TEXT NOT NULL
);
CREATE INDEX matches_need ON matches (need_id);
CREATE INDEX matches_offer ON matches (offer_id);
CREATE INDEX members_org ON members (org_id);
