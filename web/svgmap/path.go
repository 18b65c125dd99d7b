package svgmap

import (
	"math"
	"strconv"
	"strings"
)

// simplify is Douglas–Peucker in pixel space with tolerance tol: every
// vertex it drops lies within tol of the segment that replaces it.
func simplify(pts [][2]float64, tol float64) [][2]float64 {
	return simplifyKeeping(pts, tol, nil)
}

// simplifyKeeping is simplify that never drops the vertices at the indices
// in keep: the line is cut at each of them and each part simplified alone.
func simplifyKeeping(pts [][2]float64, tol float64, keep []int) [][2]float64 {
	if len(pts) < 3 {
		return pts
	}
	kept := make([]bool, len(pts))
	kept[0], kept[len(pts)-1] = true, true
	for _, i := range keep {
		if i >= 0 && i < len(pts) {
			kept[i] = true
		}
	}
	type span struct{ a, b int }
	var stack []span
	a := 0
	for i := 1; i < len(pts); i++ {
		if kept[i] {
			stack = append(stack, span{a, i})
			a = i
		}
	}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		best, bi := -1.0, -1
		for i := s.a + 1; i < s.b; i++ {
			if d := segDist(pts[i], pts[s.a], pts[s.b]); d > best {
				best, bi = d, i
			}
		}
		if bi >= 0 && best > tol {
			kept[bi] = true
			stack = append(stack, span{s.a, bi}, span{bi, s.b})
		}
	}
	out := make([][2]float64, 0, len(pts)/2+2)
	for i, p := range pts {
		if kept[i] {
			out = append(out, p)
		}
	}
	return out
}

// segDist is the distance from p to the segment ab.
func segDist(p, a, b [2]float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return math.Hypot(p[0]-a[0], p[1]-a[1])
	}
	t := ((p[0]-a[0])*dx + (p[1]-a[1])*dy) / l2
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(p[0]-a[0]-t*dx, p[1]-a[1]-t*dy)
}

// chainLines joins polylines end to end wherever one ends within tol of
// where another starts or ends (turning it round if need be), so that a
// route drawn as many pieces becomes as few lines as its branches allow.
// The result holds every vertex of the input; a join adds a connecting
// segment shorter than tol.
func chainLines(lines [][][2]float64, tol float64) [][][2]float64 {
	near := func(a, b [2]float64) bool { return math.Hypot(a[0]-b[0], a[1]-b[1]) <= tol }
	used := make([]bool, len(lines))
	var out [][][2]float64
	for i := range lines {
		if used[i] {
			continue
		}
		used[i] = true
		chain := append([][2]float64(nil), lines[i]...)
		for grown := true; grown; {
			grown = false
			for j := range lines {
				if used[j] || len(lines[j]) == 0 {
					continue
				}
				l := lines[j]
				head, tail := chain[0], chain[len(chain)-1]
				switch {
				case near(tail, l[0]):
					chain = append(chain, l...)
				case near(tail, l[len(l)-1]):
					chain = append(chain, reversed(l)...)
				case near(head, l[len(l)-1]):
					chain = append(append([][2]float64(nil), l...), chain...)
				case near(head, l[0]):
					chain = append(reversed(l), chain...)
				default:
					continue
				}
				used[j], grown = true, true
			}
		}
		out = append(out, chain)
	}
	return out
}

func reversed(l [][2]float64) [][2]float64 {
	r := make([][2]float64, len(l))
	for i, p := range l {
		r[len(l)-1-i] = p
	}
	return r
}

// nearestVertices returns, for each anchor, the index of the vertex of
// line nearest it, when that vertex is within a few pixels (an anchor far
// from this line belongs to another piece of the route).
func nearestVertices(line [][2]float64, anchors [][2]float64) []int {
	const reach = 4 // pixels
	var out []int
	for _, a := range anchors {
		best, bi := math.Inf(1), -1
		for i, p := range line {
			if d := math.Hypot(p[0]-a[0], p[1]-a[1]); d < best {
				best, bi = d, i
			}
		}
		if bi >= 0 && best <= reach {
			out = append(out, bi)
		}
	}
	return out
}

// pathWriter writes SVG path data in integer pixels as briefly as the
// grammar allows: one absolute move, then relative moves and lines, a
// command letter only where it changes, no separator before a minus sign,
// and no vertex that rounds onto the one before it. A line that starts
// where the previous one ended continues it without a move.
type pathWriter struct {
	b      *strings.Builder
	x, y   int  // current point
	sx, sy int  // start of the current subpath, where z returns
	cmd    byte // the command the next pair would continue: 'm' or 'l' (relative line either way), 0 otherwise
	open   bool // the current subpath is an open line that may be continued
}

// line writes an open polyline.
func (w *pathWriter) line(pts [][2]float64) {
	w.points(pts, false)
}

// ring writes a closed ring.
func (w *pathWriter) ring(pts [][2]float64) {
	w.points(pts, true)
}

func (w *pathWriter) points(pts [][2]float64, closed bool) {
	if len(pts) == 0 {
		return
	}
	x0, y0 := round(pts[0])
	drawn := 0
	if !(w.open && !closed && x0 == w.x && y0 == w.y) {
		w.move(x0, y0)
	} else {
		drawn = 1 // the continued line already has this vertex
	}
	for _, p := range pts[1:] {
		x, y := round(p)
		if x == w.x && y == w.y {
			continue
		}
		w.lineTo(x, y)
		drawn++
	}
	if drawn == 0 && !closed {
		// The whole line fits in a pixel: a zero-length segment, which a
		// round line cap draws as a dot, so it does not vanish.
		w.lineTo(x0, y0)
	}
	if closed {
		w.b.WriteByte('z')
		w.x, w.y, w.cmd, w.open = w.sx, w.sy, 0, false
		return
	}
	w.open = true
}

func (w *pathWriter) move(x, y int) {
	if w.b.Len() == 0 {
		// Pairs after the first, absolute move would be absolute lines:
		// the next line says 'l'.
		w.b.WriteByte('M')
		w.pair(x, y, false)
		w.cmd = 'M'
	} else {
		// Pairs after a relative move are relative lines.
		w.b.WriteByte('m')
		w.pair(x-w.x, y-w.y, false)
		w.cmd = 'm'
	}
	w.x, w.y, w.sx, w.sy = x, y, x, y
}

func (w *pathWriter) lineTo(x, y int) {
	sep := true
	if w.cmd != 'm' && w.cmd != 'l' {
		w.b.WriteByte('l')
		sep = false
	}
	w.pair(x-w.x, y-w.y, sep)
	w.x, w.y, w.cmd = x, y, 'l'
}

// pair writes two numbers, preceded by a space when sep and the first is
// not negative.
func (w *pathWriter) pair(a, b int, sep bool) {
	if sep && a >= 0 {
		w.b.WriteByte(' ')
	}
	w.b.WriteString(strconv.Itoa(a))
	if b >= 0 {
		w.b.WriteByte(' ')
	}
	w.b.WriteString(strconv.Itoa(b))
}

func round(p [2]float64) (int, int) {
	return int(math.Round(p[0])), int(math.Round(p[1]))
}
