package impact

import (
	"context"
	"strings"
	"testing"

	"lifeline"
	"lifeline/atlas/starter"
)

// A national gateway's country loses its way out when the gateway's site
// fails or a scenario names the gateway; its cables keep carrying other
// countries' traffic; a country without one is an error.
func TestGateway(t *testing.T) {
	a, err := starter.Load()
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewGraph(a, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range []string{
		"name: gw\nevents:\n  - gateways: [Yemen]\n",
		"name: site\nevents:\n  - landing_points: [al-hudaydah-yemen]\n",
	} {
		m := byCountry(simulate(t, g, doc, RunOptions{Seed: 1}))
		if ye := m["YE"]; ye.Reachable || !ye.ReachableBefore {
			t.Errorf("%q: Yemen %+v; want cut off", doc, ye)
		}
		if dj := m["DJ"]; !dj.Reachable || dj.CapacityLoss > 0.05 {
			t.Errorf("%q: Djibouti %+v; want it unaffected", doc, dj)
		}
	}
	// Aden is not the gateway's site: Yemen keeps a path.
	m := byCountry(simulate(t, g, "name: aden\nevents:\n  - landing_points: [aden-yemen]\n", RunOptions{Seed: 1}))
	if !m["YE"].Reachable {
		t.Errorf("Aden down: Yemen %+v; want it reachable", m["YE"])
	}
	sc, err := ParseScenario(strings.NewReader("name: x\nevents:\n  - gateways: [FR]\n"), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = g.Simulate(context.Background(), sc, RunOptions{Seed: 1})
	if lifeline.ErrorCode(err) != lifeline.ENOTFOUND || !strings.Contains(err.Error(), "no national gateway") || !strings.Contains(err.Error(), "YE") {
		t.Errorf("France: error %v; want ENOTFOUND naming the countries with one", err)
	}
	if _, err := ParseScenario(strings.NewReader("name: x\nevents:\n  - gateways: []\n"), "x.yaml"); err == nil || !strings.Contains(err.Error(), "gateways") {
		t.Errorf("empty gateways: error %v", err)
	}
}
