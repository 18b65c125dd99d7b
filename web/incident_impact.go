package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"lifeline"
	"lifeline/atlas"
	"lifeline/coord"
	"lifeline/geo"
	"lifeline/impact"
	"lifeline/web/svgmap"
)

// The incident page's two engine sections: the estimated impact of the
// elements the incident names, and, while it is open, the candidate
// failures that explain the countries that dropped ("which cable was
// cut?"), which a coordinator may accept.

// impactPanel is what an incident's named elements cost, as the page
// shows it.
type impactPanel struct {
	Rows    []impactRow
	More    int // affected countries not listed
	Regions []regionRow
}

// impactRow is one affected country.
type impactRow struct {
	Country   string
	Reachable bool
	Core      float64 // capacity to the core lost
	Regions   []regionLoss
}

type regionLoss struct {
	Region string
	Loss   float64
}

// regionRow sums a region: how many countries lose circuits towards it,
// and the largest loss.
type regionRow struct {
	Region    string
	Countries int
	Worst     string
	WorstLoss float64
}

// impactRows is how many affected countries the panel lists: the page
// must stay light on a satellite share.
const impactRows = 15

// engineCache keeps the engine's answers for an incident's elements and
// drops, which change only with the incident: at most engineCacheSize
// entries, the oldest dropped first.
type engineCache struct {
	mu    sync.Mutex
	keys  []string
	items map[string]any
}

const engineCacheSize = 64

func (c *engineCache) get(key string, compute func() (any, error)) (any, error) {
	c.mu.Lock()
	v, ok := c.items[key]
	c.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := compute()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.items == nil {
		c.items = map[string]any{}
	}
	if _, ok := c.items[key]; !ok {
		c.keys = append(c.keys, key)
		if len(c.keys) > engineCacheSize {
			delete(c.items, c.keys[0])
			c.keys = c.keys[1:]
		}
	}
	c.items[key] = v
	return v, nil
}

// elementsImpact runs the failure of the incident's elements; nil when it
// names none the engine models (it is logged if the engine refuses them).
func (s *server) elementsImpact(ctx context.Context, in *coord.Incident) *impact.Result {
	if len(in.Elements) == 0 {
		return nil
	}
	key := "impact\x00" + strings.Join(in.Elements, "\x00")
	v, err := s.engine.get(key, func() (any, error) {
		return s.graph.SimulateElements(ctx, in.ID, in.Elements)
	})
	if err != nil {
		s.log.Warn("web: incident impact", "incident", in.ID, "err", lifeline.Trace(err))
		return nil
	}
	return v.(*impact.Result)
}

// impactPanelOf turns a result into the panel: the affected countries,
// most affected first, with their losses towards the regions their own
// cables reach, and each region's sum.
func impactPanelOf(r *impact.Result) *impactPanel {
	if r == nil {
		return nil
	}
	p := &impactPanel{}
	regs := map[string]*regionRow{}
	var order []string
	for _, c := range r.Countries {
		if c.ObservedLoss() < 0.005 && c.Reachable {
			continue
		}
		row := impactRow{Country: c.Country, Reachable: c.Reachable, Core: c.CapacityLoss}
		own := slices.ContainsFunc(c.Regions, func(x impact.RegionImpact) bool { return x.DirectBeforeGbps > 0 })
		for _, x := range c.Regions {
			if (own && x.DirectBeforeGbps == 0) || x.CircuitLoss < 0.005 {
				continue
			}
			row.Regions = append(row.Regions, regionLoss{Region: x.Region, Loss: x.CircuitLoss})
			rr := regs[x.Region]
			if rr == nil {
				rr = &regionRow{Region: x.Region}
				regs[x.Region] = rr
				order = append(order, x.Region)
			}
			if x.CircuitLoss > impact.DropFloor {
				rr.Countries++
			}
			if x.CircuitLoss > rr.WorstLoss {
				rr.Worst, rr.WorstLoss = c.Country, x.CircuitLoss
			}
		}
		slices.SortStableFunc(row.Regions, func(a, b regionLoss) int {
			if a.Loss != b.Loss {
				if a.Loss > b.Loss {
					return -1
				}
				return 1
			}
			return strings.Compare(a.Region, b.Region)
		})
		if len(p.Rows) < impactRows {
			p.Rows = append(p.Rows, row)
		} else {
			p.More++
		}
	}
	for _, name := range order {
		p.Regions = append(p.Regions, *regs[name])
	}
	slices.SortStableFunc(p.Regions, func(a, b regionRow) int {
		if a.WorstLoss != b.WorstLoss {
			if a.WorstLoss > b.WorstLoss {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Region, b.Region)
	})
	return p
}

// candidatesView is the attribution section of an open incident.
type candidatesView struct {
	Observed   []coord.Drop
	Candidates []candidateView
	Accept     bool // the viewer may accept one
	Message    string
}

type candidateView struct {
	Elements        []string
	Names           []elementRef
	Score           float64
	Fit             []impact.Prediction
	EquivalentCount int
	Accepted        bool // every element is already among the incident's
}

// candidatesShown is how many candidates the page shows.
const candidatesShown = 5

// incidentCandidates ranks the failures that explain an open incident's
// drops; nil for a closed incident. The ranking is cached by incident
// version and drops.
func (s *server) incidentCandidates(ctx context.Context, rq *request, in *coord.Incident) *candidatesView {
	if !open(in) {
		return nil
	}
	var extra []coord.Drop
	if s.cfg.Drops != nil {
		var err error
		if extra, err = s.cfg.Drops(ctx, rq.viewer, in); err != nil {
			s.log.Warn("web: incident drops", "incident", in.ID, "err", lifeline.Trace(err))
		}
	}
	drops := coord.DropsOf(in, extra)
	v := &candidatesView{Observed: drops, Accept: coord.CanCoordinate(rq.viewer, in.Marking)}
	var obs []impact.Observation
	for _, d := range drops {
		if _, ok := s.atlas.Country(d.Country); ok {
			obs = append(obs, impact.Observation{Country: d.Country, Drop: d.Share})
		}
	}
	if !slices.ContainsFunc(obs, func(o impact.Observation) bool { return o.Drop > impact.DropFloor }) {
		v.Message = rq.t("cand.none")
		return v
	}
	key := fmt.Sprintf("cand\x00%v", obs)
	got, err := s.engine.get(key, func() (any, error) {
		return s.graph.Attribute(ctx, obs, impact.AttributeOptions{Limit: candidatesShown, Workers: 1})
	})
	if err != nil {
		s.log.Warn("web: incident candidates", "incident", in.ID, "err", lifeline.Trace(err))
		v.Message = rq.errText(err)
		return v
	}
	for _, c := range got.(*impact.Attribution).Candidates {
		cv := candidateView{Elements: c.Elements, Score: c.Score, Fit: c.Predicted, EquivalentCount: c.EquivalentCount}
		cv.Accepted = true
		for _, e := range c.Elements {
			cv.Names = append(cv.Names, s.elementRef(rq, e))
			if !slices.Contains(in.Elements, e) {
				cv.Accepted = false
			}
		}
		v.Candidates = append(v.Candidates, cv)
	}
	return v
}

// incidentAccept accepts a candidate: its elements join the incident's
// affected elements, through the service, which checks the viewer's right.
func (s *server) incidentAccept(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	f := r.PostForm
	score, _ := strconv.ParseFloat(f.Get("score"), 64)
	ver, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	upd := coord.IncidentUpdate{AcceptCandidate: &coord.CandidateAccept{Elements: nonEmpty(f["element"]), Score: score}, IfVersion: ver}
	in, err := s.svc.Incidents.UpdateIncident(r.Context(), rq.viewer, r.PathValue("id"), upd)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/incidents/"+url.PathEscape(in.ID)+"#impact", http.StatusSeeOther)
	return nil
}

// segmentRef names a segment: its place along its cable and its ends.
func (s *server) segmentRef(rq *request, id string) (elementRef, bool) {
	seg, ok := s.atlas.Segment(id)
	if !ok {
		return elementRef{}, false
	}
	c, _ := s.atlas.Cable(seg.Cable)
	end := func(node string) string {
		if lp, ok := s.atlas.LandingPoint(node); ok {
			return lp.Name
		}
		return rq.t("element.bu")
	}
	return elementRef{Name: rq.t("element.segment", seg.Index, c.Name, end(seg.From), end(seg.To)), URL: "/atlas/cables/" + url.PathEscape(c.ID)}, true
}

// drawIncidentElements draws what an incident names on its map: a cable
// named whole as failed; a segment where it is — its cable drawn plain,
// the segment as failed, with a mark at its middle; a landing point as a
// failed point. It returns the points the map should show.
func (s *server) drawIncidentElements(rq *request, m *svgmap.Map, in *coord.Incident) {
	var whole, plain []*atlas.Cable
	for _, e := range in.Elements {
		kind, id, _ := strings.Cut(e, ":")
		switch kind {
		case "cable":
			if c, ok := s.atlas.Cable(id); ok && !slices.Contains(whole, c) {
				whole = append(whole, c)
			}
		case "segment":
			if seg, ok := s.atlas.Segment(id); ok {
				if c, ok := s.atlas.Cable(seg.Cable); ok && !slices.Contains(plain, c) {
					plain = append(plain, c)
				}
			}
		}
	}
	plain = slices.DeleteFunc(plain, func(c *atlas.Cable) bool { return slices.Contains(whole, c) })
	drawCables(m, s.atlas, plain, nil)
	drawCables(m, s.atlas, whole, func(*atlas.Cable) string { return "failed" })
	for _, e := range in.Elements {
		kind, id, _ := strings.Cut(e, ":")
		switch kind {
		case "segment":
			seg, ok := s.atlas.Segment(id)
			if !ok || len(seg.Path) == 0 {
				continue
			}
			name, _ := s.segmentRef(rq, id)
			m.Line(seg.Path, svgmap.Style{Class: "cable failed", Title: name.Name})
			mid := seg.Path[len(seg.Path)/2]
			m.Point(geo.Point{Lon: mid[0], Lat: mid[1]}, 4, svgmap.Style{Class: "lp failed", Title: name.Name})
		case "landing_point":
			if lp, ok := s.atlas.LandingPoint(id); ok {
				m.Point(geo.Point{Lon: lp.Lon, Lat: lp.Lat}, 4, svgmap.Style{Class: "lp failed", Title: lp.Name})
			}
		}
	}
}

// elementPoints are the places an incident's elements cover, to frame its
// map: a whole cable's landing points, a segment's path.
func (s *server) elementPoints(in *coord.Incident) []geo.Point {
	var pts []geo.Point
	for _, e := range in.Elements {
		kind, id, _ := strings.Cut(e, ":")
		switch kind {
		case "cable":
			if c, ok := s.atlas.Cable(id); ok {
				for _, lpID := range c.LandingPoints {
					if lp, ok := s.atlas.LandingPoint(lpID); ok {
						pts = append(pts, geo.Point{Lon: lp.Lon, Lat: lp.Lat})
					}
				}
			}
		case "segment":
			if seg, ok := s.atlas.Segment(id); ok {
				for _, p := range seg.Path {
					pts = append(pts, geo.Point{Lon: p[0], Lat: p[1]})
				}
			}
		case "landing_point":
			if lp, ok := s.atlas.LandingPoint(id); ok {
				pts = append(pts, geo.Point{Lon: lp.Lon, Lat: lp.Lat})
			}
		}
	}
	return pts
}
