package norms

import (
	"slices"
	"testing"

	"lifeline/coord"
)

func TestFromCoord(t *testing.T) {
	yes := true
	ci := &coord.Incident{
		Title: "Shutdown", Kind: coord.KindShutdown, Countries: []string{"TG"}, Start: day("2017-09-05"),
		Elements: []string{"cable:wacs"}, ASNs: []uint32{24691},
		Shutdown: &coord.Shutdown{GeoScope: "national", Type: "shutdown", Extent: "full_network",
			OrderedBy: "National government", GovJustification: "Public safety", ActualCause: "Protests against term limits",
			TelcosInvolved: []string{"Togocel"}, Election: &yes},
	}
	in := FromCoord(ci)
	if err := in.Validate(); err != nil {
		t.Fatalf("a coordinated incident does not map to a valid one: %v", err)
	}
	s := in.Shutdown
	if in.Kind != "shutdown" || !slices.Equal(in.Countries, []string{"TG"}) || s.OrderedBy != "government" ||
		s.GovJustification != "public_order" || s.ActualCause != "other" || s.Extent != "full_network" ||
		!slices.Equal(s.TelcosInvolved, []string{"Togocel"}) || s.Election == nil || !*s.Election {
		t.Errorf("FromCoord = %+v, shutdown %+v", in, s)
	}
	// The mapping copies: changing the result leaves the coordinated incident alone.
	in.Countries[0] = "XX"
	s.TelcosInvolved[0] = "X"
	if ci.Countries[0] != "TG" || ci.Shutdown.TelcosInvolved[0] != "Togocel" {
		t.Error("FromCoord shares slices with its input")
	}
	c := mustDefault(t)
	ex, err := c.Apply(FromCoord(ci), nil)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range ex.Findings {
		found = found || f.ID == "ecowas-amnesty-togo-2020"
	}
	if !found {
		t.Error("a Togolese shutdown recorded in coord does not engage the ECOWAS Court's Togo judgment")
	}
}
