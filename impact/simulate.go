package impact

import (
	"cmp"
	"context"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"lifeline"
)

// RunOptions configures a simulation.
type RunOptions struct {
	// Samples is the number of Monte Carlo samples of a probabilistic
	// scenario; 0 means DefaultSamples. A scenario without chance is
	// evaluated once whatever this says.
	Samples int
	// Seed seeds the samples: sample i draws from a generator seeded with
	// (Seed, i), so results do not depend on Workers.
	Seed uint64
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
	// FlowSamples is the number of samples, the first ones, in which
	// capacity loss is computed (a max-flow per affected country; the
	// rest compute reachability only); 0 means all of them.
	FlowSamples int
	// Progress, if set, is called with the samples done so far, from one
	// goroutine at a time.
	Progress func(done, total int)
}

// warmMinSamples is the fewest capacity samples for which a run first
// computes its likely outcome (warm.go): about one sample's worth of
// max-flows, which a handful of samples would not repay. The results are
// the same either way.
const warmMinSamples = 16

// riskMinSamples is the fewest capacity samples for which the likely
// outcome's flows are first found without the arcs samples may lose
// (riskStages): that costs about half the likely outcome's set-up again,
// and saves some 6 % of each sample, so it pays from about a hundred
// samples. The results are the same either way.
const riskMinSamples = 128

// DefaultSamples is the number of samples of a probabilistic scenario when
// none is given.
const DefaultSamples = 1000

// blockSize is how many consecutive samples are summed together before
// blocks are added up in order: floating-point sums then do not depend on
// which worker ran which block.
const blockSize = 64

// Result is what a scenario breaks.
type Result struct {
	Scenario string `json:"scenario"`
	Samples  int    `json:"samples"`
	// FlowSamples is how many samples computed capacity loss.
	FlowSamples int             `json:"flow_samples"`
	Seed        uint64          `json:"seed"`
	Core        []string        `json:"core"`
	Countries   []CountryImpact `json:"countries"` // most affected first
	// Failed is what the events failed, beyond the standing faults.
	Failed Failed `json:"failed"`
	// Standing is what had failed before the events (Scenario.Standing),
	// nil for a scenario without standing faults.
	Standing *Failed `json:"standing,omitempty"`
	// Places is what happens to the named places the scenario asks
	// about, computed in the samples that compute capacity loss.
	Places []PlaceImpact `json:"places,omitempty"`
	// ASLevel is the scenario at the AS level (SimulateAS), when it was
	// run.
	ASLevel *ASLevel `json:"as_level,omitempty"`
}

// CountryImpact is what happens to one country. In a probabilistic
// scenario the figures are means over the samples.
type CountryImpact struct {
	Country string `json:"country"`
	Name    string `json:"name"`
	// Reachable: a path to the core remains (in at least half the samples).
	Reachable bool `json:"reachable"`
	// PUnreachable is the share of samples in which no path remains, with
	// its 95% Wilson score interval.
	PUnreachable   float64    `json:"p_unreachable"`
	PUnreachableCI [2]float64 `json:"p_unreachable_ci95"`
	// CapacityLoss is one minus the max-flow to the core after over before
	// (expected value), in 0..1.
	CapacityLoss float64 `json:"capacity_loss"`
	// CapacityLossCI is the 95% interval of the mean capacity loss (normal
	// approximation); equal bounds when there is no chance involved.
	CapacityLossCI [2]float64 `json:"capacity_loss_ci95"`
	// CapacityBeforeGbps is the max-flow to the core with nothing failed.
	CapacityBeforeGbps float64 `json:"capacity_before_gbps"`
	CablesTotal        int     `json:"cables_total"`
	// CablesFailed counts (on average) the country's cable systems with a
	// failed segment or with all their stations in the country down.
	CablesFailed float64 `json:"cables_failed"`
	Population   int64   `json:"population"`
	// PopulationAffected is population × capacity loss: the people whose
	// share of international capacity is lost, if it is shared evenly.
	PopulationAffected int64 `json:"population_affected"`
	// ReachableBefore is false for a country with no path to the core even
	// with nothing failed (its cables are all planned, say).
	ReachableBefore bool `json:"reachable_before"`
	Hub             bool `json:"hub,omitempty"`
	// Regions is the country's reachability and circuit loss towards each
	// region it is not part of, computed in the samples that compute
	// capacity loss (docs/impact.md, "Loss per region").
	Regions []RegionImpact `json:"regions,omitempty"`
	// CircuitLoss is the share of the country's circuits lost over all the
	// regions, each weighed by the country's own circuits to it
	// (overall.go; docs/impact.md, "Loss per region").
	CircuitLoss float64 `json:"circuit_loss"`
	// Demand sets the capacity left against the country's published use
	// of international bandwidth (demand.go).
	Demand DemandCheck `json:"demand"`
}

// Failed lists the elements that failed (in any sample).
type Failed struct {
	Cables        []string `json:"cables"`
	Segments      []string `json:"segments"`
	LandingPoints []string `json:"landing_points"`
	Links         []string `json:"links"`
	Countries     []string `json:"countries"` // shut down
}

// Simulate runs a scenario on the graph. The scenario's standing faults,
// if any, are applied before everything else: every figure "before" is
// that of the network with them, and the events' losses are measured
// against it (standing.go).
//
// Errors: ENOTFOUND for an unknown cable, landing point or country (the
// message names the event and the closest names); EINVALID for a scenario
// that does not validate or fits the atlas badly; the context's error if it
// is cancelled.
func (g *Graph) Simulate(ctx context.Context, sc *Scenario, opt RunOptions) (*Result, error) {
	if err := sc.Validate(); err != nil {
		return nil, lifeline.Errork(lifeline.EINVALID, "impact.Simulate", "err.scenario.in", "%s: %s", sc.Name, phraseOf(err))
	}
	if len(sc.Standing) > 0 {
		st, err := g.compileStanding(sc)
		if err != nil {
			return nil, err
		}
		g = g.withStanding(st)
	}
	p, err := g.compile(sc)
	if err != nil {
		return nil, err
	}
	r, err := g.run(ctx, sc, p, opt)
	if err != nil {
		return nil, err
	}
	g.checkDemand(r)
	return r, nil
}

// run evaluates a compiled plan.
func (g *Graph) run(ctx context.Context, sc *Scenario, p *plan, opt RunOptions) (*Result, error) {
	g.prepare(p)
	p.circBase = g.circuitBase(p)
	var err error
	if p.places, err = g.compilePlaces(sc); err != nil {
		return nil, err
	}
	samples := 1
	if p.probabilistic() {
		samples = cmp.Or(opt.Samples, DefaultSamples)
	}
	flowSamples := samples
	if opt.FlowSamples > 0 && opt.FlowSamples < samples {
		flowSamples = opt.FlowSamples
	}
	var order []int32        // the countries in the order a sample computes their flows
	var likelySide [][]int32 // the countries on the side of each one's likely cut
	if p.probabilistic() && flowSamples >= warmMinSamples && !referenceFlow {
		p.riskFirst = flowSamples >= riskMinSamples
		p.likely, p.likelyCut, likelySide, order = g.likelyPaths(p)
		p.likelyCS = g.newCircuitScratch()
		g.evalCircuits(g.likelyState(p), p.likelyCS)
	}
	workers := cmp.Or(opt.Workers, runtime.GOMAXPROCS(0))
	nBlocks := (samples + blockSize - 1) / blockSize
	workers = max(1, min(workers, nBlocks))

	nc := g.nCountry
	blocks := make([]blockSum, nBlocks)
	var next, done atomic.Int64
	var mu sync.Mutex // serialises Progress
	tot := newTotals(g, p)
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for wi := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ev := g.newEvaluator(p)
			if order != nil {
				ev.order = order
				ev.share.likelySide = likelySide
			}
			loc := newTotals(g, p)
			for {
				b := int(next.Add(1) - 1)
				if b >= nBlocks {
					break
				}
				if err := ctx.Err(); err != nil {
					errs[wi] = err
					return
				}
				bs := blockSum{loss: make([]float64, nc), loss2: make([]float64, nc), circ: make([]float64, len(ev.circLoss)), circ2: make([]float64, len(ev.circLoss))}
				first, end := b*blockSize, min(samples, (b+1)*blockSize)
				bitwise := p.reach != nil && !referenceFlow && end > flowSamples
				if bitwise {
					g.reachBlock(p, uint64(first), end-first, opt.Seed, &ev.br)
				}
				for i := first; i < end; i++ {
					flow := i < flowSamples
					ev.preReached = bitwise && !flow
					if ev.preReached {
						// The state's failed segments are not needed, only
						// its shut-down countries, which are the plan's.
						copy(ev.st.down, p.fixed.down)
						copy(ev.st.withdrawn, p.fixed.withdrawn)
						g.blockSample(p, &ev.br, i-first, ev.fired, ev.reached)
					} else {
						ev.sample(p, uint64(i), opt.Seed)
					}
					ev.evaluate(flow)
					loc.add(ev, flow)
					if flow {
						for c := range nc {
							bs.loss[c] += ev.loss[c]
							bs.loss2[c] += ev.loss[c] * ev.loss[c]
						}
						for i, l := range ev.circLoss {
							bs.circ[i] += l
							bs.circ2[i] += l * l
						}
					}
				}
				blocks[b] = bs
				d := done.Add(int64(min(samples, (b+1)*blockSize) - b*blockSize))
				if opt.Progress != nil {
					mu.Lock()
					opt.Progress(int(d), samples)
					mu.Unlock()
				}
			}
			mu.Lock()
			tot.merge(loc)
			mu.Unlock()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	loss := make([]float64, nc)
	loss2 := make([]float64, nc)
	nr := nc * len(g.regions)
	circ := make([]float64, nr)
	circ2 := make([]float64, nr)
	for _, bs := range blocks {
		for c := range nc {
			loss[c] += bs.loss[c]
			loss2[c] += bs.loss2[c]
		}
		for i := range bs.circ {
			circ[i] += bs.circ[i]
			circ2[i] += bs.circ2[i]
		}
	}
	r := g.result(sc, p, opt.Seed, samples, flowSamples, tot, loss, loss2)
	r.Places = placeResults(p.places, flowSamples, tot.placeUnreach, tot.placeCabs)
	g.regionResults(r, p.circBase, flowSamples, tot, circ, circ2)
	overallCircuitLoss(r)
	return r, nil
}

type blockSum struct{ loss, loss2, circ, circ2 []float64 }

// totals are integer counts over samples; integer sums do not depend on
// the order they are made in. Failures of elements are counted per group
// fired; certain failures are the same in every sample.
type totals struct {
	regUnreach   []int64 // per country × region, over the flow samples
	unreach      []int64 // per country
	cablesFailed []int64 // per country
	fired        []int64 // per group of the plan
	placeUnreach []int64 // per place of the scenario, over the flow samples
	placeCabs    []int64 // per place: its failed cables, over the flow samples
}

func newTotals(g *Graph, p *plan) *totals {
	return &totals{regUnreach: make([]int64, g.nCountry*len(g.regions)), unreach: make([]int64, g.nCountry), cablesFailed: make([]int64, g.nCountry), fired: make([]int64, len(p.groups)),
		placeUnreach: make([]int64, len(p.places)), placeCabs: make([]int64, len(p.places))}
}

func (t *totals) add(ev *evaluator, flow bool) {
	if flow {
		for i, u := range ev.regUnreach {
			if u {
				t.regUnreach[i]++
			}
		}
		for i, u := range ev.placeUnreach {
			if u {
				t.placeUnreach[i]++
			}
			t.placeCabs[i] += int64(ev.placeCabs[i])
		}
	}
	for c, u := range ev.unreach {
		if u {
			t.unreach[c]++
		}
		t.cablesFailed[c] += int64(ev.cabsFailed[c])
	}
	for i, f := range ev.fired {
		if f {
			t.fired[i]++
		}
	}
}

func (t *totals) merge(o *totals) {
	for _, p := range [][2][]int64{{t.regUnreach, o.regUnreach}, {t.unreach, o.unreach}, {t.cablesFailed, o.cablesFailed}, {t.fired, o.fired}, {t.placeUnreach, o.placeUnreach}, {t.placeCabs, o.placeCabs}} {
		for i := range p[0] {
			p[0][i] += p[1][i]
		}
	}
}

// evaluator evaluates samples; each worker has its own.
type evaluator struct {
	g            *Graph
	w            *workspace
	st           *state
	unreach      []bool
	loss         []float64
	cabsFailed   []int32
	cabFailed    []bool
	fired        []bool // per group: failed in this sample
	p            *plan
	cs           *circuitScratch
	regUnreach   []bool    // per country × region
	circLoss     []float64 // per country × region
	changed      []int32   // cables of the groups that fare otherwise than in the likely outcome
	rs           reachScratch
	reached      []bool // per country, from reachFast or reachBlock
	br           blockReach
	preReached   bool    // reached and fired hold this sample's, from reachBlock
	placeUnreach []bool  // per place of the scenario
	placeCabs    []int32 // per place: its failed cables
	order        []int32 // the countries, in the order their flows are computed
	share        *cutShare
}

func (g *Graph) newEvaluator(p *plan) *evaluator {
	ev := &evaluator{g: g, w: g.newWorkspace(), st: g.newState(), unreach: make([]bool, g.nCountry),
		loss: make([]float64, g.nCountry), cabsFailed: make([]int32, g.nCountry), cabFailed: make([]bool, len(g.atlas.Cables)),
		fired: make([]bool, len(p.groups)), p: p, cs: g.newCircuitScratch(),
		reached: make([]bool, g.nCountry), placeUnreach: make([]bool, len(p.places)), placeCabs: make([]int32, len(p.places)), regUnreach: make([]bool, g.nCountry*len(g.regions)), circLoss: make([]float64, g.nCountry*len(g.regions)),
		order: make([]int32, g.nCountry), share: g.newCutShare()}
	for c := range ev.order {
		ev.order[c] = int32(c)
	}
	return ev
}

// sample draws sample i of the plan into the evaluator's state.
func (ev *evaluator) sample(p *plan, i, seed uint64) {
	ev.st.copyFrom(p.fixed)
	if len(p.groups) == 0 {
		return
	}
	r := newRNG(seed, i)
	for gi, gr := range p.groups {
		ev.fired[gi] = r.float64() < gr.p
		if ev.fired[gi] {
			for _, s := range gr.segs {
				ev.st.seg[s] = true
			}
		}
	}
}

// evaluate computes reachability, failed cables and, if flow, capacity
// loss for the state.
func (ev *evaluator) evaluate(flow bool) {
	g, w, st := ev.g, ev.w, ev.st
	p := ev.p
	reached := w.reached
	switch {
	case ev.preReached:
		reached = ev.reached // the block's search (reachBlock)
	case !flow && p.reach != nil && !referenceFlow:
		g.reachFast(p.reach, ev.fired, &ev.rs, ev.reached)
		reached = ev.reached
	case p.fixedLoad != nil && !referenceFlow:
		// The certain failures' load, then the segments of the groups
		// fired in this sample.
		w.loadFrom(p.fixedLoad)
		for gi, f := range ev.fired {
			if f {
				for _, sg := range p.groups[gi].segs {
					if e := g.segEdge[sg]; e >= 0 {
						w.kill(g, e)
					}
				}
			}
		}
		w.reach(g)
	default:
		w.load(g, st)
		w.reach(g)
	}
	for c := range g.nCountry {
		ev.unreach[c] = !reached[c] || st.down[c] || st.withdrawn[c]
	}
	// Failed cables per country: the certain ones, and each cable a fired
	// group adds, counted once in each country where it is not already.
	copy(ev.cabFailed, p.fixedCab)
	copy(ev.cabsFailed, p.fixedCabsFailed)
	for gi, f := range ev.fired {
		if !f {
			continue
		}
		for _, cb := range p.groups[gi].cables {
			if ev.cabFailed[cb] {
				continue
			}
			ev.cabFailed[cb] = true
			for _, ck := range g.cableCountries[cb] {
				if !p.stationsDown[ck[0]][ck[1]] {
					ev.cabsFailed[ck[0]]++
				}
			}
		}
	}
	if !flow {
		return
	}
	// One sample's flows bound and settle one another (share.go); the
	// order changes how often, not what they are.
	ev.share.reset()
	for _, c := range ev.order {
		ev.loss[c] = g.countryLossFrom(w, st, int(c), ev.unreach[c], p.likely, p.likelyCut, ev.share)
	}
	g.reachRegions(w, st, ev.regUnreach)
	for i, ok := range ev.regUnreach {
		ev.regUnreach[i] = !ok
	}
	if p.likelyCS != nil && !referenceFlow {
		// Only the cables of groups that fare otherwise than in the
		// likely outcome differ from it.
		ev.changed = ev.changed[:0]
		for gi, f := range ev.fired {
			if gr := &p.groups[gi]; f != gr.likely() {
				ev.changed = append(ev.changed, gr.cables...)
			}
		}
		g.evalCircuitsFrom(st, ev.cs, p.likelyCS, ev.changed)
	} else {
		g.evalCircuits(st, ev.cs)
	}
	g.regionLoss(ev.cs, p.circBase, ev.circLoss)
	for i := range p.places {
		pp := &p.places[i]
		ev.placeUnreach[i] = !g.placeReachable(st, ev.cs, ev.unreach, pp)
		n := int32(0)
		for _, k := range pp.cables {
			if ev.cabFailed[k] && !p.standCab[k] {
				n++
			}
		}
		ev.placeCabs[i] = n
	}
}

// countryLoss is one minus the country's max-flow to the core over its
// baseline, with w loaded with the state.
func (g *Graph) countryLoss(w *workspace, st *state, c int, unreach bool) float64 {
	return g.countryLossFrom(w, st, c, unreach, nil, nil, nil)
}

// countryLossFrom is countryLoss with the flow started from the paths of
// ref (per country; nil for none) before the intact ones, and bounded by
// the live capacity of the cuts of refCut (per country; nil for none) and
// by what the flows already computed over the same capacities taught
// (share, nil for none: share.go).
func (g *Graph) countryLossFrom(w *workspace, st *state, c int, unreach bool, ref []flowPaths, refCut [][]int32, share *cutShare) float64 {
	if referenceFlow {
		return g.countryLossReference(w, st, c, unreach)
	}
	switch {
	case !g.baseReach[c]:
		return 0 // nothing to lose
	case st.down[c] || st.withdrawn[c] || unreach:
		return 1
	case g.isHub[c]:
		return 0
	}
	intact := true
	for i, u := range g.baseUse[c] {
		if u&w.deadW[i] != 0 {
			intact = false
			break
		}
	}
	if intact {
		return 0 // the baseline flow is still feasible, and flows never grow
	}
	// The flow is bounded by the baseline (flows never grow) and by the
	// capacity left around the country itself.
	var local int64
	for _, a := range g.adjArc[g.adjStart[c]:g.adjStart[c+1]] {
		local += w.cap[a]
	}
	bound := min(local, g.baseFlow[c])
	if share == nil {
		f, _ := w.warmFlow(g, c, bound, ref, refCut)
		return 1 - float64(f)/float64(g.baseFlow[c])
	}
	if v := share.val[c]; v <= bound {
		// A country's cut holds c: c's flow is at most that country's.
		bound = v
		if share.meets(g, w, c) {
			return 1 - float64(v)/float64(g.baseFlow[c])
		}
	}
	f, side := w.warmFlow(g, c, bound, ref, refCut)
	switch side {
	case sideSearch:
		share.learn(g, w, c, f)
	case sideLikely:
		if share.likelySide != nil {
			share.learnList(c, f, share.likelySide[c])
		}
	default:
		if f == g.baseFlow[c] {
			// Nothing lost: the cut of the intact network is still minimum.
			share.learnList(c, f, g.baseSide[c])
		}
	}
	return 1 - float64(f)/float64(g.baseFlow[c])
}

// referenceFlow makes every capacity loss a max-flow from zero (Dinic's
// algorithm) and every sample's circuits a computation from scratch: the
// reference the fast path is tested and benchmarked against. Tests only.
var referenceFlow = false

// countryLossReference is countryLoss computed from zero, as it was before
// the warm start: a country whose intact flow uses no failed edge keeps it,
// and the others get Dinic's algorithm, bounded by their intact flow and
// the capacity left around them.
func (g *Graph) countryLossReference(w *workspace, st *state, c int, unreach bool) float64 {
	switch {
	case !g.baseReach[c]:
		return 0
	case st.down[c] || st.withdrawn[c] || unreach:
		return 1
	case g.isHub[c]:
		return 0
	}
	intact := true
	for i, u := range g.baseUse[c] {
		if u&w.deadW[i] != 0 {
			intact = false
			break
		}
	}
	if intact {
		return 0
	}
	var local int64
	for _, a := range g.adjArc[g.adjStart[c]:g.adjStart[c+1]] {
		local += w.cap[a]
	}
	f := w.maxFlow(g, int32(c), g.core, min(local, g.baseFlow[c]))
	return 1 - float64(f)/float64(g.baseFlow[c])
}

// allDownIn reports whether every landing point of cable cb in country c
// is down.
func (g *Graph) allDownIn(st *state, cb int, c int32) bool {
	found := false
	for _, l := range g.cableLPs[cb] {
		if g.lpCountry[l] != c {
			continue
		}
		if !st.lp[l] {
			return false
		}
		found = true
	}
	return found
}

// result turns the totals into the report.
func (g *Graph) result(sc *Scenario, p *plan, seed uint64, samples, flowSamples int, t *totals, loss, loss2 []float64) *Result {
	a := g.atlas
	r := &Result{Scenario: sc.Name, Samples: samples, FlowSamples: flowSamples, Seed: seed, Core: g.Core()}
	n := float64(samples)
	fn := float64(flowSamples)
	for c := range g.nCountry {
		co := &a.Countries[c]
		ci := CountryImpact{Country: co.Code, Name: co.Name, Population: co.Population,
			CablesTotal: len(g.countryCabs[c]), ReachableBefore: g.baseReach[c], Hub: g.isHub[c],
			CapacityBeforeGbps: float64(g.baseFlow[c]) / 1000}
		if g.isHub[c] {
			ci.CapacityBeforeGbps = 0
		}
		pu := float64(t.unreach[c]) / n
		ci.PUnreachable = round6(pu)
		lo, hi := pu, pu // no chance involved: the outcome is certain
		if p.probabilistic() {
			lo, hi = wilson(t.unreach[c], samples)
		}
		ci.PUnreachableCI = [2]float64{round6(lo), round6(hi)}
		ci.Reachable = 2*t.unreach[c] < int64(samples)
		m := loss[c] / fn
		ci.CapacityLoss = round6(m)
		half := 0.0
		if flowSamples > 1 {
			v := math.Max(0, (loss2[c]-fn*m*m)/(fn-1))
			half = 1.96 * math.Sqrt(v/fn)
		}
		ci.CapacityLossCI = [2]float64{round6(math.Max(0, m-half)), round6(math.Min(1, m+half))}
		ci.CablesFailed = round6(float64(t.cablesFailed[c]) / n)
		ci.PopulationAffected = int64(math.Round(float64(co.Population) * m))
		r.Countries = append(r.Countries, ci)
	}
	slices.SortStableFunc(r.Countries, func(x, y CountryImpact) int {
		return cmp.Or(cmp.Compare(y.PUnreachable, x.PUnreachable), cmp.Compare(y.CapacityLoss, x.CapacityLoss),
			cmp.Compare(y.PopulationAffected, x.PopulationAffected), cmp.Compare(x.Country, y.Country))
	})
	seg := slices.Clone(p.fixed.seg)
	for gi, k := range t.fired {
		if k > 0 {
			for _, sg := range p.groups[gi].segs {
				seg[sg] = true
			}
		}
	}
	r.Failed = g.listFailed(seg, p.fixed, g.standing)
	if g.standing != nil {
		st := g.listFailed(g.standing.seg, g.standing, nil)
		r.Standing = &st
	}
	return r
}

// listFailed lists the elements failed in seg and st (a state whose
// segments may be more than its own, seg), leaving out those failed in
// before already (nil for none).
func (g *Graph) listFailed(seg []bool, st, before *state) Failed {
	a := g.atlas
	out := Failed{Cables: []string{}, Segments: []string{}, LandingPoints: []string{}, Links: []string{}, Countries: []string{}}
	cabs := map[string]bool{}
	for s, f := range seg {
		if f && g.segUsed[s] && (before == nil || !before.seg[s]) {
			out.Segments = append(out.Segments, a.Segments[s].ID)
			cabs[a.Segments[s].Cable] = true
		}
	}
	for i := range a.Cables {
		if cabs[a.Cables[i].ID] {
			out.Cables = append(out.Cables, a.Cables[i].ID)
		}
	}
	for l, f := range st.lp {
		if f && (before == nil || !before.lp[l]) {
			out.LandingPoints = append(out.LandingPoints, a.LandingPoints[l].ID)
		}
	}
	linkDown := func(s *state, l int) bool {
		e := g.linkEdge[l]
		return s.link[l] || s.down[g.eU[e]] || s.down[g.eV[e]]
	}
	for l := range st.link {
		if linkDown(st, l) && (before == nil || !linkDown(before, l)) {
			out.Links = append(out.Links, a.Links[l].ID)
		}
	}
	for c, d := range st.down {
		if (d || st.withdrawn[c]) && (before == nil || !before.down[c] && !before.withdrawn[c]) {
			out.Countries = append(out.Countries, a.Countries[c].Code)
		}
	}
	return out
}

// wilson is the 95% Wilson score interval for k successes in n trials.
func wilson(k int64, n int) (float64, float64) {
	if n == 0 {
		return 0, 1
	}
	const z = 1.959963984540054
	p := float64(k) / float64(n)
	fn := float64(n)
	d := 1 + z*z/fn
	c := (p + z*z/(2*fn)) / d
	h := z * math.Sqrt(p*(1-p)/fn+z*z/(4*fn*fn)) / d
	return math.Max(0, c-h), math.Min(1, c+h)
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// rng is SplitMix64 (Steele, Lea and Flood, 2014): tiny, fast, and easy to
// reproduce in other languages, which the reference implementation does.
type rng struct{ s uint64 }

func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// newRNG seeds the generator of one sample from the run's seed and the
// sample's index.
func newRNG(seed, sample uint64) rng { return rng{mix64(seed) ^ mix64(sample+0x632BE59BD9B4E019)} }

func (r *rng) next() uint64 {
	r.s += 0x9E3779B97F4A7C15
	return mix64(r.s)
}

// float64 returns a uniform number in [0, 1) with 53 random bits.
func (r *rng) float64() float64 { return float64(r.next()>>11) / (1 << 53) }
