package mrt

import (
	"bytes"
	"compress/gzip"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"testing"
)

func isUnsupported(err error) bool { return errors.Is(err, ErrUnsupported) }

// dumpBytes runs Dump over in and returns the output, the skipped records'
// errors and Dump's error.
func dumpBytes(t testing.TB, in []byte, opt Options, dopt DumpOptions) (string, []error, error) {
	t.Helper()
	var skipped []error
	opt.OnSkip = func(err error) { skipped = append(skipped, err) }
	r, err := NewReader(bytes.NewReader(in), opt)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out bytes.Buffer
	err = Dump(&out, r, dopt)
	return out.String(), skipped, err
}

const (
	sampleUpdateLines = "BGP4MP|1427846400|W|192.0.2.1|3356|203.0.113.0/24\n" +
		"BGP4MP|1427846400|A|192.0.2.1|3356|10.0.0.0/8|3356 174 4200000000 {1,2}|IGP|192.0.2.1|100|10|3356:100 no-export|NAG|65001 198.51.100.7|\n" +
		"BGP4MP|1427846400|A|192.0.2.1|3356|192.0.2.0/25|3356 174 4200000000 {1,2}|IGP|192.0.2.1|100|10|3356:100 no-export|NAG|65001 198.51.100.7|\n"
	sampleRIBLines = "TABLE_DUMP2|1427846400|B|2001:db8::9|65000|2001:db8::/32|65000 65001|INCOMPLETE|2001:db8::1|0|0||NAG||\n"
)

func TestFormatSamples(t *testing.T) {
	stateBz2, _ := hex.DecodeString("425a6839314159265359937838ed00000dea01f91044080200020000300002200021a650c8c2100001ed0826500f099a01355382f3e2ee48a70a12126f071da0")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(cat(sampleUpdate(), sampleRIB()))
	zw.Close()
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"update", sampleUpdate(), sampleUpdateLines},
		{"rib", sampleRIB(), sampleRIBLines},
		{"gzip", gz.Bytes(), sampleUpdateLines + sampleRIBLines},
		{"bzip2", stateBz2, "BGP4MP|1427846400|STATE|10.0.0.1|65001|3|6\n"},
		{"empty", nil, ""},
		{"et state", record(1445565678, TypeBGP4MPET, BGP4MPStateChangeAS4, 9481,
			cat(bgp4mpHead(true, 3856, 12654, "2001:db8::1", "2001:db8::2"), be16(1), be16(2))),
			"BGP4MP_ET|1445565678.009481|STATE|2001:db8::1|3856|1|2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, workers := range []int{1, 3} {
				got, skipped, err := dumpBytes(t, tt.in, Options{}, DumpOptions{Workers: workers})
				if err != nil || len(skipped) > 0 {
					t.Fatalf("err %v, skipped %v", err, skipped)
				}
				if got != tt.want {
					t.Errorf("workers %d:\n got %q\nwant %q", workers, got, tt.want)
				}
			}
		})
	}
}

// TestFormatQuirks pins the parts of bgpdump's output that a reader of RFCs
// would not expect.
func TestFormatQuirks(t *testing.T) {
	head := bgp4mpHead(false, 65001, 65002, "10.0.0.1", "10.0.0.2")
	base := cat(attr(0x40, AttrOrigin, []byte{1}), attr(0x40, AttrNextHop, addrBytes("10.0.0.1")))
	upd := func(attrs []byte) []byte {
		return record(100, TypeBGP4MP, BGP4MPMessage, 0, cat(head, update(nil, cat(base, attrs), nlri(nil, "10.1.0.0/16"))))
	}
	line := func(path, rest string) string {
		return "BGP4MP|100|A|10.0.0.1|65001|10.1.0.0/16|" + path + "|EGP|10.0.0.1|" + rest + "\n"
	}
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"AS4_PATH merged into AS_TRANS",
			upd(cat(attr(0x40, AttrASPath, asPath(false, seq(65001, 23456, 23456))),
				attr(0xc0, AttrAS4Path, asPath(true, seq(4200000001, 4200000002))))),
			line("65001 4200000001 4200000002", "0|0||NAG||")},
		{"AS4_PATH ignored when longer than AS_PATH",
			upd(cat(attr(0x40, AttrASPath, asPath(false, seq(65001, 23456))),
				attr(0xc0, AttrAS4Path, asPath(true, seq(1, 2, 3))))),
			line("65001 23456", "0|0||NAG||")},
		{"AS4_PATH ignored beside an AGGREGATOR that is not AS_TRANS",
			upd(cat(attr(0x40, AttrASPath, asPath(false, seq(65001, 23456))),
				attr(0xc0, AttrAggregator, cat(be16(65003), addrBytes("10.9.9.9"))),
				attr(0xc0, AttrAS4Path, asPath(true, seq(4200000001))),
				attr(0xc0, AttrAS4Aggregator, cat(be32(4200000003), addrBytes("10.8.8.8"))))),
			line("65001 23456", "0|0||NAG|65003 10.9.9.9|")},
		{"AS4_AGGREGATOR replaces AS_TRANS",
			upd(cat(attr(0x40, AttrASPath, asPath(false, seq(65001, 23456))),
				attr(0xc0, AttrAggregator, cat(be16(23456), addrBytes("10.9.9.9"))),
				attr(0xc0, AttrAS4Path, asPath(true, seq(4200000001))),
				attr(0xc0, AttrAS4Aggregator, cat(be32(4200000003), addrBytes("10.8.8.8"))))),
			line("65001 4200000001", "0|0||NAG|4200000003 10.8.8.8|")},
		{"confederations and sets",
			upd(attr(0x40, AttrASPath, asPath(false, seg{ASConfedSequence, []uint32{1, 2}}, seg{ASConfedSet, []uint32{3, 4}}, seq(5), seg{ASSet, []uint32{6}}))),
			line("(1 2) [3,4] 5 {6}", "0|0||NAG||")},
		{"malformed AS path",
			upd(attr(0x40, AttrASPath, []byte{9, 1, 0, 1})),
			line("! Error !", "0|0||NAG||")},
		{"atomic aggregate, no-advertise, local-AS, large LOCAL_PREF",
			upd(cat(attr(0x40, AttrAtomicAggregate, nil), attr(0x40, AttrLocalPref, be32(4000000000)),
				attr(0xc0, AttrCommunities, cat(be32(0xFFFFFF02), be32(0xFFFFFF03), be32(65535<<16|65535))))),
			line("", "4000000000|0|no-advertise local-AS 65535:65535|AG||")},
		{"aggregator address all ones is no aggregator",
			upd(attr(0xc0, AttrAggregator, cat(be16(65003), addrBytes("255.255.255.255")))),
			line("", "0|0||NAG||")},
		{"MP IPv4 prints LOCAL_PREF signed",
			record(100, TypeBGP4MP, BGP4MPMessage, 0, cat(head, update(nil, cat(base,
				attr(0x40, AttrLocalPref, be32(4000000000)),
				attr(0x80, AttrMPReach, cat(be16(1), []byte{1, 4}, addrBytes("10.5.5.5"), []byte{0}, nlri(nil, "10.2.0.0/16")))), nil))),
			"BGP4MP|100|A|10.0.0.1|65001|10.2.0.0/16||EGP|10.5.5.5|-294967296|0||NAG||\n"},
		{"IPv6 single zero group shortened",
			record(100, TypeBGP4MP, BGP4MPMessage, 0, cat(head, update(nil, cat(base,
				attr(0x80, AttrMPReach, cat(be16(2), []byte{1, 16}, addrBytes("2001:db8:0:1:1:1:1:1"), []byte{0}, nlri(nil, "::ffff:0:0/96", "::1.2.3.0/120")))), nil))),
			"BGP4MP|100|A|10.0.0.1|65001|::ffff:0.0.0.0/96||EGP|2001:db8::1:1:1:1:1|0|0||NAG||\n" +
				"BGP4MP|100|A|10.0.0.1|65001|::1.2.3.0/120||EGP|2001:db8::1:1:1:1:1|0|0||NAG||\n"},
		{"sent message over IPv4 withdrawing IPv6",
			record(100, TypeBGP4MP, BGP4MPMessageLocal, 0, cat(head, update(nil,
				attr(0x80, AttrMPUnreach, cat(be16(2), []byte{1}, nlri(nil, "2001:db8::/32"))), nil))),
			"BGP4MP_LOCAL|100|W|a00:1::|65001|2001:db8::/32\n"},
		{"add-path",
			record(100, TypeBGP4MPET, BGP4MPMessageAS4AddPath, 5, cat(bgp4mpHead(true, 65001, 65002, "10.0.0.1", "10.0.0.2"),
				update(nlri(ptr(uint32(7)), "10.3.0.0/16"), nil, nil))),
			"BGP4MP_ET_AP|100.000005|W|10.0.0.1|65001|10.3.0.0/16|7\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, skipped, err := dumpBytes(t, tt.in, Options{}, DumpOptions{Workers: 1})
			if err != nil || len(skipped) > 0 {
				t.Fatalf("err %v, skipped %v", err, skipped)
			}
			if got != tt.want {
				t.Errorf("\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestTruncatedInput(t *testing.T) {
	first := sampleUpdate()
	in := cat(first, sampleUpdate()[:30])
	got, _, err := dumpBytes(t, in, Options{Name: "updates.gz"}, DumpOptions{Workers: 2})
	if got != sampleUpdateLines {
		t.Errorf("records before the bad one not delivered: %q", got)
	}
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrTruncated) || e.Offset != int64(len(first)) || e.Name != "updates.gz" {
		t.Fatalf("err = %v, want *Error at byte %d wrapping ErrTruncated", err, len(first))
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("updates.gz: record at byte %d (BGP4MP/MESSAGE_AS4): truncated", len(first))) {
		t.Errorf("message %q does not name the file and offset", err)
	}

	// With KeepGoing the truncated tail is reported and the dump succeeds.
	got, skipped, err := dumpBytes(t, in, Options{KeepGoing: true}, DumpOptions{})
	if err != nil || len(skipped) != 1 || got != sampleUpdateLines {
		t.Errorf("keep going: err %v, skipped %v, output %q", err, skipped, got)
	}
}

func TestCorruptRecordKeepGoing(t *testing.T) {
	// A record whose attributes run past the message, then a good one.
	bad := record(1, TypeBGP4MP, BGP4MPMessage, 0, cat(bgp4mpHead(false, 1, 2, "10.0.0.1", "10.0.0.2"),
		update(nil, []byte{0x40, byte(AttrOrigin), 9, 0}, nil)))
	in := cat(sampleUpdate(), bad, sampleUpdate())
	got, _, err := dumpBytes(t, in, Options{}, DumpOptions{Workers: 2})
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrCorrupt) || e.Offset != int64(len(sampleUpdate())) || e.Type != TypeBGP4MP {
		t.Fatalf("err = %v, want a corrupt BGP4MP record at byte %d", err, len(sampleUpdate()))
	}
	if got != sampleUpdateLines {
		t.Errorf("output before the bad record: %q", got)
	}
	got, skipped, err := dumpBytes(t, in, Options{KeepGoing: true}, DumpOptions{Workers: 2})
	if err != nil || len(skipped) != 1 || got != sampleUpdateLines+sampleUpdateLines {
		t.Errorf("keep going: err %v, skipped %v, output %q", err, skipped, got)
	}
}

func TestCorruptLengthResync(t *testing.T) {
	// A header claiming 3 GB, some garbage, then good records.
	bad := cat(be32(1427846400), be16(uint16(TypeBGP4MP)), be16(4), be32(3<<30), []byte("garbage"))
	in := cat(sampleUpdate(), bad, sampleUpdate(), sampleRIB())
	_, _, err := dumpBytes(t, in, Options{}, DumpOptions{})
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v, want ErrCorrupt", err)
	}
	got, skipped, err := dumpBytes(t, in, Options{KeepGoing: true}, DumpOptions{})
	if err != nil || len(skipped) != 1 || got != sampleUpdateLines+sampleUpdateLines+sampleRIBLines {
		t.Errorf("keep going: err %v, skipped %v, output %q", err, skipped, got)
	}
}

// TestHugeLengthBoundedMemory checks that a length field far larger than
// the input allocates no more than the input holds.
func TestHugeLengthBoundedMemory(t *testing.T) {
	in := cat(be32(1), be16(uint16(TypeTableDumpV2)), be16(2), be32(0x7ffffff0), make([]byte, 100))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r, err := NewReader(bytes.NewReader(in), Options{MaxRecordSize: math.MaxInt32})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Next()
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTruncated) {
		t.Errorf("err = %v, want ErrTruncated", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
		t.Errorf("allocated %d bytes for a 112-byte input", grew)
	}
	// With the default limit the length is corrupt rather than truncated.
	r, _ = NewReader(bytes.NewReader(in), Options{})
	if _, err := r.Next(); !errors.Is(err, ErrCorrupt) {
		t.Errorf("default limit: err = %v, want ErrCorrupt", err)
	}
}

func TestReaderRecords(t *testing.T) {
	in := cat(sampleRIB(), sampleUpdate())
	r, err := NewReader(bytes.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	var offsets []int64
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, rec.Type.String()+"/"+SubtypeName(rec.Type, rec.Subtype))
		offsets = append(offsets, rec.Offset)
	}
	want := "TABLE_DUMP_V2/PEER_INDEX_TABLE TABLE_DUMP_V2/RIB_IPV6_UNICAST BGP4MP/MESSAGE_AS4"
	if got := strings.Join(types, " "); got != want {
		t.Errorf("types %q, want %q", got, want)
	}
	if offsets[0] != 0 || offsets[2] != int64(len(sampleRIB())) {
		t.Errorf("offsets %v", offsets)
	}
}

func TestDecodeStructured(t *testing.T) {
	recs := readAll(t, cat(sampleRIB(), sampleUpdate()))
	p, err := DecodePeerIndex(&recs[0])
	if err != nil || len(p.Peers) != 2 || p.ViewName != "test" || p.Peers[0].AS != 4200000001 || p.Peers[1].IP.String() != "2001:db8::9" {
		t.Fatalf("peer index %+v, %v", p, err)
	}
	var rib RIB
	if err := rib.Decode(&recs[1]); err != nil || rib.Prefix.String() != "2001:db8::/32" || len(rib.Entries) != 1 {
		t.Fatalf("rib %+v, %v", rib, err)
	}
	var a Attributes
	if err := a.Decode(rib.Entries[0].Attrs, Caps{AS4: true}); err != nil {
		t.Fatal(err)
	}
	if !a.Has(AttrMPReach) || !a.MPReach[0].Abbreviated || a.MPReach[0].LinkLocal.String() != "fe80::1" {
		t.Errorf("abbreviated MP_REACH_NLRI: %+v", a.MPReach)
	}
	var m BGP4MP
	if err := m.Decode(&recs[2]); err != nil || m.PeerAS != 3356 || !m.Caps().AS4 {
		t.Fatalf("bgp4mp %+v, %v", m, err)
	}
	typ, body, err := ParseMessage(m.Message)
	if err != nil || typ != MsgUpdate {
		t.Fatal(typ, err)
	}
	var u Update
	if err := u.Decode(body, m.Caps()); err != nil {
		t.Fatal(err)
	}
	if len(u.NLRI) != 2 || u.NLRI[1].Prefix.String() != "192.0.2.0/25" || u.Withdrawn[0].Prefix.String() != "203.0.113.0/24" {
		t.Errorf("update NLRI %v withdrawn %v", u.NLRI, u.Withdrawn)
	}
	var segs []string
	for typ, asns := range u.Attrs.ASPath.Segments() {
		segs = append(segs, fmt.Sprint(typ, asns))
	}
	if got := strings.Join(segs, " "); got != "2 [3356 174 4200000000] 1 [1 2]" {
		t.Errorf("segments %q", got)
	}
	var comms []uint32
	for c := range u.Attrs.Communities.All() {
		comms = append(comms, c)
	}
	if len(comms) != 2 || comms[1] != 0xFFFFFF01 {
		t.Errorf("communities %x", comms)
	}
}

func readAll(t testing.TB, in []byte) []Record {
	t.Helper()
	r, err := NewReader(bytes.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var recs []Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return recs
		}
		if err != nil {
			t.Fatal(err)
		}
		rec.Body = bytes.Clone(rec.Body)
		recs = append(recs, rec)
	}
}

func TestDecodeBGP4MPEntry(t *testing.T) {
	// An OpenBGPD RIB entry: peer 192.168.1.102 AS 65000, 192.168.0.0/16
	// via 192.168.0.15.
	body, _ := hex.DecodeString("fde8fde800000001c0a80166c0a8010a00000001561e8d5300010104c0a8000f10c0a8002b400101004002040201fdf740050400000064c007080000fde8c0a8000f800904c0a8000f800a04c0a8000a")
	rec := Record{Header: Header{Type: TypeBGP4MP, Subtype: BGP4MPEntry}, Body: body}
	var e BGP4MPRIBEntry
	if err := e.Decode(&rec); err != nil {
		t.Fatal(err)
	}
	if e.PeerIP.String() != "192.168.1.102" || e.PeerAS != 65000 || e.Prefix.String() != "192.168.0.0/16" || e.NextHop.String() != "192.168.0.15" || e.LastChange != 0x561e8d53 {
		t.Errorf("entry %+v", e)
	}
	var a Attributes
	if err := a.Decode(e.Attrs, Caps{}); err != nil || a.LocalPref != 100 {
		t.Errorf("attributes %+v, %v", a, err)
	}
	for n := range len(body) {
		rec.Body = body[:n]
		if err := e.Decode(&rec); err == nil {
			t.Errorf("truncated to %d bytes: no error", n)
		}
	}
}
