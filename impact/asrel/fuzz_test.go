package asrel

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// FuzzRead checks that no input makes Read panic, and that a graph it
// accepts is consistent: every link is seen from both ends.
func FuzzRead(f *testing.F) {
	for _, p := range []string{"testdata/handmade-relationships.txt", "testdata/handmade-relationships.txt.bz2"} {
		seed, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(seed)
	}
	f.Add([]byte("1|2|-1|bgp\n2|3|0\r\n# c"))
	f.Add([]byte("1|2|-1\n2|1|0\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		g, err := Read(strings.NewReader(string(in)), "fuzz")
		if err != nil {
			return
		}
		up, down, peers := 0, 0, 0
		for _, a := range g.ASNs() {
			for _, p := range g.Providers(a) {
				up++
				if !slices.Contains(g.Customers(p), a) {
					t.Fatalf("%d is a provider of %d but has not it as customer", p, a)
				}
			}
			down += len(g.Customers(a))
			for _, p := range g.Peers(a) {
				peers++
				if !slices.Contains(g.Peers(p), a) {
					t.Fatalf("%d peers with %d, not the other way", a, p)
				}
			}
		}
		if up != g.P2C() || down != g.P2C() || peers != 2*g.P2P() || g.Len() == 0 {
			t.Fatalf("%d ASes, %d p2c, %d p2p; counted %d up, %d down, %d peer ends", g.Len(), g.P2C(), g.P2P(), up, down, peers)
		}
	})
}
