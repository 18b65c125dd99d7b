package impact

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"lifeline"
)

// attributionEvent is one event of testdata/attribution: what monitoring
// saw and the cables the reports say were cut, written from the reports.
type attributionEvent struct {
	Event    string        `yaml:"event"`
	Date     string        `yaml:"date"`
	AsOf     int           `yaml:"as_of"`
	Reports  []string      `yaml:"reports"`
	Cables   []string      `yaml:"cables"`
	Observed []Observation `yaml:"observed"`
}

func readAttributionEvents(t *testing.T) map[string]attributionEvent {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "attribution", "*.yaml"))
	if err != nil || len(files) < 4 {
		t.Fatalf("%d attribution events, %v; want at least 4", len(files), err)
	}
	out := map[string]attributionEvent{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var ev attributionEvent
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&ev); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(ev.Reports) == 0 || len(ev.Cables) == 0 || len(ev.Observed) == 0 || ev.AsOf == 0 {
			t.Fatalf("%s: want reports, cables, observations and as_of", f)
		}
		for _, r := range ev.Reports {
			if !strings.Contains(r, "http") {
				t.Fatalf("%s: report %q gives no address", f, r)
			}
		}
		out[filepath.Base(f)] = ev
	}
	return out
}

// onCut reports whether every element of a candidate lies on a cable the
// reports say was cut: the candidate is right, if perhaps incomplete.
func onCut(c Candidate, cables []string) bool {
	for _, e := range c.Elements {
		id, ok := strings.CutPrefix(e, "segment:")
		if !ok {
			return false
		}
		cab, _, _ := strings.Cut(id, "/")
		if !slices.Contains(cables, cab) {
			return false
		}
	}
	return true
}

// TestAttributionHistory ranks the candidates of each historical event on
// the network of its year and checks that a candidate made only of the
// reported cables is among the top three in at least three events of four.
func TestAttributionHistory(t *testing.T) {
	events := readAttributionEvents(t)
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range events {
			if !yield(k) {
				return
			}
		}
	})
	hits := 0
	for _, name := range names {
		ev := events[name]
		g := graphAsOf(t, ev.AsOf)
		for _, c := range ev.Cables {
			if _, ok := g.Atlas().Cable(c); !ok {
				t.Fatalf("%s: cable %s is not in the atlas of %d", name, c, ev.AsOf)
			}
		}
		at, err := g.Attribute(context.Background(), ev.Observed, AttributeOptions{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		rank := -1
		for i, c := range at.Candidates {
			if onCut(c, ev.Cables) {
				rank = i
				break
			}
		}
		var top []string
		for _, c := range at.Candidates[:min(5, len(at.Candidates))] {
			top = append(top, c.String())
		}
		place := "not in the top ten"
		if rank >= 0 {
			place = fmt.Sprintf("at rank %d", rank+1)
		}
		t.Logf("%s: %d singles, %d pairs; the reported cables %s; top: %s", name, at.Singles, at.Pairs, place, strings.Join(top, "; "))
		if rank >= 0 && rank < 3 {
			hits++
		}
	}
	want := int(math.Ceil(0.75 * float64(len(events))))
	if hits < want {
		t.Errorf("the reported cable is in the top three for %d of %d events; want at least %d", hits, len(events), want)
	}
}

// firstBiting returns the first segment of the cable whose failure costs
// some country more than DropFloor, with that failure's result.
func firstBiting(t *testing.T, g *Graph, cable string) (string, *Result) {
	t.Helper()
	c, ok := g.Atlas().Cable(cable)
	if !ok {
		t.Fatalf("no cable %s", cable)
	}
	for n := range c.Segments {
		seg := fmt.Sprintf("%s/%d", cable, n)
		r, err := g.SimulateElements(context.Background(), seg, []string{"segment:" + seg})
		if err != nil {
			t.Fatal(err)
		}
		for _, ci := range r.Countries {
			if l := ci.ObservedLoss(); l > 2*DropFloor {
				return seg, r
			}
		}
	}
	t.Fatalf("no segment of %s costs anyone anything", cable)
	return "", nil
}

// TestAttributeRecoversAScenario runs a known cut through the engine,
// takes its predicted losses as the observations, and checks that the
// cut comes first (or is among the failures the observations cannot tell
// apart from it).
func TestAttributeRecoversAScenario(t *testing.T) {
	g := realGraph(t)
	for _, cable := range []string{"africa-coast-to-europe-ace", "tonga-cable", "eastern-africa-submarine-system-eassy"} {
		t.Run(cable, func(t *testing.T) {
			seg, r := firstBiting(t, g, cable)
			var obs []Observation
			for _, c := range r.Countries {
				l := c.ObservedLoss()
				if l > 0.001 || len(obs) < 40 && !c.Hub && c.ReachableBefore {
					obs = append(obs, Observation{Country: c.Country, Drop: math.Round(l*1000) / 1000})
				}
			}
			at, err := g.Attribute(context.Background(), obs, AttributeOptions{Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			first := at.Candidates[0]
			if !slices.Contains(first.Elements, "segment:"+seg) && !slices.Contains(first.Equivalent, "segment:"+seg) {
				t.Errorf("first candidate %s (equivalent %v); want %s", first, first.Equivalent, seg)
			}
			if first.Error > 0.01 {
				t.Errorf("first candidate's error %.3f; want about 0 for the observations it made", first.Error)
			}
		})
	}
}

// TestPredictorAgreesWithSimulate: the predictor's shortcuts (capacity
// for a few countries, circuits along the touched cables only) give what
// a full simulation gives, failure after failure on one predictor.
func TestPredictorAgreesWithSimulate(t *testing.T) {
	g := realGraph(t)
	a := g.Atlas()
	pr := g.newPredictor()
	var idx []int
	for _, code := range []string{"MR", "SN", "GM", "CI", "GH", "NG", "BJ", "TG", "LR", "SL", "ZA", "NA", "BF", "NE", "ML", "PT", "SO", "KE", "TO", "FJ"} {
		idx = append(idx, g.countryIndex(code))
	}
	var fs []failure
	for _, cable := range []string{"africa-coast-to-europe-ace", "west-africa-cable-system-wacs", "tonga-cable", "eastern-africa-submarine-system-eassy"} {
		c, _ := a.Cable(cable)
		for n, s := range c.Segments {
			if n%3 == 0 && g.segEdge[s] >= 0 {
				fs = append(fs, failure{segs: []int32{int32(s)}, lp: -1})
			}
		}
	}
	ace, _ := a.Cable("africa-coast-to-europe-ace")
	wacs, _ := a.Cable("west-africa-cable-system-wacs")
	fs = append(fs, failure{segs: []int32{int32(ace.Segments[5]), int32(wacs.Segments[7])}, lp: -1})
	for _, l := range g.countryLPs[g.countryIndex("CI")] {
		fs = append(fs, failure{lp: l})
	}
	sc := &scorer{g: g}
	for _, f := range fs {
		ids := sc.ids(f)
		r, err := g.SimulateElements(context.Background(), "x", ids)
		if err != nil {
			t.Fatal(err)
		}
		m := byCountry(r)
		got := pr.predict(f, idx)
		for i, c := range idx {
			want := m[a.Countries[c].Code].ObservedLoss()
			if math.Abs(got[i]-want) > 1e-5 {
				t.Errorf("%v: %s: predictor %.6f, simulation %.6f", ids, a.Countries[c].Code, got[i], want)
			}
		}
	}
}

// TestAttributeDeterministic: the ranking does not depend on the number
// of workers.
func TestAttributeDeterministic(t *testing.T) {
	g := realGraph(t)
	obs := []Observation{{Country: "MR", Drop: 1}, {Country: "SL", Drop: 0.5}, {Country: "PT", Drop: 0}}
	a1, err := g.Attribute(context.Background(), obs, AttributeOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	a2, err := g.Attribute(context.Background(), obs, AttributeOptions{Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(a1) != fmt.Sprint(a2) {
		t.Errorf("one worker and three disagree:\n%v\n%v", a1.Candidates, a2.Candidates)
	}
}

func TestAttributeBadInput(t *testing.T) {
	g := realGraph(t)
	for _, tc := range []struct {
		name string
		obs  []Observation
		code string
		says string
	}{
		{"no drop", []Observation{{Country: "PT", Drop: 0}}, lifeline.EINVALID, "no country dropped"},
		{"unknown country", []Observation{{Country: "XX", Drop: 1}}, lifeline.ENOTFOUND, "observed[0].country"},
		{"twice", []Observation{{Country: "MR", Drop: 1}, {Country: "MR", Drop: 0}}, lifeline.EINVALID, "observed twice"},
		{"share", []Observation{{Country: "MR", Drop: 1.5}}, lifeline.EINVALID, "observed[0].drop"},
		{"nan", []Observation{{Country: "MR", Drop: math.NaN()}}, lifeline.EINVALID, "observed[0].drop"},
		{"weight", []Observation{{Country: "MR", Drop: 1, Weight: -1}}, lifeline.EINVALID, "observed[0].weight"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := g.Attribute(context.Background(), tc.obs, AttributeOptions{})
			if lifeline.ErrorCode(err) != tc.code || !strings.Contains(lifeline.ErrorMessage(err), tc.says) {
				t.Errorf("got %v; want %s saying %q", err, tc.code, tc.says)
			}
		})
	}
}

// BenchmarkAttributeWestAfrica ranks the candidates of the West Africa
// cuts of March 2024 (13 countries dropped, 2 not) on the full dataset.
func BenchmarkAttributeWestAfrica(b *testing.B) {
	g := realGraph(b)
	obs := []Observation{{Country: "CI", Drop: 0.93}, {Country: "LR", Drop: 0.93}, {Country: "BJ", Drop: 0.5}, {Country: "GH", Drop: 0.5},
		{Country: "BF", Drop: 0.5}, {Country: "GM", Drop: 0.2}, {Country: "GN", Drop: 0.2}, {Country: "TG", Drop: 0.2}, {Country: "CM", Drop: 0.2},
		{Country: "NA", Drop: 0.2}, {Country: "NE", Drop: 0.2}, {Country: "NG", Drop: 0.2}, {Country: "ZA", Drop: 0.2}, {Country: "MR", Drop: 0}, {Country: "SN", Drop: 0}}
	for b.Loop() {
		if _, err := g.Attribute(context.Background(), obs, AttributeOptions{Workers: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
