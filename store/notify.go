package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"lifeline"
	"lifeline/coord"
)

// Webhook subscriptions and their outbox (migration 0013): the instance's
// own configuration, outside the signed log. See coord.SubscriptionService
// and coord.Outbox.

var (
	_ coord.SubscriptionService = (*DB)(nil)
	_ coord.Outbox              = (*DB)(nil)
)

// secretAEAD seals subscription secrets with a key derived from the
// instance key, so that a copy of the table does not give them away.
func (db *DB) secretAEAD(ctx context.Context) (cipher.AEAD, error) {
	k, err := db.DeriveKey(ctx, "webhook secrets")
	if err != nil {
		return nil, err
	}
	b, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// CreateSubscription implements coord.SubscriptionService.
func (db *DB) CreateSubscription(ctx context.Context, v coord.Viewer, s *coord.Subscription) (string, error) {
	const op = "store.CreateSubscription"
	if err := coord.CanManageSubscriptions(v, v.OrgID); err != nil {
		return "", err
	}
	s.OrgID, s.CreatedBy = v.OrgID, v.MemberID
	if err := s.Validate(); err != nil {
		return "", err
	}
	id, err := db.newID("sub")
	if err != nil {
		return "", internal(op, err)
	}
	raw := make([]byte, 32)
	if _, err := io.ReadFull(db.Rand, raw); err != nil {
		return "", internal(op, err)
	}
	secret := "whsec_" + base64.RawURLEncoding.EncodeToString(raw)
	aead, err := db.secretAEAD(ctx)
	if err != nil {
		return "", internal(op, err)
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := io.ReadFull(db.Rand, nonce); err != nil {
		return "", internal(op, err)
	}
	sealed := aead.Seal(nonce, nonce, []byte(secret), []byte(id))
	filter, err := json.Marshal(s.Filter)
	if err != nil {
		return "", internal(op, err)
	}
	err = db.update(ctx, op, func(t *tx) error {
		var n int
		if err := t.queryRow(`SELECT COUNT(*) FROM subscriptions WHERE org_id = ?`, v.OrgID).Scan(&n); err != nil {
			return err
		}
		if n >= coord.MaxSubscriptionsPerOrg {
			return lifeline.Errork(lifeline.EINVALID, op, "err.sub.limit", "an organisation has at most %d webhooks; remove one first", coord.MaxSubscriptionsPerOrg)
		}
		// A new subscription receives what happens from now on.
		var last, ord int64
		if err := t.queryRow(`SELECT COALESCE(MAX(seq), 0) FROM events`).Scan(&last); err != nil {
			return err
		}
		if err := t.queryRow(`SELECT COALESCE(MAX(ord), 0) + 1 FROM subscriptions`).Scan(&ord); err != nil {
			return err
		}
		s.ID, s.Created = id, t.now.UTC()
		return t.exec(`INSERT INTO subscriptions (id, ord, org_id, created_by, url, secret, filter, created, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, ord, s.OrgID, s.CreatedBy, s.URL, sealed, string(filter), s.Created.Format(timeFormat), last)
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

const subscriptionCols = `id, org_id, created_by, url, filter, created, secret, last_seq`

func scanSubscription(sc interface{ Scan(...any) error }) (*coord.WatchedSubscription, []byte, error) {
	var s coord.WatchedSubscription
	var filter, created string
	var sealed []byte
	if err := sc.Scan(&s.ID, &s.OrgID, &s.CreatedBy, &s.URL, &filter, &created, &sealed, &s.LastSeq); err != nil {
		return nil, nil, err
	}
	if err := json.Unmarshal([]byte(filter), &s.Filter); err != nil {
		return nil, nil, fmt.Errorf("subscription %s: filter: %w", s.ID, err)
	}
	var err error
	if s.Created, err = time.Parse(timeFormat, created); err != nil {
		return nil, nil, fmt.Errorf("subscription %s: created: %w", s.ID, err)
	}
	return &s, sealed, nil
}

// FindSubscriptions implements coord.SubscriptionService.
func (db *DB) FindSubscriptions(ctx context.Context, v coord.Viewer) ([]*coord.Subscription, error) {
	const op = "store.FindSubscriptions"
	out := []*coord.Subscription{}
	if v.Anonymous() {
		return out, nil
	}
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT `+subscriptionCols+` FROM subscriptions WHERE org_id = ? ORDER BY ord`), v.OrgID)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		s, _, err := scanSubscription(rows)
		if err != nil {
			return nil, internal(op, err)
		}
		out = append(out, &s.Subscription)
	}
	return out, internal(op, rows.Err())
}

// ownSubscription returns subscription id if it is of v's organisation.
func (db *DB) ownSubscription(ctx context.Context, op string, v coord.Viewer, id string) (*coord.WatchedSubscription, error) {
	if v.Anonymous() || id == "" || len(id) > 100 {
		return nil, notFound(op, "webhook")
	}
	s, _, err := scanSubscription(db.read.QueryRowContext(ctx, db.q(`SELECT `+subscriptionCols+` FROM subscriptions WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) || err == nil && s.OrgID != v.OrgID {
		return nil, notFound(op, "webhook")
	}
	return s, internal(op, err)
}

// DeleteSubscription implements coord.SubscriptionService.
func (db *DB) DeleteSubscription(ctx context.Context, v coord.Viewer, id string) error {
	const op = "store.DeleteSubscription"
	s, err := db.ownSubscription(ctx, op, v, id)
	if err != nil {
		return err
	}
	if err := coord.CanManageSubscriptions(v, s.OrgID); err != nil {
		return err
	}
	return db.update(ctx, op, func(t *tx) error {
		if err := t.exec(`DELETE FROM notifications WHERE subscription_id = ?`, id); err != nil {
			return err
		}
		return t.exec(`DELETE FROM subscriptions WHERE id = ?`, id)
	})
}

// SendTest implements coord.SubscriptionService.
func (db *DB) SendTest(ctx context.Context, v coord.Viewer, id string) (*coord.Delivery, error) {
	const op = "store.SendTest"
	s, err := db.ownSubscription(ctx, op, v, id)
	if err != nil {
		return nil, err
	}
	if err := coord.CanManageSubscriptions(v, s.OrgID); err != nil {
		return nil, err
	}
	nonce := make([]byte, 16)
	if _, err := io.ReadFull(db.Rand, nonce); err != nil {
		return nil, internal(op, err)
	}
	now := db.Now().UTC()
	n, err := coord.NewNotification(&s.Subscription, "ntf_test_"+base64.RawURLEncoding.EncodeToString(nonce), coord.TestEvent(&s.Subscription, now), now)
	if err != nil {
		return nil, internal(op, err)
	}
	err = db.update(ctx, op, func(t *tx) error { return insertNotification(t, &n) })
	if err != nil {
		return nil, err
	}
	return &n.Delivery, nil
}

func insertNotification(t *tx, n *coord.Notification) error {
	var dup int
	if err := t.queryRow(`SELECT COUNT(*) FROM notifications WHERE id = ?`, n.Key).Scan(&dup); err != nil || dup > 0 {
		return err
	}
	var ord int64
	if err := t.queryRow(`SELECT COALESCE(MAX(ord), 0) + 1 FROM notifications`).Scan(&ord); err != nil {
		return err
	}
	return t.exec(`INSERT INTO notifications (id, ord, subscription_id, seq, type, subject, body, created, status, attempts, next_attempt, last_status, last_error, delivered)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 0, '', '')`,
		n.Key, ord, n.SubscriptionID, n.Seq, n.Type, n.Subject, n.Body, n.Created.UTC().Format(timeFormat), coord.DeliveryPending, n.NextAttempt.UTC().Format(timeFormat))
}

const deliveryCols = `id, subscription_id, seq, type, subject, created, status, attempts, next_attempt, last_status, last_error, delivered`

func scanDelivery(sc interface{ Scan(...any) error }, extra ...any) (*coord.Delivery, error) {
	var d coord.Delivery
	var created, next, delivered string
	if err := sc.Scan(append([]any{&d.Key, &d.SubscriptionID, &d.Seq, &d.Type, &d.Subject, &created, &d.Status, &d.Attempts, &next, &d.LastStatus, &d.LastError, &delivered}, extra...)...); err != nil {
		return nil, err
	}
	var err error
	if d.Created, err = time.Parse(timeFormat, created); err != nil {
		return nil, fmt.Errorf("notification %s: created: %w", d.Key, err)
	}
	if d.Status == coord.DeliveryPending {
		if d.NextAttempt, err = time.Parse(timeFormat, next); err != nil {
			return nil, fmt.Errorf("notification %s: next attempt: %w", d.Key, err)
		}
	}
	if delivered != "" {
		if d.Delivered, err = time.Parse(timeFormat, delivered); err != nil {
			return nil, fmt.Errorf("notification %s: delivered: %w", d.Key, err)
		}
	}
	return &d, nil
}

// FindDeliveries implements coord.SubscriptionService.
func (db *DB) FindDeliveries(ctx context.Context, v coord.Viewer, id string, limit int) ([]*coord.Delivery, error) {
	const op = "store.FindDeliveries"
	if _, err := db.ownSubscription(ctx, op, v, id); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > coord.MaxPageSize {
		limit = coord.DefaultPageSize
	}
	rows, err := db.read.QueryContext(ctx, db.q(`SELECT `+deliveryCols+` FROM notifications WHERE subscription_id = ? ORDER BY ord DESC LIMIT ?`), id, limit)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	out := []*coord.Delivery{}
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, internal(op, err)
		}
		out = append(out, d)
	}
	return out, internal(op, rows.Err())
}

// WatchedSubscriptions implements coord.Outbox.
func (db *DB) WatchedSubscriptions(ctx context.Context) ([]coord.WatchedSubscription, error) {
	const op = "store.WatchedSubscriptions"
	rows, err := db.read.QueryContext(ctx, `SELECT `+subscriptionCols+` FROM subscriptions ORDER BY ord`)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	var aead cipher.AEAD
	var out []coord.WatchedSubscription
	for rows.Next() {
		s, sealed, err := scanSubscription(rows)
		if err != nil {
			return nil, internal(op, err)
		}
		if aead == nil {
			if aead, err = db.secretAEAD(ctx); err != nil {
				return nil, internal(op, err)
			}
		}
		if len(sealed) < aead.NonceSize() {
			return nil, internal(op, fmt.Errorf("subscription %s: sealed secret too short", s.ID))
		}
		plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], []byte(s.ID))
		if err != nil {
			return nil, internal(op, fmt.Errorf("subscription %s: secret does not open: %w", s.ID, err))
		}
		s.Secret = string(plain)
		out = append(out, *s)
	}
	return out, internal(op, rows.Err())
}

// LastSeq implements coord.Outbox.
func (db *DB) LastSeq(ctx context.Context) (int64, error) {
	var n int64
	err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM events`).Scan(&n)
	return n, internal("store.LastSeq", err)
}

// Queue implements coord.Outbox.
func (db *DB) Queue(ctx context.Context, id string, seq int64, ns []coord.Notification) error {
	const op = "store.Queue"
	return db.update(ctx, op, func(t *tx) error {
		var last int64
		err := t.queryRow(`SELECT last_seq FROM subscriptions WHERE id = ?`, id).Scan(&last)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(op, "webhook")
		}
		if err != nil {
			return err
		}
		for i := range ns {
			if ns[i].SubscriptionID != id {
				return lifeline.Errorf(lifeline.EINVALID, op, "notification %s is not of webhook %s", ns[i].Key, id)
			}
			if err := insertNotification(t, &ns[i]); err != nil {
				return err
			}
		}
		if seq > last {
			return t.exec(`UPDATE subscriptions SET last_seq = ? WHERE id = ?`, seq, id)
		}
		return nil
	})
}

// ClaimDue implements coord.Outbox.
func (db *DB) ClaimDue(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]coord.Notification, error) {
	const op = "store.ClaimDue"
	var out []coord.Notification
	err := db.update(ctx, op, func(t *tx) error {
		out = nil
		rows, err := t.QueryContext(t.ctx, t.db.q(`SELECT n.id, n.subscription_id, n.seq, n.type, n.subject, n.created, n.status, n.attempts, n.next_attempt, n.last_status, n.last_error, n.delivered, n.body, s.url
			FROM notifications n JOIN subscriptions s ON s.id = n.subscription_id
			WHERE n.status = ? AND n.next_attempt <= ? ORDER BY n.next_attempt, n.ord LIMIT ?`), coord.DeliveryPending, now.UTC().Format(timeFormat), limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			var n coord.Notification
			d, err := scanDelivery(rows, &n.Body, &n.URL)
			if err != nil {
				rows.Close()
				return err
			}
			n.Delivery = *d
			out = append(out, n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		until := now.Add(lease).UTC().Format(timeFormat)
		for _, n := range out {
			if err := t.exec(`UPDATE notifications SET next_attempt = ? WHERE id = ?`, until, n.Key); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	subs, err := db.WatchedSubscriptions(ctx)
	if err != nil {
		return nil, err
	}
	secrets := map[string]string{}
	for _, s := range subs {
		secrets[s.ID] = s.Secret
	}
	for i := range out {
		out[i].Secret = secrets[out[i].SubscriptionID]
	}
	return out, nil
}

// RecordAttempt implements coord.Outbox.
func (db *DB) RecordAttempt(ctx context.Context, key string, a coord.Attempt) error {
	const op = "store.RecordAttempt"
	delivered, next := "", ""
	switch a.Status {
	case coord.DeliveryDelivered:
		delivered = a.At.UTC().Format(timeFormat)
	case coord.DeliveryPending:
		next = a.Next.UTC().Format(timeFormat)
	case coord.DeliveryFailed:
	default:
		return lifeline.Errorf(lifeline.EINVALID, op, "status: expected delivered, pending or failed, found %q", a.Status)
	}
	msg := a.Error
	if len(msg) > 500 {
		msg = msg[:500]
	}
	return db.update(ctx, op, func(t *tx) error {
		return t.exec(`UPDATE notifications SET status = ?, attempts = attempts + 1, next_attempt = ?, last_status = ?, last_error = ?, delivered = ? WHERE id = ? AND status = ?`,
			a.Status, next, a.HTTPStatus, msg, delivered, key, coord.DeliveryPending)
	})
}
