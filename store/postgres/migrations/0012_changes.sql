-- Changes to items kept by another instance (coord.Change), a projection
-- of change.proposed and change.decided events: pending until the item's
-- origin decides, then applied or refused with the reason.
CREATE TABLE changes (
	id      TEXT PRIMARY KEY,
	ord     BIGINT NOT NULL,
	subject TEXT NOT NULL,
	status  TEXT NOT NULL,
	doc     TEXT NOT NULL,
	marking TEXT NOT NULL
);
CREATE INDEX changes_subject ON changes (subject, ord);
CREATE INDEX changes_status ON changes (status, ord);
