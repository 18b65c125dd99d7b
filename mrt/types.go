package mrt

import "strconv"

// Type is the MRT record type (RFC 6396 section 4).
type Type uint16

// Record types. Only the ones this package decodes are named; others are
// passed through as raw records.
const (
	TypeBGP         Type = 5  // the MRTd BGP type, deprecated
	TypeTableDump   Type = 12 // TABLE_DUMP: one RIB entry per record
	TypeTableDumpV2 Type = 13 // TABLE_DUMP_V2: peer index table and RIB records
	TypeBGP4MP      Type = 16 // BGP4MP: BGP messages and state changes
	TypeBGP4MPET    Type = 17 // BGP4MP_ET: BGP4MP with a microsecond timestamp
)

var typeNames = map[Type]string{
	TypeBGP:         "BGP",
	TypeTableDump:   "TABLE_DUMP",
	TypeTableDumpV2: "TABLE_DUMP_V2",
	TypeBGP4MP:      "BGP4MP",
	TypeBGP4MPET:    "BGP4MP_ET",
	11:              "OSPFv2",
	32:              "ISIS",
	33:              "ISIS_ET",
	48:              "OSPFv3",
	49:              "OSPFv3_ET",
}

// String returns the RFC 6396 name of the type, or its number.
func (t Type) String() string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return "type " + strconv.Itoa(int(t))
}

// hasMicroseconds reports whether records of type t carry the extended
// timestamp field (the _ET types).
func (t Type) hasMicroseconds() bool { return t == TypeBGP4MPET || t == 33 || t == 49 }

// TABLE_DUMP subtypes. 3 and 4 are not in RFC 6396 but are written by some
// collectors for entries with 4-byte AS numbers.
const (
	TableDumpIPv4    uint16 = 1
	TableDumpIPv6    uint16 = 2
	TableDumpIPv4AS4 uint16 = 3
	TableDumpIPv6AS4 uint16 = 4
)

// TABLE_DUMP_V2 subtypes (RFC 6396 section 4.3, RFC 8050).
const (
	PeerIndexTable          uint16 = 1
	RIBIPv4Unicast          uint16 = 2
	RIBIPv4Multicast        uint16 = 3
	RIBIPv6Unicast          uint16 = 4
	RIBIPv6Multicast        uint16 = 5
	RIBGeneric              uint16 = 6
	RIBIPv4UnicastAddPath   uint16 = 8
	RIBIPv4MulticastAddPath uint16 = 9
	RIBIPv6UnicastAddPath   uint16 = 10
	RIBIPv6MulticastAddPath uint16 = 11
	RIBGenericAddPath       uint16 = 12
)

// BGP4MP and BGP4MP_ET subtypes (RFC 6396 section 4.4, RFC 8050).
const (
	BGP4MPStateChange            uint16 = 0
	BGP4MPMessage                uint16 = 1
	BGP4MPEntry                  uint16 = 2 // from the MRT drafts; written by OpenBGPD
	BGP4MPSnapshot               uint16 = 3
	BGP4MPMessageAS4             uint16 = 4
	BGP4MPStateChangeAS4         uint16 = 5
	BGP4MPMessageLocal           uint16 = 6
	BGP4MPMessageAS4Local        uint16 = 7
	BGP4MPMessageAddPath         uint16 = 8
	BGP4MPMessageAS4AddPath      uint16 = 9
	BGP4MPMessageLocalAddPath    uint16 = 10
	BGP4MPMessageAS4LocalAddPath uint16 = 11
)

var subtypeNames = map[Type]map[uint16]string{
	TypeTableDump: {1: "AFI_IPv4", 2: "AFI_IPv6", 3: "AFI_IPv4_AS4", 4: "AFI_IPv6_AS4"},
	TypeTableDumpV2: {
		1: "PEER_INDEX_TABLE", 2: "RIB_IPV4_UNICAST", 3: "RIB_IPV4_MULTICAST",
		4: "RIB_IPV6_UNICAST", 5: "RIB_IPV6_MULTICAST", 6: "RIB_GENERIC",
		8: "RIB_IPV4_UNICAST_ADDPATH", 9: "RIB_IPV4_MULTICAST_ADDPATH",
		10: "RIB_IPV6_UNICAST_ADDPATH", 11: "RIB_IPV6_MULTICAST_ADDPATH",
		12: "RIB_GENERIC_ADDPATH",
	},
	TypeBGP4MP: {
		0: "STATE_CHANGE", 1: "MESSAGE", 2: "ENTRY", 3: "SNAPSHOT", 4: "MESSAGE_AS4",
		5: "STATE_CHANGE_AS4", 6: "MESSAGE_LOCAL", 7: "MESSAGE_AS4_LOCAL",
		8: "MESSAGE_ADDPATH", 9: "MESSAGE_AS4_ADDPATH", 10: "MESSAGE_LOCAL_ADDPATH",
		11: "MESSAGE_AS4_LOCAL_ADDPATH",
	},
}

// SubtypeName returns the RFC 6396 name of subtype s of type t, or its number.
func SubtypeName(t Type, s uint16) string {
	if t == TypeBGP4MPET {
		t = TypeBGP4MP
	}
	if n, ok := subtypeNames[t][s]; ok {
		return n
	}
	return strconv.Itoa(int(s))
}

// AFI and SAFI values used in MP_REACH_NLRI, MP_UNREACH_NLRI and RIB_GENERIC.
const (
	AFIIPv4 uint16 = 1
	AFIIPv6 uint16 = 2

	SAFIUnicast          uint8 = 1
	SAFIMulticast        uint8 = 2
	SAFIUnicastMulticast uint8 = 3 // obsolete, still seen in old dumps
)
