package atlas

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"lifeline"
	"lifeline/geo"
)

// Where a landing point may lie. Landing stations sit on the coast, so a
// point within NearCountryKm of its country's land is plausible. Remote
// islands (outer atolls, Rodrigues, Annobón) are often missing from the
// country shapes, so a point farther out is still plausible up to
// RemoteIslandKm, provided it is not on another country's land: that is the
// mark of a wrong country or of swapped coordinates.
const (
	NearCountryKm  = 100
	RemoteIslandKm = 1000
)

// PlausibleLocation reports whether p is a plausible place for a landing
// point in the country, and if not, says why.
func PlausibleLocation(country string, p geo.Point) (bool, string) {
	d, ok := geo.DistanceToCountryKm(country, p)
	if !ok || d <= NearCountryKm {
		return true, ""
	}
	if d > RemoteIslandKm {
		return false, fmt.Sprintf("lies %.0f km from %s; want at most %d km", d, country, RemoteIslandKm)
	}
	for _, c := range geo.Countries() {
		if c.Code != country && geo.Contains(c.Code, p) {
			return false, fmt.Sprintf("lies in %s (%s), %.0f km from %s", c.Name, c.Code, d, country)
		}
	}
	return true, ""
}

// maxProblems bounds how many problems one validation error lists.
const maxProblems = 25

// Option configures Compile.
type Option func(*options)

type options struct {
	name      string
	overrides []Override
	asOf      int
	legs      []Leg // nil: the embedded legs.csv
	asOfMonth int   // 1–12 with asOf: the end of that month instead of the year's
}

// WithAsOf compiles the atlas as it stood at the end of the year: cables
// ready for service later are left out, and capacities are those of that
// year (docs/atlas.md). 0, the default, means now.
func WithAsOf(year int) Option { return func(o *options) { o.asOf, o.asOfMonth = year, 0 } }

// WithAsOfMonth compiles the atlas as it stood at the end of a month of a
// year: as WithAsOf, and cables whose ready-for-service month of that year
// is known and later are left out too. An event of June 2005 then runs
// without the systems that entered service in December 2005; a cable whose
// month is not known counts as ready in its year, as with WithAsOf.
// Capacities are those of the year. month 0 is WithAsOf.
func WithAsOfMonth(year, month int) Option {
	return func(o *options) { o.asOf, o.asOfMonth = year, month }
}

// WithName sets the name (a path or description) that prefixes errors and
// becomes the atlas's Source when the document has none.
func WithName(name string) Option { return func(o *options) { o.name = name } }

// WithOverrides applies capacity overrides (see ReadOverrides).
func WithOverrides(ov []Override) Option {
	return func(o *options) { o.overrides = append(o.overrides, ov...) }
}

// ValidationError lists every problem found in a document, each naming the
// record and field. Compile returns it wrapped in a *lifeline.Error with code
// EINVALID.
type ValidationError struct {
	Name     string   // the file or description of the document
	Problems []string // at most maxProblems
	More     int      // problems found beyond those listed
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problem", e.Name, len(e.Problems)+e.More)
	if len(e.Problems)+e.More != 1 {
		b.WriteString("s")
	}
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p)
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "\n  … and %d more", e.More)
	}
	return b.String()
}

func (e *ValidationError) addf(format string, args ...any) {
	if len(e.Problems) >= maxProblems {
		e.More++
		return
	}
	e.Problems = append(e.Problems, fmt.Sprintf(format, args...))
}

// Compile validates a document and builds the atlas: it splits routes into
// segments, derives terrestrial links from land borders, and estimates
// capacities. The document is not modified.
//
// Errors: EINVALID, wrapping a *ValidationError that lists every problem —
// a landing point outside its country's plausible area, a cable with fewer
// than two landing points, a reference to an unknown landing point, a
// duplicate id, a bad coordinate, a bad override. Nothing is returned then.
func Compile(doc *Document, opts ...Option) (*Atlas, error) {
	o := options{name: "atlas"}
	for _, opt := range opts {
		opt(&o)
	}
	v := &ValidationError{Name: o.name}
	doc, err := withRetired(doc, o.asOf)
	if err != nil {
		return nil, lifeline.Errorf(lifeline.EINTERNAL, "atlas.Compile", "retired systems: %v", err)
	}
	a := &Atlas{Source: doc.Source, Attribution: doc.Attribution}
	if a.Source == "" {
		a.Source = o.name
	}

	// Retired systems are left out, and so are the landing points that only
	// they used.
	retiredCable := make([]bool, len(doc.Cables))
	usedBy := map[string]int{} // landing point id → 1 kept cable, 2 only retired ones
	for i := range doc.Cables {
		dc := &doc.Cables[i]
		retiredCable[i] = !inService(0, max(dc.Retired, retiredBy(dc.ID)), o.asOf)
		for _, id := range dc.LandingPoints {
			if !retiredCable[i] {
				usedBy[id] = 1
			} else if usedBy[id] == 0 {
				usedBy[id] = 2
			}
		}
	}
	a.lpIdx = make(map[string]int, len(doc.LandingPoints))
	bad := map[string]bool{} // landing points already reported
	for i, lp := range doc.LandingPoints {
		if usedBy[lp.ID] == 2 {
			continue
		}
		where := fmt.Sprintf("landing point %q", lp.ID)
		if lp.ID == "" {
			where = fmt.Sprintf("landing point #%d", i+1)
			v.addf("%s: id: want a non-empty id", where)
			continue
		}
		if _, dup := a.lpIdx[lp.ID]; dup {
			v.addf("%s: id: duplicate", where)
			continue
		}
		if !validLonLat(lp.Lon, lp.Lat) {
			v.addf("%s: lon/lat: want -180..180 and -90..90, found %v, %v", where, lp.Lon, lp.Lat)
			bad[lp.ID] = true
			continue
		}
		if _, ok := geo.Lookup(lp.Country); !ok {
			v.addf("%s: country: want an ISO 3166-1 alpha-2 code, found %q", where, lp.Country)
			bad[lp.ID] = true
			continue
		}
		if ok, why := PlausibleLocation(lp.Country, geo.Point{Lon: lp.Lon, Lat: lp.Lat}); !ok {
			v.addf("%s: lon/lat %.4f, %.4f %s (check the coordinates or the country)", where, lp.Lon, lp.Lat, why)
			bad[lp.ID] = true
			continue
		}
		lp.Offshore = lp.Offshore || isOffshore(lp.ID)
		a.lpIdx[lp.ID] = len(a.LandingPoints)
		a.LandingPoints = append(a.LandingPoints, lp)
	}

	a.cableIdx = make(map[string]int, len(doc.Cables))
	for i := range doc.Cables {
		dc := &doc.Cables[i]
		if retiredCable[i] {
			continue // retired by the year asked for
		}
		c, ok := compileCable(a, dc, i, v, bad)
		if !ok {
			continue
		}
		a.cableIdx[c.ID] = len(a.Cables)
		a.Cables = append(a.Cables, c)
	}
	if len(v.Problems) > 0 {
		return nil, &lifeline.Error{Code: lifeline.EINVALID, Op: "atlas.Compile", Err: v}
	}
	sort.Slice(a.Cables, func(i, j int) bool { return a.Cables[i].ID < a.Cables[j].ID })
	for i := range a.Cables {
		a.cableIdx[a.Cables[i].ID] = i
	}
	sort.Slice(a.LandingPoints, func(i, j int) bool { return a.LandingPoints[i].ID < a.LandingPoints[j].ID })
	for i := range a.LandingPoints {
		a.lpIdx[a.LandingPoints[i].ID] = i
	}

	legs := o.legs
	if legs == nil {
		legs = embeddedLegs()
	}
	for i := range a.Cables {
		c := &a.Cables[i]
		segs, length := buildSegments(a, c, legsOf(legs, c))
		for _, s := range segs {
			c.Segments = append(c.Segments, len(a.Segments))
			a.Segments = append(a.Segments, s)
		}
		if o.asOf > 0 && (c.RFSYear > o.asOf || (c.RFSYear == o.asOf && o.asOfMonth > 0 && c.RFSMonth > o.asOfMonth)) {
			c.Planned = true // not yet in service in that year
		}
		if c.LengthKm == 0 {
			c.LengthKm = math.Round(length)
			c.LengthFrom = "route"
		}
		if est := estimateCableCapacity(c.ID, c.RFSYear, o.asOf); c.Capacity.Confidence == "" || est.Confidence == Reported {
			// A dated published figure beats the document's undated one.
			c.Capacity = est
		}
	}
	buildCountries(a, o.asOf)
	a.Gateways = gatewaysAsOf(a, o.asOf)
	a.AsOf, a.AsOfMonth = o.asOf, o.asOfMonth
	if err := applyOverrides(a, o.overrides); err != nil {
		return nil, err
	}
	return a, nil
}

func validLonLat(lon, lat float64) bool {
	return lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90 && !math.IsNaN(lon) && !math.IsNaN(lat)
}

func compileCable(a *Atlas, dc *DocumentCable, i int, v *ValidationError, bad map[string]bool) (Cable, bool) {
	where := fmt.Sprintf("cable %q", dc.ID)
	if dc.ID == "" {
		v.addf("cable #%d: id: want a non-empty id", i+1)
		return Cable{}, false
	}
	if _, dup := a.cableIdx[dc.ID]; dup {
		v.addf("%s: id: duplicate", where)
		return Cable{}, false
	}
	ok := true
	if strings.TrimSpace(dc.Name) == "" {
		v.addf("%s: name: want a non-empty name", where)
		ok = false
	}
	if dc.RFSYear != 0 && (dc.RFSYear < 1850 || dc.RFSYear > 2100) {
		v.addf("%s: rfs_year: want a year between 1850 and 2100, found %d", where, dc.RFSYear)
	}
	if dc.RFSMonth < 0 || dc.RFSMonth > 12 || (dc.RFSMonth != 0 && dc.RFSYear == 0) {
		v.addf("%s: rfs_month: want a month from 1 to 12 of a known rfs_year, found %d", where, dc.RFSMonth)
		ok = false
	}
	if dc.LengthKm < 0 || math.IsNaN(dc.LengthKm) || dc.LengthKm > 100000 {
		v.addf("%s: length_km: want 0 (unknown) to 100000, found %v", where, dc.LengthKm)
		ok = false
	}
	if dc.CapacityGbps < 0 || math.IsNaN(dc.CapacityGbps) {
		v.addf("%s: capacity_gbps: want a positive number, found %v", where, dc.CapacityGbps)
		ok = false
	}
	seen := make(map[string]bool, len(dc.LandingPoints))
	var lps []string
	countries := map[string]bool{}
	for _, id := range dc.LandingPoints {
		if seen[id] {
			continue // listed twice: keep the first
		}
		seen[id] = true
		j, exists := a.lpIdx[id]
		if !exists {
			if !bad[id] {
				v.addf("%s: landing_points: unknown landing point %q", where, id)
			}
			ok = false
			continue
		}
		lps = append(lps, id)
		countries[a.LandingPoints[j].Country] = true
	}
	switch {
	case !ok:
	case len(lps) < 2 && !dc.Planned:
		v.addf("%s: landing_points: want at least 2 distinct landing points, found %d", where, len(lps))
		ok = false
	case len(lps) < 1:
		// A planned cable may have landing sites still to be decided.
		v.addf("%s: landing_points: want at least 1 landing point for a planned cable, found none", where)
		ok = false
	}
	for li, line := range dc.Route {
		for pi, p := range line {
			if !validLonLat(p[0], p[1]) {
				v.addf("%s: route[%d][%d]: want [lon, lat] within -180..180, -90..90, found %v", where, li, pi, p)
				ok = false
				break
			}
		}
	}
	if !ok {
		return Cable{}, false
	}
	length := dc.LengthKm
	if dc.LengthFrom == "route" {
		length = 0 // computed when the file was written: compute it again
	}
	c := Cable{ID: dc.ID, Name: dc.Name, RFSYear: dc.RFSYear, RFSMonth: dc.RFSMonth, LengthKm: length, LengthFrom: "reported",
		Planned: dc.Planned, Owners: dc.Owners, LandingPoints: lps, Countries: sortedKeys(countries),
		URL: dc.URL, Source: dc.Source, Route: dc.Route}
	if dc.CapacityGbps > 0 {
		c.Capacity = Capacity{Gbps: dc.CapacityGbps, Rule: "reported", Source: dc.CapacitySource, Confidence: Reported}
	}
	return c, true
}

// buildCountries fills in the atlas's countries: every country with a
// landing point or a land border, with its cables and its border links.
func buildCountries(a *Atlas, asOf int) {
	byCode := map[string]*Country{}
	get := func(code string) *Country {
		if c, ok := byCode[code]; ok {
			return c
		}
		gc, _ := geo.Lookup(code)
		c := &Country{Code: code, Name: gc.Name, Population: gc.Population}
		byCode[code] = c
		return c
	}
	for _, lp := range a.LandingPoints {
		c := get(lp.Country)
		c.LandingPoints = append(c.LandingPoints, lp.ID)
	}
	for i := range a.Cables {
		cb := &a.Cables[i]
		for _, code := range cb.Countries {
			c := get(code)
			if cb.Planned {
				c.PlannedCables = append(c.PlannedCables, cb.ID)
			} else {
				c.Cables = append(c.Cables, cb.ID)
			}
		}
	}
	for _, b := range geo.Borders() {
		ca, cb := get(b[0]), get(b[1])
		ca.Neighbours = append(ca.Neighbours, cb.Code)
		cb.Neighbours = append(cb.Neighbours, ca.Code)
		a.Links = append(a.Links, Link{ID: b[0] + "-" + b[1], A: b[0], B: b[1], Kind: "border",
			Capacity: estimateBorderCapacity(b[0]+"-"+b[1], asOf)})
	}
	t, err := facts()
	if err == nil {
		have := map[string]bool{}
		for _, l := range a.Links {
			have[l.ID] = true
		}
		for _, x := range t.crossings {
			if have[x.ID] || (asOf > 0 && asOf < x.From) {
				continue
			}
			ca, cb := get(x.ID[:2]), get(x.ID[3:])
			ca.Neighbours = append(ca.Neighbours, cb.Code)
			cb.Neighbours = append(cb.Neighbours, ca.Code)
			a.Links = append(a.Links, Link{ID: x.ID, A: ca.Code, B: cb.Code, Kind: "crossing", Name: x.Name,
				Capacity: estimateBorderCapacity(x.ID, asOf)})
		}
	}
	a.Countries = make([]Country, 0, len(byCode))
	for _, c := range byCode {
		sort.Strings(c.LandingPoints)
		sort.Strings(c.Cables)
		sort.Strings(c.PlannedCables)
		sort.Strings(c.Neighbours)
		a.Countries = append(a.Countries, *c)
	}
	sort.Slice(a.Countries, func(i, j int) bool { return a.Countries[i].Code < a.Countries[j].Code })
	sort.Slice(a.Links, func(i, j int) bool { return a.Links[i].ID < a.Links[j].ID })
	a.countryIdx = make(map[string]int, len(a.Countries))
	for i, c := range a.Countries {
		a.countryIdx[c.Code] = i
	}
}

// withRetired adds to a copy of the document the systems of retired.json
// that were in service in the year asOf (never for now), with the landing
// points they need that the document lacks. A system is added only when
// the document does not hold a cable of that id already.
func withRetired(doc *Document, asOf int) (*Document, error) {
	if asOf == 0 {
		return doc, nil
	}
	rd, err := retiredSystems()
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, c := range doc.Cables {
		have[c.ID] = true
	}
	lps := map[string]bool{}
	for _, lp := range doc.LandingPoints {
		lps[lp.ID] = true
	}
	out := *doc
	out.Cables = doc.Cables
	out.LandingPoints = doc.LandingPoints
	copied := false
	for _, c := range rd.Cables {
		if have[c.ID] || !inService(c.RFSYear, c.Retired, asOf) {
			continue
		}
		if !copied {
			out.Cables = append([]DocumentCable(nil), doc.Cables...)
			out.LandingPoints = append([]LandingPoint(nil), doc.LandingPoints...)
			copied = true
		}
		for _, id := range c.LandingPoints {
			if lps[id] {
				continue
			}
			for _, lp := range rd.LandingPoints {
				if lp.ID == id {
					out.LandingPoints = append(out.LandingPoints, lp)
					lps[id] = true
				}
			}
		}
		out.Cables = append(out.Cables, c)
	}
	return &out, nil
}
