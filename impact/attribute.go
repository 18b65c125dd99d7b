package impact

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"lifeline"
)

// Attribution answers the inverse of a what-if: these countries' connectivity
// fell together (and those did not); which failure explains it? Candidates
// are single cable segments, pairs of segments and single landing stations;
// each is run through the engine and scored by how close the losses it
// predicts come to the drops observed (docs/impact.md, "Which cable was
// cut").

// Observation is what monitoring saw of one country during an event: the
// share of its connectivity lost (0..1; 0 is a country observed not to
// drop), from any signal — the share of its networks or address blocks
// gone, a fall of its traffic. Countries not observed are left out: they
// do not count for or against a candidate.
type Observation struct {
	Country string  `json:"country" yaml:"country"` // ISO 3166-1 alpha-2
	Drop    float64 `json:"drop" yaml:"drop"`
	// Weight is how much the observation counts; 0 means 1. A signal one
	// trusts less (a single network, a short fall) can weigh less.
	Weight float64 `json:"weight,omitempty" yaml:"weight,omitempty"`
	Note   string  `json:"note,omitempty" yaml:"note,omitempty"`
}

// AttributeOptions tunes Attribute; the zero value is the default.
type AttributeOptions struct {
	// Limit is the number of candidates returned, best first; 0 means 10.
	Limit int
	// PairsFrom is how many of the best distinct single segments are
	// paired with each other; 0 means 24 (276 pairs). At most 3 segments
	// of one cable are taken, so that pairs join different cables.
	PairsFrom int
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
}

// PairPenalty is taken off the score of a pair: a pair must explain the
// observations better than the best single failure by this much to rank
// above it, since one failure is likelier than two at once.
const PairPenalty = 0.02

// DropFloor is the observed share above which a country counts as dropped:
// candidates are the elements that can touch a dropped country.
const DropFloor = 0.05

// Candidate is one failure that may explain the observations.
type Candidate struct {
	// Elements are the failed elements, by the ids incidents use:
	// "segment:<cable>/<n>" or "landing_point:<id>".
	Elements []string `json:"elements"`
	// Kind is "segment", "pair" (two segments) or "landing_point".
	Kind string `json:"kind"`
	// Score is 1 − Error, less PairPenalty for a pair; higher is better.
	Score float64 `json:"score"`
	// Error is the weighted root mean square of predicted − observed drop
	// over the observed countries.
	Error float64 `json:"error"`
	// Predicted is the predicted loss of every observed country, in the
	// order of the observations.
	Predicted []Prediction `json:"predicted"`
	// Equivalent lists other single elements whose failure predicts the
	// same losses (to 0.001) for the observed countries: the observations
	// cannot tell them apart. Only for single candidates; at most 20 are
	// listed, EquivalentCount counts them all.
	Equivalent      []string `json:"equivalent,omitempty"`
	EquivalentCount int      `json:"equivalent_count,omitempty"`
}

// Prediction is a candidate's predicted loss for one observed country.
type Prediction struct {
	Country   string  `json:"country"`
	Observed  float64 `json:"observed"`
	Predicted float64 `json:"predicted"`
}

// Attribution is the result of Attribute.
type Attribution struct {
	Observed []Observation `json:"observed"`
	// Singles and Pairs count the candidates evaluated.
	Singles    int         `json:"singles"`
	Pairs      int         `json:"pairs"`
	Candidates []Candidate `json:"candidates"`
}

// failure is one candidate inside the engine: up to two segments, or one
// landing point.
type failure struct {
	segs []int32
	lp   int32 // -1 for none
}

// Attribute ranks the failures that may explain obs. Candidates are the
// segments of every cable that lands in a dropped country (observed drop
// above DropFloor), the landing stations of those countries, and pairs of
// the best distinct segments; each is scored by Score (docs/impact.md).
//
// Errors: EINVALID for no dropped country, a repeated country or a share
// or weight out of range; ENOTFOUND for a country the atlas does not have;
// the context's error if it is cancelled.
func (g *Graph) Attribute(ctx context.Context, obs []Observation, opt AttributeOptions) (*Attribution, error) {
	const op = "impact.Attribute"
	idx := make([]int, len(obs))
	weights := make([]float64, len(obs))
	dropped := make([]bool, g.nCountry)
	seen := map[string]bool{}
	anyDrop := false
	for i, o := range obs {
		c := g.countryIndex(o.Country)
		if c < 0 {
			return nil, lifeline.Errorf(lifeline.ENOTFOUND, op, "observed[%d].country: %q is not a country of the atlas; expected an ISO 3166-1 alpha-2 code such as SO", i, truncateText(o.Country, 20))
		}
		if seen[o.Country] {
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "observed[%d].country: %s is observed twice", i, o.Country)
		}
		seen[o.Country] = true
		if math.IsNaN(o.Drop) || o.Drop < 0 || o.Drop > 1 {
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "observed[%d].drop: expected a share from 0 to 1, found %v", i, o.Drop)
		}
		if math.IsNaN(o.Weight) || o.Weight < 0 || math.IsInf(o.Weight, 0) {
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "observed[%d].weight: expected 0 (for 1) or a positive number, found %v", i, o.Weight)
		}
		idx[i] = c
		weights[i] = cmp.Or(o.Weight, 1)
		if o.Drop > DropFloor {
			dropped[c] = true
			anyDrop = true
		}
	}
	if !anyDrop {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "observed: no country dropped by more than %.0f%%; attribution needs at least one", 100*DropFloor)
	}
	limit := cmp.Or(opt.Limit, 10)
	pairsFrom := cmp.Or(opt.PairsFrom, 24)
	workers := cmp.Or(opt.Workers, runtime.GOMAXPROCS(0))

	// Singles: the segments of every cable landing in a dropped country
	// (those that join two nodes of the graph), then its stations.
	var singles []failure
	cabSeen := make([]bool, len(g.atlas.Cables))
	for c := range g.nCountry {
		if !dropped[c] {
			continue
		}
		for _, cb := range g.countryCabs[c] {
			cabSeen[cb] = true
		}
	}
	for cb, ok := range cabSeen {
		if !ok {
			continue
		}
		for _, s := range g.atlas.Cables[cb].Segments {
			if g.segEdge[s] >= 0 {
				singles = append(singles, failure{segs: []int32{int32(s)}, lp: -1})
			}
		}
	}
	for c := range g.nCountry {
		if !dropped[c] {
			continue
		}
		for _, l := range g.countryLPs[c] {
			if len(g.lpEdges[l]) > 0 {
				singles = append(singles, failure{lp: l})
			}
		}
	}

	sc := &scorer{g: g, idx: idx, weights: weights, obs: obs}
	pred, err := sc.evaluate(ctx, singles, workers)
	if err != nil {
		return nil, err
	}

	// Single failures that predict the same losses are one candidate: the
	// observations cannot tell them apart.
	type group struct {
		first int
		more  []int
	}
	var groups []*group
	byKey := map[string]*group{}
	for i := range singles {
		k := predKey(pred[i])
		if gr, ok := byKey[k]; ok {
			gr.more = append(gr.more, i)
			continue
		}
		gr := &group{first: i}
		byKey[k] = gr
		groups = append(groups, gr)
	}
	var cands []Candidate
	for _, gr := range groups {
		cd := sc.candidate(singles[gr.first], pred[gr.first])
		cd.EquivalentCount = len(gr.more)
		for _, j := range gr.more[:min(20, len(gr.more))] {
			cd.Equivalent = append(cd.Equivalent, sc.ids(singles[j])...)
		}
		cands = append(cands, cd)
	}

	// Pairs of the best distinct segments that predict some loss in a
	// dropped country, at most 3 of a cable.
	order := make([]int, len(groups))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(cands[b].Score, cands[a].Score) })
	var best []failure
	perCable := map[int32]int{}
	for _, i := range order {
		f := singles[groups[i].first]
		if f.lp >= 0 || !sc.touches(pred[groups[i].first], dropped) {
			continue
		}
		cb := g.segCab[f.segs[0]]
		if perCable[cb] >= 3 {
			continue
		}
		perCable[cb]++
		best = append(best, f)
		if len(best) == pairsFrom {
			break
		}
	}
	var pairs []failure
	for i := range best {
		for j := i + 1; j < len(best); j++ {
			pairs = append(pairs, failure{segs: []int32{best[i].segs[0], best[j].segs[0]}, lp: -1})
		}
	}
	ppred, err := sc.evaluate(ctx, pairs, workers)
	if err != nil {
		return nil, err
	}
	for i := range pairs {
		cands = append(cands, sc.candidate(pairs[i], ppred[i]))
	}

	slices.SortStableFunc(cands, func(a, b Candidate) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(len(a.Elements), len(b.Elements)),
			slices.Compare(a.Elements, b.Elements))
	})
	if len(cands) > limit {
		cands = cands[:limit]
	}
	return &Attribution{Observed: slices.Clone(obs), Singles: len(singles), Pairs: len(pairs), Candidates: cands}, nil
}

// scorer evaluates failures against the observations.
type scorer struct {
	g       *Graph
	idx     []int // country of each observation
	weights []float64
	obs     []Observation
}

// evaluate predicts, for each failure, the loss of every observed country,
// on workers goroutines; results do not depend on their number.
func (sc *scorer) evaluate(ctx context.Context, fs []failure, workers int) ([][]float64, error) {
	g := sc.g
	out := make([][]float64, len(fs))
	if len(fs) == 0 {
		return out, nil
	}
	workers = max(1, min(workers, len(fs)))
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	var firstErr error
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pr := g.newPredictor()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(fs) {
					return
				}
				if err := ctx.Err(); err != nil {
					mu.Lock()
					firstErr = cmp.Or(firstErr, err)
					mu.Unlock()
					return
				}
				out[i] = pr.predict(fs[i], sc.idx)
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}

// predictor computes what a failure costs a few countries, and only
// that: capacity loss for those countries alone, and circuits recomputed
// only along the cables the failure touches, from the intact circuits
// kept in its scratch space. It gives the figures Simulate gives
// (TestPredictorAgreesWithSimulate).
type predictor struct {
	g       *Graph
	w       *workspace
	st      *state
	cs      *circuitScratch
	touched []int32
}

func (g *Graph) newPredictor() *predictor {
	pr := &predictor{g: g, w: g.newWorkspace(), st: g.newState(), cs: g.newCircuitScratch()}
	g.evalCircuits(pr.st, pr.cs)
	return pr
}

// recable recomputes the circuits along the touched cables for the
// current state.
func (pr *predictor) recable() {
	g, cs := pr.g, pr.cs
	for _, k := range pr.touched {
		for _, l := range g.cableLPs[k] {
			c := g.lpCountry[l]
			if j := slices.Index(g.countryCabs[c], k); j >= 0 {
				cs.reach[g.cabOffset[c]+j] = 0
			}
		}
	}
	for _, k := range pr.touched {
		g.cableReach(pr.st, int(k), cs)
	}
}

// predict returns the predicted loss of each country of idx when f
// fails: what CountryImpact.ObservedLoss gives in a full simulation.
func (pr *predictor) predict(f failure, idx []int) []float64 {
	g, st, w, cs := pr.g, pr.st, pr.w, pr.cs
	pr.touched = pr.touched[:0]
	for _, s := range f.segs {
		st.seg[s] = true
		if k := g.segCab[s]; !slices.Contains(pr.touched, k) {
			pr.touched = append(pr.touched, k)
		}
	}
	if f.lp >= 0 {
		st.lp[f.lp] = true
		for k := range g.atlas.Cables {
			if g.cableUsed[k] && slices.Contains(g.cableLPs[k], f.lp) && !slices.Contains(pr.touched, int32(k)) {
				pr.touched = append(pr.touched, int32(k))
			}
		}
	}
	w.load(g, st)
	w.reach(g)
	pr.recable()
	g.directCircuits(cs)
	g.circuitsBehind(st, cs, idx) // what second hops read (region.go)
	nReg := len(g.regions)
	out := make([]float64, len(idx))
	for i, c := range idx {
		l := g.countryLoss(w, st, c, !w.reached[c])
		g.countryCircuits(st, cs, c)
		for r := range nReg {
			if b := g.baseCircuits[c*nReg+r]; b > 0 {
				l = max(l, 1-float64(cs.out[c*nReg+r])/float64(b))
			}
		}
		out[i] = math.Min(1, math.Max(0, l))
	}
	// Back to the intact state, for the next failure.
	st.reset()
	pr.recable()
	return out
}

// touches reports whether a prediction loses anything in a dropped
// country.
func (sc *scorer) touches(p []float64, dropped []bool) bool {
	for k, c := range sc.idx {
		if dropped[c] && p[k] > 0.001 {
			return true
		}
	}
	return false
}

// candidate scores one failure.
func (sc *scorer) candidate(f failure, p []float64) Candidate {
	var num, den float64
	pr := make([]Prediction, len(p))
	for k, o := range sc.obs {
		d := p[k] - o.Drop
		num += sc.weights[k] * d * d
		den += sc.weights[k]
		pr[k] = Prediction{Country: o.Country, Observed: o.Drop, Predicted: round6(p[k])}
	}
	e := math.Sqrt(num / den)
	cd := Candidate{Elements: sc.ids(f), Error: round6(e), Predicted: pr}
	score := 1 - e
	switch {
	case f.lp >= 0:
		cd.Kind = "landing_point"
	case len(f.segs) == 2:
		cd.Kind = "pair"
		score -= PairPenalty
	default:
		cd.Kind = "segment"
	}
	cd.Score = round6(score)
	return cd
}

// ids names a failure's elements as incidents do.
func (sc *scorer) ids(f failure) []string {
	a := sc.g.atlas
	var out []string
	for _, s := range f.segs {
		out = append(out, "segment:"+a.Segments[s].ID)
	}
	if f.lp >= 0 {
		out = append(out, "landing_point:"+a.LandingPoints[f.lp].ID)
	}
	return out
}

// predKey rounds a prediction to 0.001 so that equal predictions group.
func predKey(p []float64) string {
	var b strings.Builder
	for _, x := range p {
		b.WriteString(strconv.Itoa(int(math.Round(x * 1000))))
		b.WriteByte(',')
	}
	return b.String()
}

func truncateText(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// SimulateElements runs the failure of elements named as incidents name
// them: "cable:<id>" (every segment), "segment:<cable>/<n>",
// "landing_point:<id>" and "country:<code>" (the country isolated, as an
// isolation event). It is what an incident's named elements cost.
//
// Errors: ENOTFOUND naming an element the atlas does not have; EINVALID
// for an id of another kind; the context's error if it is cancelled.
func (g *Graph) SimulateElements(ctx context.Context, name string, ids []string) (*Result, error) {
	const op = "impact.SimulateElements"
	a := g.atlas
	p := &plan{fixed: g.newState()}
	for i, id := range ids {
		kind, key, _ := strings.Cut(id, ":")
		switch kind {
		case "cable":
			c, ok := a.Cable(key)
			if !ok {
				return nil, lifeline.Errorf(lifeline.ENOTFOUND, op, "elements[%d]: no cable %q in the atlas", i, truncateText(key, 80))
			}
			for _, s := range c.Segments {
				p.fixed.seg[s] = true
			}
		case "segment":
			s, ok := a.Segment(key)
			if !ok {
				return nil, lifeline.Errorf(lifeline.ENOTFOUND, op, "elements[%d]: no segment %q in the atlas", i, truncateText(key, 80))
			}
			c, _ := a.Cable(s.Cable)
			p.fixed.seg[c.Segments[s.Index]] = true
		case "landing_point":
			l := g.lpIndex(key)
			if l < 0 {
				return nil, lifeline.Errorf(lifeline.ENOTFOUND, op, "elements[%d]: no landing point %q in the atlas", i, truncateText(key, 80))
			}
			p.fixed.lp[l] = true
		case "country":
			c := g.countryIndex(key)
			if c < 0 {
				return nil, lifeline.Errorf(lifeline.ENOTFOUND, op, "elements[%d]: no country %q in the atlas", i, truncateText(key, 80))
			}
			p.fixed.down[c] = true
		default:
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "elements[%d]: %q is not an element id; expected cable:, segment:, landing_point: or country: and an id", i, truncateText(id, 80))
		}
	}
	sc := &Scenario{Name: name}
	return g.run(ctx, sc, p, RunOptions{Workers: 1})
}

// String describes a candidate for logs and the command line.
func (c Candidate) String() string {
	return fmt.Sprintf("%.3f %s", c.Score, strings.Join(c.Elements, " + "))
}

// ObservedLoss is the larger of the country's capacity loss to the core
// and its circuit loss towards any region it has circuits to, on its own
// cables or through a neighbour: what monitoring sees fall, and what
// attribution compares with observed drops.
func (c CountryImpact) ObservedLoss() float64 {
	l := c.CapacityLoss
	for _, r := range c.Regions {
		if r.CircuitsBeforeGbps > 0 {
			l = max(l, r.CircuitLoss)
		}
	}
	return math.Min(1, l)
}

// Affected returns the countries whose ObservedLoss exceeds DropFloor,
// sorted: those whose signals an element's failure should make fall, and
// whose recovery closes its restoration.
func (r *Result) Affected() []string {
	var out []string
	for _, c := range r.Countries {
		if c.ObservedLoss() > DropFloor {
			out = append(out, c.Country)
		}
	}
	slices.Sort(out)
	return out
}
