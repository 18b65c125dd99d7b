package mrt

import (
	"encoding/binary"
	"iter"
	"net/netip"
	"strconv"
)

// AttrType is a BGP path attribute type code.
type AttrType uint8

// Path attribute type codes (IANA "BGP Path Attributes").
const (
	AttrOrigin           AttrType = 1
	AttrASPath           AttrType = 2
	AttrNextHop          AttrType = 3
	AttrMED              AttrType = 4
	AttrLocalPref        AttrType = 5
	AttrAtomicAggregate  AttrType = 6
	AttrAggregator       AttrType = 7
	AttrCommunities      AttrType = 8
	AttrOriginatorID     AttrType = 9
	AttrClusterList      AttrType = 10
	AttrMPReach          AttrType = 14
	AttrMPUnreach        AttrType = 15
	AttrExtCommunities   AttrType = 16
	AttrAS4Path          AttrType = 17
	AttrAS4Aggregator    AttrType = 18
	AttrLargeCommunities AttrType = 32
)

// Caps are the session properties that change how a BGP message is encoded:
// 4-byte AS numbers (RFC 6793) and ADD-PATH path identifiers (RFC 7911).
type Caps struct {
	AS4     bool
	AddPath bool
}

// Attributes are the decoded path attributes of an UPDATE or a RIB entry.
// Slices point into the decoded bytes and are valid as long as those are.
// An Attributes value can be reused: Decode resets it and keeps its
// allocated space, so a loop over many records does not allocate.
type Attributes struct {
	present [4]uint64 // one bit per type code

	Origin           uint8 // 0 IGP, 1 EGP, 2 INCOMPLETE
	ASPath           ASPath
	AS4Path          ASPath // AS4_PATH, always with 4-byte AS numbers
	NextHop          netip.Addr
	MED              uint32
	LocalPref        uint32
	Aggregator       Aggregator
	AS4Aggregator    Aggregator
	Communities      Communities
	LargeCommunities LargeCommunities
	OriginatorID     netip.Addr
	ClusterList      []byte // 4-byte cluster IDs
	MPReach          []MPReach
	MPUnreach        []MPUnreach
	Other            []RawAttr // attributes not interpreted above

	rawNLRI bool // leave MP NLRI undecoded, for the Formatter
}

// RawAttr is a path attribute as written.
type RawAttr struct {
	Flags uint8
	Type  AttrType
	Value []byte
}

// Aggregator is the AGGREGATOR or AS4_AGGREGATOR attribute.
type Aggregator struct {
	AS   uint32
	Addr netip.Addr
}

// MPReach is an MP_REACH_NLRI attribute (RFC 4760). In TABLE_DUMP_V2 RIB
// entries it is abbreviated to the next hop (RFC 6396 4.3.4): then
// Abbreviated is set and AFI and SAFI are zero.
type MPReach struct {
	AFI          uint16
	SAFI         uint8
	Abbreviated  bool
	NextHopBytes []byte     // the next hop field as written
	NextHop      netip.Addr // the global next hop, if 4, 16 or 32 bytes long
	LinkLocal    netip.Addr // the IPv6 link-local next hop of a 32-byte field
	NLRI         []NLRI     // decoded for AFI 1 and 2 with SAFI 1, 2 or 3
	NLRIBytes    []byte     // the NLRI field as written
}

// MPUnreach is an MP_UNREACH_NLRI attribute (RFC 4760).
type MPUnreach struct {
	AFI       uint16
	SAFI      uint8
	NLRI      []NLRI // decoded for AFI 1 and 2 with SAFI 1, 2 or 3
	NLRIBytes []byte // the withdrawn routes as written
}

// Has reports whether the attribute of type t was present.
func (a *Attributes) Has(t AttrType) bool { return a.present[t>>6]&(1<<(t&63)) != 0 }

func (a *Attributes) set(t AttrType) { a.present[t>>6] |= 1 << (t & 63) }

// reset empties a, keeping the space of its slices.
func (a *Attributes) reset() {
	reach, unreach, other := a.MPReach[:0], a.MPUnreach[:0], a.Other[:0]
	*a = Attributes{MPReach: reach, MPUnreach: unreach, Other: other, rawNLRI: a.rawNLRI}
}

// Decode decodes the path attributes in b (RFC 4271 4.3, without the
// total length field). It returns an error wrapping ErrCorrupt when an
// attribute runs past b, or an MP_(UN)REACH_NLRI is malformed. Like bgpdump
// it reads a fixed-size attribute that is too short as if padded with
// zeros, and ignores extra bytes.
func (a *Attributes) Decode(b []byte, caps Caps) error {
	a.reset()
	for i := 0; i < len(b); {
		if len(b)-i < 3 {
			return corrupt("path attribute header runs past the attributes (%d bytes left)", len(b)-i)
		}
		flags, typ := b[i], AttrType(b[i+1])
		var n int
		if flags&0x10 != 0 {
			if len(b)-i < 4 {
				return corrupt("path attribute %d: extended length runs past the attributes", typ)
			}
			n = int(binary.BigEndian.Uint16(b[i+2:]))
			i += 4
		} else {
			n = int(b[i+2])
			i += 3
		}
		if len(b)-i < n {
			return corrupt("path attribute %s: length %d, %d bytes left", attrName(typ), n, len(b)-i)
		}
		if err := a.decodeOne(flags, typ, b[i:i+n], caps); err != nil {
			return err
		}
		i += n
	}
	return nil
}

func (a *Attributes) decodeOne(flags uint8, typ AttrType, v []byte, caps Caps) error {
	// Fixed-size attributes are read as bgpdump reads them: a short value
	// is padded with zeros and extra bytes are ignored. OpenBGPD, for one,
	// writes 8-byte AGGREGATORs into 2-byte-AS TABLE_DUMP records.
	var pad [8]byte
	fixed := func(n int) []byte {
		if len(v) >= n {
			return v
		}
		copy(pad[:], v)
		return pad[:n]
	}
	switch typ {
	case AttrOrigin:
		a.Origin = fixed(1)[0]
	case AttrASPath:
		a.ASPath = ASPath{Data: v, AS4: caps.AS4}
	case AttrAS4Path:
		a.AS4Path = ASPath{Data: v, AS4: true}
	case AttrNextHop:
		a.NextHop = addrFrom(fixed(4)[:4])
	case AttrMED:
		a.MED = binary.BigEndian.Uint32(fixed(4))
	case AttrLocalPref:
		a.LocalPref = binary.BigEndian.Uint32(fixed(4))
	case AttrAtomicAggregate:
	case AttrAggregator:
		asLen := 2
		if caps.AS4 {
			asLen = 4
		}
		b := fixed(asLen + 4)
		a.Aggregator = Aggregator{AS: readAS(b, asLen), Addr: addrFrom(b[asLen : asLen+4])}
	case AttrAS4Aggregator:
		b := fixed(8)
		a.AS4Aggregator = Aggregator{AS: binary.BigEndian.Uint32(b), Addr: addrFrom(b[4:8])}
	case AttrCommunities:
		a.Communities = Communities(v)
	case AttrLargeCommunities:
		a.LargeCommunities = LargeCommunities(v)
	case AttrOriginatorID:
		a.OriginatorID = addrFrom(fixed(4)[:4])
	case AttrClusterList:
		a.ClusterList = v
	case AttrMPReach:
		if err := a.decodeMPReach(v, caps); err != nil {
			return err
		}
	case AttrMPUnreach:
		if err := a.decodeMPUnreach(v, caps); err != nil {
			return err
		}
	default:
		a.Other = append(a.Other, RawAttr{Flags: flags, Type: typ, Value: v})
	}
	a.set(typ)
	return nil
}

func readAS(b []byte, n int) uint32 {
	if n == 2 {
		return uint32(binary.BigEndian.Uint16(b))
	}
	return binary.BigEndian.Uint32(b)
}

// decodedFamily reports whether this package decodes the NLRI of the
// address family: IPv4 and IPv6 unicast and multicast.
func decodedFamily(afi uint16, safi uint8) bool {
	return (afi == AFIIPv4 || afi == AFIIPv6) && safi >= SAFIUnicast && safi <= SAFIUnicastMulticast
}

func (a *Attributes) decodeMPReach(v []byte, caps Caps) error {
	n := len(a.MPReach)
	if n < cap(a.MPReach) {
		a.MPReach = a.MPReach[:n+1]
	} else {
		a.MPReach = append(a.MPReach, MPReach{})
	}
	m := &a.MPReach[n]
	nlri := m.NLRI[:0]
	*m = MPReach{}
	if len(v) == 0 {
		return corrupt("MP_REACH_NLRI is empty")
	}
	// RIB entries carry only the next hop length and next hop; a full
	// attribute starts with an AFI, whose first byte is 0 for every AFI in
	// use. This is the test bgpdump makes too.
	if v[0] != 0 {
		l := int(v[0])
		if len(v) < 1+l {
			return corrupt("MP_REACH_NLRI: next hop of %d bytes runs past the attribute", l)
		}
		m.Abbreviated = true
		m.setNextHop(v[1 : 1+l])
		m.NLRI = nlri
		return nil
	}
	if len(v) < 5 {
		return corrupt("MP_REACH_NLRI: %d bytes, too short for AFI, SAFI and next hop length", len(v))
	}
	m.AFI, m.SAFI = binary.BigEndian.Uint16(v), v[2]
	l := int(v[3])
	if len(v) < 4+l+1 {
		return corrupt("MP_REACH_NLRI: next hop of %d bytes runs past the attribute", l)
	}
	m.setNextHop(v[4 : 4+l])
	rest := v[4+l+1:] // skip the reserved byte (the SNPA count of RFC 2858, always 0)
	m.NLRIBytes, m.NLRI = rest, nlri
	if a.rawNLRI || !decodedFamily(m.AFI, m.SAFI) {
		return nil
	}
	var err error
	m.NLRI, err = appendPrefixes(nlri, rest, m.AFI, caps.AddPath)
	if err != nil {
		return within("MP_REACH_NLRI", err)
	}
	return nil
}

func (m *MPReach) setNextHop(nh []byte) {
	m.NextHopBytes = nh
	switch len(nh) {
	case 4, 16:
		m.NextHop = addrFrom(nh)
	case 32:
		m.NextHop, m.LinkLocal = addrFrom(nh[:16]), addrFrom(nh[16:])
	}
}

func (a *Attributes) decodeMPUnreach(v []byte, caps Caps) error {
	n := len(a.MPUnreach)
	if n < cap(a.MPUnreach) {
		a.MPUnreach = a.MPUnreach[:n+1]
	} else {
		a.MPUnreach = append(a.MPUnreach, MPUnreach{})
	}
	m := &a.MPUnreach[n]
	nlri := m.NLRI[:0]
	*m = MPUnreach{}
	if len(v) < 3 {
		return corrupt("MP_UNREACH_NLRI: %d bytes, too short for AFI and SAFI", len(v))
	}
	m.AFI, m.SAFI = binary.BigEndian.Uint16(v), v[2]
	m.NLRIBytes, m.NLRI = v[3:], nlri
	if a.rawNLRI || !decodedFamily(m.AFI, m.SAFI) {
		return nil
	}
	var err error
	m.NLRI, err = appendPrefixes(nlri, v[3:], m.AFI, caps.AddPath)
	if err != nil {
		return within("MP_UNREACH_NLRI", err)
	}
	return nil
}

var attrNames = map[AttrType]string{
	AttrOrigin: "ORIGIN", AttrASPath: "AS_PATH", AttrNextHop: "NEXT_HOP", AttrMED: "MULTI_EXIT_DISC",
	AttrLocalPref: "LOCAL_PREF", AttrAtomicAggregate: "ATOMIC_AGGREGATE", AttrAggregator: "AGGREGATOR",
	AttrCommunities: "COMMUNITIES", AttrOriginatorID: "ORIGINATOR_ID", AttrClusterList: "CLUSTER_LIST",
	AttrMPReach: "MP_REACH_NLRI", AttrMPUnreach: "MP_UNREACH_NLRI", AttrExtCommunities: "EXTENDED_COMMUNITIES",
	AttrAS4Path: "AS4_PATH", AttrAS4Aggregator: "AS4_AGGREGATOR", AttrLargeCommunities: "LARGE_COMMUNITY",
}

func attrName(t AttrType) string {
	if s, ok := attrNames[t]; ok {
		return s
	}
	return strconv.Itoa(int(t))
}

// String returns the IANA name of the attribute type, or its number.
func (t AttrType) String() string { return attrName(t) }

// AS path segment types (RFC 4271, RFC 5065).
const (
	ASSet            uint8 = 1
	ASSequence       uint8 = 2
	ASConfedSequence uint8 = 3
	ASConfedSet      uint8 = 4
)

// ASPath is an AS_PATH or AS4_PATH attribute as written: segments of a type
// byte, a count byte and count AS numbers of 2 or 4 bytes.
type ASPath struct {
	Data []byte
	AS4  bool // 4-byte AS numbers
}

// Valid reports whether the path is a well-formed sequence of segments of
// known types.
func (p ASPath) Valid() bool {
	ok := true
	for range p.segments(&ok) {
	}
	return ok
}

// Segments yields each segment's type and AS numbers. The slice is reused
// between segments. It stops early at a malformed segment (see Valid).
func (p ASPath) Segments() iter.Seq2[uint8, []uint32] {
	ok := true
	return p.segments(&ok)
}

func (p ASPath) segments(ok *bool) iter.Seq2[uint8, []uint32] {
	return func(yield func(uint8, []uint32) bool) {
		size := 2
		if p.AS4 {
			size = 4
		}
		var asns []uint32
		for b := p.Data; len(b) > 0; {
			if len(b) < 2 || b[0] < ASSet || b[0] > ASConfedSet || len(b) < 2+int(b[1])*size {
				*ok = false
				return
			}
			t, n := b[0], int(b[1])
			asns = asns[:0]
			for i := range n {
				asns = append(asns, readAS(b[2+i*size:], size))
			}
			if !yield(t, asns) {
				return
			}
			b = b[2+n*size:]
		}
	}
}

// Communities is a COMMUNITIES attribute (RFC 1997): 4-byte values, the
// high 16 bits an AS number and the low 16 bits a value.
type Communities []byte

// Len returns the number of communities.
func (c Communities) Len() int { return len(c) / 4 }

// At returns the i-th community.
func (c Communities) At(i int) uint32 { return binary.BigEndian.Uint32(c[4*i:]) }

// All yields the communities in order.
func (c Communities) All() iter.Seq[uint32] {
	return func(yield func(uint32) bool) {
		for i := range c.Len() {
			if !yield(c.At(i)) {
				return
			}
		}
	}
}

// LargeCommunity is one BGP large community (RFC 8092).
type LargeCommunity struct{ Global, Local1, Local2 uint32 }

// LargeCommunities is a LARGE_COMMUNITY attribute: 12-byte values.
type LargeCommunities []byte

// Len returns the number of large communities.
func (c LargeCommunities) Len() int { return len(c) / 12 }

// At returns the i-th large community.
func (c LargeCommunities) At(i int) LargeCommunity {
	b := c[12*i:]
	return LargeCommunity{binary.BigEndian.Uint32(b), binary.BigEndian.Uint32(b[4:]), binary.BigEndian.Uint32(b[8:])}
}
