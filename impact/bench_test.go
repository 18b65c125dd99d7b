package impact

import (
	"context"
	"strings"
	"testing"
)

const stormScenario = "name: storm\nevents:\n  - solar_storm: {spacing_km: 100, p: [1, 0.1, 0.01]}\n"

func benchScenario(b *testing.B, doc string) (*Graph, *Scenario) {
	g := realGraph(b)
	sc, err := ParseScenario(strings.NewReader(doc), "bench.yaml")
	if err != nil {
		b.Fatal(err)
	}
	return g, sc
}

// BenchmarkStormReachability is 1,000 solar-storm samples, reachability
// only, on one goroutine.
func BenchmarkStormReachability(b *testing.B) {
	g, sc := benchScenario(b, stormScenario)
	for b.Loop() {
		if _, err := g.Simulate(context.Background(), sc, RunOptions{Samples: 1000, FlowSamples: 1, Workers: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStormReachability5000 is BenchmarkStormReachability with 5,000
// samples: the difference between the two is the cost of 4,000 samples
// without the run's set-up (compiling the scenario, the baseline), which
// is how the reference (bench/reference/impact.py) times itself.
func BenchmarkStormReachability5000(b *testing.B) {
	g, sc := benchScenario(b, stormScenario)
	for b.Loop() {
		if _, err := g.Simulate(context.Background(), sc, RunOptions{Samples: 5000, FlowSamples: 1, Workers: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStormFlow is 64 solar-storm samples with capacity loss, on one
// goroutine.
func BenchmarkStormFlow(b *testing.B) {
	g, sc := benchScenario(b, stormScenario)
	reportCPU(b)
	for b.Loop() {
		if _, err := g.Simulate(context.Background(), sc, RunOptions{Samples: 64, Workers: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStormFlowReference is BenchmarkStormFlow computed as before the
// warm start: every max-flow from zero, every sample's circuits from
// scratch (warm.go).
func BenchmarkStormFlowReference(b *testing.B) {
	g, sc := benchScenario(b, stormScenario)
	referenceFlow = true
	defer func() { referenceFlow = false }()
	reportCPU(b)
	for b.Loop() {
		if _, err := g.Simulate(context.Background(), sc, RunOptions{Samples: 64, Workers: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStormFlow1000 is 1,000 solar-storm samples with capacity loss
// in every one, on one goroutine: the per-sample cost of a long run, where
// the scenario's set-up (the likely outcome's flows) is spread thin.
func BenchmarkStormFlow1000(b *testing.B) {
	g, sc := benchScenario(b, stormScenario)
	reportCPU(b)
	for b.Loop() {
		if _, err := g.Simulate(context.Background(), sc, RunOptions{Samples: 1000, Workers: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDeterministic is one deterministic scenario (the Red Sea cuts of
// February 2024), with capacity loss for every country.
func BenchmarkDeterministic(b *testing.B) {
	g, sc := benchScenario(b, "name: red sea\nevents:\n  - cut: {cable: asia-africa-europe-1-aae-1, at: [42.3, 14.9]}\n  - cut: {cable: seacomtata-tgn-eurasia, at: [42.3, 14.9]}\n  - cut: {cable: europe-india-gateway-eig, at: [42.3, 14.9]}\n")
	for b.Loop() {
		if _, err := g.Simulate(context.Background(), sc, RunOptions{Workers: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAssessAll is the full N-1 and N-2 analysis of every country.
func BenchmarkAssessAll(b *testing.B) {
	g := realGraph(b)
	for b.Loop() {
		if _, err := g.Assess(context.Background(), nil, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSimulateASEgypt is a national shutdown at the AS level: the
// country's networks found in the table (eight, hand-written), then what
// the 2016 Internet loses, on the 55,809 ASes of CAIDA's graph.
func BenchmarkSimulateASEgypt(b *testing.B) {
	g := realASGraph(b)
	tab := testCountries(b)
	sc, err := ParseScenario(strings.NewReader("name: Egypt\nevents:\n  - shutdown: {country: EG}\n"), "bench.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := SimulateAS(context.Background(), g, sc, ASOptions{Countries: tab}); err != nil {
			b.Fatal(err)
		}
	}
}
