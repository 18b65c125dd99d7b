package visibility

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"os"
	"testing"
	"time"

	"lifeline/internal/shareddata"
	"lifeline/mrt"
)

// The MRT writer below builds the records the tests need, byte by byte
// after RFC 6396 and RFC 4271.

func header(ts time.Time, typ, sub uint16, body []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(ts.Unix()))
	b = binary.BigEndian.AppendUint16(b, typ)
	b = binary.BigEndian.AppendUint16(b, sub)
	b = binary.BigEndian.AppendUint32(b, uint32(len(body)))
	return append(b, body...)
}

func prefixBytes(p netip.Prefix) []byte {
	a := p.Addr().AsSlice()
	return append([]byte{byte(p.Bits())}, a[:(p.Bits()+7)/8]...)
}

// attrs returns ORIGIN and an AS_PATH of one AS_SEQUENCE of 4-byte ASes.
func attrs(path ...uint32) []byte {
	b := []byte{0x40, 1, 1, 0} // ORIGIN IGP
	seg := []byte{2, byte(len(path))}
	for _, a := range path {
		seg = binary.BigEndian.AppendUint32(seg, a)
	}
	b = append(b, 0x40, 2, byte(len(seg)))
	return append(b, seg...)
}

func peerIndex(ts time.Time, peers []Peer) []byte {
	b := []byte{10, 0, 0, 1, 0, 0} // collector id, empty view name
	b = binary.BigEndian.AppendUint16(b, uint16(len(peers)))
	for _, p := range peers {
		b = append(b, 0x02) // IPv4 address, 4-byte AS
		b = append(b, p.IP.AsSlice()...)
		b = append(b, p.IP.AsSlice()...)
		b = binary.BigEndian.AppendUint32(b, p.AS)
	}
	return header(ts, uint16(mrt.TypeTableDumpV2), mrt.PeerIndexTable, b)
}

// ribEntry is the route of the peer at index peer, with its AS path.
type ribEntry struct {
	peer uint16
	path []uint32
}

func rib(ts time.Time, seq uint32, p netip.Prefix, entries ...ribEntry) []byte {
	b := binary.BigEndian.AppendUint32(nil, seq)
	b = append(b, prefixBytes(p)...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(entries)))
	for _, e := range entries {
		a := attrs(e.path...)
		b = binary.BigEndian.AppendUint16(b, e.peer)
		b = binary.BigEndian.AppendUint32(b, uint32(ts.Unix()))
		b = binary.BigEndian.AppendUint16(b, uint16(len(a)))
		b = append(b, a...)
	}
	return header(ts, uint16(mrt.TypeTableDumpV2), mrt.RIBIPv4Unicast, b)
}

// bgp4mp wraps a BGP message or state change of peer p in a
// BGP4MP_MESSAGE_AS4 or STATE_CHANGE_AS4 record.
func bgp4mp(ts time.Time, sub uint16, p Peer, payload []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, p.AS)
	b = binary.BigEndian.AppendUint32(b, 64999)
	b = binary.BigEndian.AppendUint16(b, 0)
	b = binary.BigEndian.AppendUint16(b, mrt.AFIIPv4)
	b = append(b, p.IP.AsSlice()...)
	b = append(b, 10, 0, 0, 1)
	return header(ts, uint16(mrt.TypeBGP4MP), sub, append(b, payload...))
}

func update(ts time.Time, p Peer, withdrawn []netip.Prefix, path []uint32, nlri ...netip.Prefix) []byte {
	var w, n []byte
	for _, x := range withdrawn {
		w = append(w, prefixBytes(x)...)
	}
	for _, x := range nlri {
		n = append(n, prefixBytes(x)...)
	}
	var a []byte
	if len(nlri) > 0 {
		a = attrs(path...)
	}
	body := binary.BigEndian.AppendUint16(nil, uint16(len(w)))
	body = append(body, w...)
	body = binary.BigEndian.AppendUint16(body, uint16(len(a)))
	body = append(body, a...)
	body = append(body, n...)
	msg := bytes.Repeat([]byte{0xff}, 16)
	msg = binary.BigEndian.AppendUint16(msg, uint16(19+len(body)))
	msg = append(msg, mrt.MsgUpdate)
	return bgp4mp(ts, mrt.BGP4MPMessageAS4, p, append(msg, body...))
}

func stateChange(ts time.Time, p Peer, from, to uint16) []byte {
	b := binary.BigEndian.AppendUint16(nil, from)
	return bgp4mp(ts, mrt.BGP4MPStateChangeAS4, p, binary.BigEndian.AppendUint16(b, to))
}

func feed(t *testing.T, tr *Tracker, records ...[]byte) *Feeder {
	t.Helper()
	r, err := mrt.NewReader(bytes.NewReader(bytes.Join(records, nil)), mrt.Options{Name: "generated"})
	if err != nil {
		t.Fatal(err)
	}
	f := NewFeeder(tr)
	if err := f.Feed(r); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestFeedMRT runs a RIB snapshot of three peers and an update stream
// through the feeder: an origin's prefix is withdrawn by two peers (no
// longer visible), then one peer's session goes down, leaving two
// full-feed peers.
func TestFeedMRT(t *testing.T) {
	peers := []Peer{peer(1), peer(2), peer(3)}
	a, b := pfx("203.0.113.0/24"), pfx("198.51.0.0/16")
	recs := [][]byte{
		peerIndex(at(0), peers),
		rib(at(0), 0, a, ribEntry{0, []uint32{64601, 64510}}, ribEntry{1, []uint32{64602, 3356, 64510}}, ribEntry{2, []uint32{64603, 64510}}),
		rib(at(0), 1, b, ribEntry{0, []uint32{64601, 64520}}, ribEntry{1, []uint32{64602, 64520}}),
		update(at(6), peer(1), []netip.Prefix{a}, nil),
		update(at(7), peer(2), []netip.Prefix{a}, nil),
		update(at(12), peer(3), nil, []uint32{64603, 64530}, pfx("192.0.2.0/24")),
		stateChange(at(16), peer(3), 6, 1),
	}
	tr := New(Options{FullFeedV4: -1})
	f := feed(t, tr, recs...)
	if f.Skipped != 0 {
		t.Errorf("%d records skipped", f.Skipped)
	}
	got := values(tr.Finish())
	for key, want := range map[string][]float64{
		"bgp:asn/64510": {1, 0, 0, 0},         // 3 of 3, then 1 of 3
		"bgp:asn/64520": {256, 256, 256, 256}, // 2 of 3, then 2 of 2
	} {
		if s := got[key]; !same(s.Values, want) {
			t.Errorf("%s = %v, want %v", key, s.Values, want)
		}
	}
	// AS64530 was announced by one peer of three, never visible: no series.
	if len(got) != 2 {
		t.Errorf("%d series, want 2: %v", len(got), got)
	}
}

func TestOriginOf(t *testing.T) {
	seg := func(typ uint8, ases ...uint32) []byte {
		b := []byte{typ, byte(len(ases))}
		for _, a := range ases {
			b = binary.BigEndian.AppendUint32(b, a)
		}
		return b
	}
	for _, c := range []struct {
		name   string
		path   []byte
		as4    []byte
		want   uint32
		wantOK bool
	}{
		{"sequence", seg(2, 1, 2, 3), nil, 3, true},
		{"set of one", append(seg(2, 1, 2), seg(1, 7)...), nil, 7, true},
		{"set of two", append(seg(2, 1, 2), seg(1, 7, 8)...), nil, 0, false},
		{"confederation last", append(seg(2, 1, 2), seg(3, 9)...), nil, 2, true},
		{"empty path: the peer's", nil, nil, 64999, true},
		{"AS_TRANS with AS4_PATH", seg(2, 1, asTrans), seg(2, 1, 4200000001), 4200000001, true},
	} {
		var a mrt.Attributes
		raw := []byte{0x40, 2, byte(len(c.path))}
		raw = append(raw, c.path...)
		if c.as4 != nil {
			raw = append(raw, 0xc0, 17, byte(len(c.as4)))
			raw = append(raw, c.as4...)
		}
		if err := a.Decode(raw, mrt.Caps{AS4: true}); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got, ok := originOf(&a, 64999)
		if got != c.want || ok != c.wantOK {
			t.Errorf("%s: origin %d, %v; want %d, %v", c.name, got, ok, c.want, c.wantOK)
		}
	}
}

// TestRealRIB reads a RIPE RIS RIB dump of 2002 (TABLE_DUMP): 36 peers, of
// which one carries a full table of about 113,000 prefixes. With the
// full-feed threshold at 100,000 that one peer decides what is visible.
func TestRealRIB(t *testing.T) {
	path := shareddata.Path(t, "mrt/ripe-ncc-bgpdump/test_data/bview.20020722.2337.gz")
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	r, err := mrt.NewReader(fh, mrt.Options{Name: path})
	if err != nil {
		t.Fatal(err)
	}
	tr := New(Options{FullFeedV4: 100_000})
	f := NewFeeder(tr)
	if err := f.Feed(r); err != nil {
		t.Fatal(err)
	}
	series := tr.Finish()
	st := tr.Stats()
	if st.Peers != 36 || st.FullFeedV4 != 1 || f.Skipped != 0 {
		t.Fatalf("stats %v, %d skipped; want 36 peers, 1 full-feed, none skipped", st, f.Skipped)
	}
	// In mid-2002 the routing table held some 12,000 origin ASes; the
	// /24s they covered numbered about 4.5 million (about 1.2 billion
	// addresses).
	total := 0.0
	for _, s := range series {
		if len(s.Values) != 1 {
			t.Fatalf("%s: %d bins, want 1 (the dump has one timestamp)", s.Key, len(s.Values))
		}
		total += s.Values[0]
	}
	if len(series) < 10_000 || len(series) > 15_000 || total < 3e6 || total > 6e6 {
		t.Errorf("%d origins covering %.0f /24s; want 10,000–15,000 origins and 3–6 million /24s", len(series), total)
	}
	// A peer below the threshold does not count: with every peer full-feed,
	// prefixes need 19 of the 36, and few have it.
	fh.Seek(0, 0)
	r2, _ := mrt.NewReader(fh, mrt.Options{Name: path})
	tr2 := New(Options{FullFeedV4: -1})
	if err := NewFeeder(tr2).Feed(r2); err != nil {
		t.Fatal(err)
	}
	total2 := 0.0
	for _, s := range tr2.Finish() {
		total2 += s.Values[0]
	}
	if total2 >= total/10 {
		t.Errorf("with every peer full-feed %.0f /24s are visible, want far fewer than %.0f", total2, total)
	}
}
