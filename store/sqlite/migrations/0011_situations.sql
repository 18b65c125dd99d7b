-- The recorded contexts of countries (coord.Situation), a projection of
-- situation.recorded events.
CREATE TABLE situations (
	id      TEXT PRIMARY KEY,
	ord     INTEGER NOT NULL UNIQUE,
	country TEXT NOT NULL,
	doc     TEXT NOT NULL,
	marking TEXT NOT NULL
);
CREATE INDEX situations_country ON situations (country, ord);
