package impact

import (
	"cmp"
	"context"
	"slices"

	"lifeline/atlas"
)

// CriticalShare is the share of a country's capacity whose loss to one
// element makes that element capacity-critical: an element is named when
// its loss alone costs the country more than this share of its max-flow to
// the core or of its circuits to a region.
const CriticalShare = 0.5

// Critical is an element whose loss alone costs a country more than
// CriticalShare of its capacity, without necessarily cutting it off.
type Critical struct {
	Element
	// Towards is what the loss is measured against: "core", or a region's
	// name for circuits to that region.
	Towards string  `json:"towards"`
	Loss    float64 `json:"loss"` // the share lost, 0..1
}

// InputConfidence says how far a country's capacity figures can be
// trusted: the shares, by capacity, of its cables and borders whose figure
// is reported, estimated by a rule, or assumed.
type InputConfidence struct {
	Reported  float64 `json:"reported"`
	Estimated float64 `json:"estimated"`
	Assumed   float64 `json:"assumed"`
}

// inputConfidence weighs the country's cables and borders by capacity.
func (g *Graph) inputConfidence(c int) InputConfidence {
	a := g.atlas
	sum := map[atlas.Confidence]float64{}
	var total float64
	for _, cb := range g.countryCabs[c] {
		cp := a.Cables[cb].Capacity
		sum[cp.Confidence] += cp.Gbps
		total += cp.Gbps
	}
	code := a.Countries[c].Code
	for i, l := range a.Links {
		if l.A == code || l.B == code {
			gbps := float64(g.eCap[g.linkEdge[i]]) / 1000
			sum[l.Capacity.Confidence] += gbps
			total += gbps
		}
	}
	if total == 0 {
		return InputConfidence{}
	}
	return InputConfidence{Reported: round6(sum[atlas.Reported] / total), Estimated: round6(sum[atlas.Estimated] / total),
		Assumed: round6(sum[atlas.Assumed] / total)}
}

// criticalElements finds, for the countries wanted, every cable and
// landing station whose loss alone costs more than CriticalShare of the
// country's max-flow to the core or of its circuits to a region, worst
// first; and each country's worst single loss (1 when one cuts it off).
func (g *Graph) criticalElements(ctx context.Context, el *elements, want []bool, n1 [][]int) ([][]Critical, []float64, error) {
	nReg := len(g.regions)
	out := make([][]Critical, g.nCountry)
	worst := make([]float64, g.nCountry)
	for c := range g.nCountry {
		if len(n1[c]) > 0 {
			worst[c] = 1
		}
	}
	w := g.newWorkspace()
	st := g.newState()
	cs := g.newCircuitScratch()
	loss := make([]float64, g.nCountry*nReg)
	onCable := make([]bool, g.nCountry)
	for x := range el.nCable + el.nLP {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		clear(onCable)
		if x < el.nCable {
			for _, l := range g.cableLPs[el.cables[x]] {
				onCable[g.lpCountry[l]] = true
			}
		} else {
			onCable[g.lpCountry[el.lps[x-el.nCable]]] = true
		}
		st.reset()
		el.fail(st, x)
		w.load(g, st)
		w.reach(g)
		g.evalCircuits(st, cs)
		g.regionLoss(cs, g.baseCircuits, loss)
		for c := range g.nCountry {
			if !want[c] || g.isHub[c] || !g.baseReach[c] {
				continue
			}
			best := Critical{Loss: -1}
			if onCable[c] {
				if l := g.countryLoss(w, st, c, !w.reached[c]); l > best.Loss {
					best = Critical{Towards: "core", Loss: l}
				}
			}
			for r := range nReg {
				if g.weighsRegion(c, r) && loss[c*nReg+r] > best.Loss {
					best = Critical{Towards: g.regions[r].Name, Loss: loss[c*nReg+r]}
				}
			}
			if best.Loss > worst[c] {
				worst[c] = best.Loss
			}
			if best.Loss > CriticalShare {
				best.Element = el.describe(x)
				best.Loss = round6(best.Loss)
				out[c] = append(out[c], best)
			}
		}
	}
	for c := range out {
		slices.SortStableFunc(out[c], func(a, b Critical) int {
			return cmp.Or(cmp.Compare(b.Loss, a.Loss), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
		})
	}
	return out, worst, nil
}

// weighsRegion reports whether a country's circuits to a region count in
// its profile: those its own cables carry, or, for a country whose cables
// reach no region (a landlocked country, an island behind its neighbour),
// those one hop away. Circuits one hop away by a cable stand in for the
// neighbour's own, so a far region reached only that way would name the
// neighbour's cables as the country's critical elements.
func (g *Graph) weighsRegion(c, r int) bool {
	nReg := len(g.regions)
	if g.baseCircuits[c*nReg+r] == 0 {
		return false
	}
	if g.baseDirect[c*nReg+r] > 0 {
		return true
	}
	for q := range nReg {
		if g.baseDirect[c*nReg+q] > 0 {
			return false
		}
	}
	return true
}
