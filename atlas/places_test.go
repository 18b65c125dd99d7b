package atlas_test

import (
	"slices"
	"strings"
	"testing"

	"lifeline/atlas/opencable"
	"lifeline/internal/shareddata"
)

// Every place of places.csv finds its landing points in the open cable map
// dataset, and only stations of its country: the Canary Islands' stations
// named so by the dataset are all in it and none is on the mainland, and none of Shetland's is on the
// Scottish mainland.
func TestPlaces(t *testing.T) {
	a, err := opencable.Load(shareddata.Path(t, "cables"))
	if err != nil {
		t.Fatal(err)
	}
	ps, err := a.Places()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		for _, id := range p.LandingPoints {
			lp, ok := a.LandingPoint(id)
			if !ok || lp.Country != p.Country {
				t.Errorf("%s: landing point %s is not in %s", p.ID, id, p.Country)
			}
		}
		if p.Source == "" || p.Name == "" {
			t.Errorf("%s: no name or source", p.ID)
		}
	}
	canary, err := a.Place("Canary Islands")
	if err != nil || len(canary.LandingPoints) < 10 {
		t.Fatalf("Canary Islands: %v (%v)", canary.LandingPoints, err)
	}
	for _, lp := range a.LandingPoints {
		in := slices.Contains(canary.LandingPoints, lp.ID)
		if strings.HasSuffix(lp.ID, "canary-islands-spain") && !in {
			t.Errorf("%s: named in the Canary Islands, not in the place", lp.ID)
		}
		if in && lp.Lon > -13 {
			t.Errorf("%s (%v°E): in the Canary Islands, on the mainland's longitude", lp.ID, lp.Lon)
		}
	}
	sh, err := a.Place("shetland")
	if err != nil || !slices.Contains(sh.LandingPoints, "sandwick-united-kingdom") || slices.Contains(sh.LandingPoints, "sandwick-village-united-kingdom") {
		t.Errorf("Shetland: %v (%v); want Sandwick (59.99°N) and not Sandwick Village (Outer Hebrides)", sh.LandingPoints, err)
	}
}
