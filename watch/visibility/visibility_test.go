package visibility

import (
	"math"
	"net/netip"
	"testing"
	"time"

	"lifeline/watch"
)

var t0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func at(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

func peer(i int) Peer {
	return Peer{IP: netip.AddrFrom4([4]byte{192, 0, 2, byte(i)}), AS: uint32(64600 + i)}
}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// filler gives peer p n prefixes of origin 65000 from 100.64.0.0, to make
// it full-feed.
func filler(t testing.TB, tr *Tracker, when time.Time, p Peer, n int) {
	t.Helper()
	for i := range n {
		if err := tr.Announce(when, p, netip.PrefixFrom(netip.AddrFrom4([4]byte{100, byte(64 + i/256), byte(i % 256), 0}), 24), 65000); err != nil {
			t.Fatal(err)
		}
	}
}

// values returns the series of the key, by key string.
func values(series []watch.Series) map[string]watch.Series {
	m := make(map[string]watch.Series)
	for _, s := range series {
		m[s.Key.String()] = s
	}
	return m
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestMoreThanHalf checks the visibility rule on five full-feed peers: a
// prefix carried by three is visible, by two it is not; peers below the
// full-feed threshold do not count.
func TestMoreThanHalf(t *testing.T) {
	tr := New(Options{FullFeedV4: 10})
	for i := range 5 {
		filler(t, tr, at(0), peer(i), 11)
	}
	// A small peer (3 prefixes) carries everything.
	for i, p := range []string{"10.0.0.0/16", "10.1.0.0/24", "10.2.0.0/24"} {
		_ = i
		must(t, tr.Announce(at(0), peer(9), pfx(p), 64501))
	}
	// 10.0.0.0/16: three full peers, visible. 10.1.0.0/24: two, not.
	for i := range 3 {
		must(t, tr.Announce(at(1), peer(i), pfx("10.0.0.0/16"), 64501))
	}
	for i := range 2 {
		must(t, tr.Announce(at(1), peer(i), pfx("10.1.0.0/24"), 64501))
	}
	// In the next bin one of the three withdraws: no longer visible.
	must(t, tr.Withdraw(at(6), peer(2), pfx("10.0.0.0/16")))
	got := values(tr.Finish())
	s, ok := got["bgp:asn/64501"]
	if !ok {
		t.Fatalf("no series for AS64501; got %v", got)
	}
	if !s.Start.Equal(t0) || s.Step != 5*time.Minute || len(s.Values) != 2 || s.Values[0] != 256 || s.Values[1] != 0 {
		t.Errorf("AS64501: start %s step %v values %v, want [256 0] from %s", s.Start, s.Step, s.Values, t0)
	}
	if f := got["bgp:asn/65000"]; len(f.Values) != 2 || f.Values[0] != 11 {
		t.Errorf("AS65000 (carried by all five): %v, want 11 /24s", f.Values)
	}
	if st := tr.Stats(); st.FullFeedV4 != 5 || st.Peers != 6 {
		t.Errorf("stats %+v, want 5 full-feed peers of 6", st)
	}
}

// TestNoDoubleCounting checks that overlapping prefixes of one origin, and
// of origins of one country, count each /24 once.
func TestNoDoubleCounting(t *testing.T) {
	cc := map[uint32]string{64501: "IR", 64502: "IR", 64503: "SY"}
	tr := New(Options{FullFeedV4: -1, CountryOf: func(a uint32) (string, bool) { c, ok := cc[a]; return c, ok }})
	p := peer(1)
	for _, r := range []struct {
		prefix string
		origin uint32
	}{
		{"10.0.0.0/16", 64501},   // 256
		{"10.0.1.0/24", 64501},   // inside: 0 more
		{"10.0.128.0/17", 64501}, // inside: 0 more
		{"10.1.0.0/23", 64501},   // 2
		{"10.1.1.0/24", 64502},   // inside AS64501's /23, another origin of IR
		{"10.2.0.0/24", 64502},   // 1
		{"10.3.0.0/25", 64502},   // longer than /24: none
		{"0.0.0.0/0", 64502},     // shorter than /8: none
		{"10.0.0.0/24", 64503},   // inside IR's space, but SY
	} {
		must(t, tr.Announce(at(0), p, pfx(r.prefix), r.origin))
	}
	got := values(tr.Finish())
	for key, want := range map[string]float64{
		"bgp:asn/64501":  258,
		"bgp:asn/64502":  2,
		"bgp:asn/64503":  1,
		"bgp:country/IR": 259,
		"bgp:country/SY": 1,
	} {
		if s := got[key]; len(s.Values) != 1 || s.Values[0] != want {
			t.Errorf("%s = %v, want [%v]", key, s.Values, want)
		}
	}
}

// TestBins checks that bins without records repeat the state, that a bin
// without full-feed peers has no value, and that late records and peer
// resets are handled.
func TestBins(t *testing.T) {
	tr := New(Options{FullFeedV4: 2})
	filler(t, tr, at(0), peer(1), 2) // not yet full: 2 is not more than 2
	must(t, tr.Announce(at(12), peer(1), pfx("10.0.0.0/24"), 64501))
	must(t, tr.Announce(at(7), peer(1), pfx("10.0.1.0/24"), 64501)) // late: bin 2 is current
	must(t, tr.PeerDown(at(27), peer(1)))
	got := values(tr.Finish())
	s := got["bgp:asn/64501"]
	// Bins 0–1: no full-feed peer; the origin is seen from bin 2.
	if !s.Start.Equal(at(10)) || len(s.Values) != 4 || s.Values[0] != 2 || s.Values[1] != 2 || s.Values[2] != 2 || !math.IsNaN(s.Values[3]) {
		t.Errorf("AS64501 from %s: %v, want [2 2 2 NaN] from %s", s.Start, s.Values, at(10))
	}
	f := got["bgp:asn/65000"]
	if !f.Start.Equal(at(10)) || len(f.Values) != 4 {
		t.Errorf("AS65000 from %s: %v", f.Start, f.Values)
	}
	st := tr.Stats()
	if st.LateRecords != 1 || st.PeerResets != 1 || st.Bins != 6 {
		t.Errorf("stats %+v, want 1 late record, 1 reset, 6 bins", st)
	}
}

func TestSnapshotReplacesTables(t *testing.T) {
	tr := New(Options{FullFeedV4: -1})
	// Three peers carry A; peers 2 and 3 carry B.
	for i := 1; i <= 3; i++ {
		must(t, tr.Announce(at(0), peer(i), pfx("10.0.0.0/24"), 64501))
	}
	for i := 2; i <= 3; i++ {
		must(t, tr.Announce(at(0), peer(i), pfx("10.9.0.0/24"), 64509))
	}
	// A snapshot of peers 1 and 2 at 00:10 lists only C: their tables are
	// replaced; peer 3, not in it, keeps A and B, which one of three peers
	// is not enough for.
	must(t, tr.Snapshot(at(10), []Peer{peer(1), peer(2)}))
	for i := 1; i <= 2; i++ {
		must(t, tr.Announce(at(10), peer(i), pfx("10.0.1.0/24"), 64502))
	}
	got := values(tr.Finish())
	for key, want := range map[string][]float64{
		"bgp:asn/64501": {1, 1, 0},
		"bgp:asn/64509": {1, 1, 0},
		"bgp:asn/64502": {1},
	} {
		if s := got[key]; !same(s.Values, want) {
			t.Errorf("%s = %v, want %v", key, s.Values, want)
		}
	}
	if st := tr.Stats(); st.PeerResets != 2 {
		t.Errorf("%d table resets, want 2", st.PeerResets)
	}
}

func TestMaxBins(t *testing.T) {
	tr := New(Options{MaxBins: 10})
	must(t, tr.Announce(at(0), peer(1), pfx("10.0.0.0/24"), 1))
	if err := tr.Announce(at(60), peer(1), pfx("10.0.0.0/24"), 1); err == nil {
		t.Error("a record 12 bins after the first was accepted with MaxBins 10")
	}
}

func TestMaxValues(t *testing.T) {
	tr := New(Options{FullFeedV4: -1, MaxValues: 100})
	for i := range 10 {
		must(t, tr.Announce(at(0), peer(1), netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i), 0, 0}), 24), uint32(64500+i)))
	}
	must(t, tr.Announce(at(40), peer(1), pfx("10.0.0.0/24"), 64500)) // 8 bins of 10 series
	if err := tr.Announce(at(60), peer(1), pfx("10.0.0.0/24"), 64500); err == nil {
		t.Error("12 bins of 10 series were accepted with MaxValues 100")
	}
}

func TestOriginChange(t *testing.T) {
	tr := New(Options{FullFeedV4: -1})
	must(t, tr.Announce(at(0), peer(1), pfx("10.0.0.0/24"), 64501))
	must(t, tr.Announce(at(5), peer(1), pfx("10.0.0.0/24"), 64502)) // hijacked, or moved
	got := values(tr.Finish())
	if a, b := got["bgp:asn/64501"], got["bgp:asn/64502"]; !same(a.Values, []float64{1, 0}) || !same(b.Values, []float64{1}) {
		t.Errorf("after an origin change: %v and %v, want [1 0] and [1]", a.Values, b.Values)
	}
}

func same(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}
