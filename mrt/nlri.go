package mrt

import (
	"encoding/binary"
	"net/netip"
)

// NLRI is one prefix of a BGP UPDATE or MP_(UN)REACH_NLRI attribute, with
// its ADD-PATH path identifier (RFC 7911) when the session uses ADD-PATH.
type NLRI struct {
	Prefix netip.Prefix
	PathID uint32
}

// appendPrefixes decodes the prefixes of an NLRI field (RFC 4271 4.3) of the
// given address family and appends them to dst. Bits beyond the prefix
// length are cleared, as RFC 4271 says they are irrelevant.
func appendPrefixes(dst []NLRI, b []byte, afi uint16, addPath bool) ([]NLRI, error) {
	maxBits := 32
	if afi == AFIIPv6 {
		maxBits = 128
	}
	for i := 0; i < len(b); {
		var id uint32
		if addPath {
			if len(b)-i < 5 {
				return dst, corrupt("path identifier runs past the field (%d bytes left)", len(b)-i)
			}
			id = binary.BigEndian.Uint32(b[i:])
			i += 4
		}
		bits := int(b[i])
		i++
		if bits > maxBits {
			return dst, corrupt("prefix length %d is longer than %d", bits, maxBits)
		}
		n := (bits + 7) / 8
		if len(b)-i < n {
			return dst, corrupt("/%d prefix needs %d bytes, %d left", bits, n, len(b)-i)
		}
		p, err := prefixFrom(b[i:i+n], bits, afi)
		if err != nil {
			return dst, err
		}
		dst = append(dst, NLRI{Prefix: p, PathID: id})
		i += n
	}
	return dst, nil
}

// prefixFrom builds a prefix from the leading bytes of an address, clearing
// the bits past the prefix length.
func prefixFrom(b []byte, bits int, afi uint16) (netip.Prefix, error) {
	maxBits := 32
	switch afi {
	case AFIIPv4:
	case AFIIPv6:
		maxBits = 128
	default:
		return netip.Prefix{}, corrupt("unknown address family %d", afi)
	}
	if bits > maxBits {
		return netip.Prefix{}, corrupt("prefix length %d is longer than %d", bits, maxBits)
	}
	var a [16]byte
	copy(a[:], b)
	if bits%8 != 0 {
		a[bits/8] &= 0xff << (8 - bits%8)
	}
	if afi == AFIIPv4 {
		return netip.PrefixFrom(netip.AddrFrom4([4]byte(a[:4])), bits), nil
	}
	return netip.PrefixFrom(netip.AddrFrom16(a), bits), nil
}

// addrFrom returns the IPv4 or IPv6 address in b, which must be 4 or 16 bytes.
func addrFrom(b []byte) netip.Addr {
	if len(b) == 4 {
		return netip.AddrFrom4([4]byte(b))
	}
	return netip.AddrFrom16([16]byte(b))
}
