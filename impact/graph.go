package impact

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"lifeline"
	"lifeline/atlas"
)

// DefaultCore is the default set of hub countries that stand for the global
// core of the Internet; docs/impact.md says why these seven.
var DefaultCore = []string{"DE", "FR", "GB", "JP", "NL", "SG", "US"}

// Options configures how an atlas is compiled into a Graph.
type Options struct {
	// Core lists the hub countries (ISO 3166-1 alpha-2) joined to the
	// core; empty means DefaultCore.
	Core []string
	// Planned includes planned cables; by default they are left out.
	Planned bool
	// Regions are the regions losses are also reported towards; empty
	// means DefaultRegions.
	Regions []WorldRegion
	// BorderGbps, when positive, replaces the conservative default given
	// to land borders about whose fibre nothing is published
	// (atlas.DefaultBorderGbps): a sensitivity parameter, see docs/atlas.md.
	BorderGbps float64
}

// Element kinds of a graph edge.
const (
	kindSegment = iota // a cable segment between two nodes
	kindLink           // a terrestrial border link
	kindCore           // a hub country's tie to the core
)

// inf is the capacity of a tie that never limits a flow (Mbit/s).
const inf = int64(1) << 50

// Graph is an atlas compiled for evaluation: flat arrays of nodes and
// edges, with each landing point merged into its country's node (the tie
// between a station and its country is taken as unbounded, so the two are
// one node for reachability and flow; a station's failure removes the
// segments that end at it). Nodes are the countries, then the branching
// units, then the core, a super-sink joined to every hub country.
//
// A Graph is immutable and safe for concurrent use; per-evaluation scratch
// space lives in a workspace.
type Graph struct {
	atlas   *atlas.Atlas
	planned bool

	nCountry int
	core     int32 // node index of the core
	nNode    int
	buName   []string
	isHub    []bool // per country

	// Edges, undirected; arcs 2e and 2e+1 are its two directions.
	eU, eV    []int32
	eCap      []int64 // Mbit/s
	eKind     []uint8
	eElem     []int32 // segment, link or country index
	eLPU, eLP []int32 // landing points at the ends of a segment edge, -1 for none

	// Parallel edges (cables between the same two nodes) are merged into
	// one pair whose capacity is the sum of those alive; arcs 2p and 2p+1
	// are pair p's two directions.
	ePair     []int32
	pU, pV    []int32
	pairStart []int32 // the edges of pair p are pairEdges[pairStart[p]:pairStart[p+1]]
	pairEdges []int32

	// CSR adjacency over pairs: the arcs leaving node n are
	// adjArc[adjStart[n]:adjStart[n+1]].
	adjStart []int32
	adjArc   []int32
	arcHead  []int32
	// adjNear is adjArc with each node's arcs ordered by the hop distance
	// of their head from the core (nearest first), for augmentDFS. Its
	// positions, slots, number the arcs again so that a node's arcs are
	// side by side: the warm start (warm.go) keeps residuals by slot, and
	// slotHead, slotRev (the slot of the reverse arc) and arcSlot (the slot
	// of each arc) are read without going through adjNear.
	adjNear  []int32
	slotHead []int32
	slotRev  []int32
	arcSlot  []int32

	// Element tables, indexed like the atlas's slices.
	segEdge     []int32    // edge of each segment, -1 if not in the graph (planned, or inside one country)
	segUsed     []bool     // segment of an evaluated cable (in service, or planned with Planned)
	segLP       [][2]int32 // landing points at each end, -1 for a branching unit
	segCab      []int32    // cable of each segment
	cableUsed   []bool
	lpCountry   []int32
	lpEdges     [][]int32 // segment edges ending at each landing point
	linkEdge    []int32
	countryLPs  [][]int32
	countryCabs [][]int32 // evaluated cables landing in each country
	// cableCountries lists, per cable, each country it lands in and the
	// cable's index in that country's countryCabs.
	cableCountries [][][2]int32
	cableLPs       [][]int32 // landing points of each cable

	// Baseline: every country's max-flow to the core with nothing failed,
	// and the edges that flow uses (a bitset per country).
	baseFlow  []int64
	baseReach []bool
	baseUse   [][]uint64
	basePaths []flowPaths // the baseline flow of each country as paths (warm.go)
	// baseSide lists, per country, the other countries on the side of its
	// minimum cut with nothing failed that holds it and as few nodes as can
	// be (share.go).
	baseSide [][]int32

	// Regions (region.go): each country's region bits, each cable's own
	// graph, and the intact circuits per country × region.
	regions       []WorldRegion
	regMask       []uint64
	cabNodeLP     [][]int32    // per cable: landing point of each local node, -1 for a branching unit
	cabSegEnds    [][][2]int32 // per cable: local nodes at the ends of each of its segments
	cabOffset     []int        // start of each country's slots in circuitScratch.reach
	cabNodeAt     [][]int      // per cable: each local node's slot in circuitScratch.reach, -1 for none
	cabCap        []int64      // per cable, Mbit/s
	hops          [][]hop      // per country
	hopVia        [][]int32    // per country: the neighbours its hops can carry circuits through
	circHops      []circHop    // the hops that can carry circuits (want ≠ 0), by country
	circHopStart  []int32      // per country: its first in circHops; one more for the end
	cabCircHops   [][]int32    // per cable: its hops in circHops
	baseReachMask []uint64
	baseDirect    []int64 // per country × region
	baseCircuits  []int64 // per country × region
	baseRegReach  []bool  // per country × region

	// standing is the state of the faults already standing before a
	// scenario's events (standing.go), nil for none: every baseline above
	// is computed with it.
	standing *state
	// Where direct circuits end (exit.go, directHubs), per slot of
	// circuitScratch.reach: the country's local nodes on the cable, the
	// regions whose circuits end at a hub, and where those hubs start in
	// hubList (one a region, in the order of the regions' bits).
	slotNodes [][]int32
	hubMask   []uint64
	hubAt     []int32
	hubList   []hubEnd
}

// NewGraph compiles the atlas.
//
// Errors: ENOTFOUND naming a hub country that is not in the atlas, with the
// closest names; EINVALID for a negative border capacity.
func NewGraph(a *atlas.Atlas, opt Options) (*Graph, error) {
	core := opt.Core
	if len(core) == 0 {
		core = DefaultCore
	}
	if opt.BorderGbps < 0 || math.IsNaN(opt.BorderGbps) || math.IsInf(opt.BorderGbps, 0) {
		return nil, lifeline.Errorf(lifeline.EINVALID, "impact.NewGraph", "border capacity: want a capacity in Gbit/s, 0 or more, found %v", opt.BorderGbps)
	}
	g := &Graph{atlas: a, planned: opt.Planned, nCountry: len(a.Countries)}
	g.isHub = make([]bool, g.nCountry)
	countryIdx := make(map[string]int32, len(a.Countries))
	for i, c := range a.Countries {
		countryIdx[c.Code] = int32(i)
	}
	for _, q := range core {
		c, err := a.FindCountry(q)
		if err != nil {
			return nil, lifeline.Errorf(lifeline.ENOTFOUND, "impact.NewGraph", "core: %v", err)
		}
		g.isHub[countryIdx[c.Code]] = true
	}

	lpIdx := make(map[string]int32, len(a.LandingPoints))
	g.lpCountry = make([]int32, len(a.LandingPoints))
	g.countryLPs = make([][]int32, g.nCountry)
	for i, lp := range a.LandingPoints {
		lpIdx[lp.ID] = int32(i)
		c := countryIdx[lp.Country]
		g.lpCountry[i] = c
		g.countryLPs[c] = append(g.countryLPs[c], int32(i))
	}

	// Branching units get node numbers after the countries.
	buIdx := map[string]int32{}
	node := func(id string) (n, lp int32) {
		if atlas.IsBranchingUnit(id) {
			b, ok := buIdx[id]
			if !ok {
				b = int32(g.nCountry + len(g.buName))
				buIdx[id] = b
				g.buName = append(g.buName, id)
			}
			return b, -1
		}
		l := lpIdx[id]
		return g.lpCountry[l], l
	}
	addEdge := func(u, v int32, cp int64, kind uint8, elem, lpu, lpv int32) int32 {
		e := int32(len(g.eU))
		g.eU, g.eV, g.eCap = append(g.eU, u), append(g.eV, v), append(g.eCap, cp)
		g.eKind, g.eElem = append(g.eKind, kind), append(g.eElem, elem)
		g.eLPU, g.eLP = append(g.eLPU, lpu), append(g.eLP, lpv)
		return e
	}

	g.cableUsed = make([]bool, len(a.Cables))
	g.cableLPs = make([][]int32, len(a.Cables))
	g.countryCabs = make([][]int32, g.nCountry)
	g.segEdge = make([]int32, len(a.Segments))
	g.segUsed = make([]bool, len(a.Segments))
	g.segLP = make([][2]int32, len(a.Segments))
	g.segCab = make([]int32, len(a.Segments))
	g.lpEdges = make([][]int32, len(a.LandingPoints))
	for i := range g.segEdge {
		g.segEdge[i] = -1
	}
	for ci := range a.Cables {
		c := &a.Cables[ci]
		for _, id := range c.LandingPoints {
			g.cableLPs[ci] = append(g.cableLPs[ci], lpIdx[id])
		}
		for _, si := range c.Segments {
			g.segCab[si] = int32(ci)
		}
		if c.Planned && !opt.Planned {
			continue
		}
		g.cableUsed[ci] = true
		seen := map[int32]bool{}
		for _, l := range g.cableLPs[ci] {
			if cc := g.lpCountry[l]; !seen[cc] {
				seen[cc] = true
				g.countryCabs[cc] = append(g.countryCabs[cc], int32(ci))
			}
		}
		cp := capMbps(c.Capacity.Gbps)
		for _, si := range c.Segments {
			s := &a.Segments[si]
			g.segUsed[si] = true
			u, lu := node(s.From)
			v, lv := node(s.To)
			g.segLP[si] = [2]int32{lu, lv}
			if u == v {
				continue // within one country, or a loop at sea: carries nothing between nodes
			}
			e := addEdge(u, v, cp, kindSegment, int32(si), lu, lv)
			g.segEdge[si] = e
			if lu >= 0 {
				g.lpEdges[lu] = append(g.lpEdges[lu], e)
			}
			if lv >= 0 && lv != lu {
				g.lpEdges[lv] = append(g.lpEdges[lv], e)
			}
		}
	}
	g.cableCountries = make([][][2]int32, len(a.Cables))
	for c, cabs := range g.countryCabs {
		for k, cb := range cabs {
			g.cableCountries[cb] = append(g.cableCountries[cb], [2]int32{int32(c), int32(k)})
		}
	}
	g.linkEdge = make([]int32, len(a.Links))
	for i, l := range a.Links {
		gbps := l.Capacity.Gbps
		if opt.BorderGbps > 0 && l.Capacity.Confidence == atlas.Assumed && l.Capacity.Rule == atlas.BorderDefaultRule {
			gbps = opt.BorderGbps
		}
		g.linkEdge[i] = addEdge(countryIdx[l.A], countryIdx[l.B], capMbps(gbps), kindLink, int32(i), -1, -1)
	}
	g.core = int32(g.nCountry + len(g.buName))
	g.nNode = int(g.core) + 1
	for c := range g.nCountry {
		if g.isHub[c] {
			addEdge(int32(c), g.core, inf, kindCore, int32(c), -1, -1)
		}
	}

	// Merge parallel edges into pairs, numbered in order of first edge.
	pairIdx := map[[2]int32]int32{}
	g.ePair = make([]int32, len(g.eU))
	for e := range g.eU {
		k := [2]int32{min(g.eU[e], g.eV[e]), max(g.eU[e], g.eV[e])}
		p, ok := pairIdx[k]
		if !ok {
			p = int32(len(g.pU))
			pairIdx[k] = p
			g.pU, g.pV = append(g.pU, k[0]), append(g.pV, k[1])
		}
		g.ePair[e] = p
	}

	g.pairStart = make([]int32, len(g.pU)+1)
	for e := range g.eU {
		g.pairStart[g.ePair[e]+1]++
	}
	for p := 1; p <= len(g.pU); p++ {
		g.pairStart[p] += g.pairStart[p-1]
	}
	g.pairEdges = make([]int32, len(g.eU))
	at := slices.Clone(g.pairStart[:len(g.pU)])
	for e := range g.eU {
		p := g.ePair[e]
		g.pairEdges[at[p]] = int32(e)
		at[p]++
	}

	// CSR adjacency, arcs in pair order so that every run is deterministic.
	deg := make([]int32, g.nNode+1)
	for p := range g.pU {
		deg[g.pU[p]+1]++
		deg[g.pV[p]+1]++
	}
	for n := 1; n <= g.nNode; n++ {
		deg[n] += deg[n-1]
	}
	g.adjStart = slices.Clone(deg)
	g.adjArc = make([]int32, 2*len(g.pU))
	g.arcHead = make([]int32, 2*len(g.pU))
	fill := slices.Clone(deg[:g.nNode])
	for p := range g.pU {
		u, v := g.pU[p], g.pV[p]
		g.arcHead[2*p], g.arcHead[2*p+1] = v, u
		g.adjArc[fill[u]] = int32(2 * p)
		fill[u]++
		g.adjArc[fill[v]] = int32(2*p + 1)
		fill[v]++
	}

	g.orderNear()
	if err := g.compileRegions(opt.Regions); err != nil {
		return nil, err
	}
	g.baseline()
	g.baselineCircuits()
	return g, nil
}

// orderNear fills adjNear: a search from the core gives every node its hop
// distance, and each node's arcs are sorted by it (stably, so runs are
// deterministic).
func (g *Graph) orderNear() {
	dist := make([]int32, g.nNode)
	for i := range dist {
		dist[i] = math.MaxInt32
	}
	dist[g.core] = 0
	q := []int32{g.core}
	for i := 0; i < len(q); i++ {
		u := q[i]
		for _, a := range g.adjArc[g.adjStart[u]:g.adjStart[u+1]] {
			if v := g.arcHead[a]; dist[v] == math.MaxInt32 {
				dist[v] = dist[u] + 1
				q = append(q, v)
			}
		}
	}
	pairCap := make([]int64, len(g.pU))
	for e, p := range g.ePair {
		pairCap[p] += g.eCap[e]
	}
	g.adjNear = slices.Clone(g.adjArc)
	for n := range g.nNode {
		slices.SortStableFunc(g.adjNear[g.adjStart[n]:g.adjStart[n+1]], func(a, b int32) int {
			return cmp.Or(cmp.Compare(dist[g.arcHead[a]], dist[g.arcHead[b]]), cmp.Compare(pairCap[b/2], pairCap[a/2]))
		})
	}
	g.arcSlot = make([]int32, len(g.adjNear))
	g.slotHead = make([]int32, len(g.adjNear))
	g.slotRev = make([]int32, len(g.adjNear))
	for i, a := range g.adjNear {
		g.arcSlot[a] = int32(i)
		g.slotHead[i] = g.arcHead[a]
	}
	for i, a := range g.adjNear {
		g.slotRev[i] = g.arcSlot[a^1]
	}
}

// capMbps turns a capacity in Gbit/s into whole Mbit/s, so that flows are
// exact integers and every implementation agrees to the bit.
func capMbps(gbps float64) int64 {
	if gbps <= 0 || math.IsNaN(gbps) {
		return 0
	}
	return int64(math.Round(gbps * 1000))
}

// baseline computes every country's reachability and max-flow to the core
// with nothing failed but the standing faults.
func (g *Graph) baseline() {
	w := g.newWorkspace()
	st := g.beforeState()
	w.load(g, st)
	w.reach(g)
	g.baseReach = slices.Clone(w.reached[:g.nCountry])
	for c := range g.nCountry {
		if st.down[c] || st.withdrawn[c] {
			g.baseReach[c] = false // cut off already, by a standing fault
		}
	}
	g.baseFlow = make([]int64, g.nCountry)
	g.baseUse = make([][]uint64, g.nCountry)
	g.basePaths = make([]flowPaths, g.nCountry)
	g.baseSide = make([][]int32, g.nCountry)
	words := (len(g.eU) + 63) / 64
	for c := range g.nCountry {
		if g.isHub[c] || !g.baseReach[c] {
			continue
		}
		g.baseFlow[c] = w.maxFlow(g, int32(c), g.core, 0)
		// The max-flow's last search failed: it labelled the side.
		for d, l := range w.level[:g.nCountry] {
			if l >= 0 && d != c {
				g.baseSide[c] = append(g.baseSide[c], int32(d))
			}
		}
		use := make([]uint64, words)
		for e := range g.eU {
			if p := g.ePair[e]; w.res[2*p] != w.cap[2*p] {
				use[e/64] |= 1 << (e % 64)
			}
		}
		g.baseUse[c] = use
		g.basePaths[c] = w.decompose(g, int32(c), g.core)
	}
}

// Atlas returns the atlas the graph was compiled from.
func (g *Graph) Atlas() *atlas.Atlas { return g.atlas }

// Core returns the hub countries, sorted.
func (g *Graph) Core() []string {
	var out []string
	for c, h := range g.isHub {
		if h {
			out = append(out, g.atlas.Countries[c].Code)
		}
	}
	return out
}

// Nodes and Edges count the compiled graph, for people and benchmarks.
func (g *Graph) Nodes() int { return g.nNode }

// Edges returns the number of edges of the compiled graph.
func (g *Graph) Edges() int { return len(g.eU) }

// nodeName names a node for messages.
func (g *Graph) nodeName(n int32) string {
	switch {
	case int(n) < g.nCountry:
		return g.atlas.Countries[n].Code
	case n == g.core:
		return "core"
	default:
		return g.buName[int(n)-g.nCountry]
	}
}

func joinCodes(codes []string) string { return strings.Join(codes, ", ") }
