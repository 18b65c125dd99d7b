package atlas_test

import (
	"fmt"
	"strings"

	"lifeline/atlas"
)

// A cable from Lisbon to Madeira with a branch to Casablanca: the drawn route
// forks at sea, so the cable is split into three segments that meet at a
// branching unit. A cut on the Madeira branch leaves Lisbon and Casablanca
// connected.
func ExampleCompile() {
	doc := &atlas.Document{
		Format: atlas.FormatName, Version: atlas.FormatVersion, Source: "example",
		LandingPoints: []atlas.LandingPoint{
			{ID: "lisbon", Name: "Lisbon", Country: "PT", Lon: -9.14, Lat: 38.72},
			{ID: "funchal", Name: "Funchal", Country: "PT", Lon: -16.91, Lat: 32.65},
			{ID: "casablanca", Name: "Casablanca", Country: "MA", Lon: -7.62, Lat: 33.59},
		},
		Cables: []atlas.DocumentCable{{
			ID: "atlantic-fork", Name: "Atlantic Fork", RFSYear: 2018,
			LandingPoints: []string{"lisbon", "funchal", "casablanca"},
			Route: [][][2]float64{
				{{-9.14, 38.72}, {-11, 35}},
				{{-11, 35}, {-16.91, 32.65}},
				{{-11, 35}, {-7.62, 33.59}},
			},
		}},
	}
	a, err := atlas.Compile(doc)
	if err != nil {
		fmt.Println(err)
		return
	}
	c, _ := a.Cable("atlantic-fork")
	for _, i := range c.Segments {
		s := a.Segments[i]
		fmt.Printf("%s: %s → %s\n", s.ID, s.From, s.To)
	}
	fmt.Println(strings.Join(c.Countries, ", "), c.Capacity.Confidence)
	// Output:
	// atlantic-fork/0: lisbon → bu:atlantic-fork:0
	// atlantic-fork/1: bu:atlantic-fork:0 → funchal
	// atlantic-fork/2: bu:atlantic-fork:0 → casablanca
	// MA, PT estimated
}
