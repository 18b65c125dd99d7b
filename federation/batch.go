package federation

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"lifeline"
	"lifeline/ledger"
)

// A batch carries events from one instance (the sender) to another (the
// recipient): the answer to a pull and an offline bundle are both batches,
// byte for byte. Its wire form is three lines:
//
//	lifeline-batch 1
//	{…the batch as one line of JSON…}
//	…base64 Ed25519 signature by the sender…
//
// The signature covers BatchSigningPrefix followed by the exact bytes of
// the JSON line, which are never re-encoded. A bundle file is the wire form
// compressed with gzip; its name is the hex SHA-256 of the wire form.
const (
	BatchHeader        = "lifeline-batch 1"
	BatchFormat        = "lifeline-batch"
	BatchVersion       = 1
	BatchSigningPrefix = "lifeline-batch-v1\n"
)

// MaxBatchBytes bounds a batch's wire form (after decompression), so that a
// hostile bundle cannot exhaust memory.
const MaxBatchBytes = 512 << 20

// Batch is what a sender attests to a recipient: "of the events at my
// positions Since (exclusive) to Until (inclusive), these are all that you
// may receive". Positions number every event the sender holds, its own and
// those it received, in the order it came to hold them.
type Batch struct {
	Format    string      `json:"format"`    // BatchFormat
	Version   int         `json:"version"`   // BatchVersion
	Sender    string      `json:"sender"`    // fingerprint of the signing instance
	Recipient string      `json:"recipient"` // fingerprint of the instance it is for
	Created   time.Time   `json:"created"`   // when it was made (UTC)
	Since     int64       `json:"since"`     // position after which it starts
	Until     int64       `json:"until"`     // last position it covers (≥ Since)
	Keys      []OriginKey `json:"keys"`      // the keys of the events' origins
	Events    []Entry     `json:"events"`    // in position order
	Directory []Listing   `json:"directory"` // members of the sender's organisations created in the range
}

// Listing is one entry of a sender's member directory: a member of an
// organisation it hosts, by id and organisation only, so that the
// recipient knows where a marking that names the member must go. Names and
// contacts do not travel this way.
type Listing struct {
	Member string `json:"member"`
	Org    string `json:"org"`
}

// OriginKey is the public key of an instance whose events a batch carries.
// The key is checked against the fingerprint, so the sender cannot
// substitute one.
type OriginKey struct {
	Fingerprint string `json:"fingerprint"`
	Key         []byte `json:"key"` // 32 bytes, base64 in JSON
}

// Entry is one event in a batch: its origin's canonical bytes and
// signature, unchanged since the origin sealed it.
type Entry struct {
	Pos    int64  `json:"pos"`    // the sender's position
	Origin string `json:"origin"` // fingerprint of the instance that wrote it
	Body   []byte `json:"body"`   // ledger canonical bytes, base64 in JSON
	Sig    []byte `json:"sig"`    // the origin's Ed25519 signature, base64 in JSON
}

// Seal encodes b and signs it with the sender's key, returning the wire
// form and its content address (hex SHA-256 of the wire form). It sets
// Format, Version and Sender.
func Seal(key ed25519.PrivateKey, b Batch) (wire []byte, id string, err error) {
	wire, err = SealWire(key, b)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(wire)
	return wire, hex.EncodeToString(sum[:]), nil
}

// SealWire is Seal without the content address, which a page served to a
// peer does not need (its hash was an eighth of the cost of sealing it).
// The JSON line is encoded once, into the buffer the wire form is
// returned in: the signing prefix is written before it to sign, then
// overwritten by the header line, so that a page of a megabyte or more is
// neither copied to be signed nor copied again into its wire form.
func SealWire(key ed25519.PrivateKey, b Batch) ([]byte, error) {
	const op = "federation.Seal"
	b.Format, b.Version = BatchFormat, BatchVersion
	b.Sender = Fingerprint(key.Public().(ed25519.PublicKey))
	b.Created = b.Created.UTC()
	if b.Keys == nil {
		b.Keys = []OriginKey{}
	}
	if b.Events == nil {
		b.Events = []Entry{}
	}
	if b.Directory == nil {
		b.Directory = []Listing{}
	}
	if err := b.check(); err != nil {
		return nil, err
	}
	// room is what precedes the JSON line: the signing prefix while it is
	// signed, then the header line; tail the signature's line after it.
	const room = max(len(BatchSigningPrefix), len(BatchHeader)+1)
	tail := 1 + base64.StdEncoding.EncodedLen(ed25519.SignatureSize) + 1
	buf, err := encodeBatch(b, room, tail)
	if err != nil {
		return nil, &lifeline.Error{Code: lifeline.EINTERNAL, Op: op, Message: "encode the batch", Err: err}
	}
	msg := buf[room-len(BatchSigningPrefix):]
	copy(msg, BatchSigningPrefix)
	sig := ed25519.Sign(key, msg)
	start := room - len(BatchHeader) - 1
	copy(buf[start:], BatchHeader+"\n")
	buf = append(buf, '\n')
	buf = base64.StdEncoding.AppendEncode(buf, sig)
	return append(buf[start:], '\n'), nil
}

// encodeBatch returns json.Marshal(b), byte for byte, with the events
// written directly: through reflection, their base64 was most of the cost
// of sealing a batch. The JSON follows room bytes left for the caller, and
// the slice has the capacity for tail more bytes after it.
func encodeBatch(b Batch, room, tail int) ([]byte, error) {
	events, dir := b.Events, b.Directory
	b.Events, b.Directory = nil, nil
	head, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	tailJSON, err := json.Marshal(dir)
	if err != nil {
		return nil, err
	}
	// head ends with "events":null,"directory":null}
	const rest = `"events":null,"directory":null}`
	if !bytes.HasSuffix(head, []byte(rest)) {
		return nil, fmt.Errorf("unexpected encoding of a batch's header")
	}
	head = head[:len(head)-len(rest)]
	enc := base64.StdEncoding
	n := room + len(head) + len(tailJSON) + 40 + tail
	for _, e := range events {
		n += len(e.Origin) + enc.EncodedLen(len(e.Body)) + enc.EncodedLen(len(e.Sig)) + 64
	}
	out := make([]byte, room, n)
	out = append(out, head...)
	out = append(out, `"events":[`...)
	for i, e := range events {
		if i > 0 {
			out = append(out, ',')
		}
		origin, err := json.Marshal(e.Origin)
		if err != nil {
			return nil, err
		}
		out = append(out, `{"pos":`...)
		out = strconv.AppendInt(out, e.Pos, 10)
		out = append(out, `,"origin":`...)
		out = append(out, origin...)
		out = append(out, `,"body":`...)
		out = appendBase64(out, e.Body)
		out = append(out, `,"sig":`...)
		out = appendBase64(out, e.Sig)
		out = append(out, '}')
	}
	out = append(out, `],"directory":`...)
	out = append(out, tailJSON...)
	return append(out, '}'), nil
}

// appendBase64 appends b as json.Marshal writes a []byte: a base64
// string, or null for nil.
func appendBase64(out, b []byte) []byte {
	if b == nil {
		return append(out, "null"...)
	}
	out = append(out, '"')
	out = base64.StdEncoding.AppendEncode(out, b)
	return append(out, '"')
}

// check verifies what a batch must say of itself: positions in order and
// inside its range, each origin's key present and matching its
// fingerprint.
func (b *Batch) check() error {
	const op = "federation.Batch"
	if b.Format != BatchFormat || b.Version != BatchVersion {
		return lifeline.Errorf(lifeline.EINVALID, op, "format: expected %q version %d, found %q version %d", BatchFormat, BatchVersion, b.Format, b.Version)
	}
	if b.Since < 0 || b.Until < b.Since {
		return lifeline.Errorf(lifeline.EINVALID, op, "range: expected 0 ≤ since ≤ until, found since %d, until %d", b.Since, b.Until)
	}
	keys := map[string]bool{}
	for i, k := range b.Keys {
		if len(k.Key) != ed25519.PublicKeySize || Fingerprint(k.Key) != k.Fingerprint {
			return lifeline.Errorf(lifeline.EINVALID, op, "keys[%d]: the key does not match the fingerprint %q", i, k.Fingerprint)
		}
		keys[k.Fingerprint] = true
	}
	last := b.Since
	for i, e := range b.Events {
		if e.Pos <= last || e.Pos > b.Until {
			return lifeline.Errorf(lifeline.EINVALID, op, "events[%d]: position %d is out of order or outside %d–%d", i, e.Pos, b.Since, b.Until)
		}
		last = e.Pos
		if !keys[e.Origin] {
			return lifeline.Errorf(lifeline.EINVALID, op, "events[%d]: no key for its origin %q", i, e.Origin)
		}
	}
	for i, l := range b.Directory {
		if l.Member == "" || l.Org == "" || len(l.Member) > 100 || len(l.Org) > 100 {
			return lifeline.Errorf(lifeline.EINVALID, op, "directory[%d]: expected a member id and an organisation id", i)
		}
	}
	return nil
}

// Verified is a batch whose signature, addressing and every event's
// origin signature have been checked, with the events decoded.
type Verified struct {
	Batch
	ID     string         // content address of the wire form
	Events []ledger.Event // decoded, in the order of Batch.Events
}

// KeyOf returns the key of a peer this instance shares with, or false for
// an unknown, removed or suspended peer.
type KeyOf func(fingerprint string) (ed25519.PublicKey, bool)

// Open verifies a batch's wire form whole before anything of it is used:
// the header line; the sender is a known peer (keyOf) and its signature
// verifies over the exact JSON bytes; the batch is addressed to self (a
// batch made for another instance is refused, so one cannot be replayed
// elsewhere); positions are in order within the range; and every event is
// signed by its origin's key and decodes. The first failure is returned as
// EINVALID (EFORBIDDEN for an unknown sender) naming what is wrong and
// where; nothing is returned with it.
func Open(wire []byte, self string, keyOf KeyOf) (*Verified, error) {
	const op = "federation.Open"
	bad := func(format string, args ...any) error {
		return lifeline.Errorf(lifeline.EINVALID, op, "batch: "+format, args...)
	}
	if len(wire) > MaxBatchBytes {
		return nil, bad("%d bytes is more than the %d accepted", len(wire), MaxBatchBytes)
	}
	header, rest, ok := bytes.Cut(wire, []byte("\n"))
	if !ok || string(header) != BatchHeader {
		return nil, bad("line 1: expected %q", BatchHeader)
	}
	body, rest, ok := bytes.Cut(rest, []byte("\n"))
	if !ok {
		return nil, bad("line 2: expected the batch, then a line with its signature")
	}
	sigLine, rest, ok := bytes.Cut(rest, []byte("\n"))
	if !ok || len(rest) != 0 {
		return nil, bad("line 3: expected the signature and the end of the batch")
	}
	sig, err := base64.StdEncoding.Strict().DecodeString(string(sigLine))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, bad("line 3: expected a base64 Ed25519 signature")
	}
	b, err := decodeBatch(body)
	if err != nil {
		return nil, bad("line 2: %v", err)
	}
	key, known := keyOf(b.Sender)
	if !known {
		return nil, lifeline.Errorf(lifeline.EFORBIDDEN, op, "batch: the sender %s is not a peer of this instance (or is suspended)", short(b.Sender))
	}
	if Fingerprint(key) != b.Sender || !ed25519.Verify(key, append([]byte(BatchSigningPrefix), body...), sig) {
		return nil, bad("the signature does not verify with the key of %s: the batch was changed or not made by it", short(b.Sender))
	}
	if b.Recipient != self {
		return nil, bad("it was made for %s, not for this instance (%s)", short(b.Recipient), short(self))
	}
	if err := b.check(); err != nil {
		return nil, err
	}
	events, err := verifyEvents(b.Keys, b.Events)
	if err != nil {
		return nil, err
	}
	v := &Verified{Batch: b, Events: events}
	sum := sha256.Sum256(wire)
	v.ID = hex.EncodeToString(sum[:])
	return v, nil
}

// decodeBatch reads a batch's line as encoding/json does (its options,
// jsonv1.DefaultOptionsV1), an unknown field refused, through
// github.com/go-json-experiment/json: with encoding/json's Decoder, reading
// the line was most of the cost of opening a batch besides its
// signatures (FuzzDecodeBatch compares the two).
func decodeBatch(line []byte) (Batch, error) {
	var b Batch
	if err := jsonv2.Unmarshal(line, &b, decodeOptions); err != nil {
		return Batch{}, err
	}
	return b, nil
}

var decodeOptions = jsonv2.JoinOptions(jsonv1.DefaultOptionsV1(), jsonv2.RejectUnknownMembers(true))

func short(fp string) string {
	if len(fp) > 16 {
		return fp[:16]
	}
	return fmt.Sprintf("%q", fp)
}

// WriteBundle compresses a batch's wire form into w as an offline bundle.
func WriteBundle(w io.Writer, wire []byte) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(wire); err != nil {
		return err
	}
	return zw.Close()
}

// ReadBundle reads an offline bundle (gzip) and returns the wire form of
// its batch, refusing more than MaxBatchBytes and a damaged or truncated
// file with EINVALID naming name.
func ReadBundle(r io.Reader, name string) ([]byte, error) {
	const op = "federation.ReadBundle"
	zr, err := gzip.NewReader(bufio.NewReader(r))
	if err != nil {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: not a Lifeline bundle (expected a gzip file): %v", name, err)
	}
	zr.Multistream(false)
	wire, err := io.ReadAll(io.LimitReader(zr, MaxBatchBytes+1))
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: the file is truncated", name)
		}
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: the file is damaged: %v", name, err)
	}
	if len(wire) > MaxBatchBytes {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: more than %d bytes once decompressed", name, MaxBatchBytes)
	}
	return wire, nil
}

// Summary reads what a batch says of itself — its sender, recipient,
// range and number of events — without verifying anything, for a person
// to read (sync export prints it). Never act on it: Open verifies.
func Summary(wire []byte) (sender, recipient string, since, until int64, events int, err error) {
	_, rest, ok := bytes.Cut(wire, []byte("\n"))
	body, _, ok2 := bytes.Cut(rest, []byte("\n"))
	if !ok || !ok2 {
		return "", "", 0, 0, 0, lifeline.Errorf(lifeline.EINVALID, "federation.Summary", "not a batch")
	}
	var b Batch
	if err := json.Unmarshal(body, &b); err != nil {
		return "", "", 0, 0, 0, lifeline.Errorf(lifeline.EINVALID, "federation.Summary", "batch: %v", err)
	}
	return b.Sender, b.Recipient, b.Since, b.Until, len(b.Events), nil
}
