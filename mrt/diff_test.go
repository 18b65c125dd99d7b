package mrt

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestAgainstBgpdump formats random well-formed records with this package
// and with an installed bgpdump (Debian's package) and compares the output.
// It skips when bgpdump is not installed.
func TestAgainstBgpdump(t *testing.T) {
	bin, err := exec.LookPath("bgpdump")
	if err != nil {
		t.Skip("bgpdump not installed (apt-get install bgpdump); differential test skipped")
	}
	for seed := range uint64(4) {
		g := &gen{r: rand.New(rand.NewPCG(seed, 42))}
		in := g.file(1500)
		path := filepath.Join(t.TempDir(), "random.mrt")
		if err := os.WriteFile(path, in, 0o644); err != nil {
			t.Fatal(err)
		}
		want, err := exec.Command(bin, "-q", "-m", path).Output()
		if err != nil {
			t.Fatalf("bgpdump: %v", err)
		}
		got, skipped, err := dumpBytes(t, in, Options{}, DumpOptions{Workers: 2})
		if err != nil || len(skipped) > 0 {
			t.Fatalf("seed %d: err %v, skipped %v", seed, err, skipped)
		}
		if !bytes.Equal([]byte(got), want) {
			t.Errorf("seed %d: output differs from bgpdump -m:\n%s", seed, firstDiff([]byte(got), want))
		}
	}
}

// gen makes random well-formed records that stay clear of what makes
// bgpdump abort or read uninitialised memory.
type gen struct{ r *rand.Rand }

func (g *gen) n(k int) int       { return g.r.IntN(k) }
func (g *gen) chance(p int) bool { return g.r.IntN(100) < p }
func (g *gen) u32() uint32       { return g.r.Uint32() }

func (g *gen) asn(as4 bool) uint32 {
	switch {
	case g.chance(10):
		return 23456
	case as4 && g.chance(40):
		return 4200000000 + uint32(g.n(1000))
	}
	return uint32(1 + g.n(65535))
}

func (g *gen) addr4() []byte { return be32(g.u32()) }

func (g *gen) addr6() []byte {
	b := make([]byte, 16)
	for i := range b {
		if g.chance(60) {
			b[i] = byte(g.n(256))
		}
	}
	switch g.n(10) {
	case 0: // IPv4-mapped
		copy(b, make([]byte, 10))
		b[10], b[11] = 0xff, 0xff
	case 1: // zero run at the start
		copy(b, make([]byte, 6))
	}
	return b
}

func (g *gen) prefixes(afi uint16, addPath bool, n int) []byte {
	var out []byte
	for range n {
		if addPath {
			out = append(out, be32(uint32(g.n(5)))...)
		}
		max := 32
		a := g.addr4()
		if afi == AFIIPv6 {
			max, a = 128, g.addr6()
		}
		bits := g.n(max + 1)
		out = append(out, byte(bits))
		out = append(out, a[:(bits+7)/8]...)
	}
	return out
}

func (g *gen) path(as4 bool, confed bool) []byte {
	var segs []seg
	if g.chance(3) {
		// Long enough for bgpdump to cut the text at about 7,900 characters.
		for range 4 {
			var asns []uint32
			for range 255 {
				asns = append(asns, g.asn(as4))
			}
			segs = append(segs, seg{ASSequence, asns})
		}
		return asPath(as4, segs...)
	}
	for range 1 + g.n(3) {
		t := ASSequence
		switch {
		case g.chance(15):
			t = ASSet
		case confed && g.chance(10):
			t = ASConfedSequence
		case confed && g.chance(5):
			t = ASConfedSet
		}
		var asns []uint32
		for range 1 + g.n(6) {
			asns = append(asns, g.asn(as4))
		}
		segs = append(segs, seg{t, asns})
	}
	return asPath(as4, segs...)
}

// attrs returns random path attributes. rib selects the abbreviated
// MP_REACH_NLRI of RIB entries; mp lists the MP_(UN)REACH attributes of an
// update.
func (g *gen) attrs(as4, rib bool, mp []byte) []byte {
	var b []byte
	if g.chance(90) {
		b = append(b, attr(0x40, AttrOrigin, []byte{byte(g.n(3))})...)
	}
	if g.chance(90) {
		b = append(b, attr(0x40, AttrASPath, g.path(as4, true))...)
	}
	if g.chance(85) {
		b = append(b, attr(0x40, AttrNextHop, g.addr4())...)
	}
	if g.chance(50) {
		b = append(b, attr(0x80, AttrMED, be32(g.u32()>>uint(g.n(32))))...)
	}
	if g.chance(50) {
		b = append(b, attr(0x40, AttrLocalPref, be32(g.u32()>>uint(g.n(32))))...)
	}
	if g.chance(10) {
		b = append(b, attr(0x40, AttrAtomicAggregate, nil)...)
	}
	if g.chance(20) {
		asLen := 2
		if as4 {
			asLen = 4
		}
		v := be32(g.asn(as4))[4-asLen:]
		if g.chance(10) {
			b = append(b, attr(0xc0, AttrAggregator, cat(v, addrBytes("255.255.255.255")))...)
		} else {
			b = append(b, attr(0xc0, AttrAggregator, cat(v, g.addr4()))...)
		}
	}
	if g.chance(50) {
		var c []byte
		n := 1 + g.n(8)
		if g.chance(3) {
			n = 600 + g.n(400) // more than bgpdump's 8 KiB of text
		}
		for range n {
			if g.chance(10) {
				c = append(c, be32(0xFFFFFF01+uint32(g.n(3)))...)
			} else {
				c = append(c, be32(g.u32())...)
			}
		}
		b = append(b, attr(0xc0, AttrCommunities, c)...)
	}
	if g.chance(15) {
		b = append(b, attr(0xc0, AttrLargeCommunities, cat(be32(g.u32()), be32(g.u32()), be32(g.u32())))...)
	}
	if g.chance(10) {
		b = append(b, attr(0x80, AttrOriginatorID, g.addr4())...)
		b = append(b, attr(0x80, AttrClusterList, cat(g.addr4(), g.addr4()))...)
	}
	if !as4 && g.chance(40) {
		b = append(b, attr(0xc0, AttrAS4Path, g.path(true, false))...)
		if g.chance(50) {
			b = append(b, attr(0xc0, AttrAS4Aggregator, cat(be32(g.asn(true)), g.addr4()))...)
		}
	}
	if g.chance(5) {
		b = append(b, attr(0xc0, 99, []byte{1, 2, 3})...)
	}
	if rib && g.chance(50) {
		if g.chance(50) {
			b = append(b, attr(0x80, AttrMPReach, cat([]byte{16}, g.addr6()))...)
		} else {
			b = append(b, attr(0x80, AttrMPReach, cat([]byte{32}, g.addr6(), g.addr6()))...)
		}
	}
	return append(b, mp...)
}

func (g *gen) update(sub uint16, addPath bool, as4 bool) []byte {
	var mp []byte
	if g.chance(30) {
		nh := g.addr6()
		if g.chance(30) {
			nh = cat(nh, g.addr6())
		}
		mp = append(mp, attr(0x80, AttrMPReach, cat(be16(2), []byte{1, byte(len(nh))}, nh, []byte{0}, g.prefixes(AFIIPv6, addPath, 1+g.n(3))))...)
	} else if g.chance(10) {
		mp = append(mp, attr(0x80, AttrMPReach, cat(be16(1), []byte{byte(1 + g.n(2)), 4}, g.addr4(), []byte{0}, g.prefixes(AFIIPv4, addPath, 1+g.n(3))))...)
	}
	if g.chance(20) {
		afi := uint16(1 + g.n(2))
		mp = append(mp, attr(0x80, AttrMPUnreach, cat(be16(afi), []byte{1}, g.prefixes(afi, addPath, 1+g.n(3))))...)
	}
	var withdrawn, announced []byte
	if g.chance(30) {
		withdrawn = g.prefixes(AFIIPv4, addPath, 1+g.n(3))
	}
	if len(mp) == 0 || g.chance(30) {
		announced = g.prefixes(AFIIPv4, addPath, g.n(4))
	}
	return update(withdrawn, g.attrs(as4, false, mp), announced)
}

func (g *gen) file(n int) []byte {
	var out []byte
	ts := uint32(1427846400)
	peers := 0
	for range n {
		ts += uint32(g.n(3))
		switch k := g.n(20); {
		case k < 12: // BGP4MP(_ET) update
			subs := []uint16{1, 4, 6, 7, 8, 9, 10, 11}
			sub := subs[g.n(len(subs))]
			m := &BGP4MP{Subtype: sub}
			caps := m.Caps()
			peer, local := "10.1.2.3", "10.1.2.4"
			if g.chance(30) {
				peer, local = "2001:db8::3", "2001:db8::4"
			}
			typ := TypeBGP4MP
			if g.chance(30) {
				typ = TypeBGP4MPET
			}
			body := cat(bgp4mpHead(caps.AS4, g.asn(caps.AS4), g.asn(caps.AS4), peer, local), g.update(sub, caps.AddPath, caps.AS4))
			out = append(out, record(ts, typ, sub, uint32(g.n(1000000)), body)...)
		case k < 14: // state change
			sub := []uint16{0, 5}[g.n(2)]
			as4 := sub == 5
			peer, local := "192.0.2.1", "192.0.2.2"
			if g.chance(30) {
				peer, local = "2001:db8::1", "::ffff:192.0.2.2"
			}
			body := cat(bgp4mpHead(as4, g.asn(as4), g.asn(as4), peer, local), be16(uint16(1+g.n(6))), be16(uint16(1+g.n(6))))
			out = append(out, record(ts, TypeBGP4MP, sub, 0, body)...)
		case k < 15 || peers == 0: // peer index
			peers = 1 + g.n(4)
			b := cat(g.addr4(), be16(0), be16(uint16(peers)))
			for range peers {
				t := byte(g.n(4))
				b = append(b, t)
				b = append(b, g.addr4()...)
				if t&1 != 0 {
					b = append(b, g.addr6()...)
				} else {
					b = append(b, g.addr4()...)
				}
				if t&2 != 0 {
					b = append(b, be32(g.asn(true))...)
				} else {
					b = append(b, be16(uint16(g.asn(false)))...)
				}
			}
			out = append(out, record(ts, TypeTableDumpV2, PeerIndexTable, 0, b)...)
		case k < 18: // RIB
			sub := []uint16{RIBIPv4Unicast, RIBIPv6Unicast, RIBIPv4UnicastAddPath, RIBIPv6UnicastAddPath}[g.n(4)]
			afi := AFIIPv4
			if sub == RIBIPv6Unicast || sub == RIBIPv6UnicastAddPath {
				afi = AFIIPv6
			}
			pfx := g.prefixes(afi, false, 1)
			count := 1 + g.n(3)
			b := cat(be32(uint32(g.n(1000))), pfx, be16(uint16(count)))
			for range count {
				b = append(b, be16(uint16(g.n(peers)))...)
				b = append(b, be32(ts-uint32(g.n(100000)))...)
				if sub >= RIBIPv4UnicastAddPath {
					b = append(b, be32(uint32(g.n(9)))...)
				}
				a := g.attrs(true, true, nil)
				b = append(b, be16(uint16(len(a)))...)
				b = append(b, a...)
			}
			out = append(out, record(ts, TypeTableDumpV2, sub, 0, b)...)
		default: // TABLE_DUMP
			sub := uint16(1 + g.n(2))
			alen := 4
			a := g.addr4()
			if sub == 2 {
				alen, a = 16, g.addr6()
			}
			bits := g.n(alen*8 + 1)
			peer := g.addr4()
			if sub == 2 {
				peer = g.addr6()
			}
			at := g.attrs(false, false, nil)
			b := cat(be16(0), be16(uint16(g.n(100))), a, []byte{byte(bits), 1}, be32(ts-100), peer, be16(uint16(g.asn(false))), be16(uint16(len(at))), at)
			out = append(out, record(ts, TypeTableDump, sub, 0, b)...)
		}
	}
	return out
}
