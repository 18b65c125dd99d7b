package coord_test

import (
	"math/rand/v2"
	"slices"

	"lifeline/coord"
)

// markingDraws draws random markings over a small community: organisations
// named by letters, members by their organisation's letter and a digit.
type markingDraws struct {
	rng     *rand.Rand
	orgs    []string
	members []string
	orgOf   map[string]string
}

// newMarkingDraws is the community of members, each "x1" belonging to
// organisation "X".
func newMarkingDraws(rng *rand.Rand, members ...string) *markingDraws {
	d := &markingDraws{rng: rng, members: members, orgOf: map[string]string{}}
	for _, m := range members {
		org := string(m[0] - 'a' + 'A')
		if !slices.Contains(d.orgs, org) {
			d.orgs = append(d.orgs, org)
		}
		d.orgOf[m] = org
	}
	return d
}

// some returns about a third of xs, in order.
func (d *markingDraws) some(xs []string) []string {
	var out []string
	for _, x := range xs {
		if d.rng.IntN(3) == 0 {
			out = append(out, x)
		}
	}
	return out
}

// marking draws a level, an author and, for TLP:AMBER, AMBER+STRICT and
// RED, the organisations and members it names.
func (d *markingDraws) marking() coord.Marking {
	author := d.members[d.rng.IntN(len(d.members))]
	m := coord.Marking{TLP: coord.TLPs[d.rng.IntN(len(coord.TLPs))], Org: d.orgOf[author], Author: author}
	switch m.TLP {
	case coord.TLPAmber, coord.TLPAmberStrict:
		m.Orgs, m.Members = d.some(d.orgs), d.some(d.members)
	case coord.TLPRed:
		m.Members = d.some(d.members)
	}
	return m
}
