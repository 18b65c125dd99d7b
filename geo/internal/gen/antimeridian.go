package main

import "math"

// splitPolygon turns a polygon whose rings cross the antimeridian, or circle a
// pole, into planar polygons that each lie within longitudes [-180, 180].
// world-atlas keeps spherical rings (Chukotka, Wrangel Island, a Fijian
// island, Antarctica), while geo works in plain longitude/latitude, where
// such a ring would sweep the whole map.
func splitPolygon(rings [][]pt) [][][]pt {
	crossing := false
	for _, r := range rings {
		if crossesAntimeridian(r) {
			crossing = true
			break
		}
	}
	if !crossing {
		return [][][]pt{rings}
	}
	polar := false
	pieces := map[int][][]pt{} // window k → ring pieces, in ring order
	for ri, r := range rings {
		u, laps := unwrap(r)
		if laps != 0 {
			polar = true
			u = closeViaPole(u)
		}
		for k := -2; k <= 2; k++ {
			lo, hi := -180+360*float64(k), 180+360*float64(k)
			c := clipX(u, lo, true)
			c = clipX(c, hi, false)
			if distinct(c) < 3 || math.Abs(ringArea(c)) < 1e-9 {
				continue
			}
			for i := range c {
				c[i].x -= 360 * float64(k)
			}
			// A hole is kept only in a window where its outer ring has a piece.
			if ri == 0 || polar || pieces[k] != nil {
				pieces[k] = append(pieces[k], c)
			}
		}
	}
	var out [][][]pt
	for k := -2; k <= 2; k++ {
		rs := pieces[k]
		if len(rs) == 0 {
			continue
		}
		if !polar {
			out = append(out, rs)
			continue
		}
		// A pole-circling ring closes through the pole; every piece is then an
		// outer ring of its own. world-atlas also draws a hair-thin ring at
		// the pole itself (its spherical exterior), which is dropped.
		for _, r := range rs {
			if polarSliver(r) {
				continue
			}
			out = append(out, [][]pt{r})
		}
	}
	return out
}

func crossesAntimeridian(r []pt) bool {
	for i := 1; i < len(r); i++ {
		if math.Abs(r[i].x-r[i-1].x) > 180 {
			return true
		}
	}
	return false
}

// unwrap makes longitudes continuous along r (steps of at most 180°) and
// reports how many full turns the ring makes around the pole.
func unwrap(r []pt) ([]pt, int) {
	u := make([]pt, len(r))
	u[0] = r[0]
	for i := 1; i < len(r); i++ {
		d := r[i].x - r[i-1].x
		for d > 180 {
			d -= 360
		}
		for d < -180 {
			d += 360
		}
		u[i] = pt{u[i-1].x + d, r[i].y}
	}
	return u, int(math.Round((u[len(u)-1].x - u[0].x) / 360))
}

// closeViaPole closes an unwrapped pole-circling ring along the nearer pole.
func closeViaPole(u []pt) []pt {
	var mean float64
	for _, p := range u {
		mean += p.y
	}
	pole := 90.0
	if mean < 0 {
		pole = -90
	}
	first, last := u[0], u[len(u)-1]
	out := append(u[:len(u):len(u)], pt{last.x, pole}, pt{first.x, pole}, first)
	return out
}

// clipX clips the closed ring r to x >= v (keepAbove) or x <= v
// (Sutherland–Hodgman against one vertical line). The result is closed.
func clipX(r []pt, v float64, keepAbove bool) []pt {
	if len(r) == 0 {
		return nil
	}
	in := func(p pt) bool {
		if keepAbove {
			return p.x >= v
		}
		return p.x <= v
	}
	var out []pt
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		ain, bin := in(a), in(b)
		if ain {
			out = append(out, a)
		}
		if ain != bin {
			t := (v - a.x) / (b.x - a.x)
			out = append(out, pt{v, a.y + t*(b.y-a.y)})
		}
	}
	if len(out) > 0 && out[0] != out[len(out)-1] {
		out = append(out, out[0])
	}
	return out
}

// polarSliver reports whether every point of r lies within 0.01° of a pole.
func polarSliver(r []pt) bool {
	for _, p := range r {
		if math.Abs(math.Abs(p.y)-90) > 0.01 {
			return false
		}
	}
	return true
}
