package atlas

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"lifeline"
)

// Place is a named sub-national place that reports speak of apart from its
// country (an island group, a region): its country's landing points inside
// a box of longitude and latitude (places.csv, cited).
type Place struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	Country       string   `json:"country"`
	LandingPoints []string `json:"landing_points"` // in the atlas, inside the box
	Source        string   `json:"source"`
}

type placeBox struct {
	Place
	box [4]float64 // min lon, min lat, max lon, max lat
}

//go:embed places.csv
var placesCSV string

var places struct {
	once sync.Once
	list []placeBox
	err  error
}

// parsePlaces reads places.csv.
func parsePlaces(r io.Reader, name string) ([]placeBox, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	var out []placeBox
	for i, rec := range rows {
		if i == 0 {
			continue // header
		}
		at := fmt.Sprintf("%s: record %d", name, i+1)
		if len(rec) != 8 {
			return nil, fmt.Errorf("%s: want 8 fields, found %d", at, len(rec))
		}
		p := placeBox{Place: Place{ID: rec[0], Name: rec[1], Country: rec[2], Source: rec[7]}}
		for k := range 4 {
			v, err := strconv.ParseFloat(strings.TrimSpace(rec[3+k]), 64)
			if err != nil {
				return nil, fmt.Errorf("%s: field %d: want degrees, found %q", at, 4+k, rec[3+k])
			}
			p.box[k] = v
		}
		if p.box[0] >= p.box[2] || p.box[1] >= p.box[3] {
			return nil, fmt.Errorf("%s: want min_lon < max_lon and min_lat < max_lat", at)
		}
		out = append(out, p)
	}
	return out, nil
}

// Places returns the named places of places.csv with the atlas's landing
// points in each, in file order.
//
// Errors: EINVALID naming the record of places.csv that does not parse.
func (a *Atlas) Places() ([]Place, error) {
	places.once.Do(func() { places.list, places.err = parsePlaces(strings.NewReader(placesCSV), "places.csv") })
	if places.err != nil {
		return nil, lifeline.Errorf(lifeline.EINVALID, "atlas.Places", "%v", places.err)
	}
	out := make([]Place, 0, len(places.list))
	for _, pb := range places.list {
		p := pb.Place
		p.LandingPoints = []string{}
		for _, lp := range a.LandingPoints {
			if lp.Country == p.Country && lp.Lon >= pb.box[0] && lp.Lon <= pb.box[2] && lp.Lat >= pb.box[1] && lp.Lat <= pb.box[3] {
				p.LandingPoints = append(p.LandingPoints, lp.ID)
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// Place finds a named place by id or name, case-insensitively.
//
// Errors: ENOTFOUND listing the places there are; those of Places.
func (a *Atlas) Place(q string) (Place, error) {
	ps, err := a.Places()
	if err != nil {
		return Place{}, err
	}
	var ids []string
	for _, p := range ps {
		if strings.EqualFold(p.ID, q) || strings.EqualFold(p.Name, q) {
			return p, nil
		}
		ids = append(ids, p.ID)
	}
	return Place{}, lifeline.Errork(lifeline.ENOTFOUND, "atlas.Place", "err.scenario.noplace", "no place %q; the places are %s", q, strings.Join(ids, ", "))
}
