package atlas

import (
	"sort"
	"strings"
	"unicode"

	"lifeline"
	"lifeline/geo"
)

// FindCable returns the cable whose id or name matches query (case and
// punctuation do not matter).
//
// Errors: ENOTFOUND, whose message lists the closest names.
func (a *Atlas) FindCable(query string) (*Cable, error) {
	if c, ok := a.Cable(query); ok {
		return c, nil
	}
	q := fold(query)
	for i := range a.Cables {
		if fold(a.Cables[i].Name) == q || fold(a.Cables[i].ID) == q {
			return &a.Cables[i], nil
		}
	}
	cands := make([]string, 0, 2*len(a.Cables))
	for i := range a.Cables {
		cands = append(cands, a.Cables[i].ID, a.Cables[i].Name)
	}
	return nil, notFound("cable", query, cands)
}

// FindLandingPoint returns the landing point whose id or name matches query.
//
// Errors: ENOTFOUND, whose message lists the closest names.
func (a *Atlas) FindLandingPoint(query string) (*LandingPoint, error) {
	if lp, ok := a.LandingPoint(query); ok {
		return lp, nil
	}
	q := fold(query)
	for i := range a.LandingPoints {
		if fold(a.LandingPoints[i].Name) == q || fold(a.LandingPoints[i].ID) == q {
			return &a.LandingPoints[i], nil
		}
	}
	cands := make([]string, 0, 2*len(a.LandingPoints))
	for i := range a.LandingPoints {
		cands = append(cands, a.LandingPoints[i].ID, a.LandingPoints[i].Name)
	}
	return nil, notFound("landing point", query, cands)
}

// FindCountry returns the atlas's country for an ISO code or an English name
// or alias.
//
// Errors: ENOTFOUND, whose message lists the closest names.
func (a *Atlas) FindCountry(query string) (*Country, error) {
	if code, ok := geo.Resolve(query); ok {
		if c, ok := a.Country(code); ok {
			return c, nil
		}
		return nil, lifeline.Errork(lifeline.ENOTFOUND, "atlas.FindCountry", "err.scenario.country.absent", "country %s (%s) has no landing point or land border in this atlas", code, query)
	}
	cands := make([]string, 0, 2*len(a.Countries))
	for _, c := range a.Countries {
		cands = append(cands, c.Code, c.Name)
	}
	return nil, notFound("country", query, cands)
}

// notFound says that no element of kind ("cable", "landing point",
// "country") is named query, with the closest candidates; keyed for the
// web's catalogue (web/i18n).
func notFound(kind, query string, candidates []string) error {
	var closest lifeline.Phrase
	if s := Closest(query, candidates, 5); len(s) > 0 {
		closest = lifeline.P("err.scenario.closest", "; closest: %s", strings.Join(s, ", "))
	}
	switch kind {
	case "cable":
		return lifeline.Errork(lifeline.ENOTFOUND, "atlas.Find", "err.scenario.nocable", "cable %s not found%s", quote(query), closest)
	case "landing point":
		return lifeline.Errork(lifeline.ENOTFOUND, "atlas.Find", "err.scenario.nolp", "landing point %s not found%s", quote(query), closest)
	}
	return lifeline.Errork(lifeline.ENOTFOUND, "atlas.Find", "err.scenario.nocountry", "country %s not found%s", quote(query), closest)
}

func quote(s string) string { return "\"" + s + "\"" }

// Closest returns up to n candidates nearest to query: those containing it
// first, then by edit distance, for "did you mean" messages.
func Closest(query string, candidates []string, n int) []string {
	q := fold(query)
	type scored struct {
		s     string
		score int
	}
	seen := map[string]bool{}
	var all []scored
	for _, c := range candidates {
		if seen[c] {
			continue
		}
		seen[c] = true
		f := fold(c)
		d := editDistance(q, f)
		if q != "" && strings.Contains(f, q) {
			d = -1000 + len(f) // containing the query beats everything
		}
		all = append(all, scored{c, d})
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].score != all[j].score {
			return all[i].score < all[j].score
		}
		return all[i].s < all[j].s
	})
	limit := max(3, len(q)/2)
	var out []string
	for _, s := range all {
		if len(out) == n || s.score > limit {
			break
		}
		out = append(out, s.s)
	}
	return out
}

// fold lower-cases s and keeps only letters and digits.
func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
