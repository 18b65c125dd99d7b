package starter_test

import (
	"fmt"

	"lifeline/atlas/starter"
)

func ExampleLoad() {
	a, err := starter.Load()
	if err != nil {
		fmt.Println(err)
		return
	}
	to, _ := a.Country("TO")
	fmt.Println("Tonga:", to.Cables)
	c, _ := a.Cable("tonga-cable")
	fmt.Println(c.Name, c.Countries, c.RFSYear, c.LengthKm, "km")
	// Output:
	// Tonga: [tonga-cable tonga-domestic]
	// Tonga Cable [FJ TO] 2013 827 km
}
