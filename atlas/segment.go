package atlas

import (
	"fmt"
	"math"

	"lifeline/geo"
)

// routeGraph is one cable's drawn route as a graph: vertices are the route's
// distinct points, edges join consecutive points.
type routeGraph struct {
	pts  [][2]float64
	adj  [][]int32 // neighbour vertex indexes
	key  map[[2]int64]int32
	lane []int32 // union-find parent, for pieces of the route
}

// quantum is the grid vertices are snapped to: 1e-7 degrees, about 1 cm,
// so that points drawn twice at one place become one vertex.
const quantum = 1e7

func (g *routeGraph) vertex(p [2]float64) int32 {
	lon := p[0]
	if lon == 180 {
		lon = -180 // one node on the antimeridian
	}
	k := [2]int64{int64(math.Round(lon * quantum)), int64(math.Round(p[1] * quantum))}
	if i, ok := g.key[k]; ok {
		return i
	}
	i := int32(len(g.pts))
	g.key[k] = i
	g.pts = append(g.pts, [2]float64{lon, p[1]})
	g.adj = append(g.adj, nil)
	g.lane = append(g.lane, i)
	return i
}

func (g *routeGraph) find(i int32) int32 {
	for g.lane[i] != i {
		g.lane[i] = g.lane[g.lane[i]]
		i = g.lane[i]
	}
	return i
}

func (g *routeGraph) connect(a, b int32) {
	if a == b {
		return
	}
	for _, n := range g.adj[a] {
		if n == b {
			return
		}
	}
	g.adj[a] = append(g.adj[a], b)
	g.adj[b] = append(g.adj[b], a)
	g.lane[g.find(a)] = g.find(b)
}

func (g *routeGraph) dist(a, b int32) float64 {
	return geo.DistanceKm(geo.Point{Lon: g.pts[a][0], Lat: g.pts[a][1]}, geo.Point{Lon: g.pts[b][0], Lat: g.pts[b][1]})
}

// closeGaps joins the pieces of a route into one: repeatedly the shortest
// link from a line end of one piece to any vertex of another, the smallest
// gap first (Kruskal over pieces, with line ends as candidates, since gaps in
// drawn routes are where a line stops short).
func (g *routeGraph) closeGaps() {
	for {
		pieces := map[int32]bool{}
		for i := range g.pts {
			pieces[g.find(int32(i))] = true
		}
		if len(pieces) <= 1 {
			return
		}
		best, ba, bb := math.Inf(1), int32(-1), int32(-1)
		for e := range g.pts {
			e := int32(e)
			if len(g.adj[e]) > 1 {
				continue
			}
			pe := g.find(e)
			for v := range g.pts {
				v := int32(v)
				if g.find(v) == pe {
					continue
				}
				if d := g.dist(e, v); d < best {
					best, ba, bb = d, e, v
				}
			}
		}
		if ba < 0 {
			return
		}
		g.connect(ba, bb)
	}
}

// buildSegments splits a cable into segments and returns them with the
// cable's length along them. legs are stretches the route does not draw
// (legs.csv), between two of the cable's landing points.
func buildSegments(a *Atlas, c *Cable, legs []Leg) ([]Segment, float64) {
	if len(c.LandingPoints) < 2 {
		return nil, routeLength(c.Route) // a planned cable with sites still to be decided
	}
	if len(c.Route) == 0 {
		return chainSegments(a, c, legs)
	}
	g := &routeGraph{key: map[[2]int64]int32{}}
	for _, line := range c.Route {
		var prev int32 = -1
		for _, p := range line {
			v := g.vertex(p)
			if prev >= 0 {
				g.connect(prev, v)
			}
			prev = v
		}
	}
	if len(g.pts) < 2 {
		return chainSegments(a, c, legs)
	}
	g.closeGaps()

	// Attach each landing point to its nearest vertex.
	landing := make(map[int32][]string)
	lpVertex := make([]int32, len(c.LandingPoints))
	for i, id := range c.LandingPoints {
		lp, _ := a.LandingPoint(id)
		p := geo.Point{Lon: lp.Lon, Lat: lp.Lat}
		best, bv := math.Inf(1), int32(0)
		for v := range g.pts {
			if d := geo.DistanceKm(p, geo.Point{Lon: g.pts[v][0], Lat: g.pts[v][1]}); d < best {
				best, bv = d, int32(v)
			}
		}
		lpVertex[i] = bv
		landing[bv] = append(landing[bv], id)
	}
	if len(legs) > 0 {
		lpIndex := make(map[string]int, len(c.LandingPoints))
		for i, id := range c.LandingPoints {
			lpIndex[id] = i
		}
		g.addLegs(legs, lpIndex, lpVertex)
	}

	// Prune stubs: line ends with no landing point, repeatedly.
	degree := make([]int, len(g.pts))
	for v := range g.adj {
		degree[v] = len(g.adj[v])
	}
	removed := make([]bool, len(g.pts))
	var stack []int32
	for v := range g.pts {
		if degree[v] <= 1 && landing[int32(v)] == nil {
			stack = append(stack, int32(v))
		}
	}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if removed[v] {
			continue
		}
		removed[v] = true
		for _, n := range g.adj[v] {
			if removed[n] {
				continue
			}
			degree[n]--
			if degree[n] <= 1 && landing[n] == nil {
				stack = append(stack, n)
			}
		}
	}

	// Name the nodes: landing points, and branching units where the route
	// forks. Landing points that share a vertex are joined by a zero-length
	// segment.
	name := map[int32]string{}
	var extra []Segment
	for i, id := range c.LandingPoints {
		v := lpVertex[i]
		if first, ok := name[v]; ok {
			extra = append(extra, Segment{From: first, To: id, Path: [][2]float64{g.pts[v], g.pts[v]}})
			continue
		}
		name[v] = id
	}
	isNode := func(v int32) bool { return landing[v] != nil || degree[v] >= 3 }

	// Walk the route depth first from the first landing point, emitting each
	// stretch between nodes as a segment, in the order the walk meets it.
	start := lpVertex[0]
	type edge struct{ a, b int32 }
	used := map[edge]bool{}
	bu := 0
	nodeName := func(v int32) string {
		if n, ok := name[v]; ok {
			return n
		}
		name[v] = fmt.Sprintf("bu:%s:%d", c.ID, bu)
		bu++
		return name[v]
	}
	var segs []Segment
	var total float64
	visited := map[int32]bool{}
	var walk func(v int32)
	walk = func(v int32) {
		visited[v] = true
		from := nodeName(v)
		for _, n := range g.adj[v] {
			if removed[n] || used[edge{v, n}] {
				continue
			}
			path := [][2]float64{g.pts[v]}
			length := 0.0
			prev, cur := v, n
			for {
				used[edge{prev, cur}], used[edge{cur, prev}] = true, true
				length += g.dist(prev, cur)
				path = append(path, g.pts[cur])
				if isNode(cur) || cur == v {
					break
				}
				next := int32(-1)
				for _, m := range g.adj[cur] {
					if !removed[m] && m != prev && !used[edge{cur, m}] {
						next = m
						break
					}
				}
				if next < 0 {
					break
				}
				prev, cur = cur, next
			}
			total += length
			to := nodeName(cur)
			if to != from {
				segs = append(segs, Segment{From: from, To: to, LengthKm: length, Path: path})
			}
			if !visited[cur] {
				walk(cur)
			}
		}
	}
	walk(start)
	// Landing points on a piece the walk did not reach (none once gaps are
	// closed) still get their stretch of route.
	for _, v := range lpVertex {
		if !visited[v] {
			walk(v)
		}
	}
	segs = append(segs, extra...)
	for i := range segs {
		segs[i].Cable = c.ID
		segs[i].Index = i
		segs[i].ID = fmt.Sprintf("%s/%d", c.ID, i)
		segs[i].LengthKm = math.Round(segs[i].LengthKm*10) / 10
	}
	return segs, total
}

// chainSegments models a cable without a drawn route as a chain through its
// landing points in the listed order, and its legs after the chain.
func chainSegments(a *Atlas, c *Cable, legs []Leg) ([]Segment, float64) {
	var segs []Segment
	var total float64
	for i := 1; i < len(c.LandingPoints); i++ {
		p, _ := a.LandingPoint(c.LandingPoints[i-1])
		q, _ := a.LandingPoint(c.LandingPoints[i])
		d := geo.DistanceKm(geo.Point{Lon: p.Lon, Lat: p.Lat}, geo.Point{Lon: q.Lon, Lat: q.Lat})
		total += d
		segs = append(segs, Segment{ID: fmt.Sprintf("%s/%d", c.ID, i-1), Cable: c.ID, Index: i - 1,
			From: p.ID, To: q.ID, LengthKm: math.Round(d*10) / 10,
			Path: [][2]float64{{p.Lon, p.Lat}, {q.Lon, q.Lat}}})
	}
	extra, km := legSegments(a, c, legs)
	for _, s := range extra {
		s.Cable, s.Index = c.ID, len(segs)
		s.ID = fmt.Sprintf("%s/%d", c.ID, s.Index)
		s.LengthKm = math.Round(s.LengthKm*10) / 10
		segs = append(segs, s)
	}
	return segs, total + km
}

// routeLength is the length of a drawn route, in km.
func routeLength(route [][][2]float64) float64 {
	var km float64
	for _, line := range route {
		for i := 1; i < len(line); i++ {
			km += geo.DistanceKm(geo.Point{Lon: line[i-1][0], Lat: line[i-1][1]}, geo.Point{Lon: line[i][0], Lat: line[i][1]})
		}
	}
	return km
}
