-- The alerts of the instance's detector (coord.Alert), a projection of
-- alert.raised, alert.updated and alert.recovered events.
CREATE TABLE alerts (
	id      TEXT PRIMARY KEY,
	ord     BIGINT NOT NULL UNIQUE,
	entity  TEXT NOT NULL,
	country TEXT NOT NULL,
	doc     TEXT NOT NULL,
	marking TEXT NOT NULL
);
CREATE INDEX alerts_country ON alerts (country, ord);
