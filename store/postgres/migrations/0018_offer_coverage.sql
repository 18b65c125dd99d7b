-- How much of an offer the matches one instance keeps hold, as that
-- instance recorded it (coord.OfferCoverageRecord), a projection of
-- offer.coverage events. A record is an item of its recorder: one per
-- offer and recorder, its id the subject of its events; the row keeps
-- the record of the highest version, so that a record arriving after a
-- newer one (bundles out of order) changes nothing. An offer's coverage
-- sums the records of its offer (coord.OfferCoverageFrom).
CREATE TABLE offer_coverage (
	id      TEXT PRIMARY KEY,
	offer   TEXT NOT NULL,
	ord     BIGINT NOT NULL UNIQUE,
	version BIGINT NOT NULL,
	doc     TEXT NOT NULL,
	marking TEXT NOT NULL
);
CREATE INDEX offer_coverage_offer ON offer_coverage (offer);
