package impact

import (
	"math"
	"slices"
	"strings"

	"lifeline"
	"lifeline/atlas"
	"lifeline/geo"
)

// plan is a scenario applied to a graph: the failures that are certain, and
// groups of segments that fail together with a probability, each drawn
// independently per sample.
type plan struct {
	fixed  *state
	groups []group

	// Filled in by prepare: what the certain failures do to cables.
	fixedCab        []bool          // per cable: a segment fails in every sample
	standCab        []bool          // per cable: a segment had failed before the events (standing.go)
	stationsDown    [][]bool        // per country, parallel to Graph.countryCabs: all its stations there are down
	fixedCabsFailed []int32         // per country: its cables failed by the certain failures, or with all its stations down
	reach           *reachPlan      // fast reachability (reachfast.go)
	fixedLoad       *loaded         // the workspace load of the certain failures
	circBase        []int64         // circuits before per country × region (circuitBase)
	likely          []flowPaths     // per country: max-flow paths of the likely outcome (likelyPaths)
	places          []placePlan     // the named places the scenario asks about (place.go)
	likelyCut       [][]int32       // per country: a minimum cut of the likely outcome
	likelyCS        *circuitScratch // the circuits of the likely outcome (likelyState)
	riskFirst       bool            // likelyPaths finds flows first without the arcs samples may lose (riskStages)
}

// group is a set of segments that fail together with probability p.
type group struct {
	p      float64
	segs   []int32
	cables []int32 // the distinct cables of segs
}

// prepare precomputes what the plan's certain failures do to cables.
func (g *Graph) prepare(p *plan) {
	p.fixedCab = make([]bool, len(g.atlas.Cables))
	for s, f := range p.fixed.seg {
		if f && g.segUsed[s] {
			p.fixedCab[g.segCab[s]] = true
		}
	}
	p.stationsDown = make([][]bool, g.nCountry)
	for c := range g.nCountry {
		p.stationsDown[c] = make([]bool, len(g.countryCabs[c]))
		for k, cb := range g.countryCabs[c] {
			p.stationsDown[c][k] = g.allDownIn(p.fixed, int(cb), int32(c))
		}
	}
	// A cable already down before the events (standing.go) is not counted
	// among those they fail.
	p.standCab = make([]bool, len(g.atlas.Cables))
	if g.standing != nil {
		for s, f := range g.standing.seg {
			if f && g.segUsed[s] {
				p.standCab[g.segCab[s]] = true
			}
		}
	}
	p.fixedCabsFailed = make([]int32, g.nCountry)
	for c := range g.nCountry {
		for k, cb := range g.countryCabs[c] {
			before := p.standCab[cb] || g.standing != nil && g.allDownIn(g.standing, int(cb), int32(c))
			if (p.fixedCab[cb] || p.stationsDown[c][k]) && !before {
				p.fixedCabsFailed[c]++
			}
		}
	}
	w := g.newWorkspace()
	w.load(g, p.fixed)
	p.fixedLoad = w.snapshot()
	if len(p.groups) > 0 {
		p.reach = g.newReachPlan(p, p.fixedLoad)
	}
	for i := range p.groups {
		gr := &p.groups[i]
		gr.cables = gr.cables[:0]
		for _, s := range gr.segs {
			if cb := g.segCab[s]; g.segUsed[s] && !slices.Contains(gr.cables, cb) {
				gr.cables = append(gr.cables, cb)
			}
		}
	}
}

// probabilistic reports whether samples of the plan can differ.
func (p *plan) probabilistic() bool { return len(p.groups) > 0 }

// maxCutKm is how far from a cable a cut's place may be.
const maxCutKm = 500

// Earthquake model; docs/scenarios.md gives the relation and its grounds.
// A segment at distance d km from the epicentre fails with probability
// exp(−d/R) with R = 10^(0.5·M − 1.5) km; segments farther than
// quakeCutoff·R (p < 2·10⁻⁹) are left out.
const quakeCutoff = 20

// QuakeRadiusKm is the e-folding distance R of the earthquake model for a
// moment magnitude.
func QuakeRadiusKm(magnitude float64) float64 { return math.Pow(10, 0.5*magnitude-1.5) }

// compile applies a scenario to the graph.
//
// Errors: ENOTFOUND naming the event and listing the closest names for an
// unknown cable, landing point or country; EINVALID for a cut too far from
// its cable.
//
// The plan starts from the graph's standing faults (withStanding), which
// hold in every sample.
func (g *Graph) compile(sc *Scenario) (*plan, error) {
	p := &plan{fixed: g.beforeState()}
	if err := g.compileEvents(sc, sc.Events, false, p); err != nil {
		return nil, err
	}
	g.failGateways(p.fixed)
	return p, nil
}

// compileStanding applies the scenario's standing faults to a state of
// their own: the network before the events.
//
// Errors: those of compile, naming the standing fault.
func (g *Graph) compileStanding(sc *Scenario) (*state, error) {
	p := &plan{fixed: g.newState()}
	if err := g.compileEvents(sc, sc.Standing, true, p); err != nil {
		return nil, err
	}
	if len(p.groups) > 0 { // Validate refuses the events of chance
		return nil, lifeline.Errorf(lifeline.EINTERNAL, "impact.Simulate", "%s: a standing fault was drawn by chance", sc.Name)
	}
	g.failGateways(p.fixed)
	return p.fixed, nil
}

// compileEvents applies a list of events, the scenario's or its standing
// faults, to the plan.
func (g *Graph) compileEvents(sc *Scenario, events []Event, standing bool, p *plan) error {
	const op = "impact.Simulate"
	a := g.atlas
	fail := func(i int, e *Event, err error) error {
		code := lifeline.ErrorCode(err)
		if standing {
			return lifeline.Errork(code, op, "err.scenario.standing.event", "%s: standing fault %d (%s): %s", sc.Name, i+1, e.Type(), phraseOf(err))
		}
		return lifeline.Errork(code, op, "err.scenario.event", "%s: event %d (%s): %s", sc.Name, i+1, e.Type(), phraseOf(err))
	}
	for i := range events {
		e := &events[i]
		switch {
		case e.CutCables != nil:
			for _, q := range e.CutCables {
				c, err := a.FindCable(q)
				if err != nil {
					return fail(i, e, err)
				}
				for _, s := range c.Segments {
					p.fixed.seg[s] = true
				}
			}
		case e.Cut != nil:
			c, err := a.FindCable(e.Cut.Cable)
			if err != nil {
				return fail(i, e, err)
			}
			at := geo.Point{Lon: e.Cut.At[0], Lat: e.Cut.At[1]}
			best, bs := math.Inf(1), -1
			for _, s := range c.Segments {
				if d := pathDistanceKm(at, a.Segments[s].Path); d < best {
					best, bs = d, s
				}
			}
			if bs < 0 || best > maxCutKm {
				return fail(i, e, lifeline.Errork(lifeline.EINVALID, op, "err.scenario.cut.far",
					"at: [%v, %v] is %.0f km from cable %s; want a place within %d km of its route", at.Lon, at.Lat, best, c.ID, maxCutKm))
			}
			p.fixed.seg[bs] = true
		case e.Region != nil:
			ar := newArea(e.Region)
			for s := range a.Segments {
				if g.segUsed[s] && ar.crosses(a.Segments[s].Path) {
					p.fixed.seg[s] = true
				}
			}
			for l, lp := range a.LandingPoints {
				if ar.contains(geo.Point{Lon: lp.Lon, Lat: lp.Lat}) {
					p.fixed.lp[l] = true
				}
			}
			touched := ar.countries()
			for k, ln := range a.Links {
				if touched[ln.A] && touched[ln.B] {
					p.fixed.link[k] = true
				}
			}
		case e.LandingPoints != nil:
			for _, q := range e.LandingPoints {
				lp, err := a.FindLandingPoint(q)
				if err != nil {
					return fail(i, e, err)
				}
				p.fixed.lp[g.lpIndex(lp.ID)] = true
			}
		case e.Links != nil:
			for _, q := range e.Links {
				k := g.linkIndex(q)
				if k < 0 {
					ids := make([]string, len(a.Links))
					for i := range a.Links {
						ids[i] = a.Links[i].ID
					}
					var closest lifeline.Phrase
					if cl := atlas.Closest(q, ids, 5); len(cl) > 0 {
						closest = lifeline.P("err.scenario.closest", "; closest: %s", joinCodes(cl))
					}
					return fail(i, e, lifeline.Errork(lifeline.ENOTFOUND, op, "err.scenario.nolink", "terrestrial link %q not found%s", q, closest))
				}
				p.fixed.link[k] = true
			}
		case e.Shutdown != nil:
			c, err := a.FindCountry(e.Shutdown.Country)
			if err != nil {
				return fail(i, e, err)
			}
			if e.Shutdown.KeepsTransit() {
				p.fixed.withdrawn[g.countryIndex(c.Code)] = true
			} else {
				p.fixed.down[g.countryIndex(c.Code)] = true
			}
		case e.Isolation != nil:
			c, err := a.FindCountry(e.Isolation.Country)
			if err != nil {
				return fail(i, e, err)
			}
			p.fixed.down[g.countryIndex(c.Code)] = true
		case e.Gateways != nil:
			for _, q := range e.Gateways {
				c, err := a.FindCountry(q)
				if err != nil {
					return fail(i, e, err)
				}
				if !slices.ContainsFunc(a.Gateways, func(gw atlas.Gateway) bool { return gw.Country == c.Code }) {
					return fail(i, e, lifeline.Errork(lifeline.ENOTFOUND, op, "err.scenario.nogateway",
						"%s (%s) has no national gateway in this atlas for its year; the countries with one: %s", c.Name, c.Code, gatewayCountries(a)))
				}
				p.fixed.withdrawn[g.countryIndex(c.Code)] = true
			}
		case e.SolarStorm != nil:
			for ci := range a.Cables {
				if !g.cableUsed[ci] {
					continue
				}
				pd := SolarCableFailure(&a.Cables[ci], a, e.SolarStorm)
				p.addGroup(pd, a.Cables[ci].Segments)
			}
		case e.Earthquake != nil:
			at := geo.Point{Lon: e.Earthquake.Center[0], Lat: e.Earthquake.Center[1]}
			r := QuakeRadiusKm(e.Earthquake.Magnitude)
			for s := range a.Segments {
				if !g.segUsed[s] {
					continue
				}
				d := pathDistanceKm(at, a.Segments[s].Path)
				if d > quakeCutoff*r {
					continue
				}
				p.addGroup(math.Exp(-d/r), []int{s})
			}
		case e.ASes != nil:
			// Networks fail at the AS level only (SimulateAS): the atlas
			// does not say which networks run over which cables.
		case e.PowerOutage != nil:
			if e.PowerOutage.DurationHours <= e.PowerOutage.BackupHours {
				continue // the backup outlasts the outage
			}
			ar := newArea(e.PowerOutage.Region)
			for l, lp := range a.LandingPoints {
				if ar.contains(geo.Point{Lon: lp.Lon, Lat: lp.Lat}) {
					p.fixed.lp[l] = true
				}
			}
		}
	}
	return nil
}

// failGateways withdraws the networks of every country whose national
// gateway stands at a failed landing point: its international traffic
// passed there (atlas gateways.csv), while its cables and borders keep
// carrying other countries' traffic.
func (g *Graph) failGateways(st *state) {
	for _, gw := range g.atlas.Gateways {
		for _, id := range gw.Sites {
			if l := g.lpIndex(id); l >= 0 && st.lp[l] {
				st.withdrawn[g.countryIndex(gw.Country)] = true
			}
		}
	}
}

// gatewayCountries lists the countries with a national gateway, for
// messages.
func gatewayCountries(a *atlas.Atlas) string {
	if len(a.Gateways) == 0 {
		return "none"
	}
	var cs []string
	for _, gw := range a.Gateways {
		cs = append(cs, gw.Country)
	}
	return strings.Join(cs, ", ")
}

// addGroup records segments failing together with probability pr: certain
// failures go to the fixed state, impossible ones are dropped.
func (p *plan) addGroup(pr float64, segs []int) {
	switch {
	case pr <= 0:
		return
	case pr >= 1:
		for _, s := range segs {
			p.fixed.seg[s] = true
		}
		return
	}
	gr := group{p: pr, segs: make([]int32, len(segs))}
	for i, s := range segs {
		gr.segs[i] = int32(s)
	}
	p.groups = append(p.groups, gr)
}

// SolarCableFailure is the probability that a solar superstorm kills the
// cable: it has ⌊length/spacing⌋ repeaters, each failing independently
// with the probability of the cable's latitude band, taken from its
// landing point farthest from the equator (|lat| ≥ 60°: P[0], 40–60°:
// P[1], below 40°: P[2]); one failed repeater kills the cable.
func SolarCableFailure(c *atlas.Cable, a *atlas.Atlas, s *SolarStorm) float64 {
	var maxLat float64
	for _, id := range c.LandingPoints {
		if lp, ok := a.LandingPoint(id); ok {
			maxLat = math.Max(maxLat, math.Abs(lp.Lat))
		}
	}
	pr := s.P[2]
	switch {
	case maxLat >= 60:
		pr = s.P[0]
	case maxLat >= 40:
		pr = s.P[1]
	}
	n := math.Floor(c.LengthKm / s.SpacingKm)
	if n <= 0 || pr <= 0 {
		return 0
	}
	if pr >= 1 {
		return 1
	}
	return 1 - math.Pow(1-pr, n)
}

func (g *Graph) lpIndex(id string) int {
	for i := range g.atlas.LandingPoints {
		if g.atlas.LandingPoints[i].ID == id {
			return i
		}
	}
	return -1
}

// linkIndex finds a terrestrial link by id, in either order of its
// countries and in any case; -1 if there is none.
func (g *Graph) linkIndex(id string) int {
	x, y, _ := strings.Cut(strings.ToUpper(strings.TrimSpace(id)), "-")
	for i, l := range g.atlas.Links {
		if (l.A == x && l.B == y) || (l.A == y && l.B == x) {
			return i
		}
	}
	return -1
}

func (g *Graph) countryIndex(code string) int {
	for i := range g.atlas.Countries {
		if g.atlas.Countries[i].Code == code {
			return i
		}
	}
	return -1
}

// area is a region's shape, ready for tests.
type area struct {
	ring   []geo.Point // polygon, or nil for a circle
	center geo.Point
	radius float64
}

func newArea(r *Region) *area {
	if r.Circle != nil {
		return &area{center: geo.Point{Lon: r.Circle.Center[0], Lat: r.Circle.Center[1]}, radius: r.Circle.RadiusKm}
	}
	ring := make([]geo.Point, len(r.Polygon))
	for i, p := range r.Polygon {
		ring[i] = geo.Point{Lon: p[0], Lat: p[1]}
	}
	return &area{ring: ring}
}

func (ar *area) contains(p geo.Point) bool {
	if ar.ring == nil {
		return geo.DistanceKm(ar.center, p) <= ar.radius
	}
	return geo.PointInRing(p, ar.ring)
}

// crosses reports whether a segment's path enters the area: a vertex
// inside it, or (for a polygon) an edge crossing its boundary, or (for a
// circle) an edge passing within the radius.
func (ar *area) crosses(path [][2]float64) bool {
	if len(path) == 0 {
		return false
	}
	if ar.ring == nil {
		return pathDistanceKm(ar.center, path) <= ar.radius
	}
	for i, q := range path {
		p := geo.Point{Lon: q[0], Lat: q[1]}
		if geo.PointInRing(p, ar.ring) {
			return true
		}
		if i == 0 {
			continue
		}
		a := geo.Point{Lon: path[i-1][0], Lat: path[i-1][1]}
		if math.Abs(p.Lon-a.Lon) > 180 {
			continue // an edge across the antimeridian; its ends were tested
		}
		for j := range ar.ring {
			k := (j + 1) % len(ar.ring)
			if segmentsIntersect(a, p, ar.ring[j], ar.ring[k]) {
				return true
			}
		}
	}
	return false
}

// countries returns the countries whose land the area covers in part: a
// country containing a sample point of the area (its vertices or centre
// and a grid over it), or whose representative point lies inside it. A
// border link fails when the area covers land of both its countries.
func (ar *area) countries() map[string]bool {
	var pts []geo.Point
	minLon, minLat, maxLon, maxLat := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	if ar.ring != nil {
		pts = append(pts, ar.ring...)
		for _, p := range ar.ring {
			minLon, maxLon = math.Min(minLon, p.Lon), math.Max(maxLon, p.Lon)
			minLat, maxLat = math.Min(minLat, p.Lat), math.Max(maxLat, p.Lat)
		}
	} else {
		pts = append(pts, ar.center)
		dLat := ar.radius / (geo.EarthRadiusKm * math.Pi / 180)
		dLon := dLat / math.Max(0.05, math.Cos(ar.center.Lat*math.Pi/180))
		minLat, maxLat = math.Max(-90, ar.center.Lat-dLat), math.Min(90, ar.center.Lat+dLat)
		minLon, maxLon = math.Max(-180, ar.center.Lon-dLon), math.Min(180, ar.center.Lon+dLon)
	}
	const grid = 24
	for i := 0; i <= grid; i++ {
		for j := 0; j <= grid; j++ {
			p := geo.Point{Lon: minLon + (maxLon-minLon)*float64(i)/grid, Lat: minLat + (maxLat-minLat)*float64(j)/grid}
			if ar.contains(p) {
				pts = append(pts, p)
			}
		}
	}
	out := map[string]bool{}
	for _, c := range geo.Countries() {
		if ar.contains(c.Centroid) {
			out[c.Code] = true
			continue
		}
		for _, p := range pts {
			if geo.Contains(c.Code, p) {
				out[c.Code] = true
				break
			}
		}
	}
	return out
}

// segmentsIntersect reports whether segments ab and cd cross on the
// longitude/latitude plane.
func segmentsIntersect(a, b, c, d geo.Point) bool {
	o := func(p, q, r geo.Point) float64 {
		return (q.Lon-p.Lon)*(r.Lat-p.Lat) - (q.Lat-p.Lat)*(r.Lon-p.Lon)
	}
	d1, d2 := o(c, d, a), o(c, d, b)
	d3, d4 := o(a, b, c), o(a, b, d)
	return ((d1 > 0) != (d2 > 0)) && ((d3 > 0) != (d4 > 0)) && d1 != 0 && d2 != 0 && d3 != 0 && d4 != 0
}

// pathDistanceKm is the distance from p to the nearest point of a path.
// Each edge is measured on a plane tangent at p (an equirectangular
// projection centred on p, longitudes wrapped), then the nearest point is
// measured on the sphere: exact near p, within about 1% to several hundred
// kilometres, which is where the distance matters.
func pathDistanceKm(p geo.Point, path [][2]float64) float64 {
	if len(path) == 0 {
		return math.Inf(1)
	}
	kx := math.Cos(p.Lat * math.Pi / 180)
	xy := func(q [2]float64) (float64, float64) {
		return wrapLon(q[0]-p.Lon) * kx, q[1] - p.Lat
	}
	best := math.Inf(1)
	var bestPt geo.Point
	ax, ay := xy(path[0])
	if len(path) == 1 {
		return geo.DistanceKm(p, geo.Point{Lon: path[0][0], Lat: path[0][1]})
	}
	for i := 1; i < len(path); i++ {
		bx, by := xy(path[i])
		dx, dy := bx-ax, by-ay
		t := 0.0
		if l2 := dx*dx + dy*dy; l2 > 0 && math.Abs(dx) < 180*kx+1e-9 {
			t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
		}
		x, y := ax+t*dx, ay+t*dy
		if d2 := x*x + y*y; d2 < best {
			best = d2
			a, b := path[i-1], path[i]
			bestPt = geo.Point{Lon: a[0] + t*wrapLon(b[0]-a[0]), Lat: a[1] + t*(b[1]-a[1])}
		}
		ax, ay = bx, by
	}
	bestPt.Lon = wrapLon(bestPt.Lon)
	return geo.DistanceKm(p, bestPt)
}

// wrapLon brings a longitude or a difference of longitudes into [-180, 180).
func wrapLon(d float64) float64 {
	if d >= 180 || d < -180 {
		d = math.Mod(d+180, 360)
		if d < 0 {
			d += 360
		}
		d -= 180
	}
	return d
}
