package impact

import (
	"context"
	"slices"
	"testing"
)

func TestAssessTonga(t *testing.T) {
	g := realGraph(t)
	ps, err := g.Assess(context.Background(), []string{"Tonga", "FR"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	to := ps[0]
	ids := func(es []Element) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	// Tonga's only link abroad is the Tonga Cable from Nuku'alofa to Suva.
	for _, want := range []string{"tonga-cable", "nukualofa-tonga", "suva-fiji", "FJ"} {
		if !slices.Contains(ids(to.N1), want) {
			t.Errorf("TO N-1 %v lacks %s", ids(to.N1), want)
		}
	}
	if len(to.Neighbours) != 1 || to.Neighbours[0].Country != "FJ" || !to.Neighbours[0].CutsOff {
		t.Errorf("TO neighbours %+v; want Fiji, whose loss cuts it off", to.Neighbours)
	}
	if to.Score >= 60 || to.ScoreN1 != 0 {
		t.Errorf("TO score %d (N-1 part %v); a country with a single point of failure scores low", to.Score, to.ScoreN1)
	}
	fr := ps[1]
	if !fr.Hub || fr.Score != 100 || len(fr.N1) != 0 {
		t.Errorf("FR: %+v; a hub has no cut set and scores 100", fr)
	}
	if _, err := g.Assess(context.Background(), []string{"Narnia"}, 1); err == nil {
		t.Error("no error for an unknown country")
	}
}

// The cut sets agree with brute force: every single element, and every
// pair of cables, failed in turn.
func TestAssessCutSetsBruteForce(t *testing.T) {
	g := realGraph(t)
	ps, err := g.Assess(context.Background(), nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	el := g.elements()
	prof := map[string]*Profile{}
	for i := range ps {
		prof[ps[i].Country] = &ps[i]
	}
	w := g.newWorkspace()
	st := g.newState()
	cutBy := func(xs ...int) []bool {
		st.reset()
		for _, x := range xs {
			el.fail(st, x)
		}
		w.load(g, st)
		w.reach(g)
		out := make([]bool, g.nCountry)
		for c := range g.nCountry {
			// A failed national gateway site withdraws its country's
			// networks: cut off though paths remain.
			out[c] = g.baseReach[c] && (!w.reached[c] || st.withdrawn[c]) && !slices.Contains(xs, el.nCable+el.nLP+c)
		}
		return out
	}
	single := make([][]bool, el.count())
	for x := range el.count() {
		single[x] = cutBy(x)
		for c, cut := range single[x] {
			p := prof[g.atlas.Countries[c].Code]
			if got := slices.Contains(p.N1, el.describe(x)); got != cut {
				t.Errorf("%s: %s cuts it off: %v; listed in N-1: %v", p.Country, el.describe(x).ID, cut, got)
			}
		}
	}
	pairs := 0
	for x := range el.nCable {
		for y := x + 1; y < el.nCable; y++ {
			cut := cutBy(x, y)
			for c := range g.nCountry {
				want := cut[c] && !single[x][c] && !single[y][c]
				p := prof[g.atlas.Countries[c].Code]
				got := slices.Contains(p.N2, [2]Element{el.describe(x), el.describe(y)})
				if got != want {
					t.Errorf("%s: cables %s and %s cut it off (minimal): %v; listed in N-2: %v", p.Country, el.describe(x).ID, el.describe(y).ID, want, got)
				}
				if want {
					pairs++
				}
			}
		}
	}
	if pairs == 0 {
		t.Error("no pair of cables cuts any country off; the check checked nothing")
	}
}

func TestRank(t *testing.T) {
	g := realGraph(t)
	r, err := g.Rank(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(r) == 0 {
		t.Fatal("nothing ranked")
	}
	for i := 1; i < len(r); i++ {
		if r[i].Population > r[i-1].Population {
			t.Fatalf("not sorted at %d", i)
		}
	}
	found := false
	for _, x := range r {
		if x.ID == "tonga-cable" {
			found = slices.Equal(x.Countries, []string{"TO"}) && x.Population == g.atlas.Countries[g.countryIndex("TO")].Population
		}
		if x.Kind == "country" {
			t.Errorf("ranked a country: %+v", x)
		}
	}
	if !found {
		t.Error("tonga-cable not ranked as cutting off Tonga's population")
	}
}
