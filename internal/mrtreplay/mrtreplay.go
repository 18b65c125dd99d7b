// Package mrtreplay builds, for tests, an MRT update file in which one
// country goes dark at a known time: real updates of a RIPE RIS collector
// (LINX, 2007-02-11 01:41, from the shared data folder) replayed for a few
// hours, then every prefix of one country withdrawn by every peer and no
// longer announced. The same file feeds the MRT path (watch/source) and,
// through a RIS Live server, the live path; both must find the country's
// alert.
package mrtreplay

import (
	"bufio"
	"encoding/binary"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"lifeline/internal/shareddata"
	"lifeline/mrt"
	"lifeline/watch/rislive"
)

// Source is the real update file replayed, under the shared data folder:
// 15 minutes of RIS rrc01 (LINX), 31 peers, 23,394 BGP messages.
const Source = "mrt/ripe-ncc-bgpdump/test_data/updates.20070211.0141.gz"

// Span is the length of one pass over the source: its records span 899 s.
const Span = 15 * time.Minute

// Country is the code of the country that goes dark; Other that of the
// rest. Both are user-assigned ISO 3166 codes, so no real country is meant.
const (
	Country = "QZ"
	Other   = "QA"
)

// CountryOf assigns the origin ASes of the source to the two countries:
// every third AS number to Country.
func CountryOf(asn uint32) (string, bool) {
	if asn%3 == 0 {
		return Country, true
	}
	return Other, true
}

// Scenario is the file Build wrote and what happens in it.
type Scenario struct {
	Path       string
	Start, End time.Time // first and last record
	// WithdrawAt is when every peer withdrew Country's prefixes.
	WithdrawAt time.Time
	Records    int // BGP4MP records written
	Withdrawn  int // prefixes withdrawn at WithdrawAt, over all peers
	Dropped    int // real records left out after WithdrawAt: they announced Country's prefixes
}

// Build writes the scenario into dir: passes of the source, each shifted
// by Span, the country withdrawn at the start of pass dark plus 150 s, and
// the passes after it without the country's announcements. It skips tb
// when the shared data is absent.
func Build(tb testing.TB, dir string, passes, dark int) Scenario {
	tb.Helper()
	src := shareddata.Path(tb, Source)
	var recs []mrt.Record
	f, err := os.Open(src)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r, err := mrt.NewReader(f, mrt.Options{Name: src})
	if err != nil {
		tb.Fatal(err)
	}
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		rec.Body = append([]byte(nil), rec.Body...)
		recs = append(recs, rec)
	}
	sc := Scenario{Path: filepath.Join(dir, "updates.scenario.mrt")}
	out, err := os.Create(sc.Path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(out)
	// tables: what each peer carries, to know what to withdraw.
	type peerKey struct {
		ip netip.Addr
		as uint32
	}
	type peerInfo struct {
		local   netip.Addr
		localAS uint32
		routes  map[netip.Prefix]uint32
	}
	tables := make(map[peerKey]*peerInfo)
	base := recs[0].Time().Truncate(5 * time.Minute)
	sc.WithdrawAt = base.Add(time.Duration(dark)*Span + 150*time.Second)
	var conv rislive.Converter
	var msg mrt.BGP4MP
	var d rislive.Data
	withdrawn := false
	for pass := range passes {
		shift := uint32(time.Duration(pass) * Span / time.Second)
		for i := range recs {
			rec := recs[i]
			rec.Timestamp += shift
			at := rec.Time()
			if !withdrawn && !at.Before(sc.WithdrawAt) {
				withdrawn = true
				for k, p := range tables {
					var pfx []netip.Prefix
					for q, o := range p.routes {
						if cc, _ := CountryOf(o); cc == Country && q.Addr().Is4() {
							pfx = append(pfx, q)
							delete(p.routes, q)
						}
					}
					sc.Withdrawn += len(pfx)
					for len(pfx) > 0 {
						n := min(len(pfx), 500)
						writeWithdrawal(tb, w, sc.WithdrawAt, k.ip, k.as, p.local, p.localAS, pfx[:n])
						sc.Records++
						pfx = pfx[n:]
					}
				}
			}
			ok, err := conv.Convert(&rec, &d)
			if err != nil {
				tb.Fatal(err)
			}
			if ok && d.Kind == rislive.KindUpdate {
				o, has := d.Origin()
				if cc, _ := CountryOf(o); withdrawn && has && cc == Country && len(d.Announced) > 0 {
					sc.Dropped++
					continue
				}
				if msg.Decode(&rec) == nil {
					k := peerKey{d.Peer, d.PeerAS}
					p := tables[k]
					if p == nil {
						p = &peerInfo{local: msg.LocalIP, localAS: msg.LocalAS, routes: make(map[netip.Prefix]uint32)}
						tables[k] = p
					}
					for _, q := range d.Withdrawn {
						delete(p.routes, q)
					}
					if has {
						for _, q := range d.Announced {
							p.routes[q] = o
						}
					}
				}
			}
			writeRecord(tb, w, &rec)
			if sc.Start.IsZero() {
				sc.Start = at
			}
			sc.End = at
			sc.Records++
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := out.Close(); err != nil {
		tb.Fatal(err)
	}
	return sc
}

func writeRecord(tb testing.TB, w io.Writer, rec *mrt.Record) {
	tb.Helper()
	body := rec.Body
	if rec.Type == mrt.TypeBGP4MPET {
		body = binary.BigEndian.AppendUint32(nil, rec.Microseconds)
		body = append(body, rec.Body...)
	}
	h := binary.BigEndian.AppendUint32(nil, rec.Timestamp)
	h = binary.BigEndian.AppendUint16(h, uint16(rec.Type))
	h = binary.BigEndian.AppendUint16(h, rec.Subtype)
	h = binary.BigEndian.AppendUint32(h, uint32(len(body)))
	if _, err := w.Write(append(h, body...)); err != nil {
		tb.Fatal(err)
	}
}

// writeWithdrawal writes a BGP4MP_MESSAGE_AS4 record of an UPDATE that
// withdraws IPv4 prefixes.
func writeWithdrawal(tb testing.TB, w io.Writer, at time.Time, peer netip.Addr, peerAS uint32, local netip.Addr, localAS uint32, pfx []netip.Prefix) {
	tb.Helper()
	var wd []byte
	for _, p := range pfx {
		a := p.Addr().As4()
		wd = append(wd, byte(p.Bits()))
		wd = append(wd, a[:(p.Bits()+7)/8]...)
	}
	msg := make([]byte, 16, 64+len(wd))
	for i := range msg {
		msg[i] = 0xff
	}
	msg = binary.BigEndian.AppendUint16(msg, uint16(19+2+len(wd)+2))
	msg = append(msg, mrt.MsgUpdate)
	msg = binary.BigEndian.AppendUint16(msg, uint16(len(wd)))
	msg = append(msg, wd...)
	msg = binary.BigEndian.AppendUint16(msg, 0)
	body := binary.BigEndian.AppendUint32(nil, peerAS)
	body = binary.BigEndian.AppendUint32(body, localAS)
	body = binary.BigEndian.AppendUint16(body, 0)
	afi := uint16(mrt.AFIIPv4)
	if peer.Is6() {
		afi = mrt.AFIIPv6
	}
	body = binary.BigEndian.AppendUint16(body, afi)
	body = append(body, peer.AsSlice()...)
	body = append(body, local.AsSlice()...)
	body = append(body, msg...)
	rec := mrt.Record{Header: mrt.Header{Timestamp: uint32(at.Unix()), Type: mrt.TypeBGP4MP, Subtype: mrt.BGP4MPMessageAS4}, Body: body}
	writeRecord(tb, w, &rec)
}
