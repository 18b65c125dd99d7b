// Package rislive reads and writes the JSON messages of RIPE RIS Live
// (https://ris-live.ripe.net/manual/), the WebSocket stream of the BGP
// messages that the RIS route collectors receive, and turns them into the
// updates watch/stream computes signals from.
//
// Every message is an object {"type": …, "data": {…}}. The server sends
// "ris_message" (one BGP message a collector received, or a change of a
// peer's session, type RIS_PEER_STATE), "ris_error", "ris_rrc_list",
// "ris_subscribe_ok" and "pong"; the client sends "ris_subscribe" with its
// filters (Subscription), "ris_unsubscribe" and "ping". A ris_message of
// type UPDATE reads:
//
//	{"type": "ris_message", "data": {
//	  "timestamp": 1427846400.25, "peer": "192.0.2.1", "peer_asn": "64496",
//	  "id": "06-192-0-2-1-28375", "host": "rrc06", "type": "UPDATE",
//	  "path": [64496, 3356, [64500, 64501]], "origin": "IGP",
//	  "announcements": [{"next_hop": "192.0.2.1", "prefixes": ["198.51.100.0/24"]}],
//	  "withdrawals": ["203.0.113.0/24"]}}
//
// Decode checks every field it uses and refuses a message that is not
// what RIS Live sends (the caller counts and skips it): peer_asn may be a
// string or a number; path elements are AS numbers or arrays of them (an
// AS_SET). The origin of the announcements is the path's last AS, or the
// only AS of a final AS_SET; a final AS_SET of several has none; an empty
// path is the peer's own route, as in watch/visibility. A message has at
// most MaxPrefixes prefixes and MaxPath path elements.
//
// FromMRT writes an MRT BGP4MP record as the ris_message RIS Live would
// send for it, so that a local server can replay MRT archives as a RIS
// Live stream, and so that the live path can be checked against the MRT
// path on the same updates.
package rislive

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"time"

	"lifeline"
	"lifeline/watch/stream"
	"lifeline/watch/visibility"
)

// Limits on one message, so that a hostile or broken stream cannot make
// the decoder hold more than a bounded amount per message.
const (
	MaxPrefixes = 1 << 16 // announced and withdrawn together
	MaxPath     = 1 << 10 // path elements, AS_SET members included
)

// Message types sent by the server.
const (
	TypeMessage     = "ris_message"
	TypeError       = "ris_error"
	TypePong        = "pong"
	TypeSubscribeOK = "ris_subscribe_ok"
	TypeRRCList     = "ris_rrc_list"
)

// BGP message types of a ris_message.
const (
	KindUpdate    = "UPDATE"
	KindPeerState = "RIS_PEER_STATE"
)

// Message is one message of the server, decoded.
type Message struct {
	// Type is the envelope's type: TypeMessage, TypeError, TypePong, …
	Type string
	// Data is the ris_message, when Type is TypeMessage.
	Data Data
	// Error is the text of a ris_error.
	Error string
}

// Data is the body of a ris_message.
type Data struct {
	Time   time.Time
	Host   string // the collector, e.g. "rrc06"
	ID     string // the server's identifier of the message
	Peer   netip.Addr
	PeerAS uint32
	// Kind is the BGP message type: KindUpdate, KindPeerState, "OPEN",
	// "KEEPALIVE", "NOTIFICATION".
	Kind string
	// State is the new session state of a RIS_PEER_STATE message:
	// "connected" or "down".
	State string
	// Path is the AS path: each element one AS, or the members of an
	// AS_SET (Set true).
	Path []PathElem
	// Announced and Withdrawn are the prefixes of an UPDATE.
	Announced []netip.Prefix
	Withdrawn []netip.Prefix
}

// PathElem is one element of an AS path: an AS number, or an AS_SET.
type PathElem struct {
	ASes []uint32
	Set  bool
}

// Origin returns the origin AS of the path: its last AS, or the only
// member of a final AS_SET; false for a final AS_SET of several. An empty
// path is the peer's own route.
func (d *Data) Origin() (uint32, bool) {
	if len(d.Path) == 0 {
		return d.PeerAS, d.PeerAS != 0
	}
	last := d.Path[len(d.Path)-1]
	if len(last.ASes) != 1 {
		return 0, false
	}
	return last.ASes[0], true
}

// Update returns the update the message carries for watch/stream: the
// prefixes of an UPDATE, or the end of a session (a RIS_PEER_STATE of
// "down"). Other messages carry none (false).
func (d *Data) Update() (stream.Update, bool) {
	u := stream.Update{Time: d.Time, Peer: visibility.Peer{IP: d.Peer, AS: d.PeerAS}}
	switch d.Kind {
	case KindUpdate:
		u.Withdrawn, u.Announced = d.Withdrawn, d.Announced
		if len(u.Announced) > 0 {
			u.Origin, u.HasOrigin = d.Origin()
		}
		return u, true
	case KindPeerState:
		if d.State == "down" {
			u.PeerDown = true
			return u, true
		}
	}
	return u, false
}

// wire forms.
type envelope struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

type wireData struct {
	Timestamp     *float64        `json:"timestamp"`
	Peer          string          `json:"peer"`
	PeerASN       json.RawMessage `json:"peer_asn"`
	ID            string          `json:"id"`
	Host          string          `json:"host"`
	Type          string          `json:"type"`
	State         string          `json:"state"`
	Path          []wireElem      `json:"path"`
	Announcements []struct {
		NextHop  string   `json:"next_hop"`
		Prefixes []string `json:"prefixes"`
	} `json:"announcements"`
	Withdrawals []string `json:"withdrawals"`
}

// wireElem is a path element: a number or an array of numbers.
type wireElem struct {
	ases []uint32
	set  bool
}

func (e *wireElem) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		e.set = true
		return json.Unmarshal(b, &e.ases)
	}
	n, err := strconv.ParseUint(string(b), 10, 32)
	if err != nil {
		return fmt.Errorf("path element %.20s: want an AS number or an array of them", b)
	}
	e.ases = []uint32{uint32(n)}
	return nil
}

// Decode reads one server message. It returns an EINVALID error that says
// which field is wrong and how for anything RIS Live does not send; m is
// then not to be used. m's slices are reused from one call to the next.
func Decode(b []byte, m *Message) error {
	const op = "rislive.Decode"
	// Most messages are ris_messages: one pass decodes them. Other types,
	// whose data has other shapes, take the second.
	var one struct {
		Type string   `json:"type"`
		Data wireData `json:"data"`
	}
	if err := json.Unmarshal(b, &one); err == nil && one.Type == TypeMessage {
		m.Type, m.Error = TypeMessage, ""
		return m.decodeData(op, &one.Data)
	}
	var env envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return lifeline.Errorf(lifeline.EINVALID, op, "message is not a JSON object with type and data: %v", err)
	}
	m.Type, m.Error = env.Type, ""
	switch env.Type {
	case TypeMessage:
	case TypeError:
		var e struct {
			Message string `json:"message"`
		}
		if len(env.Data) > 0 {
			_ = json.Unmarshal(env.Data, &e)
		}
		m.Error = e.Message
		if m.Error == "" {
			m.Error = "the server reported an error without a message"
		}
		return nil
	case "":
		return lifeline.Errorf(lifeline.EINVALID, op, "message has no type")
	default:
		return nil
	}
	var w wireData
	if err := json.Unmarshal(env.Data, &w); err != nil {
		return lifeline.Errorf(lifeline.EINVALID, op, "ris_message data: %v", err)
	}
	return m.decodeData(op, &w)
}

// decodeData checks and converts the data of a ris_message.
func (m *Message) decodeData(op string, w *wireData) error {
	d := &m.Data
	*d = Data{Path: d.Path[:0], Announced: d.Announced[:0], Withdrawn: d.Withdrawn[:0]}
	if w.Timestamp == nil || math.IsNaN(*w.Timestamp) || *w.Timestamp < 0 || *w.Timestamp > 1<<40 {
		return lifeline.Errorf(lifeline.EINVALID, op, "ris_message: field timestamp: missing or not seconds since 1970")
	}
	sec, frac := math.Modf(*w.Timestamp)
	d.Time = time.Unix(int64(sec), int64(math.Round(frac*1e6))*1000).UTC()
	var err error
	if d.Peer, err = netip.ParseAddr(w.Peer); err != nil {
		return lifeline.Errorf(lifeline.EINVALID, op, "ris_message %s: field peer %q: want an IP address", w.ID, w.Peer)
	}
	asn := string(bytes.Trim(w.PeerASN, `"`))
	n, err := strconv.ParseUint(asn, 10, 32)
	if err != nil {
		return lifeline.Errorf(lifeline.EINVALID, op, "ris_message %s: field peer_asn %.20q: want an AS number", w.ID, asn)
	}
	d.PeerAS = uint32(n)
	d.ID, d.Host, d.Kind, d.State = w.ID, w.Host, w.Type, w.State
	if d.Kind == "" {
		return lifeline.Errorf(lifeline.EINVALID, op, "ris_message %s: field type is missing", w.ID)
	}
	members := 0
	for _, e := range w.Path {
		members += len(e.ases)
		d.Path = append(d.Path, PathElem{ASes: e.ases, Set: e.set})
	}
	if members > MaxPath {
		return lifeline.Errorf(lifeline.EINVALID, op, "ris_message %s: field path: %d ASes, more than %d", w.ID, members, MaxPath)
	}
	count := len(w.Withdrawals)
	for _, a := range w.Announcements {
		count += len(a.Prefixes)
	}
	if count > MaxPrefixes {
		return lifeline.Errorf(lifeline.EINVALID, op, "ris_message %s: %d prefixes, more than %d", w.ID, count, MaxPrefixes)
	}
	for i, s := range w.Withdrawals {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return lifeline.Errorf(lifeline.EINVALID, op, "ris_message %s: withdrawals[%d] %.50q: want a prefix such as 192.0.2.0/24", w.ID, i, s)
		}
		d.Withdrawn = append(d.Withdrawn, p.Masked())
	}
	for i, a := range w.Announcements {
		for j, s := range a.Prefixes {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				return lifeline.Errorf(lifeline.EINVALID, op, "ris_message %s: announcements[%d].prefixes[%d] %.50q: want a prefix such as 192.0.2.0/24", w.ID, i, j, s)
			}
			d.Announced = append(d.Announced, p.Masked())
		}
	}
	return nil
}
