package impact

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"

	"lifeline"
	"lifeline/atlas"
)

// WorldRegion is a named group of countries that reports speak of ("Europe",
// "North America"): a country's capacity and reachability are also
// reported towards each region (docs/impact.md, "Loss per region").
type WorldRegion struct {
	Name      string
	Countries []string // ISO 3166-1 alpha-2
}

// DefaultRegions are the regions reported when Options.Regions is empty.
// Transcontinental countries (Russia, Turkey, Egypt) are left out of every
// region: a circuit that ends there is not one to Europe, Asia or Africa as
// reports count them.
var DefaultRegions = []WorldRegion{
	{"Europe", strings.Fields("AD AL AT BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS SE SI SK SM UA VA XK")},
	{"North America", strings.Fields("BM CA GL MX PM US")},
	{"Asia", strings.Fields("BD BN BT CN HK ID IN JP KH KR LA LK MM MN MO MV MY NP PH PK SG TH TL TW VN")},
	{"Middle East", strings.Fields("AE BH IL IQ IR JO KW LB OM PS QA SA SY YE")},
	{"Africa", strings.Fields("AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EH ER ET GA GH GM GN GQ GW KE KM LR LS LY MA MG ML MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ UG YT ZA ZM ZW")},
	{"South America", strings.Fields("AR BO BR CL CO EC FK GF GY PE PY SR UY VE")},
	{"Oceania", strings.Fields("AS AU CK FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV VU WF WS")},
}

// maxRegions bounds the regions of a graph (one bit each).
const maxRegions = 64

// ParseRegions reads regions written as "Name=CC,CC;Name=CC,…", the form of
// the --regions flag.
//
// Errors: EINVALID naming the part that is not "name=codes".
func ParseRegions(s string) ([]WorldRegion, error) {
	var out []WorldRegion
	for i, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, codes, ok := strings.Cut(part, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, lifeline.Errorf(lifeline.EINVALID, "impact.ParseRegions", "region %d: want name=CC,CC (such as Europe=GB,FR,DE), found %q", i+1, part)
		}
		r := WorldRegion{Name: name}
		for _, c := range strings.Split(codes, ",") {
			if c = strings.TrimSpace(c); c != "" {
				r.Countries = append(r.Countries, c)
			}
		}
		if len(r.Countries) == 0 {
			return nil, lifeline.Errorf(lifeline.EINVALID, "impact.ParseRegions", "region %q: want at least one country code", name)
		}
		out = append(out, r)
	}
	return out, nil
}

// RegionImpact is what happens to one country's links with one region.
type RegionImpact struct {
	Region string `json:"region"`
	// Reachable: a path of live links to a country of the region remains
	// (in at least half the samples); PUnreachable is the share of samples
	// without one.
	Reachable    bool    `json:"reachable"`
	PUnreachable float64 `json:"p_unreachable"`
	// CircuitsBeforeGbps is the capacity of the country's circuits to the
	// region with nothing failed: its cables that reach the region, and its
	// cables and borders to a neighbour whose own cables do.
	CircuitsBeforeGbps float64 `json:"circuits_before_gbps"`
	// DirectBeforeGbps is the part of those circuits on the country's own
	// cables that reach the region.
	DirectBeforeGbps float64 `json:"direct_before_gbps"`
	// CircuitLoss is the share of those circuits lost (mean over samples),
	// with its 95% interval: the loss as operators report it, without
	// rerouting over other countries' capacity.
	CircuitLoss   float64    `json:"circuit_loss"`
	CircuitLossCI [2]float64 `json:"circuit_loss_ci95"`
	// RemainingGbps is what is left of those circuits:
	// CircuitsBeforeGbps × (1 − CircuitLoss) (demand.go).
	RemainingGbps float64 `json:"remaining_gbps"`
}

// regionIndex compiles the graph's regions.
func (g *Graph) compileRegions(regs []WorldRegion) error {
	if len(regs) == 0 {
		regs = DefaultRegions
	}
	if len(regs) > maxRegions {
		return lifeline.Errorf(lifeline.EINVALID, "impact.NewGraph", "regions: want at most %d, found %d", maxRegions, len(regs))
	}
	g.regions = regs
	g.regMask = make([]uint64, g.nCountry)
	idx := map[string]int{}
	for i, c := range g.atlas.Countries {
		idx[c.Code] = i
	}
	for r, reg := range regs {
		for _, code := range reg.Countries {
			if c, ok := idx[code]; ok {
				g.regMask[c] |= 1 << r
			} else if len(code) != 2 || strings.ToUpper(code) != code {
				return lifeline.Errorf(lifeline.EINVALID, "impact.NewGraph", "region %q: %q is not an ISO 3166-1 alpha-2 code", reg.Name, code)
			}
		}
	}
	// Each cable's own graph: its segments between local nodes.
	a := g.atlas
	lpIdx := make(map[string]int32, len(a.LandingPoints))
	for i, lp := range a.LandingPoints {
		lpIdx[lp.ID] = int32(i)
	}
	g.cabNodeLP = make([][]int32, len(a.Cables))
	g.cabSegEnds = make([][][2]int32, len(a.Cables))
	for k := range a.Cables {
		if !g.cableUsed[k] {
			continue
		}
		local := map[string]int32{}
		node := func(id string) int32 {
			n, ok := local[id]
			if !ok {
				n = int32(len(g.cabNodeLP[k]))
				local[id] = n
				lp := int32(-1)
				if !atlas.IsBranchingUnit(id) {
					lp = lpIdx[id]
				}
				g.cabNodeLP[k] = append(g.cabNodeLP[k], lp)
			}
			return n
		}
		for _, s := range a.Cables[k].Segments {
			seg := &a.Segments[s]
			g.cabSegEnds[k] = append(g.cabSegEnds[k], [2]int32{node(seg.From), node(seg.To)})
		}
	}
	return nil
}

// circuits computes, for the state, each country's circuits to each region
// (Mbit/s) into out[c*nReg+r], and each country's direct circuits (its own
// cables reaching the region) into direct. dead reports whether a segment
// is failed; the scratch slices are reused.
type circuitScratch struct {
	comps  [][]int32 // per cable: each local node's component root (own, or a base's)
	own    [][]int32 // per cable: this scratch's own roots
	extra  []float64 // per region, sumCircuits
	best   []float64
	comp   []int32
	first  []int32  // per component × region: first member country met, -1 for none
	multi  []uint64 // per component: regions with two member countries or more
	mask   []uint64 // per component: regions it reaches
	reach  []uint64 // per (country, cable of the country): regions reached from the country's stations
	direct []int64  // per country × region
	out    []int64
	alive  []bool // per circHop: it joins its country to the neighbour (hopAlive)
	// Per country, for evalCircuitsFrom: the regions where its direct
	// circuits differ from the base's (dirty), and where one of its hops
	// joins otherwise than in the base (redo).
	dirty  []uint64
	redo   []uint64
	redone []int32
	// need is, per country, the regions where its circuits of the first
	// order may differ from the base's (evalCircuitsFrom).
	need []uint64
	// Per region, for passedOn while a country's circuits are summed.
	pass, passBest []float64
}

func (g *Graph) newCircuitScratch() *circuitScratch {
	n := len(g.regions)
	nk := 0
	for c := range g.nCountry {
		nk += len(g.countryCabs[c])
	}
	comps := make([][]int32, len(g.atlas.Cables))
	own := make([][]int32, len(g.atlas.Cables))
	for k := range comps {
		own[k] = make([]int32, len(g.cabNodeLP[k])+1) // never empty, so that its address tells it apart
		comps[k] = own[k]
	}
	return &circuitScratch{comps: comps, own: own, reach: make([]uint64, nk), direct: make([]int64, g.nCountry*n), out: make([]int64, g.nCountry*n),
		alive: make([]bool, len(g.circHops)), dirty: make([]uint64, g.nCountry), redo: make([]uint64, g.nCountry), need: make([]uint64, g.nCountry),
		extra: make([]float64, n), best: make([]float64, n), pass: make([]float64, n), passBest: make([]float64, n)}
}

// segDead reports whether segment s of cable k is down in the state.
func (g *Graph) segDead(st *state, s int, from, to int32) bool {
	if st.seg[s] {
		return true
	}
	for _, l := range [2]int32{from, to} {
		if l >= 0 && (st.lp[l] || st.down[g.lpCountry[l]]) {
			return true
		}
	}
	return false
}

// cableReach fills cs.reach for every country on cable k: the regions its
// stations on k still reach along k's live segments, none if the country
// is down or all its stations on k are; its own region only while k joins
// it to the region's hub on k (endAtHubs, exit.go).
func (g *Graph) cableReach(st *state, k int, cs *circuitScratch) {
	nodes := g.cabNodeLP[k]
	n := len(nodes)
	nReg := len(g.regions)
	if cap(cs.comp) < n {
		cs.comp = make([]int32, n)
		cs.mask = make([]uint64, n)
		cs.multi = make([]uint64, n)
		cs.first = make([]int32, n*nReg)
	}
	comp, mask, multi, first := cs.comp[:n], cs.mask[:n], cs.multi[:n], cs.first[:n*nReg]
	for i := range comp {
		comp[i] = int32(i)
	}
	find := func(x int32) int32 {
		for comp[x] != x {
			comp[x] = comp[comp[x]]
			x = comp[x]
		}
		return x
	}
	segs := g.atlas.Cables[k].Segments
	for j, e := range g.cabSegEnds[k] {
		if g.segDead(st, segs[j], nodes[e[0]], nodes[e[1]]) {
			continue
		}
		if a, b := find(e[0]), find(e[1]); a != b {
			comp[a] = b
		}
	}
	// Each component's regions, and for each region the first member
	// country met and whether another one is there too: a country's own
	// region counts only through another of its countries.
	clear(mask)
	clear(multi)
	for i := range first {
		first[i] = -1
	}
	for i, l := range nodes {
		if l < 0 || st.lp[l] {
			continue
		}
		cc := g.lpCountry[l]
		if st.down[cc] || st.withdrawn[cc] {
			continue // no destination: its networks are gone
		}
		root := find(int32(i))
		mask[root] |= g.regMask[cc]
		for rm := g.regMask[cc]; rm != 0; rm &= rm - 1 {
			r := bits.TrailingZeros64(rm)
			switch f := first[int(root)*nReg+r]; {
			case f < 0:
				first[int(root)*nReg+r] = cc
			case f != cc:
				multi[root] |= 1 << r
			}
		}
	}
	roots := cs.own[k]
	for i := range nodes {
		roots[i] = find(int32(i))
	}
	for i, l := range nodes {
		at := g.cabNodeAt[k][i]
		if at < 0 {
			continue
		}
		c := g.lpCountry[l]
		if st.lp[l] || st.down[c] {
			continue
		}
		root := find(int32(i))
		m := mask[root]
		for rm := g.regMask[c] &^ multi[root]; rm != 0; rm &= rm - 1 {
			if r := bits.TrailingZeros64(rm); first[int(root)*nReg+r] == c {
				m &^= 1 << r // only the country itself
			}
		}
		cs.reach[at] |= m
	}
	if g.hubMask != nil {
		g.endAtHubs(st, k, cs, roots) // exit.go
	}
	if g.cabCircHops != nil {
		for _, i := range g.cabCircHops[k] {
			cs.alive[i] = g.hopAlive(st, cs, &g.circHops[i])
		}
	}
}

// evalCircuits computes every country's circuits to every region.
func (g *Graph) evalCircuits(st *state, cs *circuitScratch) {
	g.circuitState(st, cs)
	g.sumCircuits(st, cs)
}

// circuitState sets, for the state, the regions each country's cables
// reach (cs.reach) and which hops join (cs.alive).
func (g *Graph) circuitState(st *state, cs *circuitScratch) {
	clear(cs.reach)
	for k := range g.atlas.Cables {
		cs.comps[k] = cs.own[k]
		if g.cableUsed[k] {
			g.cableReach(st, k, cs)
		}
	}
	for i := range g.circHops {
		if h := &g.circHops[i]; h.cable < 0 {
			cs.alive[i] = g.hopAlive(st, cs, h)
		}
	}
}

// evalCircuitsFrom is evalCircuits for a state that differs from the one
// base was computed for only in segments of the cables listed in changed
// (repeats allowed): the other cables' components, reach and hops are
// base's. So are a country's circuits to a region where its direct
// circuits and hops (cs.alive) are base's and its neighbours' (hopVia)
// direct circuits are too: what countryCircuits reads for that region is
// base's, and so is its result. Only the other regions are computed again.
func (g *Graph) evalCircuitsFrom(st *state, cs, base *circuitScratch, changed []int32) {
	copy(cs.reach, base.reach)
	copy(cs.comps, base.comps)
	copy(cs.alive, base.alive)
	cs.redone = cs.redone[:0]
	for _, k := range changed {
		if &cs.comps[k][0] == &cs.own[k][0] || !g.cableUsed[k] {
			continue // done already
		}
		for _, at := range g.cabNodeAt[k] {
			if at >= 0 {
				cs.reach[at] = 0
			}
		}
		cs.comps[k] = cs.own[k]
		g.cableReach(st, int(k), cs)
		cs.redone = append(cs.redone, k)
	}
	dirty, redo := cs.dirty, cs.redo
	clear(dirty)
	clear(redo)
	copy(cs.direct, base.direct)
	nReg := len(g.regions)
	for _, k := range cs.redone {
		for _, ck := range g.cableCountries[k] {
			c := int(ck[0])
			// cs.reach is final: directRow once is enough.
			if at := g.cabOffset[c] + int(ck[1]); cs.reach[at] != base.reach[at] && dirty[c] == 0 {
				g.directRow(cs, c)
				for r := range nReg {
					if cs.direct[c*nReg+r] != base.direct[c*nReg+r] {
						dirty[c] |= 1 << r
					}
				}
			}
		}
		for _, i := range g.cabCircHops[k] {
			if cs.alive[i] != base.alive[i] {
				redo[g.circHops[i].c] |= g.circHops[i].want
			}
		}
	}
	// A country's circuits of the first order read its direct circuits,
	// its hops and its neighbours' direct circuits; a second hop reads its
	// neighbour's circuits of the first order (passedOn).
	need := cs.need
	for c := range g.nCountry {
		need[c] = redo[c] | dirty[c]
		for _, n := range g.hopVia[c] {
			need[c] |= dirty[n]
		}
	}
	copy(cs.out, base.out)
	for _, second := range [2]bool{false, true} {
		for c := range g.nCountry {
			if g.hasSecondHops(c) != second {
				continue
			}
			m := need[c]
			for i := g.circHopStart[c]; second && i < g.circHopStart[c+1]; i++ {
				h := &g.circHops[i]
				m |= need[h.via] & h.want &^ g.regMask[h.via]
			}
			if m != 0 {
				g.countryCircuitsIn(st, cs, c, m)
			}
		}
	}
}

// sumCircuits turns the cables' reach and hops in cs into every country's
// circuits to every region.
func (g *Graph) sumCircuits(st *state, cs *circuitScratch) {
	g.directCircuits(cs)
	for _, second := range [2]bool{false, true} {
		for c := range g.nCountry {
			if g.hasSecondHops(c) == second {
				g.countryCircuits(st, cs, c)
			}
		}
	}
}

// directCircuits sums each country's direct circuits from cs.reach.
func (g *Graph) directCircuits(cs *circuitScratch) {
	for c := range g.nCountry {
		g.directRow(cs, c)
	}
}

// directRow sums country c's direct circuits from cs.reach.
func (g *Graph) directRow(cs *circuitScratch, c int) {
	nReg := len(g.regions)
	row := cs.direct[c*nReg : (c+1)*nReg]
	clear(row)
	for j, k := range g.countryCabs[c] {
		m := cs.reach[g.cabOffset[c]+j]
		cp := g.cabCap[k]
		for r := range nReg {
			if m&(1<<r) != 0 {
				row[r] += cp
			}
		}
	}
}

// countryCircuits sets country c's circuits to every region in cs.out:
// its direct circuits (directCircuits, which must have run), plus one hop
// — a cable or a border to a neighbour whose own cables reach the region
// carries circuits in proportion to what the neighbour keeps: of its
// direct circuits there, or, for a country with no cable of its own, of
// all it passes on (a second hop, secondHops). Which hops are alive is in
// cs.alive (cableReach and evalCircuits set it).
func (g *Graph) countryCircuits(st *state, cs *circuitScratch, c int) {
	g.countryCircuitsIn(st, cs, c, 1<<len(g.regions)-1)
}

// countryCircuitsIn is countryCircuits for the regions of regs only: the
// other regions' circuits in cs.out are left as they are. Each region's
// sum is made in the same order whichever others are computed with it, so
// its value is the same to the bit.
func (g *Graph) countryCircuitsIn(st *state, cs *circuitScratch, c int, regs uint64) {
	nReg := len(g.regions)
	if st.down[c] || st.withdrawn[c] {
		for rm := regs; rm != 0; rm &= rm - 1 {
			cs.out[c*nReg+bits.TrailingZeros64(rm)] = 0
		}
		return
	}
	extra := cs.extra[:nReg]
	g.hopSum(st, cs, c, regs, -1, extra, cs.best[:nReg])
	for rm := regs; rm != 0; rm &= rm - 1 {
		r := bits.TrailingZeros64(rm)
		cs.out[c*nReg+r] = cs.direct[c*nReg+r]
		if extra[r] != 0 {
			cs.out[c*nReg+r] += int64(math.Round(extra[r]))
		}
	}
}

// hopSum sets extra[r], for the regions of regs, to what country c's live
// hops carry to r (best is scratch). With skip < 0 these are c's
// circuits through its neighbours: a hop to a neighbour in the region
// carries its capacity, a hop to one outside it the share its neighbour
// keeps of its direct circuits there, or, for a second hop (secondHops),
// the share the neighbour keeps of what it passes on (passedOn). With
// skip ≥ 0 they are c's circuits of the first order, as passedOn reads
// them: no hop is second, and c's hops to skip are left out.
func (g *Graph) hopSum(st *state, cs *circuitScratch, c int, regs uint64, skip int32, extra, best []float64) {
	nReg := len(g.regions)
	for m := regs; m != 0; m &= m - 1 {
		extra[bits.TrailingZeros64(m)] = 0
	}
	clear(best)
	cur := int32(-2)
	var set uint64 // the regions where best is not zero
	// Hops that carry nothing (want = 0) are left out of circHops, and a
	// cable's best is added only where it is set: the sums are the same,
	// as adding zero changes none.
	for i := g.circHopStart[c]; i < g.circHopStart[c+1]; i++ {
		h := &g.circHops[i]
		if h.cable != cur {
			for ; set != 0; set &= set - 1 {
				r := bits.TrailingZeros64(set)
				extra[r] += best[r]
				best[r] = 0
			}
			cur = h.cable
		}
		if !cs.alive[i] || h.via == skip {
			continue
		}
		n := int(h.via)
		second := h.base != nil && skip < 0
		if second {
			g.passedOn(st, cs, h, h.want&regs&^g.regMask[n], cs.pass[:nReg], cs.passBest[:nReg])
		}
		for m := h.want & regs; m != 0; m &= m - 1 {
			r := bits.TrailingZeros64(m)
			share := 1.0
			if g.regMask[n]&(1<<r) == 0 {
				if second {
					share = cs.pass[r] / h.base[r]
				} else {
					share = float64(cs.direct[n*nReg+r]) / float64(g.baseDirect[n*nReg+r])
				}
			}
			if h.cable < 0 {
				extra[r] += h.cap * share // each border counts
			} else {
				best[r] = max(best[r], h.cap*share) // a cable counts once, by its best exit
				set |= 1 << r
			}
		}
	}
	for ; set != 0; set &= set - 1 {
		r := bits.TrailingZeros64(set)
		extra[r] += best[r]
		best[r] = 0
	}
}

// passedOn sets out[r], for the regions of regs, to what second hop h's
// neighbour passes on to its country towards r, in Mbit/s: the
// neighbour's circuits there (its direct circuits and what its own hops
// carry on their neighbours' direct circuits: one hop, as it has cables of
// its own), less those through the country itself. These are the
// neighbour's circuits in cs.out, which must be computed, except where it
// has hops back to the country (h.back) or is under a routing shutdown
// (its circuits in cs.out are then 0, while it still passes circuits
// on): there they are summed again, in the same way, reading cs.direct
// and cs.alive only. best is scratch. It never grows when more fails.
func (g *Graph) passedOn(st *state, cs *circuitScratch, h *circHop, regs uint64, out, best []float64) {
	nReg := len(g.regions)
	n := int(h.via)
	again := regs & h.back
	if st.withdrawn[n] {
		again = regs
	}
	for m := regs &^ again; m != 0; m &= m - 1 {
		r := bits.TrailingZeros64(m)
		out[r] = float64(cs.out[n*nReg+r])
	}
	if again == 0 {
		return
	}
	g.hopSum(st, cs, n, again, h.c, out, best)
	for m := again; m != 0; m &= m - 1 {
		r := bits.TrailingZeros64(m)
		out[r] = float64(cs.direct[n*nReg+r] + int64(math.Round(out[r])))
	}
}

// hasSecondHops reports whether country c's hops are second hops
// (secondHops): its circuits read its neighbours', computed before.
func (g *Graph) hasSecondHops(c int) bool {
	i := g.circHopStart[c]
	return i < g.circHopStart[c+1] && g.circHops[i].base != nil
}

// circuitsBehind computes, in cs.out, the circuits of the neighbours that
// the second hops of the countries of idx read (passedOn), for a caller
// that computes the circuits of those countries only (the attribution's
// predictor). cs.direct and cs.alive must hold the state.
func (g *Graph) circuitsBehind(st *state, cs *circuitScratch, idx []int) {
	for _, c := range idx {
		if !g.hasSecondHops(c) {
			continue
		}
		for _, n := range g.hopVia[c] {
			g.countryCircuits(st, cs, int(n))
		}
	}
}

// hop is a way from a country to a neighbour: a cable landing in both, or
// a land border.
type hop struct {
	via     int32  // the neighbour
	cable   int32  // cable index, or -1 for a border
	link    int32  // link index for a border
	slot    int32  // index into circuitScratch.reach of (country, cable)
	regions uint64 // for a cable: regions the cable reaches directly (baseline)
	// want is the regions the hop can carry circuits to: those the
	// cable does not reach itself and that the neighbour is part of or
	// reaches with its own cables.
	want uint64
	cap  int64   // Mbit/s
	from []int32 // for a cable: the local nodes of the country's stations
	to   []int32 // and of the neighbour's
}

// circHop is a hop that can carry circuits (want ≠ 0), as countryCircuits
// reads it: flat, by country, its capacity ready as a float.
type circHop struct {
	c, via, cable, link int32
	want                uint64
	cap                 float64 // Mbit/s
	from, to            []int32
	// base is, for a second hop (secondHops), per region, what its
	// neighbour passes on with nothing failed (passedOn); nil otherwise.
	base []float64
	// back is, for a second hop, the regions outside its neighbour's
	// where the neighbour has hops back to the country (passedOn).
	back uint64
}

// hopAlive reports whether the hop still joins the country to the
// neighbour: for a cable, a live station of each in one component.
func (g *Graph) hopAlive(st *state, cs *circuitScratch, h *circHop) bool {
	if st.down[h.via] {
		return false
	}
	if h.cable < 0 {
		return !st.link[h.link]
	}
	return liveJoined(st, g.cabNodeLP[h.cable], cs.comps[h.cable], h.from, h.to)
}

// baselineCircuits computes the intact circuits and the hops.
func (g *Graph) baselineCircuits() {
	nReg := len(g.regions)
	g.cabOffset = make([]int, g.nCountry+1)
	for c := range g.nCountry {
		g.cabOffset[c+1] = g.cabOffset[c] + len(g.countryCabs[c])
	}
	g.cabNodeAt = make([][]int, len(g.atlas.Cables))
	for k, nodes := range g.cabNodeLP {
		g.cabNodeAt[k] = make([]int, len(nodes))
		for i, l := range nodes {
			g.cabNodeAt[k][i] = -1
			if l >= 0 {
				c := g.lpCountry[l]
				if j := slices.Index(g.countryCabs[c], int32(k)); j >= 0 {
					g.cabNodeAt[k][i] = g.cabOffset[c] + j
				}
			}
		}
	}
	g.cabCap = make([]int64, len(g.atlas.Cables))
	for k := range g.atlas.Cables {
		g.cabCap[k] = capMbps(g.atlas.Cables[k].Capacity.Gbps)
	}
	st := g.beforeState() // the standing faults, if any (standing.go)
	cs := g.newCircuitScratch()
	clear(cs.reach)
	for k := range g.atlas.Cables {
		if g.cableUsed[k] {
			g.cableReach(st, k, cs)
		}
	}
	g.baseReachMask = slices.Clone(cs.reach)
	g.baseDirect = make([]int64, g.nCountry*nReg)
	for c := range g.nCountry {
		for j, k := range g.countryCabs[c] {
			for r := range nReg {
				if cs.reach[g.cabOffset[c]+j]&(1<<r) != 0 {
					g.baseDirect[c*nReg+r] += g.cabCap[k]
				}
			}
		}
	}
	g.directHubs(cs) // exit.go
	g.hops = make([][]hop, g.nCountry)
	for c := range g.nCountry {
		for j, k := range g.countryCabs[c] {
			byCountry := map[int32][]int32{}
			order := g.cableNodesByCountry(int(k), byCountry, nil)
			for _, n := range order {
				if n == int32(c) {
					continue
				}
				g.hops[c] = append(g.hops[c], hop{via: n, cable: k, link: -1, slot: int32(g.cabOffset[c] + j),
					regions: cs.reach[g.cabOffset[c]+j], cap: g.cabCap[k], from: byCountry[int32(c)], to: byCountry[n]})
			}
		}
	}
	for i := range g.atlas.Links {
		e := g.linkEdge[i]
		u, v := g.eU[e], g.eV[e]
		g.hops[u] = append(g.hops[u], hop{via: v, cable: -1, link: int32(i), cap: g.eCap[e]})
		g.hops[v] = append(g.hops[v], hop{via: u, cable: -1, link: int32(i), cap: g.eCap[e]})
	}
	for c := range g.hops {
		for i := range g.hops[c] {
			h := &g.hops[c][i]
			n := int(h.via)
			for r := range nReg {
				bit := uint64(1) << r
				if h.regions&bit == 0 && (g.regMask[n]&bit != 0 || g.baseDirect[n*nReg+r] != 0) {
					h.want |= bit
				}
			}
		}
	}
	g.dropStandingHops(st, cs) // standing.go
	g.handoverExits()          // exit.go
	g.hopVia = make([][]int32, g.nCountry)
	g.circHops = g.circHops[:0]
	g.circHopStart = make([]int32, g.nCountry+1)
	g.cabCircHops = make([][]int32, len(g.atlas.Cables))
	for c, hs := range g.hops {
		for _, h := range hs {
			if h.want == 0 {
				continue
			}
			if !slices.Contains(g.hopVia[c], h.via) {
				g.hopVia[c] = append(g.hopVia[c], h.via)
			}
			if h.cable >= 0 {
				g.cabCircHops[h.cable] = append(g.cabCircHops[h.cable], int32(len(g.circHops)))
			}
			g.circHops = append(g.circHops, circHop{c: int32(c), via: h.via, cable: h.cable, link: h.link, want: h.want,
				cap: float64(h.cap), from: h.from, to: h.to})
		}
		g.circHopStart[c+1] = int32(len(g.circHops))
	}
	cs = g.newCircuitScratch() // with the hops
	g.circuitState(st, cs)
	g.secondHops(st, cs) // exit.go
	g.sumCircuits(st, cs)
	g.baseCircuits = slices.Clone(cs.out)
	w := g.newWorkspace()
	w.load(g, st)
	g.baseRegReach = make([]bool, g.nCountry*nReg)
	g.reachRegions(w, st, g.baseRegReach)
}

// Regions returns the graph's regions.
func (g *Graph) Regions() []WorldRegion { return g.regions }

func (r WorldRegion) String() string {
	return fmt.Sprintf("%s (%d countries)", r.Name, len(r.Countries))
}

// reachRegions says, for each country and region, whether a path of live
// links joins the country to a country of the region (another one, for its
// own region), into out[c*nReg+r]. w must hold the state's capacities
// (load). One union-find over the live links serves every region; the core
// is left out, so hubs are joined only by real links.
func (g *Graph) reachRegions(w *workspace, st *state, out []bool) {
	nReg := len(g.regions)
	n := g.nNode
	if cap(w.comp) < n {
		w.comp = make([]int32, n)
		w.regMask = make([]uint64, n)
		w.regMulti = make([]uint64, n)
		w.regFirst = make([]int32, n*nReg)
	}
	comp, mask, multi, first := w.comp[:n], w.regMask[:n], w.regMulti[:n], w.regFirst[:n*nReg]
	for i := range comp {
		comp[i] = int32(i)
	}
	find := func(x int32) int32 {
		for comp[x] != x {
			comp[x] = comp[comp[x]]
			x = comp[x]
		}
		return x
	}
	for p := range g.pU {
		u, v := g.pU[p], g.pV[p]
		if w.cap[2*p] <= 0 || u == g.core || v == g.core {
			continue
		}
		if a, b := find(u), find(v); a != b {
			comp[a] = b
		}
	}
	clear(mask)
	clear(multi)
	for i := range first {
		first[i] = -1
	}
	for c := range g.nCountry {
		if st.down[c] || st.withdrawn[c] || g.regMask[c] == 0 {
			continue
		}
		root := int(find(int32(c)))
		mask[root] |= g.regMask[c]
		for r := range nReg {
			if g.regMask[c]&(1<<r) == 0 {
				continue
			}
			switch f := first[root*nReg+r]; {
			case f < 0:
				first[root*nReg+r] = int32(c)
			case f != int32(c):
				multi[root] |= 1 << r
			}
		}
	}
	for c := range g.nCountry {
		root := int(find(int32(c)))
		for r := range nReg {
			bit := uint64(1) << r
			ok := mask[root]&bit != 0
			if ok && g.regMask[c]&bit != 0 && multi[root]&bit == 0 && first[root*nReg+r] == int32(c) {
				ok = false // only the country itself
			}
			out[c*nReg+r] = ok && !st.down[c] && !st.withdrawn[c]
		}
	}
}

// regionLoss turns circuits after into a loss per country × region, over
// the circuits before in base.
func (g *Graph) regionLoss(cs *circuitScratch, base []int64, loss []float64) {
	for i, b := range base {
		if b == 0 {
			loss[i] = 0
			continue
		}
		loss[i] = math.Max(0, 1-float64(cs.out[i])/float64(b))
	}
}

// circuitBase is the plan's circuits before: the intact circuits, less
// those that end in a country under a routing shutdown, whose networks are
// gone as destinations while transit across it works. A neighbour of a
// shut-down country does not lose its other circuits; the shut-down
// country itself keeps the intact figure, and loses everything.
func (g *Graph) circuitBase(p *plan) []int64 {
	if !slices.Contains(p.fixed.withdrawn, true) {
		return g.baseCircuits
	}
	st := g.beforeState()
	copy(st.withdrawn, p.fixed.withdrawn)
	cs := g.newCircuitScratch()
	g.evalCircuits(st, cs)
	base := slices.Clone(cs.out)
	nReg := len(g.regions)
	for c, w := range p.fixed.withdrawn {
		if w {
			copy(base[c*nReg:(c+1)*nReg], g.baseCircuits[c*nReg:(c+1)*nReg])
		}
	}
	return base
}

// regionResults adds each country's regions to the result.
func (g *Graph) regionResults(r *Result, base []int64, flowSamples int, t *totals, circ, circ2 []float64) {
	nReg := len(g.regions)
	idx := make(map[string]int, g.nCountry)
	for c := range g.atlas.Countries {
		idx[g.atlas.Countries[c].Code] = c
	}
	fn := float64(flowSamples)
	for i := range r.Countries {
		ci := &r.Countries[i]
		c := idx[ci.Country]
		for reg := range nReg {
			at := c*nReg + reg
			if base[at] == 0 && !g.baseRegReach[at] {
				continue
			}
			pu := float64(t.regUnreach[at]) / fn
			m := circ[at] / fn
			half := 0.0
			if flowSamples > 1 {
				v := math.Max(0, (circ2[at]-fn*m*m)/(fn-1))
				half = 1.96 * math.Sqrt(v/fn)
			}
			ci.Regions = append(ci.Regions, RegionImpact{Region: g.regions[reg].Name, Reachable: 2*t.regUnreach[at] < int64(flowSamples),
				PUnreachable: round6(pu), CircuitsBeforeGbps: float64(base[at]) / 1000, DirectBeforeGbps: float64(g.baseDirect[at]) / 1000, CircuitLoss: round6(m),
				CircuitLossCI: [2]float64{round6(math.Max(0, m-half)), round6(math.Min(1, m+half))}})
		}
	}
}
