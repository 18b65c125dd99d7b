package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"

	"lifeline/coord"
	"lifeline/ledger"
)

// Received events are stored once. An event of another instance is a row
// of the log at a position of its own, in its origin's exact bytes and
// signature, with the origin's fingerprint in the column origin; the rows
// of one received batch follow one event this instance signs, of type
// coord.EventBatchReceived, whose payload (attestation) gives their number
// and a digest of what they hold. The instance's chain runs through its
// own events only: the event after a batch's rows names the batch event's
// hash as its previous, and its sequence number is the position after
// them (ledger.Chain.Skip). So the log still numbers everything the
// instance holds, in the order it arrived, and this instance's signature
// still covers every byte of it — one signature a batch instead of one a
// received event, and each received event's bytes written once instead of
// twice (inside a wrapper, in base64).

// attestation is the payload of a coord.EventBatchReceived event.
type attestation struct {
	// Count is the number of received events that follow the event, at
	// the positions after its own.
	Count int64 `json:"count"`
	// Digest is the hex SHA-256 of, for each of them in order, the line
	// "ORIGIN HASH SIG\n": the origin's fingerprint, the hex SHA-256 of
	// the event's bytes and the origin's signature in hex.
	Digest string `json:"digest"`
}

// attest adds one received event to a digest (attestation.Digest).
func attest(h hash.Hash, origin, hash string, sig []byte) {
	b := make([]byte, 0, len(origin)+len(hash)+2*len(sig)+3)
	b = append(b, origin...)
	b = append(b, ' ')
	b = append(b, hash...)
	b = append(b, ' ')
	b = hex.AppendEncode(b, sig)
	h.Write(append(b, '\n'))
}

// batchMarking is the marking of the event that attests received events
// marked ms: it reveals each of them (coord.Derive), so that coord.CanSee
// shows it only to a reader who may see every one of them.
func batchMarking(ms []string, decoded map[string]coord.Marking) coord.Marking {
	seen := map[string]bool{}
	var distinct []coord.Marking
	for _, k := range ms {
		if !seen[k] {
			seen[k] = true
			distinct = append(distinct, decoded[k])
		}
	}
	return coord.Derive(coord.Marking{TLP: coord.TLPClear, Author: "instance"}, distinct...)
}

// walker checks the log row by row, in order: this instance's events
// through its chain, the received events each against the batch event
// before them. It is what Verify, CheckTail, Rebuild and Restore read the
// log with.
type walker struct {
	c *ledger.Chain
	// The batch event being read: its position, the number of received
	// events it attests and how many are still to be read, its digest and
	// the digest of those read.
	batch, count, left int64
	want               string
	sum                hash.Hash
}

func newWalker(c *ledger.Chain) *walker { return &walker{c: c} }

// after starts the walk after r, trusted for its hash (ledger.ChainAfter):
// when r is a batch event, the received events after it are checked
// against it.
func (w *walker) after(pub []byte, r row) error {
	w.c = ledger.ChainAfter(pub, ledger.Record{Seq: r.Seq, Hash: r.Hash})
	e, err := ledger.Decode(r.Body)
	if err != nil {
		return &ledger.VerifyError{Seq: r.Seq, Reason: fmt.Sprintf("signed bytes do not decode: %v", err)}
	}
	if e.Type == coord.EventBatchReceived {
		return w.start(r.Seq, e.Payload)
	}
	return nil
}

func (w *walker) start(seq int64, payload []byte) error {
	var a attestation
	if err := json.Unmarshal(payload, &a); err != nil || a.Count < 1 || len(a.Digest) != 64 {
		return &ledger.VerifyError{Seq: seq, Reason: "the batch event's payload is not a number of events and a digest"}
	}
	w.batch, w.count, w.left, w.want, w.sum = seq, a.Count, a.Count, a.Digest, sha256.New()
	return nil
}

// next checks r as the row after those before and returns the event it
// holds, with its sequence number here (a received event's bytes carry
// its origin's).
func (w *walker) next(r row) (ledger.Event, error) {
	bad := func(format string, args ...any) (ledger.Event, error) {
		return ledger.Event{}, &ledger.VerifyError{Seq: r.Seq, Reason: fmt.Sprintf(format, args...)}
	}
	if r.Origin == "" {
		if w.left > 0 {
			return bad("an event of this instance where the batch event %d attests %d more received events", w.batch, w.left)
		}
		if err := w.c.Next(r.Record); err != nil {
			return ledger.Event{}, err
		}
		e, err := ledger.Decode(r.Body)
		if err != nil {
			return ledger.Event{}, err
		}
		if e.Type == coord.EventBatchReceived {
			if err := w.start(r.Seq, e.Payload); err != nil {
				return ledger.Event{}, err
			}
		}
		return e, nil
	}
	if w.left == 0 {
		return bad("an event of the instance %s that no batch event of this instance attests", short(r.Origin))
	}
	if want := w.batch + w.count - w.left + 1; r.Seq != want {
		return bad("out of order: expected event %d, received in the batch event %d", want, w.batch)
	}
	if h := ledger.Hash(r.Body); h != r.Hash {
		return bad("stored bytes hash to %s, not the recorded %s", h, r.Hash)
	}
	e, err := ledger.Decode(r.Body)
	if err != nil {
		return bad("the received bytes do not decode: %v", err)
	}
	if e.Type == coord.EventReceived || e.Type == coord.EventBatchReceived {
		return bad("an event of type %s does not travel", e.Type)
	}
	e.Seq = r.Seq
	attest(w.sum, r.Origin, r.Hash, r.Sig)
	if w.left--; w.left == 0 {
		if got := hex.EncodeToString(w.sum.Sum(nil)); got != w.want {
			return ledger.Event{}, &ledger.VerifyError{Seq: w.batch, Reason: fmt.Sprintf(
				"the received events %d to %d are not the ones it attests (their origins, hashes and signatures digest to %s, not %s)",
				w.batch+1, r.Seq, short(got), short(w.want))}
		}
		w.c.Skip(w.count)
	}
	return e, nil
}

// end checks that the walk did not stop inside a batch.
func (w *walker) end() error {
	if w.left > 0 {
		return &ledger.VerifyError{Seq: w.batch + w.count - w.left + 1, Reason: fmt.Sprintf(
			"missing: the batch event %d attests %d received events, the log holds %d", w.batch, w.count, w.count-w.left)}
	}
	return nil
}

// Len returns the positions walked.
func (w *walker) Len() int64 { return w.c.Len() }

// lastLocal returns the position and hash of the last event this
// instance signed at or before seq (through the index events_local).
func lastLocal(ctx context.Context, q querier, dbq func(string) string, seq int64) (int64, string, error) {
	var at int64
	var h string
	err := q.QueryRowContext(ctx, dbq(`SELECT seq, hash FROM events WHERE origin = '' AND seq <= ? ORDER BY seq DESC LIMIT 1`), seq).Scan(&at, &h)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	return at, h, err
}

// hashAt returns the hash a head naming position seq names: that of the
// last event this instance signed at or before it, provided the log holds
// seq ("" when it does not).
func (db *DB) hashAt(ctx context.Context, seq int64) (string, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM events WHERE seq = ?`), seq).Scan(&n); err != nil || n == 0 {
		return "", err
	}
	_, h, err := lastLocal(ctx, db.read, db.q, seq)
	return h, err
}
