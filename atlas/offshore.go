package atlas

import (
	"fmt"
	"io"
	"strings"
)

// Offshore is a landing point of the datasets that is an offshore
// installation — an oil or gas platform, a production ship — with where
// that is published (offshore.csv). The open cable map files a platform
// under the country whose waters it is in; it is the end of its cable, not
// a station of that country's network on land.
type Offshore struct {
	LandingPoint string // landing point id
	Source       string
}

// OffshoreInstallations returns the embedded offshore installations, in
// file order.
func OffshoreInstallations() []Offshore {
	t, err := facts()
	if err != nil {
		panic(err) // the embedded file is checked by the package's tests
	}
	return t.offshore
}

// isOffshore reports whether the landing point is an offshore
// installation of offshore.csv.
func isOffshore(id string) bool {
	t, err := facts()
	if err != nil {
		return false
	}
	for _, o := range t.offshore {
		if o.LandingPoint == id {
			return true
		}
	}
	return false
}

func parseOffshore(r io.Reader, name string) ([]Offshore, error) {
	rows, lines, err := readFactCSV(r, name, []string{"landing_point", "source"})
	if err != nil {
		return nil, err
	}
	var out []Offshore
	seen := map[string]int{}
	for i, rec := range rows {
		at := fmt.Sprintf("%s: line %d", name, lines[i])
		o := Offshore{LandingPoint: strings.TrimSpace(rec[0]), Source: strings.TrimSpace(rec[1])}
		if o.LandingPoint == "" || strings.ContainsAny(o.LandingPoint, " |,") || o.LandingPoint != strings.ToLower(o.LandingPoint) {
			return nil, fmt.Errorf("%s: landing_point: want a landing point id such as glen-lyon-united-kingdom, found %q", at, rec[0])
		}
		if o.Source == "" {
			return nil, fmt.Errorf("%s: source: want where the installation is described, found nothing", at)
		}
		if prev, ok := seen[o.LandingPoint]; ok {
			return nil, fmt.Errorf("%s: landing_point: %s is listed already on line %d", at, o.LandingPoint, prev)
		}
		seen[o.LandingPoint] = lines[i]
		out = append(out, o)
	}
	return out, nil
}
