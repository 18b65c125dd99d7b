package coord

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"lifeline"
)

// The services below are implemented by the store adapters
// (store/sqlite, store/postgres) and checked by one conformance suite
// (store/storetest). Every method takes the Viewer who asks, and every read
// applies CanSee to every item: an item the viewer may not see is reported
// with ENOTFOUND exactly as one that does not exist, and lists leave it
// out. Every write is one signed event in the ledger and its projection,
// in one transaction: it happens whole or not at all. Implementations are
// safe for concurrent use.
//
// Errors are *lifeline.Error with these codes:
//   - EINVALID: the input is wrong; the message names the field;
//   - ENOTFOUND: no such item, or one the viewer may not see;
//   - EFORBIDDEN: the viewer may see the item but not do this;
//   - ECONFLICT: the step does not fit the item's state, or an If-Match
//     version is stale;
//   - EINTERNAL: anything else (the store failed).

// Services are the mechanism's services together: what the API serves, what
// the pages read and write through, what the demonstration seeds and what
// federation and exchange build on. store.DB provides them all
// (store.DB.Services).
type Services struct {
	Orgs      OrgService
	Members   MemberService
	Incidents IncidentService
	Needs     NeedService
	Offers    OfferService
	Matches   MatchService
	Events    EventService
	// Situations are the recorded contexts of countries (nil: none).
	Situations SituationService
}

// Complete reports whether every service is there.
func (s Services) Complete() bool {
	return s.Orgs != nil && s.Members != nil && s.Incidents != nil && s.Needs != nil &&
		s.Offers != nil && s.Matches != nil && s.Events != nil
}

// System is the viewer for acts of the instance itself: what the command
// line does with direct access to the database (lifeline admin init, org
// add, member add, the demonstration's seeding). It is never the viewer of
// a request.
var System = Viewer{MemberID: "instance", OrgID: "instance", Role: RoleInstanceAdmin, OrgVerified: true}

// Page is one page of a list: the items, and the cursor of the next page
// ("" when there is none).
type Page[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next"`
}

// MaxPageSize bounds a page; a filter asking for more gets this many.
const MaxPageSize = 500

// DefaultPageSize is the size of a page when a filter does not say.
const DefaultPageSize = 50

// ListFilter is what every list takes: where to start and how many.
type ListFilter struct {
	After string // cursor from a previous Page.Next
	Limit int    // 0 for DefaultPageSize

	// Optional narrowing, each ignored by kinds of item without the
	// field; empty means any.
	Status     string // incidents, needs, offers, matches
	Country    string // incidents, needs, offers, organisations: names it
	IncidentID string // needs and offers of an incident
}

// Validate checks the narrowing fields.
func (f ListFilter) Validate() error {
	const op = "coord.ListFilter"
	if f.Country != "" {
		if err := validateCountry(op, "country", f.Country); err != nil {
			return err
		}
	}
	if len(f.Status) > 40 || len(f.IncidentID) > 100 {
		return lifeline.Errorf(lifeline.EINVALID, op, "status or incident_id: too long")
	}
	return nil
}

// ListNarrowing names the narrowing each list takes, by the name of its
// field in queries (status, country, incident_id); a list not named takes
// none.
var ListNarrowing = map[string][]string{
	"incidents":  {"status", "country"},
	"needs":      {"status", "country", "incident_id"},
	"offers":     {"status", "country", "incident_id"},
	"matches":    {"status"},
	"orgs":       {"country"},
	"situations": {"country"},
}

// listStatuses are the statuses each list may be narrowed to.
var listStatuses = map[string][]string{
	"incidents": {string(IncidentReported), string(IncidentVerified), string(IncidentResponding), string(IncidentRestoring), string(IncidentResolved), string(IncidentDismissed)},
	"needs":     {ResourceOpen, ResourceClosed},
	"offers":    {ResourceOpen, ResourceClosed},
	"matches":   {string(MatchProposed), string(MatchCommitted), string(MatchDispatched), string(MatchDelivered), string(MatchReleased), string(MatchCancelled)},
}

// ValidateFor checks f as a filter of list (one of the keys of
// ListNarrowing): the narrowing it takes, a status it has. A narrowing
// that could only give an empty page is refused, so that a typing error
// is not read as "nothing there".
func (f ListFilter) ValidateFor(list string) error {
	const op = "coord.ListFilter"
	if err := f.Validate(); err != nil {
		return err
	}
	takes := ListNarrowing[list]
	for _, n := range []struct{ name, value string }{{"status", f.Status}, {"country", f.Country}, {"incident_id", f.IncidentID}} {
		if n.value != "" && !slices.Contains(takes, n.name) {
			if len(takes) == 0 {
				return lifeline.Errorf(lifeline.EINVALID, op, "%s: this list cannot be narrowed", n.name)
			}
			return lifeline.Errorf(lifeline.EINVALID, op, "%s: this list cannot be narrowed by %s; it takes %s", n.name, n.name, strings.Join(takes, ", "))
		}
	}
	if f.Status != "" && !slices.Contains(listStatuses[list], f.Status) {
		return lifeline.Errorf(lifeline.EINVALID, op, "status: expected one of %s, found %q", strings.Join(listStatuses[list], ", "), truncate(f.Status, 40))
	}
	return nil
}

// PageSize returns the effective page size of f.
func (f ListFilter) PageSize() int {
	switch {
	case f.Limit <= 0:
		return DefaultPageSize
	case f.Limit > MaxPageSize:
		return MaxPageSize
	}
	return f.Limit
}

// OrgService manages organisations.
type OrgService interface {
	// FindOrgByID returns an organisation; ENOTFOUND if there is none
	// the viewer may see.
	FindOrgByID(ctx context.Context, v Viewer, id string) (*Org, error)
	// FindOrgs lists the organisations the viewer may see, oldest first.
	FindOrgs(ctx context.Context, v Viewer, f ListFilter) (Page[*Org], error)
	// CreateOrg adds an organisation (an instance admin's act); it sets
	// o.ID and o.Created. Verified is honoured only for instance admins.
	// EFORBIDDEN for others, EINVALID for bad fields.
	CreateOrg(ctx context.Context, v Viewer, o *Org) error
	// VerifyOrg verifies an organisation outright (instance admins).
	VerifyOrg(ctx context.Context, v Viewer, id string) (*Org, error)
	// EndorseOrg records the viewer's organisation's endorsement and
	// verifies the organisation once enough verified organisations endorse
	// it (see Endorse). ECONFLICT for a second endorsement.
	EndorseOrg(ctx context.Context, v Viewer, id string) (*Org, error)
}

// MemberService manages members and their tokens.
type MemberService interface {
	// CreateMember adds a member and returns its bearer token, which is
	// stored only as a hash and cannot be shown again. EFORBIDDEN unless
	// CanAddMember allows it; ENOTFOUND for an unknown organisation.
	CreateMember(ctx context.Context, v Viewer, m *Member) (token string, err error)
	// FindMemberByID returns a member of the viewer's organisation, or
	// any member for an instance admin; ENOTFOUND otherwise.
	FindMemberByID(ctx context.Context, v Viewer, id string) (*Member, error)
	// FindMembers lists the members of an organisation, oldest first:
	// ENOTFOUND if the viewer may not see the organisation (CanSee of its
	// record), EFORBIDDEN unless CanListMembers allows it, EINVALID for a
	// bad cursor.
	FindMembers(ctx context.Context, v Viewer, orgID string, f ListFilter) (Page[*Member], error)
	// IssueToken returns a new bearer token for a member, stored only as
	// a hash; the member's other tokens stay valid. ENOTFOUND if the
	// viewer may not read the member (FindMemberByID), EFORBIDDEN unless
	// CanManageTokens allows it.
	IssueToken(ctx context.Context, v Viewer, memberID string) (token string, err error)
	// RevokeTokens makes every token of a member stop working: once it
	// returns, Authenticate refuses them. Errors as IssueToken. A member
	// without tokens cannot act until one is issued.
	RevokeTokens(ctx context.Context, v Viewer, memberID string) error
	// Revocations returns a number that changes whenever RevokeTokens (of
	// this service, in this process) succeeds. A cache of Authenticate
	// answers forgets them when it changes, so that a revoked token stops
	// working at once and not when the cache entry expires.
	Revocations() uint64
	// Authenticate returns the viewer a bearer token stands for;
	// ENOTFOUND for an unknown or revoked token.
	Authenticate(ctx context.Context, token string) (Viewer, error)
}

// IncidentUpdate is a change to an incident; nil fields stay as they are.
// A status is one step of the lifecycle (CanMoveIncident); a repair moves
// one element (MoveRepair); a marking may only widen (CanWiden).
type IncidentUpdate struct {
	Title         *string         `json:"title,omitempty"`
	Description   *string         `json:"description,omitempty"`
	Status        *IncidentStatus `json:"status,omitempty"`
	Countries     *[]string       `json:"countries,omitempty"`
	Area          *Area           `json:"area,omitempty"`
	Elements      *[]string       `json:"elements,omitempty"`
	ASNs          *[]uint32       `json:"asns,omitempty"`
	Start         *time.Time      `json:"start,omitempty"`
	End           *time.Time      `json:"end,omitempty"`
	Severity      *string         `json:"severity,omitempty"`
	Urgency       *string         `json:"urgency,omitempty"`
	Certainty     *string         `json:"certainty,omitempty"`
	Evidence      *[]Evidence     `json:"evidence,omitempty"`
	Shutdown      *Shutdown       `json:"shutdown,omitempty"`
	TLP           *TLP            `json:"tlp,omitempty"`
	ShareWithOrgs *[]string       `json:"share_with_orgs,omitempty"`
	Recipients    *[]string       `json:"recipients,omitempty"`
	Repair        *RepairUpdate   `json:"repair,omitempty"`
	// AcceptCandidate adds an attribution candidate's elements
	// (AcceptCandidate); Recovered closes an element's restoration by
	// its signal (RecoverBySignal). Both need CanCoordinate.
	AcceptCandidate *CandidateAccept `json:"accept_candidate,omitempty"`
	Recovered       *SignalRecovery  `json:"recovered,omitempty"`
	IfVersion       int64            `json:"-"` // when not 0, ECONFLICT unless the incident is at this version
}

// RepairUpdate moves one affected element along its repair.
type RepairUpdate struct {
	Element string       `json:"element"`
	Status  RepairStatus `json:"status"`
	Note    string       `json:"note,omitempty"`
}

// IncidentService manages incidents.
type IncidentService interface {
	// FindIncidentByID returns an incident; ENOTFOUND if there is none the
	// viewer may see.
	FindIncidentByID(ctx context.Context, v Viewer, id string) (*Incident, error)
	// FindIncidents lists the incidents the viewer may see, oldest first.
	FindIncidents(ctx context.Context, v Viewer, f ListFilter) (Page[*Incident], error)
	// CreateIncident reports an incident by the viewer; it sets the id,
	// status, source, times and version. EFORBIDDEN without the reporter
	// role, EINVALID for bad fields.
	CreateIncident(ctx context.Context, v Viewer, in *Incident) error
	// UpdateIncident applies upd and returns the incident as it is now.
	UpdateIncident(ctx context.Context, v Viewer, id string, upd IncidentUpdate) (*Incident, error)
}

// ResourceUpdate is a change to a need or an offer; nil fields stay as
// they are.
type ResourceUpdate struct {
	Title         *string    `json:"title,omitempty"`
	Quantity      *int64     `json:"quantity,omitempty"`
	Countries     *[]string  `json:"countries,omitempty"`
	Place         *Place     `json:"place,omitempty"`
	Urgency       *string    `json:"urgency,omitempty"`
	LeadTime      *Duration  `json:"lead_time,omitempty"`
	ValidUntil    *time.Time `json:"valid_until,omitempty"`
	Conditions    *string    `json:"conditions,omitempty"`
	Status        *string    `json:"status,omitempty"`
	TLP           *TLP       `json:"tlp,omitempty"`
	ShareWithOrgs *[]string  `json:"share_with_orgs,omitempty"`
	Recipients    *[]string  `json:"recipients,omitempty"`
	IfVersion     int64      `json:"-"`
}

// NeedService manages needs.
type NeedService interface {
	// FindNeedByID returns a need; ENOTFOUND if there is none the viewer
	// may see.
	FindNeedByID(ctx context.Context, v Viewer, id string) (*Need, error)
	// FindNeeds lists the needs the viewer may see, oldest first; EINVALID
	// for a bad cursor.
	FindNeeds(ctx context.Context, v Viewer, f ListFilter) (Page[*Need], error)
	// CreateNeed adds a need by the viewer; errors as CreateOffer.
	CreateNeed(ctx context.Context, v Viewer, n *Need) error
	// UpdateNeed changes a need; errors as UpdateOffer.
	UpdateNeed(ctx context.Context, v Viewer, id string, upd ResourceUpdate) (*Need, error)
	// Proposals runs the matching engine (Propose) for a need over the
	// open offers the viewer may see; ENOTFOUND if the viewer may not see
	// the need.
	Proposals(ctx context.Context, v Viewer, needID string) ([]Proposal, error)
}

// OfferService manages offers.
type OfferService interface {
	// FindOfferByID returns an offer; ENOTFOUND if there is none the
	// viewer may see.
	FindOfferByID(ctx context.Context, v Viewer, id string) (*Offer, error)
	// FindOffers lists the offers the viewer may see, oldest first;
	// EINVALID for a bad cursor.
	FindOffers(ctx context.Context, v Viewer, f ListFilter) (Page[*Offer], error)
	// CreateOffer adds an offer by the viewer; EFORBIDDEN without the
	// reporter role, EINVALID for bad fields or an incident_id the viewer
	// may not see.
	CreateOffer(ctx context.Context, v Viewer, o *Offer) error
	// UpdateOffer changes an offer (CanEdit); ENOTFOUND if unseen,
	// EFORBIDDEN, ECONFLICT for a stale version or a quantity below what
	// matches hold, EINVALID for bad fields.
	UpdateOffer(ctx context.Context, v Viewer, id string, upd ResourceUpdate) (*Offer, error)
}

// MatchCreate asks for a match: quantity of an offer for a need.
type MatchCreate struct {
	NeedID     string   `json:"need_id"`
	OfferID    string   `json:"offer_id"`
	Quantity   int64    `json:"quantity"`
	TLP        TLP      `json:"tlp,omitempty"`
	Recipients []string `json:"recipients,omitempty"`
}

// MatchUpdate moves a match one step (MoveMatch).
type MatchUpdate struct {
	Status    MatchStatus `json:"status"`
	Note      string      `json:"note,omitempty"`
	IfVersion int64       `json:"-"`
}

// MatchService manages matches.
type MatchService interface {
	// FindMatchByID returns a match; ENOTFOUND if there is none the
	// viewer may see.
	FindMatchByID(ctx context.Context, v Viewer, id string) (*Match, error)
	// FindMatches lists the matches the viewer may see, oldest first;
	// EINVALID for a bad cursor.
	FindMatches(ctx context.Context, v Viewer, f ListFilter) (Page[*Match], error)
	// CreateMatch proposes a match (NewMatch); errors as NewMatch.
	CreateMatch(ctx context.Context, v Viewer, mc MatchCreate) (*Match, error)
	// UpdateMatch moves a match (MoveMatch); errors as MoveMatch.
	UpdateMatch(ctx context.Context, v Viewer, id string, upd MatchUpdate) (*Match, error)
}

// Event is an entry of the ledger as a reader sees it.
type Event struct {
	Seq     int64           `json:"seq"`
	Time    time.Time       `json:"time"`
	Type    string          `json:"type"`
	Author  string          `json:"author"`
	Org     string          `json:"org"`
	Subject string          `json:"subject"`
	Marking Marking         `json:"marking"`
	Payload json.RawMessage `json:"payload"`
	Hash    string          `json:"hash"`
}

// EventService reads the ledger.
type EventService interface {
	// FindEvents lists the events after sequence number after that the
	// viewer may see (by each event's marking), oldest first.
	FindEvents(ctx context.Context, v Viewer, after int64, limit int) (Page[*Event], error)
	// FindEventsBySubject lists the events about one item (their
	// subject, such as an incident's id) that the viewer may see, oldest
	// first, a page at a time from f.After (a sequence number) and
	// f.Limit; the other fields of f are ignored. It reads an index, not
	// the whole log. EINVALID for an empty or overlong subject or a bad
	// cursor; an item with no visible events gives an empty page, not
	// ENOTFOUND, so it does not tell whether the item exists.
	FindEventsBySubject(ctx context.Context, v Viewer, subject string, f ListFilter) (Page[*Event], error)
}

// The event types of the ledger. Each payload is the whole item after the
// change, so a replay needs no other state.
const (
	// EventInstanceCreated is the first event of every log: it records the
	// instance's public key.
	EventInstanceCreated = "instance.created"
	EventOrgCreated      = "org.created"
	EventOrgUpdated      = "org.updated"
	EventMemberCreated   = "member.created"
	EventIncidentCreated = "incident.created"
	EventIncidentUpdated = "incident.updated"
	EventNeedCreated     = "need.created"
	EventNeedUpdated     = "need.updated"
	EventOfferCreated    = "offer.created"
	EventOfferUpdated    = "offer.updated"
	EventMatchCreated    = "match.created"
	EventMatchUpdated    = "match.updated"
	// EventNeedCoverage records a need's coverage (CoverageRecord), written
	// by the instance that keeps the need whenever one of its matches
	// changes, at the need's own marking, so that every instance that may
	// see the need shows the same figures.
	EventNeedCoverage = "need.coverage"
	// EventOfferCoverage records how much of an offer the matches one
	// instance keeps hold (OfferCoverageRecord), written by that instance
	// whenever one of those matches changes, at the offer's marking, so
	// that every instance that may see the offer sums the figures of all.
	EventOfferCoverage = "offer.coverage"
	// EventReceived carries an event written on another instance, in its
	// origin's exact bytes and signature (package federation); it applies
	// as the event it carries. Logs written before federation.batch hold
	// one per received event; they are still read.
	EventReceived = "federation.received"
	// EventBatchReceived attests the events of other instances received
	// in one batch, which follow it in the log at positions of their own,
	// each in its origin's bytes and signature: its payload is their
	// number and a digest of their origins, hashes and signatures, and
	// its marking reveals every one of theirs (Derive), so that only a
	// reader who may see all of them sees it. It applies as nothing.
	EventBatchReceived = "federation.batch"
)

// EventsAbout returns every event about one item that v may see, oldest
// first, reading FindEventsBySubject page by page (at most max events; 0
// for 10,000): an item's timeline, its chain of custody.
func EventsAbout(ctx context.Context, svc EventService, v Viewer, subject string, max int) ([]*Event, error) {
	if max <= 0 {
		max = 10000
	}
	var out []*Event
	f := ListFilter{Limit: MaxPageSize}
	for len(out) < max {
		page, err := svc.FindEventsBySubject(ctx, v, subject, f)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if page.Next == "" {
			break
		}
		f.After = page.Next
	}
	if len(out) > max {
		out = out[:max]
	}
	return out, nil
}
