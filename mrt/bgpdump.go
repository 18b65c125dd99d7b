package mrt

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"strconv"
)

// Formatter writes records as the lines `bgpdump -m` prints for them, byte
// for byte, including bgpdump's quirks (see docs/mrt.md). Records that
// bgpdump prints nothing for (OPEN, KEEPALIVE, NOTIFICATION, PEER_INDEX_TABLE,
// multicast and generic RIB records, BGP4MP_ENTRY, unknown types) give no
// lines and no error.
//
// A Formatter remembers the last PEER_INDEX_TABLE it saw, which the RIB
// records after it refer to. It reuses its decoding space between records
// and is not safe for concurrent use: give each goroutine its own.
type Formatter struct {
	opt   FormatOptions
	peers *PeerIndex
	msg   BGP4MP
	pfx   []bgpPrefix
	nh    []byte
	rib   RIB
	td    TableDump
	attrs Attributes

	head []byte // "TYPE|time|A|peer|as|" of the current line group
	tail []byte // "|aspath|origin|nexthop|…|\n" of the current line group
	path []byte // AS path text
	tmp  []byte // AS4 path merging
}

// FormatOptions change a Formatter's output.
type FormatOptions struct {
	// MaskTrailingBits clears the bits of UPDATE prefixes beyond their
	// length (11.13.0.0/13 becomes 11.8.0.0/13), as bgpdump does after
	// version 1.6.2. Without it the output is that of bgpdump 1.6.2.
	MaskTrailingBits bool
}

// NewFormatter returns a Formatter.
func NewFormatter(opt FormatOptions) *Formatter {
	f := &Formatter{opt: opt}
	f.attrs.rawNLRI = true
	return f
}

// SetPeerIndex sets the peer table that RIB records refer to, as if the
// PEER_INDEX_TABLE record it was decoded from had just been formatted.
func (f *Formatter) SetPeerIndex(p *PeerIndex) { f.peers = p }

// errNoPeerIndex is returned for RIB records before any PEER_INDEX_TABLE.
var errNoPeerIndex = corrupt("RIB record before any PEER_INDEX_TABLE")

// Append appends the lines of rec to dst. On error it returns dst as it was
// and an error that wraps ErrCorrupt; it never writes part of a record.
func (f *Formatter) Append(dst []byte, rec *Record) ([]byte, error) {
	n := len(dst)
	out, err := f.append(dst, rec)
	if err != nil {
		return dst[:n], err
	}
	return out, nil
}

func (f *Formatter) append(dst []byte, rec *Record) ([]byte, error) {
	switch rec.Type {
	case TypeTableDump:
		return f.tableDump(dst, rec)
	case TypeTableDumpV2:
		switch rec.Subtype {
		case PeerIndexTable:
			p, err := DecodePeerIndex(rec)
			if err != nil {
				return dst, err
			}
			f.peers = p
			return dst, nil
		case RIBIPv4Unicast, RIBIPv6Unicast, RIBIPv4UnicastAddPath, RIBIPv6UnicastAddPath:
			return f.ribLines(dst, rec)
		}
		// bgpdump skips multicast and generic RIB records; check them all the same.
		if err := f.rib.Decode(rec); err != nil && !errors.Is(err, ErrUnsupported) {
			return dst, err
		}
		return dst, nil
	case TypeBGP4MP, TypeBGP4MPET:
		if err := f.msg.Decode(rec); err != nil {
			if errors.Is(err, ErrUnsupported) {
				return dst, nil
			}
			return dst, err
		}
		if f.msg.IsStateChange() {
			return f.stateLine(dst, rec), nil
		}
		typ, body, _ := ParseMessage(f.msg.Message)
		if typ != MsgUpdate {
			return dst, nil
		}
		wd, attrs, nlri, err := splitUpdate(body)
		if err != nil {
			return dst, err
		}
		if err := f.attrs.Decode(attrs, f.msg.Caps()); err != nil {
			return dst, err
		}
		return f.updateLines(dst, rec, wd, nlri), nil
	}
	return dst, nil
}

// appendTime appends the timestamp as bgpdump -m prints it: seconds, and
// for BGP4MP_ET records a dot and six digits of microseconds.
func appendTime(dst []byte, rec *Record, micro bool) []byte {
	dst = strconv.AppendUint(dst, uint64(rec.Timestamp), 10)
	if micro {
		dst = append(dst, '.')
		us := rec.Microseconds
		for d := uint32(100000); d > 1 && us < d; d /= 10 {
			dst = append(dst, '0')
		}
		dst = strconv.AppendUint(dst, uint64(us), 10)
	}
	return dst
}

func (f *Formatter) stateLine(dst []byte, rec *Record) []byte {
	m := &f.msg
	if rec.Type == TypeBGP4MPET {
		dst = append(dst, "BGP4MP_ET|"...)
	} else {
		dst = append(dst, "BGP4MP|"...)
	}
	dst = appendTime(dst, rec, rec.Type == TypeBGP4MPET)
	dst = append(dst, "|STATE|"...)
	dst = appendAddr(dst, m.PeerIP)
	dst = append(dst, '|')
	dst = strconv.AppendUint(dst, uint64(m.PeerAS), 10)
	dst = append(dst, '|')
	dst = strconv.AppendUint(dst, uint64(m.OldState), 10)
	dst = append(dst, '|')
	dst = strconv.AppendUint(dst, uint64(m.NewState), 10)
	return append(dst, '\n')
}

// appendAddr formats an address the way bgpdump does for its family.
func appendAddr(dst []byte, a netip.Addr) []byte {
	if a.Is4() {
		return appendIPv4(dst, a.As4())
	}
	return appendIPv6(dst, a.As16())
}

// padded16 returns an IPv4 address as bgpdump's address union holds it when
// it is printed as IPv6: the four bytes followed by zeros.
func padded16(a netip.Addr) [16]byte {
	var b [16]byte
	if a.Is4() {
		v := a.As4()
		copy(b[:], v[:])
		return b
	}
	return a.As16()
}

func (f *Formatter) updateLines(dst []byte, rec *Record, withdrawn, nlri []byte) []byte {
	m := &f.msg
	a := &f.attrs
	caps := m.Caps()
	et := rec.Type == TypeBGP4MPET
	// bgpdump swaps the peer and local fields of the _LOCAL subtypes when it
	// reads them, and treats only MESSAGE_LOCAL and MESSAGE_AS4_LOCAL as sent
	// messages when it prints them: so it shows the first address and AS of
	// the record except for the LOCAL_ADDPATH subtypes, where it shows the
	// second.
	received := m.Subtype != BGP4MPMessageLocal && m.Subtype != BGP4MPMessageAS4Local
	ip, as := m.PeerIP, m.PeerAS
	if m.Subtype == BGP4MPMessageLocalAddPath || m.Subtype == BGP4MPMessageAS4LocalAddPath {
		ip, as = m.LocalIP, m.LocalAS
	}
	var name string
	switch {
	case et && !received:
		name = "BGP4MP_ET_LOCAL|"
	case et && caps.AddPath:
		name = "BGP4MP_ET_AP|"
	case et:
		name = "BGP4MP_ET|"
	case !received:
		name = "BGP4MP_LOCAL|"
	case caps.AddPath:
		name = "BGP4MP_AP|"
	default:
		name = "BGP4MP|"
	}
	head := func(kind string, v6quirk bool) {
		h := append(f.head[:0], name...)
		h = appendTime(h, rec, et)
		h = append(h, kind...)
		if m.AFI == AFIIPv6 || v6quirk {
			h = appendIPv6(h, padded16(ip))
		} else {
			h = appendIPv4(h, ip.As4())
		}
		h = append(h, '|')
		h = strconv.AppendUint(h, uint64(as), 10)
		f.head = append(h, '|')
	}
	lines := func(dst []byte, b []byte, afi uint16, tail []byte) []byte {
		f.pfx = f.prefixes(f.pfx[:0], b, afi, caps.AddPath)
		for i := range f.pfx {
			p := &f.pfx[i]
			dst = append(dst, f.head...)
			if afi == AFIIPv4 {
				dst = appendIPv4(dst, [4]byte(p.addr[:4]))
			} else {
				dst = appendIPv6(dst, p.addr)
			}
			dst = append(dst, '/')
			dst = strconv.AppendUint(dst, uint64(p.bits), 10)
			if caps.AddPath {
				dst = append(dst, '|')
				dst = strconv.AppendUint(dst, uint64(p.id), 10)
			}
			dst = append(dst, tail...)
		}
		return dst
	}

	// Withdrawals: the IPv4 ones, then MP_UNREACH_NLRI by AFI and SAFI.
	if len(withdrawn) > 0 || len(a.MPUnreach) > 0 {
		head("|W|", false)
		dst = lines(dst, withdrawn, AFIIPv4, nl)
		for _, fam := range families {
			u := findUnreach(a, fam)
			if u == nil || len(u.NLRIBytes) == 0 {
				continue
			}
			// The IPv6 withdrawal of a sent message over IPv4 prints the
			// local IPv4 address as if it were IPv6.
			head("|W|", fam.afi == AFIIPv6 && !received)
			dst = lines(dst, u.NLRIBytes, fam.afi, nl)
		}
	}
	if len(nlri) == 0 && len(a.MPReach) == 0 {
		return dst
	}
	f.path = f.asPathText(f.path[:0], a, caps)
	head("|A|", false)
	if len(nlri) > 0 {
		var nh [4]byte
		if a.Has(AttrNextHop) {
			nh = a.NextHop.As4()
		} else {
			nh = [4]byte{255, 255, 255, 255}
		}
		f.tail = f.appendTail(f.tail[:0], a, appendIPv4(f.nh[:0], nh), false)
		dst = lines(dst, nlri, AFIIPv4, f.tail)
	}
	for _, fam := range families {
		r := findReach(a, fam)
		if r == nil || len(r.NLRIBytes) == 0 {
			continue
		}
		signed := false
		if fam.afi == AFIIPv4 {
			var b [4]byte
			copy(b[:], r.NextHopBytes)
			f.nh = appendIPv4(f.nh[:0], b)
			signed = true // bgpdump prints LOCAL_PREF and MED with %d here
		} else {
			var b [16]byte
			copy(b[:], r.NextHopBytes)
			f.nh = appendIPv6(f.nh[:0], b)
		}
		f.tail = f.appendTail(f.tail[:0], a, f.nh, signed)
		dst = lines(dst, r.NLRIBytes, fam.afi, f.tail)
	}
	return dst
}

// bgpPrefix is a prefix as bgpdump holds it.
type bgpPrefix struct {
	addr [16]byte
	bits uint8
	id   uint32
}

// prefixes decodes an NLRI field the way bgpdump does, which matters only
// for malformed input: a prefix that runs past the field ends the list
// without an error, a length beyond the address family's is printed as
// is, and a prefix of more than 16 bytes overwrites the length (and the
// path identifier) bgpdump stores after the address.
func (f *Formatter) prefixes(dst []bgpPrefix, b []byte, afi uint16, addPath bool) []bgpPrefix {
	maxBits := 32
	if afi == AFIIPv6 {
		maxBits = 128
	}
	for i := 0; i < len(b); {
		var id uint32
		if addPath {
			var t [4]byte
			i += copy(t[:], b[i:])
			id = binary.BigEndian.Uint32(t[:])
		}
		var bits uint8
		if i < len(b) {
			bits = b[i]
			i++
		}
		n := (int(bits) + 7) / 8
		if len(b)-i < n {
			break
		}
		data := b[i : i+n]
		p := bgpPrefix{bits: bits, id: id}
		copy(p.addr[:], data)
		switch {
		case n > 16:
			p.bits = data[16]
			if n > 20 {
				var le [4]byte
				binary.LittleEndian.PutUint32(le[:], id)
				copy(le[:], data[20:min(n, 24)])
				p.id = binary.LittleEndian.Uint32(le[:])
			}
		case f.opt.MaskTrailingBits && int(bits) <= maxBits && bits%8 != 0:
			p.addr[bits/8] &= 0xff << (8 - bits%8)
		}
		dst = append(dst, p)
		i += n
	}
	return dst
}

var nl = []byte{'\n'}

type family struct {
	afi  uint16
	safi uint8
}

// families is the order in which bgpdump prints MP_(UN)REACH_NLRI routes.
var families = [...]family{{1, 1}, {1, 2}, {1, 3}, {2, 1}, {2, 2}, {2, 3}}

// findReach returns the first MP_REACH_NLRI of the family: bgpdump ignores
// a second one.
func findReach(a *Attributes, fam family) *MPReach {
	for i := range a.MPReach {
		if r := &a.MPReach[i]; !r.Abbreviated && r.AFI == fam.afi && r.SAFI == fam.safi {
			return r
		}
	}
	return nil
}

func findUnreach(a *Attributes, fam family) *MPUnreach {
	for i := range a.MPUnreach {
		if u := &a.MPUnreach[i]; u.AFI == fam.afi && u.SAFI == fam.safi {
			return u
		}
	}
	return nil
}

// appendTail appends "|aspath|origin|nexthop|lp|med|communities|AG|aggregator|\n".
// f.path must hold the AS path text and f.attrs-derived aggregator state.
func (f *Formatter) appendTail(dst []byte, a *Attributes, nexthop []byte, signed bool) []byte {
	dst = append(dst, '|')
	dst = append(dst, f.path...)
	dst = append(dst, '|')
	switch {
	case !a.Has(AttrOrigin) || a.Origin > 1:
		dst = append(dst, "INCOMPLETE"...)
	case a.Origin == 0:
		dst = append(dst, "IGP"...)
	default:
		dst = append(dst, "EGP"...)
	}
	dst = append(dst, '|')
	dst = append(dst, nexthop...)
	dst = append(dst, '|')
	var lp, med uint32
	if a.Has(AttrLocalPref) {
		lp = a.LocalPref
	}
	if a.Has(AttrMED) {
		med = a.MED
	}
	if signed {
		dst = strconv.AppendInt(dst, int64(int32(lp)), 10)
		dst = append(dst, '|')
		dst = strconv.AppendInt(dst, int64(int32(med)), 10)
	} else {
		dst = strconv.AppendUint(dst, uint64(lp), 10)
		dst = append(dst, '|')
		dst = strconv.AppendUint(dst, uint64(med), 10)
	}
	dst = append(dst, '|')
	if a.Has(AttrCommunities) {
		dst = appendCommunities(dst, a.Communities)
	}
	if a.Has(AttrAtomicAggregate) {
		dst = append(dst, "|AG|"...)
	} else {
		dst = append(dst, "|NAG|"...)
	}
	if agg, ok := f.aggregator(a); ok {
		dst = strconv.AppendUint(dst, uint64(agg.AS), 10)
		dst = append(dst, ' ')
		dst = appendIPv4(dst, agg.Addr.As4())
	}
	return append(dst, "|\n"...)
}

// aggregator returns the aggregator bgpdump prints, if any: AS4_AGGREGATOR
// replaces an AGGREGATOR of AS_TRANS (23456) in 2-byte AS sessions, and an
// aggregator address of 255.255.255.255 is taken for no aggregator at all.
func (f *Formatter) aggregator(a *Attributes) (Aggregator, bool) {
	if !a.Has(AttrAggregator) {
		return Aggregator{}, false
	}
	agg := a.Aggregator
	if !a.ASPath.AS4 && a.Has(AttrAS4Aggregator) && agg.AS == asTrans {
		agg = a.AS4Aggregator
	}
	if agg.Addr.As4() == [4]byte{255, 255, 255, 255} {
		return Aggregator{}, false
	}
	return agg, true
}

const asTrans = 23456

// appendCommunities appends the communities the way bgpdump does: it builds
// " a:b c:d" in a buffer of 8192 bytes, silently dropping what does not fit,
// and prints it without the leading space.
func appendCommunities(dst []byte, c Communities) []byte {
	const bufsiz = 8192
	start := len(dst)
	var tmp [32]byte
	for i := range c.Len() {
		blen := 0 // length of bgpdump's buffer, with its leading space
		if len(dst) > start {
			blen = len(dst) - start + 1
		}
		item := append(tmp[:0], ' ')
		switch v := c.At(i); v {
		case 0xFFFFFF01, 0xFFFFFF02, 0xFFFFFF03:
			item = append(item, [...]string{"no-export", "no-advertise", "local-AS"}[v-0xFFFFFF01]...)
			if blen+len(item) >= bufsiz {
				continue // strlcat appends nothing when it cannot append all
			}
		default:
			item = strconv.AppendUint(item, uint64(v>>16), 10)
			item = append(item, ':')
			item = strconv.AppendUint(item, uint64(v&0xffff), 10)
			if room := bufsiz - 1 - blen; len(item) > room {
				item = item[:room] // snprintf truncates
			}
		}
		if len(dst) == start {
			item = item[1:]
		}
		dst = append(dst, item...)
	}
	return dst
}

func (f *Formatter) tableDump(dst []byte, rec *Record) ([]byte, error) {
	t := &f.td
	if err := t.Decode(rec); err != nil {
		if errors.Is(err, ErrUnsupported) {
			return dst, nil
		}
		return dst, err
	}
	a := &f.attrs
	caps := t.Caps()
	if err := a.Decode(t.Attrs, caps); err != nil {
		return dst, err
	}
	dst = append(dst, "TABLE_DUMP|"...)
	dst = appendTime(dst, rec, false)
	dst = append(dst, "|B|"...)
	// bgpdump prints IPv6 only for subtype 2; subtype 4 shows the first four
	// bytes of each address as IPv4.
	if t.Subtype == TableDumpIPv6 {
		dst = appendIPv6(dst, t.PeerIP.As16())
	} else {
		dst = appendIPv4(dst, first4(t.PeerIP))
	}
	dst = append(dst, '|')
	dst = strconv.AppendUint(dst, uint64(t.PeerAS), 10)
	dst = append(dst, '|')
	if t.Subtype == TableDumpIPv6 {
		dst = appendIPv6(dst, t.Prefix.Addr().As16())
	} else {
		dst = appendIPv4(dst, first4(t.Prefix.Addr()))
	}
	dst = append(dst, '/')
	dst = strconv.AppendUint(dst, uint64(t.Prefix.Bits()), 10)
	f.path = f.asPathText(f.path[:0], a, caps)
	return f.appendTail(dst, a, ribNextHop(a), false), nil
}

func first4(a netip.Addr) [4]byte {
	if a.Is4() {
		return a.As4()
	}
	b := a.As16()
	return [4]byte(b[:4])
}

// ribNextHop returns the next hop bgpdump prints for a RIB entry: the IPv6
// next hop of an MP_REACH_NLRI if there is one, else NEXT_HOP.
func ribNextHop(a *Attributes) []byte {
	if a.Has(AttrMPReach) {
		for i := range a.MPReach {
			r := &a.MPReach[i]
			if r.Abbreviated || (r.AFI == AFIIPv6 && r.SAFI == SAFIUnicast) {
				var b [16]byte
				copy(b[:], r.NextHopBytes)
				return appendIPv6(nil, b)
			}
		}
	}
	if a.Has(AttrNextHop) {
		return appendIPv4(nil, a.NextHop.As4())
	}
	return []byte("255.255.255.255")
}

func (f *Formatter) ribLines(dst []byte, rec *Record) ([]byte, error) {
	r := &f.rib
	if err := r.Decode(rec); err != nil {
		return dst, err
	}
	if f.peers == nil {
		return dst, errNoPeerIndex
	}
	addPath := r.AddPath()
	a := &f.attrs
	for i := range r.Entries {
		e := &r.Entries[i]
		if int(e.PeerIndex) >= len(f.peers.Peers) {
			return dst, corrupt("RIB entry refers to peer %d, the peer table has %d", e.PeerIndex, len(f.peers.Peers))
		}
		if err := a.Decode(e.Attrs, Caps{AS4: true}); err != nil {
			return dst, err
		}
		p := &f.peers.Peers[e.PeerIndex]
		if addPath {
			dst = append(dst, "TABLE_DUMP2_AP|"...)
		} else {
			dst = append(dst, "TABLE_DUMP2|"...)
		}
		dst = appendTime(dst, rec, false)
		dst = append(dst, "|B|"...)
		dst = appendAddr(dst, p.IP)
		dst = append(dst, '|')
		dst = strconv.AppendUint(dst, uint64(p.AS), 10)
		dst = append(dst, '|')
		// The prefix as written: bgpdump keeps bits past the length.
		var pa [16]byte
		copy(pa[:], r.NLRI[1:])
		if r.AFI == AFIIPv4 {
			dst = appendIPv4(dst, [4]byte(pa[:4]))
		} else {
			dst = appendIPv6(dst, pa)
		}
		dst = append(dst, '/')
		dst = strconv.AppendUint(dst, uint64(r.NLRI[0]), 10)
		if addPath {
			dst = append(dst, '|')
			dst = strconv.AppendUint(dst, uint64(e.PathID), 10)
		}
		f.path = f.asPathText(f.path[:0], a, Caps{AS4: true})
		dst = f.appendTail(dst, a, ribNextHop(a), false)
	}
	return dst, nil
}
