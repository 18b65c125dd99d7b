// Package atlas is Lifeline's model of the Internet's core infrastructure:
// countries, cable landing points, submarine cable systems split into
// segments at their landing points and branching units, and terrestrial links
// between countries that share a land border. Every link carries an estimated
// capacity with the rule that produced it and a confidence.
//
// An Atlas is built from a Document (the raw records: landing points and
// cables with their routes) by Compile, which validates every record, splits
// routes into segments, derives terrestrial links from land borders, and
// estimates capacities. Importers (atlas/opencable) and the atlas file format
// (Decode, Encode; see docs/atlas.md) produce Documents; atlas/starter embeds
// a small curated one so every command works out of the box.
//
// Published facts are embedded beside the model, each row with its source:
// cable capacities (capacity.csv), land borders (borders.csv), crossings,
// retirements, the legs of rings the dataset draws as chains (legs.csv),
// national gateways (gateways.csv) and countries' used international
// bandwidth (demand.csv, read with DemandAsOf).
//
// An Atlas is immutable once compiled and safe for concurrent readers.
package atlas

import (
	"sort"
)

// Confidence says how much a figure can be trusted.
type Confidence string

// Confidence levels, from best to worst.
const (
	Reported  Confidence = "reported"  // published by the owner or operator, or given by the user
	Estimated Confidence = "estimated" // computed by a documented rule from reported facts
	Assumed   Confidence = "assumed"   // a default class where nothing better is known
)

// Capacity is an estimate of a link's capacity.
type Capacity struct {
	Gbps       float64    `json:"gbps"`
	Rule       string     `json:"rule"`             // how the figure was obtained, for people
	Source     string     `json:"source,omitempty"` // where a reported figure comes from
	Confidence Confidence `json:"confidence"`
}

// LandingPoint is a place where one or more submarine cables come ashore.
type LandingPoint struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Country string  `json:"country"` // ISO 3166-1 alpha-2
	Lon     float64 `json:"lon"`
	Lat     float64 `json:"lat"`
	// Offshore is set for an offshore installation, a platform at the end
	// of its cable rather than a station on land (offshore.csv).
	Offshore bool `json:"offshore,omitempty"`
}

// Cable is a submarine cable system.
type Cable struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	RFSYear       int            `json:"rfs_year,omitempty"`  // ready for service; 0 if unknown
	RFSMonth      int            `json:"rfs_month,omitempty"` // month of RFSYear it was ready, 1–12 (the last of a quarter); 0 if unknown
	LengthKm      float64        `json:"length_km"`           // reported, or computed from the route
	LengthFrom    string         `json:"length_from"`         // "reported" or "route"
	Planned       bool           `json:"planned"`
	Owners        []string       `json:"owners,omitempty"`
	LandingPoints []string       `json:"landing_points"` // landing point ids
	Countries     []string       `json:"countries"`      // distinct landing countries, sorted
	URL           string         `json:"url,omitempty"`
	Source        string         `json:"source,omitempty"`
	Capacity      Capacity       `json:"capacity"`
	Route         [][][2]float64 `json:"-"` // the drawn route, [line][point]{lon, lat}
	Segments      []int          `json:"-"` // indexes into Atlas.Segments, in order
}

// Segment is the stretch of a cable between two nodes: landing points or
// branching units. A cut anywhere on a segment fails that segment only; the
// cable's other segments keep working.
type Segment struct {
	ID       string       `json:"id"`    // "<cable id>/<index>"
	Cable    string       `json:"cable"` // cable id
	Index    int          `json:"index"` // position along the cable, from 0
	From     string       `json:"from"`  // node: a landing point id, or "bu:<cable>:<n>" for a branching unit
	To       string       `json:"to"`
	LengthKm float64      `json:"length_km"`
	Path     [][2]float64 `json:"-"` // geometry from From to To, {lon, lat}
}

// IsBranchingUnit reports whether a segment node is a branching unit at sea
// rather than a landing point.
func IsBranchingUnit(node string) bool { return len(node) > 3 && node[:3] == "bu:" }

// Link is a terrestrial link between two countries that share a land border,
// or that a bridge or tunnel joins (crossings.csv). It stands for all the
// fibre that crosses there.
type Link struct {
	ID       string   `json:"id"` // "<A>-<B>", A < B
	A        string   `json:"a"`
	B        string   `json:"b"`
	Kind     string   `json:"kind"`           // "border", or "crossing" for a bridge or tunnel between countries without a land border
	Name     string   `json:"name,omitempty"` // a crossing's name
	Capacity Capacity `json:"capacity"`
}

// Country is a country or territory as the atlas sees it.
type Country struct {
	Code          string   `json:"code"` // ISO 3166-1 alpha-2
	Name          string   `json:"name"`
	Population    int64    `json:"population"`
	LandingPoints []string `json:"landing_points,omitempty"` // ids, sorted
	Cables        []string `json:"cables,omitempty"`         // in-service cable ids landing here, sorted
	PlannedCables []string `json:"planned_cables,omitempty"` // planned cable ids landing here, sorted
	Neighbours    []string `json:"neighbours,omitempty"`     // countries it has a land border link with
}

// Atlas is a compiled, validated model of the infrastructure.
type Atlas struct {
	Source        string // where it came from, for people
	Attribution   string // the data's required attribution, if any
	Countries     []Country
	LandingPoints []LandingPoint
	Cables        []Cable
	Segments      []Segment
	Links         []Link
	// Gateways are the national gateways in effect in the atlas's year
	// (gateways.csv): countries whose international traffic passes one
	// site.
	Gateways []Gateway
	// AsOf is the year the atlas stands as of (atlas.WithAsOf), 0 for now.
	AsOf int
	// AsOfMonth is the month of AsOf it stands as of (atlas.WithAsOfMonth),
	// 0 for the end of the year.
	AsOfMonth int

	countryIdx map[string]int
	lpIdx      map[string]int
	cableIdx   map[string]int
}

// Country returns the country with the ISO 3166-1 alpha-2 code.
func (a *Atlas) Country(code string) (*Country, bool) {
	i, ok := a.countryIdx[code]
	if !ok {
		return nil, false
	}
	return &a.Countries[i], true
}

// LandingPoint returns the landing point with the id.
func (a *Atlas) LandingPoint(id string) (*LandingPoint, bool) {
	i, ok := a.lpIdx[id]
	if !ok {
		return nil, false
	}
	return &a.LandingPoints[i], true
}

// Cable returns the cable with the id.
func (a *Atlas) Cable(id string) (*Cable, bool) {
	i, ok := a.cableIdx[id]
	if !ok {
		return nil, false
	}
	return &a.Cables[i], true
}

// InService returns the cables that are not planned, in id order.
func (a *Atlas) InService() []*Cable {
	var out []*Cable
	for i := range a.Cables {
		if !a.Cables[i].Planned {
			out = append(out, &a.Cables[i])
		}
	}
	return out
}

// Stats counts what the atlas holds. Segments count only in-service cables.
type Stats struct {
	Source           string   `json:"source"`
	Cables           int      `json:"cables"`
	PlannedCables    int      `json:"planned_cables"`
	LandingPoints    int      `json:"landing_points"`
	Countries        int      `json:"countries"`
	Segments         int      `json:"segments"`
	TerrestrialLinks int      `json:"terrestrial_links"`
	Unmapped         []string `json:"unmapped_countries"`
}

// Stats returns the atlas's counts.
func (a *Atlas) Stats() Stats {
	s := Stats{Source: a.Source, LandingPoints: len(a.LandingPoints), Countries: len(a.Countries),
		TerrestrialLinks: len(a.Links), Unmapped: []string{}}
	for i := range a.Cables {
		if a.Cables[i].Planned {
			s.PlannedCables++
		} else {
			s.Cables++
			s.Segments += len(a.Cables[i].Segments)
		}
	}
	return s
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
