-- Reads by one key without a scan: the events about one item (its
-- timeline), an organisation's members in order, and a member's tokens
-- (revocation). The second index replaces members_org.
CREATE INDEX events_subject ON events (subject, seq);
CREATE INDEX members_org_ord ON members (org_id, ord);
DROP INDEX members_org;
CREATE INDEX tokens_member ON tokens (member_id);
