package rislive

import (
	"net/netip"
	"strings"
	"testing"
	"time"
)

// sample is a ris_message in the form the RIS Live manual shows.
const sample = `{"type": "ris_message", "data": {"timestamp": 1427846400.25, "peer": "192.0.2.1",
 "peer_asn": "64496", "id": "06-192-0-2-1-28375", "host": "rrc06", "type": "UPDATE",
 "path": [64496, 3356, [64500]], "community": [[3356, 2]], "origin": "IGP",
 "announcements": [{"next_hop": "192.0.2.1", "prefixes": ["198.51.100.0/24", "2001:db8::/32"]}],
 "withdrawals": ["203.0.113.0/24"]}}`

func TestDecode(t *testing.T) {
	var m Message
	if err := Decode([]byte(sample), &m); err != nil {
		t.Fatal(err)
	}
	d := m.Data
	if m.Type != TypeMessage || d.Kind != KindUpdate || d.Host != "rrc06" || d.ID != "06-192-0-2-1-28375" {
		t.Errorf("envelope: %+v", m)
	}
	if want := time.Date(2015, 4, 1, 0, 0, 0, 250_000_000, time.UTC); !d.Time.Equal(want) {
		t.Errorf("time %s, want %s", d.Time, want)
	}
	if d.Peer != netip.MustParseAddr("192.0.2.1") || d.PeerAS != 64496 {
		t.Errorf("peer %s AS%d", d.Peer, d.PeerAS)
	}
	if o, ok := d.Origin(); !ok || o != 64500 {
		t.Errorf("origin %d %v, want 64500 (the only member of the final AS_SET)", o, ok)
	}
	if len(d.Announced) != 2 || d.Announced[1] != netip.MustParsePrefix("2001:db8::/32") || len(d.Withdrawn) != 1 {
		t.Errorf("announced %v withdrawn %v", d.Announced, d.Withdrawn)
	}
	u, ok := d.Update()
	if !ok || !u.HasOrigin || u.Origin != 64500 || len(u.Announced) != 2 || u.PeerDown {
		t.Errorf("update %+v", u)
	}
}

func TestOrigin(t *testing.T) {
	for _, c := range []struct {
		path string
		want uint32
		ok   bool
	}{
		{`[1, 2, 3]`, 3, true},
		{`[1, [2, 3]]`, 0, false},
		{`[1, [7]]`, 7, true},
		{`[]`, 64496, true}, // the peer's own route
		{`[1, []]`, 0, false},
	} {
		var m Message
		msg := strings.Replace(sample, `[64496, 3356, [64500]]`, c.path, 1)
		if err := Decode([]byte(msg), &m); err != nil {
			t.Fatal(err)
		}
		if o, ok := m.Data.Origin(); o != c.want || ok != c.ok {
			t.Errorf("path %s: origin %d %v, want %d %v", c.path, o, ok, c.want, c.ok)
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	for _, c := range []struct{ name, msg, want string }{
		{"not JSON", `{"type": "ris_message", "data": {`, "not a JSON object"},
		{"no type", `{"data": {}}`, "no type"},
		{"no timestamp", `{"type": "ris_message", "data": {"peer": "192.0.2.1", "peer_asn": "1", "type": "UPDATE"}}`, "timestamp"},
		{"bad peer", strings.Replace(sample, `"192.0.2.1",`, `"192.0.2.300",`, 1), "field peer"},
		{"bad ASN", strings.Replace(sample, `"64496"`, `"AS64496"`, 1), "peer_asn"},
		{"bad prefix", strings.Replace(sample, `"203.0.113.0/24"`, `"203.0.113.0/33"`, 1), "withdrawals[0]"},
		{"bad path", strings.Replace(sample, `[64496, 3356, [64500]]`, `["x"]`, 1), "path"},
		{"path too long", strings.Replace(sample, `[64496, 3356, [64500]]`, "["+strings.Repeat("1,", MaxPath)+"1]", 1), "more than"},
		{"too many prefixes", strings.Replace(sample, `["203.0.113.0/24"]`, "["+strings.Repeat(`"10.0.0.0/8",`, MaxPrefixes)+`"10.0.0.0/8"]`, 1), "more than"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var m Message
			err := Decode([]byte(c.msg), &m)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one mentioning %q", err, c.want)
			}
		})
	}
}

func TestOtherMessages(t *testing.T) {
	var m Message
	if err := Decode([]byte(`{"type": "ris_error", "data": {"message": "Unknown type"}}`), &m); err != nil || m.Type != TypeError || m.Error != "Unknown type" {
		t.Errorf("ris_error: %v %+v", err, m)
	}
	if err := Decode([]byte(`{"type": "pong", "data": null}`), &m); err != nil || m.Type != TypePong {
		t.Errorf("pong: %v %+v", err, m)
	}
	down := `{"type": "ris_message", "data": {"timestamp": 1, "peer": "2001:db8::1", "peer_asn": 64496, "host": "rrc00", "type": "RIS_PEER_STATE", "state": "down"}}`
	if err := Decode([]byte(down), &m); err != nil {
		t.Fatal(err)
	}
	if u, ok := m.Data.Update(); !ok || !u.PeerDown {
		t.Errorf("peer down: %+v %v", u, ok)
	}
}

// TestRoundTrip writes a message with AppendMessage and reads it back.
func TestRoundTrip(t *testing.T) {
	var m Message
	if err := Decode([]byte(sample), &m); err != nil {
		t.Fatal(err)
	}
	out := AppendMessage(nil, &m.Data)
	var back Message
	if err := Decode(out, &back); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if string(AppendMessage(nil, &back.Data)) != string(out) {
		t.Errorf("round trip changed the message:\n%s\n%s", out, AppendMessage(nil, &back.Data))
	}
	if o, _ := back.Data.Origin(); o != 64500 || !back.Data.Time.Equal(m.Data.Time) || len(back.Data.Withdrawn) != 1 {
		t.Errorf("round trip: %+v", back.Data)
	}
}

func TestSubscribeMessage(t *testing.T) {
	yes := true
	got := string(SubscribeMessage(Subscription{Host: "rrc06", Type: "UPDATE", Prefix: []string{"5.0.0.0/8"}, MoreSpecific: &yes}))
	want := `{"type":"ris_subscribe","data":{"host":"rrc06","type":"UPDATE","prefix":["5.0.0.0/8"],"moreSpecific":true}}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
