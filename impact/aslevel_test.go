package impact

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"lifeline"
	"lifeline/impact/asrel"
)

// countryMap is an AS-to-country table for tests.
type countryMap map[uint32]string

func (m countryMap) Country(asn uint32) (string, bool) {
	c, ok := m[asn]
	return c, ok
}

// A hand-worked shutdown: tier-1s 1 (US) and 2 (DE) peer; 10, Egypt's
// transit network, buys from 1; 11 is an Egyptian stub below 10; 20 in
// Sudan is single-homed to 10; 21 in Libya buys from 10 and from 2; 30 in
// France from 2; 40 is in no table. Egypt's shutdown fails 10 and 11: 20
// is cut off (it loses all 5 other live ASes), and everyone else loses 20.
func handASGraph(t *testing.T) (*asrel.Graph, countryMap) {
	t.Helper()
	g, err := asrel.New([]asrel.Link{{A: 1, B: 2, Rel: asrel.P2P}, {A: 1, B: 10, Rel: asrel.P2C}, {A: 10, B: 11, Rel: asrel.P2C},
		{A: 10, B: 20, Rel: asrel.P2C}, {A: 10, B: 21, Rel: asrel.P2C}, {A: 2, B: 21, Rel: asrel.P2C}, {A: 2, B: 30, Rel: asrel.P2C},
		{A: 2, B: 40, Rel: asrel.P2C}})
	if err != nil {
		t.Fatal(err)
	}
	return g, countryMap{1: "US", 2: "DE", 10: "EG", 11: "EG", 20: "SD", 21: "LY", 30: "FR"}
}

func simulateAS(t *testing.T, g *asrel.Graph, doc string, opt ASOptions) (*ASLevel, error) {
	t.Helper()
	sc, err := ParseScenario(strings.NewReader(doc), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return SimulateAS(context.Background(), g, sc, opt)
}

func TestSimulateASShutdownByHand(t *testing.T) {
	g, cc := handASGraph(t)
	r, err := simulateAS(t, g, "name: Egypt\nevents:\n  - shutdown: {country: Egypt}\n  - cut_cables: [ignored-here]\n", ASOptions{Countries: cc})
	if err != nil {
		t.Fatal(err)
	}
	// 8 ASes, 6 live, 7 others each: 20 loses 5, the 5 others lose 20.
	if r.ASes != 8 || r.P2CLinks != 7 || r.P2PLinks != 1 || !slices.Equal(r.Failed, []uint32{10, 11}) ||
		!reflect.DeepEqual(r.Shutdowns, []ASShutdown{{"EG", 2}}) || r.Cone != 2 || r.Affected != 6 || r.LostPairs != 10 {
		t.Errorf("summary %+v", r)
	}
	if want := round6(10.0 / (6 * 7)); r.LostShare != want {
		t.Errorf("lost share %v, want %v", r.LostShare, want)
	}
	wantNet := []ASNetworkImpact{
		{ASN: 20, Country: "SD", Lost: 5, LostShare: round6(5.0 / 7), InFailedCone: true, FailedProviders: []uint32{10}},
		{ASN: 1, Country: "US", Lost: 1, LostShare: round6(1.0 / 7)},
		{ASN: 2, Country: "DE", Lost: 1, LostShare: round6(1.0 / 7)},
		{ASN: 21, Country: "LY", Lost: 1, LostShare: round6(1.0 / 7), InFailedCone: true, FailedProviders: []uint32{10}},
		{ASN: 30, Country: "FR", Lost: 1, LostShare: round6(1.0 / 7)},
		{ASN: 40, Country: "ZZ", Lost: 1, LostShare: round6(1.0 / 7)},
	}
	if !reflect.DeepEqual(r.Networks, wantNet) || r.Unlisted != (ASUnlisted{}) {
		t.Errorf("networks\n got %+v\nwant %+v", r.Networks, wantNet)
	}
	var codes []string
	for _, c := range r.Countries {
		codes = append(codes, c.Country)
	}
	if want := []string{"EG", "SD", "DE", "FR", "LY", "US", "ZZ"}; !slices.Equal(codes, want) {
		t.Errorf("countries %v, want %v", codes, want)
	}
	if eg, sd := r.Countries[0], r.Countries[1]; eg.ASes != 2 || eg.Failed != 2 || eg.Affected != 0 || eg.Name != "Egypt" ||
		sd.ASes != 1 || sd.CutOff != 1 || sd.LostPairs != 5 || sd.LostShare != round6(5.0/7) {
		t.Errorf("Egypt %+v, Sudan %+v", eg, sd)
	}
}

func TestSimulateASNetworks(t *testing.T) {
	g, _ := handASGraph(t)
	// Without a table: the explicit networks fail, no country figures.
	r, err := simulateAS(t, g, "name: x\nevents:\n  - ases: [AS10, 40]\n", ASOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Failed, []uint32{10, 40}) || r.Countries != nil || r.Networks[0].ASN != 11 || r.Networks[0].Country != "" {
		t.Errorf("%+v", r)
	}
	r, err = simulateAS(t, g, "name: nothing at the AS level\nevents:\n  - cut_cables: [a]\n", ASOptions{Countries: countryMap{}})
	if err != nil || r.LostPairs != 0 || len(r.Networks) != 0 || len(r.Countries) != 0 || len(r.Failed) != 0 {
		t.Errorf("no AS event: %+v, %v", r, err)
	}
}

func TestSimulateASErrors(t *testing.T) {
	g, cc := handASGraph(t)
	tests := []struct {
		name, doc string
		table     ASCountries
		code      string
		want      []string
	}{
		{"shutdown without a table", "name: x\nevents:\n  - shutdown: {country: EG}\n", nil, lifeline.EINVALID,
			[]string{"event 1 (shutdown)", "AS-to-country table"}},
		{"unknown AS", "name: x\nevents:\n  - shutdown: {country: EG}\n  - ases: [10, 64999]\n", cc, lifeline.ENOTFOUND,
			[]string{"event 2 (ases)", "AS 64999 is not in the relationship graph"}},
		{"unknown country", "name: x\nevents:\n  - shutdown: {country: Egipt}\n", cc, lifeline.ENOTFOUND,
			[]string{"event 1 (shutdown)", `"Egipt"`, "closest: Egypt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := simulateAS(t, g, tt.doc, ASOptions{Countries: tt.table})
			if lifeline.ErrorCode(err) != tt.code {
				t.Fatalf("error %v, code %q; want %q", err, lifeline.ErrorCode(err), tt.code)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}
