package notify_test

import (
	"testing"
	"time"

	"lifeline/notify"
)

// FuzzVerify reads any signature header and body: Verify never panics,
// accepts what Sign made for the body, and refuses it for another body.
func FuzzVerify(f *testing.F) {
	f.Add("t=1796289302,v1=9c7e1320690f2c3d75c6a7e22211eac4b9d78eb19fbb97cf177a06e9a3288577", []byte(`{"id":"x"}`))
	f.Add("t=,v1=", []byte{})
	f.Add("v1=00,t=-1,v1=zz,,=", []byte("\x00"))
	now := time.Unix(1796289302, 0)
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		_ = notify.Verify("whsec_test", header, body, now, time.Minute)
		sig := notify.Sign("whsec_test", now, body)
		if err := notify.Verify("whsec_test", sig, body, now, time.Minute); err != nil {
			t.Fatalf("a signature made by Sign does not verify: %v", err)
		}
		if err := notify.Verify("whsec_test", sig, append(body, 'x'), now, time.Minute); err == nil {
			t.Fatal("a signature verifies another body")
		}
	})
}
