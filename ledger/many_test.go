package ledger

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"lifeline/coord"
)

// TestSealAllIsSeal: SealAll gives, record for record, what Seal gives one
// at a time, and the chain verifies.
func TestSealAllIsSeal(t *testing.T) {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	first, err := Seal(key, nil, Event{Time: time.Unix(0, 0), Type: coord.EventInstanceCreated})
	if err != nil {
		t.Fatal(err)
	}
	var es []Event
	for i := range 100 {
		p, _ := json.Marshal(map[string]any{"id": fmt.Sprint("inc_", i)})
		es = append(es, Event{Time: time.Date(2026, 3, 1, 0, 0, i, 0, time.UTC), Type: coord.EventIncidentCreated, Subject: fmt.Sprint("inc_", i),
			Marking: coord.Marking{TLP: coord.TLPClear, Org: "o", Author: "m"}, Payload: p})
	}
	all, err := SealAll(key, &first, es)
	if err != nil {
		t.Fatal(err)
	}
	prev := &first
	for i, e := range es {
		one, err := Seal(key, prev, e)
		if err != nil {
			t.Fatal(err)
		}
		if one.Seq != all[i].Seq || one.Hash != all[i].Hash || !bytes.Equal(one.Sig, all[i].Sig) || !bytes.Equal(one.Body, all[i].Body) {
			t.Fatalf("record %d differs from Seal's", i)
		}
		prev = &one
	}
	if err := Verify(key.Public().(ed25519.PublicKey), append([]Record{first}, all...)); err != nil {
		t.Fatal(err)
	}
	if _, err := SealAll(key, &first, []Event{{Time: time.Unix(0, 0)}}); err == nil {
		t.Error("an event without a type was sealed")
	}
}
