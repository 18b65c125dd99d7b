package atlas

import (
	"strings"
	"testing"

	"lifeline/geo"
)

// The embedded gateways parse, name real countries, and apply by year.
func TestGateways(t *testing.T) {
	gs := Gateways()
	if len(gs) == 0 {
		t.Fatal("no national gateways")
	}
	for _, g := range gs {
		if _, ok := geo.Lookup(g.Country); !ok {
			t.Errorf("gateways.csv: %s is not a country", g.Country)
		}
	}
	a := &Atlas{LandingPoints: []LandingPoint{{ID: "al-hudaydah-yemen", Country: "YE"}, {ID: "aden-yemen", Country: "YE"}}}
	if got := gatewaysAsOf(a, 2022); len(got) != 1 || got[0].Country != "YE" || len(got[0].Sites) != 1 || got[0].Sites[0] != "al-hudaydah-yemen" {
		t.Errorf("2022: %+v; want Yemen's gateway at Al Hudaydah", got)
	}
	if got := gatewaysAsOf(a, 2010); len(got) != 0 {
		t.Errorf("2010: %+v; want none before the blockade", got)
	}
	if got := gatewaysAsOf(&Atlas{LandingPoints: []LandingPoint{{ID: "aden-yemen", Country: "YE"}}}, 2022); len(got) != 0 {
		t.Errorf("an atlas without the site: %+v; want none", got)
	}
}

func TestGatewayErrors(t *testing.T) {
	const h = "country,sites,operator,from,to,source\n"
	bad := []struct{ in, want string }{
		{"", "empty"},
		{h + "Yemen,a,o,0,0,s\n", "line 2: country"},
		{h + "YE,a||b,o,0,0,s\n", "line 2: sites"},
		{h + "YE,a,o,x,0,s\n", "line 2: from"},
		{h + "YE,a,o,2020,2019,s\n", "line 2: to"},
		{h + "YE,a,,0,0,s\n", "line 2: want the operator"},
		{h + "YE,a,o,0,0\n", "line 2: want 6 fields"},
	}
	for _, b := range bad {
		if _, err := parseGateways(strings.NewReader(b.in), "g.csv"); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%q: error %v, want %q", b.in, err, b.want)
		}
	}
}
