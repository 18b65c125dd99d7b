package coord

import (
	"strings"
	"time"

	"lifeline"
)

// Resource is what needs and offers share, after EDXL-RM's
// ResourceInformation: what (a category such as
// "connectivity/satellite-terminal"), how much (a whole quantity in a
// unit), where (a place or countries), how soon and for how long.
type Resource struct {
	ID         string    `json:"id"`
	IncidentID string    `json:"incident_id,omitempty"`
	Title      string    `json:"title"`
	Category   string    `json:"category"`
	Quantity   int64     `json:"quantity"`
	Unit       string    `json:"unit"`
	Place      *Place    `json:"place,omitempty"`
	Countries  []string  `json:"countries,omitempty"`
	Urgency    string    `json:"urgency,omitempty"` // CAP urgency
	LeadTime   Duration  `json:"lead_time,omitempty"`
	ValidFrom  time.Time `json:"valid_from,omitzero"`
	ValidUntil time.Time `json:"valid_until,omitzero"`
	Conditions string    `json:"conditions,omitempty"`
	Status     string    `json:"status"` // open or closed
	Marking
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	Version int64     `json:"version"`
}

// The statuses of a need or an offer.
const (
	ResourceOpen   = "open"
	ResourceClosed = "closed"
)

// Need is a request for resources (EDXL-RM RequestResource). LeadTime is
// the longest wait the requester can accept; zero means any.
type Need struct {
	Resource
	// Coverage is how much of the need its matches hold, as the reader
	// may see it (NeedCoverage). Reads fill it in; it is never stored, so
	// it is nil in the ledger and in what a write receives.
	Coverage *Coverage `json:"coverage,omitempty"`
}

// Offer is an offer of resources (EDXL-RM OfferUnsolicitedResource).
// LeadTime is how long the provider needs to deliver; Countries (or Place)
// is where it can deliver, and an offer with neither covers anywhere.
type Offer struct {
	Resource
	// Coverage is how much of the offer its matches hold, as the reader
	// may see it (OfferCoverage; across instances OfferCoverageFrom);
	// filled in by reads as Need.Coverage.
	Coverage *Coverage `json:"coverage,omitempty"`
}

// Place is a named point.
type Place struct {
	Name string  `json:"name,omitempty"`
	Lon  float64 `json:"lon"`
	Lat  float64 `json:"lat"`
}

// Duration is a time.Duration written in JSON as a Go duration string
// such as "48h" or "30m".
type Duration time.Duration

// MarshalJSON writes d as a duration string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Duration(d).String() + `"`), nil
}

// UnmarshalJSON reads a duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return lifeline.Errorf(lifeline.EINVALID, "coord.Duration", "expected a duration string such as \"48h\", found %s", truncate(s, 40))
	}
	v, err := time.ParseDuration(s[1 : len(s)-1])
	if err != nil || v < 0 {
		return lifeline.Errorf(lifeline.EINVALID, "coord.Duration", "expected a non-negative duration such as \"48h\", found %s", truncate(s, 40))
	}
	*d = Duration(v)
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// MaxQuantity bounds quantities so that sums cannot overflow.
const MaxQuantity = 1 << 40

// Validate checks a resource's fields and marking; what names the kind
// ("need" or "offer") in messages.
func (r *Resource) Validate(what string) error {
	op := "coord." + what + ".Validate"
	if err := validateText(op, "title", r.Title, 300, true); err != nil {
		return err
	}
	if err := ValidateCategory(r.Category); err != nil {
		return err
	}
	if r.Quantity < 1 || r.Quantity > MaxQuantity {
		return lifeline.Errork(lifeline.EINVALID, op, "err.quantity.range", "quantity: expected a whole number from 1 to %d, found %d", int64(MaxQuantity), r.Quantity)
	}
	if err := validateText(op, "unit", r.Unit, 50, true); err != nil {
		return err
	}
	if r.Place != nil && (!(r.Place.Lon >= -180 && r.Place.Lon <= 180) || !(r.Place.Lat >= -90 && r.Place.Lat <= 90)) {
		return lifeline.Errork(lifeline.EINVALID, op, "err.place.range", "place: [%g, %g] is outside longitude -180..180, latitude -90..90", r.Place.Lon, r.Place.Lat)
	}
	if err := validateCountries(op, "countries", r.Countries); err != nil {
		return err
	}
	if what == "Need" && r.Place == nil && len(r.Countries) == 0 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.need.where", "countries: a need says where, with a place or countries")
	}
	if err := validateEnum(op, "urgency", r.Urgency, urgencies); err != nil {
		return err
	}
	if r.LeadTime < 0 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.lead.negative", "lead_time: negative")
	}
	if !r.ValidFrom.IsZero() && !r.ValidUntil.IsZero() && r.ValidUntil.Before(r.ValidFrom) {
		return lifeline.Errork(lifeline.EINVALID, op, "err.valid.order", "valid_until: before valid_from")
	}
	if err := validateText(op, "conditions", r.Conditions, 4000, false); err != nil {
		return err
	}
	if r.Status != ResourceOpen && r.Status != ResourceClosed {
		return lifeline.Errorf(lifeline.EINVALID, op, "status: expected open or closed, found %q", r.Status)
	}
	return r.Marking.Validate()
}

// Validate checks a need.
func (n *Need) Validate() error { return n.Resource.Validate("Need") }

// Validate checks an offer.
func (o *Offer) Validate() error { return o.Resource.Validate("Offer") }

// ValidateCategory checks a category: lower-case words of letters, digits
// and hyphens separated by "/", from general to specific, e.g.
// "power/generator" or "connectivity/satellite-terminal".
func ValidateCategory(c string) error {
	const op = "coord.ValidateCategory"
	if c == "" || len(c) > 100 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.category.length", "category: expected 1 to 100 bytes such as \"connectivity/satellite-terminal\", found %q", truncate(c, 40))
	}
	for _, w := range strings.Split(c, "/") {
		if w == "" {
			return lifeline.Errork(lifeline.EINVALID, op, "err.category.empty", "category: empty word in %q", c)
		}
		for _, r := range w {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return lifeline.Errork(lifeline.EINVALID, op, "err.category.chars", "category: expected lower-case letters, digits, '-' and '/', found %q in %q", r, c)
			}
		}
	}
	return nil
}

// Open reports whether r can still be matched at now: open and not
// expired. A resource valid only from a later time is open: it can be
// promised now, and the matching engine counts the wait as lead time.
func (r *Resource) Open(now time.Time) bool {
	return r.Status == ResourceOpen && (r.ValidUntil.IsZero() || now.Before(r.ValidUntil))
}
