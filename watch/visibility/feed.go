package visibility

import (
	"errors"
	"fmt"
	"io"
	"net/netip"

	"lifeline/mrt"
)

// asTrans is the AS number that stands for a 4-byte AS in a 2-byte AS_PATH
// (RFC 6793).
const asTrans = 23456

// Feeder applies MRT records to a Tracker. It keeps the peer index of the
// current TABLE_DUMP_V2 snapshot and reuses its decoding space between
// records. It is not safe for concurrent use.
type Feeder struct {
	t     *Tracker
	index *mrt.PeerIndex
	peers []Peer // the index as Peers
	rib   mrt.RIB
	td    mrt.TableDump
	msg   mrt.BGP4MP
	upd   mrt.Update
	attrs mrt.Attributes
	// Skipped counts records that could not be decoded: a RIB record
	// before any peer index, a corrupt UPDATE. They are left out, as a
	// collector's own damaged records should not stop the signal.
	Skipped int
}

// NewFeeder returns a Feeder that applies records to t.
func NewFeeder(t *Tracker) *Feeder { return &Feeder{t: t} }

// Feed reads every record of r and applies it. It returns the Reader's
// error for a record it cannot read (an *mrt.Error naming the input and
// offset; use mrt.Options.KeepGoing to skip those), or the Tracker's for a
// record whose time is out of range.
func (f *Feeder) Feed(r *mrt.Reader) error {
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := f.Apply(&rec); err != nil {
			return err
		}
	}
}

// Apply applies one record. Records of types that carry no routes (OPEN,
// KEEPALIVE, multicast RIBs, unknown types) are ignored; records that
// cannot be decoded are counted in Skipped. It returns an error only when
// the Tracker refuses the record's time.
func (f *Feeder) Apply(rec *mrt.Record) error {
	at := rec.Time()
	switch rec.Type {
	case mrt.TypeTableDumpV2:
		return f.tableDumpV2(rec)
	case mrt.TypeTableDump:
		if err := f.td.Decode(rec); err != nil {
			f.Skipped++
			return nil
		}
		if err := f.attrs.Decode(f.td.Attrs, f.td.Caps()); err != nil {
			f.Skipped++
			return nil
		}
		return f.announce(Peer{IP: f.td.PeerIP, AS: f.td.PeerAS}, f.td.Prefix, rec)
	case mrt.TypeBGP4MP, mrt.TypeBGP4MPET:
		if err := f.msg.Decode(rec); err != nil {
			if !errors.Is(err, mrt.ErrUnsupported) {
				f.Skipped++
			}
			return nil
		}
		if f.msg.Local() {
			return nil
		}
		p := Peer{IP: f.msg.PeerIP, AS: f.msg.PeerAS}
		if f.msg.IsStateChange() {
			if f.msg.OldState == 6 && f.msg.NewState != 6 {
				return f.t.PeerDown(at, p)
			}
			return f.t.Advance(at)
		}
		typ, body, err := mrt.ParseMessage(f.msg.Message)
		if err != nil {
			f.Skipped++
			return nil
		}
		if typ != mrt.MsgUpdate {
			return f.t.Advance(at)
		}
		if err := f.upd.Decode(body, f.msg.Caps()); err != nil {
			f.Skipped++
			return nil
		}
		return f.update(p, rec)
	}
	return nil
}

func (f *Feeder) tableDumpV2(rec *mrt.Record) error {
	at := rec.Time()
	switch rec.Subtype {
	case mrt.PeerIndexTable:
		idx, err := mrt.DecodePeerIndex(rec)
		if err != nil {
			f.Skipped++
			return nil
		}
		f.index = idx
		f.peers = f.peers[:0]
		for _, p := range idx.Peers {
			f.peers = append(f.peers, Peer{IP: p.IP, AS: p.AS})
		}
		return f.t.Snapshot(at, f.peers)
	case mrt.RIBIPv4Unicast, mrt.RIBIPv6Unicast, mrt.RIBIPv4UnicastAddPath, mrt.RIBIPv6UnicastAddPath:
	default:
		return nil // multicast and generic RIBs carry no unicast routes
	}
	if f.index == nil {
		f.Skipped++
		return nil
	}
	if err := f.rib.Decode(rec); err != nil {
		f.Skipped++
		return nil
	}
	for _, e := range f.rib.Entries {
		if int(e.PeerIndex) >= len(f.peers) {
			f.Skipped++
			continue
		}
		if err := f.attrs.Decode(e.Attrs, mrt.Caps{AS4: true}); err != nil {
			f.Skipped++
			continue
		}
		if err := f.announce(f.peers[e.PeerIndex], f.rib.Prefix, rec); err != nil {
			return err
		}
	}
	return nil
}

// update applies the withdrawals and announcements of a decoded UPDATE.
func (f *Feeder) update(p Peer, rec *mrt.Record) error {
	at := rec.Time()
	if err := f.t.Advance(at); err != nil {
		return err
	}
	for _, n := range f.upd.Withdrawn {
		if err := f.t.Withdraw(at, p, n.Prefix); err != nil {
			return err
		}
	}
	for _, mu := range f.upd.Attrs.MPUnreach {
		if !unicast(mu.SAFI) {
			continue
		}
		for _, n := range mu.NLRI {
			if err := f.t.Withdraw(at, p, n.Prefix); err != nil {
				return err
			}
		}
	}
	if len(f.upd.NLRI) == 0 && len(f.upd.Attrs.MPReach) == 0 {
		return nil
	}
	origin, ok := originOf(&f.upd.Attrs, p.AS)
	if !ok {
		f.t.stats.NoOrigin++
		return nil
	}
	for _, n := range f.upd.NLRI {
		if err := f.t.Announce(at, p, n.Prefix, origin); err != nil {
			return err
		}
	}
	for _, mr := range f.upd.Attrs.MPReach {
		if !unicast(mr.SAFI) {
			continue
		}
		for _, n := range mr.NLRI {
			if err := f.t.Announce(at, p, n.Prefix, origin); err != nil {
				return err
			}
		}
	}
	return nil
}

func (f *Feeder) announce(p Peer, prefix netip.Prefix, rec *mrt.Record) error {
	if !prefix.IsValid() {
		f.Skipped++
		return nil
	}
	origin, ok := originOf(&f.attrs, p.AS)
	if !ok {
		f.t.stats.NoOrigin++
		return f.t.Advance(rec.Time())
	}
	return f.t.Announce(rec.Time(), p, prefix, origin)
}

func unicast(safi uint8) bool { return safi == mrt.SAFIUnicast || safi == mrt.SAFIUnicastMulticast }

// originOf returns the origin AS of a route: the last AS of its AS path,
// or of its AS4_PATH when the AS path ends in AS_TRANS. A path ending in an
// AS_SET of more than one AS has no origin; an empty path (a route the
// peer originates over iBGP) has the peer's.
func originOf(a *mrt.Attributes, peerAS uint32) (uint32, bool) {
	o, ok, empty := lastAS(a.ASPath)
	if (o == asTrans || !ok) && a.Has(mrt.AttrAS4Path) {
		if o4, ok4, _ := lastAS(a.AS4Path); ok4 {
			return o4, true
		}
	}
	if empty {
		return peerAS, peerAS != 0
	}
	return o, ok
}

// lastAS returns the last AS of the path's last segment that is not a
// confederation segment.
func lastAS(p mrt.ASPath) (asn uint32, ok, empty bool) {
	if !p.Valid() {
		return 0, false, false
	}
	empty = true
	for typ, ases := range p.Segments() {
		if typ == mrt.ASConfedSequence || typ == mrt.ASConfedSet || len(ases) == 0 {
			continue
		}
		empty = false
		switch {
		case typ == mrt.ASSequence:
			asn, ok = ases[len(ases)-1], true
		case typ == mrt.ASSet && len(ases) == 1:
			asn, ok = ases[0], true
		default:
			asn, ok = 0, false
		}
	}
	return asn, ok, empty
}

// String describes the tracker's state for logs.
func (s Stats) String() string {
	return fmt.Sprintf("%d peers (%d IPv4 and %d IPv6 full-feed), %d origins, %d bins; %d announcements, %d withdrawals, %d without origin, %d table resets",
		s.Peers, s.FullFeedV4, s.FullFeedV6, s.Origins, s.Bins, s.Announced, s.Withdrawn, s.NoOrigin, s.PeerResets)
}
