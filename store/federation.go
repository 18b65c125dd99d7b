package store

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"lifeline"
	"lifeline/coord"
	"lifeline/federation"
	"lifeline/ledger"
)

var _ federation.Service = (*DB)(nil)

// Logs written before received events were stored once (received.go)
// kept each inside an event of this instance's own, of type
// coord.EventReceived, whose payload is the origin's exact bytes and
// signature (received). They are still read: sent on as the origin's
// event, and replayed as it.
type received struct {
	Origin string `json:"origin"` // fingerprint of the instance that wrote it
	Body   []byte `json:"body"`   // its canonical bytes (base64)
	Sig    []byte `json:"sig"`    // its origin's signature (base64)
}

func requireInstanceAdmin(op string, v coord.Viewer) error {
	if !v.Role.AtLeast(coord.RoleInstanceAdmin) {
		return lifeline.Errork(lifeline.EFORBIDDEN, op, "err.peer.admin", "managing peers is for instance administrators")
	}
	return nil
}

// Self implements federation.Service.
func (db *DB) Self(ctx context.Context) (ed25519.PublicKey, string, error) {
	pub, err := db.PublicKey(ctx)
	if err != nil {
		return nil, "", err
	}
	return pub, federation.Fingerprint(pub), nil
}

// AddPeer implements federation.Service.
func (db *DB) AddPeer(ctx context.Context, v coord.Viewer, p *federation.Peer) error {
	const op = "store.AddPeer"
	if err := requireInstanceAdmin(op, v); err != nil {
		return err
	}
	if len(p.Key) == ed25519.PublicKeySize && p.Fingerprint == "" {
		p.Fingerprint = federation.Fingerprint(p.Key)
	}
	if err := p.Validate(); err != nil {
		return err
	}
	_, self, err := db.Self(ctx)
	if err != nil {
		return err
	}
	if p.Fingerprint == self {
		return lifeline.Errork(lifeline.EINVALID, op, "err.peer.self", "key: this is this instance's own key; a peer is another instance")
	}
	slices.Sort(p.Orgs)
	p.Orgs = slices.Compact(p.Orgs)
	return db.update(ctx, op, func(t *tx) error {
		var n int
		if err := t.queryRow(`SELECT COUNT(*) FROM peers WHERE fingerprint = ?`, p.Fingerprint).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return lifeline.Errork(lifeline.ECONFLICT, op, "err.peer.known", "a peer with this key (%s) is already known", federation.ShortFingerprint(p.Key))
		}
		if err := t.checkHosted(op, p); err != nil {
			return err
		}
		p.Added = t.now
		doc, err := json.Marshal(p)
		if err != nil {
			return err
		}
		return t.exec(`INSERT INTO peers (fingerprint, doc) VALUES (?, ?)`, p.Fingerprint, string(doc))
	})
}

// checkHosted refuses a peer said to host an organisation this instance
// hosts, or one another peer hosts: an organisation lives in one place.
func (t *tx) checkHosted(op string, p *federation.Peer) error {
	for _, o := range p.Orgs {
		var local int
		if err := t.queryRow(`SELECT COUNT(*) FROM events WHERE subject = ? AND type = ? AND origin = ''`, o, coord.EventOrgCreated).Scan(&local); err != nil {
			return err
		}
		if local > 0 {
			return lifeline.Errork(lifeline.EINVALID, op, "err.peer.org.ours", "orgs: %s is an organisation of this instance, not of the peer", o)
		}
	}
	peers, err := t.db.peers(t.ctx, t.Tx)
	if err != nil {
		return err
	}
	for _, q := range peers {
		if q.Fingerprint == p.Fingerprint {
			continue
		}
		for _, o := range p.Orgs {
			if slices.Contains(q.Orgs, o) {
				return lifeline.Errork(lifeline.EINVALID, op, "err.peer.org.hosted", "orgs: %s is hosted by the peer %q already", o, q.Name)
			}
		}
	}
	return nil
}

// peers reads every peer through q.
func (db *DB) peers(ctx context.Context, q querier) ([]*federation.PeerStatus, error) {
	rows, err := q.QueryContext(ctx, `SELECT doc, pulled, ranges, last_contact, received, refused, last_error, exported FROM peers`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*federation.PeerStatus
	for rows.Next() {
		var doc, ranges, contact string
		ps := &federation.PeerStatus{}
		if err := rows.Scan(&doc, &ps.Pulled, &ranges, &contact, &ps.Received, &ps.Refused, &ps.LastError, &ps.Exported); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(doc), &ps.Peer); err != nil {
			return nil, fmt.Errorf("peer: %w", err)
		}
		if err := json.Unmarshal([]byte(ranges), &ps.Ahead); err != nil {
			return nil, fmt.Errorf("peer %s ranges: %w", ps.Fingerprint, err)
		}
		if contact != "" {
			ps.LastContact, _ = time.Parse(timeFormat, contact)
		}
		out = append(out, ps)
	}
	slices.SortStableFunc(out, func(a, b *federation.PeerStatus) int { return a.Added.Compare(b.Added) })
	return out, rows.Err()
}

// FindPeers implements federation.Service.
func (db *DB) FindPeers(ctx context.Context, v coord.Viewer) ([]*federation.PeerStatus, error) {
	const op = "store.FindPeers"
	if err := requireInstanceAdmin(op, v); err != nil {
		return nil, err
	}
	ps, err := db.peers(ctx, db.read)
	return ps, internal(op, err)
}

// UpdatePeer implements federation.Service.
func (db *DB) UpdatePeer(ctx context.Context, v coord.Viewer, p *federation.Peer) (*federation.PeerStatus, error) {
	const op = "store.UpdatePeer"
	if err := requireInstanceAdmin(op, v); err != nil {
		return nil, err
	}
	var out *federation.PeerStatus
	err := db.update(ctx, op, func(t *tx) error {
		peers, err := db.peers(t.ctx, t.Tx)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(peers, func(q *federation.PeerStatus) bool { return q.Fingerprint == p.Fingerprint })
		if i < 0 {
			return notFound(op, "peer")
		}
		old := peers[i]
		if !old.Key.Equal(p.Key) {
			return lifeline.Errork(lifeline.EINVALID, op, "err.peer.key.change", "key: a peer's key cannot change; remove the peer and add it again with the new key")
		}
		p.Added = old.Added
		slices.Sort(p.Orgs)
		p.Orgs = slices.Compact(p.Orgs)
		if err := p.Validate(); err != nil {
			return err
		}
		if err := t.checkHosted(op, p); err != nil {
			return err
		}
		doc, err := json.Marshal(p)
		if err != nil {
			return err
		}
		if err := t.exec(`UPDATE peers SET doc = ? WHERE fingerprint = ?`, string(doc), p.Fingerprint); err != nil {
			return err
		}
		old.Peer = *p
		out = old
		return nil
	})
	return out, err
}

// RemovePeer implements federation.Service.
func (db *DB) RemovePeer(ctx context.Context, v coord.Viewer, fingerprint string) error {
	const op = "store.RemovePeer"
	if err := requireInstanceAdmin(op, v); err != nil {
		return err
	}
	return db.update(ctx, op, func(t *tx) error {
		res, err := t.ExecContext(t.ctx, db.q(`DELETE FROM peers WHERE fingerprint = ?`), fingerprint)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return notFound(op, "peer")
		}
		return nil
	})
}

// PeerKey implements federation.Service.
func (db *DB) PeerKey(ctx context.Context, fingerprint string) (ed25519.PublicKey, bool) {
	var doc string
	if err := db.readRow(ctx, `SELECT doc FROM peers WHERE fingerprint = ?`, fingerprint).Scan(&doc); err != nil {
		return nil, false
	}
	var p federation.Peer
	if json.Unmarshal([]byte(doc), &p) != nil || p.Suspended || federation.Fingerprint(p.Key) != fingerprint {
		return nil, false
	}
	return p.Key, true
}

// hosts returns where organisations and members live, for MayReceive.
func (db *DB) hosts(ctx context.Context, peers []*federation.PeerStatus) (federation.Hosts, error) {
	members := map[string]string{}
	rows, err := db.readRows(ctx, `SELECT id, org_id FROM members`)
	if err != nil {
		return federation.Hosts{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, org string
		if err := rows.Scan(&id, &org); err != nil {
			return federation.Hosts{}, err
		}
		members[id] = org
	}
	if err := rows.Err(); err != nil {
		return federation.Hosts{}, err
	}
	rows.Close()
	if rows, err = db.readRows(ctx, `SELECT member_id, org_id FROM peer_members`); err != nil {
		return federation.Hosts{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, org string
		if err := rows.Scan(&id, &org); err != nil {
			return federation.Hosts{}, err
		}
		if _, ok := members[id]; !ok {
			members[id] = org
		}
	}
	ps := make([]federation.Peer, len(peers))
	for i, p := range peers {
		ps[i] = p.Peer
	}
	return federation.NewHosts(ps, members), rows.Err()
}

// maxScan bounds the positions one Outgoing call reads beyond four per
// event asked for, so that a peer that may receive little of a long log
// still gets quick answers.
const maxScan = 20000

// MaxOutgoing bounds the events of one outgoing batch (an offline bundle
// of a long log is written in several).
const MaxOutgoing = 100000

// Outgoing implements federation.Service.
func (db *DB) Outgoing(ctx context.Context, to string, since int64, limit int) ([]byte, int64, error) {
	const op = "store.Outgoing"
	if since < 0 {
		return nil, 0, lifeline.Errorf(lifeline.EINVALID, op, "since: expected a position of 0 or more, found %d", since)
	}
	if limit <= 0 {
		limit = coord.DefaultPageSize
	}
	limit = min(limit, MaxOutgoing)
	key, err := db.instanceKey(ctx, db.read)
	if err != nil {
		return nil, 0, err
	}
	self := federation.Fingerprint(key.Public().(ed25519.PublicKey))
	peers, err := db.peers(ctx, db.read)
	if err != nil {
		return nil, 0, internal(op, err)
	}
	i := slices.IndexFunc(peers, func(p *federation.PeerStatus) bool { return p.Fingerprint == to })
	if i < 0 || peers[i].Suspended {
		return nil, 0, lifeline.Errorf(lifeline.EFORBIDDEN, op, "%s is not a peer of this instance, or it is suspended", to)
	}
	peer := peers[i].Peer
	hosts, err := db.hosts(ctx, peers)
	if err != nil {
		return nil, 0, internal(op, err)
	}
	b := federation.Batch{Recipient: to, Created: db.Now(), Since: since, Until: since}
	keys := map[string]bool{}
	addKey := func(fp string) error {
		if keys[fp] {
			return nil
		}
		keys[fp] = true
		if fp == self {
			b.Keys = append(b.Keys, federation.OriginKey{Fingerprint: self, Key: key.Public().(ed25519.PublicKey)})
			return nil
		}
		var k []byte
		if err := db.readRow(ctx, `SELECT key FROM origin_keys WHERE fingerprint = ?`, fp).Scan(&k); err != nil {
			return fmt.Errorf("key of origin %s: %w", fp, err)
		}
		b.Keys = append(b.Keys, federation.OriginKey{Fingerprint: fp, Key: k})
		return nil
	}
	rows, err := db.readRows(ctx, `SELECT seq, type, body, sig, origin FROM events WHERE seq > ? ORDER BY seq LIMIT ?`, since, max(maxScan, 4*limit))
	if err != nil {
		return nil, 0, internal(op, err)
	}
	defer rows.Close()
	// Rows are read a chunk at a time and decoded on every core (outgoing
	// reads the signed bytes of each), then taken in order.
	chunk := make([]outRow, 0, outChunk)
	take := func() error {
		if len(b.Events) == limit {
			return nil
		}
		decodeOut(chunk, self, to)
		for _, r := range chunk {
			if len(b.Events) == limit {
				return nil
			}
			if r.err != nil {
				return fmt.Errorf("event %d: %w", r.seq, r.err)
			}
			b.Until = r.seq
			if r.listing != nil {
				b.Directory = append(b.Directory, *r.listing)
			}
			// A change from elsewhere goes to the instance it is
			// addressed to whatever its marking says; elsewhere as the
			// marking allows.
			if r.echo || r.skip || addressee(r.ev.Type, r.ev.Payload) != to && !federation.MayReceive(peer, r.ev.Marking, hosts) {
				continue
			}
			if err := addKey(r.origin); err != nil {
				return err
			}
			b.Events = append(b.Events, federation.Entry{Pos: r.seq, Origin: r.origin, Body: r.body, Sig: r.sig})
		}
		chunk = chunk[:0]
		return nil
	}
	for rows.Next() && len(b.Events) < limit {
		var r outRow
		if err := rows.Scan(&r.seq, &r.typ, &r.body, &r.sig, &r.origin); err != nil {
			return nil, 0, internal(op, err)
		}
		if chunk = append(chunk, r); len(chunk) == outChunk {
			if err := take(); err != nil {
				return nil, 0, internal(op, err)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, internal(op, err)
	}
	if err := take(); err != nil {
		return nil, 0, internal(op, err)
	}
	wire, err := federation.SealWire(key, b)
	if err != nil {
		return nil, 0, err
	}
	return wire, b.Until, nil
}

// outChunk is how many rows Outgoing decodes at once.
const outChunk = 256

// outRow is one row of the log as Outgoing reads it and decodeOut
// prepares it.
type outRow struct {
	seq       int64
	typ       string
	body, sig []byte
	// origin is read with the row for a received event ("" for this
	// instance's own); decodeOut sets it to this instance's otherwise.
	origin string
	// Set by decodeOut: the event that travels (the origin's, for a
	// received one), a directory entry, whether it would go back to the
	// peer it came from, whether it never travels (this instance's
	// attestation of a received batch), or why it cannot be read.
	ev      ledger.Event
	listing *federation.Listing
	echo    bool
	skip    bool
	err     error
}

// decodeOut decodes rows on every core: the marking is read from the
// signed bytes, never from a column.
func decodeOut(rows []outRow, self, to string) {
	parts := min(runtime.GOMAXPROCS(0), max(1, len(rows)/32))
	var wg sync.WaitGroup
	for p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := p * len(rows) / parts; i < (p+1)*len(rows)/parts; i++ {
				rows[i].decode(self, to)
			}
		}()
	}
	wg.Wait()
}

func (r *outRow) decode(self, to string) {
	if r.origin != "" {
		// Received and stored once: its origin's bytes and signature.
		if r.origin == to {
			r.echo = true // never echo a peer's own events back to it
			return
		}
		r.ev, r.err = ledger.Decode(r.body)
		return
	}
	r.origin = self
	if r.ev, r.err = ledger.Decode(r.body); r.err != nil {
		return
	}
	switch r.ev.Type {
	case coord.EventBatchReceived:
		// What it attests travels, each event on its own; the
		// attestation is this instance's record of what it received.
		r.skip = true
	case coord.EventMemberCreated:
		// The directory lists every member created here by id and
		// organisation; the member's record itself travels only as its
		// marking allows.
		var m coord.Member
		if r.err = json.Unmarshal(r.ev.Payload, &m); r.err == nil {
			r.listing = &federation.Listing{Member: m.ID, Org: m.OrgID}
		}
	case coord.EventReceived:
		// The wrapper is this instance's; what travels is the origin's
		// event inside it, with the origin's signature.
		var w received
		if r.err = json.Unmarshal(r.ev.Payload, &w); r.err != nil {
			return
		}
		if w.Origin == to {
			r.echo = true // never echo a peer's own events back to it
			return
		}
		r.origin, r.body, r.sig = w.Origin, w.Body, w.Sig
		r.ev, r.err = ledger.Decode(r.body)
	}
}

// MarkExported implements federation.Service.
func (db *DB) MarkExported(ctx context.Context, peer string, until int64) error {
	const op = "store.MarkExported"
	return db.update(ctx, op, func(t *tx) error {
		return t.exec(`UPDATE peers SET exported = ? WHERE fingerprint = ? AND exported < ?`, until, peer, until)
	})
}

// ahead holds batches verified before Receive is asked to apply them
// (VerifyAhead), by content address, with the sender's key they verified
// with.
type ahead struct {
	mu sync.Mutex
	m  map[string]aheadBatch
}

type aheadBatch struct {
	v   *federation.Verified
	key ed25519.PublicKey
}

// maxAhead bounds the batches VerifyAhead keeps.
const maxAhead = 8

// VerifyAhead verifies a batch as Receive does (federation.Open), without
// applying anything, and keeps the result for the Receive of the same
// bytes: a client verifies the next page on every core while the last one
// is applied. Receive still checks, then, that the sender is a peer with
// the same key, neither removed nor suspended. A batch that does not
// verify is not kept; Receive says why.
func (db *DB) VerifyAhead(ctx context.Context, wire []byte) {
	// Not db.open: the bytes are not sought among those kept (hashing a
	// page of a megabyte or more again for it).
	v, key, err := db.verify(ctx, wire)
	if err != nil {
		return
	}
	db.keep([]*federation.Verified{v}, []ed25519.PublicKey{key})
}

// keep keeps verified batches for the Receive of the same bytes.
func (db *DB) keep(vs []*federation.Verified, keys []ed25519.PublicKey) {
	db.ahead.mu.Lock()
	defer db.ahead.mu.Unlock()
	for i, v := range vs {
		if db.ahead.m == nil || len(db.ahead.m) >= maxAhead {
			db.ahead.m = map[string]aheadBatch{}
		}
		db.ahead.m[v.ID] = aheadBatch{v: v, key: keys[i]}
	}
}

// open verifies a batch whole (federation.Open), or takes it as
// VerifyAhead verified it if its sender is still a peer with that key.
func (db *DB) open(ctx context.Context, wire []byte) (*federation.Verified, ed25519.PublicKey, error) {
	sum := sha256.Sum256(wire)
	db.ahead.mu.Lock()
	a, ok := db.ahead.m[hex.EncodeToString(sum[:])]
	if ok {
		delete(db.ahead.m, a.v.ID)
	}
	db.ahead.mu.Unlock()
	if ok {
		if k, ok := db.PeerKey(ctx, a.v.Sender); ok && k.Equal(a.key) {
			return a.v, a.key, nil
		}
	}
	return db.verify(ctx, wire)
}

// verify verifies a batch whole (federation.Open) and returns its
// sender's key.
func (db *DB) verify(ctx context.Context, wire []byte) (*federation.Verified, ed25519.PublicKey, error) {
	_, self, err := db.Self(ctx)
	if err != nil {
		return nil, nil, err
	}
	var key ed25519.PublicKey
	v, err := federation.Open(wire, self, func(fp string) (ed25519.PublicKey, bool) {
		k, ok := db.PeerKey(ctx, fp)
		key = k
		return k, ok
	})
	return v, key, err
}

// Receive implements federation.Service.
func (db *DB) Receive(ctx context.Context, wire []byte) (*federation.Received, error) {
	const op = "store.Receive"
	_, self, err := db.Self(ctx)
	if err != nil {
		return nil, err
	}
	v, _, err := db.open(ctx, wire)
	if err != nil {
		db.refused(ctx, wire, err)
		return nil, err
	}
	out := &federation.Received{}
	err = db.update(ctx, op, func(t *tx) error { return t.receive(op, self, v, out) })
	if err != nil {
		db.refused(ctx, wire, err)
		return nil, err
	}
	return out, nil
}

// ReceiveAll receives batches one after the other, as many calls of
// Receive would, in one transaction while none is refused: the commit's
// fixed cost, and its write of the pages of the log's indexes that the
// batches' events share, paid once. A client that holds the next pages of
// a pull already applies them together. When a batch does not open, or
// the transaction fails, the batches are received again one at a time
// (Receive), up to the first that fails: its error is returned with the
// results of those before it.
func (db *DB) ReceiveAll(ctx context.Context, wires [][]byte) ([]*federation.Received, error) {
	const op = "store.Receive"
	one := func() ([]*federation.Received, error) {
		var outs []*federation.Received
		for _, w := range wires {
			r, err := db.Receive(ctx, w)
			if err != nil {
				return outs, err
			}
			outs = append(outs, r)
		}
		return outs, nil
	}
	if len(wires) < 2 {
		return one()
	}
	_, self, err := db.Self(ctx)
	if err != nil {
		return nil, err
	}
	vs := make([]*federation.Verified, len(wires))
	keys := make([]ed25519.PublicKey, len(wires))
	for i, w := range wires {
		v, key, err := db.open(ctx, w)
		if err != nil {
			// Receive opens them again and says which fails and why;
			// those already opened are kept for it.
			db.keep(vs[:i], keys[:i])
			return one()
		}
		vs[i], keys[i] = v, key
	}
	outs := make([]*federation.Received, len(wires))
	err = db.update(ctx, op, func(t *tx) error {
		for i, v := range vs {
			outs[i] = &federation.Received{}
			if err := t.receive(op, self, v, outs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.keep(vs, keys)
		return one()
	}
	return outs, nil
}

// receive applies one verified batch in t, filling out.
func (t *tx) receive(op, self string, v *federation.Verified, out *federation.Received) error {
	*out = federation.Received{ID: v.ID, Sender: v.Sender, Since: v.Since, Until: v.Until}
	var n int
	if err := t.queryRow(`SELECT COUNT(*) FROM bundles WHERE id = ?`, v.ID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		out.Repeated = true
		return nil
	}
	for _, k := range v.Keys {
		if err := t.exec(`INSERT INTO origin_keys (fingerprint, key) VALUES (?, ?) ON CONFLICT (fingerprint) DO NOTHING`, k.Fingerprint, k.Key); err != nil {
			return err
		}
	}
	if err := t.directory(v.Sender, v.Directory); err != nil {
		if lifeline.ErrorCode(err) == lifeline.EINTERNAL {
			return err
		}
		return lifeline.Errorf(lifeline.EINVALID, op, "batch from %s: %s; nothing of the batch was applied", short(v.Sender), lifeline.ErrorMessage(err))
	}
	in, err := newInbox(t, self, v)
	if err != nil {
		return err
	}
	for i, ev := range v.Events {
		entry := v.Batch.Events[i]
		applied, err := in.receive(entry, ev)
		var why refusal
		if err != nil && !errors.As(err, &why) && !errors.As(err, new(*lifeline.Error)) {
			return err // the database's, not the batch's
		}
		if err != nil {
			reason := lifeline.ErrorMessage(err)
			if why != "" {
				reason = string(why)
			}
			return lifeline.Errorf(lifeline.EINVALID, op, "batch from %s, event at position %d (origin %s, event %d): %s; nothing of the batch was applied",
				short(v.Sender), entry.Pos, short(entry.Origin), ev.Seq, reason)
		}
		if applied {
			out.Applied++
		} else {
			out.Skipped++
		}
	}
	if err := in.flush(); err != nil {
		return err
	}
	// The records of the coverage of offers this instance wrote follow
	// the offers the batch changed (store/offercoverage.go).
	if err := followOffers(t, changedOffers(v.Events)); err != nil {
		return err
	}
	out.Decided, out.Answered = in.decided, in.answered
	if err := t.advance(v.Sender, v.Since, v.Until, int64(out.Applied)); err != nil {
		return err
	}
	return t.exec(`INSERT INTO bundles (id, sender, imported) VALUES (?, ?, ?)`, v.ID, v.Sender, t.now.Format(timeFormat))
}

// refused counts a refused batch against its sender, when the sender is
// a peer.
func (db *DB) refused(ctx context.Context, wire []byte, reason error) {
	var b struct {
		Sender string `json:"sender"`
	}
	_, rest, _ := cutLine(wire)
	line, _, _ := cutLine(rest)
	if json.Unmarshal(line, &b) != nil || b.Sender == "" {
		return
	}
	_ = db.update(context.WithoutCancel(ctx), "store.refused", func(t *tx) error {
		return t.exec(`UPDATE peers SET refused = refused + 1, last_error = ? WHERE fingerprint = ?`, lifeline.ErrorMessage(reason), b.Sender)
	})
}

func cutLine(b []byte) (line, rest []byte, ok bool) {
	for i, c := range b {
		if c == '\n' {
			return b[:i], b[i+1:], true
		}
	}
	return b, nil, false
}

// directory records the members a sender lists, each of an organisation
// the sender hosts (as this instance's record of the peer says).
func (t *tx) directory(sender string, ls []federation.Listing) error {
	if len(ls) == 0 {
		return nil
	}
	var doc string
	if err := t.queryRow(`SELECT doc FROM peers WHERE fingerprint = ?`, sender).Scan(&doc); err != nil {
		return err
	}
	var p federation.Peer
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return err
	}
	peers, err := t.db.peers(t.ctx, t.Tx)
	if err != nil {
		return err
	}
	for i, l := range ls {
		if !slices.Contains(p.Orgs, l.Org) {
			// An organisation this instance does not know the sender to
			// host tells it nothing it can use — unless it lives here or
			// at another peer, which the sender cannot speak for.
			if err := t.owns(sender, l.Org); err != nil {
				return fmt.Errorf("directory[%d] lists the member %s of the organisation %s: %v", i, l.Member, l.Org, err)
			}
			for _, q := range peers {
				if q.Fingerprint != sender && slices.Contains(q.Orgs, l.Org) {
					return fmt.Errorf("directory[%d] lists the member %s of the organisation %s, which the peer %q hosts", i, l.Member, l.Org, q.Name)
				}
			}
			continue
		}
		if err := t.exec(`INSERT INTO peer_members (member_id, org_id, peer) VALUES (?, ?, ?) ON CONFLICT (member_id) DO NOTHING`, l.Member, l.Org, sender); err != nil {
			return err
		}
	}
	return nil
}

// owns refuses an event of origin about subject when this instance wrote
// that item, or another origin did: an item is changed only where it was
// written.
func (t *tx) owns(origin, subject string) error {
	if subject == "" || subject == "instance" {
		return nil
	}
	var local int
	if err := t.queryRow(`SELECT COUNT(*) FROM events WHERE subject = ? AND type NOT IN (?, ?, ?) AND origin = ''`,
		subject, coord.EventReceived, coord.EventChangeProposed, coord.EventChangeDecided).Scan(&local); err != nil {
		return err
	}
	if local > 0 {
		return fmt.Errorf("it changes %s, which this instance wrote", subject)
	}
	var other string
	switch err := t.queryRow(`SELECT origin FROM received_items WHERE subject = ? AND origin <> ? LIMIT 1`, subject, origin).Scan(&other); {
	case err == nil:
		return fmt.Errorf("it changes %s, which %s wrote", subject, short(other))
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	return nil
}

// advance records that the sender's positions (since, until] arrived:
// Pulled moves up to the end of what arrived without a gap, the rest is
// kept as ranges ahead.
func (t *tx) advance(sender string, since, until, applied int64) error {
	var pulled int64
	var ranges string
	if err := t.queryRow(`SELECT pulled, ranges FROM peers WHERE fingerprint = ?`, sender).Scan(&pulled, &ranges); err != nil {
		return err
	}
	var ahead []federation.Range
	if err := json.Unmarshal([]byte(ranges), &ahead); err != nil {
		return err
	}
	pulled, ahead = merge(pulled, ahead, federation.Range{From: since, To: until})
	b, err := json.Marshal(ahead)
	if err != nil {
		return err
	}
	return t.exec(`UPDATE peers SET pulled = ?, ranges = ?, last_contact = ?, received = received + ?, last_error = '' WHERE fingerprint = ?`,
		pulled, string(b), t.now.Format(timeFormat), applied, sender)
}

// merge adds r to the ranges ahead of pulled and moves pulled over every
// range that now joins it.
func merge(pulled int64, ahead []federation.Range, r federation.Range) (int64, []federation.Range) {
	if r.To > r.From || r.From <= pulled {
		ahead = append(ahead, r)
	}
	slices.SortFunc(ahead, func(a, b federation.Range) int { return cmp.Compare(a.From, b.From) })
	var out []federation.Range
	for _, a := range ahead {
		switch {
		case a.From <= pulled:
			pulled = max(pulled, a.To)
		case len(out) > 0 && a.From <= out[len(out)-1].To:
			out[len(out)-1].To = max(out[len(out)-1].To, a.To)
		default:
			out = append(out, a)
		}
	}
	// Ranges that the moved cursor now reaches join it too.
	for len(out) > 0 && out[0].From <= pulled {
		pulled = max(pulled, out[0].To)
		out = out[1:]
	}
	if out == nil {
		out = []federation.Range{}
	}
	return pulled, out
}

// SigningKey returns the instance's signing key, for the federation
// client that signs its requests to peers with it. It never leaves the
// process.
func (db *DB) SigningKey(ctx context.Context) (ed25519.PrivateKey, error) {
	return db.instanceKey(ctx, db.read)
}

// Position returns the position of the newest event of this instance's
// log (0 when it is empty): what a notification to peers announces.
func (db *DB) Position(ctx context.Context) (int64, error) {
	var n sql.NullInt64
	if err := db.readRow(ctx, `SELECT MAX(seq) FROM events`).Scan(&n); err != nil {
		return 0, internal("store.Position", err)
	}
	return n.Int64, nil
}
