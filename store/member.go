package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"lifeline"
	"lifeline/coord"
)

// CreateMember implements coord.MemberService.
func (db *DB) CreateMember(ctx context.Context, v coord.Viewer, m *coord.Member) (string, error) {
	const op = "store.CreateMember"
	var token string
	err := db.update(ctx, op, func(t *tx) error {
		var err error
		token, err = createMember(t, v, m)
		return err
	})
	return token, err
}

func createMember(t *tx, v coord.Viewer, m *coord.Member) (string, error) {
	const op = "store.CreateMember"
	if err := coord.CanAddMember(v, m.OrgID, m.Role); err != nil {
		return "", err
	}
	if err := m.Validate(); err != nil {
		return "", err
	}
	var n int
	if err := t.queryRow(`SELECT COUNT(*) FROM orgs WHERE id = ?`, m.OrgID).Scan(&n); err != nil {
		return "", err
	}
	if n == 0 {
		return "", lifeline.Errorf(lifeline.ENOTFOUND, op, "org: no such organisation %q", m.OrgID)
	}
	id, err := t.db.newID("mem")
	if err != nil {
		return "", err
	}
	m.ID, m.Created = id, t.now
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	mk := coord.Marking{TLP: coord.TLPAmber, Org: m.OrgID, Author: m.ID}
	if err := t.emit(coord.EventMemberCreated, m.ID, v, mk, b); err != nil {
		return "", err
	}
	token, hash, err := t.db.newToken()
	if err != nil {
		return "", err
	}
	if err := t.exec(`INSERT INTO tokens (hash, member_id, created) VALUES (?, ?, ?)`, hash, m.ID, t.now.Format(timeFormat)); err != nil {
		return "", err
	}
	return token, nil
}

// FindMemberByID implements coord.MemberService.
func (db *DB) FindMemberByID(ctx context.Context, v coord.Viewer, id string) (*coord.Member, error) {
	return findMember(ctx, db, nil, "store.FindMemberByID", v, id)
}

// findMember reads a member through q (a write transaction, or nil for the
// read pool) and hides it unless the viewer is of its organisation or an
// instance admin.
func findMember(ctx context.Context, db *DB, q querier, op string, v coord.Viewer, id string) (*coord.Member, error) {
	var doc string
	var row *sql.Row
	if q == nil {
		row = db.readRow(ctx, `SELECT doc FROM members WHERE id = ?`, id)
	} else {
		row = q.QueryRowContext(ctx, db.q(`SELECT doc FROM members WHERE id = ?`), id)
	}
	err := row.Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "member")
	}
	if err != nil {
		return nil, internal(op, err)
	}
	var m coord.Member
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		return nil, internal(op, err)
	}
	if v.Anonymous() || (v.OrgID != m.OrgID && v.Role != coord.RoleInstanceAdmin) {
		return nil, notFound(op, "member")
	}
	return &m, nil
}

// FindMembers implements coord.MemberService. Members are listed by
// their organisation's index, in the order they were added; the cursor
// is the sequence number of the event that added the last one shown.
func (db *DB) FindMembers(ctx context.Context, v coord.Viewer, orgID string, f coord.ListFilter) (coord.Page[*coord.Member], error) {
	const op = "store.FindMembers"
	page := coord.Page[*coord.Member]{Items: []*coord.Member{}}
	if _, err := findDoc(ctx, db, nil, op, "orgs", "organisation", orgID, v, orgMarking); err != nil {
		return page, err
	}
	if err := coord.CanListMembers(v, orgID); err != nil {
		return page, err
	}
	after, err := cursor(op, f.After)
	if err != nil {
		return page, err
	}
	limit := f.PageSize()
	rows, err := db.readRows(ctx, `SELECT ord, doc FROM members WHERE org_id = ? AND ord > ? ORDER BY ord LIMIT ?`, orgID, after, limit+1)
	if err != nil {
		return page, internal(op, err)
	}
	defer rows.Close()
	var lastOrd int64
	for rows.Next() {
		var ord int64
		var doc string
		if err := rows.Scan(&ord, &doc); err != nil {
			return page, internal(op, err)
		}
		if len(page.Items) == limit {
			page.Next = strconv.FormatInt(lastOrd, 10)
			break
		}
		var m coord.Member
		if err := json.Unmarshal([]byte(doc), &m); err != nil {
			return page, internal(op, err)
		}
		page.Items = append(page.Items, &m)
		lastOrd = ord
	}
	return page, internal(op, rows.Err())
}

// Tokens are credentials of this instance, not shared history: issuing
// and revoking them writes the table tokens, outside the log, through the
// same durable write path as events. Rebuild leaves the table alone, so a
// revocation survives it; a backup holds only the tokens still valid.

// IssueToken implements coord.MemberService.
func (db *DB) IssueToken(ctx context.Context, v coord.Viewer, memberID string) (string, error) {
	const op = "store.IssueToken"
	var token string
	err := db.update(ctx, op, func(t *tx) error {
		m, err := findMember(t.ctx, db, t, op, v, memberID)
		if err != nil {
			return err
		}
		if err := coord.CanManageTokens(v, m); err != nil {
			return err
		}
		tok, hash, err := db.newToken()
		if err != nil {
			return err
		}
		if err := t.exec(`INSERT INTO tokens (hash, member_id, created) VALUES (?, ?, ?)`, hash, m.ID, t.now.Format(timeFormat)); err != nil {
			return err
		}
		token = tok
		return nil
	})
	return token, err
}

// RevokeTokens implements coord.MemberService.
func (db *DB) RevokeTokens(ctx context.Context, v coord.Viewer, memberID string) error {
	const op = "store.RevokeTokens"
	err := db.update(ctx, op, func(t *tx) error {
		m, err := findMember(t.ctx, db, t, op, v, memberID)
		if err != nil {
			return err
		}
		if err := coord.CanManageTokens(v, m); err != nil {
			return err
		}
		if err := t.exec(`DELETE FROM tokens WHERE member_id = ?`, m.ID); err != nil {
			return err
		}
		// Other processes sharing the database see the epoch change.
		return t.exec(`UPDATE revocations SET epoch = epoch + 1 WHERE id = 1`)
	})
	if err == nil {
		// After the commit: a cache that saw the old number before it
		// looked a token up cannot keep a revoked token's answer.
		db.revocations.Add(1)
	}
	return err
}

// Revocations implements coord.MemberService. The number changes at once
// with a revocation made through this store, and within
// EpochInterval with one made by another process sharing the database
// (another server on the same PostgreSQL, or the command line): a
// watcher reads the database's revocation epoch that often.
func (db *DB) Revocations() uint64 { return db.revocations.Load() + db.epoch.Load() }

// EpochInterval is how often a store reads the revocation epoch that
// every process sharing its database increases.
const EpochInterval = 200 * time.Millisecond

// watchEpoch keeps db.epoch at the database's revocation epoch until ctx
// ends.
func (db *DB) watchEpoch(ctx context.Context) {
	t := time.NewTicker(EpochInterval)
	defer t.Stop()
	for {
		var e int64
		if err := db.read.QueryRowContext(ctx, `SELECT epoch FROM revocations WHERE id = 1`).Scan(&e); err == nil && e >= 0 {
			db.epoch.Store(uint64(e))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Authenticate implements coord.MemberService.
func (db *DB) Authenticate(ctx context.Context, token string) (coord.Viewer, error) {
	const op = "store.Authenticate"
	var v coord.Viewer
	var role string
	err := db.readRow(ctx, `SELECT m.id, m.org_id, m.role, o.verified FROM tokens t
		JOIN members m ON m.id = t.member_id JOIN orgs o ON o.id = m.org_id WHERE t.hash = ?`, HashToken(token)).
		Scan(&v.MemberID, &v.OrgID, &role, &v.OrgVerified)
	if errors.Is(err, sql.ErrNoRows) {
		return coord.Viewer{}, lifeline.Errorf(lifeline.ENOTFOUND, op, "unknown token")
	}
	if err != nil {
		return coord.Viewer{}, internal(op, err)
	}
	v.Role = coord.Role(role)
	return v, nil
}
