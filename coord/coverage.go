package coord

// Coverage is how much of a need (or an offer) its matches hold, by how
// far along they are. The quantities are summed over every match of the need, whoever
// made it and whoever may see it, and are shown to whoever may see the
// need: someone deciding whether to ship must know the need is covered
// even when the commitment is not theirs to see, or duplicate shipments
// follow. Which match covers it, and which organisation committed, is
// shown only to those who may see the match (CanSee of its marking, which
// reveals the need and the offer): Matches lists just those.
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
	for _, m := range ms {
		if !of(m) || !m.Active() {
			continue
		}
		c.Held += m.Quantity
		switch m.Status {
		case MatchDelivered, MatchReleased:
			c.Delivered += m.Quantity
			fallthrough
		case MatchDispatched:
			c.Dispatched += m.Quantity
			fallthrough
		case MatchCommitted:
			c.Covered += m.Quantity
		}
		// A match recorded without what it reveals is named to nobody:
		// the rule cannot be checked, so it fails closed.
		if _, _, ok := m.Revealed(); ok && CanSee(v, m.Marking) {
			c.Matches = append(c.Matches, CoverageMatch{MatchID: m.ID, NeedID: m.NeedID, NeedOrg: m.NeedOrg,
				OfferID: m.OfferID, OfferOrg: m.OfferOrg, Quantity: m.Quantity, Status: m.Status})
		}
	}
	return c
}
