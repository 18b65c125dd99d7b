-- The marking of each item, beside its document, so that a read asks
-- coord.CanSee before decoding an item it may not show. Rows written
-- before this migration have '' and are decided from the document.
ALTER TABLE orgs ADD COLUMN marking TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN marking TEXT NOT NULL DEFAULT '';
ALTER TABLE needs ADD COLUMN marking TEXT NOT NULL DEFAULT '';
ALTER TABLE offers ADD COLUMN marking TEXT NOT NULL DEFAULT '';
ALTER TABLE matches ADD COLUMN marking TEXT NOT NULL DEFAULT '';
