package api

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"lifeline"
	"lifeline/coord"
)

// The event feed hides the log's sequence numbers. The gaps between the
// numbers of the events a reader may see would count the events it may
// not see — the volume of others' hidden work — so the feed's events
// carry no sequence number, and its cursor (next, then ?after=) is opaque
// and bound to the reader: a 16-byte block, the sequence number and a
// MAC of it and of the reader, encrypted with AES under the server's
// cursor key. A reader cannot read a position from it, nor use another
// reader's. The same position gives the same cursor, so a page's ETag
// stays the same while the page does.

// feedEvent is an event as the feed shows it.
type feedEvent struct {
	Time    time.Time       `json:"time"`
	Type    string          `json:"type"`
	Author  string          `json:"author"`
	Org     string          `json:"org"`
	Subject string          `json:"subject"`
	Marking coord.Marking   `json:"marking"`
	Payload json.RawMessage `json:"payload"`
	Hash    string          `json:"hash"`
}

// cursors seals and opens the feed's cursors.
type cursors struct {
	block cipher.Block
	mac   []byte
}

// newCursors derives the block cipher's key and the MAC's key from key.
func newCursors(key []byte) *cursors {
	k := sha256.Sum256(append([]byte("lifeline feed cursor block\n"), key...))
	b, _ := aes.NewCipher(k[:]) // a 32-byte key: AES-256 takes it
	m := sha256.Sum256(append([]byte("lifeline feed cursor mac\n"), key...))
	return &cursors{block: b, mac: m[:]}
}

func (c *cursors) tag(reader string, seq uint64) []byte {
	h := hmac.New(sha256.New, c.mac)
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seq)
	h.Write(b[:])
	h.Write([]byte(reader))
	return h.Sum(nil)[:8]
}

// seal returns the cursor of position seq for reader.
func (c *cursors) seal(reader string, seq int64) string {
	var p, out [16]byte
	binary.BigEndian.PutUint64(p[:8], uint64(seq))
	copy(p[8:], c.tag(reader, uint64(seq)))
	c.block.Encrypt(out[:], p[:])
	return base64.RawURLEncoding.EncodeToString(out[:])
}

// open returns the position of a cursor that seal made for reader.
func (c *cursors) open(reader, cursor string) (int64, bool) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(cursor)
	if err != nil || len(b) != 16 {
		return 0, false
	}
	var p [16]byte
	c.block.Decrypt(p[:], b)
	seq := binary.BigEndian.Uint64(p[:8])
	if !hmac.Equal(p[8:], c.tag(reader, seq)) || seq > 1<<62 {
		return 0, false
	}
	return int64(seq), true
}

// reader names whom a cursor is bound to.
func reader(v coord.Viewer) string {
	if v.Anonymous() {
		return ""
	}
	return "m:" + v.MemberID
}

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	// The feed takes a cursor, a page size and one item's subject; a
	// narrowing it does not take is refused, not silently ignored.
	if err := queryParams(r, "after", "limit", "subject"); err != nil {
		s.problem(w, r, v, err)
		return
	}
	q := r.URL.Query()
	var after int64
	if a := q.Get("after"); a != "" && a != "0" {
		n, ok := s.cursors.open(reader(v), a)
		if !ok {
			s.problem(w, r, v, lifeline.Errorf(lifeline.EINVALID, "", "after: expected the \"next\" of a page of this feed read with the same token (or none), found %q", trunc(a)))
			return
		}
		after = n
	}
	f, err := listFilter(r)
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	var p coord.Page[*coord.Event]
	if q.Has("subject") {
		// One item's history, through the index of subjects.
		f.After = strconv.FormatInt(after, 10)
		p, err = s.svc.Events.FindEventsBySubject(r.Context(), v, q.Get("subject"), f)
	} else {
		p, err = s.svc.Events.FindEvents(r.Context(), v, after, f.Limit)
	}
	if err != nil {
		s.problem(w, r, v, err)
		return
	}
	out := coord.Page[feedEvent]{Items: make([]feedEvent, 0, len(p.Items))}
	for _, e := range p.Items {
		out.Items = append(out.Items, feedEvent{Time: e.Time, Type: e.Type, Author: e.Author, Org: e.Org,
			Subject: e.Subject, Marking: e.Marking, Payload: e.Payload, Hash: e.Hash})
	}
	if p.Next != "" {
		n, err := strconv.ParseInt(p.Next, 10, 64)
		if err != nil {
			s.problem(w, r, v, lifeline.Errorf(lifeline.EINTERNAL, "api", "event cursor %q", p.Next))
			return
		}
		out.Next = s.cursors.seal(reader(v), n)
	}
	s.writeJSON(w, r, http.StatusOK, out, "")
}
