package impact

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestParseStanding(t *testing.T) {
	sc, err := ParseScenario(strings.NewReader(`name: East Africa, May 2024
standing:
  - cut: {cable: seacomtata-tgn-eurasia, at: [42.3, 14.9]}
    note: the Red Sea, 24 February
  - shutdown: {country: ET}
events:
  - cut_cables: [eastern-africa-submarine-system-eassy]
`), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Standing) != 2 || sc.Standing[0].Type() != "cut" || sc.Standing[1].Type() != "shutdown" || sc.Standing[0].Note == "" {
		t.Errorf("standing = %+v", sc.Standing)
	}
	if len(sc.Events) != 1 || sc.Events[0].Type() != "cut_cables" {
		t.Errorf("events = %+v", sc.Events)
	}
}

func TestParseStandingErrors(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string
	}{
		{"unknown field", "name: x\nstanding:\n  - cut: {cable: a, at: [1, 2], where: 3}\nevents: []\n", []string{"standing fault 1 (cut)", "line 3", `unknown field "where"`, "cable, at"}},
		{"unknown field after events", "name: x\nevents:\n  - cut_cables: [a]\nstanding:\n  - cut_cables: [a]\n  - cut: {cable: a, at: [1, 2], where: 3}\n", []string{"standing fault 2 (cut)", "line 6", `"where"`}},
		{"event after standing", "name: x\nstanding:\n  - cut_cables: [a]\nevents:\n  - cut: {cable: a, at: [1, 2], where: 3}\n", []string{"event 1 (cut)", "line 5", `"where"`}},
		{"unknown type", "name: x\nstanding:\n  - flood: {}\n", []string{"standing fault 1", "line 3", `"flood"`}},
		{"wrong type", "name: x\nstanding:\n  - cut: {cable: a, at: [east, 1]}\n", []string{"standing fault 1 (cut)", "line 3", "east"}},
		{"not a list", "name: x\nstanding: {cut_cables: [a]}\n", []string{"line 2", "standing: want a list, found a mapping"}},
		{"events not a list", "name: x\nevents: cut\n", []string{"line 2", `events: want a list, found "cut"`}},
		{"no type", "name: x\nstanding:\n  - note: nothing\n", []string{"standing fault 1", "want one of", "cut_cables", "power_outage"}},
		{"two types", "name: x\nstanding:\n  - {cut_cables: [a], shutdown: {country: EG}}\n", []string{"standing fault 1", "cut_cables and shutdown"}},
		{"chance", "name: x\nstanding:\n  - earthquake: {center: [1, 2], magnitude: 7}\n", []string{"standing fault 1 (earthquake)", "certain", "cut_cables, cut, region"}},
		{"storm", "name: x\nstanding:\n  - solar_storm: {spacing_km: 100, p: [1, 0.1, 0.01]}\n", []string{"standing fault 1 (solar_storm)", "certain"}},
		{"networks", "name: x\nstanding:\n  - ases: [8452]\n", []string{"standing fault 1 (ases)", "want one of"}},
		{"bad lon", "name: x\nstanding:\n  - cut_cables: [a]\n  - cut: {cable: a, at: [200, 1]}\n", []string{"standing fault 2 (cut)", "at:", "lon in -180..180", "200"}},
		{"empty list", "name: x\nstanding:\n  - landing_points: []\n", []string{"standing fault 1 (landing_points)", "at least one"}},
		{"link id", "name: x\nstanding:\n  - links: [Senegal]\n", []string{"standing fault 1 (links)", "links[0]", "MR-SN"}},
	}
	parseErrs(t, tests)
}

func TestStandingUnknownNames(t *testing.T) {
	g := realGraph(t)
	tests := []struct{ doc, want string }{
		{"name: x\nstanding:\n  - cut_cables: [tonga-cable]\n  - cut_cables: [WACS]\nevents: []\n", `standing fault 2 (cut_cables): cable "WACS" not found; closest: West Africa Cable System (WACS)`},
		{"name: x\nstanding:\n  - cut: {cable: tonga-cable, at: [0, 0]}\n", `standing fault 1 (cut): at: [0, 0] is`},
		{"name: x\nstanding:\n  - links: [MR-SM]\n", `standing fault 1 (links): terrestrial link "MR-SM" not found; closest: MR-SN`},
		{"name: x\nstanding:\n  - gateways: [Senegal]\n", `standing fault 1 (gateways): Senegal (SN) has no national gateway`},
		{"name: x\nstanding:\n  - cut_cables: [tonga-cable]\nevents:\n  - shutdown: {country: Atlantis}\n", `event 1 (shutdown): country "Atlantis" not found`},
	}
	simulateErrs(t, g, tests)
}

// The Red Sea cuts of February 2024 and the cuts off KwaZulu-Natal of May
// 2024, as faults and as standing faults.
const (
	redSea2024 = `  - cut: {cable: asia-africa-europe-1-aae-1, at: [42.3, 14.9]}
  - cut: {cable: seacomtata-tgn-eurasia, at: [42.3, 14.9]}
  - cut: {cable: europe-india-gateway-eig, at: [42.3, 14.9]}
`
	durban2024 = `  - cut: {cable: eastern-africa-submarine-system-eassy, at: [32.2, -28.9]}
  - cut: {cable: seacomtata-tgn-eurasia, at: [32.2, -28.9]}
`
)

// A scenario's standing faults are its network before: a country's
// capacity and reachability before are what the same faults as events
// leave, the events' losses are measured from there, and what the
// standing faults and the events leave together is what both as events
// leave.
func TestStandingIsTheBefore(t *testing.T) {
	g := realGraph(t)
	for _, tc := range []struct{ name, standing, events string }{
		{"Red Sea, then Durban", redSea2024, durban2024},
		{"a shutdown and a station, then WACS", "  - shutdown: {country: NG}\n  - landing_points: [\"Yzerfontein, South Africa\"]\n", "  - cut_cables: [west-africa-cable-system-wacs]\n"},
		{"Egypt isolated, then FALCON", "  - isolation: {country: EG}\n", "  - cut_cables: [falcon]\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			asEvents := byCountry(simulate(t, g, "name: s\nevents:\n"+tc.standing, RunOptions{}))
			both := byCountry(simulate(t, g, "name: s+e\nevents:\n"+tc.standing+tc.events, RunOptions{}))
			onlyStanding := simulate(t, g, "name: s\nstanding:\n"+tc.standing+"events: []\n", RunOptions{})
			stood := simulate(t, g, "name: s, then e\nstanding:\n"+tc.standing+"events:\n"+tc.events, RunOptions{})
			if onlyStanding.Standing == nil || len(onlyStanding.Standing.Segments)+len(onlyStanding.Standing.LandingPoints)+len(onlyStanding.Standing.Countries) == 0 {
				t.Errorf("standing not listed: %+v", onlyStanding.Standing)
			}
			if f := onlyStanding.Failed; len(f.Segments)+len(f.LandingPoints)+len(f.Links)+len(f.Countries)+len(f.Cables) != 0 {
				t.Errorf("no events, yet failed: %+v", f)
			}
			for _, s := range stood.Failed.Segments {
				if slices.Contains(stood.Standing.Segments, s) {
					t.Errorf("segment %s listed as failed by the events and standing", s)
				}
			}
			for _, c := range onlyStanding.Countries {
				e := asEvents[c.Country]
				if c.CapacityLoss != 0 || c.CablesFailed != 0 || c.CircuitLoss != 0 || c.Reachable != c.ReachableBefore {
					t.Errorf("%s changes without events: %+v", c.Country, c)
				}
				if c.ReachableBefore != (e.Reachable && e.ReachableBefore) {
					t.Errorf("%s reachable before %v with the faults standing, reachable %v after them as events", c.Country, c.ReachableBefore, e.Reachable)
				}
				if !c.ReachableBefore || c.Hub {
					continue
				}
				left := e.CapacityBeforeGbps * (1 - e.CapacityLoss)
				if math.Abs(c.CapacityBeforeGbps-left) > 1e-5*e.CapacityBeforeGbps+1e-3 {
					t.Errorf("%s: %v Gbit/s before with the faults standing, %v left after them as events", c.Country, c.CapacityBeforeGbps, left)
				}
			}
			for _, c := range stood.Countries {
				b := both[c.Country]
				if c.ReachableBefore && c.Reachable != b.Reachable {
					t.Errorf("%s reachable %v after standing faults and events, %v after both as events", c.Country, c.Reachable, b.Reachable)
				}
				if !c.ReachableBefore || c.Hub || !c.Reachable {
					continue
				}
				left, bothLeft := c.CapacityBeforeGbps*(1-c.CapacityLoss), b.CapacityBeforeGbps*(1-b.CapacityLoss)
				if math.Abs(left-bothLeft) > 1e-5*b.CapacityBeforeGbps+1e-3 {
					t.Errorf("%s: %v Gbit/s left after standing faults and events, %v after both as events", c.Country, left, bothLeft)
				}
			}
		})
	}
}

// The circuits before and their hand-over are those of the network as it
// stood. With the Red Sea cables cut, the circuits that Mozambique's
// cables handed over beyond the cuts are handed over at a landing that
// still reaches Europe: Mozambique has more circuits to Europe before
// than the same cuts as events leave it, and no more than the intact
// network gives it.
func TestStandingMovesHandover(t *testing.T) {
	g := realGraph(t)
	asEvents, _ := findRegion(byCountry(simulate(t, g, "name: Red Sea\nevents:\n"+redSea2024, RunOptions{}))["MZ"], "Europe")
	stood, _ := findRegion(byCountry(simulate(t, g, "name: Red Sea standing\nstanding:\n"+redSea2024+"events: []\n", RunOptions{}))["MZ"], "Europe")
	left := asEvents.CircuitsBeforeGbps * (1 - asEvents.CircuitLoss)
	if !(stood.CircuitsBeforeGbps <= asEvents.CircuitsBeforeGbps && stood.CircuitsBeforeGbps > left+1) {
		t.Errorf("MZ's circuits to Europe: %v Gbit/s intact, %v left by the Red Sea cuts, %v before with them standing; want between",
			asEvents.CircuitsBeforeGbps, left, stood.CircuitsBeforeGbps)
	}
}

// Cutting more never reaches more when faults stand: more events on the
// same standing faults, or more standing faults under the same events,
// leave no country or region reachable that was not, and more events
// lose no less capacity or circuits.
func TestStandingMoreCutsNeverReachMore(t *testing.T) {
	g := realGraph(t)
	a := g.Atlas()
	rng := rand.New(rand.NewPCG(3, 4))
	inService := a.InService()
	list := func(ids []string) string { return "[" + strings.Join(ids, ", ") + "]" }
	for trial := range 4 {
		var stand, moreStand, small, large []string
		for _, c := range inService {
			switch x := rng.IntN(40); {
			case x < 1:
				stand = append(stand, c.ID)
				moreStand = append(moreStand, c.ID)
			case x < 3:
				moreStand = append(moreStand, c.ID)
			case x < 5:
				small = append(small, c.ID)
				large = append(large, c.ID)
			case x < 7+trial:
				large = append(large, c.ID)
			}
		}
		shut := fmt.Sprintf("  - shutdown: {country: %s}\n", a.Countries[rng.IntN(len(a.Countries))].Code)
		run := func(standing, events []string, extra string) *Result {
			return simulate(t, g, "name: t\nstanding:\n  - cut_cables: "+list(standing)+"\nevents:\n  - cut_cables: "+list(events)+"\n"+extra, RunOptions{})
		}
		rs := run(stand, small, "")
		rl := run(stand, large, shut)
		rm := run(moreStand, small, "")
		less, more, moreS := byCountry(rs), byCountry(rl), byCountry(rm)
		for code, s := range less {
			for _, o := range []struct {
				what string
				c    CountryImpact
			}{{"more events", more[code]}, {"more standing faults", moreS[code]}} {
				if o.c.Reachable && !s.Reachable {
					t.Errorf("trial %d: %s reachable after %s, not before", trial, code, o.what)
				}
				for _, r := range o.c.Regions {
					if p, ok := findRegion(s, r.Region); ok && r.Reachable && !p.Reachable {
						t.Errorf("trial %d: %s reaches %s after %s, not before", trial, code, r.Region, o.what)
					}
				}
			}
			l := more[code]
			if l.CapacityLoss < s.CapacityLoss-1e-9 {
				t.Errorf("trial %d: %s loses %v after more events, %v after fewer", trial, code, l.CapacityLoss, s.CapacityLoss)
			}
			if l.CablesFailed < s.CablesFailed {
				t.Errorf("trial %d: %s has %v failed cables after more events, %v after fewer", trial, code, l.CablesFailed, s.CablesFailed)
			}
			for _, r := range l.Regions {
				if p, ok := findRegion(s, r.Region); ok && r.CircuitLoss < p.CircuitLoss-1e-9 {
					t.Errorf("trial %d: %s loses %v of its circuits to %s after more events, %v after fewer", trial, code, r.CircuitLoss, r.Region, p.CircuitLoss)
				}
			}
		}
	}
}

// Standing faults under events of chance: the same seed gives the same
// output byte for byte, whatever the number of workers.
func TestStandingSameSeedSameOutput(t *testing.T) {
	g := realGraph(t)
	sc := "name: quake after the Red Sea\nstanding:\n" + redSea2024 + "events:\n  - earthquake: {center: [120.5, 21.9], magnitude: 7.1}\n"
	_, out := sameForWorkers(t, g, sc, RunOptions{Samples: 200, Seed: 7, FlowSamples: 40})
	if !strings.Contains(out, `"standing":{"cables":["asia-africa-europe-1-aae-1"`) {
		t.Errorf("the output does not say which faults were standing: %.300s…", out[strings.Index(out, `"failed"`):])
	}
}
