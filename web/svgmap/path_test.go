package svgmap

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"lifeline/geo"
)

// parsePath reads path data of the commands pathWriter writes (M, m, l, z
// and the pairs that continue them) into its subpaths, in absolute pixels.
// It is written from the SVG path grammar, independently of pathWriter.
func parsePath(t testing.TB, d string) [][][2]float64 {
	t.Helper()
	var out [][][2]float64
	var x, y, sx, sy float64
	cmd := byte(0)
	i := 0
	num := func() float64 {
		for i < len(d) && d[i] == ' ' {
			i++
		}
		j := i
		if j < len(d) && d[j] == '-' {
			j++
		}
		for j < len(d) && (d[j] >= '0' && d[j] <= '9' || d[j] == '.') {
			j++
		}
		v, err := strconv.ParseFloat(d[i:j], 64)
		if err != nil {
			t.Fatalf("path %q: a number expected at %d", d, i)
		}
		i = j
		return v
	}
	for i < len(d) {
		switch c := d[i]; c {
		case 'M', 'm', 'l', 'L':
			cmd = c
			i++
		case 'z', 'Z':
			x, y, cmd = sx, sy, 0
			i++
			continue
		case ' ':
			i++
			continue
		}
		a, b := num(), num()
		switch cmd {
		case 'M':
			x, y, sx, sy = a, b, a, b
			out = append(out, [][2]float64{{x, y}})
			cmd = 'L'
		case 'm':
			x, y = x+a, y+b
			sx, sy = x, y
			out = append(out, [][2]float64{{x, y}})
			cmd = 'l'
		case 'l':
			x, y = x+a, y+b
			out[len(out)-1] = append(out[len(out)-1], [2]float64{x, y})
		case 'L':
			x, y = a, b
			out[len(out)-1] = append(out[len(out)-1], [2]float64{x, y})
		default:
			t.Fatalf("path %q: numbers without a command at %d", d, i)
		}
	}
	return out
}

// distToPath is the distance from p to the nearest segment of the path.
func distToPath(p [2]float64, path [][][2]float64) float64 {
	best := math.Inf(1)
	for _, sub := range path {
		if len(sub) == 1 {
			best = math.Min(best, math.Hypot(p[0]-sub[0][0], p[1]-sub[0][1]))
		}
		for i := 1; i < len(sub); i++ {
			best = math.Min(best, segDist(p, sub[i-1], sub[i]))
		}
	}
	return best
}

// randomWalk is a wiggly line of n vertices in pixels, steps of a few
// pixels with turns, like a cable route at some zoom.
func randomWalk(r *rand.Rand, n int) [][2]float64 {
	pts := make([][2]float64, n)
	x, y, heading := r.Float64()*500, r.Float64()*300, r.Float64()*2*math.Pi
	for i := range pts {
		pts[i] = [2]float64{x, y}
		heading += r.NormFloat64() * 0.6
		step := r.ExpFloat64() * 3
		x, y = x+step*math.Cos(heading), y+step*math.Sin(heading)
	}
	return pts
}

// TestSimplifyProperties checks on random lines that simplification keeps
// the ends and the anchored vertices, keeps only vertices of the line, in
// order, and never leaves a vertex farther than the tolerance from the
// simplified line.
func TestSimplifyProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 2000 {
		line := randomWalk(r, 2+r.IntN(200))
		tol := []float64{0.3, Tolerance, 1, 2.5}[trial%4]
		var keep []int
		for range r.IntN(4) {
			keep = append(keep, r.IntN(len(line)))
		}
		got := simplifyKeeping(line, tol, keep)
		// The kept vertices, as indices of the line, in order.
		var idx []int
		j := 0
		for _, p := range got {
			for j < len(line) && line[j] != p {
				j++
			}
			if j == len(line) {
				t.Fatalf("trial %d: %v is not a vertex of the line, in order", trial, p)
			}
			idx = append(idx, j)
			j++
		}
		if idx[0] != 0 || idx[len(idx)-1] != len(line)-1 {
			t.Fatalf("trial %d: the ends were dropped", trial)
		}
		for _, k := range keep {
			found := false
			for _, i := range idx {
				found = found || i == k
			}
			if !found {
				t.Fatalf("trial %d: anchored vertex %d was dropped", trial, k)
			}
		}
		// Every dropped vertex lies within tol of the segment that
		// replaced it.
		for s := 1; s < len(idx); s++ {
			a, b := line[idx[s-1]], line[idx[s]]
			for i := idx[s-1] + 1; i < idx[s]; i++ {
				if d := segDist(line[i], a, b); d > tol+1e-9 {
					t.Fatalf("trial %d: vertex %d is %.3f px from the simplified line, tolerance %.2f", trial, i, d, tol)
				}
			}
		}
	}
}

// TestPathWriterRoundTrip writes random lines and rings and reads them
// back: the pixels drawn are the rounded vertices, in order.
func TestPathWriterRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 500 {
		var lines [][][2]float64
		for range 1 + r.IntN(5) {
			lines = append(lines, randomWalk(r, 1+r.IntN(30)))
		}
		closed := trial%2 == 1
		var d strings.Builder
		w := pathWriter{b: &d}
		for _, l := range lines {
			if closed {
				w.ring(l)
			} else {
				w.line(l)
			}
		}
		got := parsePath(t, d.String())
		// What was written, rounded and without repeats, with open lines
		// that start where the previous one ended run on.
		var want [][][2]float64
		for _, l := range lines {
			var sub [][2]float64
			for _, p := range l {
				x, y := round(p)
				q := [2]float64{float64(x), float64(y)}
				if len(sub) == 0 || sub[len(sub)-1] != q {
					sub = append(sub, q)
				}
			}
			if !closed && len(sub) == 1 {
				sub = append(sub, sub[0])
			}
			if n := len(want); !closed && n > 0 && want[n-1][len(want[n-1])-1] == sub[0] {
				want[n-1] = append(want[n-1], sub[1:]...)
				continue
			}
			want = append(want, sub)
		}
		if len(got) != len(want) {
			t.Fatalf("trial %d: %q has %d subpaths, want %d", trial, d.String(), len(got), len(want))
		}
		for i := range want {
			if len(got[i]) != len(want[i]) {
				t.Fatalf("trial %d: subpath %d of %q has %d points, want %d", trial, i, d.String(), len(got[i]), len(want[i]))
			}
			for k := range want[i] {
				if got[i][k] != want[i][k] {
					t.Fatalf("trial %d: subpath %d point %d is %v, want %v", trial, i, k, got[i][k], want[i][k])
				}
			}
		}
	}
}

// TestChainLines joins pieces that meet, whichever way round they are,
// and keeps apart those that do not.
func TestChainLines(t *testing.T) {
	a := [][2]float64{{0, 0}, {10, 0}}
	b := [][2]float64{{20, 0}, {10.3, 0}} // meets a's end, reversed
	c := [][2]float64{{-5, 5}, {0, 0.2}}  // ends at a's start
	far := [][2]float64{{100, 100}, {110, 100}}
	got := chainLines([][][2]float64{a, far, b, c}, Tolerance)
	if len(got) != 2 {
		t.Fatalf("got %d lines, want 2: %v", len(got), got)
	}
	want := [][2]float64{{-5, 5}, {0, 0.2}, {0, 0}, {10, 0}, {10.3, 0}, {20, 0}}
	if len(got[0]) != len(want) {
		t.Fatalf("chain %v, want %v", got[0], want)
	}
	for i := range want {
		if got[0][i] != want[i] {
			t.Fatalf("chain %v, want %v", got[0], want)
		}
	}
}

// TestDots draws each pixel's dot once, as a zero-length line at the
// projected point.
func TestDots(t *testing.T) {
	m := New(World, 360, "")
	pts := []geo.Point{{Lon: 0, Lat: 0}, {Lon: 0.1, Lat: 0.1}, {Lon: 90, Lat: -30}, {Lon: 0, Lat: -80}}
	m.Dots(pts, Style{Class: "dots", Title: "3 points"})
	svg := m.String()
	d := svg[strings.Index(svg, ` d="`)+4:]
	d = d[:strings.IndexByte(d, '"')]
	got := parsePath(t, strings.ReplaceAll(d, "h0", "l0 0"))
	if len(got) != 2 {
		t.Fatalf("%q: %d dots, want 2 (two points share a pixel, one is out of view)", d, len(got))
	}
	for i, p := range []geo.Point{pts[0], pts[2]} {
		x, y := m.Project(p)
		if got[i][0] != [2]float64{math.Round(x), math.Round(y)} {
			t.Errorf("dot %d at %v, want %.0f %.0f", i, got[i][0], x, y)
		}
	}
}
