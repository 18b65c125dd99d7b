package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

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
	const op = "store.FindMemberByID"
	var doc string
	err := db.read.QueryRowContext(ctx, db.q(`SELECT doc FROM members WHERE id = ?`), id).Scan(&doc)
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
