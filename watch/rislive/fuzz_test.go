package rislive

import "testing"

// FuzzDecode checks that no input makes Decode panic, that what it accepts
// stays within the limits, and that an accepted update written back by
// AppendMessage reads again.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte(`{"type": "ris_message", "data": {"timestamp": 1, "peer": "::1", "peer_asn": 1, "type": "RIS_PEER_STATE", "state": "down"}}`))
	f.Add([]byte(`{"type": "ris_error", "data": {"message": "x"}}`))
	f.Add([]byte(`{"type": "ris_message", "data": {"timestamp": 1e300, "path": [[[1]]]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		if err := Decode(b, &m); err != nil || m.Type != TypeMessage {
			return
		}
		d := &m.Data
		if len(d.Announced)+len(d.Withdrawn) > MaxPrefixes {
			t.Fatalf("%d prefixes accepted", len(d.Announced)+len(d.Withdrawn))
		}
		if d.Kind != KindUpdate {
			return
		}
		var back Message
		if err := Decode(AppendMessage(nil, d), &back); err != nil {
			t.Fatalf("an accepted update does not read back: %v", err)
		}
		if len(back.Data.Withdrawn) != len(d.Withdrawn) {
			t.Fatalf("withdrawals %d, read back %d", len(d.Withdrawn), len(back.Data.Withdrawn))
		}
	})
}
