package coord_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"lifeline"
	"lifeline/coord"
)

// TestOfferCoverageTravelsProperty draws an offer, three instances that
// each keep random matches of it (random markings, quantities, how far
// along), the matches of the others each instance holds, and readers.
// Each instance records the matches it keeps; with every recorder's
// record, every instance shows the offer's true figures — the sum over
// all its matches, wherever kept — to every reader who may see the offer,
// however few of the matches it holds, a match held both ways counting
// once and an older record of a recorder changing nothing. The matches
// are named only from those held there that the reader may see. Without a
// record, or one the reader may not see, or one older than a match held
// there, no quantity exceeds the truth nor falls below what the matches
// held there count.
func TestOfferCoverageTravelsProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	draws := newMarkingDraws(rng, "a1", "a2", "b1", "c1")
	viewers := []coord.Viewer{{}}
	for _, m := range draws.members {
		viewers = append(viewers, coord.Viewer{MemberID: m, OrgID: draws.orgOf[m], Role: coord.RoleViewer, OrgVerified: draws.orgOf[m] != "C"})
	}
	statuses := []coord.MatchStatus{coord.MatchProposed, coord.MatchCommitted, coord.MatchDispatched, coord.MatchDelivered, coord.MatchReleased, coord.MatchCancelled}
	quantities := func(c *coord.Coverage) [4]int64 { return [4]int64{c.Held, c.Covered, c.Dispatched, c.Delivered} }
	instances := []string{"p0", "p1", "p2"}
	checked := 0
	for round := range 600 {
		offer := &coord.Offer{Resource: coord.Resource{ID: "offer_1", Marking: draws.marking()}}
		var all []*coord.Match
		keptBy := map[string]string{}
		recs := map[string]coord.OfferCoverageRecord{}
		for _, inst := range instances {
			version := int64(1)
			var kept []*coord.Match
			for i := range rng.IntN(4) {
				version++
				m := &coord.Match{ID: fmt.Sprintf("match_%s_%d", inst, i), NeedID: "need_" + inst, OfferID: offer.ID,
					Quantity: 1 + rng.Int64N(20), Status: statuses[rng.IntN(len(statuses))], Version: version}
				m.Marking = coord.Derive(draws.marking(), draws.marking(), offer.Marking)
				kept = append(kept, m)
				keptBy[m.ID] = inst
			}
			// A match of another offer, which no record of offer_1 counts.
			kept = append(kept, &coord.Match{ID: "match_z_" + inst, OfferID: "offer_2", Quantity: 5, Status: coord.MatchCommitted, Marking: offer.Marking})
			r := coord.RecordOfferCoverage(coord.OfferCoveragePrefix+inst, offer.ID, kept, version+1)
			if err := r.Validate(r.ID); err != nil {
				t.Fatalf("round %d: %s's own record does not validate: %v", round, inst, err)
			}
			recs[inst] = r
			all = append(all, kept...)
		}
		for _, here := range instances {
			// What here holds: its own matches, some of the others', and
			// every record, an older one of each other recorder too.
			var held []*coord.Match
			keeper := map[string]string{}
			for _, m := range all {
				k := keptBy[m.ID]
				if k == here || rng.IntN(2) == 0 {
					held = append(held, m)
					if k != here {
						keeper[m.ID] = k
					}
				}
			}
			var hrs []coord.HeldOfferRecord
			for _, inst := range instances {
				r := recs[inst]
				rec := inst
				if inst == here {
					rec = ""
				}
				hrs = append(hrs, coord.HeldOfferRecord{Record: r, Marking: offer.Marking, Recorder: rec})
				old := r
				old.Version, old.Held, old.Covered, old.Dispatched, old.Delivered = 1, 999, 0, 0, 0
				hrs = append(hrs, coord.HeldOfferRecord{Record: old, Marking: offer.Marking, Recorder: rec})
			}
			rng.Shuffle(len(hrs), func(i, j int) { hrs[i], hrs[j] = hrs[j], hrs[i] })
			for _, v := range viewers {
				truth := coord.OfferCoverage(v, offer, all)
				got := coord.OfferCoverageFrom(v, offer, held, keeper, hrs)
				if (got == nil) != !coord.CanSee(v, offer.Marking) || (truth == nil) != (got == nil) {
					t.Fatalf("round %d: %+v reads a coverage %v, may see the offer %v", round, v, got != nil, coord.CanSee(v, offer.Marking))
				}
				if got == nil {
					continue
				}
				checked++
				if quantities(got) != quantities(truth) {
					t.Fatalf("round %d on %s: %+v reads %v, the truth is %v", round, here, v, quantities(got), quantities(truth))
				}
				for _, cm := range got.Matches {
					i := slices.IndexFunc(held, func(m *coord.Match) bool { return m.ID == cm.MatchID })
					if i < 0 || !coord.CanSee(v, held[i].Marking) || held[i].OfferID != offer.ID {
						t.Fatalf("round %d: %+v is shown %s, which it may not see here", round, v, cm.MatchID)
					}
				}
				local := quantities(coord.OfferCoverage(v, offer, held))
				// Records the reader may not see are not used: each other
				// instance counts by its matches held here.
				hidden := coord.Marking{TLP: coord.TLPRed, Org: "A", Author: "a1"}
				if !coord.CanSee(v, hidden) {
					var hid []coord.HeldOfferRecord
					for _, h := range hrs {
						h.Marking = hidden
						hid = append(hid, h)
					}
					if q := quantities(coord.OfferCoverageFrom(v, offer, held, keeper, hid)); q != local {
						t.Fatalf("round %d: %+v reads records it may not see: %v, the matches held here %v", round, v, q, local)
					}
				}
				// No records at all: the matches held here.
				if q := quantities(coord.OfferCoverageFrom(v, offer, held, keeper, nil)); q != local {
					t.Fatalf("round %d: without records %+v reads %v, the matches held here %v", round, v, q, local)
				}
				// A match of another instance held here moved after its
				// record: nothing counted twice, nothing held here lost.
				i := slices.IndexFunc(held, func(m *coord.Match) bool { return keeper[m.ID] != "" && m.OfferID == offer.ID })
				if i < 0 {
					continue
				}
				moved := *held[i]
				moved.Status = statuses[rng.IntN(len(statuses))]
				moved.Version = recs[keeper[moved.ID]].Version + 1
				stale := slices.Clone(held)
				stale[i] = &moved
				now := slices.Clone(all)
				now[slices.IndexFunc(all, func(m *coord.Match) bool { return m.ID == moved.ID })] = &moved
				after := quantities(coord.OfferCoverage(v, offer, now))
				before := quantities(truth)
				s := coord.OfferCoverageFrom(v, offer, stale, keeper, hrs)
				sl := quantities(coord.OfferCoverage(v, offer, stale))
				for j, q := range quantities(s) {
					if q < sl[j] || q > max(before[j], after[j]) {
						t.Fatalf("round %d: with a record behind, quantity %d reads %d; %d held here, truth before %d, after %d", round, j, q, sl[j], before[j], after[j])
					}
				}
			}
		}
	}
	if checked < 1000 {
		t.Errorf("only %d coverages read: the draw exercises too little", checked)
	}
}

// TestOfferCoverageRecordValidate: a record is the record of its event,
// names an offer and has quantities that nest.
func TestOfferCoverageRecordValidate(t *testing.T) {
	ok := coord.OfferCoverageRecord{ID: "ocov_1", Offer: "offer_1", Held: 5, Covered: 4, Dispatched: 2, Delivered: 1, Version: 9}
	if err := ok.Validate("ocov_1"); err != nil {
		t.Errorf("a good record: %v", err)
	}
	for name, r := range map[string]coord.OfferCoverageRecord{
		"another record":      {ID: "ocov_2", Offer: "offer_1", Held: 1, Version: 9},
		"not a record's id":   {ID: "offer_1", Offer: "offer_1", Held: 1, Version: 9},
		"no offer":            {ID: "ocov_1", Held: 1, Version: 9},
		"a need":              {ID: "ocov_1", Offer: "need_1", Held: 1, Version: 9},
		"covered beyond held": {ID: "ocov_1", Offer: "offer_1", Held: 1, Covered: 2, Version: 9},
		"delivered beyond":    {ID: "ocov_1", Offer: "offer_1", Held: 3, Covered: 3, Dispatched: 1, Delivered: 2, Version: 9},
		"negative":            {ID: "ocov_1", Offer: "offer_1", Held: 1, Delivered: -1, Version: 9},
		"no version":          {ID: "ocov_1", Offer: "offer_1", Held: 1},
		"too much":            {ID: "ocov_1", Offer: "offer_1", Held: coord.MaxQuantity + 1, Version: 9},
	} {
		err := r.Validate("ocov_1")
		if err == nil {
			t.Errorf("%s: accepted", name)
		} else if lifeline.ErrorCode(err) != lifeline.EINVALID {
			t.Errorf("%s: %v is not EINVALID", name, err)
		}
	}
}

// FuzzOfferCoverageRecord decodes a record as it arrives from another
// instance: a bad one gets EINVALID, a good one has quantities that nest
// and is the record of its event.
func FuzzOfferCoverageRecord(f *testing.F) {
	f.Add(`{"id":"ocov_1","offer":"offer_1","held":5,"covered":4,"dispatched":2,"delivered":1,"version":9}`)
	f.Add(`{"id":"ocov_1","offer":"offer_1","held":1,"covered":2,"version":9}`)
	f.Add(`{"id":"ocov_2","offer":"need_1","held":-1}`)
	f.Fuzz(func(t *testing.T, payload string) {
		var r coord.OfferCoverageRecord
		if json.Unmarshal([]byte(payload), &r) != nil {
			return
		}
		if err := r.Validate("ocov_1"); err != nil {
			if lifeline.ErrorCode(err) != lifeline.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		if r.ID != "ocov_1" || r.Offer == "" || r.Delivered < 0 || r.Delivered > r.Dispatched || r.Dispatched > r.Covered || r.Covered > r.Held || r.Held > coord.MaxQuantity || r.Version < 1 {
			t.Fatalf("accepted %+v", r)
		}
	})
}
