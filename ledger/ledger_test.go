package ledger_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"lifeline"
	"lifeline/coord"
	"lifeline/ledger"
)

// seed makes keys deterministic.
type seed byte

func (s seed) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(s) + byte(i)
	}
	return len(p), nil
}

func testLog(t testing.TB, n int) (ed25519.PrivateKey, []ledger.Record) {
	t.Helper()
	key, err := ledger.GenerateKey(seed(7))
	if err != nil {
		t.Fatal(err)
	}
	var recs []ledger.Record
	var prev *ledger.Record
	for i := range n {
		r, err := ledger.Seal(key, prev, ledger.Event{
			Time: time.Date(2026, 3, 1, 0, i, 0, 0, time.FixedZone("EAT", 3*3600)),
			Type: coord.EventIncidentCreated, Author: "m1", Org: "o1", Subject: "inc" + string(rune('a'+i)),
			Marking: coord.Marking{TLP: coord.TLPAmber, Org: "o1", Author: "m1"},
			Payload: json.RawMessage(`{ "title": "cut",  "n": ` + string(rune('0'+i%10)) + ` }`),
		})
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
		prev = &recs[len(recs)-1]
	}
	return key, recs
}

func TestVerifyGoodLog(t *testing.T) {
	key, recs := testLog(t, 5)
	pub := key.Public().(ed25519.PublicKey)
	if err := ledger.Verify(pub, recs); err != nil {
		t.Fatalf("Verify(good log) = %v", err)
	}
	e, err := ledger.Decode(recs[2].Body)
	if err != nil {
		t.Fatal(err)
	}
	if e.Seq != 3 || e.Prev != recs[1].Hash || e.Time.Location() != time.UTC || string(e.Payload) != `{"title":"cut","n":2}` {
		t.Errorf("event 3 = %+v, want seq 3, prev of event 2, UTC time, compact payload", e)
	}
}

func TestSealIsDeterministic(t *testing.T) {
	_, a := testLog(t, 3)
	_, b := testLog(t, 3)
	for i := range a {
		if !bytes.Equal(a[i].Body, b[i].Body) || !bytes.Equal(a[i].Sig, b[i].Sig) {
			t.Fatalf("record %d differs between two runs", i+1)
		}
	}
}

func TestVerifyNamesFirstBadEvent(t *testing.T) {
	otherKey, err := ledger.GenerateKey(seed(99))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		tamper  func(t *testing.T, key ed25519.PrivateKey, recs []ledger.Record) []ledger.Record
		wantSeq int64
		reason  string
	}{
		{"payload changed, hash kept", func(t *testing.T, _ ed25519.PrivateKey, recs []ledger.Record) []ledger.Record {
			recs[2].Body = bytes.Replace(recs[2].Body, []byte(`"cut"`), []byte(`"CUT"`), 1)
			return recs
		}, 3, "hash"},
		{"payload changed, hash recomputed", func(t *testing.T, _ ed25519.PrivateKey, recs []ledger.Record) []ledger.Record {
			recs[2].Body = bytes.Replace(recs[2].Body, []byte(`"cut"`), []byte(`"CUT"`), 1)
			recs[2].Hash = ledger.Hash(recs[2].Body)
			return recs
		}, 3, "signature"},
		{"payload re-encoded with the same meaning", func(t *testing.T, _ ed25519.PrivateKey, recs []ledger.Record) []ledger.Record {
			recs[1].Body = bytes.Replace(recs[1].Body, []byte(`"title":"cut"`), []byte(`"title": "cut"`), 1)
			recs[1].Hash = ledger.Hash(recs[1].Body)
			return recs
		}, 2, "signature"},
		{"signature flipped", func(t *testing.T, _ ed25519.PrivateKey, recs []ledger.Record) []ledger.Record {
			recs[3].Sig = append([]byte(nil), recs[3].Sig...)
			recs[3].Sig[0] ^= 1
			return recs
		}, 4, "signature"},
		{"signed by another key", func(t *testing.T, _ ed25519.PrivateKey, recs []ledger.Record) []ledger.Record {
			r, err := ledger.Seal(otherKey, &recs[0], ledger.Event{Type: "x", Payload: json.RawMessage(`{}`)})
			if err != nil {
				t.Fatal(err)
			}
			recs[1] = r
			return recs[:2]
		}, 2, "signature"},
		{"two events swapped", func(t *testing.T, _ ed25519.PrivateKey, recs []ledger.Record) []ledger.Record {
			recs[1], recs[2] = recs[2], recs[1]
			return recs
		}, 3, "out of order"},
		{"event removed", func(t *testing.T, _ ed25519.PrivateKey, recs []ledger.Record) []ledger.Record {
			return append(recs[:1], recs[2:]...)
		}, 3, "out of order"},
		{"event removed and later ones renumbered in storage", func(t *testing.T, _ ed25519.PrivateKey, recs []ledger.Record) []ledger.Record {
			recs = append(recs[:1], recs[2:]...)
			for i := range recs {
				recs[i].Seq = int64(i + 1)
			}
			return recs
		}, 2, "signed sequence number"},
		{"event re-chained by the key holder skipping one", func(t *testing.T, key ed25519.PrivateKey, recs []ledger.Record) []ledger.Record {
			// Sealed correctly but on the wrong predecessor: its prev hash
			// names event 1 while it sits after event 2.
			r, err := ledger.Seal(key, &recs[0], ledger.Event{Type: "x"})
			if err != nil {
				t.Fatal(err)
			}
			r.Seq = 3
			recs[2] = r
			return recs
		}, 3, "signed sequence number"},
		{"prev hash rewritten and re-signed with the wrong key", func(t *testing.T, _ ed25519.PrivateKey, recs []ledger.Record) []ledger.Record {
			recs[3].Body = bytes.Replace(recs[3].Body, []byte(recs[2].Hash), []byte(strings.Repeat("0", 64)), 1)
			recs[3].Hash = ledger.Hash(recs[3].Body)
			recs[3].Sig = ed25519.Sign(otherKey, append([]byte(ledger.SigningPrefix), recs[3].Body...))
			return recs
		}, 4, "signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, recs := testLog(t, 5)
			recs = tt.tamper(t, key, recs)
			err := ledger.Verify(key.Public().(ed25519.PublicKey), recs)
			var ve *ledger.VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("Verify() = %v, want a *VerifyError", err)
			}
			if ve.Seq != tt.wantSeq || !strings.Contains(ve.Reason, tt.reason) {
				t.Errorf("Verify() = %v, want event %d: …%s…", err, tt.wantSeq, tt.reason)
			}
		})
	}
}

func TestPrevHashChecked(t *testing.T) {
	// The key holder seals an event whose prev hash does not match: the
	// chain must refuse it even though the signature is good.
	key, recs := testLog(t, 2)
	fake := recs[0]
	fake.Hash = strings.Repeat("a", 64)
	r, err := ledger.Seal(key, &fake, ledger.Event{Type: "x"})
	if err != nil {
		t.Fatal(err)
	}
	err = ledger.Verify(key.Public().(ed25519.PublicKey), []ledger.Record{recs[0], r})
	var ve *ledger.VerifyError
	if !errors.As(err, &ve) || ve.Seq != 2 || !strings.Contains(ve.Reason, "previous hash") {
		t.Fatalf("Verify() = %v, want event 2 with a bad previous hash", err)
	}
}

func TestSealRejectsBadPayload(t *testing.T) {
	key, _ := testLog(t, 0)
	_, err := ledger.Seal(key, nil, ledger.Event{Type: "x", Payload: json.RawMessage(`{"a":`)})
	if lifeline.ErrorCode(err) != lifeline.EINVALID {
		t.Errorf("Seal(bad payload) = %v, want EINVALID", err)
	}
	_, err = ledger.Seal(key, nil, ledger.Event{})
	if lifeline.ErrorCode(err) != lifeline.EINVALID {
		t.Errorf("Seal(no type) = %v, want EINVALID", err)
	}
}

func FuzzDecode(f *testing.F) {
	_, recs := testLog(f, 2)
	for _, r := range recs {
		f.Add(r.Body)
	}
	f.Add([]byte(`{"seq":1}{}`))
	f.Add([]byte(`{"seq":1,"SEQ":2,"payload":null}`))
	f.Add([]byte(`{"seq":1,"other":2}`))
	f.Add([]byte("{\"type\":\"a\xffb\",\"payload\":{\"x\":1,\"x\":2}} "))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := ledger.Decode(b)
		// It reads as encoding/json does, an unknown field refused: the
		// reference every log was read with before. It may refuse more
		// only of bytes that are not one JSON value (encoding/json's
		// More took a stray "}" after it for the end).
		want, werr := decodeV1(b)
		if err == nil && werr != nil || err != nil && werr == nil && json.Valid(b) {
			t.Fatalf("Decode(%q) = %v, encoding/json says %v", b, err, werr)
		}
		if err != nil {
			if lifeline.ErrorCode(err) != lifeline.EINVALID {
				t.Fatalf("Decode error %v is not EINVALID", err)
			}
			return
		}
		if !reflect.DeepEqual(e, want) {
			t.Fatalf("Decode(%q) = %+v, encoding/json reads %+v", b, e, want)
		}
	})
}

// decodeV1 is how Decode read events with encoding/json.
func decodeV1(body []byte) (ledger.Event, error) {
	var e ledger.Event
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(&e); err != nil {
		return ledger.Event{}, err
	}
	if d.More() {
		return ledger.Event{}, fmt.Errorf("trailing data")
	}
	return e, nil
}
