package norms_test

import (
	"fmt"
	"time"

	"lifeline/norms"
)

// A shutdown ordered by the government during a declared emergency engages,
// among others, the Covenant's test for restrictions and its conditions for
// derogation; each finding says why.
func ExampleCatalogue_Apply() {
	c, err := norms.Default()
	if err != nil {
		panic(err)
	}
	start := time.Date(2026, 11, 5, 6, 0, 0, 0, time.UTC)
	in := norms.Incident{Kind: "shutdown", Countries: []string{"ET"}, Start: &start,
		Shutdown: &norms.Shutdown{OrderedBy: "government", GovJustification: "public order", GeoScope: "national"}}
	situations := []norms.Situation{{Country: "ET", Kind: "state_of_emergency", From: "2026-11-04",
		Source: "State of Emergency Proclamation, Federal Negarit Gazette"}}
	ex, err := c.Apply(in, situations)
	if err != nil {
		panic(err)
	}
	for _, f := range ex.Findings {
		if f.ID == "iccpr-19-3" || f.ID == "iccpr-4" {
			fmt.Printf("%s, %s:\n", f.Instrument, f.Citation)
			for _, r := range f.Reasons {
				fmt.Println(" -", r.Because)
			}
		}
	}
	// Output:
	// International Covenant on Civil and Political Rights, Article 19(3):
	//  - A restriction ordered by the state must pass the test of article 19(3): provided by law, for a listed aim, necessary and proportionate.
	//  - The authorities invoked an aim that article 19(3)(b) names; naming the aim does not show that cutting connectivity was necessary or proportionate to it.
	// International Covenant on Civil and Political Rights, Article 4(1)-(3):
	//  - A shutdown during a declared emergency: the state may depart from article 19 only under article 4 — official proclamation, a threat to the life of the nation, measures strictly required, notification through the UN Secretary-General.
}
