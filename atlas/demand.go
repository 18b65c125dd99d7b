package atlas

import (
	_ "embed"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

//go:embed demand.csv
var demandCSV string

// Demand is a country's used international Internet bandwidth in a year,
// as published (demand.csv): what its international links carried, to
// set against the capacity a scenario leaves.
type Demand struct {
	Country string  `json:"country"` // ISO 3166-1 alpha-2
	Year    int     `json:"year"`
	Gbps    float64 `json:"gbps"`
	Source  string  `json:"source"`
	Licence string  `json:"licence"`
}

var demands = sync.OnceValues(func() (map[string][]Demand, error) {
	ds, err := parseDemand(strings.NewReader(demandCSV), "demand.csv")
	if err != nil {
		return nil, err
	}
	m := map[string][]Demand{}
	for _, d := range ds {
		m[d.Country] = append(m[d.Country], d)
	}
	return m, nil
})

// Demands returns the embedded demand figures of a country, oldest first.
func Demands(country string) []Demand {
	m, err := demands()
	if err != nil {
		panic(err) // the embedded file is checked by the package's tests
	}
	return m[country]
}

// DemandAsOf returns the country's published demand for the year (0: the
// latest figure): the figure of that year, else the latest one before it,
// unscaled, with its own year. No figure at or before the year: false.
func DemandAsOf(country string, year int) (Demand, bool) {
	var best Demand
	ok := false
	for _, d := range Demands(country) {
		if year == 0 || d.Year <= year {
			best, ok = d, true
		}
	}
	return best, ok
}

func parseDemand(r io.Reader, name string) ([]Demand, error) {
	rows, lines, err := readFactCSV(r, name, []string{"country", "year", "gbps", "source", "licence"})
	if err != nil {
		return nil, err
	}
	var out []Demand
	last := map[string]int{}
	for i, rec := range rows {
		at := fmt.Sprintf("%s: line %d", name, lines[i])
		d := Demand{Country: rec[0], Source: rec[3], Licence: rec[4]}
		if len(d.Country) != 2 || strings.ToUpper(d.Country) != d.Country {
			return nil, fmt.Errorf("%s: country: want an ISO 3166-1 alpha-2 code such as VN, found %q", at, rec[0])
		}
		if d.Year, err = strconv.Atoi(rec[1]); err != nil || d.Year < 1990 || d.Year > 2100 {
			return nil, fmt.Errorf("%s: year: want a year from 1990, found %q", at, rec[1])
		}
		if y, seen := last[d.Country]; seen && d.Year <= y {
			return nil, fmt.Errorf("%s: year: want the rows of %s in increasing years, found %d after %d", at, d.Country, d.Year, y)
		}
		last[d.Country] = d.Year
		if d.Gbps, err = strconv.ParseFloat(rec[2], 64); err != nil || !(d.Gbps > 0) {
			return nil, fmt.Errorf("%s: gbps: want a positive number, found %q", at, rec[2])
		}
		if strings.TrimSpace(d.Source) == "" || strings.TrimSpace(d.Licence) == "" {
			return nil, fmt.Errorf("%s: want where the figure was published and its licence", at)
		}
		out = append(out, d)
	}
	return out, nil
}
