-- Webhook subscriptions of organisations (coord.Subscription) and the
-- durable outbox of their notifications (coord.Delivery). They are the
-- instance's own configuration and work, not projections of the log:
-- nothing here is signed, replayed or federated.
--
-- A subscription's last_seq is the sequence number of the last event it
-- has been checked against; queueing its notifications and moving last_seq
-- happen in one transaction, so a restart neither loses nor
-- repeats one. The secret is sealed (AES-256-GCM) with a key derived from
-- the instance key.
CREATE TABLE subscriptions (
	id         TEXT PRIMARY KEY,
	ord        BIGINT NOT NULL,
	org_id     TEXT NOT NULL,
	created_by TEXT NOT NULL,
	url        TEXT NOT NULL,
	secret     BYTEA NOT NULL,
	filter     TEXT NOT NULL,
	created    TEXT NOT NULL,
	last_seq   BIGINT NOT NULL
);
CREATE INDEX subscriptions_org ON subscriptions (org_id, ord);

-- One row per notification: its idempotency key, the payload sent with
-- every attempt, and how its delivery goes.
CREATE TABLE notifications (
	id              TEXT PRIMARY KEY,
	ord             BIGINT NOT NULL,
	subscription_id TEXT NOT NULL,
	seq             BIGINT NOT NULL,
	type            TEXT NOT NULL,
	subject         TEXT NOT NULL,
	body            BYTEA NOT NULL,
	created         TEXT NOT NULL,
	status          TEXT NOT NULL,
	attempts        INTEGER NOT NULL,
	next_attempt    TEXT NOT NULL,
	last_status     INTEGER NOT NULL,
	last_error      TEXT NOT NULL,
	delivered       TEXT NOT NULL
);
CREATE INDEX notifications_due ON notifications (status, next_attempt);
CREATE INDEX notifications_subscription ON notifications (subscription_id, ord);
