package coord_test

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"

	"lifeline"
	"lifeline/coord"
)

// TestCoverageTravelsProperty draws random needs, matches (markings,
// quantities, how far along), the matches an instance holds of them and
// readers. With the record of the need's origin, every instance shows the
// origin's figures, however few of the matches it holds (a match held
// both ways counts once); the matches, and so who committed, are named
// only from those held there that the reader may see. While the record is
// older than a match held there, no quantity exceeds both the true figure
// and the record's (nothing is counted twice) nor falls below what the
// matches held there count.
func TestCoverageTravelsProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	draws := newMarkingDraws(rng, "a1", "a2", "b1", "c1")
	members, orgOf := draws.members, draws.orgOf
	marking := draws.marking
	viewers := []coord.Viewer{{}}
	for _, m := range members {
		viewers = append(viewers, coord.Viewer{MemberID: m, OrgID: orgOf[m], Role: coord.RoleViewer, OrgVerified: orgOf[m] != "C"})
	}
	statuses := []coord.MatchStatus{coord.MatchProposed, coord.MatchCommitted, coord.MatchDispatched, coord.MatchDelivered, coord.MatchReleased, coord.MatchCancelled}
	quantities := func(c *coord.Coverage) [4]int64 { return [4]int64{c.Held, c.Covered, c.Dispatched, c.Delivered} }
	checked := 0
	for round := range 1500 {
		need := &coord.Need{Resource: coord.Resource{ID: "need_1", Marking: marking()}}
		var all []*coord.Match
		version := int64(1)
		for i := range rng.IntN(6) {
			m := &coord.Match{ID: "match_" + string(rune('a'+i)), NeedID: need.ID, OfferID: "offer_1", NeedOrg: need.Org, OfferOrg: "B",
				Quantity: 1 + rng.Int64N(20), Status: statuses[rng.IntN(len(statuses))]}
			m.Marking = coord.Derive(marking(), need.Marking, marking())
			version++
			m.Version = version
			all = append(all, m)
		}
		// A match of another need, which no coverage of need_1 counts.
		all = append(all, &coord.Match{ID: "match_z", NeedID: "need_2", Quantity: 7, Status: coord.MatchCommitted, Marking: coord.Derive(marking(), marking(), marking())})
		rec := coord.RecordCoverage(need.ID, all, version+1)
		if err := rec.Validate(need.ID); err != nil {
			t.Fatalf("round %d: the origin's own record does not validate: %v", round, err)
		}
		var here []*coord.Match
		for _, m := range all {
			if rng.IntN(2) == 0 {
				here = append(here, m)
			}
		}
		for _, v := range viewers {
			origin := coord.NeedCoverage(v, need, all)
			got := coord.NeedCoverageFrom(v, need, here, &rec, need.Marking)
			if (got == nil) != !coord.CanSee(v, need.Marking) || (origin == nil) != (got == nil) {
				t.Fatalf("round %d: %+v reads a coverage %v, may see the need %v", round, v, got != nil, coord.CanSee(v, need.Marking))
			}
			if got == nil {
				continue
			}
			checked++
			if quantities(got) != quantities(origin) {
				t.Fatalf("round %d: %+v reads %v here, %v at the origin", round, v, quantities(got), quantities(origin))
			}
			for _, cm := range got.Matches {
				i := slices.IndexFunc(here, func(m *coord.Match) bool { return m.ID == cm.MatchID })
				if i < 0 || !coord.CanSee(v, here[i].Marking) || here[i].NeedID != need.ID {
					t.Fatalf("round %d: %+v is shown %s, which it may not see here", round, v, cm.MatchID)
				}
			}
			for _, m := range here {
				// (A match recorded without both markings it reveals is
				// named to nobody: the rule fails closed.)
				_, _, revealed := m.Revealed()
				if m.NeedID == need.ID && m.Active() && revealed && coord.CanSee(v, m.Marking) &&
					!slices.ContainsFunc(got.Matches, func(cm coord.CoverageMatch) bool { return cm.MatchID == m.ID }) {
					t.Fatalf("round %d: %+v is not shown %s, which it may see here", round, v, m.ID)
				}
			}
			// A record the reader may not see is not used.
			if !coord.CanSee(v, coord.Marking{TLP: coord.TLPRed, Org: "A", Author: "a1"}) {
				hidden := coord.NeedCoverageFrom(v, need, here, &rec, coord.Marking{TLP: coord.TLPRed, Org: "A", Author: "a1"})
				if quantities(hidden) != quantities(coord.NeedCoverage(v, need, here)) {
					t.Fatalf("round %d: %+v reads a record it may not see", round, v)
				}
			}
		}
		if len(here) == 0 || here[0].NeedID != need.ID {
			continue
		}
		// The record that follows a change has not arrived: the first
		// match held here moved after the record was written.
		moved := *here[0]
		moved.Status = statuses[rng.IntN(len(statuses))]
		moved.Version = rec.Version + 1
		now := slices.Clone(all)
		now[slices.Index(all, here[0])] = &moved
		stale := slices.Clone(here)
		stale[0] = &moved
		for _, v := range viewers {
			got := coord.NeedCoverageFrom(v, need, stale, &rec, need.Marking)
			if got == nil {
				continue
			}
			truth, local := quantities(coord.NeedCoverage(v, need, now)), quantities(coord.NeedCoverage(v, need, stale))
			r := [4]int64{rec.Held, rec.Covered, rec.Dispatched, rec.Delivered}
			for i, q := range quantities(got) {
				if q < local[i] || q > max(truth[i], r[i]) {
					t.Fatalf("round %d: quantity %d reads %d, with %d held here, %d in truth and %d in the record", round, i, q, local[i], truth[i], r[i])
				}
			}
		}
	}
	if checked < 1000 {
		t.Errorf("only %d coverages read: the draw exercises too little", checked)
	}
}

// TestCoverageRecordValidate: a record names the need of its event and
// quantities that nest.
func TestCoverageRecordValidate(t *testing.T) {
	ok := coord.CoverageRecord{Need: "need_1", Held: 5, Covered: 4, Dispatched: 2, Delivered: 1, Version: 9}
	if err := ok.Validate("need_1"); err != nil {
		t.Errorf("a good record: %v", err)
	}
	for name, r := range map[string]coord.CoverageRecord{
		"another need":        {Need: "need_2", Held: 1, Version: 9},
		"no need":             {Held: 1, Version: 9},
		"covered beyond held": {Need: "need_1", Held: 1, Covered: 2, Version: 9},
		"delivered beyond":    {Need: "need_1", Held: 3, Covered: 3, Dispatched: 1, Delivered: 2, Version: 9},
		"negative":            {Need: "need_1", Held: 1, Delivered: -1, Version: 9},
		"no version":          {Need: "need_1", Held: 1},
		"too much":            {Need: "need_1", Held: coord.MaxQuantity + 1, Version: 9},
	} {
		if err := r.Validate("need_1"); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// FuzzCoverageRecord decodes a record as it arrives from another
// instance: a bad one gets EINVALID, a good one has quantities that nest
// and names the need of its event.
func FuzzCoverageRecord(f *testing.F) {
	f.Add(`{"need":"need_1","held":5,"covered":4,"dispatched":2,"delivered":1,"version":9}`)
	f.Add(`{"need":"need_1","held":1,"covered":2,"version":9}`)
	f.Add(`{"need":"need_2","held":-1}`)
	f.Fuzz(func(t *testing.T, payload string) {
		var r coord.CoverageRecord
		if json.Unmarshal([]byte(payload), &r) != nil {
			return
		}
		if err := r.Validate("need_1"); err != nil {
			if lifeline.ErrorCode(err) != lifeline.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		if r.Need != "need_1" || r.Delivered < 0 || r.Delivered > r.Dispatched || r.Dispatched > r.Covered || r.Covered > r.Held || r.Held > coord.MaxQuantity {
			t.Fatalf("accepted %+v", r)
		}
	})
}
