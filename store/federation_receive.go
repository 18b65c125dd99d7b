package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"lifeline/coord"
	"lifeline/federation"
	"lifeline/ledger"
)

// An inbox applies one received batch inside its write transaction. What
// the checks of every event need — the chain of each origin around the
// batch's events, who wrote each item the batch names — is read once for
// the whole batch, then kept up to date in memory as events are
// accepted. Accepted events are appended together (flush): their
// wrappers sealed in one go, their signatures made on every core
// (ledger.SealAll), the rows inserted several at a time.
type inbox struct {
	t    *tx
	self string
	// chain holds, per origin, the hash and prev of every event held
	// around the batch's sequence numbers.
	chain map[string]map[int64]link
	// local are the items this instance wrote; owners the origins whose
	// received events wrote each item.
	local  map[string]bool
	owners map[string][]string

	pending []accepted
	// decided and answered count the changes decided here and the
	// outcomes of changes proposed here (federation.Received).
	decided, answered int
}

type link struct{ hash, prev string }

type accepted struct {
	entry federation.Entry
	ev    ledger.Event
	hash  string
}

func newInbox(t *tx, self string, v *federation.Verified) (*inbox, error) {
	in := &inbox{t: t, self: self, chain: map[string]map[int64]link{}, local: map[string]bool{}, owners: map[string][]string{}}
	lo, hi := map[string]int64{}, map[string]int64{}
	subjects := map[string]bool{}
	for i, ev := range v.Events {
		o := v.Batch.Events[i].Origin
		if l, ok := lo[o]; !ok || ev.Seq < l {
			lo[o] = ev.Seq
		}
		hi[o] = max(hi[o], ev.Seq)
		if !isChange(ev.Type) && ev.Subject != "" && ev.Subject != "instance" {
			subjects[ev.Subject] = true
		}
		if ev.Type == coord.EventMemberCreated {
			var m coord.Member
			if json.Unmarshal(ev.Payload, &m) == nil && m.OrgID != "" {
				subjects[m.OrgID] = true
			}
		}
	}
	for o := range lo {
		in.chain[o] = map[int64]link{}
		rows, err := t.QueryContext(t.ctx, t.db.q(`SELECT seq, hash, prev FROM received WHERE origin = ? AND seq >= ? AND seq <= ?`), o, lo[o]-1, hi[o]+1)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var seq int64
			var l link
			if err := rows.Scan(&seq, &l.hash, &l.prev); err != nil {
				rows.Close()
				return nil, err
			}
			in.chain[o][seq] = l
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	list := make([]string, 0, len(subjects))
	for s := range subjects {
		list = append(list, s)
	}
	// The subjects are asked for subjectsPerQuery at a time, the last
	// part filled up with its first subject again, so that the query is
	// always the same one, prepared once a transaction: parsing it was a
	// third of its cost.
	marks := strings.TrimSuffix(strings.Repeat("?, ", subjectsPerQuery), ", ")
	for len(list) > 0 {
		part := list[:min(len(list), subjectsPerQuery)]
		list = list[len(part):]
		args := make([]any, 0, 2*subjectsPerQuery+3)
		for i := range subjectsPerQuery {
			args = append(args, part[i%len(part)])
		}
		// One query for both: this instance's events about each subject
		// (origin '') and the received ones, stored once in the log or,
		// before migration 0015, recorded in received (the view
		// received_items) — each subject sought once in the log's index
		// by subject instead of twice.
		args = append(args, coord.EventReceived, coord.EventChangeProposed, coord.EventChangeDecided)
		args = append(args, args[:subjectsPerQuery]...)
		rows, err := t.queryPrepared(`SELECT subject, origin FROM events WHERE subject IN (`+marks+`) AND type NOT IN (?, ?, ?)
			UNION SELECT subject, origin FROM received WHERE subject IN (`+marks+`) AND subject <> ''`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var s, o string
			if err := rows.Scan(&s, &o); err != nil {
				rows.Close()
				return nil, err
			}
			if o == "" {
				in.local[s] = true
			} else {
				in.owners[s] = append(in.owners[s], o)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return in, nil
}

// subjectsPerQuery is how many subjects newInbox asks for in one query.
const subjectsPerQuery = 250

// refusal is why an event of a batch is refused, in words for people:
// Receive shows it (an error of the database stays internal).
type refusal string

func (r refusal) Error() string { return string(r) }

func refuse(format string, args ...any) error { return refusal(fmt.Sprintf(format, args...)) }

// owns is tx.owns from what the inbox read: it refuses an event of origin
// about subject when this instance wrote that item, or another origin did.
func (in *inbox) owns(origin, subject string) error {
	if subject == "" || subject == "instance" {
		return nil
	}
	if in.local[subject] {
		return refuse("it changes %s, which this instance wrote", subject)
	}
	for _, o := range in.owners[subject] {
		if o != origin {
			return refuse("it changes %s, which %s wrote", subject, short(o))
		}
	}
	return nil
}

// receive takes one verified event of another origin, unless it is this
// instance's own or already here. It refuses an event that forks its
// origin's chain as far as this instance knows it, or that changes an item
// another instance wrote. A change proposed to an item this instance keeps
// is decided at once, after what came before it is applied.
func (in *inbox) receive(entry federation.Entry, ev ledger.Event) (bool, error) {
	if entry.Origin == in.self {
		return false, nil
	}
	chain := in.chain[entry.Origin]
	if _, have := chain[ev.Seq]; have {
		return false, nil
	}
	hash := ledger.Hash(entry.Body)
	if before, ok := chain[ev.Seq-1]; ok && before.hash != ev.Prev {
		return false, refuse("its origin's chain forks: it follows %s, but event %d held here is %s", ev.Prev, ev.Seq-1, before.hash)
	}
	if after, ok := chain[ev.Seq+1]; ok && after.prev != hash {
		return false, refuse("its origin's chain forks: event %d held here follows %s, not this event", ev.Seq+1, after.prev)
	}
	if ev.Type == coord.EventReceived || ev.Type == coord.EventBatchReceived || ev.Type == coord.EventInstanceCreated && ev.Seq != 1 {
		return false, refuse("an event of type %s does not travel", ev.Type)
	}
	var change *coord.Change
	subject := ev.Subject
	if isChange(ev.Type) {
		// A change names an item it does not change: its origin need not
		// keep the item, and the item's owner is not recorded from it.
		var err error
		if change, err = checkChange(entry.Origin, ev.Type, ev.Subject, ev.Payload); err != nil {
			return false, refuse("%v", err)
		}
		subject = ""
	} else if err := in.owns(entry.Origin, ev.Subject); err != nil {
		return false, err
	}
	if ev.Type == coord.EventMemberCreated {
		var m coord.Member
		if err := json.Unmarshal(ev.Payload, &m); err != nil {
			return false, refuse("the member does not decode: %v", err)
		}
		if err := in.owns(entry.Origin, m.OrgID); err != nil {
			return false, refuse("the member's organisation: %v", err)
		}
	}
	if ev.Type == coord.EventOfferCoverage {
		if err := checkOfferCoverage(ev); err != nil {
			return false, refuse("%v", err)
		}
	}
	chain[ev.Seq] = link{hash: hash, prev: ev.Prev}
	if subject != "" && subject != "instance" && !in.local[subject] && len(in.owners[subject]) == 0 {
		in.owners[subject] = []string{entry.Origin}
	}
	in.pending = append(in.pending, accepted{entry: entry, ev: ev, hash: hash})
	if change != nil && ev.Type == coord.EventChangeDecided && change.From == in.self {
		in.answered++
	}
	if change != nil && ev.Type == coord.EventChangeProposed && change.To == in.self {
		if err := in.flush(); err != nil {
			return false, err
		}
		in.decided++
		return true, in.t.decide(change)
	}
	return true, nil
}

// flush appends the events accepted so far to the log — one event of
// this instance that attests them (coord.EventBatchReceived), then each
// in its origin's bytes and signature at the positions after it —,
// applies them, and records them as received.
func (in *inbox) flush() error {
	if len(in.pending) == 0 {
		return nil
	}
	t := in.t
	key, err := t.db.instanceKey(t.ctx, t.Tx)
	if err != nil {
		return err
	}
	sum := sha256.New()
	mks := make([]string, len(in.pending))
	decoded := map[string]coord.Marking{}
	for i, a := range in.pending {
		attest(sum, a.entry.Origin, a.hash, a.entry.Sig)
		mk, err := json.Marshal(a.ev.Marking)
		if err != nil {
			return err
		}
		mks[i] = string(mk)
		if _, ok := decoded[mks[i]]; !ok {
			decoded[mks[i]] = a.ev.Marking
		}
	}
	payload, err := json.Marshal(attestation{Count: int64(len(in.pending)), Digest: hex.EncodeToString(sum.Sum(nil))})
	if err != nil {
		return err
	}
	batch := ledger.Event{Time: t.now, Type: coord.EventBatchReceived, Author: "instance",
		Marking: batchMarking(mks, decoded), Payload: payload}
	rec, err := ledger.Seal(key, t.head, batch)
	if err != nil {
		return err
	}
	batch.Seq = rec.Seq
	if err := insertEvent(t.ctx, t.Tx, t.db, rec, batch, ""); err != nil {
		return err
	}
	// The log's rows, then each event's projection, then the records in
	// received; the rows many to a statement (insertRows).
	// On SQLite, the log's rows take the rowids after the batch event's,
	// checked after: a statement of several rows that gives an INTEGER
	// PRIMARY KEY keeps a statement journal whatever its conflict clause.
	rowid := t.db.dialect.Name == "sqlite"
	rows := make([][]any, len(in.pending))
	for i, a := range in.pending {
		rows[i] = []any{rec.Seq + 1 + int64(i), a.hash, a.entry.Body, a.entry.Sig, a.ev.Type, a.ev.Subject, a.ev.Time.Format(timeFormat), mks[i], a.entry.Origin}
		if rowid {
			rows[i] = rows[i][1:]
		}
	}
	cols := `events (seq, hash, body, sig, type, subject, time, marking, origin)`
	if rowid {
		cols = `events (hash, body, sig, type, subject, time, marking, origin)`
	}
	last, err := t.insertRows(cols, rows)
	if err != nil {
		return err
	}
	if want := rec.Seq + int64(len(rows)); rowid && last != want {
		return fmt.Errorf("the received events were written at positions up to %d, not %d", last, want)
	}
	for i, a := range in.pending {
		// The event applies as its origin wrote it, ordered where it
		// arrived.
		inner := a.ev
		inner.Seq = rec.Seq + 1 + int64(i)
		if err := t.applyMarked(inner, mks[i]); err != nil {
			return err
		}
		// Its subject is the log's (the view received_items).
		rows[i] = []any{a.entry.Origin, a.ev.Seq, a.hash, a.ev.Prev, "", inner.Seq}
	}
	if _, err := t.insertRows(`received (origin, seq, hash, prev, subject, local_seq)`, rows); err != nil {
		return err
	}
	// The head: the last position, and the hash of the batch event, which
	// the next event of this instance names as its previous.
	t.head = &ledger.Record{Seq: rec.Seq + int64(len(in.pending)), Hash: rec.Hash}
	in.pending = in.pending[:0]
	return nil
}

// rowsPerInsert is how many rows one INSERT of insertRows takes.
const rowsPerInsert = 64

// insertRows inserts rows into table (its name and columns, as an INSERT
// names them), rowsPerInsert at a time: one statement for many rows spares
// the driver's and the database's cost per statement (a received batch's
// transaction a fifth of its time, on SQLite). There the statement is
// INSERT OR FAIL: one that may stop after some of its rows with the
// default ABORT makes SQLite copy every page it changes to a statement
// journal first, to undo that statement alone; FAIL keeps the rows before
// a failing one, which is no different here, since a failure fails the
// write and its transaction or savepoint is rolled back whole. (Rows that
// give their INTEGER PRIMARY KEY still take a statement journal, which is
// why flush leaves the log's positions to SQLite's rowids.)
//
// It returns the rowid of the last row, where the database tells it
// (SQLite).
func (t *tx) insertRows(table string, rows [][]any) (int64, error) {
	verb := "INSERT INTO "
	if t.db.dialect.Name == "sqlite" {
		verb = "INSERT OR FAIL INTO "
	}
	var last int64
	for len(rows) > 0 {
		part := rows[:min(len(rows), rowsPerInsert)]
		rows = rows[len(part):]
		one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(part[0])), ", ") + ")"
		args := make([]any, 0, len(part)*len(part[0]))
		for _, r := range part {
			args = append(args, r...)
		}
		res, err := t.execResult(verb+table+" VALUES "+strings.TrimSuffix(strings.Repeat(one+", ", len(part)), ", "), args...)
		if err != nil {
			return 0, err
		}
		last, _ = res.LastInsertId()
	}
	return last, nil
}
