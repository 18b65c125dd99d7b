package opencable_test

import (
	"testing"

	"lifeline/atlas"
	"lifeline/atlas/opencable"
	"lifeline/atlas/starter"
	"lifeline/internal/shareddata"
)

// Every cable of the published capacity table names a cable of the open
// cable map dataset or of the starter atlas, so no figure is silently
// unused; and the dataset's cables take the published figures.
func TestCapacityFactsNameCables(t *testing.T) {
	a, err := opencable.Load(shareddata.Path(t, "cables"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := starter.Load()
	if err != nil {
		t.Fatal(err)
	}
	// Systems since retired are in the atlas of a year they served.
	old, err := opencable.Load(shareddata.Path(t, "cables"), atlas.WithAsOf(2010))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range atlas.CableFacts() {
		found := false
		for _, id := range f.IDs {
			if _, ok := old.Cable(id); ok {
				found = true
			}
			if c, ok := a.Cable(id); ok {
				found = true
				// A fibre laid with a power cable has no published
				// telecom figure: it takes the assumed default, with
				// the source that says so.
				want := atlas.Reported
				if f.Kind == "companion" {
					want = atlas.Assumed
				}
				if c.Capacity.Confidence != want || c.Capacity.Source == "" {
					t.Errorf("%s: capacity %+v; want confidence %v with its source", id, c.Capacity, want)
				}
			}
			if _, ok := s.Cable(id); ok {
				found = true
			}
		}
		if !found {
			t.Errorf("capacity.csv: %v names no cable of the dataset or the starter atlas", f.IDs)
		}
	}
}

// The network of a past year: cables not yet in service are out, retired
// systems are back, retirements since are undone, capacities are those of
// the year.
func TestAsOf(t *testing.T) {
	dir := shareddata.Path(t, "cables")
	now, err := opencable.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	y2008, err := opencable.Load(dir, atlas.WithAsOf(2008))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := now.Cable("seamewe-3"); ok {
		t.Error("SEA-ME-WE 3, retired in 2024, is in the atlas of now")
	}
	smw3, ok := y2008.Cable("seamewe-3")
	if !ok || smw3.Capacity.Gbps != 960 {
		t.Errorf("SEA-ME-WE 3 in 2008: %v, %+v; want in service at 0.96 Tbit/s", ok, smw3)
	}
	tat, ok := y2008.Cable("tat-14")
	if !ok || tat.Planned || tat.Capacity.Gbps != 1870 || len(tat.Countries) != 6 {
		t.Errorf("TAT-14 in 2008: %v %+v; want in service, 1.87 Tbit/s, six countries", ok, tat)
	}
	if _, ok := now.Cable("tat-14"); ok {
		t.Error("TAT-14, retired in 2020, is in the atlas of now")
	}
	if m, ok := y2008.Cable("marea"); !ok || !m.Planned {
		t.Errorf("MAREA (2018) in 2008: %v, planned %v; want not in service", ok, m.Planned)
	}
	for _, f := range atlas.Retirements() {
		found := false
		for _, id := range f.IDs {
			_, ok := y2008.Cable(id)
			found = found || ok
		}
		if !found {
			t.Errorf("retired.csv: %v names no cable of the dataset", f.IDs)
		}
	}
}

// Every leg of legs.csv closes a ring of the open cable map dataset: its
// cable is there (now, or in a year it served), with a segment between
// the leg's two landing points, so no published leg is silently unused.
func TestLegsApply(t *testing.T) {
	now, err := opencable.Load(shareddata.Path(t, "cables"))
	if err != nil {
		t.Fatal(err)
	}
	old, err := opencable.Load(shareddata.Path(t, "cables"), atlas.WithAsOf(2011))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range atlas.Legs() {
		found := false
		for _, a := range []*atlas.Atlas{now, old} {
			c, ok := a.Cable(l.Cable)
			if !ok {
				continue
			}
			for _, i := range c.Segments {
				s := a.Segments[i]
				if (s.From == l.From && s.To == l.To) || (s.From == l.To && s.To == l.From) {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("legs.csv: %s between %s and %s adds no segment to the dataset", l.Cable, l.From, l.To)
		}
	}
}

// Every row of offshore.csv names a landing point of the open cable map
// dataset, which the atlas marks offshore, so no listed platform is
// silently unused.
func TestOffshoreApply(t *testing.T) {
	now, err := opencable.Load(shareddata.Path(t, "cables"))
	if err != nil {
		t.Fatal(err)
	}
	old, err := opencable.Load(shareddata.Path(t, "cables"), atlas.WithAsOf(2008))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range atlas.OffshoreInstallations() {
		found := false
		for _, a := range []*atlas.Atlas{now, old} {
			if lp, ok := a.LandingPoint(o.LandingPoint); ok {
				found = true
				if !lp.Offshore {
					t.Errorf("%s: in the atlas, not marked offshore", o.LandingPoint)
				}
			}
		}
		if !found {
			t.Errorf("offshore.csv: %s is not a landing point of the dataset", o.LandingPoint)
		}
	}
}
