// Package eval measures the detector of lifeline/watch on generated ground
// truth: signals of known shape into which outages of known start, depth
// and length are injected, so that every alert can be scored.
//
// # The generated world
//
// Config.Countries countries (user-assigned ISO codes QM, QN, …) each hold
// Config.Networks networks (private AS numbers from 64512). Each network
// has an address space of 256 to 8,192 /24 blocks (log-uniform) and two
// signals:
//
//   - bgp, per 5 minutes: its visible /24s, flat, losing a block or two
//     now and then (relative noise 0.1 % × Config.Noise), and changing by
//     1–5 % for good now and then (Config.ShiftRate);
//   - probing, per 10 minutes: its /24s that answer probes, 30–70 % of
//     its space, each up with probability 0.95, following a daily cycle of
//     ±3–10 % in the country's time zone, with binomial noise plus 1 % ×
//     Config.Noise.
//
// Each country has the sums of its networks' bgp and probing signals and a
// telescope signal per 5 minutes: unique sources, about one per /24 per bin
// with a ±30 % daily cycle, Poisson noise plus 10 % × Config.Noise.
// Each value is missing with probability Config.Missing, and every series
// has gaps of 15 minutes to 2 hours, about one a fortnight.
//
// # Outages
//
// After a warm-up (Config.Warmup, a week by default, so that every window
// is full), two kinds of truth are injected over Config.Span:
//
//   - network outages, Config.OutageRate per network-week, starting at any
//     5-minute mark, lasting Config.MinLength to Config.MaxLength
//     (log-uniform) and removing Config.MinDepth to Config.MaxDepth of the
//     network's signals (uniform); BGP falls too with probability
//     Config.BGPShare, since many outages (power, a failed core router)
//     leave routes in place;
//   - national shutdowns, Config.ShutdownRate per country-week, starting at
//     a round hour (or half hour) UTC, taking 70–100 % of the country's
//     networks down by 80–100 % within ten minutes of each other, for one
//     to twelve hours.
//
// An outage that starts inside a bin lowers that bin by the share of it
// that it covers. Outages of one network do not overlap.
//
// # Scoring
//
// A truth item is an outage of one entity: a network outage is one item;
// a shutdown is one item for the country and one per network it took
// down. It is detected when an alert of its entity overlaps it. An alert
// is true when it overlaps a truth item of its entity or, for a country,
// an outage of one of its networks (the country did lose that network's
// signal). Run compares the alerts on the injected signals, and counts
// the alerts on the same signals without outages (the clean run) as false
// alerts per entity-week.
package eval

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"lifeline"
	"lifeline/watch"
)

// Config describes the generated world and its outages. Start from
// DefaultConfig and change what the experiment needs.
type Config struct {
	Seed      uint64
	Start     time.Time     // first bin of the warm-up
	Warmup    time.Duration // history before any outage; its alerts are not counted
	Span      time.Duration // evaluated time after the warm-up
	Countries int
	Networks  int     // per country
	Noise     float64 // scales every noise level; 1 is the default world
	Missing   float64 // probability that a value is missing

	OutageRate           float64 // network outages per network-week
	ShutdownRate         float64 // national shutdowns per country-week
	MinDepth, MaxDepth   float64 // fraction of a network's signal an outage removes
	MinLength, MaxLength time.Duration
	BGPShare             float64 // probability that a network outage shows in BGP
	// ShiftRate is the rate, per network-week, of lasting changes of a
	// network's routed space (1–5 % more or fewer /24s, as prefixes are
	// added, moved or returned). They are no outages and are present in
	// the clean world too: a fall lasting days is an alert until
	// inpainting gives up, which is what the detector should do.
	ShiftRate float64

	// Target is the class the headline recall is measured on: outages at
	// least TargetLength long that drop their signals by TargetDepth or
	// more.
	TargetLength time.Duration
	TargetDepth  float64
}

// DefaultConfig is the configuration of the figures in docs/performance.md.
func DefaultConfig() Config {
	return Config{
		Seed:         1,
		Start:        time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		Warmup:       7 * 24 * time.Hour,
		Span:         8 * 7 * 24 * time.Hour,
		Countries:    8,
		Networks:     6,
		Noise:        1,
		Missing:      0.02,
		OutageRate:   0.5,
		ShutdownRate: 0.1,
		MinDepth:     0.2,
		MaxDepth:     1,
		MinLength:    10 * time.Minute,
		MaxLength:    12 * time.Hour,
		BGPShare:     0.8,
		ShiftRate:    0.05,
		TargetLength: 30 * time.Minute,
		TargetDepth:  0.5,
	}
}

// Validate checks that the configuration describes a world.
func (c Config) Validate() error {
	const op = "eval.Config"
	switch {
	case c.Start.IsZero():
		return lifeline.Errorf(lifeline.EINVALID, op, "no start time")
	case c.Warmup < 0 || c.Span <= 0 || c.Span > 5*366*24*time.Hour:
		return lifeline.Errorf(lifeline.EINVALID, op, "warm-up %v and span %v: want ≥ 0 and between 0 and 5 years", c.Warmup, c.Span)
	case c.Countries < 1 || c.Countries > 26 || c.Networks < 1 || c.Networks > 1000:
		return lifeline.Errorf(lifeline.EINVALID, op, "%d countries of %d networks: want 1–26 countries of 1–1000 networks", c.Countries, c.Networks)
	case c.Noise < 0 || c.Noise > 100 || c.Missing < 0 || c.Missing >= 1:
		return lifeline.Errorf(lifeline.EINVALID, op, "noise %v and missing %v: want noise 0–100 and missing in [0, 1)", c.Noise, c.Missing)
	case c.OutageRate < 0 || c.ShutdownRate < 0 || c.OutageRate > 50 || c.ShutdownRate > 50:
		return lifeline.Errorf(lifeline.EINVALID, op, "outage rate %v and shutdown rate %v: want 0–50 per entity-week", c.OutageRate, c.ShutdownRate)
	case !(c.MinDepth >= 0 && c.MinDepth <= c.MaxDepth && c.MaxDepth <= 1):
		return lifeline.Errorf(lifeline.EINVALID, op, "depth %v–%v: want 0 ≤ min ≤ max ≤ 1", c.MinDepth, c.MaxDepth)
	case !(c.MinLength >= 5*time.Minute && c.MinLength <= c.MaxLength && c.MaxLength <= 7*24*time.Hour):
		return lifeline.Errorf(lifeline.EINVALID, op, "length %v–%v: want 5m ≤ min ≤ max ≤ 7d", c.MinLength, c.MaxLength)
	case c.ShiftRate < 0 || c.ShiftRate > 50:
		return lifeline.Errorf(lifeline.EINVALID, op, "shift rate %v: want 0–50 per network-week", c.ShiftRate)
	case c.BGPShare < 0 || c.BGPShare > 1:
		return lifeline.Errorf(lifeline.EINVALID, op, "BGP share %v: want a fraction", c.BGPShare)
	}
	return nil
}

// Steps of the generated signals.
const (
	bgpStep       = 5 * time.Minute
	probingStep   = 10 * time.Minute
	telescopeStep = 5 * time.Minute
)

// Truth is one injected outage of one entity.
type Truth struct {
	Entity   watch.Entity
	Country  string
	Start    time.Time
	End      time.Time
	Depth    float64 // fraction of the signals removed (of the country's, for a country)
	Shutdown bool    // part of a national shutdown
	BGP      bool    // BGP fell too
}

// network is one generated network.
type network struct {
	asn       uint32
	country   int
	space     float64 // /24 blocks
	resp      float64 // /24s that answer probes
	amplitude float64 // of the daily probing cycle
	outages   []outage
	shifts    []shift
}

// shift multiplies a network's routed space by factor from time at on.
type shift struct {
	at     time.Time
	factor float64
}

// routed returns the network's routed space at time t.
func (n *network) routed(t time.Time) float64 {
	s := n.space
	for _, sh := range n.shifts {
		if !t.Before(sh.at) {
			s *= sh.factor
		}
	}
	return s
}

// outage removes depth of a network's signals over [start, end).
type outage struct {
	start, end time.Time
	depth      float64
	bgp        bool
}

// World is a generated set of series with its truth.
type World struct {
	Series    []watch.Series
	Truth     []Truth
	CountryOf func(uint32) (string, bool)
	Entities  int // networks and countries
	cfg       Config
}

// codes are ISO 3166-1 alpha-2 codes reserved for user assignment (XK,
// used for Kosovo, left out), so the generated countries are no real ones.
var codes = []string{"QM", "QN", "QO", "QP", "QQ", "QR", "QS", "QT", "QU", "QV", "QW", "QX", "QY", "QZ",
	"XA", "XB", "XC", "XD", "XE", "XF", "XG", "XH", "XI", "XJ", "XL", "XM"}

// countryCode returns the code of generated country i.
func countryCode(i int) string { return codes[i] }

// Generate builds the world of cfg. With clean set no outage is injected,
// but every other random draw is the same, so the clean world is the
// outage world without its outages.
func Generate(cfg Config, clean bool) (*World, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x6c69666531696e65))
	nets := make([]*network, 0, cfg.Countries*cfg.Networks)
	tz := make([]float64, cfg.Countries) // UTC offset in hours
	ccOf := make(map[uint32]string)
	for c := range cfg.Countries {
		tz[c] = float64(rng.IntN(24) - 11)
		for range cfg.Networks {
			n := &network{
				asn:       64512 + uint32(len(nets)),
				country:   c,
				space:     math.Round(256 * math.Pow(32, rng.Float64())),
				amplitude: 0.03 + 0.07*rng.Float64(),
			}
			n.resp = math.Round(n.space * (0.3 + 0.4*rng.Float64()))
			total := cfg.Warmup + cfg.Span
			for k := poisson(rng, cfg.ShiftRate*total.Hours()/(7*24)); k > 0; k-- {
				f := 1 + (0.01+0.04*rng.Float64())*float64(1-2*rng.IntN(2))
				n.shifts = append(n.shifts, shift{cfg.Start.Add(time.Duration(rng.Int64N(int64(total)))).Truncate(bgpStep), f})
			}
			nets = append(nets, n)
			ccOf[n.asn] = countryCode(c)
		}
	}
	w := &World{cfg: cfg, Entities: len(nets) + cfg.Countries,
		CountryOf: func(a uint32) (string, bool) { cc, ok := ccOf[a]; return cc, ok }}

	// Outages, drawn from their own stream so that the clean world shares
	// every other draw.
	orng := rand.New(rand.NewPCG(cfg.Seed, 0x6f75746167657321))
	from, to := cfg.Start.Add(cfg.Warmup), cfg.Start.Add(cfg.Warmup+cfg.Span)
	weeks := cfg.Span.Hours() / (7 * 24)
	for c := range cfg.Countries {
		for k := poisson(orng, cfg.ShutdownRate*weeks); k > 0; k-- {
			w.shutdown(orng, nets, c, from, to)
		}
	}
	for _, n := range nets {
		for k := poisson(orng, cfg.OutageRate*weeks); k > 0; k-- {
			w.networkOutage(orng, n, from, to)
		}
	}
	if clean {
		for _, n := range nets {
			n.outages = nil
		}
		w.Truth = nil
	}
	w.build(rng, nets, tz)
	return w, nil
}

// poisson draws from a Poisson distribution of mean m (Knuth's method,
// enough for the small means used here).
func poisson(rng *rand.Rand, m float64) int {
	l, k, p := math.Exp(-m), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// free reports whether [s, e) leaves an hour either side of the network's
// other outages.
func (n *network) free(s, e time.Time) bool {
	for _, o := range n.outages {
		if s.Before(o.end.Add(time.Hour)) && o.start.Before(e.Add(time.Hour)) {
			return false
		}
	}
	return true
}

func (w *World) networkOutage(rng *rand.Rand, n *network, from, to time.Time) {
	cfg := w.cfg
	for range 20 { // a few tries to find a free slot
		length := logUniform(rng, cfg.MinLength, cfg.MaxLength).Round(time.Minute)
		slots := int(to.Sub(from)-length) / int(5*time.Minute)
		if slots <= 0 {
			return
		}
		start := from.Add(time.Duration(rng.IntN(slots)) * 5 * time.Minute)
		depth := cfg.MinDepth + (cfg.MaxDepth-cfg.MinDepth)*rng.Float64()
		bgp := rng.Float64() < cfg.BGPShare
		if !n.free(start, start.Add(length)) {
			continue
		}
		n.outages = append(n.outages, outage{start, start.Add(length), depth, bgp})
		w.Truth = append(w.Truth, Truth{Entity: watch.ASN(n.asn), Country: countryCode(n.country),
			Start: start, End: start.Add(length), Depth: depth, BGP: bgp})
		return
	}
}

func (w *World) shutdown(rng *rand.Rand, nets []*network, c int, from, to time.Time) {
	length := logUniform(rng, time.Hour, 12*time.Hour).Round(time.Minute)
	hours := int(to.Sub(from)-length) / int(30*time.Minute)
	if hours <= 0 {
		return
	}
	start := from.Truncate(time.Hour).Add(time.Hour + time.Duration(rng.IntN(hours))*30*time.Minute)
	var members []*network
	for _, n := range nets {
		if n.country == c && rng.Float64() < 0.85 {
			members = append(members, n)
		}
	}
	if len(members) < 2 {
		return
	}
	for _, n := range members {
		if !n.free(start, start.Add(length)) {
			return
		}
	}
	var space, lost float64
	for _, n := range nets {
		if n.country == c {
			space += n.space
		}
	}
	end := start.Add(length)
	for _, n := range members {
		s := start.Add(time.Duration(rng.IntN(3)) * 5 * time.Minute) // operators comply within minutes
		depth := 0.8 + 0.2*rng.Float64()
		n.outages = append(n.outages, outage{s, end, depth, true})
		w.Truth = append(w.Truth, Truth{Entity: watch.ASN(n.asn), Country: countryCode(c), Start: s, End: end,
			Depth: depth, Shutdown: true, BGP: true})
		lost += n.space * depth
	}
	w.Truth = append(w.Truth, Truth{Entity: watch.Country(countryCode(c)), Country: countryCode(c), Start: start, End: end,
		Depth: lost / space, Shutdown: true, BGP: true})
}

func logUniform(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	return time.Duration(float64(lo) * math.Pow(float64(hi)/float64(lo), rng.Float64()))
}

// up returns the fraction of bin [t, t+step) during which network n is not
// cut by an outage that affects kind (bgp or not), weighted by depth.
func (n *network) up(t time.Time, step time.Duration, bgp bool) float64 {
	f := 1.0
	for _, o := range n.outages {
		if bgp && !o.bgp {
			continue
		}
		s, e := maxTime(o.start, t), minTime(o.end, t.Add(step))
		if e.After(s) {
			f -= o.depth * float64(e.Sub(s)) / float64(step)
		}
	}
	return max(f, 0)
}

// build draws the series.
func (w *World) build(rng *rand.Rand, nets []*network, tz []float64) {
	cfg := w.cfg
	total := cfg.Warmup + cfg.Span
	nb, np, nt := int(total/bgpStep), int(total/probingStep), int(total/telescopeStep)
	daily := func(t time.Time, c int) float64 {
		h := float64(t.Unix()%86400)/3600 + tz[c]
		return math.Sin(2 * math.Pi * (h - 9) / 24) // highest at 15:00 local
	}
	cBGP := make([][]float64, cfg.Countries)
	cProbe := make([][]float64, cfg.Countries)
	cTele := make([][]float64, cfg.Countries)
	for c := range cfg.Countries {
		cBGP[c], cProbe[c], cTele[c] = make([]float64, nb), make([]float64, np), make([]float64, nt)
	}
	for _, n := range nets {
		bgp := make([]float64, nb)
		for i := range bgp {
			t := cfg.Start.Add(time.Duration(i) * bgpStep)
			flap := math.Abs(rng.NormFloat64()) * 0.001 * cfg.Noise * n.space
			v := math.Round(max(n.routed(t)*n.up(t, bgpStep, true)-flap, 0))
			bgp[i] = v
			cBGP[n.country][i] += v
		}
		probe := make([]float64, np)
		for i := range probe {
			t := cfg.Start.Add(time.Duration(i) * probingStep)
			q := 0.95 * (1 + n.amplitude*daily(t, n.country))
			mu := n.resp * q * n.up(t, probingStep, false)
			sd := math.Sqrt(mu*(1-min(q, 0.99))) + 0.01*cfg.Noise*mu
			v := math.Round(max(mu+sd*rng.NormFloat64(), 0))
			probe[i] = v
			cProbe[n.country][i] += v
		}
		for i := range nt {
			t := cfg.Start.Add(time.Duration(i) * telescopeStep)
			cTele[n.country][i] += n.space * (1 + 0.3*daily(t, n.country)) * n.up(t, telescopeStep, false)
		}
		w.addSeries(rng, watch.KindBGP, watch.ASN(n.asn), bgpStep, bgp)
		w.addSeries(rng, watch.KindProbing, watch.ASN(n.asn), probingStep, probe)
	}
	for c := range cfg.Countries {
		for i, lam := range cTele[c] {
			sd := math.Sqrt(lam) + 0.1*cfg.Noise*lam
			cTele[c][i] = math.Round(max(lam+sd*rng.NormFloat64(), 0))
		}
		e := watch.Country(countryCode(c))
		w.addSeries(rng, watch.KindBGP, e, bgpStep, cBGP[c])
		w.addSeries(rng, watch.KindProbing, e, probingStep, cProbe[c])
		w.addSeries(rng, watch.KindTelescope, e, telescopeStep, cTele[c])
	}
}

// addSeries removes missing values and adds the series.
func (w *World) addSeries(rng *rand.Rand, k watch.Kind, e watch.Entity, step time.Duration, v []float64) {
	cfg := w.cfg
	for i := range v {
		if rng.Float64() < cfg.Missing {
			v[i] = math.NaN()
		}
	}
	// Gaps of 15 minutes to 2 hours, about one a fortnight.
	for g := poisson(rng, (cfg.Warmup+cfg.Span).Hours()/(14*24)); g > 0; g-- {
		at := rng.IntN(len(v))
		n := int(logUniform(rng, 15*time.Minute, 2*time.Hour) / step)
		for i := at; i < min(at+n, len(v)); i++ {
			v[i] = math.NaN()
		}
	}
	w.Series = append(w.Series, watch.Series{Key: watch.Key{Kind: k, Entity: e}, Start: w.cfg.Start, Step: step, Values: v})
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// String describes a truth item.
func (t Truth) String() string {
	what := "outage"
	if t.Shutdown {
		what = "shutdown"
	}
	return fmt.Sprintf("%s %s %s for %v, −%.0f%%", what, t.Entity, t.Start.Format("2006-01-02 15:04"), t.End.Sub(t.Start), 100*t.Depth)
}
