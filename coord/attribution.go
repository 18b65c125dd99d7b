package coord

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"lifeline"
)

// Drop is one observed fall (or non-fall) of a country's connectivity:
// the input of attribution ("which cable was cut?") and of restoration by
// signal. Alerts, an incident's signal evidence and the countries it names
// all become drops; a monitor that watched a country and saw nothing gives
// a drop of share 0, which attribution counts as much as a fall.
type Drop struct {
	Country string `json:"country"` // ISO 3166-1 alpha-2
	// Share is the part of its connectivity the country lost, 0..1; 0 is a
	// country observed not to drop.
	Share float64 `json:"share"`
	// Signal names what saw it, e.g. "bgp:country/SO"; empty for a
	// country an incident names without a measurement.
	Signal string    `json:"signal,omitempty"`
	At     time.Time `json:"at,omitzero"`
}

// NamedShare is the share a country an incident names counts for when
// nothing measured its fall: affected, to an unknown extent.
const NamedShare = 0.5

// DropsOf gathers what is observed about an incident: the drops given
// (from alerts), then its signal evidence that names a country and a drop
// ("bgp:country/SO", drop 0.63), then its countries at NamedShare. A
// country keeps the first figure found, so a measured fall wins over a
// name. The result is sorted by country.
func DropsOf(in *Incident, observed []Drop) []Drop {
	seen := map[string]bool{}
	var out []Drop
	add := func(d Drop) {
		if d.Country == "" || seen[d.Country] || math.IsNaN(d.Share) || d.Share < 0 || d.Share > 1 {
			return
		}
		seen[d.Country] = true
		out = append(out, d)
	}
	for _, d := range observed {
		add(d)
	}
	for _, e := range in.Evidence {
		if e.Kind == "signal" && e.Drop > 0 {
			if cc := SignalCountry(e.Signal); cc != "" {
				add(Drop{Country: cc, Share: e.Drop, Signal: e.Signal})
			}
		}
	}
	for _, c := range in.Countries {
		add(Drop{Country: c, Share: NamedShare})
	}
	slices.SortFunc(out, func(a, b Drop) int { return strings.Compare(a.Country, b.Country) })
	return out
}

// SignalCountry returns the country a signal of a whole country is about
// ("bgp:country/SO" → "SO"), or "" for a signal of something else.
func SignalCountry(signal string) string {
	_, rest, ok := strings.Cut(signal, ":")
	if !ok {
		return ""
	}
	typ, code, ok := strings.Cut(rest, "/")
	if !ok || typ != "country" || len(code) != 2 || strings.ToUpper(code) != code {
		return ""
	}
	return code
}

// CandidateAccept is an update that accepts an attribution candidate: its
// elements join the incident's affected elements.
type CandidateAccept struct {
	Elements []string `json:"elements"`
	// Score is the candidate's score when it was accepted, for the record.
	Score float64 `json:"score,omitempty"`
}

// AcceptCandidate adds a candidate's elements to in's affected elements
// (those already listed stay, in their order). It is a step of the
// response, not a rewrite of what the source reported, so it needs
// CanCoordinate, as repairs do: ENOTFOUND if v may not see in, EFORBIDDEN
// unless v may coordinate it, ECONFLICT for a closed incident, EINVALID
// for no element, too many, or one that is not a segment, cable or
// landing point id.
func AcceptCandidate(v Viewer, in *Incident, c CandidateAccept) error {
	const op = "coord.AcceptCandidate"
	if !CanSee(v, in.Marking) {
		return lifeline.Errorf(lifeline.ENOTFOUND, op, "no such incident")
	}
	if !CanCoordinate(v, in.Marking) {
		return lifeline.Errork(lifeline.EFORBIDDEN, op, "err.cand.coord", "accepting a candidate needs a coordinator of an organisation the incident is shared with")
	}
	if in.Status == IncidentResolved || in.Status == IncidentDismissed {
		return lifeline.Errork(lifeline.ECONFLICT, op, "err.restore.closed", "incident is %s", enumP("status", in.Status))
	}
	if len(c.Elements) == 0 || len(c.Elements) > 4 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.cand.count", "accept_candidate.elements: expected 1 to 4 element ids, found %d", len(c.Elements))
	}
	if math.IsNaN(c.Score) || math.IsInf(c.Score, 0) {
		return lifeline.Errork(lifeline.EINVALID, op, "err.cand.score", "accept_candidate.score: expected a number")
	}
	for i, e := range c.Elements {
		kind, id, _ := strings.Cut(e, ":")
		if id == "" || len(e) > 200 || (kind != "segment" && kind != "cable" && kind != "landing_point") {
			return lifeline.Errork(lifeline.EINVALID, op, "err.cand.element", "accept_candidate.elements[%d]: expected a segment, cable or landing point id such as \"segment:seacom/3\", found %q", i, truncate(e, 80))
		}
	}
	for _, e := range c.Elements {
		if !slices.Contains(in.Elements, e) {
			in.Elements = append(in.Elements, e)
		}
	}
	return nil
}

// SignalRecovery closes an element's restoration because the signals of
// the countries its loss affected came back.
type SignalRecovery struct {
	Element string `json:"element"`
	// Affected are the countries the element's loss affected (from the
	// impact engine: impact.Result.Affected).
	Affected []string `json:"affected"`
	// Recovered are the observed recoveries: for each affected country, a
	// drop whose At is when its signal came back (Share, the fall that
	// remains, at most RecoveredShare).
	Recovered []Drop `json:"recovered"`
}

// RecoveredShare is the largest fall a country may still show and count
// as recovered.
const RecoveredShare = 0.05

// RecoverBySignal marks element's restoration done — status restored,
// with the cause "signal recovered at T" — when every country of
// affected has recovered; T is the latest recovery. An element in any
// step of its repair may be closed so, and one not tracked yet gets a
// timeline of that one step: the signal says the service is back,
// whatever the repair crews have reported. It needs CanCoordinate as
// MoveRepair does: ENOTFOUND if v may not see in, EFORBIDDEN unless v
// may coordinate it, ECONFLICT for a closed incident or an element
// already restored, EINVALID for an element not among the incident's, no
// affected country, or an affected country that has not recovered
// (naming it).
func RecoverBySignal(v Viewer, in *Incident, r SignalRecovery, now time.Time) error {
	const op = "coord.RecoverBySignal"
	if !CanSee(v, in.Marking) {
		return lifeline.Errorf(lifeline.ENOTFOUND, op, "no such incident")
	}
	if !CanCoordinate(v, in.Marking) {
		return lifeline.Errork(lifeline.EFORBIDDEN, op, "err.restore.coord", "restoration needs a coordinator of an organisation the incident is shared with")
	}
	if in.Status == IncidentResolved || in.Status == IncidentDismissed {
		return lifeline.Errork(lifeline.ECONFLICT, op, "err.restore.closed", "incident is %s", enumP("status", in.Status))
	}
	if !slices.Contains(in.Elements, r.Element) {
		return lifeline.Errork(lifeline.EINVALID, op, "err.recover.element", "recovered.element: %q is not among the incident's affected elements", truncate(r.Element, 80))
	}
	if len(r.Affected) == 0 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.recover.affected", "recovered.affected: expected the countries the element's loss affected, found none")
	}
	var last time.Time
	for _, c := range r.Affected {
		i := slices.IndexFunc(r.Recovered, func(d Drop) bool { return d.Country == c })
		if i < 0 || r.Recovered[i].At.IsZero() || r.Recovered[i].Share > RecoveredShare || math.IsNaN(r.Recovered[i].Share) {
			return lifeline.Errork(lifeline.EINVALID, op, "err.recover.country", "recovered: %s has not recovered; every affected country must (%s)", c, strings.Join(r.Affected, ", "))
		}
		if at := r.Recovered[i].At.UTC(); at.After(last) {
			last = at
		}
	}
	step := RepairStep{Status: RepairRestored, At: now.UTC(), Member: v.MemberID, Org: v.OrgID,
		Note: fmt.Sprintf("signal recovered at %s (%s)", last.Format(time.RFC3339), strings.Join(r.Affected, ", "))}
	for i := range in.Restoration {
		rs := &in.Restoration[i]
		if rs.Element != r.Element {
			continue
		}
		if rs.Status == RepairRestored {
			return lifeline.Errork(lifeline.ECONFLICT, op, "err.recover.done", "status: %s is already restored", r.Element)
		}
		rs.Status = RepairRestored
		rs.Timeline = append(rs.Timeline, step)
		return nil
	}
	in.Restoration = append(in.Restoration, Restoration{Element: r.Element, Status: RepairRestored, Timeline: []RepairStep{step}})
	return nil
}
