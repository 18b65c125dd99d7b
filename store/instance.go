package store

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"lifeline"
	"lifeline/coord"
	"lifeline/ledger"
)

// Instance is what Init returns: the first organisation, its first member
// (an instance admin) and that member's token, shown once.
type Instance struct {
	OrgID    string `json:"org_id"`
	MemberID string `json:"member_id"`
	Token    string `json:"token"`
}

// Initialized reports whether the instance has a key.
func (db *DB) Initialized(ctx context.Context) (bool, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM instance`).Scan(&n); err != nil {
		return false, internal("store.Initialized", err)
	}
	return n > 0, nil
}

// Init creates the instance: its Ed25519 key, the first organisation
// (verified), and its first member, an instance admin named memberName.
// endorsements is how many verified organisations verify another by
// endorsing it (0 for coord.DefaultEndorsements). ECONFLICT if the
// instance exists.
func (db *DB) Init(ctx context.Context, orgName, memberName string, endorsements int) (*Instance, error) {
	const op = "store.Init"
	if endorsements <= 0 {
		endorsements = coord.DefaultEndorsements
	}
	key, err := ledger.GenerateKey(db.Rand)
	if err != nil {
		return nil, internal(op, err)
	}
	org := &coord.Org{Name: orgName, Kind: coord.OrgOther, Verified: true, VerifiedBy: "instance"}
	if err := org.Validate(); err != nil {
		return nil, err
	}
	var inst Instance
	err = db.update(ctx, op, func(t *tx) error {
		var n int
		if err := t.queryRow(`SELECT COUNT(*) FROM instance`).Scan(&n); err != nil {
			return err
		}
		if n > 0 || t.head != nil {
			return lifeline.Errorf(lifeline.ECONFLICT, op, "the instance is already initialised")
		}
		pub := key.Public().(ed25519.PublicKey)
		if err := t.exec(`INSERT INTO instance (id, private_key, public_key, endorsements, created) VALUES (1, ?, ?, ?, ?)`,
			[]byte(key), []byte(pub), endorsements, t.now.Format(timeFormat)); err != nil {
			return err
		}
		db.mu.Lock()
		db.key = key
		db.mu.Unlock()
		payload, _ := json.Marshal(map[string]any{"public_key": base64.StdEncoding.EncodeToString(pub), "endorsements": endorsements})
		m := coord.Marking{TLP: coord.TLPClear, Org: coord.System.OrgID, Author: coord.System.MemberID}
		if err := t.emit(coord.EventInstanceCreated, "instance", coord.System, m, payload); err != nil {
			return err
		}
		if err := createOrg(t, coord.System, org); err != nil {
			return err
		}
		mem := &coord.Member{OrgID: org.ID, Name: memberName, Role: coord.RoleInstanceAdmin}
		tok, err := createMember(t, coord.System, mem)
		if err != nil {
			return err
		}
		inst = Instance{OrgID: org.ID, MemberID: mem.ID, Token: tok}
		return nil
	})
	if err != nil {
		db.mu.Lock()
		db.key = nil
		db.mu.Unlock()
		return nil, err
	}
	return &inst, nil
}

// instanceKey returns the instance's signing key, read through q (a
// write transaction must pass itself: the write pool may have only the
// connection it holds); ECONFLICT before Init.
func (db *DB) instanceKey(ctx context.Context, q querier) (ed25519.PrivateKey, error) {
	db.mu.Lock()
	k := db.key
	db.mu.Unlock()
	if k != nil {
		return k, nil
	}
	var b []byte
	err := q.QueryRowContext(ctx, `SELECT private_key FROM instance WHERE id = 1`).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, lifeline.Errorf(lifeline.ECONFLICT, "store", "the instance is not initialised; run lifeline admin init")
	}
	if err != nil {
		return nil, internal("store.instanceKey", err)
	}
	if len(b) != ed25519.PrivateKeySize {
		return nil, lifeline.Errorf(lifeline.EINTERNAL, "store", "instance key has %d bytes", len(b))
	}
	db.mu.Lock()
	db.key = ed25519.PrivateKey(b)
	db.mu.Unlock()
	return ed25519.PrivateKey(b), nil
}

// PublicKey returns the instance's public key.
func (db *DB) PublicKey(ctx context.Context) (ed25519.PublicKey, error) {
	k, err := db.instanceKey(ctx, db.read)
	if err != nil {
		return nil, err
	}
	return k.Public().(ed25519.PublicKey), nil
}

func (db *DB) endorsements(t *tx) (int, error) {
	var n int
	err := t.queryRow(`SELECT endorsements FROM instance WHERE id = 1`).Scan(&n)
	return n, err
}

// newToken returns a fresh bearer token and its stored hash.
func (db *DB) newToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(db.Rand, b); err != nil {
		return "", "", fmt.Errorf("new token: %w", err)
	}
	token = "llt_" + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken returns the hex SHA-256 of a token, as stored.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

const timeFormat = "2006-01-02T15:04:05.000000000Z07:00"
