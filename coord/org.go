package coord

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"lifeline"
	"lifeline/geo"
)

// OrgKind says what kind of stakeholder an organisation is.
type OrgKind string

// The kinds of organisation.
const (
	OrgGovernment        OrgKind = "government"
	OrgRegulator         OrgKind = "regulator"
	OrgOperator          OrgKind = "operator"
	OrgIXP               OrgKind = "ixp"
	OrgCableOwner        OrgKind = "cable_owner"
	OrgSatelliteOperator OrgKind = "satellite_operator"
	OrgCivilSociety      OrgKind = "civil_society"
	OrgInternational     OrgKind = "international_org"
	OrgHumanitarian      OrgKind = "humanitarian"
	OrgResearch          OrgKind = "research"
	OrgOther             OrgKind = "other"
)

// OrgKinds lists the kinds of organisation.
var OrgKinds = []OrgKind{OrgGovernment, OrgRegulator, OrgOperator, OrgIXP, OrgCableOwner,
	OrgSatelliteOperator, OrgCivilSociety, OrgInternational, OrgHumanitarian, OrgResearch, OrgOther}

// Valid reports whether k is a known kind.
func (k OrgKind) Valid() bool { return slices.Contains(OrgKinds, k) }

// DefaultEndorsements is how many verified organisations must endorse an
// organisation before it counts as verified, unless an instance sets
// another number.
const DefaultEndorsements = 2

// Org is an organisation taking part in the mechanism.
type Org struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Kind       OrgKind   `json:"kind"`
	Countries  []string  `json:"countries,omitempty"` // ISO 3166-1 alpha-2
	ASNs       []uint32  `json:"asns,omitempty"`
	Contacts   []Contact `json:"contacts,omitempty"`
	Verified   bool      `json:"verified"`
	VerifiedBy string    `json:"verified_by,omitempty"` // "admin:<member>" or "endorsements"
	EndorsedBy []string  `json:"endorsed_by,omitempty"` // ids of endorsing organisations
	Created    time.Time `json:"created"`
}

// Contact is a way to reach an organisation.
type Contact struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
	Other string `json:"other,omitempty"` // e.g. a Signal handle or a radio frequency
}

// Marking is the marking of an organisation's record: TLP:GREEN, so
// members of verified organisations (and of the organisation itself) see
// the directory, and anonymous callers do not see contacts.
func (o *Org) Marking() Marking {
	return Marking{TLP: TLPGreen, Org: o.ID, Author: "org:" + o.ID}
}

// Validate checks an organisation's fields.
func (o *Org) Validate() error {
	const op = "coord.Org.Validate"
	if strings.TrimSpace(o.Name) == "" {
		return lifeline.Errork(lifeline.EINVALID, op, "err.required", "%s: required", lifeline.Field("name"))
	}
	if len(o.Name) > 200 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.toolong", "%s: at most %d bytes, found %d", lifeline.Field("name"), 200, len(o.Name))
	}
	if !o.Kind.Valid() {
		return lifeline.Errork(lifeline.EINVALID, op, "err.org.kind", "kind: expected one of %s, found %q", joinKinds(), o.Kind)
	}
	if err := validateCountries(op, "countries", o.Countries); err != nil {
		return err
	}
	if len(o.ASNs) > 10000 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.org.asns", "asns: at most 10000")
	}
	for i, a := range o.ASNs {
		if a == 0 {
			return lifeline.Errork(lifeline.EINVALID, op, "err.asn.zero", "asns[%d]: 0 is not an AS number", i)
		}
	}
	if len(o.Contacts) > 50 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.org.contacts", "contacts: at most 50")
	}
	for i, c := range o.Contacts {
		if len(c.Name)+len(c.Email)+len(c.Phone)+len(c.Other) > 1000 {
			return lifeline.Errork(lifeline.EINVALID, op, "err.org.contact", "contacts[%d]: at most 1000 bytes", i)
		}
	}
	return nil
}

func joinKinds() string {
	s := make([]string, len(OrgKinds))
	for i, k := range OrgKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// validateCountries checks ISO 3166-1 alpha-2 shaped codes (two upper-case
// letters); the geo package knows which codes exist, the domain only the
// shape, so the domain does not depend on a data set.
func validateCountries(op, field string, cc []string) error {
	if len(cc) > 300 {
		return lifeline.Errork(lifeline.EINVALID, op, "err.countries.many", "%s: at most 300 countries", lifeline.Field(field))
	}
	for i, c := range cc {
		if err := validateCountry(op, fmt.Sprintf("%s[%d]", field, i), c); err != nil {
			return err
		}
	}
	return nil
}

// validateCountry checks one country code: an ISO 3166-1 alpha-2 code
// that is assigned (geo's list: XX is well formed and assigned to
// nobody), in capitals.
func validateCountry(op, field, c string) error {
	if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
		return lifeline.Errork(lifeline.EINVALID, op, "err.country.form", "%s: expected an ISO 3166-1 alpha-2 code in capitals such as \"SD\", found %q", field, truncate(c, 40))
	}
	if _, ok := geo.Lookup(c); !ok {
		return lifeline.Errork(lifeline.EINVALID, op, "err.country.unknown", "%s: %q is not an ISO 3166-1 country code; expected an assigned alpha-2 code such as \"SD\" (or \"XK\" for Kosovo)", field, c)
	}
	return nil
}

// CanVerifyOrg reports whether v may verify an organisation outright: only
// an instance administrator may.
func CanVerifyOrg(v Viewer) error {
	if v.Role != RoleInstanceAdmin {
		return lifeline.Errork(lifeline.EFORBIDDEN, "coord.CanVerifyOrg", "err.org.verify", "verifying an organisation needs an instance admin; others endorse it")
	}
	return nil
}

// Endorse records that v's organisation endorses org, and verifies org
// once threshold distinct verified organisations endorse it. It returns
// EFORBIDDEN unless v is an org_admin (or more) of a verified organisation,
// and ECONFLICT for an organisation endorsing itself or endorsing twice.
func Endorse(v Viewer, org *Org, threshold int) error {
	const op = "coord.Endorse"
	if !v.Role.AtLeast(RoleOrgAdmin) || !v.OrgVerified {
		return lifeline.Errork(lifeline.EFORBIDDEN, op, "err.org.endorse", "endorsing needs an org admin of a verified organisation")
	}
	if v.OrgID == org.ID {
		return lifeline.Errork(lifeline.ECONFLICT, op, "err.org.self", "an organisation cannot endorse itself")
	}
	if slices.Contains(org.EndorsedBy, v.OrgID) {
		return lifeline.Errork(lifeline.ECONFLICT, op, "err.org.endorsed", "organisation %s already endorsed %s", v.OrgID, org.ID)
	}
	if threshold < 1 {
		threshold = DefaultEndorsements
	}
	org.EndorsedBy = append(org.EndorsedBy, v.OrgID)
	if !org.Verified && len(org.EndorsedBy) >= threshold {
		org.Verified = true
		org.VerifiedBy = "endorsements"
	}
	return nil
}
