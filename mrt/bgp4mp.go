package mrt

import (
	"encoding/binary"
	"net/netip"
)

// BGP message types (RFC 4271 4.1).
const (
	MsgOpen         uint8 = 1
	MsgUpdate       uint8 = 2
	MsgNotification uint8 = 3
	MsgKeepalive    uint8 = 4
	MsgRouteRefresh uint8 = 5
)

// BGP4MP is a decoded BGP4MP or BGP4MP_ET record: a BGP message exchanged
// with a peer, or a change of the session's state.
type BGP4MP struct {
	Subtype   uint16
	PeerAS    uint32
	LocalAS   uint32
	Interface uint16
	AFI       uint16 // of the peering addresses
	PeerIP    netip.Addr
	LocalIP   netip.Addr

	// Message is the BGP message, from its marker on (MESSAGE subtypes).
	Message []byte
	// OldState and NewState are the BGP FSM states (STATE_CHANGE subtypes):
	// 1 Idle, 2 Connect, 3 Active, 4 OpenSent, 5 OpenConfirm, 6 Established.
	OldState, NewState uint16
}

// IsStateChange reports whether m is a STATE_CHANGE record.
func (m *BGP4MP) IsStateChange() bool {
	return m.Subtype == BGP4MPStateChange || m.Subtype == BGP4MPStateChangeAS4
}

// Caps returns the encoding of the BGP message: whether it uses 4-byte AS
// numbers and ADD-PATH, as the subtype says.
func (m *BGP4MP) Caps() Caps {
	switch m.Subtype {
	case BGP4MPMessageAS4, BGP4MPMessageAS4Local, BGP4MPStateChangeAS4:
		return Caps{AS4: true}
	case BGP4MPMessageAddPath, BGP4MPMessageLocalAddPath:
		return Caps{AddPath: true}
	case BGP4MPMessageAS4AddPath, BGP4MPMessageAS4LocalAddPath:
		return Caps{AS4: true, AddPath: true}
	}
	return Caps{}
}

// Local reports whether the message was sent by the collector rather than
// received from the peer (the _LOCAL subtypes).
func (m *BGP4MP) Local() bool {
	switch m.Subtype {
	case BGP4MPMessageLocal, BGP4MPMessageAS4Local, BGP4MPMessageLocalAddPath, BGP4MPMessageAS4LocalAddPath:
		return true
	}
	return false
}

// Decode decodes a BGP4MP or BGP4MP_ET record of a MESSAGE or STATE_CHANGE
// subtype into m. Other subtypes give an error wrapping ErrUnsupported;
// decode BGP4MP_ENTRY records with BGP4MPRIBEntry.Decode.
func (m *BGP4MP) Decode(rec *Record) error {
	*m = BGP4MP{Subtype: rec.Subtype}
	b := rec.Body
	switch rec.Subtype {
	case BGP4MPStateChange, BGP4MPStateChangeAS4:
		return m.decodeStateChange(b)
	case BGP4MPMessage, BGP4MPMessageAS4, BGP4MPMessageLocal, BGP4MPMessageAS4Local,
		BGP4MPMessageAddPath, BGP4MPMessageAS4AddPath, BGP4MPMessageLocalAddPath, BGP4MPMessageAS4LocalAddPath:
		return m.decodeMessage(b)
	}
	return unsupported(rec)
}

// peerHeader decodes the AS numbers, interface and AFI that start both
// kinds of record and returns the offset after them.
func (m *BGP4MP) peerHeader(b []byte) (int, error) {
	asLen := 2
	if m.Caps().AS4 {
		asLen = 4
	}
	if len(b) < 2*asLen+4 {
		return 0, corrupt("%d bytes, too short for the BGP4MP header", len(b))
	}
	m.PeerAS = readAS(b, asLen)
	m.LocalAS = readAS(b[asLen:], asLen)
	m.Interface = binary.BigEndian.Uint16(b[2*asLen:])
	m.AFI = binary.BigEndian.Uint16(b[2*asLen+2:])
	return 2*asLen + 4, nil
}

// addresses decodes the peer and local addresses at b[i:].
func (m *BGP4MP) addresses(b []byte, i int) (int, error) {
	var n int
	switch m.AFI {
	case AFIIPv4:
		n = 4
	case AFIIPv6:
		n = 16
	default:
		return 0, corrupt("unknown address family %d", m.AFI)
	}
	if len(b)-i < 2*n {
		return 0, corrupt("peer and local addresses run past the record")
	}
	m.PeerIP, m.LocalIP = addrFrom(b[i:i+n]), addrFrom(b[i+n:i+2*n])
	return i + 2*n, nil
}

func (m *BGP4MP) decodeStateChange(b []byte) error {
	// Old Zebra versions wrote only the AS numbers and the states.
	if len(b) == 8 {
		m.AFI = AFIIPv4
		m.PeerIP, m.LocalIP = netip.IPv4Unspecified(), netip.IPv4Unspecified()
		if m.Caps().AS4 {
			m.PeerAS, m.LocalAS = binary.BigEndian.Uint32(b), binary.BigEndian.Uint32(b[4:])
			return nil
		}
		m.PeerAS, m.LocalAS = uint32(binary.BigEndian.Uint16(b)), uint32(binary.BigEndian.Uint16(b[2:]))
		m.OldState, m.NewState = binary.BigEndian.Uint16(b[4:]), binary.BigEndian.Uint16(b[6:])
		return nil
	}
	i, err := m.peerHeader(b)
	if err != nil {
		return err
	}
	if i, err = m.addresses(b, i); err != nil {
		return err
	}
	if len(b)-i < 4 {
		return corrupt("state change: states run past the record")
	}
	m.OldState, m.NewState = binary.BigEndian.Uint16(b[i:]), binary.BigEndian.Uint16(b[i+2:])
	return nil
}

func (m *BGP4MP) decodeMessage(b []byte) error {
	i, err := m.peerHeader(b)
	if err != nil {
		return err
	}
	if m.AFI == 0xffff && m.Interface == 0xffff {
		// Old Zebra versions wrote OPEN messages without interface, AFI
		// and addresses: what was read as those is the BGP marker.
		m.AFI, m.Interface = AFIIPv4, 0
		m.PeerIP, m.LocalIP = netip.IPv4Unspecified(), netip.IPv4Unspecified()
		i -= 4
	} else if i, err = m.addresses(b, i); err != nil {
		return err
	}
	m.Message = b[i:]
	_, _, err = ParseMessage(m.Message)
	return err
}

// ParseMessage checks the header of the BGP message msg (RFC 4271 4.1) and
// returns its type and the body after the 19-byte header. Bytes after the
// length the header gives are ignored.
func ParseMessage(msg []byte) (typ uint8, body []byte, err error) {
	if len(msg) < 19 {
		return 0, nil, corrupt("BGP message of %d bytes, shorter than its header", len(msg))
	}
	for _, c := range msg[:16] {
		if c != 0xff {
			return 0, nil, corrupt("BGP message marker is not all ones")
		}
	}
	n := int(binary.BigEndian.Uint16(msg[16:]))
	if n < 19 || n > len(msg) {
		return 0, nil, corrupt("BGP message length %d, record holds %d bytes", n, len(msg))
	}
	return msg[18], msg[19:n], nil
}

// Update is a decoded BGP UPDATE message. Like Attributes it can be reused.
type Update struct {
	Withdrawn []NLRI // IPv4 withdrawn routes
	Attrs     Attributes
	NLRI      []NLRI // IPv4 announced routes
}

// Decode decodes the body of an UPDATE message (after the 19-byte header).
func (u *Update) Decode(body []byte, caps Caps) error {
	u.Withdrawn, u.NLRI = u.Withdrawn[:0], u.NLRI[:0]
	wd, attrs, nlri, err := splitUpdate(body)
	if err != nil {
		return err
	}
	if u.Withdrawn, err = appendPrefixes(u.Withdrawn, wd, AFIIPv4, caps.AddPath); err != nil {
		return within("UPDATE withdrawn routes", err)
	}
	if err := u.Attrs.Decode(attrs, caps); err != nil {
		return err
	}
	if u.NLRI, err = appendPrefixes(u.NLRI, nlri, AFIIPv4, caps.AddPath); err != nil {
		return within("UPDATE NLRI", err)
	}
	return nil
}

// splitUpdate returns the withdrawn routes, path attributes and NLRI fields
// of an UPDATE body.
func splitUpdate(body []byte) (withdrawn, attrs, nlri []byte, err error) {
	if len(body) < 2 {
		return nil, nil, nil, corrupt("UPDATE of %d bytes, too short for the withdrawn routes length", len(body))
	}
	wl := int(binary.BigEndian.Uint16(body))
	if len(body) < 2+wl+2 {
		return nil, nil, nil, corrupt("UPDATE: withdrawn routes length %d runs past the message", wl)
	}
	i := 2 + wl
	al := int(binary.BigEndian.Uint16(body[i:]))
	i += 2
	if len(body)-i < al {
		return nil, nil, nil, corrupt("UPDATE: path attributes length %d runs past the message", al)
	}
	return body[2 : 2+wl], body[i : i+al], body[i+al:], nil
}

// BGP4MPRIBEntry is a decoded BGP4MP_ENTRY record, a RIB entry format from the
// MRT drafts that OpenBGPD still writes: one route of one peer. bgpdump
// prints nothing for it.
type BGP4MPRIBEntry struct {
	PeerAS     uint32
	LocalAS    uint32
	Interface  uint16
	AFI        uint16 // of the peering addresses
	PeerIP     netip.Addr
	LocalIP    netip.Addr
	View       uint16
	Status     uint16
	LastChange uint32 // when the route last changed, Unix seconds
	RouteAFI   uint16
	SAFI       uint8
	NextHop    netip.Addr
	Prefix     netip.Prefix
	Attrs      []byte // path attributes, with 2-byte AS numbers
}

// Decode decodes a BGP4MP_ENTRY record into e.
func (e *BGP4MPRIBEntry) Decode(rec *Record) error {
	*e = BGP4MPRIBEntry{}
	if (rec.Type != TypeBGP4MP && rec.Type != TypeBGP4MPET) || rec.Subtype != BGP4MPEntry {
		return unsupported(rec)
	}
	m := BGP4MP{Subtype: BGP4MPMessage}
	b := rec.Body
	i, err := m.peerHeader(b)
	if err != nil {
		return err
	}
	if i, err = m.addresses(b, i); err != nil {
		return err
	}
	e.PeerAS, e.LocalAS, e.Interface, e.AFI, e.PeerIP, e.LocalIP = m.PeerAS, m.LocalAS, m.Interface, m.AFI, m.PeerIP, m.LocalIP
	if len(b)-i < 12 {
		return corrupt("BGP4MP_ENTRY: route header runs past the record")
	}
	e.View = binary.BigEndian.Uint16(b[i:])
	e.Status = binary.BigEndian.Uint16(b[i+2:])
	e.LastChange = binary.BigEndian.Uint32(b[i+4:])
	e.RouteAFI = binary.BigEndian.Uint16(b[i+8:])
	e.SAFI = b[i+10]
	nl := int(b[i+11])
	i += 12
	if len(b)-i < nl+1 {
		return corrupt("BGP4MP_ENTRY: next hop of %d bytes runs past the record", nl)
	}
	if nl == 4 || nl == 16 || nl == 32 {
		e.NextHop = addrFrom(b[i : i+min(nl, 16)])
	}
	i += nl
	bits := int(b[i])
	n := (bits + 7) / 8
	if len(b)-i-1 < n+2 {
		return corrupt("BGP4MP_ENTRY: prefix runs past the record")
	}
	if e.Prefix, err = prefixFrom(b[i+1:i+1+n], bits, e.RouteAFI); err != nil {
		return err
	}
	i += 1 + n
	al := int(binary.BigEndian.Uint16(b[i:]))
	i += 2
	if len(b)-i < al {
		return corrupt("BGP4MP_ENTRY: attributes of %d bytes run past the record", al)
	}
	e.Attrs = b[i : i+al]
	return nil
}
