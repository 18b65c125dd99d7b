package geo_test

import (
	"fmt"

	"lifeline/geo"
)

func ExampleResolve() {
	for _, name := range []string{"Côte d'Ivoire", "Cote dIvoire", "Ivory Coast", "Congo, Dem. Rep.", "Korea"} {
		code, ok := geo.Resolve(name)
		fmt.Printf("%q → %q %v\n", name, code, ok)
	}
	// Output:
	// "Côte d'Ivoire" → "CI" true
	// "Cote dIvoire" → "CI" true
	// "Ivory Coast" → "CI" true
	// "Congo, Dem. Rep." → "CD" true
	// "Korea" → "" false
}

func ExampleNeighbours() {
	fmt.Println(geo.Neighbours("LS"))
	fmt.Println(geo.Neighbours("GF"))
	fmt.Println(geo.Neighbours("TO"))
	// Output:
	// [ZA]
	// [BR SR]
	// []
}

func ExampleDistanceToCountryKm() {
	// A landing station on Tongatapu, and a point in the sea to its north.
	for _, p := range []geo.Point{{Lon: -175.2, Lat: -21.14}, {Lon: -175.2, Lat: -20.9}} {
		km, _ := geo.DistanceToCountryKm("TO", p)
		fmt.Printf("%.0f km\n", km)
	}
	// Output:
	// 0 km
	// 22 km
}

func ExampleDistanceKm() {
	london := geo.Point{Lon: -0.1278, Lat: 51.5074}
	paris := geo.Point{Lon: 2.3522, Lat: 48.8566}
	fmt.Printf("%.0f km\n", geo.DistanceKm(london, paris))
	// Output: 344 km
}

func ExampleLookup() {
	c, _ := geo.Lookup("to")
	fmt.Println(c.Name, c.Code3, c.Numeric, c.Landlocked, c.PopulationYear, c.PopulationSource)
	// Output: Tonga TON 776 false 2023 World Bank WDI SP.POP.TOTL 2023
}
