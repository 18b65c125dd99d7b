package ledger_test

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"

	"lifeline/ledger"
)

// docExample reads the ledger-example block of docs/ledger.md.
func docExample(t *testing.T) (ed25519.PublicKey, []ledger.Record) {
	t.Helper()
	b, err := os.ReadFile("../docs/ledger.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(b), "```ledger-example\n")
	if !ok {
		t.Fatal("docs/ledger.md has no ledger-example block")
	}
	block, _, _ = strings.Cut(block, "```")
	sc := bufio.NewScanner(strings.NewReader(block))
	sc.Buffer(nil, 1<<20)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) < 4 || (len(lines)-1)%3 != 0 {
		t.Fatalf("ledger-example: %d lines, want a key line and three per event", len(lines))
	}
	pub, err := hex.DecodeString(strings.TrimPrefix(lines[0], "public-key "))
	if err != nil {
		t.Fatal(err)
	}
	var recs []ledger.Record
	for i := 1; i < len(lines); i += 3 {
		sig, err := base64.StdEncoding.DecodeString(lines[i+2])
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, ledger.Record{Seq: int64(len(recs) + 1), Body: []byte(lines[i]), Hash: lines[i+1], Sig: sig})
	}
	return pub, recs
}

func TestDocExample(t *testing.T) {
	pub, recs := docExample(t)
	if err := ledger.Verify(pub, recs); err != nil {
		t.Fatalf("the documented log does not verify: %v", err)
	}
	// Sealing the same events with the documented key gives the same bytes.
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(i)
	}
	key := ed25519.NewKeyFromSeed(seed)
	if !bytes.Equal(key.Public().(ed25519.PublicKey), pub) {
		t.Fatal("the documented public key is not the one of seed 00…1f")
	}
	var prev *ledger.Record
	for i, r := range recs {
		e, err := ledger.Decode(r.Body)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ledger.Seal(key, prev, e)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Body, r.Body) || got.Hash != r.Hash || !bytes.Equal(got.Sig, r.Sig) {
			t.Errorf("event %d: sealing gives\n%s\n%s\n%s", i+1, got.Body, got.Hash, base64.StdEncoding.EncodeToString(got.Sig))
		}
		prev = &recs[i]
	}
	// The failures the document describes.
	reencoded := append([]ledger.Record(nil), recs...)
	reencoded[1].Body = bytes.Replace(recs[1].Body, []byte(`"status":"verified"`), []byte(`"status": "verified"`), 1)
	reencoded[1].Hash = ledger.Hash(reencoded[1].Body)
	var ve *ledger.VerifyError
	if err := ledger.Verify(pub, reencoded); !errors.As(err, &ve) || ve.Seq != 2 || !strings.Contains(ve.Reason, "signature does not verify") {
		t.Errorf("re-encoded event 2: %v", err)
	}
	changed := append([]ledger.Record(nil), recs...)
	changed[0].Body = bytes.Replace(recs[0].Body, []byte("Port Sudan"), []byte("Port Said"), 1)
	if err := ledger.Verify(pub, changed); !errors.As(err, &ve) || ve.Seq != 1 || !strings.Contains(ve.Reason, "not the recorded dcb144fe") {
		t.Errorf("changed event 1: %v", err)
	}
}

// TestDocHead checks the ledger-head block of docs/ledger.md: the signed
// bytes it shows are what HeadBytes gives for the example's last event,
// the signature is what SignHead makes with the documented key, and it
// verifies; a head naming the first event instead does not.
func TestDocHead(t *testing.T) {
	pub, recs := docExample(t)
	b, err := os.ReadFile("../docs/ledger.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(b), "```ledger-head\n")
	if !ok {
		t.Fatal("docs/ledger.md has no ledger-head block")
	}
	block, _, _ = strings.Cut(block, "```")
	lines := strings.Split(strings.TrimSpace(block), "\n")
	if len(lines) != 2 {
		t.Fatalf("ledger-head: %d lines, want the signed text and the signature", len(lines))
	}
	last := recs[len(recs)-1]
	if want := `lifeline-head-v1\n` + string(ledger.HeadBytes(last.Seq, last.Hash)); lines[0] != want {
		t.Errorf("documented head bytes %q, want %q", lines[0], want)
	}
	sig, err := base64.StdEncoding.DecodeString(lines[1])
	if err != nil {
		t.Fatal(err)
	}
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(i)
	}
	h := ledger.SignHead(ed25519.NewKeyFromSeed(seed), &last)
	if !bytes.Equal(h.Sig, sig) {
		t.Errorf("SignHead gives %s, the document %s", base64.StdEncoding.EncodeToString(h.Sig), lines[1])
	}
	if !(ledger.Head{Seq: last.Seq, Hash: last.Hash, Sig: sig}).Verify(pub) {
		t.Error("the documented head does not verify")
	}
	if (ledger.Head{Seq: recs[0].Seq, Hash: recs[0].Hash, Sig: sig}).Verify(pub) {
		t.Error("the documented signature verifies for a shorter log")
	}
}
