package impact

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"lifeline"
	"lifeline/atlas"
	"lifeline/geo"
	"lifeline/impact/asrel"
)

// ASCountries tells which country an AS is registered in; *rir.Table
// (lifeline/watch/rir, from the RIRs' delegated-extended files) is one.
// SimulateAS calls it from one goroutine.
type ASCountries interface {
	Country(asn uint32) (code string, ok bool)
}

// ASOptions configures SimulateAS.
type ASOptions struct {
	// Countries maps ASes to their countries, for shutdown events and the
	// per-country figures; nil leaves both out (a scenario with a shutdown
	// is then an error).
	Countries ASCountries
	// Workers is the number of goroutines; 0 means GOMAXPROCS. The result
	// does not depend on it.
	Workers int
	// Progress, if set, is called with the destinations done so far.
	Progress func(done, total int)
}

// UnknownCountry is the code under which ASes the country table does not
// know are counted ("ZZ": unknown or unspecified, as the RIRs write it).
const UnknownCountry = "ZZ"

// ListShare is the share of the other ASes an affected AS must lose to be
// listed in ASLevel.Networks, unless one of its providers failed. Below it,
// an AS loses only a few of the networks cut off, as nearly every AS of the
// Internet does (tens of thousands of them in a national shutdown);
// ASLevel.Unlisted sums them.
const ListShare = 0.01

// CutOffShare is the share of the other ASes an AS must lose to count as
// cut off in a country's figures.
const CutOffShare = 0.5

// ASLevel is what a scenario's failed networks do to valley-free
// reachability between ASes (docs/impact.md, "The AS level"). Only pairs of
// ASes that are both alive count as lost: every AS also loses the failed
// ones, which Failed lists.
type ASLevel struct {
	ASes     int `json:"ases"` // in the relationship graph
	P2CLinks int `json:"p2c_links"`
	P2PLinks int `json:"p2p_links"`
	// Failed lists the failed ASes, ascending.
	Failed []uint32 `json:"failed"`
	// Shutdowns gives each shut-down country and how many of its ASes the
	// graph holds.
	Shutdowns []ASShutdown `json:"shutdowns"`
	// Cone is the number of live ASes in the failed ones' customer cones:
	// those whose own paths up may cross a failed AS.
	Cone int `json:"cone"`
	// Searches is the number of destinations searched (ASes of the cones
	// that can differ), before and after.
	Searches int `json:"searches"`
	// Affected is the number of live ASes that lose at least one live
	// destination.
	Affected int `json:"affected"`
	// LostPairs is the number of ordered pairs of live ASes that had a
	// valley-free path and have none; LostShare is that over all ordered
	// pairs of live ASes.
	LostPairs int64   `json:"lost_pairs"`
	LostShare float64 `json:"lost_share"`
	// Countries sums the figures per country of registration, most
	// affected first; only with a country table, and only countries with
	// a failed or affected AS.
	Countries []ASCountryImpact `json:"countries,omitempty"`
	// Networks lists the affected ASes that bought transit from a failed
	// one, and those that lose at least ListShare of the other ASes; most
	// destinations lost first.
	Networks []ASNetworkImpact `json:"networks"`
	// Unlisted sums the affected ASes that Networks leaves out.
	Unlisted ASUnlisted `json:"unlisted"`
}

// ASUnlisted sums the affected ASes not listed one by one.
type ASUnlisted struct {
	Networks  int   `json:"networks"`
	LostPairs int64 `json:"lost_pairs"`
	MaxLost   int   `json:"max_lost"` // the most destinations one of them loses
}

// ASShutdown is one shut-down country at the AS level.
type ASShutdown struct {
	Country string `json:"country"`
	ASes    int    `json:"ases"` // registered there and in the graph: all fail
}

// ASCountryImpact is what the failures do to one country's networks.
type ASCountryImpact struct {
	Country  string `json:"country"`
	Name     string `json:"name"`
	ASes     int    `json:"ases"` // registered there and in the graph
	Failed   int    `json:"failed"`
	Affected int    `json:"affected"` // live ASes that lose at least one destination
	// CutOff counts live ASes that lose at least half of the other ASes
	// (CutOffShare).
	CutOff int `json:"cut_off"`
	// LostPairs sums the destinations lost by the country's live ASes;
	// LostShare is that over (live ASes × other ASes).
	LostPairs int64   `json:"lost_pairs"`
	LostShare float64 `json:"lost_share"`
}

// ASNetworkImpact is what one AS loses.
type ASNetworkImpact struct {
	ASN     uint32 `json:"asn"`
	Country string `json:"country,omitempty"` // with a country table
	// Lost is how many live ASes it reached and reaches no longer;
	// LostShare is that over all the other ASes of the graph.
	Lost      int     `json:"lost"`
	LostShare float64 `json:"lost_share"`
	// InFailedCone: the AS hangs below a failed AS, so its own paths up
	// crossed the failed networks; otherwise it only loses destinations
	// that hang below them.
	InFailedCone bool `json:"in_failed_cone"`
	// FailedProviders lists its direct providers that failed.
	FailedProviders []uint32 `json:"failed_providers,omitempty"`
}

// SimulateAS applies a scenario's shutdown and ases events to the AS
// graph: a shutdown fails every AS the country table places in the
// country, an ases event the ASes it lists. Other events do not reach the
// AS level: nothing says which AS links run over which cable.
//
// Errors: EINVALID for a scenario that does not validate, or one with a
// shutdown and no country table; ENOTFOUND naming the event for an AS not
// in the graph or an unknown country; the context's error if it is
// cancelled.
func SimulateAS(ctx context.Context, g *asrel.Graph, sc *Scenario, opt ASOptions) (*ASLevel, error) {
	const op = "impact.SimulateAS"
	if err := sc.Validate(); err != nil {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: %v", sc.Name, err)
	}
	asns := g.ASNs()
	codes := make([]string, len(asns)) // parallel to asns
	for i, a := range asns {
		codes[i] = UnknownCountry
		if opt.Countries != nil {
			if c, ok := opt.Countries.Country(a); ok {
				codes[i] = c
			}
		}
	}
	country := func(a uint32) string {
		i, _ := slices.BinarySearch(asns, a)
		return codes[i]
	}
	r := &ASLevel{ASes: g.Len(), P2CLinks: g.P2C(), P2PLinks: g.P2P(), Failed: []uint32{}, Shutdowns: []ASShutdown{},
		Networks: []ASNetworkImpact{}}
	failed := map[uint32]bool{}
	for i := range sc.Events {
		e := &sc.Events[i]
		fail := func(code, format string, args ...any) error {
			return lifeline.Errorf(code, op, "%s: event %d (%s): %s", sc.Name, i+1, e.Type(), fmt.Sprintf(format, args...))
		}
		switch {
		case e.Shutdown != nil || e.Isolation != nil:
			country := ""
			if e.Shutdown != nil {
				country = e.Shutdown.Country
			} else {
				country = e.Isolation.Country
			}
			if opt.Countries == nil {
				return nil, fail(lifeline.EINVALID, "a shutdown at the AS level needs an AS-to-country table to know the country's networks")
			}
			code, err := resolveCountry(country)
			if err != nil {
				return nil, fail(lifeline.ENOTFOUND, "%v", err)
			}
			n := 0
			for i, a := range asns {
				if codes[i] == code {
					failed[a] = true
					n++
				}
			}
			r.Shutdowns = append(r.Shutdowns, ASShutdown{Country: code, ASes: n})
		case e.ASes != nil:
			for _, a := range e.ASes {
				if !g.Has(uint32(a)) {
					return nil, fail(lifeline.ENOTFOUND, "AS %d is not in the relationship graph", a)
				}
				failed[uint32(a)] = true
			}
		}
	}
	for a := range failed {
		r.Failed = append(r.Failed, a)
	}
	slices.Sort(r.Failed)
	o, err := g.Evaluate(ctx, r.Failed, asrel.Options{Workers: opt.Workers, Progress: opt.Progress})
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, err
		}
		return nil, lifeline.Errorf(lifeline.ErrorCode(err), op, "%s: %v", sc.Name, err)
	}
	r.Cone, r.Searches, r.LostPairs = o.Cone, o.Searches, o.LostPairs()
	others := float64(max(1, g.Len()-1))
	live := g.Len() - len(r.Failed)
	if live > 0 {
		r.LostShare = round6(float64(r.LostPairs) / (float64(live) * others))
	}
	aff := o.Affected()
	r.Affected = len(aff)
	for _, l := range aff {
		n := ASNetworkImpact{ASN: l.ASN, Lost: l.Lost, LostShare: round6(float64(l.Lost) / others), InFailedCone: l.InCone}
		if l.InCone {
			for _, p := range g.Providers(l.ASN) {
				if failed[p] {
					n.FailedProviders = append(n.FailedProviders, p)
				}
			}
		}
		if len(n.FailedProviders) == 0 && float64(l.Lost) < ListShare*others {
			r.Unlisted.Networks++
			r.Unlisted.LostPairs += int64(l.Lost)
			r.Unlisted.MaxLost = max(r.Unlisted.MaxLost, l.Lost)
			continue
		}
		if opt.Countries != nil {
			n.Country = country(l.ASN)
		}
		r.Networks = append(r.Networks, n)
	}
	if opt.Countries != nil {
		r.Countries = asCountries(o, asns, codes, others)
	}
	return r, nil
}

// asCountries sums the outcome per country.
func asCountries(o *asrel.Outcome, asns []uint32, codes []string, others float64) []ASCountryImpact {
	by := map[string]*ASCountryImpact{}
	for i, a := range asns {
		code := codes[i]
		c := by[code]
		if c == nil {
			c = &ASCountryImpact{Country: code, Name: countryName(code)}
			by[code] = c
		}
		c.ASes++
		if o.IsFailed(a) {
			c.Failed++
			continue
		}
		if l := o.Lost(a); l > 0 {
			c.Affected++
			c.LostPairs += int64(l)
			if float64(l) >= CutOffShare*others {
				c.CutOff++
			}
		}
	}
	var out []ASCountryImpact
	for _, c := range by {
		if c.Failed == 0 && c.Affected == 0 {
			continue
		}
		if live := c.ASes - c.Failed; live > 0 {
			c.LostShare = round6(float64(c.LostPairs) / (float64(live) * others))
		}
		out = append(out, *c)
	}
	slices.SortFunc(out, func(x, y ASCountryImpact) int {
		return cmp.Or(cmp.Compare(y.Failed, x.Failed), cmp.Compare(y.CutOff, x.CutOff), cmp.Compare(y.LostShare, x.LostShare),
			cmp.Compare(y.LostPairs, x.LostPairs), cmp.Compare(x.Country, y.Country))
	})
	return out
}

// resolveCountry maps a code or name to an ISO 3166-1 alpha-2 code.
func resolveCountry(q string) (string, error) {
	if code, ok := geo.Resolve(q); ok {
		return code, nil
	}
	var cands []string
	for _, c := range geo.Countries() {
		cands = append(cands, c.Code, c.Name)
	}
	msg := fmt.Sprintf("country %q not found", q)
	if cl := atlas.Closest(q, cands, 5); len(cl) > 0 {
		msg += "; closest: " + joinCodes(cl)
	}
	return "", errors.New(msg)
}

func countryName(code string) string {
	if code == UnknownCountry {
		return "not in the table"
	}
	if c, ok := geo.Lookup(code); ok {
		return c.Name
	}
	return code
}
