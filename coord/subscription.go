package coord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"lifeline"
)

// Subscriptions tell an organisation when something happens, without a
// page to refresh: an organisation's administrators subscribe a URL of
// theirs (a webhook) to the events they care about, and the instance
// sends each such event there, signed, once. Package notify delivers them.
//
// What a subscription receives is what its organisation may read: every
// event is checked with CanSee against OrgViewer — never a copy of the
// rule — before it is queued, so a subscriber never receives an item its
// organisation may not see.

// EventAlertPrefix begins the type of every alert event ("alert.…"): the
// events a subscription's Alerts filter selects.
const EventAlertPrefix = "alert."

// EventWebhookTest is the type of the notification "send a test" sends.
const EventWebhookTest = "webhook.test"

// SubscriptionFilter says which events a subscription receives. Incidents,
// Alerts and MatchingNeeds choose the kinds of event (at least one);
// Countries, Kinds and MinSeverity narrow them (empty: any).
type SubscriptionFilter struct {
	// Incidents selects incidents reported or changed
	// (incident.created, incident.updated).
	Incidents bool `json:"incidents,omitempty"`
	// Alerts selects alert events, whose type begins with "alert.".
	Alerts bool `json:"alerts,omitempty"`
	// MatchingNeeds selects needs posted that one of the organisation's
	// open offers could fill (the matching engine, Propose, run as the
	// organisation).
	MatchingNeeds bool `json:"matching_needs,omitempty"`
	// Countries keeps events about items naming one of these ISO 3166-1
	// alpha-2 countries (an alert or need naming no country is kept).
	Countries []string `json:"countries,omitempty"`
	// Kinds keeps incidents of these kinds.
	Kinds []IncidentKind `json:"kinds,omitempty"`
	// MinSeverity keeps incidents at least this severe (CAP: Minor,
	// Moderate, Severe, Extreme); an incident of unknown severity is kept.
	MinSeverity string `json:"min_severity,omitempty"`
}

// severityRank orders CAP severities: a higher rank is more severe.
var severityRank = map[string]int{SeverityMinor: 1, SeverityModerate: 2, SeveritySevere: 3, SeverityExtreme: 4}

// Subscription is an organisation's webhook.
type Subscription struct {
	ID        string             `json:"id"`
	OrgID     string             `json:"org_id"`
	CreatedBy string             `json:"created_by"` // member
	URL       string             `json:"url"`
	Filter    SubscriptionFilter `json:"filter"`
	Created   time.Time          `json:"created"`
}

// MaxSubscriptionsPerOrg bounds the subscriptions of one organisation.
const MaxSubscriptionsPerOrg = 20

// Validate checks a subscription's URL and filter.
func (s *Subscription) Validate() error {
	const op = "coord.Subscription.Validate"
	if addr, ok := strings.CutPrefix(s.URL, "mailto:"); ok {
		// An e-mail digest (package notify): one plain address.
		if a, err := mail.ParseAddress(addr); err != nil || a.Address != addr || a.Name != "" {
			return lifeline.Errork(lifeline.EINVALID, op, "err.sub.mailto", "url: expected mailto: followed by one e-mail address such as ops@example.org, found %q", truncate(s.URL, 80))
		}
	} else if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || len(s.URL) > 2000 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.sub.url", "url: expected an absolute http or https URL without credentials, at most 2000 bytes, or mailto: and an e-mail address, found %q", truncate(s.URL, 80))
	}
	f := s.Filter
	if !f.Incidents && !f.Alerts && !f.MatchingNeeds {
		return lifeline.Errork(lifeline.EINVALID, op, "err.sub.none", "filter: choose at least one of incidents, alerts, matching_needs")
	}
	if len(f.Countries) > 250 || len(f.Kinds) > len(IncidentKinds) {
		return lifeline.Errork(lifeline.EINVALID, op, "err.sub.many", "filter: too many countries or kinds")
	}
	for i, c := range f.Countries {
		if err := validateCountry(op, "filter.countries["+strconv.Itoa(i)+"]", c); err != nil {
			return err
		}
	}
	for i, k := range f.Kinds {
		if !k.Valid() {
			return lifeline.Errork(lifeline.EINVALID, op, "err.sub.kind", "filter.kinds[%d]: expected one of %s, found %q", i, joinIncidentKinds(), truncate(string(k), 40))
		}
	}
	if f.MinSeverity != "" && severityRank[f.MinSeverity] == 0 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.sub.severity", "filter.min_severity: expected Minor, Moderate, Severe or Extreme, found %q", truncate(f.MinSeverity, 40))
	}
	return nil
}

// CanManageSubscriptions says whether v may add, remove and test the
// subscriptions of organisation org: its administrators. EFORBIDDEN
// otherwise.
func CanManageSubscriptions(v Viewer, org string) error {
	if v.Anonymous() || v.OrgID != org || !v.Role.AtLeast(RoleOrgAdmin) {
		return lifeline.Errork(lifeline.EFORBIDDEN, "coord.CanManageSubscriptions", "err.sub.manage", "managing an organisation's webhooks needs the org_admin role in that organisation")
	}
	return nil
}

// OrgViewer is the reader a notification to organisation o is filtered
// as: what every member of the organisation may read. It stands for no
// member, so an item named to one member alone (TLP:RED, or a recipient
// under TLP:AMBER) is not the organisation's to receive.
func OrgViewer(o *Org) Viewer {
	return Viewer{MemberID: "org:" + o.ID, OrgID: o.ID, Role: RoleViewer, OrgVerified: o.Verified}
}

// Wants reports whether the filter selects an event of type typ whose
// payload is item (the item after the change, as events carry it), for
// the kinds of event it chooses; whether a need matches the
// organisation's offers is asked of the caller (matches), and only for
// needs. It decides nothing about visibility: the caller asks CanSee
// first.
func (f SubscriptionFilter) Wants(typ string, item json.RawMessage, matches func() (bool, error)) (bool, error) {
	switch {
	case strings.HasPrefix(typ, EventAlertPrefix):
		if !f.Alerts {
			return false, nil
		}
		var a struct {
			Countries []string `json:"countries"`
			Country   string   `json:"country"`
		}
		json.Unmarshal(item, &a) // an alert of another shape names no country
		if a.Country != "" {
			a.Countries = append(a.Countries, a.Country)
		}
		return len(a.Countries) == 0 || f.country(a.Countries), nil
	case typ == EventIncidentCreated || typ == EventIncidentUpdated:
		if !f.Incidents {
			return false, nil
		}
		var in Incident
		if err := json.Unmarshal(item, &in); err != nil {
			return false, err
		}
		if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, in.Kind) {
			return false, nil
		}
		if f.MinSeverity != "" && severityRank[in.Severity] > 0 && severityRank[in.Severity] < severityRank[f.MinSeverity] {
			return false, nil
		}
		return f.country(in.Countries), nil
	case typ == EventNeedCreated:
		if !f.MatchingNeeds {
			return false, nil
		}
		var n Need
		if err := json.Unmarshal(item, &n); err != nil {
			return false, err
		}
		if len(n.Countries) > 0 && !f.country(n.Countries) {
			return false, nil
		}
		return matches()
	}
	return false, nil
}

// country reports whether one of countries is one the filter keeps.
func (f SubscriptionFilter) country(countries []string) bool {
	if len(f.Countries) == 0 {
		return true
	}
	for _, c := range countries {
		if slices.Contains(f.Countries, c) {
			return true
		}
	}
	return false
}

// Delivery is one notification to a subscription, as its delivery log
// shows it: what it was about, and how its delivery went.
type Delivery struct {
	// Key is the notification's idempotency key, sent with every attempt
	// of its delivery: a receiver that has seen it already has nothing
	// to do.
	Key            string    `json:"key"`
	SubscriptionID string    `json:"subscription_id"`
	Type           string    `json:"type"`    // the event's type, or webhook.test
	Subject        string    `json:"subject"` // the item's id
	Seq            int64     `json:"seq"`     // the event's sequence number; 0 for a test
	Created        time.Time `json:"created"`
	// Status is pending (waiting for an attempt, or its next one),
	// delivered (a 2xx answer) or failed (every attempt failed: given up).
	Status      string    `json:"status"`
	Attempts    int       `json:"attempts"`
	LastStatus  int       `json:"last_status,omitempty"` // HTTP status of the last attempt; 0 without an answer
	LastError   string    `json:"last_error,omitempty"`
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	Delivered   time.Time `json:"delivered,omitzero"`
}

// The statuses of a delivery.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// SubscriptionService manages an organisation's webhooks. Subscriptions
// are the instance's own configuration, not coordination records: they
// are not events of the signed log and do not travel with federation.
type SubscriptionService interface {
	// CreateSubscription adds a subscription for the viewer's
	// organisation and returns the secret its payloads are signed with,
	// shown only now. New subscriptions receive what happens from now on.
	// EFORBIDDEN unless CanManageSubscriptions; EINVALID for a bad URL or
	// filter, or past MaxSubscriptionsPerOrg.
	CreateSubscription(ctx context.Context, v Viewer, s *Subscription) (secret string, err error)
	// FindSubscriptions lists the subscriptions of the viewer's
	// organisation, oldest first, to any of its members.
	FindSubscriptions(ctx context.Context, v Viewer) ([]*Subscription, error)
	// DeleteSubscription removes a subscription and its deliveries not
	// yet made. ENOTFOUND unless it is of the viewer's organisation;
	// EFORBIDDEN unless CanManageSubscriptions.
	DeleteSubscription(ctx context.Context, v Viewer, id string) error
	// SendTest queues a test notification (type webhook.test) to a
	// subscription. Errors as DeleteSubscription.
	SendTest(ctx context.Context, v Viewer, id string) (*Delivery, error)
	// FindDeliveries lists a subscription's most recent deliveries, newest
	// first (at most limit; 0 for 50), to the members of its organisation.
	// ENOTFOUND unless it is of the viewer's organisation.
	FindDeliveries(ctx context.Context, v Viewer, id string, limit int) ([]*Delivery, error)
}

// Notification is a delivery with what its attempts send: the
// subscription's URL and secret and the payload.
type Notification struct {
	Delivery
	URL    string
	Secret string
	Body   []byte
}

// WatchedSubscription is a subscription as the dispatcher works with it:
// its secret, its organisation, and the sequence number of the last event
// it has been checked against.
type WatchedSubscription struct {
	Subscription
	Secret  string
	LastSeq int64
}

// Attempt is the outcome of one attempt to deliver a notification.
type Attempt struct {
	At         time.Time
	Status     string    // DeliveryDelivered, DeliveryPending (to retry at Next) or DeliveryFailed (given up)
	HTTPStatus int       // 0 without an answer
	Error      string    // why it failed, for the delivery log
	Next       time.Time // with DeliveryPending: when to try again
}

// Outbox is the durable queue of notifications the dispatcher (package
// notify) works from; store.DB implements it. Queueing a subscription's
// notifications and moving its position in the log are one transaction,
// so nothing is lost or queued twice across a restart; a notification
// stays pending until an attempt is recorded as delivered or failed, so a
// delivery cut short by a restart is tried again, with the same key.
// Implementations are safe for concurrent use.
type Outbox interface {
	// WatchedSubscriptions returns every subscription, oldest first.
	WatchedSubscriptions(ctx context.Context) ([]WatchedSubscription, error)
	// LastSeq returns the sequence number of the last event of the log.
	LastSeq(ctx context.Context) (int64, error)
	// Queue adds ns (notifications of subscription id, keys unique) and
	// records that the subscription has been checked against the events
	// up to seq, in one transaction. A notification whose key is already
	// queued is skipped; a last_seq already past seq is kept. ENOTFOUND
	// if the subscription is gone.
	Queue(ctx context.Context, id string, seq int64, ns []Notification) error
	// ClaimDue returns up to limit pending notifications due at now,
	// oldest first, and makes them not due again before now+lease, so
	// that two dispatchers sharing a database do not send one at once.
	ClaimDue(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Notification, error)
	// RecordAttempt records the outcome of an attempt to deliver the
	// notification with key.
	RecordAttempt(ctx context.Context, key string, a Attempt) error
}

// NotificationKey returns the idempotency key of the notification of the
// event with sequence number seq to subscription id: the same whenever it
// is computed, so a notification queued again is recognised.
func NotificationKey(id string, seq int64) string {
	h := sha256.Sum256([]byte("lifeline notification\n" + id + "\n" + strconv.FormatInt(seq, 10)))
	return "ntf_" + hex.EncodeToString(h[:16])
}

// NotificationPayload is the JSON body of every notification: its
// idempotency key, the subscription, the event (its TLP level, which the
// receiver must honour) and the item after the change, as the event
// carries it.
type NotificationPayload struct {
	ID           string          `json:"id"` // the idempotency key, also in the Idempotency-Key header
	Subscription string          `json:"subscription"`
	Org          string          `json:"org"` // the subscribing organisation
	Event        NotifiedEvent   `json:"event"`
	Item         json.RawMessage `json:"item"`
}

// NotifiedEvent says what happened.
type NotifiedEvent struct {
	Seq     int64     `json:"seq"` // in the instance's signed log; 0 for a test
	Type    string    `json:"type"`
	Time    time.Time `json:"time"`
	Subject string    `json:"subject"` // the item's id
	Org     string    `json:"org"`     // the organisation that acted
	TLP     TLP       `json:"tlp"`
}

// NewNotification returns the notification of e to s under key, created
// at now.
func NewNotification(s *Subscription, key string, e *Event, now time.Time) (Notification, error) {
	item := e.Payload
	if len(item) == 0 {
		item = json.RawMessage("null")
	}
	body, err := json.Marshal(NotificationPayload{ID: key, Subscription: s.ID, Org: s.OrgID,
		Event: NotifiedEvent{Seq: e.Seq, Type: e.Type, Time: e.Time.UTC(), Subject: e.Subject, Org: e.Org, TLP: e.Marking.TLP}, Item: item})
	if err != nil {
		return Notification{}, err
	}
	return Notification{Delivery: Delivery{Key: key, SubscriptionID: s.ID, Type: e.Type, Subject: e.Subject, Seq: e.Seq,
		Created: now, Status: DeliveryPending, NextAttempt: now}, URL: s.URL, Body: body}, nil
}

// TestEvent is the event a test notification to s carries.
func TestEvent(s *Subscription, now time.Time) *Event {
	return &Event{Type: EventWebhookTest, Time: now, Subject: s.ID, Org: s.OrgID, Marking: Marking{TLP: TLPClear},
		Payload: json.RawMessage(`{"message":"A test notification from Lifeline: this webhook receives what it subscribed to."}`)}
}
