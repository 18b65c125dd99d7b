package notify_test

import (
	"fmt"
	"time"

	"lifeline/notify"
)

// A receiver checks every notification before acting on it: the signature
// header against the raw body and the secret it was given when the webhook
// was created, then the idempotency key against those it has processed.
func ExampleVerify() {
	secret := "whsec_3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	body := []byte(`{"id":"ntf_8c1d0e6a2b7f4c3e9a5d1b0c2e4f6a8b","subscription":"sub_x","org":"org_y","event":{"seq":42,"type":"incident.created","time":"2026-12-03T09:15:00Z","subject":"inc_z","org":"org_y","tlp":"TLP:GREEN"},"item":{"id":"inc_z"}}`)
	sent := time.Date(2026, 12, 3, 9, 15, 2, 0, time.UTC)

	// What Lifeline sends in the Lifeline-Signature header; v1 is what
	// printf '%s.%s' "$t" "$body" | openssl dgst -sha256 -hmac "$secret"
	// prints (the expected output below was computed that way).
	header := notify.Sign(secret, sent, body)
	fmt.Println(header)

	// What the receiver checks, a few seconds later:
	now := sent.Add(3 * time.Second)
	fmt.Println(notify.Verify(secret, header, body, now, 5*time.Minute))
	fmt.Println(notify.Verify(secret, header, append(body, ' '), now, 5*time.Minute))
	fmt.Println(notify.Verify(secret, header, body, sent.Add(time.Hour), 5*time.Minute))
	// Output:
	// t=1796289302,v1=9c7e1320690f2c3d75c6a7e22211eac4b9d78eb19fbb97cf177a06e9a3288577
	// <nil>
	// the signature does not match the body and the secret
	// the signature was made 1h0m0s from now, more than the 5m0s tolerated
}
