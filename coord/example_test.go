package coord_test

import (
	"fmt"
	"time"

	"lifeline/coord"
)

// CanSee is the one visibility policy: the same question for every read.
func ExampleCanSee() {
	m := coord.Marking{TLP: coord.TLPAmber, Org: "ngo", Author: "alice", Orgs: []string{"isp"}}
	ispStaff := coord.Viewer{MemberID: "bob", OrgID: "isp", Role: coord.RoleViewer, OrgVerified: true}
	admin := coord.Viewer{MemberID: "root", OrgID: "instance", Role: coord.RoleInstanceAdmin, OrgVerified: true}
	fmt.Println(coord.CanSee(ispStaff, m), coord.CanSee(admin, m), coord.CanSee(coord.Viewer{}, m))
	// Output: true false false
}

// Propose explains why each offer fits a need, and how much of it.
func ExamplePropose() {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	need := &coord.Need{Resource: coord.Resource{ID: "need-1", Category: "power/generator",
		Quantity: 5, Unit: "unit", Countries: []string{"SD"}, Urgency: coord.UrgencyImmediate,
		LeadTime: coord.Duration(72 * time.Hour), Status: coord.ResourceOpen}}
	offer := &coord.Offer{Resource: coord.Resource{ID: "offer-1", Category: "power/generator/diesel",
		Quantity: 3, Unit: "unit", Countries: []string{"SD", "EG"}, LeadTime: coord.Duration(96 * time.Hour),
		Status: coord.ResourceOpen}}
	for _, p := range coord.Propose(need, 5, []coord.Candidate{{Offer: offer, Remaining: 3}}, now) {
		fmt.Printf("%s: %d of 5, score %.3f\n", p.OfferID, p.Quantity, p.Score)
		for _, f := range p.Factors {
			fmt.Printf("  %s %.2f×%.2f: %s\n", f.Name, f.Score, f.Weight, f.Reason)
		}
	}
	// Output:
	// offer-1: 3 of 5, score 0.810
	//   category 0.80×0.25: offer power/generator/diesel is a kind of power/generator
	//   coverage 1.00×0.25: covers 1 of 1 countries needed (SD)
	//   quantity 0.60×0.10: fills 3 of the 5 unit still needed
	//   lead_time 0.75×0.40: arrives in 96h0m0s, later than the 72h0m0s the need accepts; urgency Immediate: lead time weighs most
}
