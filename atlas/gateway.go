package atlas

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Gateway is a national gateway: a country whose international traffic is
// published to pass one operator's gateway at one site (gateways.csv). A
// scenario that fails the site, or names the gateway, cuts the country's
// own networks off while its cables and borders keep carrying other
// countries' traffic.
type Gateway struct {
	Country  string   `json:"country"`  // ISO 3166-1 alpha-2
	Sites    []string `json:"sites"`    // landing point ids of the site, in any of the datasets
	Operator string   `json:"operator"` // who runs it
	From     int      `json:"from"`     // first year it applies, 0: since ever
	To       int      `json:"to"`       // last year it applies, 0: still
	Source   string   `json:"source"`
}

// Covers reports whether the gateway applies in the year (0: now).
func (g Gateway) Covers(year int) bool {
	if year == 0 {
		return g.To == 0
	}
	return (g.From == 0 || g.From <= year) && (g.To == 0 || year <= g.To)
}

// Gateways returns the embedded national gateways, in file order.
func Gateways() []Gateway {
	t, err := facts()
	if err != nil {
		panic(err) // the embedded file is checked by the package's tests
	}
	return t.gateways
}

// gatewaysAsOf returns the national gateways that apply in the year (0:
// now), each with only the sites the atlas has; a gateway none of whose
// sites is in the atlas is left out.
func gatewaysAsOf(a *Atlas, year int) []Gateway {
	t, err := facts()
	if err != nil {
		return nil
	}
	where := make(map[string]string, len(a.LandingPoints))
	for _, lp := range a.LandingPoints {
		where[lp.ID] = lp.Country
	}
	var out []Gateway
	for _, g := range t.gateways {
		if !g.Covers(year) {
			continue
		}
		var sites []string
		for _, s := range g.Sites {
			if where[s] == g.Country {
				sites = append(sites, s)
			}
		}
		if len(sites) == 0 {
			continue
		}
		g.Sites = sites
		out = append(out, g)
	}
	return out
}

func parseGateways(r io.Reader, name string) ([]Gateway, error) {
	rows, lines, err := readFactCSV(r, name, []string{"country", "sites", "operator", "from", "to", "source"})
	if err != nil {
		return nil, err
	}
	var out []Gateway
	for i, rec := range rows {
		at := fmt.Sprintf("%s: line %d", name, lines[i])
		g := Gateway{Country: rec[0], Sites: strings.Split(rec[1], "|"), Operator: rec[2], Source: rec[5]}
		if len(g.Country) != 2 || strings.ToUpper(g.Country) != g.Country {
			return nil, fmt.Errorf("%s: country: want an ISO 3166-1 alpha-2 code such as YE, found %q", at, rec[0])
		}
		if slices.Contains(g.Sites, "") {
			return nil, fmt.Errorf("%s: sites: want landing point ids separated by |, found %q", at, rec[1])
		}
		if g.From, err = strconv.Atoi(rec[3]); err != nil || g.From < 0 {
			return nil, fmt.Errorf("%s: from: want a year or 0, found %q", at, rec[3])
		}
		if g.To, err = strconv.Atoi(rec[4]); err != nil || g.To < 0 || (g.To > 0 && g.To < g.From) {
			return nil, fmt.Errorf("%s: to: want 0 or a year not before from, found %q", at, rec[4])
		}
		if strings.TrimSpace(g.Operator) == "" || strings.TrimSpace(g.Source) == "" {
			return nil, fmt.Errorf("%s: want the operator and where it was published", at)
		}
		out = append(out, g)
	}
	return out, nil
}
