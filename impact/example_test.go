package impact_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"lifeline/impact"
	"lifeline/impact/asrel"
)

// table is an AS-to-country table; *rir.Table is the real one.
type table map[uint32]string

func (t table) Country(asn uint32) (string, bool) { c, ok := t[asn]; return c, ok }

// A national shutdown at the AS level: 64510, the country's transit
// network, fails; its single-homed customer abroad is cut off, the
// multihomed one keeps its paths through 64511.
func ExampleSimulateAS() {
	g, err := asrel.New([]asrel.Link{
		{A: 64500, B: 64501, Rel: asrel.P2P}, // two tier-1 networks peer
		{A: 64500, B: 64510, Rel: asrel.P2C}, // each sells transit below
		{A: 64501, B: 64511, Rel: asrel.P2C},
		{A: 64510, B: 64520, Rel: asrel.P2C}, // single-homed
		{A: 64510, B: 64522, Rel: asrel.P2C}, // multihomed
		{A: 64511, B: 64522, Rel: asrel.P2C},
	})
	if err != nil {
		log.Fatal(err)
	}
	sc, err := impact.ParseScenario(strings.NewReader("name: shutdown\nevents:\n  - shutdown: {country: Egypt}\n"), "example.yaml")
	if err != nil {
		log.Fatal(err)
	}
	r, err := impact.SimulateAS(context.Background(), g, sc, impact.ASOptions{
		Countries: table{64510: "EG", 64520: "SD", 64522: "LY", 64500: "US", 64501: "DE", 64511: "FR"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("failed:", r.Failed, "lost pairs:", r.LostPairs)
	for _, n := range r.Networks {
		fmt.Printf("AS%d (%s) loses %d, failed providers %v\n", n.ASN, n.Country, n.Lost, n.FailedProviders)
	}
	// Output:
	// failed: [64510] lost pairs: 8
	// AS64520 (SD) loses 4, failed providers [64510]
	// AS64500 (US) loses 1, failed providers []
	// AS64501 (DE) loses 1, failed providers []
	// AS64511 (FR) loses 1, failed providers []
	// AS64522 (LY) loses 1, failed providers [64510]
}
