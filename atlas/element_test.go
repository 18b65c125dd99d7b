package atlas_test

import (
	"testing"

	"lifeline/atlas/starter"
)

func TestHasElement(t *testing.T) {
	a, err := starter.Load()
	if err != nil {
		t.Fatal(err)
	}
	c, lp := a.Cables[0], a.LandingPoints[0]
	for id, want := range map[string]bool{
		"cable:" + c.ID:            true,
		"segment:" + c.ID + "/0":   true,
		"segment:" + c.ID + "/00":  false,
		"segment:" + c.ID + "/-1":  false,
		"segment:" + c.ID + "/999": false,
		"segment:" + c.ID:          false,
		"landing_point:" + lp.ID:   true,
		"country:" + lp.Country:    true,
		"cable:does-not-exist":     false,
		c.ID:                       false, // without its kind
		"ship:" + c.ID:             false,
		"":                         false,
	} {
		if got := a.HasElement(id); got != want {
			t.Errorf("HasElement(%q) = %v, want %v", id, got, want)
		}
	}
}
