package web

import (
	"cmp"
	"context"
	"math"
	"net/http"
	"net/url"
	"slices"
	"time"

	"lifeline"
	"lifeline/atlas"
	"lifeline/geo"
	"lifeline/impact"
	"lifeline/web/svgmap"
)

type atlasPage struct {
	Map     string
	Box     svgmap.Box
	BoxText string
	Regions []region
	Stats   atlas.Stats
	Source  string
	Attrib  string
	Cables  []*atlas.Cable // in view
	LPs     int            // landing points in view
}

// atlasMap is the explorer: every cable and landing point on a map of the
// world or of a region, each linked to its page.
func (s *server) atlasMap(w http.ResponseWriter, r *http.Request, rq *request) error {
	box, err := parseBox(r.URL.Query().Get("bbox"))
	if err != nil {
		return err
	}
	m := newMap(box, rq.t("map.atlas"))
	m.LinksOutOfTabOrder()
	plainCountries(m, nil)
	drawCables(m, s.atlas, allCables(s.atlas), nil)
	lps := allLandingPoints(s.atlas)
	drawLandingPoints(rq, m, lps, nil)
	p := atlasPage{Map: m.String(), Box: box, BoxText: boxParam(box), Regions: regions, Stats: s.atlas.Stats(),
		Source: s.atlas.Source, Attrib: s.atlas.Attribution}
	for _, c := range allCables(s.atlas) {
		if cableInBox(s.atlas, c, box) {
			p.Cables = append(p.Cables, c)
		}
	}
	for _, lp := range lps {
		if inBox(box, lp.Lon, lp.Lat) {
			p.LPs++
		}
	}
	slices.SortFunc(p.Cables, func(a, b *atlas.Cable) int { return cmp.Compare(a.Name, b.Name) })
	s.render(w, r, rq, http.StatusOK, "atlas", rq.t("nav.atlas"), p)
	return nil
}

func inBox(b svgmap.Box, lon, lat float64) bool {
	return lon >= b.W && lon <= b.E && lat >= b.S && lat <= b.N
}

func cableInBox(a *atlas.Atlas, c *atlas.Cable, b svgmap.Box) bool {
	for _, id := range c.LandingPoints {
		if lp, ok := a.LandingPoint(id); ok && inBox(b, lp.Lon, lp.Lat) {
			return true
		}
	}
	return false
}

// atlasSearch sends a query to the page of the cable, landing point or
// country it names.
func (s *server) atlasSearch(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query().Get("q")
	if q == "" {
		http.Redirect(w, r, "/atlas", http.StatusSeeOther)
		return nil
	}
	if c, err := s.atlas.FindCountry(q); err == nil {
		http.Redirect(w, r, "/atlas/countries/"+c.Code, http.StatusSeeOther)
		return nil
	}
	if c, err := s.atlas.FindCable(q); err == nil {
		http.Redirect(w, r, "/atlas/cables/"+url.PathEscape(c.ID), http.StatusSeeOther)
		return nil
	}
	if lp, err := s.atlas.FindLandingPoint(q); err == nil {
		http.Redirect(w, r, "/atlas/landing-points/"+url.PathEscape(lp.ID), http.StatusSeeOther)
		return nil
	}
	// Nothing matched: say so with the closest names of every kind.
	var names []string
	for _, c := range s.atlas.Countries {
		names = append(names, c.Name)
	}
	for _, c := range s.atlas.Cables {
		names = append(names, c.Name)
	}
	for _, lp := range s.atlas.LandingPoints {
		names = append(names, lp.Name)
	}
	s.render(w, r, rq, http.StatusNotFound, "search", rq.t("title.notfound"), searchPage{Query: q, Closest: atlas.Closest(q, names, 8)})
	return nil
}

type searchPage struct {
	Query   string
	Closest []string
}

type cableListPage struct {
	Cables []*atlas.Cable
}

func (s *server) cableList(w http.ResponseWriter, r *http.Request, rq *request) error {
	cs := allCables(s.atlas)
	slices.SortFunc(cs, func(a, b *atlas.Cable) int { return cmp.Compare(a.Name, b.Name) })
	s.render(w, r, rq, http.StatusOK, "cables", rq.t("cables.h1"), cableListPage{Cables: cs})
	return nil
}

type cablePage struct {
	Cable    *atlas.Cable
	Map      string
	LPs      []*atlas.LandingPoint
	Segments []atlas.Segment
	Simulate string // query of a simulation that cuts it
}

func (s *server) cablePage(w http.ResponseWriter, r *http.Request, rq *request) error {
	c, ok := s.atlas.Cable(r.PathValue("id"))
	if !ok {
		return lifeline.Errorf(lifeline.ENOTFOUND, "web.cable", "no cable %q", r.PathValue("id"))
	}
	var pts []geo.Point
	var lps []*atlas.LandingPoint
	for _, id := range c.LandingPoints {
		if lp, ok := s.atlas.LandingPoint(id); ok {
			lps = append(lps, lp)
			pts = append(pts, geo.Point{Lon: lp.Lon, Lat: lp.Lat})
		}
	}
	m := newMap(viewAround(pts), c.Name)
	m.LinksOutOfTabOrder()
	plainCountries(m, func(code string) string {
		if slices.Contains(c.Countries, code) {
			return "profiled"
		}
		return ""
	})
	drawCables(m, s.atlas, []*atlas.Cable{c}, func(*atlas.Cable) string { return "sel" })
	drawLandingPoints(rq, m, lps, nil)
	p := cablePage{Cable: c, Map: m.String(), LPs: lps, Simulate: "cable=" + url.QueryEscape(c.ID)}
	for _, i := range c.Segments {
		p.Segments = append(p.Segments, s.atlas.Segments[i])
	}
	s.render(w, r, rq, http.StatusOK, "cable", c.Name, p)
	return nil
}

// viewAround returns a view around points; a set that spans more than
// half the world is shown on the world map.
func viewAround(pts []geo.Point) svgmap.Box {
	b := svgmap.Around(pts, 3, 10)
	if b.E-b.W > 180 {
		return svgmap.World
	}
	// Widen a tall view to a landscape one, which fits a page better.
	cos := math.Max(math.Cos((b.S+b.N)/2*math.Pi/180), 0.2)
	if want := 1.4 * (b.N - b.S) / cos; b.E-b.W < want {
		d := (want - (b.E - b.W)) / 2
		b.W, b.E = math.Max(b.W-d, -180), math.Min(b.E+d, 180)
	}
	return b
}

type landingPointPage struct {
	LP     *atlas.LandingPoint
	Map    string
	Cables []*atlas.Cable
}

func (s *server) landingPointPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	lp, ok := s.atlas.LandingPoint(r.PathValue("id"))
	if !ok {
		return lifeline.Errorf(lifeline.ENOTFOUND, "web.landingPoint", "no landing point %q", r.PathValue("id"))
	}
	var cables []*atlas.Cable
	for _, c := range allCables(s.atlas) {
		if slices.Contains(c.LandingPoints, lp.ID) {
			cables = append(cables, c)
		}
	}
	m := newMap(svgmap.Around([]geo.Point{{Lon: lp.Lon, Lat: lp.Lat}}, 4, 12), lp.Name)
	m.LinksOutOfTabOrder()
	plainCountries(m, func(code string) string {
		if code == lp.Country {
			return "profiled"
		}
		return ""
	})
	drawCables(m, s.atlas, cables, nil)
	drawLandingPoints(rq, m, []*atlas.LandingPoint{lp}, func(*atlas.LandingPoint) string { return "sel" })
	s.render(w, r, rq, http.StatusOK, "landing-point", lp.Name, landingPointPage{LP: lp, Map: m.String(), Cables: cables})
	return nil
}

// profileAll returns the resilience profiles of every country, computed
// once: the atlas does not change while the server runs.
func (s *server) profileAll(ctx context.Context) ([]impact.Profile, error) {
	s.profilesOnce.Do(func() {
		s.profiles, s.profilesErr = s.graph.Assess(context.WithoutCancel(ctx), nil, 0)
	})
	return s.profiles, s.profilesErr
}

type countryListPage struct {
	Map      string
	Profiles []impact.Profile
}

// countryList ranks the countries by resilience score, weakest first, on
// a map shaded by score.
func (s *server) countryList(w http.ResponseWriter, r *http.Request, rq *request) error {
	ps, err := s.profileAll(r.Context())
	if err != nil {
		return err
	}
	ps = slices.Clone(ps)
	slices.SortStableFunc(ps, func(a, b impact.Profile) int {
		return cmp.Or(cmp.Compare(a.Score, b.Score), cmp.Compare(b.Population, a.Population))
	})
	score := map[string]int{}
	for _, p := range ps {
		score[p.Country] = p.Score
	}
	m := newMap(svgmap.World, rq.t("map.countries"))
	m.LinksOutOfTabOrder()
	plainCountries(m, func(code string) string {
		sc, ok := score[code]
		if !ok {
			return ""
		}
		return scoreClass(sc)
	})
	s.render(w, r, rq, http.StatusOK, "countries", rq.t("countries.h1"), countryListPage{Map: m.String(), Profiles: ps})
	return nil
}

// scoreClass shades a resilience score: l4 for the weakest.
func scoreClass(score int) string {
	switch {
	case score < 25:
		return "l4"
	case score < 50:
		return "l3"
	case score < 75:
		return "l2"
	}
	return "l1"
}

type countryPage struct {
	Country *atlas.Country
	Profile *impact.Profile
	Map     string
	Cables  []*atlas.Cable
	LPs     []*atlas.LandingPoint
	// N1Sim links each single point of failure to a simulation of its loss.
	N1Sim map[string]string
	// Alerts are the detector's alerts of the country and its networks.
	Alerts []alertView
}

func (s *server) countryPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	c, ok := s.atlas.Country(r.PathValue("code"))
	if !ok {
		return lifeline.Errorf(lifeline.ENOTFOUND, "web.country", "no country %q in this atlas", r.PathValue("code"))
	}
	ps, err := s.profileAll(r.Context())
	if err != nil {
		return err
	}
	p := countryPage{Country: c, N1Sim: map[string]string{}}
	for i := range ps {
		if ps[i].Country == c.Code {
			p.Profile = &ps[i]
		}
	}
	var pts []geo.Point
	for _, id := range c.LandingPoints {
		if lp, ok := s.atlas.LandingPoint(id); ok {
			p.LPs = append(p.LPs, lp)
			pts = append(pts, geo.Point{Lon: lp.Lon, Lat: lp.Lat})
		}
	}
	for _, id := range append(slices.Clone(c.Cables), c.PlannedCables...) {
		if cb, ok := s.atlas.Cable(id); ok {
			p.Cables = append(p.Cables, cb)
		}
	}
	if p.Profile != nil {
		for _, e := range p.Profile.N1 {
			switch e.Kind {
			case "cable":
				p.N1Sim[e.ID] = "cable=" + url.QueryEscape(e.ID)
			case "landing_point":
				p.N1Sim[e.ID] = "lp=" + url.QueryEscape(e.ID)
			case "country":
				p.N1Sim[e.ID] = "shutdown=" + url.QueryEscape(e.ID)
			}
		}
	}
	m := newMap(countryBox(c.Code, pts), c.Name)
	m.LinksOutOfTabOrder()
	plainCountries(m, func(code string) string {
		if code == c.Code {
			return "profiled"
		}
		return ""
	})
	drawCables(m, s.atlas, p.Cables, nil)
	drawLandingPoints(rq, m, p.LPs, nil)
	p.Map = m.String()
	if p.Alerts, err = s.alertsFor(r.Context(), rq, c.Code, s.now().Add(-7*24*time.Hour), 10); err != nil {
		return err
	}
	s.render(w, r, rq, http.StatusOK, "country", c.Name, p)
	return nil
}

// publicHome is the start page of an instance without coordination: the
// atlas and the simulator.
func (s *server) publicHome(w http.ResponseWriter, r *http.Request, rq *request) error {
	http.Redirect(w, r, "/atlas", http.StatusSeeOther)
	return nil
}
