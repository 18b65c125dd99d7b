-- The signed head of the log: the sequence number and hash of its last
-- event, signed with the instance key in the transaction of every append,
-- so that events removed from the end of the log are seen (see
-- docs/ledger.md). One row; seq -1 until the first append after this
-- migration signs it.
CREATE TABLE head (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	seq  BIGINT NOT NULL,
	hash TEXT NOT NULL,
	sig  BYTEA NOT NULL
);
INSERT INTO head (id, seq, hash, sig) VALUES (1, -1, '', '\x');

-- A counter every revocation of tokens increases, so that every process
-- serving this database forgets its cached tokens (see docs/api.md).
CREATE TABLE revocations (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	epoch BIGINT NOT NULL
);
INSERT INTO revocations (id, epoch) VALUES (1, 0);

-- Web sessions, so that a visitor's session works on every server of the
-- instance. id is the SHA-256 of the session's cookie; token is the
-- member's bearer token sealed with a key derived from the cookie, which
-- the database never holds.
CREATE TABLE sessions (
	id      TEXT PRIMARY KEY,
	token   BYTEA NOT NULL,
	name    TEXT NOT NULL,
	expires TEXT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires);
