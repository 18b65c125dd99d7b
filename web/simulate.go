package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"lifeline"
	"lifeline/atlas"
	"lifeline/geo"
	"lifeline/impact"
	"lifeline/web/svgmap"
)

type simulateFormPage struct {
	Map       string
	Cables    []*atlas.Cable
	LPs       []*atlas.LandingPoint
	Countries []atlas.Country
	Kinds     []string
	Query     url.Values      // what was chosen before, to keep it selected
	SelCables map[string]bool // ids of the cables chosen before
	SelLPs    map[string]bool // ids of the landing points chosen before
	Regions   []region
	Zoom      string // the form's address with what was chosen, for the regions' links to add a bbox to
}

// simulateForm offers the three ways to describe a crisis: pick cables,
// stations or a circle on the map (or in the lists), shut a country down,
// or upload a scenario file.
//
// The lists' options are the names of cables and landing points, not their
// ids (scenarioFromQuery takes either): the form then carries each once,
// which keeps the page within its weight on the full dataset, and the map's
// elements, titled with the same names, need no link for app.js to pick them.
func (s *server) simulateForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	box, err := parseBox(q.Get("bbox"))
	if err != nil {
		return err
	}
	p := simulateFormPage{Query: q, SelCables: map[string]bool{}, SelLPs: map[string]bool{}, Regions: regions}
	chosen := maps.Clone(q)
	chosen.Del("bbox")
	p.Zoom = "/simulate?"
	if len(chosen) > 0 {
		p.Zoom += chosen.Encode() + "&"
	}
	for _, v := range q["cable"] {
		if c, err := s.atlas.FindCable(v); err == nil {
			p.SelCables[c.ID] = true
		}
	}
	for _, v := range q["lp"] {
		if lp, err := s.atlas.FindLandingPoint(v); err == nil {
			p.SelLPs[lp.ID] = true
		}
	}
	// A region's map pulls the landing points apart: there each can be
	// picked on the map, where a world map draws them as one layer.
	m := newMap(box, rq.t("map.simulate"))
	m.SetAttr("data-pick", "sim")
	// Countries without links: a click on one sets the region's centre.
	m.Countries(func(code, name string) svgmap.Style { return svgmap.Style{} })
	in := s.atlas.InService()
	pickCables(m, s.atlas, in, func(c *atlas.Cable) string {
		if p.SelCables[c.ID] {
			return "sel"
		}
		return ""
	})
	// The stations of cables in service: losing one that only planned
	// cables land at changes nothing.
	var lps []*atlas.LandingPoint
	seen := map[string]bool{}
	for _, c := range in {
		for _, id := range c.LandingPoints {
			if lp, ok := s.atlas.LandingPoint(id); ok && !seen[id] {
				seen[id] = true
				lps = append(lps, lp)
			}
		}
	}
	pickLandingPoints(rq, m, lps, func(lp *atlas.LandingPoint) string {
		if p.SelLPs[lp.ID] {
			return "sel"
		}
		return ""
	})
	cables := slices.Clone(in)
	slices.SortFunc(cables, func(a, b *atlas.Cable) int { return cmp.Compare(a.Name, b.Name) })
	slices.SortFunc(lps, func(a, b *atlas.LandingPoint) int { return cmp.Compare(a.Name, b.Name) })
	p.Map, p.Cables, p.LPs, p.Countries, p.Kinds = m.String(), cables, lps, s.atlas.Countries, impact.RegionKinds
	s.renderScript(w, r, rq, http.StatusOK, "simulate", rq.t("nav.simulator"), p, true)
	return nil
}

// scenarioFromQuery builds a scenario from the simulator's form.
//
// Errors: EINVALID naming the field.
func (s *server) scenarioFromQuery(rq *request, q url.Values) (*impact.Scenario, error) {
	const op = "web.simulate"
	sc := &impact.Scenario{}
	var parts []string
	// Cables and landing points by id or by name: the form's lists send
	// names, links and bookmarks ids.
	if names := nonEmpty(q["cable"]); len(names) > 0 {
		var cs []string
		for _, v := range names {
			c, err := s.atlas.FindCable(v)
			if err != nil {
				return nil, err
			}
			if !slices.Contains(cs, c.ID) {
				cs = append(cs, c.ID)
			}
		}
		sc.Events = append(sc.Events, impact.Event{CutCables: cs})
		parts = append(parts, rq.t("sim.part.cables", len(cs)))
	}
	if names := nonEmpty(q["lp"]); len(names) > 0 {
		var lps []string
		for _, v := range names {
			lp, err := s.atlas.FindLandingPoint(v)
			if err != nil {
				return nil, err
			}
			if !slices.Contains(lps, lp.ID) {
				lps = append(lps, lp.ID)
			}
		}
		sc.Events = append(sc.Events, impact.Event{LandingPoints: lps})
		parts = append(parts, rq.t("sim.part.lps", len(lps)))
	}
	for _, c := range nonEmpty(q["shutdown"]) {
		sc.Events = append(sc.Events, impact.Event{Shutdown: &impact.Shutdown{Country: c}})
		parts = append(parts, rq.t("sim.part.shutdown", countryName(rq.printer, c)))
	}
	lon, lat, km := strings.TrimSpace(q.Get("lon")), strings.TrimSpace(q.Get("lat")), strings.TrimSpace(q.Get("radius_km"))
	if lon != "" || lat != "" {
		x, err1 := strconv.ParseFloat(lon, 64)
		y, err2 := strconv.ParseFloat(lat, 64)
		if err1 != nil || err2 != nil {
			return nil, lifeline.Errork(lifeline.EINVALID, op, "err.scenario.form.lonlat", "region: longitude and latitude must both be numbers, found %q and %q", truncate(lon, 20), truncate(lat, 20))
		}
		r, err := strconv.ParseFloat(cmp.Or(km, "100"), 64)
		if err != nil {
			return nil, lifeline.Errork(lifeline.EINVALID, op, "err.scenario.form.radius", "region: radius_km: expected a number of kilometres, found %q", truncate(km, 20))
		}
		kind := cmp.Or(q.Get("kind"), "other")
		sc.Events = append(sc.Events, impact.Event{Region: &impact.Region{Kind: kind, Circle: &impact.Circle{Center: []float64{x, y}, RadiusKm: r}}})
		parts = append(parts, rq.t("sim.part.region", enumName(rq.printer, "hazard", kind), fmt.Sprintf("%g", r), fmt.Sprintf("%g, %g", x, y)))
	}
	if len(sc.Events) == 0 {
		return nil, lifeline.Errork(lifeline.EINVALID, op, "err.scenario.form.none", "choose at least one cable, landing point, country or region")
	}
	sc.Name = strings.Join(parts, rq.t("list.semi"))
	if err := sc.Validate(); err != nil {
		return nil, err // EINVALID, keyed
	}
	return sc, nil
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// simulateResult runs the scenario the form describes; a GET, so a result
// can be bookmarked, shared and revalidated with its ETag.
func (s *server) simulateResult(w http.ResponseWriter, r *http.Request, rq *request) error {
	sc, err := s.scenarioFromQuery(rq, r.URL.Query())
	if err != nil {
		return err
	}
	return s.runScenario(w, r, rq, sc, r.URL.Query().Get("bbox"))
}

// simulateUpload runs an uploaded (or pasted) scenario file.
func (s *server) simulateUpload(w http.ResponseWriter, r *http.Request, rq *request) error {
	const op = "web.simulateUpload"
	name := rq.t("sim.pasted")
	var text string
	if f, h, err := r.FormFile("scenario"); err == nil {
		defer f.Close()
		name = h.Filename
		b := new(strings.Builder)
		if _, err := copyLimited(b, f, maxUpload); err != nil {
			return lifeline.Errorf(lifeline.EINVALID, op, "%s: %v", name, err)
		}
		text = b.String()
	}
	if strings.TrimSpace(text) == "" {
		text = r.PostFormValue("yaml")
	}
	if strings.TrimSpace(text) == "" {
		return lifeline.Errork(lifeline.EINVALID, op, "err.scenario.form.nofile", "choose a scenario file or paste one")
	}
	sc, err := impact.ParseScenario(strings.NewReader(text), name)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.runScenario(w, r, rq, sc, "")
}

type simulateResultPage struct {
	Scenario *impact.Scenario
	YAML     string
	Result   *impact.Result
	Affected []impact.CountryImpact
	Map      string
	Failed   []*atlas.Cable
	Sampled  bool
	Regions  []region
	Query    string // the form's query without bbox, for zoom links
	Again    string // the form's query, to change the selection
	ByRegion []regionLossRow
	Demand   []demandRow
}

// regionLossRow is one country's losses towards the world's regions: the
// regions it can no longer reach, and its circuits lost to the others.
type regionLossRow struct {
	Country string
	Cells   []string
}

// regionLossOf lists the regions a country is cut off from, or loses at least
// 1% of its circuits to; an empty row when there are none.
func regionLossOf(rq *request, c impact.CountryImpact) regionLossRow {
	row := regionLossRow{}
	if !c.ReachableBefore {
		return row
	}
	for _, r := range c.Regions {
		name := worldRegionName(rq, r.Region)
		switch {
		case !r.Reachable:
			row.Cells = append(row.Cells, rq.t("simreg.cutoff", name))
		case r.CircuitLoss >= 0.01:
			row.Cells = append(row.Cells, rq.t("simreg.loss", name, rq.printer.Pct(r.CircuitLoss)))
		}
	}
	if len(row.Cells) > 0 {
		row.Country = c.Country
	}
	return row
}

// worldRegionName names one of impact.DefaultRegions in the reader's
// language (the "wregion" enumeration, as the incident's impact panel
// does); another region keeps the name it was given.
func worldRegionName(rq *request, name string) string {
	return enumName(rq.printer, "wregion", name)
}

// runScenario runs sc with a bounded number of samples, at most two at
// once, and renders the impact map and table.
func (s *server) runScenario(w http.ResponseWriter, r *http.Request, rq *request, sc *impact.Scenario, bbox string) error {
	box, err := parseBox(bbox)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), 60*time.Second)
	defer cancel()
	select {
	case s.simSlots <- struct{}{}:
		defer func() { <-s.simSlots }()
	case <-ctx.Done():
		return lifeline.Errork(lifeline.ECONFLICT, "web.simulate", "err.scenario.busy", "the simulator is busy; try again in a minute")
	}
	samples := s.cfg.MaxSamples
	res, err := s.graph.Simulate(ctx, sc, impact.RunOptions{Samples: samples, FlowSamples: min(samples, 200), Seed: 1, Workers: 1})
	if err != nil {
		return scenarioInvalid(err)
	}
	y, _ := yaml.Marshal(sc)
	p := simulateResultPage{Scenario: sc, YAML: string(y), Result: res, Sampled: res.Samples > 1, Regions: regions}
	loss := map[string]float64{}
	for _, c := range res.Countries {
		if row := regionLossOf(rq, c); row.Country != "" {
			p.ByRegion = append(p.ByRegion, row)
		}
		// A country with no path even before (its cables all planned)
		// loses nothing to the scenario.
		if c.ReachableBefore && (c.CapacityLoss > 0 || c.PUnreachable > 0) {
			p.Affected = append(p.Affected, c)
			loss[c.Country] = c.CapacityLoss
			if !c.Reachable {
				loss[c.Country] = 1
			}
		}
	}
	p.Demand = demandRows(p.Affected)
	failed := map[string]bool{}
	for _, id := range res.Failed.Cables {
		failed[id] = true
		if c, ok := s.atlas.Cable(id); ok {
			p.Failed = append(p.Failed, c)
		}
	}
	m := newMap(box, rq.t("map.impact", sc.Name))
	m.LinksOutOfTabOrder()
	plainCountries(m, func(code string) string { return lossClass(loss[code]) })
	drawCables(m, s.atlas, s.atlas.InService(), func(c *atlas.Cable) string {
		if failed[c.ID] {
			return "failed"
		}
		return ""
	})
	lpFailed := map[string]bool{}
	for _, id := range res.Failed.LandingPoints {
		lpFailed[id] = true
	}
	var lps []*atlas.LandingPoint
	for _, id := range res.Failed.LandingPoints {
		if lp, ok := s.atlas.LandingPoint(id); ok {
			lps = append(lps, lp)
		}
	}
	drawLandingPoints(rq, m, lps, func(*atlas.LandingPoint) string { return "failed" })
	for _, e := range sc.Events {
		if e.Region != nil {
			drawRegion(m, e.Region)
		}
	}
	p.Map = m.String()
	q := r.URL.Query()
	q.Del("bbox")
	p.Query = q.Encode()
	p.Again = q.Encode()
	s.render(w, r, rq, http.StatusOK, "simulate-result", rq.t("sim.title"), p)
	return nil
}

// lossClass shades a capacity loss.
func lossClass(loss float64) string {
	switch {
	case loss <= 0:
		return ""
	case loss >= 1:
		return "l4"
	case loss >= 0.5:
		return "l3"
	case loss >= 0.25:
		return "l2"
	}
	return "l1"
}

func drawRegion(m *svgmap.Map, reg *impact.Region) {
	var ring []geo.Point
	switch {
	case reg.Circle != nil && len(reg.Circle.Center) == 2:
		ring = geo.Circle(geo.Point{Lon: reg.Circle.Center[0], Lat: reg.Circle.Center[1]}, reg.Circle.RadiusKm, 48)
	case len(reg.Polygon) >= 3:
		for _, p := range reg.Polygon {
			if len(p) == 2 {
				ring = append(ring, geo.Point{Lon: p[0], Lat: p[1]})
			}
		}
		ring = append(ring, ring[0])
	}
	if len(ring) > 0 {
		m.Polygon([][]geo.Point{ring}, svgmap.Style{Class: "area", Title: reg.Kind + " region"})
	}
}

// scenarioInvalid makes a name the atlas lacks (ENOTFOUND: a cable, a
// landing point, a country of the scenario) a mistake of the scenario the
// page shows, with the closest names, rather than a page that is not
// there.
func scenarioInvalid(err error) error {
	var le *lifeline.Error
	if errors.As(err, &le) && le.Code == lifeline.ENOTFOUND {
		c := *le
		c.Code = lifeline.EINVALID
		return &c
	}
	return err
}
