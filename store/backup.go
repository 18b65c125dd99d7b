package store

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"

	"lifeline"
	"lifeline/ledger"
)

// BackupFormat names the backup format, the first line of every backup.
const BackupFormat = "lifeline-backup-v1"

// backupLine is one line of a backup: JSON with exactly one of its fields.
type backupLine struct {
	Format   string          `json:"format,omitempty"`
	Instance *backupInstance `json:"instance,omitempty"`
	Head     *ledger.Head    `json:"head,omitempty"`
	Event    *backupEvent    `json:"event,omitempty"`
	Token    *backupToken    `json:"token,omitempty"`
}

type backupInstance struct {
	PrivateKey   []byte `json:"private_key"`
	Endorsements int    `json:"endorsements"`
	Created      string `json:"created"`
}

type backupEvent struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
	Body []byte `json:"body"`
	Sig  []byte `json:"sig"`
	// Origin is the fingerprint of the instance that signed a received
	// event (absent for this instance's own), attested by the batch event
	// before it.
	Origin string `json:"origin,omitempty"`
}

type backupToken struct {
	Hash     string `json:"hash"`
	MemberID string `json:"member_id"`
	Created  string `json:"created"`
}

// Backup writes the instance (its key included: keep backups as secret as
// the database), the whole log and the token hashes to w as JSON lines.
// State tables are not written: Restore rebuilds them from the log. The
// format is the same for every database kind, so a backup of a SQLite
// store restores into PostgreSQL and back.
func (db *DB) Backup(ctx context.Context, w io.Writer) error {
	const op = "store.Backup"
	// One read transaction, so the log and the tokens agree.
	rtx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return internal(op, err)
	}
	defer rtx.Rollback()
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	if err := enc.Encode(backupLine{Format: BackupFormat}); err != nil {
		return err
	}
	var in backupInstance
	if err := rtx.QueryRowContext(ctx, `SELECT private_key, endorsements, created FROM instance WHERE id = 1`).Scan(&in.PrivateKey, &in.Endorsements, &in.Created); err != nil {
		return internal(op, fmt.Errorf("read instance: %w", err))
	}
	if err := enc.Encode(backupLine{Instance: &in}); err != nil {
		return err
	}
	// The signed head before the events: a backup cut short loses events
	// from its end, and the restore sees that they are missing.
	var head ledger.Head
	if err := rtx.QueryRowContext(ctx, `SELECT seq, hash, sig FROM head WHERE id = 1`).Scan(&head.Seq, &head.Hash, &head.Sig); err != nil {
		return internal(op, fmt.Errorf("read the signed head: %w", err))
	}
	if head.Seq >= 0 {
		if err := enc.Encode(backupLine{Head: &head}); err != nil {
			return err
		}
	}
	err = records(ctx, db.q, rtx.QueryContext, 0, func(r row) error {
		return enc.Encode(backupLine{Event: &backupEvent{Seq: r.Seq, Hash: r.Hash, Body: r.Body, Sig: r.Sig, Origin: r.Origin}})
	})
	if err != nil {
		return internal(op, err)
	}
	rows, err := rtx.QueryContext(ctx, `SELECT hash, member_id, created FROM tokens ORDER BY hash`)
	if err != nil {
		return internal(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var t backupToken
		if err := rows.Scan(&t.Hash, &t.MemberID, &t.Created); err != nil {
			return internal(op, err)
		}
		if err := enc.Encode(backupLine{Token: &t}); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return internal(op, err)
	}
	return bw.Flush()
}

// Restore reads a backup into an empty store, verifying every event with
// the backup's key, and rebuilds the state tables from the log. It
// returns ECONFLICT for a store that is already initialised and EINVALID
// (naming the line) for a bad backup, and changes nothing on error.
func (db *DB) Restore(ctx context.Context, r io.Reader) (int64, error) {
	const op = "store.Restore"
	var chain *ledger.Chain
	var walk *walker
	err := db.update(ctx, op, func(t *tx) error {
		var n int
		if err := t.queryRow(`SELECT COUNT(*) FROM instance`).Scan(&n); err != nil {
			return err
		}
		if n > 0 || t.head != nil {
			return lifeline.Errorf(lifeline.ECONFLICT, op, "the store is not empty; restore into a new database")
		}
		var head *ledger.Head
		var headHash string // the restored hash of the event head names
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 2*ledger.MaxBody)
		line := 0
		bad := func(format string, args ...any) error {
			return lifeline.Errorf(lifeline.EINVALID, op, "backup line %d: %s", line, fmt.Sprintf(format, args...))
		}
		for sc.Scan() {
			line++
			var l backupLine
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				return bad("%v", err)
			}
			switch {
			case line == 1:
				if l.Format != BackupFormat {
					return bad("expected format %q, found %q", BackupFormat, l.Format)
				}
			case l.Instance != nil:
				if chain != nil || len(l.Instance.PrivateKey) != ed25519.PrivateKeySize {
					return bad("a second or malformed instance key")
				}
				key := ed25519.PrivateKey(l.Instance.PrivateKey)
				if err := t.exec(`INSERT INTO instance (id, private_key, public_key, endorsements, created) VALUES (1, ?, ?, ?, ?)`,
					[]byte(key), []byte(key.Public().(ed25519.PublicKey)), l.Instance.Endorsements, l.Instance.Created); err != nil {
					return err
				}
				chain = ledger.NewChain(key.Public().(ed25519.PublicKey))
				walk = newWalker(chain)
			case l.Head != nil:
				if chain == nil || head != nil || chain.Len() > 0 {
					return bad("a signed head that is not the one line between the instance key and the events")
				}
				if !l.Head.Verify(chain.Key()) {
					return bad("the signed head does not verify with the backup's key")
				}
				head = l.Head
			case l.Event != nil:
				if chain == nil {
					return bad("an event before the instance key")
				}
				rec := ledger.Record{Seq: l.Event.Seq, Hash: l.Event.Hash, Body: l.Event.Body, Sig: l.Event.Sig}
				e, err := walk.next(row{Record: rec, Origin: l.Event.Origin})
				if err != nil {
					return bad("%v", err)
				}
				if err := insertEvent(t.ctx, t.Tx, db, rec, e, l.Event.Origin); err != nil {
					return err
				}
				if err := t.apply(e); err != nil {
					return err
				}
				// The commit signs the restored log's head: its last
				// position and the hash of the last event signed here.
				t.head = &ledger.Record{Seq: rec.Seq, Hash: chain.Head()}
				if head != nil && rec.Seq == head.Seq {
					headHash = chain.Head()
				}
			case l.Token != nil:
				if err := t.exec(`INSERT INTO tokens (hash, member_id, created) VALUES (?, ?, ?)`, l.Token.Hash, l.Token.MemberID, l.Token.Created); err != nil {
					return bad("%v", err)
				}
			default:
				return bad("unknown line")
			}
		}
		if err := sc.Err(); err != nil {
			return bad("%v", err)
		}
		if chain == nil {
			return lifeline.Errorf(lifeline.EINVALID, op, "backup has no instance")
		}
		if err := walk.end(); err != nil {
			return lifeline.Errorf(lifeline.EINVALID, op, "backup: %v", err)
		}
		if head != nil && head.Seq > 0 && headHash != head.Hash {
			if chain.Len() < head.Seq {
				return lifeline.Errorf(lifeline.EINVALID, op, "the backup ends at event %d but its signed head names event %d: it was cut short; take another backup", chain.Len(), head.Seq)
			}
			return lifeline.Errorf(lifeline.EINVALID, op, "event %d of the backup is not the one its signed head names", head.Seq)
		}
		return nil
	})
	db.mu.Lock()
	db.key = nil
	db.mu.Unlock()
	if err != nil {
		return 0, err
	}
	return chain.Len(), nil
}

// SQL returns the database handle that writes, for administration tools
// and tests that must reach below the services (e.g. to show that
// verification catches a tampered row).
func (db *DB) SQL() *sql.DB { return db.write }
