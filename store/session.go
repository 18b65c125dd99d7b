package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"lifeline"
)

// Web sessions are kept in the database, so that a visitor's session
// works on every server of an instance. A session's row is found by a
// hash of its id (the random value of the visitor's cookie) and holds the
// member's bearer token sealed (AES-256-GCM) with a key derived from that
// id: the database never holds the id, so a copy of it does not give the
// tokens of the sessions away.

// maxSessionID bounds the session ids the store takes: the web interface
// draws 43 characters.
const maxSessionID = 200

func sessionRow(id string) string {
	h := sha256.Sum256([]byte("lifeline-session-id\n" + id))
	return hex.EncodeToString(h[:])
}

func sessionAEAD(id string) (cipher.AEAD, error) {
	k := sha256.Sum256([]byte("lifeline-session-key\n" + id))
	b, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// PutSession keeps a session under id: the member's token, their name
// and when it expires. It drops expired sessions.
func (db *DB) PutSession(ctx context.Context, id, token, name string, expires time.Time) error {
	const op = "store.PutSession"
	if id == "" || len(id) > maxSessionID {
		return lifeline.Errorf(lifeline.EINVALID, op, "session id: expected 1 to %d bytes, found %d", maxSessionID, len(id))
	}
	aead, err := sessionAEAD(id)
	if err != nil {
		return internal(op, err)
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := io.ReadFull(db.Rand, nonce); err != nil {
		return internal(op, fmt.Errorf("session nonce: %w", err))
	}
	row := sessionRow(id)
	sealed := aead.Seal(nonce, nonce, []byte(token), []byte(row))
	return db.update(ctx, op, func(t *tx) error {
		if err := t.exec(`DELETE FROM sessions WHERE expires < ? OR id = ?`, t.now.Format(timeFormat), row); err != nil {
			return err
		}
		return t.exec(`INSERT INTO sessions (id, token, name, expires) VALUES (?, ?, ?, ?)`, row, sealed, name, expires.UTC().Format(timeFormat))
	})
}

// GetSession returns the session kept under id; ok is false for an
// unknown or expired one.
func (db *DB) GetSession(ctx context.Context, id string) (token, name string, expires time.Time, ok bool, err error) {
	const op = "store.GetSession"
	if id == "" || len(id) > maxSessionID {
		return "", "", time.Time{}, false, nil
	}
	row := sessionRow(id)
	var sealed []byte
	var exp string
	err = db.readRow(ctx, `SELECT token, name, expires FROM sessions WHERE id = ?`, row).Scan(&sealed, &name, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", time.Time{}, false, nil
	}
	if err != nil {
		return "", "", time.Time{}, false, internal(op, err)
	}
	expires, err = time.Parse(timeFormat, exp)
	if err != nil || !db.Now().Before(expires) {
		return "", "", time.Time{}, false, nil
	}
	aead, err := sessionAEAD(id)
	if err != nil {
		return "", "", time.Time{}, false, internal(op, err)
	}
	if len(sealed) < aead.NonceSize() {
		return "", "", time.Time{}, false, nil
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], []byte(row))
	if err != nil {
		return "", "", time.Time{}, false, nil // not sealed for this id: no session
	}
	return string(plain), name, expires, true, nil
}

// DeleteSession forgets the session under id.
func (db *DB) DeleteSession(ctx context.Context, id string) error {
	return db.update(ctx, "store.DeleteSession", func(t *tx) error {
		return t.exec(`DELETE FROM sessions WHERE id = ?`, sessionRow(id))
	})
}

// DeriveKey returns a 32-byte key for purpose derived from the instance
// key (HMAC-SHA-256), the same in every process serving the instance:
// e.g. the key of the web interface's CSRF tokens, so that a form
// rendered by one server is accepted by another.
func (db *DB) DeriveKey(ctx context.Context, purpose string) ([]byte, error) {
	k, err := db.instanceKey(ctx, db.read)
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha256.New, k.Seed())
	mac.Write([]byte("lifeline derived key\n" + purpose))
	return mac.Sum(nil), nil
}
