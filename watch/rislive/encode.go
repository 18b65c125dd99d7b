package rislive

import (
	"encoding/json"
	"errors"
	"strconv"

	"lifeline"
	"lifeline/mrt"
)

// Subscription is the body of a ris_subscribe message: the filters the
// server applies before sending anything, so that a client interested in
// one collector or a few prefixes does not receive the whole firehose.
// Empty fields do not filter.
type Subscription struct {
	// Host is a collector, e.g. "rrc06".
	Host string `json:"host,omitempty"`
	// Type is a BGP message type: UPDATE, OPEN, NOTIFICATION, KEEPALIVE
	// or RIS_PEER_STATE.
	Type string `json:"type,omitempty"`
	// Require keeps messages that have this key: "announcements" or
	// "withdrawals".
	Require string `json:"require,omitempty"`
	// Peer is a peer's IP address.
	Peer string `json:"peer,omitempty"`
	// Path is a path filter: an AS, "AS,AS" for a sequence, with ^ and $
	// anchors.
	Path string `json:"path,omitempty"`
	// Prefix is one or more prefixes; with MoreSpecific (the server's
	// default) their more-specifics match too, with LessSpecific their
	// less-specifics.
	Prefix       []string `json:"prefix,omitempty"`
	MoreSpecific *bool    `json:"moreSpecific,omitempty"`
	LessSpecific *bool    `json:"lessSpecific,omitempty"`
	// SocketOptions ask the server for extras; IncludeRaw adds the raw
	// BGP message in hex.
	SocketOptions *SocketOptions `json:"socketOptions,omitempty"`
}

// SocketOptions are the per-connection options of a subscription.
type SocketOptions struct {
	IncludeRaw  bool `json:"includeRaw,omitempty"`
	Acknowledge bool `json:"acknowledge,omitempty"`
}

// SubscribeMessage returns the ris_subscribe message of s.
func SubscribeMessage(s Subscription) []byte {
	b, _ := json.Marshal(struct {
		Type string       `json:"type"`
		Data Subscription `json:"data"`
	}{"ris_subscribe", s})
	return b
}

// PingMessage is the client's ping; the server answers with a pong.
var PingMessage = []byte(`{"type":"ping"}`)

// AppendMessage appends d as the ris_message RIS Live sends.
func AppendMessage(dst []byte, d *Data) []byte {
	dst = append(dst, `{"type":"ris_message","data":{"timestamp":`...)
	us := d.Time.UnixMicro()
	dst = strconv.AppendFloat(dst, float64(us)/1e6, 'f', -1, 64)
	dst = append(dst, `,"peer":`...)
	dst = strconv.AppendQuote(dst, d.Peer.String())
	dst = append(dst, `,"peer_asn":"`...)
	dst = strconv.AppendUint(dst, uint64(d.PeerAS), 10)
	dst = append(dst, `","id":`...)
	dst = strconv.AppendQuote(dst, d.ID)
	dst = append(dst, `,"host":`...)
	dst = strconv.AppendQuote(dst, d.Host)
	dst = append(dst, `,"type":`...)
	dst = strconv.AppendQuote(dst, d.Kind)
	if d.State != "" {
		dst = append(dst, `,"state":`...)
		dst = strconv.AppendQuote(dst, d.State)
	}
	if d.Kind == KindUpdate {
		if len(d.Announced) > 0 {
			dst = append(dst, `,"path":[`...)
			for i, e := range d.Path {
				if i > 0 {
					dst = append(dst, ',')
				}
				if e.Set {
					dst = append(dst, '[')
				}
				for j, a := range e.ASes {
					if j > 0 {
						dst = append(dst, ',')
					}
					dst = strconv.AppendUint(dst, uint64(a), 10)
				}
				if e.Set {
					dst = append(dst, ']')
				}
			}
			dst = append(dst, `],"announcements":[{"next_hop":`...)
			dst = strconv.AppendQuote(dst, d.Peer.String())
			dst = append(dst, `,"prefixes":`...)
			dst = appendPrefixes(dst, d.Announced)
			dst = append(dst, `}]`...)
		}
		if len(d.Withdrawn) > 0 {
			dst = append(dst, `,"withdrawals":`...)
			dst = appendPrefixes(dst, d.Withdrawn)
		}
	}
	return append(dst, "}}"...)
}

func appendPrefixes[P interface{ AppendTo([]byte) []byte }](dst []byte, ps []P) []byte {
	dst = append(dst, '[')
	for i, p := range ps {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '"')
		dst = p.AppendTo(dst)
		dst = append(dst, '"')
	}
	return append(dst, ']')
}

// asTrans stands for a 4-byte AS in a 2-byte AS_PATH (RFC 6793).
const asTrans = 23456

// Converter turns MRT BGP4MP records into the ris_messages RIS Live would
// send for them. It reuses its decoding space; it is not safe for
// concurrent use.
type Converter struct {
	// Host names the collector in the messages, e.g. "rrc06".
	Host string
	msg  mrt.BGP4MP
	upd  mrt.Update
}

// Convert returns the message for one record, or false for records RIS
// Live would not send as an UPDATE or a RIS_PEER_STATE (RIB records,
// KEEPALIVEs, the collector's own messages). A record that cannot be
// decoded is an EINVALID error. d's slices are reused.
func (c *Converter) Convert(rec *mrt.Record, d *Data) (bool, error) {
	const op = "rislive.Converter"
	if rec.Type != mrt.TypeBGP4MP && rec.Type != mrt.TypeBGP4MPET {
		return false, nil
	}
	if err := c.msg.Decode(rec); err != nil {
		if errors.Is(err, mrt.ErrUnsupported) {
			return false, nil
		}
		return false, lifeline.Errorf(lifeline.EINVALID, op, "record at offset %d: %v", rec.Offset, err)
	}
	if c.msg.Local() {
		return false, nil
	}
	*d = Data{Time: rec.Time(), Host: c.Host, Peer: c.msg.PeerIP, PeerAS: c.msg.PeerAS,
		Path: d.Path[:0], Announced: d.Announced[:0], Withdrawn: d.Withdrawn[:0]}
	if c.msg.IsStateChange() {
		if c.msg.OldState == 6 && c.msg.NewState != 6 {
			d.Kind, d.State = KindPeerState, "down"
			return true, nil
		}
		if c.msg.NewState == 6 {
			d.Kind, d.State = KindPeerState, "connected"
			return true, nil
		}
		return false, nil
	}
	typ, body, err := mrt.ParseMessage(c.msg.Message)
	if err != nil {
		return false, lifeline.Errorf(lifeline.EINVALID, op, "record at offset %d: %v", rec.Offset, err)
	}
	if typ != mrt.MsgUpdate {
		return false, nil
	}
	if err := c.upd.Decode(body, c.msg.Caps()); err != nil {
		return false, lifeline.Errorf(lifeline.EINVALID, op, "record at offset %d: %v", rec.Offset, err)
	}
	d.Kind = KindUpdate
	for _, n := range c.upd.Withdrawn {
		d.Withdrawn = append(d.Withdrawn, n.Prefix)
	}
	for _, mu := range c.upd.Attrs.MPUnreach {
		if unicast(mu.SAFI) {
			for _, n := range mu.NLRI {
				d.Withdrawn = append(d.Withdrawn, n.Prefix)
			}
		}
	}
	for _, n := range c.upd.NLRI {
		d.Announced = append(d.Announced, n.Prefix)
	}
	for _, mr := range c.upd.Attrs.MPReach {
		if unicast(mr.SAFI) {
			for _, n := range mr.NLRI {
				d.Announced = append(d.Announced, n.Prefix)
			}
		}
	}
	if len(d.Announced) > 0 {
		d.Path = c.path(d.Path)
	}
	return true, nil
}

func unicast(safi uint8) bool { return safi == mrt.SAFIUnicast || safi == mrt.SAFIUnicastMulticast }

// path writes the route's AS path as RIS Live does, with 4-byte AS
// numbers: AS4_PATH's when the AS_PATH ends in AS_TRANS or in no origin.
// Confederation segments are left out.
func (c *Converter) path(dst []PathElem) []PathElem {
	a := &c.upd.Attrs
	p := a.ASPath
	if a.Has(mrt.AttrAS4Path) {
		if last, ok := lastOf(p); !ok || last == asTrans {
			if _, ok4 := lastOf(a.AS4Path); ok4 {
				p = a.AS4Path
			}
		}
	}
	if !p.Valid() {
		// No origin can be read from a broken path: an empty AS_SET says
		// so.
		return append(dst, PathElem{Set: true})
	}
	for typ, ases := range p.Segments() {
		if len(ases) == 0 {
			continue
		}
		switch typ {
		case mrt.ASSequence:
			for _, as := range ases {
				dst = append(dst, PathElem{ASes: []uint32{as}})
			}
		case mrt.ASSet:
			dst = append(dst, PathElem{ASes: append([]uint32(nil), ases...), Set: true})
		}
	}
	return dst
}

// lastOf returns the origin the path names, as watch/visibility reads it.
func lastOf(p mrt.ASPath) (uint32, bool) {
	if !p.Valid() {
		return 0, false
	}
	var asn uint32
	ok := false
	for typ, ases := range p.Segments() {
		if typ == mrt.ASConfedSequence || typ == mrt.ASConfedSet || len(ases) == 0 {
			continue
		}
		switch {
		case typ == mrt.ASSequence:
			asn, ok = ases[len(ases)-1], true
		case typ == mrt.ASSet && len(ases) == 1:
			asn, ok = ases[0], true
		default:
			asn, ok = 0, false
		}
	}
	return asn, ok
}
