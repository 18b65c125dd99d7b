package federation

import (
	"crypto/ed25519"
	"strconv"
	"strings"
	"testing"

	"lifeline/ledger"
)

// TestOpenNamesTheBadSignature: in a batch of 300 events from two origins,
// verified in parts on several cores, one event signed by another key
// (otherwise a valid signature) is named by its index and position, in
// whichever part it falls; the good batch opens with every event decoded
// in order.
func TestOpenNamesTheBadSignature(t *testing.T) {
	a, b, c, o := newInstance(t, 1), newInstance(t, 2), newInstance(t, 3), newInstance(t, 4)
	fromA, fromO := events(t, a, 150), events(t, o, 150)
	batch := batchOf(a, b, nil, 0)
	batch.Keys = append(batch.Keys, OriginKey{Fingerprint: o.fp, Key: o.pub})
	for i := range 150 {
		batch.Events = append(batch.Events,
			Entry{Pos: int64(2*i + 1), Origin: a.fp, Body: fromA[i].Body, Sig: fromA[i].Sig},
			Entry{Pos: int64(2*i + 2), Origin: o.fp, Body: fromO[i].Body, Sig: fromO[i].Sig})
	}
	batch.Until = 300
	wire, _, err := Seal(a.key, batch)
	if err != nil {
		t.Fatal(err)
	}
	v, err := Open(wire, b.fp, b.keyOf(a))
	if err != nil {
		t.Fatalf("a good batch: %v", err)
	}
	for i, e := range v.Events {
		if want := [2][]ledger.Record{fromA, fromO}[i%2][i/2]; e.Seq != want.Seq || ledger.Hash(batch.Events[i].Body) != want.Hash {
			t.Fatalf("event %d decoded out of order", i)
		}
	}
	for _, bad := range []int{0, 137, 299} {
		forged := batch
		forged.Events = append([]Entry(nil), batch.Events...)
		e := forged.Events[bad]
		e.Sig = ed25519.Sign(c.key, append([]byte(ledger.SigningPrefix), e.Body...))
		forged.Events[bad] = e
		wire, _, err := Seal(a.key, forged)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Open(wire, b.fp, b.keyOf(a))
		if err == nil || !strings.Contains(err.Error(), "events[") || !strings.Contains(err.Error(), "does not verify") {
			t.Fatalf("event %d signed by another key: %v", bad, err)
		}
		if want := "events[" + strconv.Itoa(bad) + "] (position " + strconv.Itoa(bad+1) + ")"; !strings.Contains(err.Error(), want) {
			t.Errorf("event %d signed by another key: %v, want it named %q", bad, err, want)
		}
	}
}
