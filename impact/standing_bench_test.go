package impact

import (
	"context"
	"testing"
)

// BenchmarkDurban2024 is the cuts off KwaZulu-Natal of May 2024 on the
// intact network, on one goroutine: the reference for
// BenchmarkDurban2024Standing.
func BenchmarkDurban2024(b *testing.B) {
	g, sc := benchScenario(b, "name: Durban\nevents:\n"+durban2024)
	for b.Loop() {
		if _, err := g.Simulate(context.Background(), sc, RunOptions{Workers: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDurban2024Standing is the same cuts with the Red Sea cuts of
// February standing: the difference is the cost of the baselines of the
// network they left (withStanding).
func BenchmarkDurban2024Standing(b *testing.B) {
	g, sc := benchScenario(b, "name: Durban\nstanding:\n"+redSea2024+"events:\n"+durban2024)
	for b.Loop() {
		if _, err := g.Simulate(context.Background(), sc, RunOptions{Workers: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
