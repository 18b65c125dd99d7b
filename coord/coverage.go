package coord

import "lifeline"

// Coverage is how much of a need (or an offer) its matches hold, by how
// far along they are. The quantities are summed over every match of the need, whoever
// made it and whoever may see it, and are shown to whoever may see the
// need: someone deciding whether to ship must know the need is covered
// even when the commitment is not theirs to see, or duplicate shipments
// follow. Which match covers it, and which organisation committed, is
// shown only to those who may see the match (CanSee of its marking, which
// reveals the need and the offer): Matches lists just those. Across
// instances a need's quantities come from the record its origin keeps of
// them (CoverageRecord, NeedCoverageFrom), since an instance may hold only
// some of the need's matches; an offer's from the records of every
// instance that keeps matches of it (OfferCoverageRecord,
// OfferCoverageFrom).
type Coverage struct {
	// Held is what active matches hold, proposals included: the part of
	// the need the matching engine no longer offers.
	Held int64 `json:"held"`
	// Covered is what matches committed, dispatched or delivered hold.
	Covered int64 `json:"covered"`
	// Dispatched is what is on its way or delivered.
	Dispatched int64 `json:"dispatched"`
	// Delivered is what arrived (delivered or released).
	Delivered int64 `json:"delivered"`
	// Matches are the active matches of the need the reader may see.
	Matches []CoverageMatch `json:"matches"`
}

// CoverageMatch is one match a reader may see in a coverage: which need
// and offer, of which organisations, how much and how far along.
type CoverageMatch struct {
	MatchID  string      `json:"match_id"`
	NeedID   string      `json:"need_id"`
	NeedOrg  string      `json:"need_org"`
	OfferID  string      `json:"offer_id"`
	OfferOrg string      `json:"offer_org"`
	Quantity int64       `json:"quantity"`
	Status   MatchStatus `json:"status"`
}

// NeedCoverage returns the coverage of need as v may read it, from all
// the matches of the need (ms; matches of other needs are ignored): nil
// if v may not see the need, else the quantities of every active match,
// and the matches themselves only where v may see them.
func NeedCoverage(v Viewer, need *Need, ms []*Match) *Coverage {
	return coverage(v, need.Marking, ms, func(m *Match) bool { return m.NeedID == need.ID })
}

// OfferCoverage is NeedCoverage for an offer: how much of it matches
// hold and how far along, shown to whoever may see the offer, so that
// its provider knows what is left even of matches made with needs it may
// not see; those matches are not named.
func OfferCoverage(v Viewer, offer *Offer, ms []*Match) *Coverage {
	return coverage(v, offer.Marking, ms, func(m *Match) bool { return m.OfferID == offer.ID })
}

func coverage(v Viewer, item Marking, ms []*Match, of func(*Match) bool) *Coverage {
	if !CanSee(v, item) {
		return nil
	}
	c := &Coverage{Matches: []CoverageMatch{}}
	var q CoverageRecord
	for _, m := range ms {
		if !of(m) || !m.Active() {
			continue
		}
		q.add(m)
		// A match recorded without what it reveals is named to nobody:
		// the rule cannot be checked, so it fails closed.
		if _, _, ok := m.Revealed(); ok && CanSee(v, m.Marking) {
			c.Matches = append(c.Matches, CoverageMatch{MatchID: m.ID, NeedID: m.NeedID, NeedOrg: m.NeedOrg,
				OfferID: m.OfferID, OfferOrg: m.OfferOrg, Quantity: m.Quantity, Status: m.Status})
		}
	}
	c.Held, c.Covered, c.Dispatched, c.Delivered = q.Held, q.Covered, q.Dispatched, q.Delivered
	return c
}

// CoverageRecord is a need's coverage as the instance that keeps the need
// recorded it (event need.coverage): the quantities of every match of the
// need, and nothing else — no match, no organisation, no offer — so that
// it may be shown to whoever may see the need, on every instance the need
// reaches, and is marked as the need is. An instance that holds only some
// of the need's matches (those marked more narrowly than the need stay
// where they were made) takes the quantities from the record and so shows
// the same figures as the need's origin.
type CoverageRecord struct {
	Need       string `json:"need"`
	Held       int64  `json:"held"`
	Covered    int64  `json:"covered"`
	Dispatched int64  `json:"dispatched"`
	Delivered  int64  `json:"delivered"`
	// Version is the origin's position when it recorded the coverage
	// (the version its items take): the record counts every match of the
	// need in the state of its last change at or before Version.
	Version int64 `json:"version"`
}

// RecordCoverage returns the record of the coverage of the need id from
// all of its matches ms (matches of other needs are ignored), at version.
func RecordCoverage(id string, ms []*Match, version int64) CoverageRecord {
	r := CoverageRecord{Need: id, Version: version}
	for _, m := range ms {
		if m.NeedID == id {
			r.add(m)
		}
	}
	return r
}

// add counts one match's quantity, by how far along it is.
func (r *CoverageRecord) add(m *Match) {
	if !m.Active() {
		return
	}
	r.Held += m.Quantity
	switch m.Status {
	case MatchDelivered, MatchReleased:
		r.Delivered += m.Quantity
		fallthrough
	case MatchDispatched:
		r.Dispatched += m.Quantity
		fallthrough
	case MatchCommitted:
		r.Covered += m.Quantity
	}
}

// Validate checks a record as it arrives in an event about subject: it
// names that need, with quantities that fit a need's (0 to MaxQuantity
// summed over at most a need's quantity of matches) and that nest —
// delivered within dispatched within covered within held.
func (r *CoverageRecord) Validate(subject string) error {
	const op = "coord.CoverageRecord.Validate"
	if r.Need == "" || r.Need != subject {
		return lifeline.Errorf(lifeline.EINVALID, op, "need: expected the need the event is about, %q, found %q", truncate(subject, 40), truncate(r.Need, 40))
	}
	return checkRecordFigures(op, r.Held, r.Covered, r.Dispatched, r.Delivered, r.Version)
}

// checkRecordFigures checks the figures every record of coverage carries,
// a need's or an offer's: quantities that nest within MaxQuantity, and the
// recorder's position, 1 or more.
func checkRecordFigures(op string, held, covered, dispatched, delivered, version int64) error {
	if !(0 <= delivered && delivered <= dispatched && dispatched <= covered && covered <= held && held <= MaxQuantity) {
		return lifeline.Errorf(lifeline.EINVALID, op, "quantities: expected 0 ≤ delivered ≤ dispatched ≤ covered ≤ held ≤ %d, found %d, %d, %d, %d",
			int64(MaxQuantity), delivered, dispatched, covered, held)
	}
	if version < 1 {
		return lifeline.Errorf(lifeline.EINVALID, op, "version: expected a position of 1 or more, found %d", version)
	}
	return nil
}

// NeedCoverageFrom is NeedCoverage on an instance that may hold only
// some of the need's matches (ms) and the record of its coverage its
// origin wrote (rec, marked mark; nil when none arrived): nil if v may
// not see the need; else the quantities of the record when v may see it
// (CanSee of its marking, which is the need's) and no match held here
// changed after it — every match is counted once, by the record, whether
// or not it is held here too. When a match held here is newer than the
// record (the record that follows it is still on its way), each quantity
// is the larger of the record's and of the matches held here, each
// counting every commitment once. Without a usable record the quantities
// are those of the matches held here, as NeedCoverage. The matches are
// named, as always, only where v may see them.
func NeedCoverageFrom(v Viewer, need *Need, ms []*Match, rec *CoverageRecord, mark Marking) *Coverage {
	c := NeedCoverage(v, need, ms)
	if c == nil || rec == nil || rec.Need != need.ID || !CanSee(v, mark) {
		return c
	}
	newer := false
	for _, m := range ms {
		if m.NeedID == need.ID && m.Version > rec.Version {
			newer = true
		}
	}
	if !newer {
		c.Held, c.Covered, c.Dispatched, c.Delivered = rec.Held, rec.Covered, rec.Dispatched, rec.Delivered
		return c
	}
	c.Held, c.Covered = max(c.Held, rec.Held), max(c.Covered, rec.Covered)
	c.Dispatched, c.Delivered = max(c.Dispatched, rec.Dispatched), max(c.Delivered, rec.Delivered)
	return c
}
