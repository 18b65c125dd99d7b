package coord

import (
	"strings"

	"lifeline"
)

// An offer may be matched with needs of several instances, and a match is
// made and kept where its need is kept, so no instance need hold every
// match of an offer. Each instance that keeps matches of an offer
// therefore records how much of the offer its own matches hold
// (OfferCoverageRecord, event offer.coverage), at the offer's marking, and
// every instance that may see the offer sums the records of every
// recorder (OfferCoverageFrom).

// OfferCoverageRecord is how much of an offer the matches one instance
// keeps hold, as that instance (the recorder) recorded it: quantities
// only — no match, no need, no organisation. It is an item of its own,
// kept by its recorder: ID is its id (the subject of its events), the
// same for every record the recorder writes of that offer and different
// for every recorder, and says nothing of who the recorder is (store
// derives it from the recorder's key). Whoever may see the offer may see
// it: it is marked as the offer is where the recorder holds it.
type OfferCoverageRecord struct {
	ID         string `json:"id"`
	Offer      string `json:"offer"`
	Held       int64  `json:"held"`
	Covered    int64  `json:"covered"`
	Dispatched int64  `json:"dispatched"`
	Delivered  int64  `json:"delivered"`
	// Version is the recorder's position when it wrote the record (the
	// version its items take): the record counts every match of the
	// offer the recorder keeps in its state at that position.
	Version int64 `json:"version"`
}

// OfferCoveragePrefix begins the id of every record of an offer's
// coverage.
const OfferCoveragePrefix = "ocov_"

// RecordOfferCoverage returns the record id of the coverage of offer by
// the matches ms kept by the recorder (matches of other offers are
// ignored), at version.
func RecordOfferCoverage(id, offer string, ms []*Match, version int64) OfferCoverageRecord {
	var q CoverageRecord
	for _, m := range ms {
		if m.OfferID == offer {
			q.add(m)
		}
	}
	return OfferCoverageRecord{ID: id, Offer: offer, Held: q.Held, Covered: q.Covered, Dispatched: q.Dispatched, Delivered: q.Delivered, Version: version}
}

// Validate checks a record as it arrives in an event about subject: it
// is that record (its id is the subject, of the form of a record's id),
// names an offer, and has quantities that nest — delivered within
// dispatched within covered within held, none beyond MaxQuantity — at a
// version of 1 or more.
func (r *OfferCoverageRecord) Validate(subject string) error {
	const op = "coord.OfferCoverageRecord.Validate"
	if r.ID == "" || r.ID != subject || !strings.HasPrefix(r.ID, OfferCoveragePrefix) || len(r.ID) > 64 {
		return lifeline.Errorf(lifeline.EINVALID, op, "id: expected the record the event is about, %q, beginning %q, found %q", truncate(subject, 40), OfferCoveragePrefix, truncate(r.ID, 40))
	}
	if !strings.HasPrefix(r.Offer, "offer_") || len(r.Offer) > 64 {
		return lifeline.Errorf(lifeline.EINVALID, op, "offer: expected the id of an offer, found %q", truncate(r.Offer, 40))
	}
	return checkRecordFigures(op, r.Held, r.Covered, r.Dispatched, r.Delivered, r.Version)
}

// HeldOfferRecord is a record of an offer's coverage as an instance holds
// it: the record, the marking it travelled under, and its recorder — the
// fingerprint of the instance that signed it, "" for the instance that
// holds it.
type HeldOfferRecord struct {
	Record   OfferCoverageRecord
	Marking  Marking
	Recorder string
}

// OfferCoverageFrom is OfferCoverage on an instance that holds only some
// of the offer's matches (ms) and the records other instances wrote of
// the matches they keep (recs). keeper gives, for a match held here, the
// instance that keeps it (its origin's fingerprint; absent or "" for a
// match kept here). It returns nil if v may not see the offer; else
// the sum, over every instance that keeps matches of the offer, of:
//
//   - for this instance, its matches (every one of them is here, in its
//     latest state);
//   - for another, its newest record v may see (CanSee of the record's
//     marking), or, when one of that instance's matches held here is
//     newer than the record (the record that follows it is still on its
//     way), each quantity the larger of the record's and of those
//     matches'; without a record v may see, the matches of that instance
//     held here.
//
// A record naming another offer, and this instance's own records (its
// matches count instead), are ignored. The matches are named, as always,
// only where v may see them.
func OfferCoverageFrom(v Viewer, offer *Offer, ms []*Match, keeper map[string]string, recs []HeldOfferRecord) *Coverage {
	c := OfferCoverage(v, offer, ms)
	if c == nil {
		return nil
	}
	type part struct {
		q      CoverageRecord
		newest int64
	}
	parts := map[string]*part{}
	for _, m := range ms {
		if m.OfferID != offer.ID {
			continue
		}
		k := keeper[m.ID]
		p := parts[k]
		if p == nil {
			p = &part{}
			parts[k] = p
		}
		p.q.add(m)
		p.newest = max(p.newest, m.Version)
	}
	// The newest record v may see of each other recorder.
	newest := map[string]*OfferCoverageRecord{}
	for i := range recs {
		r := &recs[i]
		if r.Recorder == "" || r.Record.Offer != offer.ID || !CanSee(v, r.Marking) {
			continue
		}
		if n := newest[r.Recorder]; n == nil || r.Record.Version > n.Version {
			newest[r.Recorder] = &r.Record
		}
	}
	var total CoverageRecord
	sum := func(q CoverageRecord) {
		total.Held += q.Held
		total.Covered += q.Covered
		total.Dispatched += q.Dispatched
		total.Delivered += q.Delivered
	}
	for k, r := range newest {
		q := CoverageRecord{Held: r.Held, Covered: r.Covered, Dispatched: r.Dispatched, Delivered: r.Delivered}
		if p := parts[k]; p != nil && p.newest > r.Version {
			q.Held, q.Covered = max(q.Held, p.q.Held), max(q.Covered, p.q.Covered)
			q.Dispatched, q.Delivered = max(q.Dispatched, p.q.Dispatched), max(q.Delivered, p.q.Delivered)
		}
		sum(q)
	}
	for k, p := range parts {
		if newest[k] == nil {
			sum(p.q)
		}
	}
	c.Held, c.Covered, c.Dispatched, c.Delivered = total.Held, total.Covered, total.Dispatched, total.Delivered
	return c
}
