package asrel_test

import (
	"context"
	"fmt"
	"log"

	"lifeline/impact/asrel"
)

// Two tier-1 networks peer; 64510 and 64511 are transit providers below
// them; 64522 buys transit from both, 64520 from 64510 only. When 64510
// fails, its single-homed customer is cut off; the multihomed one keeps
// its paths through 64511.
func Example() {
	g, err := asrel.Open("testdata/handmade-relationships.txt.bz2")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(g.Len(), "ASes,", g.P2C(), "provider-customer links,", g.P2P(), "peer links")
	o, err := g.Evaluate(context.Background(), []uint32{64510}, asrel.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, l := range o.Affected() {
		fmt.Printf("AS%d loses %d (in the failed cone: %v)\n", l.ASN, l.Lost, l.InCone)
	}
	// Output:
	// 7 ASes, 6 provider-customer links, 2 peer links
	// AS64520 loses 5 (in the failed cone: true)
	// AS64500 loses 1 (in the failed cone: false)
	// AS64501 loses 1 (in the failed cone: false)
	// AS64511 loses 1 (in the failed cone: false)
	// AS64521 loses 1 (in the failed cone: false)
	// AS64522 loses 1 (in the failed cone: true)
}
