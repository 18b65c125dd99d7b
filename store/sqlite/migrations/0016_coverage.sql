-- The coverage of needs as the instance that keeps each need recorded it
-- (coord.CoverageRecord), a projection of need.coverage events: the
-- record of the highest version per need, so that a record arriving after
-- a newer one (bundles out of order) changes nothing.
CREATE TABLE coverage (
	id      TEXT PRIMARY KEY,
	ord     INTEGER NOT NULL UNIQUE,
	version INTEGER NOT NULL,
	doc     TEXT NOT NULL,
	marking TEXT NOT NULL
);
