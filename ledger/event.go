package ledger

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"lifeline"
	"lifeline/coord"
)

// Event is one change, as it is signed.
type Event struct {
	Seq     int64           `json:"seq"`     // 1 for the first event, then +1
	Time    time.Time       `json:"time"`    // UTC
	Type    string          `json:"type"`    // e.g. "incident.created"
	Author  string          `json:"author"`  // member id
	Org     string          `json:"org"`     // organisation id
	Subject string          `json:"subject"` // the id of the item changed
	Marking coord.Marking   `json:"marking"` // who may read this event
	Prev    string          `json:"prev"`    // hex SHA-256 of the previous event's bytes, "" for the first
	Payload json.RawMessage `json:"payload"` // the item after the change
}

// Record is a sealed event as stored: its canonical bytes, their hash and
// the signature over them.
type Record struct {
	Seq  int64
	Body []byte // the canonical bytes, exactly as signed
	Hash string // hex SHA-256 of Body
	Sig  []byte // Ed25519 over SigningPrefix + Body
}

// SigningPrefix separates Lifeline's signatures from any other use of the
// same key.
const SigningPrefix = "lifeline-ledger-v1\n"

// MaxBody bounds the canonical bytes of one event.
const MaxBody = 4 << 20

// GenerateKey returns a new instance key read from rand.
func GenerateKey(rand io.Reader) (ed25519.PrivateKey, error) {
	_, priv, err := ed25519.GenerateKey(rand)
	if err != nil {
		return nil, fmt.Errorf("generate instance key: %w", err)
	}
	return priv, nil
}

// Seal sets e.Seq and e.Prev from the previous record (nil for the first
// event), encodes e into its canonical bytes and signs them with key. The
// canonical bytes are the JSON encoding of Event with fields in the order
// declared, the time in UTC, the payload compacted, and no trailing
// newline; they are computed once, here.
func Seal(key ed25519.PrivateKey, prev *Record, e Event) (Record, error) {
	r, err := encode(prev, e)
	if err != nil {
		return Record{}, err
	}
	r.Sig = ed25519.Sign(key, signed(r.Body))
	return r, nil
}

// encode is Seal without the signature.
func encode(prev *Record, e Event) (Record, error) {
	const op = "ledger.Seal"
	e.Seq, e.Prev = 1, ""
	if prev != nil {
		e.Seq, e.Prev = prev.Seq+1, prev.Hash
	}
	e.Time = e.Time.UTC()
	if e.Type == "" {
		return Record{}, lifeline.Errorf(lifeline.EINVALID, op, "event has no type")
	}
	if len(e.Payload) == 0 {
		e.Payload = json.RawMessage("null")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, e.Payload); err != nil {
		return Record{}, lifeline.Errorf(lifeline.EINVALID, op, "payload of %s: %v", e.Type, err)
	}
	e.Payload = buf.Bytes()
	body, err := json.Marshal(e)
	if err != nil {
		return Record{}, &lifeline.Error{Code: lifeline.EINTERNAL, Op: op, Message: "encode event", Err: err}
	}
	if len(body) > MaxBody {
		return Record{}, lifeline.Errorf(lifeline.EINVALID, op, "event of %d bytes is larger than %d", len(body), MaxBody)
	}
	return Record{Seq: e.Seq, Body: body, Hash: Hash(body)}, nil
}

// Hash returns the hex SHA-256 of body.
func Hash(body []byte) string {
	h := sha256.Sum256(body)
	return hex.EncodeToString(h[:])
}

func signed(body []byte) []byte {
	return append([]byte(SigningPrefix), body...)
}

// Decode parses the canonical bytes of an event. It is for reading; it
// does not verify (see Chain).
//
// It reads as encoding/json does (its options, jsonv1.DefaultOptionsV1),
// an unknown field refused, through github.com/go-json-experiment/json,
// several times faster: every event is decoded where it is read, sent and
// received, and no log or peer's event verified before reads differently
// now (FuzzDecode compares the two).
func Decode(body []byte) (Event, error) {
	var e Event
	if err := jsonv2.Unmarshal(body, &e, decodeOptions); err != nil {
		return Event{}, lifeline.Errorf(lifeline.EINVALID, "ledger.Decode", "event: %v", err)
	}
	return e, nil
}

var decodeOptions = jsonv2.JoinOptions(jsonv1.DefaultOptionsV1(), jsonv2.RejectUnknownMembers(true))
