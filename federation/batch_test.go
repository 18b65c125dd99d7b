package federation

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"lifeline"
	"lifeline/coord"
	"lifeline/ledger"
)

type instance struct {
	key ed25519.PrivateKey
	pub ed25519.PublicKey
	fp  string
}

func newInstance(t testing.TB, seed byte) instance {
	t.Helper()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, 32))
	pub := key.Public().(ed25519.PublicKey)
	return instance{key: key, pub: pub, fp: Fingerprint(pub)}
}

func (i instance) keyOf(peers ...instance) KeyOf {
	return func(fp string) (ed25519.PublicKey, bool) {
		for _, p := range peers {
			if p.fp == fp {
				return p.pub, true
			}
		}
		return nil, false
	}
}

// events seals n events of origin in one chain.
func events(t testing.TB, origin instance, n int) []ledger.Record {
	t.Helper()
	var prev *ledger.Record
	var out []ledger.Record
	for i := range n {
		payload, _ := json.Marshal(map[string]any{"id": fmt.Sprintf("inc_%d", i), "title": "Cable cut off Port Sudan"})
		r, err := ledger.Seal(origin.key, prev, ledger.Event{Time: time.Date(2026, 3, 1, 8, 30, i, 0, time.UTC),
			Type: coord.EventIncidentCreated, Author: "mem_a", Org: "org_a", Subject: fmt.Sprintf("inc_%d", i),
			Marking: coord.Marking{TLP: coord.TLPClear, Org: "org_a", Author: "mem_a"}, Payload: payload})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
		prev = &out[len(out)-1]
	}
	return out
}

func batchOf(origin instance, to instance, recs []ledger.Record, since int64) Batch {
	b := Batch{Recipient: to.fp, Created: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Since: since, Until: since + int64(len(recs)),
		Keys: []OriginKey{{Fingerprint: origin.fp, Key: origin.pub}}}
	for i, r := range recs {
		b.Events = append(b.Events, Entry{Pos: since + int64(i) + 1, Origin: origin.fp, Body: r.Body, Sig: r.Sig})
	}
	return b
}

func TestSealOpen(t *testing.T) {
	a, b := newInstance(t, 1), newInstance(t, 2)
	recs := events(t, a, 5)
	wire, id, err := Seal(a.key, batchOf(a, b, recs, 10))
	if err != nil {
		t.Fatal(err)
	}
	v, err := Open(wire, b.fp, b.keyOf(a))
	if err != nil {
		t.Fatalf("Open of a good batch: %v", err)
	}
	if v.ID != id || v.Sender != a.fp || len(v.Events) != 5 || v.Events[4].Subject != "inc_4" || v.Until != 15 {
		t.Errorf("opened batch: id %s (want %s), sender %s, %d events", v.ID, id, v.Sender, len(v.Events))
	}
	// The same batch compressed as a bundle and read back.
	var buf bytes.Buffer
	if err := WriteBundle(&buf, wire); err != nil {
		t.Fatal(err)
	}
	back, err := ReadBundle(&buf, "b.llb")
	if err != nil || !bytes.Equal(back, wire) {
		t.Fatalf("ReadBundle: %v", err)
	}
	// An empty batch says "nothing for you in 15–20".
	wire, _, err = Seal(a.key, Batch{Recipient: b.fp, Since: 15, Until: 20})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := Open(wire, b.fp, b.keyOf(a)); err != nil || len(v.Events) != 0 {
		t.Fatalf("empty batch: %v", err)
	}
}

// TestOpenRejectsTampering changes single bytes of a batch at 600 random
// positions, removes, reorders and replays events, and readdresses it: each
// must be rejected whole.
func TestOpenRejectsTampering(t *testing.T) {
	a, b, c := newInstance(t, 1), newInstance(t, 2), newInstance(t, 3)
	recs := events(t, a, 4)
	wire, _, err := Seal(a.key, batchOf(a, b, recs, 0))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	for range 600 {
		pos := rng.IntN(len(wire))
		bad := bytes.Clone(wire)
		bad[pos] ^= byte(1 + rng.IntN(255))
		if v, err := Open(bad, b.fp, b.keyOf(a)); err == nil {
			t.Fatalf("a batch with byte %d changed (%q → %q) was accepted: %d events", pos, wire[pos], bad[pos], len(v.Events))
		} else if code := lifeline.ErrorCode(err); code != lifeline.EINVALID && code != lifeline.EFORBIDDEN {
			t.Fatalf("byte %d: error code %s: %v", pos, code, err)
		}
	}
	// Re-sealing a changed batch needs the sender's key: a relay (c) that
	// drops, reorders or replays events can only sign as itself, and the
	// events keep their origin's signatures.
	check := func(name string, wire []byte, keyOf KeyOf, want string) {
		t.Helper()
		if _, err := Open(wire, b.fp, keyOf); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want it to say %q", name, err, want)
		}
	}
	removed := batchOf(a, b, recs, 0)
	removed.Events = append(removed.Events[:1], removed.Events[2:]...)
	w, _, _ := Seal(a.key, removed)
	forged := bytes.Replace(wire, wire[bytes.IndexByte(wire, '\n')+1:bytes.LastIndexByte(wire[:len(wire)-1], '\n')],
		w[bytes.IndexByte(w, '\n')+1:bytes.LastIndexByte(w[:len(w)-1], '\n')], 1)
	check("an event removed under the original signature", forged, b.keyOf(a), "signature does not verify")

	reordered := batchOf(a, b, recs, 0)
	reordered.Events[0].Pos, reordered.Events[1].Pos = 2, 1
	if _, _, err := Seal(a.key, reordered); err == nil {
		t.Error("Seal accepted events out of position order")
	}
	swapped := batchOf(a, b, recs, 0)
	swapped.Events[0].Body, swapped.Events[1].Body = swapped.Events[1].Body, swapped.Events[0].Body
	w, _, _ = Seal(c.key, swapped)
	check("events swapped by a relay", w, b.keyOf(a, c), "signature of its origin")

	forC, _, _ := Seal(a.key, batchOf(a, c, recs, 0))
	check("a batch made for another instance, replayed", forC, b.keyOf(a), "made for")
	check("a batch from an instance that is not a peer", wire, b.keyOf(c), "not a peer")

	wrongKey := batchOf(a, b, recs, 0)
	wrongKey.Keys[0].Key = c.pub
	if _, _, err := Seal(a.key, wrongKey); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("a key that does not match its fingerprint: %v", err)
	}
	check("trailing data", append(bytes.Clone(wire), "x"...), b.keyOf(a), "line 3")
	check("not a batch", []byte("{}\n"), b.keyOf(a), "line 1")
}

func TestReadBundleRejectsDamage(t *testing.T) {
	a, b := newInstance(t, 1), newInstance(t, 2)
	wire, _, _ := Seal(a.key, batchOf(a, b, events(t, a, 3), 0))
	var buf bytes.Buffer
	if err := WriteBundle(&buf, wire); err != nil {
		t.Fatal(err)
	}
	file := buf.Bytes()
	for name, bad := range map[string][]byte{
		"truncated":   file[:len(file)-9],
		"not gzip":    []byte("lifeline-batch 1\n"),
		"crc damaged": append(bytes.Clone(file[:len(file)-8]), 0, 0, 0, 0, 0, 0, 0, 0),
	} {
		if _, err := ReadBundle(bytes.NewReader(bad), "x.llb"); err == nil || !strings.Contains(err.Error(), "x.llb") {
			t.Errorf("%s: err = %v, want an error naming the file", name, err)
		}
	}
}

func FuzzOpen(f *testing.F) {
	a, b := newInstance(f, 1), newInstance(f, 2)
	wire, _, _ := Seal(a.key, batchOf(a, b, events(f, a, 2), 0))
	f.Add(wire)
	f.Add([]byte(BatchHeader + "\n{}\nAAAA\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Open(data, b.fp, b.keyOf(a))
		if err != nil {
			if v != nil {
				t.Fatal("Open returned a batch with an error")
			}
			return
		}
		// Only the sender's key makes a batch: anything accepted is the
		// seeded batch itself.
		if !bytes.Equal(data, wire) {
			t.Fatalf("Open accepted bytes that are not the sealed batch:\n%q", data)
		}
	})
}

// TestEncodeBatch: the batch's line is json.Marshal's encoding, byte for
// byte, whatever its events hold (empty and missing bytes included).
func TestEncodeBatch(t *testing.T) {
	a, b := newInstance(t, 1), newInstance(t, 2)
	batch := batchOf(a, b, events(t, a, 5), 0)
	batch.Events = append(batch.Events, Entry{Pos: 99, Origin: "o\"<&>", Body: []byte{}, Sig: nil})
	batch.Directory = []Listing{{Member: "mem_<1>", Org: "org_1"}}
	for _, bt := range []Batch{batch, {Recipient: b.fp, Keys: []OriginKey{}, Events: []Entry{}, Directory: []Listing{}}} {
		want, err := json.Marshal(bt)
		if err != nil {
			t.Fatal(err)
		}
		got, err := encodeBatch(bt, 3, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) < 3 || !bytes.Equal(got[3:], want) || cap(got) < len(got)+5 {
			t.Errorf("encodeBatch after 3 bytes, with room for 5 more:\n got %q (capacity %d)\nwant %s", got, cap(got), want)
		}
	}
}

// TestSealWire: the wire form is the header line, the batch's JSON as
// encoding/json writes it, and the Ed25519 signature of the signing
// prefix and that line (deterministic, so computed here apart), in
// base64; Seal's content address is its SHA-256.
func TestSealWire(t *testing.T) {
	a, b := newInstance(t, 1), newInstance(t, 2)
	batch := batchOf(a, b, events(t, a, 5), 0)
	wire, id, err := Seal(a.key, batch)
	if err != nil {
		t.Fatal(err)
	}
	batch.Format, batch.Version, batch.Sender = BatchFormat, BatchVersion, Fingerprint(a.key.Public().(ed25519.PublicKey))
	batch.Directory = []Listing{} // Seal writes none as an empty list
	line, err := json.Marshal(batch)
	if err != nil {
		t.Fatal(err)
	}
	sig := ed25519.Sign(a.key, append([]byte(BatchSigningPrefix), line...))
	want := BatchHeader + "\n" + string(line) + "\n" + base64.StdEncoding.EncodeToString(sig) + "\n"
	if string(wire) != want {
		t.Errorf("Seal:\n got %q\nwant %q", wire, want)
	}
	if sum := sha256.Sum256([]byte(want)); id != hex.EncodeToString(sum[:]) {
		t.Errorf("Seal's content address %s, want the SHA-256 of the wire form", id)
	}
}

// FuzzDecodeBatch: a batch's line reads as encoding/json's Decoder read
// it, an unknown field refused — the reference every peer's batch was
// opened with before. It may refuse more only of bytes that are not one
// JSON value.
func FuzzDecodeBatch(f *testing.F) {
	a, b := newInstance(f, 1), newInstance(f, 2)
	wire, _, _ := Seal(a.key, batchOf(a, b, events(f, a, 2), 0))
	_, rest, _ := bytes.Cut(wire, []byte("\n"))
	line, _, _ := bytes.Cut(rest, []byte("\n"))
	f.Add(line)
	f.Add([]byte(`{"format":"lifeline-batch","VERSION":1,"events":[{"pos":1,"body":"AA==","sig":null}]}`))
	f.Add([]byte(`{"since":1,"other":2}`))
	f.Add([]byte(`{"created":"2026-01-02T03:04:05+01:00","keys":[{"fingerprint":"x","key":"AAEC\r\nAw=="}]}`))
	f.Add([]byte(`{"since":1}{}`))
	f.Add([]byte(`{"since":1,"SINCE":2,"events":null,"directory":[{"member":"m","org":"o","Org":"p"}]}`))
	f.Add([]byte("{\"sender\":\"a\xffb\",\"until\":1e3} "))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeBatch(data)
		var want Batch
		d := json.NewDecoder(bytes.NewReader(data))
		d.DisallowUnknownFields()
		werr := d.Decode(&want)
		if werr == nil && d.More() {
			werr = fmt.Errorf("trailing data")
		}
		if err == nil && werr != nil || err != nil && werr == nil && json.Valid(data) {
			t.Fatalf("decodeBatch(%q) = %v, encoding/json says %v", data, err, werr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("decodeBatch(%q) = %+v, encoding/json reads %+v", data, got, want)
		}
	})
}
