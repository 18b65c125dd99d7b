package ledger_test

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"time"

	"lifeline/coord"
	"lifeline/ledger"
)

// Seal two events and verify the chain; then tamper with one byte.
func Example() {
	key, _ := ledger.GenerateKey(seed(1))
	e := ledger.Event{
		Time: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Type: "incident.created",
		Author: "mem_1", Org: "org_1", Subject: "inc_1",
		Marking: coord.Marking{TLP: coord.TLPClear, Org: "org_1", Author: "mem_1"},
		Payload: json.RawMessage(`{"title": "Cable cut"}`),
	}
	first, _ := ledger.Seal(key, nil, e)
	second, _ := ledger.Seal(key, &first, e)
	fmt.Println(string(first.Body))
	pub := key.Public().(ed25519.PublicKey)
	fmt.Println(ledger.Verify(pub, []ledger.Record{first, second}))
	second.Body[len(second.Body)-3] = 'X'
	err := ledger.Verify(pub, []ledger.Record{first, second})
	fmt.Println("bad event:", err.(*ledger.VerifyError).Seq)
	// Output:
	// {"seq":1,"time":"2026-03-01T00:00:00Z","type":"incident.created","author":"mem_1","org":"org_1","subject":"inc_1","marking":{"tlp":"TLP:CLEAR","org":"org_1","author":"mem_1"},"prev":"","payload":{"title":"Cable cut"}}
	// <nil>
	// bad event: 2
}
