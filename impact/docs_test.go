package impact

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every YAML example in docs/scenarios.md parses and runs on the full
// dataset, and those with shutdown or ases events at the AS level too.
func TestScenarioDocExamples(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "scenarios.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	if len(blocks) < 10 {
		t.Fatalf("found %d YAML examples, want one per event type at least", len(blocks))
	}
	g := realGraph(t)
	for i, b := range blocks {
		sc, err := ParseScenario(strings.NewReader(b[1]), "docs/scenarios.md example")
		if err != nil {
			t.Errorf("example %d: %v", i+1, err)
			continue
		}
		r, err := g.Simulate(context.Background(), sc, RunOptions{Samples: 20, FlowSamples: 2, Seed: 1})
		if err != nil {
			t.Errorf("example %d (%s): %v", i+1, sc.Name, err)
			continue
		}
		atAS, onlyAS := false, true // the example has events of the AS level; only those
		for _, e := range sc.Events {
			atAS = atAS || e.Shutdown != nil || e.ASes != nil
			onlyAS = onlyAS && e.ASes != nil
		}
		if atAS {
			as, err := SimulateAS(context.Background(), realASGraph(t), sc, ASOptions{Countries: testCountries(t)})
			if err != nil {
				t.Errorf("example %d (%s) at the AS level: %v", i+1, sc.Name, err)
			} else if len(as.Failed) == 0 || as.LostPairs == 0 {
				t.Errorf("example %d (%s) fails nothing at the AS level", i+1, sc.Name)
			}
		}
		if len(sc.Standing) > 0 && (r.Standing == nil || len(r.Standing.Segments)+len(r.Standing.LandingPoints)+len(r.Standing.Links)+len(r.Standing.Countries) == 0) {
			t.Errorf("example %d (%s) has standing faults, and the result lists none", i+1, sc.Name)
		}
		if len(sc.Events) > 0 && len(r.Failed.Segments)+len(r.Failed.LandingPoints)+len(r.Failed.Links)+len(r.Failed.Countries) == 0 && !onlyAS {
			t.Errorf("example %d (%s) fails nothing", i+1, sc.Name)
		}
	}
}
