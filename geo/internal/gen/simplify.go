package main

import "math"

// simplifyArc applies Douglas–Peucker to one arc, keeping both ends. Arcs are
// simplified once and shared by both neighbours, so borders stay identical on
// each side. A closed arc (an island drawn as one arc) is split at the point
// farthest from its start so that both halves have distinct ends.
func simplifyArc(a []pt, tol float64) []pt {
	if len(a) <= 2 {
		return a
	}
	first, last := a[0], a[len(a)-1]
	if first == last {
		far, best := 0, -1.0
		for i, p := range a {
			if d := hypot(p.x-first.x, p.y-first.y); d > best {
				far, best = i, d
			}
		}
		if far == 0 {
			return a
		}
		left := douglasPeucker(a[:far+1], tol)
		right := douglasPeucker(a[far:], tol)
		return append(left[:len(left):len(left)], right[1:]...)
	}
	return douglasPeucker(a, tol)
}

// douglasPeucker keeps the points of a that lie farther than tol (degrees)
// from the chord of their enclosing kept points.
func douglasPeucker(a []pt, tol float64) []pt {
	keep := make([]bool, len(a))
	keep[0], keep[len(a)-1] = true, true
	type span struct{ i, j int }
	stack := []span{{0, len(a) - 1}}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		far, best := -1, tol
		for k := s.i + 1; k < s.j; k++ {
			if d := segDist(a[k], a[s.i], a[s.j]); d > best {
				far, best = k, d
			}
		}
		if far >= 0 {
			keep[far] = true
			stack = append(stack, span{s.i, far}, span{far, s.j})
		}
	}
	out := make([]pt, 0, len(a)/4+2)
	for i, k := range keep {
		if k {
			out = append(out, a[i])
		}
	}
	return out
}

// segDist is the planar distance from p to segment ab, in degrees.
func segDist(p, a, b pt) float64 {
	dx, dy := b.x-a.x, b.y-a.y
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return hypot(p.x-a.x, p.y-a.y)
	}
	t := ((p.x-a.x)*dx + (p.y-a.y)*dy) / l2
	t = math.Max(0, math.Min(1, t))
	return hypot(p.x-(a.x+t*dx), p.y-(a.y+t*dy))
}

func hypot(x, y float64) float64 { return math.Sqrt(x*x + y*y) }

// assemble joins arc references into a closed ring.
func assemble(refs []int, arcs [][]pt) []pt {
	var out []pt
	for _, r := range refs {
		a := arcs[arcIndex(r)]
		if r < 0 {
			rev := make([]pt, len(a))
			for i := range a {
				rev[i] = a[len(a)-1-i]
			}
			a = rev
		}
		if len(out) > 0 {
			a = a[1:]
		}
		out = append(out, a...)
	}
	return out
}

func arcIndex(r int) int {
	if r < 0 {
		return ^r
	}
	return r
}

// distinct counts the distinct positions of a closed ring (ignoring the
// closing repeat).
func distinct(r []pt) int {
	seen := map[pt]bool{}
	for _, p := range r {
		seen[p] = true
	}
	return len(seen)
}

// simplifyRing simplifies a ring on its own, halving the tolerance until at
// least three distinct positions survive, so that no island disappears.
func simplifyRing(raw []pt, tol float64) []pt {
	for ; tol > 1e-7; tol /= 2 {
		if r := simplifyArc(raw, tol); distinct(r) >= 3 {
			return r
		}
	}
	return raw
}

// ringArea is the planar signed area of a closed ring in square degrees.
func ringArea(r []pt) float64 {
	var s float64
	for i := 1; i < len(r); i++ {
		s += r[i-1].x*r[i].y - r[i].x*r[i-1].y
	}
	return s / 2
}
