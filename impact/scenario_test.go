package impact

import (
	"strings"
	"testing"

	"lifeline"
)

func TestParseScenario(t *testing.T) {
	const doc = `
name: Every kind of event
description: one of each
events:
  - cut_cables: [tonga-cable, "SEACOM/Tata TGN-Eurasia"]
  - cut: {cable: africa-coast-to-europe-ace, at: [-16.5, 18.5]}
  - region: {kind: conflict, polygon: [[30, 45], [40, 45], [40, 52], [30, 52]]}
  - region: {kind: storm, circle: {center: [-80, 25], radius_km: 300}}
  - landing_points: [nukualofa-tonga]
  - links: [MR-SN]
  - shutdown: {country: Egypt}
  - gateways: [Yemen]
  - solar_storm: {spacing_km: 100, p: [1, 0.1, 0.01]}
  - earthquake: {center: [120.5, 21.9], magnitude: 7.1}
  - power_outage:
      region: {circle: {center: [3.4, 6.4], radius_km: 50}}
      backup_hours: 8
      duration_hours: 24
    note: grid collapse around Lagos
  - ases: [8452, AS24863, "as36992"]
`
	sc, err := ParseScenario(strings.NewReader(doc), "all.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"cut_cables", "cut", "region", "region", "landing_points", "links", "shutdown", "gateways", "solar_storm", "earthquake", "power_outage", "ases"}
	if len(sc.Events) != len(want) {
		t.Fatalf("got %d events, want %d", len(sc.Events), len(want))
	}
	for i, w := range want {
		if got := sc.Events[i].Type(); got != w {
			t.Errorf("event %d: type %q, want %q", i+1, got, w)
		}
	}
	if sc.Events[1].Cut.At[1] != 18.5 || sc.Events[3].Region.Circle.RadiusKm != 300 || sc.Events[10].PowerOutage.DurationHours != 24 ||
		len(sc.Events[11].ASes) != 3 || sc.Events[11].ASes[1] != 24863 || sc.Events[11].ASes[2] != 36992 || sc.Events[7].Gateways[0] != "Yemen" {
		t.Errorf("fields not decoded: %+v", sc.Events)
	}
}

func TestParseScenarioErrors(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string // substrings of the message
	}{
		{"empty", ``, []string{"empty"}},
		{"no name", "events: []\n", []string{"name"}},
		{"syntax", "name: x\nevents: [\n", []string{"bad.yaml"}},
		{"unknown top field", "name: x\nevent: []\n", []string{"line 2", `unknown field "event"`, "events"}},
		{"unknown event field", "name: x\nevents:\n  - cut: {cable: a, at: [1, 2], where: 3}\n", []string{"event 1 (cut)", "line 3", `"where"`, "cable, at"}},
		{"unknown event type", "name: x\nevents:\n  - cut_cables: [a]\n  - flood: {}\n", []string{"event 2", `"flood"`}},
		{"no type", "name: x\nevents:\n  - note: nothing\n", []string{"event 1", "want one of"}},
		{"two types", "name: x\nevents:\n  - {cut_cables: [a], shutdown: {country: EG}}\n", []string{"event 1", "cut_cables and shutdown"}},
		{"bad lon", "name: x\nevents:\n  - cut: {cable: a, at: [200, 1]}\n", []string{"event 1 (cut)", "at:", "lon in -180..180", "200"}},
		{"short point", "name: x\nevents:\n  - cut: {cable: a, at: [1]}\n", []string{"event 1 (cut)", "at:", "[lon, lat]"}},
		{"missing cable", "name: x\nevents:\n  - cut: {at: [1, 2]}\n", []string{"event 1 (cut)", "cable"}},
		{"region kind", "name: x\nevents:\n  - region: {kind: aliens, circle: {center: [1, 2], radius_km: 5}}\n", []string{"event 1 (region)", "kind", "aliens", "conflict"}},
		{"region both", "name: x\nevents:\n  - region: {kind: storm, polygon: [[0,0],[1,0],[1,1]], circle: {center: [1, 2], radius_km: 5}}\n", []string{"event 1 (region)", "not both"}},
		{"polygon short", "name: x\nevents:\n  - region: {kind: storm, polygon: [[0,0],[1,0],[0,0]]}\n", []string{"event 1 (region)", "polygon", "3 distinct"}},
		{"radius", "name: x\nevents:\n  - region: {kind: storm, circle: {center: [1, 2], radius_km: -5}}\n", []string{"event 1 (region)", "circle.radius_km", "-5"}},
		{"storm p", "name: x\nevents:\n  - solar_storm: {spacing_km: 100, p: [1, 0.1]}\n", []string{"event 1 (solar_storm)", "p:", "three"}},
		{"storm p range", "name: x\nevents:\n  - solar_storm: {spacing_km: 100, p: [1, 0.1, 2]}\n", []string{"event 1 (solar_storm)", "p[2]", "0..1"}},
		{"storm spacing", "name: x\nevents:\n  - solar_storm: {p: [1, 0.1, 0.01]}\n", []string{"event 1 (solar_storm)", "spacing_km"}},
		{"quake magnitude", "name: x\nevents:\n  - earthquake: {center: [1, 2], magnitude: 12}\n", []string{"event 1 (earthquake)", "magnitude", "12"}},
		{"outage hours", "name: x\nevents:\n  - power_outage: {region: {circle: {center: [1, 2], radius_km: 5}}, backup_hours: -1, duration_hours: 3}\n", []string{"event 1 (power_outage)", "backup_hours"}},
		{"outage region", "name: x\nevents:\n  - power_outage: {backup_hours: 1, duration_hours: 3}\n", []string{"event 1 (power_outage)", "region"}},
		{"wrong type", "name: x\nevents:\n  - cut_cables: [a]\n  - earthquake: {center: [1, 2], magnitude: big}\n", []string{"event 2 (earthquake)", "line 4", "big"}},
		{"empty list", "name: x\nevents:\n  - landing_points: []\n", []string{"event 1 (landing_points)", "at least one"}},
		{"ases empty", "name: x\nevents:\n  - ases: []\n", []string{"event 1 (ases)", "at least one AS number"}},
		{"ases zero", "name: x\nevents:\n  - ases: [0]\n", []string{"event 1 (ases)", "ases[0]", "AS 0"}},
		{"ases word", "name: x\nevents:\n  - cut_cables: [a]\n  - ases: [8452, TE-Data]\n", []string{"event 2 (ases)", "line 4", "8452 or AS8452", `"TE-Data"`}},
		{"ases not a list", "name: x\nevents:\n  - ases: 8452\n", []string{"event 1", "a list of AS numbers"}},
		{"link id", "name: x\nevents:\n  - links: [Senegal]\n", []string{"event 1 (links)", "links[0]", "MR-SN"}},
	}
	parseErrs(t, tests)
}

func FuzzParseScenario(f *testing.F) {
	f.Add("name: x\nevents:\n  - cut_cables: [a]\n")
	f.Add("name: x\nevents:\n  - cut: {cable: a, at: [1, 2]}\n  - region: {kind: storm, circle: {center: [1, 2], radius_km: 5}}\n")
	f.Add("name: x\nevents:\n  - power_outage: {region: {polygon: [[0,0],[1,0],[1,1]]}, backup_hours: 1, duration_hours: 3}\n")
	f.Add("name: x\nevents:\n  - solar_storm: {spacing_km: 100, p: [1, 0.1, 0.01]}\n  - earthquake: {center: [1, 2], magnitude: 7}\n")
	f.Add("name: x\nevents:\n  - ases: [1, AS2]\n  - shutdown: {country: EG}\n")
	f.Add("name: x\nevents:\n  - gateways: [YE, \"\"]\n  - gateways: []\n")
	f.Add("name: [\n")
	f.Add("name: x\nstanding:\n  - cut: {cable: a, at: [1, 2]}\n  - shutdown: {country: EG}\nevents:\n  - cut_cables: [b]\n")
	f.Add("name: x\nstanding:\n  - earthquake: {center: [1, 2], magnitude: 7}\n  - ases: [1]\n")
	f.Add("name: x\nstanding: {cut_cables: [a]}\nevents: &e [{links: [MR-SN]}]\nplaces: *e\n")
	f.Fuzz(func(t *testing.T, doc string) {
		sc, err := ParseScenario(strings.NewReader(doc), "fuzz.yaml")
		if err != nil {
			if lifeline.ErrorCode(err) != lifeline.EINVALID {
				t.Fatalf("error code %q for %v", lifeline.ErrorCode(err), err)
			}
			return
		}
		if err := sc.Validate(); err != nil {
			t.Fatalf("parsed scenario does not validate: %v", err)
		}
		for i := range sc.Events {
			if len(sc.Events[i].types()) != 1 {
				t.Fatalf("event %d has types %v", i+1, sc.Events[i].types())
			}
		}
		for i := range sc.Standing {
			if ts := sc.Standing[i].types(); len(ts) != 1 || !strings.Contains(", "+standingKinds+",", ", "+ts[0]+",") {
				t.Fatalf("standing fault %d has types %v", i+1, ts)
			}
		}
	})
}
