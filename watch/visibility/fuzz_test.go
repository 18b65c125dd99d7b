package visibility

import (
	"bytes"
	"net/netip"
	"testing"

	"lifeline/mrt"
)

// FuzzFeed checks that no MRT input makes the feeder or the tracker panic,
// and that memory stays bounded: records whose times lie far apart are
// refused (MaxBins) rather than given years of bins.
func FuzzFeed(f *testing.F) {
	peers := []Peer{peer(1), peer(2)}
	f.Add(bytes.Join([][]byte{
		peerIndex(at(0), peers),
		rib(at(0), 0, pfx("203.0.113.0/24"), ribEntry{0, []uint32{64601, 64510}}, ribEntry{1, []uint32{64602, 64510}}),
		update(at(6), peer(1), []netip.Prefix{pfx("203.0.113.0/24")}, nil),
		update(at(12), peer(2), nil, []uint32{64602, 64530}, pfx("192.0.2.0/24"), pfx("10.0.0.0/8")),
		stateChange(at(16), peer(2), 6, 1),
	}, nil))
	f.Add(rib(at(0), 0, pfx("203.0.113.0/24"), ribEntry{5, []uint32{1}})) // no peer index
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := mrt.NewReader(bytes.NewReader(in), mrt.Options{KeepGoing: true, MaxRecordSize: 1 << 16})
		if err != nil {
			return
		}
		tr := New(Options{FullFeedV4: -1, FullFeedV6: -1, MaxBins: 1000})
		if err := NewFeeder(tr).Feed(r); err != nil {
			return
		}
		for _, s := range tr.Finish() {
			if len(s.Values) > 1001 {
				t.Fatalf("%s: %d bins with MaxBins 1000", s.Key, len(s.Values))
			}
		}
	})
}
