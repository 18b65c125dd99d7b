package mrt

import (
	"encoding/binary"
	"net/netip"
)

// Builders of synthetic MRT records for tests and fuzz seeds.

func be16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// record returns an MRT record; for BGP4MP_ET the microseconds go first in
// the body and count in the length.
func record(ts uint32, typ Type, sub uint16, us uint32, body []byte) []byte {
	if typ.hasMicroseconds() {
		body = cat(be32(us), body)
	}
	return cat(be32(ts), be16(uint16(typ)), be16(sub), be32(uint32(len(body))), body)
}

func addrBytes(s string) []byte { return netip.MustParseAddr(s).AsSlice() }

// bgp4mpBody returns the body of a BGP4MP MESSAGE or STATE_CHANGE record
// before the message or states.
func bgp4mpHead(as4 bool, peerAS, localAS uint32, peer, local string) []byte {
	var b []byte
	if as4 {
		b = cat(be32(peerAS), be32(localAS))
	} else {
		b = cat(be16(uint16(peerAS)), be16(uint16(localAS)))
	}
	afi := AFIIPv4
	if netip.MustParseAddr(peer).Is6() {
		afi = AFIIPv6
	}
	return cat(b, be16(0), be16(afi), addrBytes(peer), addrBytes(local))
}

// bgpMsg returns a BGP message with marker and header.
func bgpMsg(typ uint8, body []byte) []byte {
	m := make([]byte, 16, 19+len(body))
	for i := range m {
		m[i] = 0xff
	}
	m = append(m, be16(uint16(19+len(body)))...)
	m = append(m, typ)
	return append(m, body...)
}

func update(withdrawn, attrs, nlri []byte) []byte {
	return bgpMsg(MsgUpdate, cat(be16(uint16(len(withdrawn))), withdrawn, be16(uint16(len(attrs))), attrs, nlri))
}

func attr(flags uint8, typ AttrType, v []byte) []byte {
	if len(v) > 255 {
		return cat([]byte{flags | 0x10, byte(typ)}, be16(uint16(len(v))), v)
	}
	return cat([]byte{flags, byte(typ), byte(len(v))}, v)
}

// nlri encodes prefixes ("10.0.0.0/8") with optional path identifiers.
func nlri(pathID *uint32, prefixes ...string) []byte {
	var b []byte
	for _, s := range prefixes {
		p := netip.MustParsePrefix(s)
		if pathID != nil {
			b = append(b, be32(*pathID)...)
		}
		a := p.Addr().AsSlice()
		b = append(b, byte(p.Bits()))
		b = append(b, a[:(p.Bits()+7)/8]...)
	}
	return b
}

// seg is one AS path segment.
type seg struct {
	typ  uint8
	asns []uint32
}

func asPath(as4 bool, segs ...seg) []byte {
	var b []byte
	for _, s := range segs {
		b = append(b, s.typ, byte(len(s.asns)))
		for _, a := range s.asns {
			if as4 {
				b = append(b, be32(a)...)
			} else {
				b = append(b, be16(uint16(a))...)
			}
		}
	}
	return b
}

func seq(asns ...uint32) seg { return seg{ASSequence, asns} }

// sampleUpdate is a BGP4MP MESSAGE_AS4 record announcing two IPv4 prefixes
// and withdrawing one, with the common attributes.
func sampleUpdate() []byte {
	attrs := cat(
		attr(0x40, AttrOrigin, []byte{0}),
		attr(0x40, AttrASPath, asPath(true, seq(3356, 174, 4200000000), seg{ASSet, []uint32{1, 2}})),
		attr(0x40, AttrNextHop, addrBytes("192.0.2.1")),
		attr(0x80, AttrMED, be32(10)),
		attr(0x40, AttrLocalPref, be32(100)),
		attr(0xc0, AttrCommunities, cat(be32(3356<<16|100), be32(0xFFFFFF01))),
		attr(0xc0, AttrAggregator, cat(be32(65001), addrBytes("198.51.100.7"))),
	)
	msg := update(nlri(nil, "203.0.113.0/24"), attrs, nlri(nil, "10.0.0.0/8", "192.0.2.0/25"))
	return record(1427846400, TypeBGP4MP, BGP4MPMessageAS4, 0, cat(bgp4mpHead(true, 3356, 12654, "192.0.2.1", "192.0.2.2"), msg))
}

// sampleRIB is a PEER_INDEX_TABLE and a RIB_IPV6_UNICAST record.
func sampleRIB() []byte {
	peers := cat(addrBytes("10.0.0.1"), be16(4), []byte("test"), be16(2),
		[]byte{0x02}, addrBytes("10.0.0.2"), addrBytes("192.0.2.9"), be32(4200000001),
		[]byte{0x01}, addrBytes("10.0.0.3"), addrBytes("2001:db8::9"), be16(65000))
	attrs := cat(
		attr(0x40, AttrOrigin, []byte{2}),
		attr(0x40, AttrASPath, asPath(true, seq(65000, 65001))),
		attr(0x80, AttrMPReach, cat([]byte{32}, addrBytes("2001:db8::1"), addrBytes("fe80::1"))),
	)
	rib := cat(be32(7), []byte{32}, addrBytes("2001:db8::")[:4], be16(1),
		be16(1), be32(1427846000), be16(uint16(len(attrs))), attrs)
	return cat(record(1427846400, TypeTableDumpV2, PeerIndexTable, 0, peers),
		record(1427846400, TypeTableDumpV2, RIBIPv6Unicast, 0, rib))
}
