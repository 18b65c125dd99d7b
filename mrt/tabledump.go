package mrt

import (
	"encoding/binary"
	"net/netip"
)

// TableDump is a decoded TABLE_DUMP record (RFC 6396 4.2): one route of one
// peer.
type TableDump struct {
	Subtype        uint16
	View           uint16
	Sequence       uint16
	Prefix         netip.Prefix // as written: bits past the length are kept
	Status         uint8
	OriginatedTime uint32
	PeerIP         netip.Addr
	PeerAS         uint32
	Attrs          []byte // path attributes; decode with Attributes.Decode(Attrs, Caps())
}

// Caps returns the encoding of the attributes: 4-byte AS numbers for the
// subtypes 3 and 4.
func (t *TableDump) Caps() Caps {
	return Caps{AS4: t.Subtype == TableDumpIPv4AS4 || t.Subtype == TableDumpIPv6AS4}
}

// Decode decodes a TABLE_DUMP record into t.
func (t *TableDump) Decode(rec *Record) error {
	*t = TableDump{Subtype: rec.Subtype}
	var alen, aslen int
	switch rec.Subtype {
	case TableDumpIPv4:
		alen, aslen = 4, 2
	case TableDumpIPv6:
		alen, aslen = 16, 2
	case TableDumpIPv4AS4:
		alen, aslen = 4, 4
	case TableDumpIPv6AS4:
		alen, aslen = 16, 4
	default:
		return unsupported(rec)
	}
	b := rec.Body
	need := 4 + alen + 2 + 4 + alen + aslen + 2
	if len(b) < need {
		return corrupt("TABLE_DUMP entry of %d bytes, want at least %d", len(b), need)
	}
	t.View = binary.BigEndian.Uint16(b)
	t.Sequence = binary.BigEndian.Uint16(b[2:])
	addr := addrFrom(b[4 : 4+alen])
	i := 4 + alen
	bits := int(b[i])
	if bits > alen*8 {
		return corrupt("TABLE_DUMP prefix length %d", bits)
	}
	t.Prefix = netip.PrefixFrom(addr, bits)
	t.Status = b[i+1]
	t.OriginatedTime = binary.BigEndian.Uint32(b[i+2:])
	i += 6
	t.PeerIP = addrFrom(b[i : i+alen])
	i += alen
	t.PeerAS = readAS(b[i:], aslen)
	i += aslen
	n := int(binary.BigEndian.Uint16(b[i:]))
	i += 2
	if len(b)-i < n {
		return corrupt("TABLE_DUMP attribute length %d, %d bytes left", n, len(b)-i)
	}
	t.Attrs = b[i : i+n]
	return nil
}

// PeerIndex is a decoded PEER_INDEX_TABLE record (RFC 6396 4.3.1), which
// the RIB records after it refer to by position.
type PeerIndex struct {
	CollectorID netip.Addr
	ViewName    string
	Peers       []Peer
}

// Peer is one entry of a PEER_INDEX_TABLE.
type Peer struct {
	BGPID netip.Addr
	IP    netip.Addr
	AS    uint32
}

// DecodePeerIndex decodes a TABLE_DUMP_V2 PEER_INDEX_TABLE record.
func DecodePeerIndex(rec *Record) (*PeerIndex, error) {
	if rec.Type != TypeTableDumpV2 || rec.Subtype != PeerIndexTable {
		return nil, unsupported(rec)
	}
	b := rec.Body
	if len(b) < 6 {
		return nil, corrupt("PEER_INDEX_TABLE of %d bytes", len(b))
	}
	t := &PeerIndex{CollectorID: addrFrom(b[:4])}
	vl := int(binary.BigEndian.Uint16(b[4:]))
	if len(b) < 6+vl+2 {
		return nil, corrupt("PEER_INDEX_TABLE: view name of %d bytes runs past the record", vl)
	}
	t.ViewName = string(b[6 : 6+vl])
	i := 6 + vl
	count := int(binary.BigEndian.Uint16(b[i:]))
	i += 2
	// Each peer takes at least 11 bytes: do not trust count for the allocation.
	t.Peers = make([]Peer, 0, min(count, (len(b)-i)/11))
	for range count {
		if i >= len(b) {
			return nil, corrupt("PEER_INDEX_TABLE: %d peers announced, %d found", count, len(t.Peers))
		}
		typ := b[i]
		alen, aslen := 4, 2
		if typ&1 != 0 {
			alen = 16
		}
		if typ&2 != 0 {
			aslen = 4
		}
		if len(b)-i < 1+4+alen+aslen {
			return nil, corrupt("PEER_INDEX_TABLE: peer %d runs past the record", len(t.Peers))
		}
		p := Peer{BGPID: addrFrom(b[i+1 : i+5]), IP: addrFrom(b[i+5 : i+5+alen])}
		p.AS = readAS(b[i+5+alen:], aslen)
		t.Peers = append(t.Peers, p)
		i += 1 + 4 + alen + aslen
	}
	return t, nil
}

// RIB is a decoded TABLE_DUMP_V2 RIB record (RFC 6396 4.3.2-3, RFC 8050):
// the routes of all peers to one prefix. Like Update it can be reused.
type RIB struct {
	Subtype  uint16
	Sequence uint32
	AFI      uint16
	SAFI     uint8
	// Prefix is the route's prefix, for all subtypes but RIB_GENERIC of an
	// address family other than IPv4 and IPv6 unicast and multicast.
	Prefix netip.Prefix
	// NLRI is the NLRI field of RIB_GENERIC records as written.
	NLRI    []byte
	Entries []RIBEntry
}

// RIBEntry is the route of one peer.
type RIBEntry struct {
	PeerIndex      uint16 // position in the PEER_INDEX_TABLE
	OriginatedTime uint32
	PathID         uint32 // ADD-PATH subtypes only
	Attrs          []byte // path attributes; decode with Attributes.Decode(Attrs, Caps{AS4: true})
}

// AddPath reports whether the record is of an ADD-PATH subtype (RFC 8050).
func (r *RIB) AddPath() bool {
	return r.Subtype >= RIBIPv4UnicastAddPath && r.Subtype <= RIBGenericAddPath
}

// Decode decodes a TABLE_DUMP_V2 RIB record into r.
func (r *RIB) Decode(rec *Record) error {
	entries := r.Entries[:0]
	*r = RIB{Subtype: rec.Subtype, Entries: entries}
	if rec.Type != TypeTableDumpV2 {
		return unsupported(rec)
	}
	switch rec.Subtype {
	case RIBIPv4Unicast, RIBIPv4UnicastAddPath:
		r.AFI, r.SAFI = AFIIPv4, SAFIUnicast
	case RIBIPv4Multicast, RIBIPv4MulticastAddPath:
		r.AFI, r.SAFI = AFIIPv4, SAFIMulticast
	case RIBIPv6Unicast, RIBIPv6UnicastAddPath:
		r.AFI, r.SAFI = AFIIPv6, SAFIUnicast
	case RIBIPv6Multicast, RIBIPv6MulticastAddPath:
		r.AFI, r.SAFI = AFIIPv6, SAFIMulticast
	case RIBGeneric, RIBGenericAddPath:
	default:
		return unsupported(rec)
	}
	b := rec.Body
	if len(b) < 4 {
		return corrupt("RIB record of %d bytes", len(b))
	}
	r.Sequence = binary.BigEndian.Uint32(b)
	i := 4
	if r.AFI == 0 {
		if len(b) < 7 {
			return corrupt("RIB_GENERIC record of %d bytes", len(b))
		}
		r.AFI, r.SAFI = binary.BigEndian.Uint16(b[4:]), b[6]
		i = 7
	}
	if len(b)-i < 1 {
		return corrupt("RIB record: prefix runs past the record")
	}
	if decodedFamily(r.AFI, r.SAFI) {
		bits := int(b[i])
		n := (bits + 7) / 8
		if len(b)-i-1 < n {
			return corrupt("RIB record: /%d prefix runs past the record", bits)
		}
		p, err := prefixFrom(b[i+1:i+1+n], bits, r.AFI)
		if err != nil {
			return err
		}
		r.Prefix = p
		r.NLRI = b[i : i+1+n]
		i += 1 + n
	} else {
		// Other families encode NLRI their own way (labels, route
		// distinguishers); only a plain length-prefixed NLRI can be
		// skipped here.
		bits := int(b[i])
		n := (bits + 7) / 8
		if len(b)-i-1 < n {
			return corrupt("RIB_GENERIC: NLRI runs past the record")
		}
		r.NLRI = b[i : i+1+n]
		i += 1 + n
	}
	if len(b)-i < 2 {
		return corrupt("RIB record: entry count runs past the record")
	}
	count := int(binary.BigEndian.Uint16(b[i:]))
	i += 2
	addPath := r.AddPath()
	for range count {
		need := 8
		if addPath {
			need = 12
		}
		if len(b)-i < need {
			return corrupt("RIB record: %d entries announced, entry %d runs past the record", count, len(r.Entries))
		}
		e := RIBEntry{PeerIndex: binary.BigEndian.Uint16(b[i:]), OriginatedTime: binary.BigEndian.Uint32(b[i+2:])}
		i += 6
		if addPath {
			e.PathID = binary.BigEndian.Uint32(b[i:])
			i += 4
		}
		n := int(binary.BigEndian.Uint16(b[i:]))
		i += 2
		if len(b)-i < n {
			return corrupt("RIB record: attributes of entry %d run past the record", len(r.Entries))
		}
		e.Attrs = b[i : i+n]
		i += n
		r.Entries = append(r.Entries, e)
	}
	return nil
}
