package coord

import (
	"cmp"
	"fmt"
	"lifeline/geo"
	"math"
	"slices"
	"strings"
	"time"

	"lifeline"
)

// Factor is one part of a proposal's score: its name, its score from 0 to
// 1, its weight in the total, and the reason in words.
type Factor struct {
	Name   string  `json:"name"`
	Score  float64 `json:"score"`
	Weight float64 `json:"weight"`
	Reason string  `json:"reason"`
	// Why is the reason as a catalogue phrase, for a page to say it in
	// the reader's language; Reason is its English text.
	Why lifeline.Phrase `json:"-"`
}

// Proposal is an offer the matching engine proposes for a need: how much
// of the need it could fill, its score from 0 to 1 and why.
type Proposal struct {
	NeedID   string   `json:"need_id"`
	OfferID  string   `json:"offer_id"`
	OfferOrg string   `json:"offer_org"`
	Quantity int64    `json:"quantity"`
	Unit     string   `json:"unit"`
	Partial  bool     `json:"partial"` // fills only part of what the need still lacks
	Score    float64  `json:"score"`
	Factors  []Factor `json:"factors"`
}

// Candidate is an offer with the quantity it still has uncommitted.
type Candidate struct {
	Offer     *Offer
	Remaining int64
}

// Propose scores each candidate offer against need, of which remaining is
// still unfilled, at time now, and returns the offers that can help, best
// first. An offer can help if it is open, its category is the need's or a
// kind of it, its unit is the need's, it covers at least one of the need's
// countries, it has quantity left, and it can arrive before it expires and
// within four times the lead time the need accepts. The score weighs
// category, coverage, quantity and lead time; the need's urgency shifts
// weight from quantity to lead time. Each proposal may fill the need only
// in part; several proposals together may fill it. Ties are broken by
// lead time, then by offer id, so the result is deterministic.
func Propose(need *Need, remaining int64, candidates []Candidate, now time.Time) []Proposal {
	if remaining <= 0 || !need.Open(now) {
		return nil
	}
	wLead, wQty := 0.25, 0.25
	urgencyNote := lifeline.P("why.urgency.same", "urgency %s: lead time and quantity weigh the same", enumP("urgency", cmp.Or(need.Urgency, Unknown)))
	switch need.Urgency {
	case UrgencyImmediate:
		wLead, wQty = 0.4, 0.1
		urgencyNote = lifeline.P("why.urgency.lead", "urgency %s: lead time weighs most", enumP("urgency", need.Urgency))
	case UrgencyFuture, UrgencyPast:
		wLead, wQty = 0.1, 0.4
		urgencyNote = lifeline.P("why.urgency.quantity", "urgency %s: quantity weighs most", enumP("urgency", need.Urgency))
	}
	maxLead := time.Duration(need.LeadTime)
	if maxLead == 0 {
		maxLead = defaultLead(need.Urgency)
	}
	var out []Proposal
	for _, c := range candidates {
		o := c.Offer
		if o == nil || !o.Open(now) || c.Remaining <= 0 {
			continue
		}
		cat, catWhy, ok := categoryScore(need.Category, o.Category)
		if !ok || !strings.EqualFold(need.Unit, o.Unit) {
			continue
		}
		cov, covWhy := coverageScore(need, o)
		if cov == 0 {
			continue
		}
		wait := time.Duration(o.LeadTime)
		if o.ValidFrom.After(now) {
			wait += o.ValidFrom.Sub(now)
		}
		if !o.ValidUntil.IsZero() && now.Add(wait).After(o.ValidUntil) {
			continue
		}
		if wait > 4*maxLead {
			continue
		}
		lead := 1.0
		leadWhy := lifeline.P("why.lead.within", "arrives in %s, within the %s the need accepts", wait, maxLead)
		if wait > maxLead {
			lead = float64(maxLead) / float64(wait)
			leadWhy = lifeline.P("why.lead.later", "arrives in %s, later than the %s the need accepts", wait, maxLead)
		}
		q := min(c.Remaining, remaining)
		qty := float64(q) / float64(remaining)
		qtyWhy := lifeline.P("why.quantity", "fills %d of the %d %s still needed", q, remaining, need.Unit)
		factors := []Factor{
			{Name: "category", Score: cat, Weight: 0.25, Why: catWhy},
			{Name: "coverage", Score: cov, Weight: 0.25, Why: covWhy},
			{Name: "quantity", Score: qty, Weight: wQty, Why: qtyWhy},
			{Name: "lead_time", Score: lead, Weight: wLead, Why: lifeline.P("why.lead", "%s; %s", leadWhy, urgencyNote)},
		}
		for i := range factors {
			factors[i].Reason = factors[i].Why.English
		}
		total := 0.0
		for _, f := range factors {
			total += f.Score * f.Weight
		}
		out = append(out, Proposal{
			NeedID: need.ID, OfferID: o.ID, OfferOrg: o.Org, Quantity: q, Unit: need.Unit,
			Partial: q < remaining, Score: round3(total), Factors: roundFactors(factors),
		})
	}
	waits := map[string]time.Duration{}
	for _, c := range candidates {
		if c.Offer != nil {
			waits[c.Offer.ID] = time.Duration(c.Offer.LeadTime)
		}
	}
	slices.SortFunc(out, func(a, b Proposal) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(waits[a.OfferID], waits[b.OfferID]), strings.Compare(a.OfferID, b.OfferID))
	})
	return out
}

// defaultLead is the wait a need accepts when it does not say.
func defaultLead(urgency string) time.Duration {
	switch urgency {
	case UrgencyImmediate:
		return 24 * time.Hour
	case UrgencyFuture, UrgencyPast:
		return 30 * 24 * time.Hour
	}
	return 7 * 24 * time.Hour
}

func categoryScore(need, offer string) (float64, lifeline.Phrase, bool) {
	switch {
	case need == offer:
		return 1, lifeline.P("why.category.same", "same category %s", need), true
	case strings.HasPrefix(offer, need+"/"):
		return 0.8, lifeline.P("why.category.kind", "offer %s is a kind of %s", offer, need), true
	}
	return 0, lifeline.Phrase{}, false
}

// enumP is a value of an enumeration in a message: its English as the
// domain spells it ("Immediate", "repair_scheduled"), its key the web's
// name of the value (urgency.immediate).
func enumP(prefix string, v any) lifeline.Phrase {
	s := fmt.Sprint(v)
	return lifeline.Phrase{Key: prefix + "." + strings.ReplaceAll(strings.ToLower(s), " ", "_"), English: s}
}

// coverageScore says how well the offer covers where the need is: by the
// share of the need's countries the offer names, or, when both name a
// place, by the distance between them (full within 100 km, falling to
// nothing at 2,500 km). An offer that names neither covers anywhere; one
// that cannot be compared with the need scores one half.
func coverageScore(n *Need, o *Offer) (float64, lifeline.Phrase) {
	if len(o.Countries) == 0 && o.Place == nil {
		return 1, lifeline.P("why.coverage.any", "offer covers any place")
	}
	if len(n.Countries) > 0 && len(o.Countries) > 0 {
		var hit []string
		for _, c := range n.Countries {
			if slices.Contains(o.Countries, c) {
				hit = append(hit, c)
			}
		}
		if len(hit) == 0 {
			return 0, lifeline.Phrase{}
		}
		return float64(len(hit)) / float64(len(n.Countries)),
			lifeline.P("why.coverage.countries", "covers %d of %d countries needed (%s)", len(hit), len(n.Countries), strings.Join(hit, ", "))
	}
	if n.Place != nil && o.Place != nil {
		d := distanceKm(*n.Place, *o.Place)
		why := lifeline.P("why.coverage.km", "offer is %.0f km from the place needed", d)
		switch {
		case d <= nearKm:
			return 1, why
		case d >= reachKm:
			return 0, lifeline.Phrase{}
		}
		return 1 - 0.9*(d-nearKm)/(reachKm-nearKm), why
	}
	return 0.5, lifeline.P("why.coverage.incomparable", "cannot compare where: %s needed, %s offered", where(n.Countries, n.Place), where(o.Countries, o.Place))
}

// Distances for coverage by place.
const (
	nearKm  = 100
	reachKm = 2500
)

func where(countries []string, p *Place) lifeline.Phrase {
	if len(countries) > 0 {
		return lifeline.P("why.where.countries", "countries %s", strings.Join(countries, ", "))
	}
	if p != nil && p.Name != "" {
		return lifeline.P("why.where.place", "place %s", p.Name)
	}
	return lifeline.P("why.where.any", "a place")
}

// distanceKm is the great-circle distance between two places.
func distanceKm(a, b Place) float64 {
	return geo.DistanceKm(geo.Point{Lon: a.Lon, Lat: a.Lat}, geo.Point{Lon: b.Lon, Lat: b.Lat})
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

func roundFactors(fs []Factor) []Factor {
	for i := range fs {
		fs[i].Score = round3(fs[i].Score)
	}
	return fs
}

// MatchStatus is where a commitment of an offer to a need is:
// proposed → committed → dispatched → delivered → released, or cancelled
// before it is dispatched.
type MatchStatus string

// The commitment lifecycle.
const (
	MatchProposed   MatchStatus = "proposed"
	MatchCommitted  MatchStatus = "committed"
	MatchDispatched MatchStatus = "dispatched"
	MatchDelivered  MatchStatus = "delivered"
	MatchReleased   MatchStatus = "released"
	MatchCancelled  MatchStatus = "cancelled"
)

var matchNext = map[MatchStatus]MatchStatus{
	MatchProposed:   MatchCommitted,
	MatchCommitted:  MatchDispatched,
	MatchDispatched: MatchDelivered,
	MatchDelivered:  MatchReleased,
}

// matchParty says which side takes each step: the provider commits and
// dispatches, the requester confirms delivery and releases.
var matchParty = map[MatchStatus]string{
	MatchCommitted:  "offer",
	MatchDispatched: "offer",
	MatchDelivered:  "need",
	MatchReleased:   "need",
}

// Match commits (part of) an offer to a need.
type Match struct {
	ID       string      `json:"id"`
	NeedID   string      `json:"need_id"`
	OfferID  string      `json:"offer_id"`
	NeedOrg  string      `json:"need_org"`
	OfferOrg string      `json:"offer_org"`
	Quantity int64       `json:"quantity"`
	Unit     string      `json:"unit"`
	Status   MatchStatus `json:"status"`
	Score    float64     `json:"score"`
	Factors  []Factor    `json:"factors,omitempty"`
	Timeline []MatchStep `json:"timeline"`
	Marking
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	Version int64     `json:"version"`
}

// MatchStep is one step of a match's timeline.
type MatchStep struct {
	Status MatchStatus `json:"status"`
	At     time.Time   `json:"at"`
	Member string      `json:"member"`
	Org    string      `json:"org"`
	Note   string      `json:"note,omitempty"`
}

// Active reports whether m still holds quantity of its offer and need.
func (m *Match) Active() bool { return m.Status != MatchCancelled }

// NewMatch proposes a commitment of quantity of offer to need by v. It
// returns ENOTFOUND if v may not see the need or the offer, EFORBIDDEN
// unless v is a reporter (or more) of the need's or the offer's
// organisation, ECONFLICT if either is closed or has less left than
// quantity, and EINVALID for a quantity below 1, a unit or category that
// do not fit, or a tlp wider than the need's or the offer's. The match is
// marked tlp — by default the narrowest of TLP:AMBER, the need's and the
// offer's, naming both authors under TLP:RED — and under TLP:AMBER and
// TLP:AMBER+STRICT names the other party's organisation.
func NewMatch(v Viewer, need *Need, needLeft int64, offer *Offer, offerLeft, quantity int64, tlp TLP, recipients []string, now time.Time) (*Match, error) {
	const op = "coord.NewMatch"
	if !CanSee(v, need.Marking) || !CanSee(v, offer.Marking) {
		return nil, lifeline.Errork(lifeline.ENOTFOUND, op, "err.match.none", "no such need or offer")
	}
	if !v.Role.AtLeast(RoleReporter) || (v.OrgID != need.Org && v.OrgID != offer.Org) {
		return nil, lifeline.Errork(lifeline.EFORBIDDEN, op, "err.match.propose", "a match is proposed by a reporter of the need's or the offer's organisation")
	}
	if _, _, ok := categoryScore(need.Category, offer.Category); !ok {
		return nil, lifeline.Errork(lifeline.EINVALID, op, "err.match.category", "offer category %s does not fit need category %s", offer.Category, need.Category)
	}
	if !strings.EqualFold(need.Unit, offer.Unit) {
		return nil, lifeline.Errork(lifeline.EINVALID, op, "err.match.unit", "offer unit %q differs from need unit %q", offer.Unit, need.Unit)
	}
	if quantity < 1 {
		return nil, lifeline.Errork(lifeline.EINVALID, op, "err.match.quantity", "quantity: expected at least 1, found %d", quantity)
	}
	if !need.Open(now) || !offer.Open(now) {
		return nil, lifeline.Errork(lifeline.ECONFLICT, op, "err.match.closed", "the need or the offer is closed or expired")
	}
	if quantity > needLeft {
		return nil, lifeline.Errork(lifeline.ECONFLICT, op, "err.match.needleft", "quantity: the need lacks only %d %s", needLeft, need.Unit)
	}
	if quantity > offerLeft {
		return nil, lifeline.Errork(lifeline.ECONFLICT, op, "err.match.offerleft", "quantity: the offer has only %d %s left", offerLeft, offer.Unit)
	}
	// A match tells who gives what to whom: it is never shared more widely
	// than the need or the offer it joins.
	narrowest := TLPAmber
	for _, t := range []TLP{need.TLP, offer.TLP} {
		if t.rank() > narrowest.rank() {
			narrowest = t
		}
	}
	if tlp == "" {
		tlp = narrowest
		if tlp == TLPRed {
			// Both parties' authors must see it to move it along.
			recipients = append(slices.Clone(recipients), need.Author, offer.Author)
		}
	}
	if tlp.Valid() && (tlp.Wider(need.TLP) || tlp.Wider(offer.TLP)) {
		return nil, lifeline.Errork(lifeline.EINVALID, op, "err.match.tlp", "tlp: a match cannot be shared more widely than its need (%s) and offer (%s)", need.TLP, offer.TLP)
	}
	mk := Marking{TLP: tlp, Org: v.OrgID, Author: v.MemberID, Members: recipients}
	if tlp == TLPAmber || tlp == TLPAmberStrict {
		for _, o := range []string{need.Org, offer.Org} {
			if o != v.OrgID && !slices.Contains(mk.Orgs, o) {
				mk.Orgs = append(mk.Orgs, o)
			}
		}
	}
	mk.Normalize()
	// The match reveals the need and the offer: it is shown only to those
	// who may see both, whatever its own marking says (CanSee).
	mk = Derive(mk, need.Marking, offer.Marking)
	if err := mk.Validate(); err != nil {
		return nil, err
	}
	m := &Match{
		NeedID: need.ID, OfferID: offer.ID, NeedOrg: need.Org, OfferOrg: offer.Org,
		Quantity: quantity, Unit: need.Unit, Status: MatchProposed, Marking: mk,
		Timeline: []MatchStep{{Status: MatchProposed, At: now.UTC(), Member: v.MemberID, Org: v.OrgID}},
		Created:  now.UTC(), Updated: now.UTC(),
	}
	for _, p := range Propose(need, needLeft, []Candidate{{Offer: offer, Remaining: offerLeft}}, now) {
		m.Score, m.Factors = p.Score, p.Factors
	}
	return m, nil
}

// Reveal records the markings of m's need and offer as what m reveals,
// in that order: when the match is made, and again whenever the need or
// the offer is widened, so that the match is shown to whoever may now see
// both, and never to anyone who may not.
func (m *Match) Reveal(need, offer Marking) {
	m.Marking = Derive(m.Marking, need, offer)
}

// Revealed returns the markings of m's need and offer as last recorded
// (Reveal), in that order, and false for a match recorded without them.
func (m *Match) Revealed() (need, offer Marking, ok bool) {
	if len(m.Reveals) != 2 {
		return Marking{}, Marking{}, false
	}
	return m.Reveals[0], m.Reveals[1], true
}

// MoveMatch moves m to status to by v, recording the step. The provider
// (a coordinator of the offer's organisation) commits and dispatches; the
// requester (a coordinator of the need's organisation) confirms delivery
// and releases; either may cancel before dispatch. It returns ENOTFOUND if
// v may not see m, ECONFLICT for a step the lifecycle does not have, and
// EFORBIDDEN for a step that is the other party's.
func MoveMatch(v Viewer, m *Match, to MatchStatus, note string, now time.Time) error {
	const op = "coord.MoveMatch"
	if !CanSee(v, m.Marking) {
		return lifeline.Errork(lifeline.ENOTFOUND, op, "err.match.nosuch", "no such match")
	}
	if len(note) > 2000 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.note.long", "note: at most 2000 bytes")
	}
	if to == "" {
		return lifeline.Errork(lifeline.EINVALID, op, "err.match.status", "status: required; expected one of committed, dispatched, delivered, released or cancelled")
	}
	var party string
	switch {
	case to == MatchCancelled && (m.Status == MatchProposed || m.Status == MatchCommitted):
		party = "either"
	case matchNext[m.Status] == to && to != "":
		party = matchParty[to]
	default:
		return lifeline.Errork(lifeline.ECONFLICT, op, "err.match.move", "status: a match cannot go from %s to %s", enumP("match", m.Status), enumP("match", to))
	}
	if !v.Role.AtLeast(RoleCoordinator) {
		return lifeline.Errork(lifeline.EFORBIDDEN, op, "err.match.coord", "moving a match needs the coordinator role")
	}
	ok := party == "offer" && v.OrgID == m.OfferOrg ||
		party == "need" && v.OrgID == m.NeedOrg ||
		party == "either" && (v.OrgID == m.OfferOrg || v.OrgID == m.NeedOrg)
	if !ok {
		who := map[string]string{"offer": "the offering organisation", "need": "the requesting organisation", "either": "the requesting or the offering organisation"}[party]
		return lifeline.Errork(lifeline.EFORBIDDEN, op, "err.match.party", "moving a match to %s is for %s", enumP("match", to), lifeline.Phrase{Key: "err.party." + party, English: who})
	}
	m.Status = to
	m.Updated = now.UTC()
	m.Timeline = append(m.Timeline, MatchStep{Status: to, At: now.UTC(), Member: v.MemberID, Org: v.OrgID, Note: note})
	return nil
}
