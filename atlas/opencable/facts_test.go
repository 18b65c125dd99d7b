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
	for _, f := range atlas.CableFacts() {
		found := false
		for _, id := range f.IDs {
			if c, ok := a.Cable(id); ok {
				found = true
				if c.Capacity.Confidence != atlas.Reported || c.Capacity.Source == "" {
					t.Errorf("%s: capacity %+v; want the published figure", id, c.Capacity)
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
