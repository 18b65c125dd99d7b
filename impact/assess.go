package impact

import (
	"cmp"
	"context"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"lifeline/geo"
)

// Element is a thing whose loss a profile weighs: a cable system, a landing
// station, or a country (a neighbour shut down or failed).
type Element struct {
	Kind string `json:"kind"` // "cable", "landing_point" or "country"
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Dependency is how much a country needs one of its neighbours: the
// countries joined to it by a land border or by a cable without another
// country between.
type Dependency struct {
	Country      string  `json:"country"`
	Name         string  `json:"name"`
	CutsOff      bool    `json:"cuts_off"`      // its loss alone leaves no path to the core
	CapacityLoss float64 `json:"capacity_loss"` // share of max-flow lost without it
}

// Profile is a country's resilience profile.
type Profile struct {
	Country       string       `json:"country"`
	Name          string       `json:"name"`
	Hub           bool         `json:"hub"`
	Reachable     bool         `json:"reachable"` // a path to the core exists with nothing failed
	Cables        []string     `json:"cables"`
	LandingPoints []string     `json:"landing_points"`
	LandingSites  int          `json:"landing_sites"` // stations grouped within SiteKm of each other
	Neighbours    []Dependency `json:"neighbours"`
	N1            []Element    `json:"n1"` // single losses that cut it off
	N2            [][2]Element `json:"n2"` // pairs that cut it off, neither alone doing so
	// Critical lists the cables and stations whose loss alone costs more
	// than CriticalShare of its capacity to the core or of its circuits to
	// a region, worst first (those that cut it off included).
	Critical []Critical `json:"critical"`
	// WorstSingleLoss is the largest share any one cable or station's loss
	// costs it (1 when one cuts it off); the N-1 part of the score is
	// 40 × (1 − WorstSingleLoss).
	WorstSingleLoss float64 `json:"worst_single_loss"`
	// Inputs says how far the capacity figures behind the profile can be
	// trusted.
	Inputs         InputConfidence `json:"inputs"`
	CapacityGbps   float64         `json:"capacity_gbps"`
	KbpsPerPerson  float64         `json:"kbps_per_person"`
	Population     int64           `json:"population"`
	Score          int             `json:"score"`
	ScoreN1        float64         `json:"score_n1"`
	ScoreN2        float64         `json:"score_n2"`
	ScoreCapacity  float64         `json:"score_capacity"`
	ScoreDiversity float64         `json:"score_diversity"`
}

// SiteKm is the distance within which landing stations count as one
// landing site: stations in one town share its risks.
const SiteKm = 10

// Score weights; docs/impact.md explains the formula.
const (
	scoreN1        = 40 // no single loss cuts the country off
	scoreN2        = 25 // few pairs of losses do
	scoreCapacity  = 25 // capacity to the core per person
	scoreDiversity = 10 // distinct landing sites
)

// Ranked is an element with the people who lose connectivity when it fails
// alone.
type Ranked struct {
	Element
	Population int64    `json:"population"`
	Countries  []string `json:"countries"` // cut off by its loss
}

// elements numbers the candidates: in-service cables, then stations that
// carry a segment, then countries.
type elements struct {
	g       *Graph
	cables  []int32 // element → cable index
	lps     []int32 // element-len(cables) → landing point index
	nCable  int
	nLP     int
	ofCable []int32 // cable index → element, -1
	ofLP    []int32
}

func (g *Graph) elements() *elements {
	el := &elements{g: g, ofCable: make([]int32, len(g.atlas.Cables)), ofLP: make([]int32, len(g.atlas.LandingPoints))}
	for i := range el.ofCable {
		el.ofCable[i] = -1
		if g.cableUsed[i] {
			el.ofCable[i] = int32(len(el.cables))
			el.cables = append(el.cables, int32(i))
		}
	}
	el.nCable = len(el.cables)
	for i := range el.ofLP {
		el.ofLP[i] = -1
		if len(g.lpEdges[i]) > 0 {
			el.ofLP[i] = int32(el.nCable + len(el.lps))
			el.lps = append(el.lps, int32(i))
		}
	}
	el.nLP = len(el.lps)
	return el
}

func (el *elements) count() int { return el.nCable + el.nLP + el.g.nCountry }

// gatewaySites lists, for each national gateway of the atlas, its
// country's index and the element of each of its sites.
func (el *elements) gatewaySites() [][2]int {
	g := el.g
	var out [][2]int
	for _, gw := range g.atlas.Gateways {
		c := g.countryIndex(gw.Country)
		for _, id := range gw.Sites {
			if l := g.lpIndex(id); c >= 0 && l >= 0 && el.ofLP[l] >= 0 {
				out = append(out, [2]int{c, int(el.ofLP[l])})
			}
		}
	}
	return out
}

func (el *elements) fail(st *state, x int) {
	a := el.g.atlas
	switch {
	case x < el.nCable:
		for _, s := range a.Cables[el.cables[x]].Segments {
			st.seg[s] = true
		}
	case x < el.nCable+el.nLP:
		st.lp[el.lps[x-el.nCable]] = true
		el.g.failGateways(st)
	default:
		st.down[x-el.nCable-el.nLP] = true
	}
}

func (el *elements) describe(x int) Element {
	a := el.g.atlas
	switch {
	case x < el.nCable:
		c := &a.Cables[el.cables[x]]
		return Element{Kind: "cable", ID: c.ID, Name: c.Name}
	case x < el.nCable+el.nLP:
		lp := &a.LandingPoints[el.lps[x-el.nCable]]
		return Element{Kind: "landing_point", ID: lp.ID, Name: lp.Name}
	default:
		c := &a.Countries[x-el.nCable-el.nLP]
		return Element{Kind: "country", ID: c.Code, Name: c.Name}
	}
}

// pathElements adds to set every element whose loss touches the path from
// node n to the core in the search tree parent.
func (el *elements) pathElements(parent []int32, n int32, set []bool) {
	g := el.g
	nc := int32(g.nCountry)
	for n != g.core && parent[n] >= 0 {
		if n < nc {
			set[el.nCable+el.nLP+int(n)] = true
		}
		p := parent[n] / 2
		for _, e := range g.pairEdges[g.pairStart[p]:g.pairStart[p+1]] {
			if g.eKind[e] != kindSegment {
				continue
			}
			set[el.ofCable[g.segCab[g.eElem[e]]]] = true
			for _, l := range [2]int32{g.eLPU[e], g.eLP[e]} {
				if l >= 0 {
					set[el.ofLP[l]] = true
				}
			}
		}
		n = g.arcHead[parent[n]]
	}
}

// searchTree runs a breadth-first search from the core over live edges and
// records, for each node reached, the arc that leads towards the core.
func (w *workspace) searchTree(g *Graph, parent []int32) {
	for i := range parent {
		parent[i] = -1
	}
	clear(w.reached)
	q := append(w.queue[:0], g.core)
	w.reached[g.core] = true
	for i := 0; i < len(q); i++ {
		u := q[i]
		for _, a := range g.adjArc[g.adjStart[u]:g.adjStart[u+1]] {
			if v := g.arcHead[a]; w.cap[a] > 0 && !w.reached[v] {
				w.reached[v] = true
				parent[v] = a ^ 1 // from v back to u
				q = append(q, v)
			}
		}
	}
	w.queue = q
}

// cutSets finds, for the countries asked, every single element and every
// pair of elements whose loss cuts them off (pairs only where neither
// element alone does). An element can cut a country off only if it lies
// on every path to the core, so on the search tree's path: the search
// tries only those, then, with each failed, only the elements on the new
// tree's paths.
func (g *Graph) cutSets(ctx context.Context, el *elements, want []bool, workers int) (n1 [][]int, n2 [][][2]int, err error) {
	w := g.newWorkspace()
	st := g.newState()
	parent := make([]int32, g.nNode)
	w.load(g, st)
	w.searchTree(g, parent)
	base := slices.Clone(w.reached)
	// onPath[c] marks the elements on country c's tree path: only those
	// can be the first element of a cut set of c.
	ne := el.count()
	onPath := make([][]bool, g.nCountry)
	cand := make([]bool, ne)
	for c := range g.nCountry {
		if want[c] && base[c] {
			onPath[c] = make([]bool, ne)
			el.pathElements(parent, int32(c), onPath[c])
			for x, ok := range onPath[c] {
				cand[x] = cand[x] || ok
			}
		}
	}
	var xs []int
	for x, ok := range cand {
		if ok {
			xs = append(xs, x)
		}
	}
	type found struct {
		alone []int32 // countries cut off by x alone
		pairs [][3]int32
	}
	res := make([]found, len(xs))
	var next atomic.Int64
	var wg sync.WaitGroup
	var stop atomic.Bool
	for range max(1, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := g.newWorkspace()
			st := g.newState()
			parent := make([]int32, g.nNode)
			cand := make([]bool, el.count())
			for {
				i := int(next.Add(1) - 1)
				if i >= len(xs) || stop.Load() {
					return
				}
				if ctx.Err() != nil {
					stop.Store(true)
					return
				}
				x := xs[i]
				st.reset()
				el.fail(st, x)
				w.load(g, st)
				w.searchTree(g, parent)
				reachX := slices.Clone(w.reached[:g.nCountry])
				clear(cand)
				for c := range g.nCountry {
					if onPath[c] == nil || !onPath[c][x] || c == el.countryOf(x) {
						continue
					}
					if !reachX[c] {
						res[i].alone = append(res[i].alone, int32(c))
						continue
					}
					el.pathElements(parent, int32(c), cand)
				}
				for y, ok := range cand {
					if !ok || y == x {
						continue
					}
					st.reset()
					el.fail(st, x)
					el.fail(st, y)
					w.load(g, st)
					w.reach(g)
					for c := range g.nCountry {
						if onPath[c] != nil && onPath[c][x] && reachX[c] && !w.reached[c] && c != el.countryOf(y) {
							res[i].pairs = append(res[i].pairs, [3]int32{int32(c), int32(x), int32(y)})
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	n1 = make([][]int, g.nCountry)
	for i, f := range res {
		for _, c := range f.alone {
			n1[c] = append(n1[c], xs[i])
		}
	}
	// A national gateway's site cuts its country's own networks off alone
	// (atlas gateways.csv), whatever paths remain.
	for _, gs := range el.gatewaySites() {
		c, x := gs[0], gs[1]
		if want[c] && base[c] && !slices.Contains(n1[c], x) {
			n1[c] = append(n1[c], x)
			slices.Sort(n1[c])
		}
	}
	single := make([]map[int]bool, g.nCountry)
	for c := range n1 {
		single[c] = map[int]bool{}
		for _, x := range n1[c] {
			single[c][x] = true
		}
	}
	seen := make([]map[[2]int]bool, g.nCountry)
	n2 = make([][][2]int, g.nCountry)
	for _, f := range res {
		for _, p := range f.pairs {
			c, x, y := int(p[0]), int(min(p[1], p[2])), int(max(p[1], p[2]))
			if single[c][x] || single[c][y] {
				continue // not minimal
			}
			if seen[c] == nil {
				seen[c] = map[[2]int]bool{}
			}
			if !seen[c][[2]int{x, y}] {
				seen[c][[2]int{x, y}] = true
				n2[c] = append(n2[c], [2]int{x, y})
			}
		}
	}
	for c := range n2 {
		slices.SortFunc(n2[c], func(a, b [2]int) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	}
	return n1, n2, nil
}

// countryOf returns the country index of a country element, -1 otherwise.
func (el *elements) countryOf(x int) int {
	if x >= el.nCable+el.nLP {
		return x - el.nCable - el.nLP
	}
	return -1
}

// Assess computes the resilience profiles of the countries given by code
// (all of the atlas's when none), in the order given (by code for all).
// workers ≤ 0 means GOMAXPROCS.
//
// Errors: ENOTFOUND for an unknown country, with the closest names; the
// context's error if it is cancelled.
func (g *Graph) Assess(ctx context.Context, codes []string, workers int) ([]Profile, error) {
	a := g.atlas
	var idx []int
	if len(codes) == 0 {
		for c := range g.nCountry {
			idx = append(idx, c)
		}
	}
	for _, q := range codes {
		c, err := a.FindCountry(q)
		if err != nil {
			return nil, err
		}
		idx = append(idx, g.countryIndex(c.Code))
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	want := make([]bool, g.nCountry)
	for _, c := range idx {
		want[c] = true
	}
	el := g.elements()
	n1, n2, err := g.cutSets(ctx, el, want, workers)
	if err != nil {
		return nil, err
	}
	crit, worst, err := g.criticalElements(ctx, el, want, n1)
	if err != nil {
		return nil, err
	}
	w := g.newWorkspace()
	st := g.newState()
	out := make([]Profile, 0, len(idx))
	for _, c := range idx {
		co := &a.Countries[c]
		p := Profile{Country: co.Code, Name: co.Name, Hub: g.isHub[c], Reachable: g.baseReach[c],
			Population: co.Population, Cables: []string{}, LandingPoints: []string{}, Neighbours: []Dependency{},
			N1: []Element{}, N2: [][2]Element{}, Critical: crit[c], Inputs: g.inputConfidence(c)}
		if p.Critical == nil {
			p.Critical = []Critical{}
		}
		if !g.isHub[c] && g.baseReach[c] {
			p.WorstSingleLoss = round6(worst[c])
		}
		for _, cb := range g.countryCabs[c] {
			p.Cables = append(p.Cables, a.Cables[cb].ID)
		}
		var pts []geo.Point
		for _, l := range g.countryLPs[c] {
			if len(g.lpEdges[l]) > 0 || g.lpHasCable(int(l)) {
				lp := &a.LandingPoints[l]
				p.LandingPoints = append(p.LandingPoints, lp.ID)
				pts = append(pts, geo.Point{Lon: lp.Lon, Lat: lp.Lat})
			}
		}
		p.LandingSites = sites(pts)
		for _, x := range n1[c] {
			p.N1 = append(p.N1, el.describe(x))
		}
		for _, xy := range n2[c] {
			p.N2 = append(p.N2, [2]Element{el.describe(xy[0]), el.describe(xy[1])})
		}
		for _, n := range g.neighbours(c) {
			st.reset()
			st.down[n] = true
			w.load(g, st)
			w.reach(g)
			d := Dependency{Country: a.Countries[n].Code, Name: a.Countries[n].Name}
			d.CutsOff = g.baseReach[c] && !w.reached[c]
			if g.baseReach[c] && !g.isHub[c] {
				d.CapacityLoss = round6(g.countryLoss(w, st, c, !w.reached[c]))
			}
			p.Neighbours = append(p.Neighbours, d)
		}
		if !g.isHub[c] {
			p.CapacityGbps = float64(g.baseFlow[c]) / 1000
		}
		if co.Population > 0 && !g.isHub[c] {
			p.KbpsPerPerson = round6(float64(g.baseFlow[c]) * 1000 / float64(co.Population))
		}
		p.score(len(g.countryCabs[c]))
		out = append(out, p)
	}
	return out, nil
}

// score fills in the 0–100 score; docs/impact.md gives the formula.
func (p *Profile) score(cables int) {
	switch {
	case p.Hub:
		p.ScoreN1, p.ScoreN2, p.ScoreCapacity, p.ScoreDiversity = scoreN1, scoreN2, scoreCapacity, scoreDiversity
	case !p.Reachable:
	default:
		// The worst single loss, not only a cut-off: a country that keeps a
		// thin path over land when its one cable fails is not resilient.
		p.ScoreN1 = scoreN1 * (1 - p.WorstSingleLoss)
		p.ScoreN2 = scoreN2 * 3 / (3 + float64(len(p.N2)))
		if p.Population == 0 {
			p.ScoreCapacity = scoreCapacity
		} else if p.KbpsPerPerson > 0 {
			// 1 kbit/s per person scores 0, 10 Mbit/s per person or more the full part.
			p.ScoreCapacity = scoreCapacity * math.Min(1, math.Max(0, math.Log10(p.KbpsPerPerson)/4))
		}
		// One site scores 0, four or more the full part; a country reached
		// over land only has no sites to lose.
		if cables == 0 {
			p.ScoreDiversity = scoreDiversity
		} else {
			p.ScoreDiversity = scoreDiversity * math.Min(1, float64(p.LandingSites-1)/3)
		}
	}
	p.ScoreN1 = round2(p.ScoreN1)
	p.ScoreN2 = round2(p.ScoreN2)
	p.ScoreCapacity = round2(p.ScoreCapacity)
	p.ScoreDiversity = round2(p.ScoreDiversity)
	p.Score = int(math.Round(p.ScoreN1 + p.ScoreN2 + p.ScoreCapacity + p.ScoreDiversity))
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// Rank orders in-service cables and landing stations by the population of
// the countries that lose every path to the core when each fails alone,
// most first; elements that cut no one off are left out.
//
// Errors: the context's error if it is cancelled.
func (g *Graph) Rank(ctx context.Context, workers int) ([]Ranked, error) {
	el := g.elements()
	want := make([]bool, g.nCountry)
	for c := range want {
		want[c] = true
	}
	// workers is not used: each candidate costs one reachability search
	// (microseconds), so one goroutine ranks the full atlas in well under
	// a second.
	_ = workers
	// Single losses only: the pair search is skipped by asking for the
	// N-1 sets through the same candidate rule.
	w := g.newWorkspace()
	st := g.newState()
	parent := make([]int32, g.nNode)
	w.load(g, st)
	w.searchTree(g, parent)
	cand := make([]bool, el.count())
	for c := range g.nCountry {
		if g.baseReach[c] {
			el.pathElements(parent, int32(c), cand)
		}
	}
	// A national gateway's site cuts its country off alone (el.fail
	// withdraws the country's networks).
	for _, gs := range el.gatewaySites() {
		cand[gs[1]] = true
	}
	var out []Ranked
	for x, ok := range cand {
		if !ok || x >= el.nCable+el.nLP {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		st.reset()
		el.fail(st, x)
		w.load(g, st)
		w.reach(g)
		r := Ranked{Element: el.describe(x), Countries: []string{}}
		for c := range g.nCountry {
			if g.baseReach[c] && (!w.reached[c] || st.withdrawn[c]) {
				r.Countries = append(r.Countries, g.atlas.Countries[c].Code)
				r.Population += g.atlas.Countries[c].Population
			}
		}
		if len(r.Countries) > 0 {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b Ranked) int {
		return cmp.Or(cmp.Compare(b.Population, a.Population), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// neighbours returns the countries joined to c by a land link, or by a
// cable path through branching units only, in index order.
func (g *Graph) neighbours(c int) []int {
	nc := int32(g.nCountry)
	seen := make([]bool, g.nNode)
	seen[c] = true
	var out []int
	q := []int32{int32(c)}
	for i := 0; i < len(q); i++ {
		u := q[i]
		for _, a := range g.adjArc[g.adjStart[u]:g.adjStart[u+1]] {
			v := g.arcHead[a]
			if seen[v] || v == g.core {
				continue
			}
			seen[v] = true
			if v < nc {
				out = append(out, int(v))
			} else {
				q = append(q, v) // a branching unit: look through it
			}
		}
	}
	slices.Sort(out)
	return out
}

// lpHasCable reports whether an evaluated cable lands at the station.
func (g *Graph) lpHasCable(l int) bool {
	id := g.atlas.LandingPoints[l].ID
	for _, cb := range g.countryCabs[g.lpCountry[l]] {
		if slices.Contains(g.atlas.Cables[cb].LandingPoints, id) {
			return true
		}
	}
	return false
}

// sites counts groups of points within SiteKm of one another (single
// linkage).
func sites(pts []geo.Point) int {
	parent := make([]int, len(pts))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	n := len(pts)
	for i := range pts {
		for j := i + 1; j < len(pts); j++ {
			if geo.DistanceKm(pts[i], pts[j]) <= SiteKm {
				if a, b := find(i), find(j); a != b {
					parent[a] = b
					n--
				}
			}
		}
	}
	return n
}
