package mrt

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
)

// seeds are small synthetic inputs: one record of each kind, and a few
// damaged ones.
func seeds() [][]byte {
	g := &gen{r: rand.New(rand.NewPCG(1, 2))}
	s := [][]byte{sampleUpdate(), sampleRIB(), cat(sampleRIB(), sampleUpdate())}
	for range 12 {
		s = append(s, g.file(3))
	}
	u := sampleUpdate()
	s = append(s, u[:len(u)-3], u[:10], cat(u[:8], be32(0xffffffff), u[12:]))
	return s
}

// FuzzReader feeds arbitrary bytes to the Reader, the decoders and the
// Formatter, with and without KeepGoing: none may panic, and every error
// must be an *Error.
func FuzzReader(f *testing.F) {
	for _, s := range seeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, keep := range []bool{false, true} {
			r, err := NewReader(bytes.NewReader(in), Options{KeepGoing: keep, MaxRecordSize: 1 << 20})
			if err != nil {
				continue
			}
			fm := NewFormatter(FormatOptions{MaskTrailingBits: keep})
			var (
				m   BGP4MP
				u   Update
				rib RIB
				td  TableDump
				a   Attributes
			)
			for {
				rec, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					var e *Error
					if !errors.As(err, &e) {
						t.Fatalf("error %v is not an *Error", err)
					}
					break
				}
				if keep {
					// With KeepGoing a Formatter error leaves dst alone.
					out, err := fm.Append([]byte("x"), &rec)
					if err != nil && string(out) != "x" {
						t.Fatalf("Append changed dst on error: %q", out)
					}
				} else {
					fm.Append(nil, &rec)
				}
				decodeAny(&rec, &m, &u, &rib, &td, &a)
				a.ASPath.Valid()
				a.AS4Path.Valid()
				for range a.LargeCommunities.Len() {
				}
			}
		}
		// The parallel pipeline must agree with itself whatever the input.
		o1, _, e1 := dumpBytes(t, in, Options{KeepGoing: true}, DumpOptions{Workers: 1})
		o2, _, e2 := dumpBytes(t, in, Options{KeepGoing: true}, DumpOptions{Workers: 3})
		if o1 != o2 || (e1 == nil) != (e2 == nil) {
			t.Fatalf("1 and 3 workers disagree")
		}
	})
}

// FuzzRecord fuzzes record bodies directly, to reach deep into the
// decoders faster than through the MRT framing.
func FuzzRecord(f *testing.F) {
	for _, s := range seeds() {
		r, err := NewReader(bytes.NewReader(s), Options{})
		if err != nil {
			continue
		}
		for {
			rec, err := r.Next()
			if err != nil {
				break
			}
			f.Add(uint16(rec.Type), rec.Subtype, bytes.Clone(rec.Body))
		}
	}
	f.Fuzz(func(t *testing.T, typ, sub uint16, body []byte) {
		rec := Record{Header: Header{Type: Type(typ), Subtype: sub, Length: uint32(len(body))}, Body: body}
		fm := NewFormatter(FormatOptions{})
		fm.SetPeerIndex(&PeerIndex{Peers: make([]Peer, 3)})
		for i := range 3 {
			fm.peers.Peers[i].IP = addrFrom(be32(uint32(i)))
		}
		fm.Append(nil, &rec)
		var (
			m   BGP4MP
			u   Update
			rib RIB
			td  TableDump
			a   Attributes
		)
		decodeAny(&rec, &m, &u, &rib, &td, &a)
		a.Decode(body, Caps{AS4: sub&1 == 0, AddPath: sub&2 == 0})
		for range a.ASPath.Segments() {
		}
	})
}
