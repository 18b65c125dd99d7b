// Package visibility computes IODA's BGP signal from routing data: per
// origin AS (and per country), per 5-minute bin, the number of IPv4 /24
// blocks covered by prefixes that more than half of the full-feed peers
// carry.
//
// A Tracker keeps the routing table of every peer of the collectors it is
// fed, as announcements, withdrawals, session resets and RIB snapshots
// arrive (Feed reads them from MRT records), and at the end of each bin
// records the visible /24s of every origin.
//
// # Definitions
//
// A peer is full-feed for IPv4 when its table holds more than
// Options.FullFeedV4 IPv4 prefixes (400,000 by default, as IODA), and for
// IPv6 when it holds more than Options.FullFeedV6 IPv6 prefixes (10,000).
// Small collections of test data need lower thresholds.
//
// An IPv4 prefix is visible for an origin AS when more than half of the
// IPv4 full-feed peers carry it with that origin (the last AS of the AS
// path; AS4_PATH's when the path ends in AS_TRANS; paths that end in an
// AS_SET of more than one AS have no origin and are not counted). The
// signal of an origin is the number of /24 blocks its visible prefixes
// cover, each block counted once however many overlapping prefixes cover
// it. Prefixes longer than /24 or shorter than /8 (default routes, bogus
// announcements) cover no block. With Options.CountryOf, the visible
// prefixes of all the origins of one country are counted together, again
// without double counting.
//
// The value of a bin is the state at its end. Bins without records repeat
// the state; a bin with no IPv4 full-feed peer has no value (NaN). Only
// IPv4 is counted, as IODA does; IPv6 tables are kept to tell full-feed
// peers.
//
// # Simplifications
//
// A RIB snapshot (a TABLE_DUMP_V2 peer index table and the RIB records
// after it) replaces the tables of the peers it lists; TABLE_DUMP (v1)
// records are added to the tables. A session leaving the Established state
// empties the peer's table. ADD-PATH sessions are treated as one path per
// prefix: the last one announced. Records are applied in the order given;
// a record older than the current bin is applied to the current one.
package visibility

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"net/netip"
	"slices"
	"strings"
	"time"

	"lifeline"
	"lifeline/watch"
)

// Options configure a Tracker. The zero value means IODA's definitions.
type Options struct {
	// FullFeedV4 and FullFeedV6: a peer whose table holds more prefixes
	// than this is full-feed. 0 means 400,000 and 10,000; a negative value
	// makes every peer with a prefix of that family full-feed.
	FullFeedV4, FullFeedV6 int
	// Bin is the length of a bin; 0 means 5 minutes.
	Bin time.Duration
	// CountryOf maps an origin AS to its country, to add country series.
	CountryOf func(asn uint32) (string, bool)
	// MaxBins bounds the span of the records, in bins, so that a record
	// with a wild timestamp cannot claim memory for years of bins; 0 means
	// a year.
	MaxBins int
	// MaxValues bounds the values held in all series together; 0 means
	// 2^28 (2 GiB), about 12 days of a full table's 75,000 origins.
	MaxValues int
	// Emit, when set, receives the value of every series at the end of
	// each bin (NaN when no peer is full-feed), origins in numeric order
	// then countries, instead of the Tracker keeping the series: Finish
	// then returns none and memory does not grow with the length of the
	// stream. MaxBins then bounds the jump from one bin to the next record
	// rather than the whole span, and MaxValues is not used.
	Emit func(k watch.Key, start time.Time, step time.Duration, v float64)
}

// Peer is a BGP peer of a collector.
type Peer struct {
	IP netip.Addr
	AS uint32
}

// String returns "AS@IP".
func (p Peer) String() string { return fmt.Sprintf("AS%d@%s", p.AS, p.IP) }

// Stats describe what a Tracker has seen.
type Stats struct {
	Peers       int // peers with a table
	FullFeedV4  int // IPv4 full-feed peers at the last bin
	FullFeedV6  int // IPv6 full-feed peers at the last bin
	Origins     int // origin ASes with a series
	Prefixes    int // distinct IPv4 (prefix, origin) pairs carried by full-feed peers
	Bins        int // bins recorded
	Announced   int // announcements and RIB entries applied
	Withdrawn   int // withdrawals applied
	NoOrigin    int // announcements without a usable origin
	PeerResets  int // tables emptied by a session reset or a new snapshot
	LateRecords int // records older than the current bin
}

// v4key packs an IPv4 prefix: the address in the high 32 bits of 40, the
// length in the low 8. Maps keyed by it are about half the size of maps
// keyed by netip.Prefix.
type v4key uint64

func keyOf4(p netip.Prefix) v4key {
	a := p.Masked().Addr().As4()
	return v4key(uint64(a[0])<<32|uint64(a[1])<<24|uint64(a[2])<<16|uint64(a[3])<<8) | v4key(p.Bits())
}

// blocks returns the /24 blocks the prefix covers, as a half-open range of
// /24 numbers, or an empty range for prefixes that cover none.
func (k v4key) blocks() (lo, hi uint32) {
	bits := int(k & 0xff)
	if bits < 8 || bits > 24 {
		return 0, 0
	}
	lo = uint32(k>>8) >> 8
	return lo, lo + 1<<(24-bits)
}

type v6key struct {
	hi, lo uint64
	bits   uint8
}

func keyOf6(p netip.Prefix) v6key {
	a := p.Masked().Addr().As16()
	var k v6key
	for i := 0; i < 8; i++ {
		k.hi = k.hi<<8 | uint64(a[i])
		k.lo = k.lo<<8 | uint64(a[8+i])
	}
	k.bits = uint8(p.Bits())
	return k
}

type peerTable struct {
	v4    map[v4key]uint32 // prefix → origin
	v6    map[v6key]struct{}
	full4 bool // counted in the visibility counts
	full6 bool
}

type po struct {
	p v4key
	o uint32
}

type series struct {
	first  int // bin index of Values[0]
	values []float64
}

// Tracker turns routing updates into visibility series. It is not safe for
// concurrent use.
type Tracker struct {
	opt   Options
	peers map[Peer]*peerTable

	counts  map[po]int                    // full-feed IPv4 peers carrying (prefix, origin)
	nfull4  int                           // IPv4 full-feed peers
	visible map[uint32]map[v4key]struct{} // origin → visible prefixes
	dirty   map[uint32]bool               // origins whose visible set changed
	stale   bool                          // full-feed set may have changed: rebuild counts

	value   map[uint32]float64 // origin → /24s at the last bin
	cvalue  map[string]float64 // country → /24s
	byASN   map[uint32]*series
	byCC    map[string]*series
	started bool
	stored  int // values in byASN and byCC
	// orderASN and orderCC are the keys of value and cvalue in order, for
	// Emit; the maps only grow, so a length change means a new key.
	orderASN []uint32
	orderCC  []string
	bin      int // current bin, since the Unix epoch
	first    int // first bin
	stats    Stats
}

// New returns an empty Tracker.
func New(opt Options) *Tracker {
	if opt.FullFeedV4 == 0 {
		opt.FullFeedV4 = 400_000
	}
	if opt.FullFeedV6 == 0 {
		opt.FullFeedV6 = 10_000
	}
	if opt.Bin <= 0 {
		opt.Bin = 5 * time.Minute
	}
	if opt.MaxBins <= 0 {
		opt.MaxBins = int(366 * 24 * time.Hour / opt.Bin)
	}
	if opt.MaxValues <= 0 {
		opt.MaxValues = 1 << 28
	}
	return &Tracker{
		opt:     opt,
		peers:   make(map[Peer]*peerTable),
		counts:  make(map[po]int),
		visible: make(map[uint32]map[v4key]struct{}),
		dirty:   make(map[uint32]bool),
		value:   make(map[uint32]float64),
		cvalue:  make(map[string]float64),
		byASN:   make(map[uint32]*series),
		byCC:    make(map[string]*series),
	}
}

// Advance moves the tracker to time at: every bin that ended before at is
// recorded. It is called by the update methods and returns an EINVALID
// error when at lies further from the first record than Options.MaxBins.
func (t *Tracker) Advance(at time.Time) error {
	b := int(at.Unix() / int64(t.opt.Bin/time.Second))
	if at.Unix() < 0 {
		b = 0
	}
	if !t.started {
		t.started, t.bin, t.first = true, b, b
		return nil
	}
	if b < t.bin {
		t.stats.LateRecords++
		return nil
	}
	if span := b - t.first; t.opt.Emit != nil {
		if b-t.bin > t.opt.MaxBins {
			return lifeline.Errorf(lifeline.EINVALID, "visibility.Advance", "record at %s lies %d bins after the current one, more than %d",
				at.UTC().Format(time.RFC3339), b-t.bin, t.opt.MaxBins)
		}
	} else if span > t.opt.MaxBins {
		return lifeline.Errorf(lifeline.EINVALID, "visibility.Advance", "record at %s lies %d bins after the first, more than %d",
			at.UTC().Format(time.RFC3339), b-t.first, t.opt.MaxBins)
	}
	if b > t.bin {
		// The values the bins would add, counting every origin that could
		// have changed: those known and those waiting to be recorded.
		if need := (b - t.bin) * (len(t.value) + len(t.cvalue) + len(t.dirty)); t.opt.Emit == nil && t.stored+need > t.opt.MaxValues {
			return lifeline.Errorf(lifeline.EINVALID, "visibility.Advance", "record at %s: %d more bins of %d series would exceed %d values; split the input",
				at.UTC().Format(time.RFC3339), b-t.bin, len(t.value)+len(t.cvalue)+len(t.dirty), t.opt.MaxValues)
		}
		t.record(b - t.bin)
		t.bin = b
	}
	return nil
}

func (t *Tracker) table(p Peer) *peerTable {
	pt := t.peers[p]
	if pt == nil {
		pt = &peerTable{v4: make(map[v4key]uint32), v6: make(map[v6key]struct{})}
		t.peers[p] = pt
	}
	return pt
}

// Announce records that peer p carries prefix with the given origin AS,
// from time at.
func (t *Tracker) Announce(at time.Time, p Peer, prefix netip.Prefix, origin uint32) error {
	if err := t.Advance(at); err != nil {
		return err
	}
	t.stats.Announced++
	pt := t.table(p)
	if prefix.Addr().Is4() {
		k := keyOf4(prefix)
		old, had := pt.v4[k]
		if had && old == origin {
			return nil
		}
		pt.v4[k] = origin
		if pt.full4 {
			if had {
				t.count(k, old, -1)
			}
			t.count(k, origin, +1)
		}
		if !had {
			t.checkFull(pt)
		}
		return nil
	}
	if _, had := pt.v6[keyOf6(prefix)]; !had {
		pt.v6[keyOf6(prefix)] = struct{}{}
		t.checkFull(pt)
	}
	return nil
}

// Withdraw records that peer p no longer carries prefix, from time at.
func (t *Tracker) Withdraw(at time.Time, p Peer, prefix netip.Prefix) error {
	if err := t.Advance(at); err != nil {
		return err
	}
	pt := t.peers[p]
	if pt == nil {
		return nil
	}
	if prefix.Addr().Is4() {
		k := keyOf4(prefix)
		old, had := pt.v4[k]
		if !had {
			return nil
		}
		t.stats.Withdrawn++
		delete(pt.v4, k)
		if pt.full4 {
			t.count(k, old, -1)
		}
		t.checkFull(pt)
		return nil
	}
	if _, had := pt.v6[keyOf6(prefix)]; had {
		t.stats.Withdrawn++
		delete(pt.v6, keyOf6(prefix))
		t.checkFull(pt)
	}
	return nil
}

// PeerDown empties the table of peer p: its session went down at time at.
func (t *Tracker) PeerDown(at time.Time, p Peer) error {
	if err := t.Advance(at); err != nil {
		return err
	}
	if pt := t.peers[p]; pt != nil && (len(pt.v4) > 0 || len(pt.v6) > 0) {
		t.stats.PeerResets++
		t.reset(pt)
	}
	return nil
}

// Snapshot starts a RIB snapshot of the peers listed, taken at time at:
// their tables are emptied, to be filled by the snapshot's entries.
func (t *Tracker) Snapshot(at time.Time, peers []Peer) error {
	if err := t.Advance(at); err != nil {
		return err
	}
	for _, p := range peers {
		if pt := t.peers[p]; pt != nil && (len(pt.v4) > 0 || len(pt.v6) > 0) {
			t.stats.PeerResets++
			t.reset(pt)
		}
	}
	return nil
}

func (t *Tracker) reset(pt *peerTable) {
	if pt.full4 {
		for k, o := range pt.v4 {
			t.count(k, o, -1)
		}
	}
	clear(pt.v4)
	clear(pt.v6)
	t.checkFull(pt)
}

// checkFull notes when a peer's full-feed status would change; the counts
// are rebuilt at the end of the bin, once, however many peers changed.
func (t *Tracker) checkFull(pt *peerTable) {
	if f4, f6 := t.full(pt); f4 != pt.full4 || f6 != pt.full6 {
		t.stale = true
	}
}

// full returns whether a peer's table makes it full-feed for IPv4 and
// IPv6.
func (t *Tracker) full(pt *peerTable) (bool, bool) {
	return len(pt.v4) > 0 && len(pt.v4) > t.opt.FullFeedV4, len(pt.v6) > 0 && len(pt.v6) > t.opt.FullFeedV6
}

// count adds d to the number of full-feed peers carrying (k, o) and notes
// a change of the prefix's visibility.
func (t *Tracker) count(k v4key, o uint32, d int) {
	key := po{k, o}
	n := t.counts[key]
	was := 2*n > t.nfull4
	n += d
	if n <= 0 {
		delete(t.counts, key)
		n = 0
	} else {
		t.counts[key] = n
	}
	if is := 2*n > t.nfull4; is != was {
		t.setVisible(k, o, is)
	}
}

func (t *Tracker) setVisible(k v4key, o uint32, vis bool) {
	set := t.visible[o]
	if vis {
		if set == nil {
			set = make(map[v4key]struct{})
			t.visible[o] = set
		}
		set[k] = struct{}{}
	} else {
		delete(set, k)
	}
	t.dirty[o] = true
}

// rebuild recounts everything after the set of full-feed peers changed.
func (t *Tracker) rebuild() {
	t.stale = false
	t.nfull4 = 0
	for _, pt := range t.peers {
		pt.full4, pt.full6 = t.full(pt)
		if pt.full4 {
			t.nfull4++
		}
	}
	// The largest full-feed table is a lower bound of the pairs to count;
	// sizing the map for it saves its growth on the first rebuild.
	most := 0
	for _, pt := range t.peers {
		if pt.full4 {
			most = max(most, len(pt.v4))
		}
	}
	if len(t.counts) < most {
		t.counts = make(map[po]int, most)
	} else {
		clear(t.counts)
	}
	for _, pt := range t.peers {
		if pt.full4 {
			for k, o := range pt.v4 {
				t.counts[po{k, o}]++
			}
		}
	}
	for o := range t.visible {
		t.dirty[o] = true
	}
	clear(t.visible)
	for key, n := range t.counts {
		if 2*n > t.nfull4 {
			set := t.visible[key.o]
			if set == nil {
				set = make(map[v4key]struct{})
				t.visible[key.o] = set
			}
			set[key.p] = struct{}{}
			t.dirty[key.o] = true
		}
	}
}

// record ends the current bin and records its values n times: the bin
// itself and the n−1 empty bins after it.
func (t *Tracker) record(n int) {
	if t.stale {
		t.rebuild()
	}
	ccDirty := make(map[string]bool)
	for o := range t.dirty {
		t.value[o] = float64(coverage(t.visible[o], nil))
		if len(t.visible[o]) == 0 {
			delete(t.visible, o)
		}
		if t.opt.CountryOf != nil {
			if cc, ok := t.opt.CountryOf(o); ok {
				ccDirty[strings.ToUpper(cc)] = true
			}
		}
	}
	clear(t.dirty)
	if len(ccDirty) > 0 {
		members := make(map[string][]uint32)
		for o := range t.visible {
			if cc, ok := t.opt.CountryOf(o); ok && ccDirty[strings.ToUpper(cc)] {
				members[strings.ToUpper(cc)] = append(members[strings.ToUpper(cc)], o)
			}
		}
		for cc := range ccDirty {
			var sets []map[v4key]struct{}
			for _, o := range members[cc] {
				sets = append(sets, t.visible[o])
			}
			t.cvalue[cc] = float64(coverage(nil, sets))
		}
	}
	nan := t.nfull4 == 0
	if t.opt.Emit != nil {
		t.emit(n, nan)
		t.stats.Bins += n
		return
	}
	for o, v := range t.value {
		appendValue(t.byASN, o, t.bin, n, v, nan)
	}
	for cc, v := range t.cvalue {
		appendValue(t.byCC, cc, t.bin, n, v, nan)
	}
	t.stored += n * (len(t.value) + len(t.cvalue))
	t.stats.Bins += n
}

// emit hands the values of the current bin and the n−1 after it to
// Options.Emit, origins in numeric order then countries.
func (t *Tracker) emit(n int, nan bool) {
	if len(t.orderASN) != len(t.value) {
		t.orderASN = slices.AppendSeq(t.orderASN[:0], maps.Keys(t.value))
		slices.Sort(t.orderASN)
	}
	if len(t.orderCC) != len(t.cvalue) {
		t.orderCC = slices.AppendSeq(t.orderCC[:0], maps.Keys(t.cvalue))
		slices.Sort(t.orderCC)
	}
	step := t.opt.Bin
	for j := range n {
		start := time.Unix(int64(t.bin+j)*int64(step/time.Second), 0).UTC()
		for _, o := range t.orderASN {
			v := t.value[o]
			if nan {
				v = math.NaN()
			}
			t.opt.Emit(watch.Key{Kind: watch.KindBGP, Entity: watch.ASN(o)}, start, step, v)
		}
		for _, cc := range t.orderCC {
			v := t.cvalue[cc]
			if nan {
				v = math.NaN()
			}
			t.opt.Emit(watch.Key{Kind: watch.KindBGP, Entity: watch.Country(cc)}, start, step, v)
		}
	}
}

func appendValue[K comparable](m map[K]*series, k K, bin, n int, v float64, nan bool) {
	s := m[k]
	if s == nil {
		s = &series{first: bin}
		m[k] = s
	}
	if nan {
		v = math.NaN()
	}
	for range n {
		s.values = append(s.values, v)
	}
}

// coverage returns the number of /24 blocks covered by the prefixes of set
// and sets, each counted once: the length of the union of their ranges.
func coverage(set map[v4key]struct{}, sets []map[v4key]struct{}) int {
	type span struct{ lo, hi uint32 }
	var spans []span
	add := func(s map[v4key]struct{}) {
		for k := range s {
			if lo, hi := k.blocks(); hi > lo {
				spans = append(spans, span{lo, hi})
			}
		}
	}
	add(set)
	for _, s := range sets {
		add(s)
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.lo, b.lo) })
	total := 0
	var curLo, curHi uint32
	for i, s := range spans {
		if i == 0 || s.lo > curHi {
			total += int(curHi - curLo)
			curLo, curHi = s.lo, s.hi
		} else if s.hi > curHi {
			curHi = s.hi
		}
	}
	return total + int(curHi-curLo)
}

// Finish records the last bin and returns the series: "bgp:asn/N" for
// every origin AS that was visible at some bin, and "bgp:country/CC" for
// every country with Options.CountryOf, sorted by key. A Tracker that saw
// no record returns none; with Options.Emit, Finish hands the last bin to
// it and returns none.
func (t *Tracker) Finish() []watch.Series {
	if !t.started {
		return nil
	}
	t.record(1)
	t.bin++
	if t.opt.Emit != nil {
		return nil
	}
	step := t.opt.Bin
	start := func(bin int) time.Time { return time.Unix(int64(bin)*int64(step/time.Second), 0).UTC() }
	// In key order, asn before country, without parsing the keys back.
	origins := slices.Sorted(maps.Keys(t.byASN))
	ccs := slices.Sorted(maps.Keys(t.byCC))
	out := make([]watch.Series, 0, len(origins)+len(ccs))
	for _, o := range origins {
		s := t.byASN[o]
		out = append(out, watch.Series{Key: watch.Key{Kind: watch.KindBGP, Entity: watch.ASN(o)}, Start: start(s.first), Step: step, Values: s.values})
	}
	for _, cc := range ccs {
		s := t.byCC[cc]
		out = append(out, watch.Series{Key: watch.Key{Kind: watch.KindBGP, Entity: watch.Country(cc)}, Start: start(s.first), Step: step, Values: s.values})
	}
	return out
}

// Started reports whether the tracker has seen a record (or been advanced):
// its bins are counted from then.
func (t *Tracker) Started() bool { return t.started }

// Stats returns what the tracker has seen so far.
func (t *Tracker) Stats() Stats {
	s := t.stats
	s.Peers = 0
	for _, pt := range t.peers {
		if len(pt.v4) > 0 || len(pt.v6) > 0 {
			s.Peers++
		}
		if pt.full6 {
			s.FullFeedV6++
		}
	}
	s.FullFeedV4 = t.nfull4
	s.Origins = len(t.byASN)
	if t.opt.Emit != nil {
		s.Origins = len(t.value)
	}
	s.Prefixes = len(t.counts)
	return s
}
