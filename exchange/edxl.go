package exchange

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"lifeline"
	"lifeline/coord"
	"lifeline/geo"
)

// The namespaces of EDXL-RM 1.0: messages, the common types their inner
// elements belong to, and the geometry they borrow.
const (
	RMNamespace = "urn:oasis:names:tc:emergency:EDXL:RM:1.0:msg"
	rmCommon    = "urn:oasis:names:tc:emergency:EDXL:RM:1.0"
	geoOASIS    = "urn:oasis:names:tc:emergency:EDXL:HAVE:1.0:geo-oasis"
	gmlNS       = "http://www.opengis.net/gml"
)

// The EDXL-RM message types Lifeline speaks.
const (
	RequestResource          = "RequestResource"
	OfferUnsolicitedResource = "OfferUnsolicitedResource"
	CommitResource           = "CommitResource"
)

// RMMessage is an EDXL-RM 1.0 message of type RequestResource,
// OfferUnsolicitedResource or CommitResource, with the elements Lifeline
// reads and writes. XMLName says which type it is.
type RMMessage struct {
	XMLName              xml.Name
	MessageID            string           `xml:"MessageID"`
	SentDateTime         string           `xml:"SentDateTime"`
	MessageContentType   string           `xml:"MessageContentType"`
	MessageDescription   string           `xml:"MessageDescription,omitempty"`
	OriginatingMessageID string           `xml:"OriginatingMessageID"`
	PrecedingMessageID   string           `xml:"PrecedingMessageID,omitempty"`
	IncidentInformation  []RMIncident     `xml:"IncidentInformation,omitempty"`
	ContactInformation   []RMContact      `xml:"ContactInformation"`
	ResourceInformation  []RMResourceInfo `xml:"ResourceInformation"`
}

// RMIncident names the incident a message is about.
type RMIncident struct {
	IncidentID          string `xml:"urn:oasis:names:tc:emergency:EDXL:RM:1.0 IncidentID,omitempty"`
	IncidentDescription string `xml:"urn:oasis:names:tc:emergency:EDXL:RM:1.0 IncidentDescription,omitempty"`
}

// RMContact is a party to a message and its role: Sender, Requester,
// SubjectMatterExpert, Approver, RespondingOrg or Owner.
type RMContact struct {
	ContactDescription string `xml:"urn:oasis:names:tc:emergency:EDXL:RM:1.0 ContactDescription,omitempty"`
	ContactRole        string `xml:"urn:oasis:names:tc:emergency:EDXL:RM:1.0 ContactRole,omitempty"`
}

// RMResourceInfo is one resource of a message: what, how many, when and
// where, and — in a CommitResource — the answer to the request.
type RMResourceInfo struct {
	ResourceInfoElementID string        `xml:"ResourceInfoElementID"`
	ResponseInformation   *RMResponse   `xml:"ResponseInformation,omitempty"`
	Resource              *RMResource   `xml:"Resource,omitempty"`
	AssignmentInformation *RMAssignment `xml:"AssignmentInformation,omitempty"`
	ScheduleInformation   []RMSchedule  `xml:"ScheduleInformation,omitempty"`
}

// RMResponse answers a request: Accept, Decline or Provisional, and why.
type RMResponse struct {
	PrecedingResourceInfoElementID string `xml:"urn:oasis:names:tc:emergency:EDXL:RM:1.0 PrecedingResourceInfoElementID"`
	ResponseType                   string `xml:"urn:oasis:names:tc:emergency:EDXL:RM:1.0 ResponseType"`
	ResponseReason                 string `xml:"urn:oasis:names:tc:emergency:EDXL:RM:1.0 ResponseReason,omitempty"`
}

// RMResource describes a resource. Keyword lists, each named by a URN,
// carry what the standard has no element for.
type RMResource struct {
	ResourceID          string        `xml:"ResourceID,omitempty"`
	Name                string        `xml:"Name,omitempty"`
	TypeStructure       *RMValueList  `xml:"TypeStructure,omitempty"`
	Keyword             []RMValueList `xml:"Keyword,omitempty"`
	Description         string        `xml:"Description,omitempty"`
	SpecialRequirements string        `xml:"SpecialRequirements,omitempty"`
}

// RMValueList is a list of values from the vocabulary a URN names.
type RMValueList struct {
	ValueListURN string   `xml:"urn:oasis:names:tc:emergency:EDXL:RM:1.0 ValueListURN"`
	Value        []string `xml:"urn:oasis:names:tc:emergency:EDXL:RM:1.0 Value"`
}

// RMAssignment says how many.
type RMAssignment struct {
	Quantity     *RMQuantity `xml:"Quantity,omitempty"`
	Restrictions string      `xml:"Restrictions,omitempty"`
}

// RMQuantity is a measured quantity, or a quantity in words.
type RMQuantity struct {
	QuantityText     []string    `xml:"urn:oasis:names:tc:emergency:EDXL:RM:1.0 QuantityText,omitempty"`
	MeasuredQuantity *RMMeasured `xml:"urn:oasis:names:tc:emergency:EDXL:RM:1.0 MeasuredQuantity,omitempty"`
}

// RMMeasured is an amount in a unit.
type RMMeasured struct {
	Amount        string       `xml:"urn:oasis:names:tc:emergency:EDXL:RM:1.0 Amount"`
	UnitOfMeasure *RMValueList `xml:"urn:oasis:names:tc:emergency:EDXL:RM:1.0 UnitOfMeasure,omitempty"`
}

// RMSchedule is a time and place of a resource's schedule.
type RMSchedule struct {
	ScheduleType string      `xml:"ScheduleType"`
	DateTime     string      `xml:"DateTime,omitempty"`
	Location     *RMLocation `xml:"Location,omitempty"`
}

// RMLocation is a described place, with a point.
type RMLocation struct {
	LocationDescription string   `xml:"urn:oasis:names:tc:emergency:EDXL:RM:1.0 LocationDescription,omitempty"`
	TargetArea          *RMWhere `xml:"urn:oasis:names:tc:emergency:EDXL:RM:1.0 TargetArea,omitempty"`
}

// RMWhere is a GML point: "latitude longitude" in WGS 84.
type RMWhere struct {
	Point *struct {
		Pos string `xml:"http://www.opengis.net/gml pos"`
	} `xml:"http://www.opengis.net/gml Point,omitempty"`
}

// The URNs of the value lists Lifeline writes.
const (
	urnCategory   = "urn:lifeline:category"
	urnUnit       = "urn:lifeline:unit"
	urnTLP        = "urn:lifeline:tlp"
	urnOrgs       = "urn:lifeline:share-with-orgs"
	urnRecipients = "urn:lifeline:recipients"
	urnStatus     = "urn:lifeline:status"
	urnUrgency    = "urn:lifeline:urgency"
	urnLeadTime   = "urn:lifeline:lead-time"
	urnValidFrom  = "urn:lifeline:valid-from"
	urnValidUntil = "urn:lifeline:valid-until"
	urnCountries  = "urn:iso:std:iso:3166:-1:alpha-2"
)

var rmContactRoles = []string{"Sender", "Requester", "SubjectMatterExpert", "Approver", "RespondingOrg", "Owner"}

func rmTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func rmID(opt Options, what, id string) string {
	return "urn:lifeline:" + opt.Instance + ":" + what + ":" + id
}

// markingKeywords carries a marking in value lists.
func markingKeywords(m coord.Marking) []RMValueList {
	kw := []RMValueList{{urnTLP, []string{string(m.TLP)}}}
	if len(m.Orgs) > 0 {
		kw = append(kw, RMValueList{urnOrgs, slices.Clone(m.Orgs)})
	}
	if len(m.Members) > 0 {
		kw = append(kw, RMValueList{urnRecipients, slices.Clone(m.Members)})
	}
	return kw
}

// resourceMessage writes a need (RequestResource) or an offer
// (OfferUnsolicitedResource).
func resourceMessage(r *coord.Resource, kind string, opt Options) *RMMessage {
	what, role := "need", "Requester"
	if kind == OfferUnsolicitedResource {
		what, role = "offer", "Owner"
	}
	msg := &RMMessage{
		XMLName:              xml.Name{Space: RMNamespace, Local: kind},
		MessageID:            rmID(opt, what, r.ID) + ":" + strconv.FormatInt(r.Updated.Unix(), 10),
		SentDateTime:         rmTime(r.Updated),
		MessageContentType:   kind,
		MessageDescription:   r.Title,
		OriginatingMessageID: rmID(opt, what, r.ID),
		ContactInformation: []RMContact{
			{ContactDescription: r.Org, ContactRole: role},
			{ContactDescription: r.Author, ContactRole: "Sender"},
		},
	}
	if r.IncidentID != "" {
		msg.IncidentInformation = []RMIncident{{IncidentID: r.IncidentID}}
	}
	res := &RMResource{
		ResourceID:          r.ID,
		Name:                r.Title,
		TypeStructure:       &RMValueList{urnCategory, []string{r.Category}},
		Keyword:             markingKeywords(r.Marking),
		SpecialRequirements: r.Conditions,
	}
	res.Keyword = append(res.Keyword, RMValueList{urnStatus, []string{r.Status}})
	if r.Urgency != "" {
		res.Keyword = append(res.Keyword, RMValueList{urnUrgency, []string{r.Urgency}})
	}
	if r.LeadTime > 0 {
		res.Keyword = append(res.Keyword, RMValueList{urnLeadTime, []string{time.Duration(r.LeadTime).String()}})
	}
	if len(r.Countries) > 0 {
		res.Keyword = append(res.Keyword, RMValueList{urnCountries, slices.Clone(r.Countries)})
	}
	info := RMResourceInfo{
		ResourceInfoElementID: r.ID,
		Resource:              res,
		AssignmentInformation: &RMAssignment{Quantity: &RMQuantity{MeasuredQuantity: &RMMeasured{
			Amount: strconv.FormatInt(r.Quantity, 10), UnitOfMeasure: &RMValueList{urnUnit, []string{r.Unit}},
		}}},
	}
	loc := rmLocation(r.Place)
	if kind == RequestResource {
		// A request says where to report to; its validity has no element.
		if loc != nil {
			info.ScheduleInformation = append(info.ScheduleInformation, RMSchedule{ScheduleType: "ReportTo", Location: loc})
		}
		if !r.ValidFrom.IsZero() {
			res.Keyword = append(res.Keyword, RMValueList{urnValidFrom, []string{rmTime(r.ValidFrom)}})
		}
		if !r.ValidUntil.IsZero() {
			res.Keyword = append(res.Keyword, RMValueList{urnValidUntil, []string{rmTime(r.ValidUntil)}})
		}
	} else {
		// An offer is available from where it is, between two times.
		if !r.ValidFrom.IsZero() || loc != nil {
			s := RMSchedule{ScheduleType: "BeginAvailable", Location: loc}
			if !r.ValidFrom.IsZero() {
				s.DateTime = rmTime(r.ValidFrom)
			}
			info.ScheduleInformation = append(info.ScheduleInformation, s)
		}
		if !r.ValidUntil.IsZero() {
			info.ScheduleInformation = append(info.ScheduleInformation, RMSchedule{ScheduleType: "EndAvailable", DateTime: rmTime(r.ValidUntil)})
		}
	}
	msg.ResourceInformation = []RMResourceInfo{info}
	return msg
}

func rmLocation(p *coord.Place) *RMLocation {
	if p == nil {
		return nil
	}
	l := &RMLocation{LocationDescription: p.Name, TargetArea: &RMWhere{}}
	l.TargetArea.Point = &struct {
		Pos string `xml:"http://www.opengis.net/gml pos"`
	}{fmtNum(p.Lat) + " " + fmtNum(p.Lon)}
	return l
}

// NeedMessage returns the RequestResource message for need n as v sees
// it, or ENOTFOUND if v may not see it.
func NeedMessage(v coord.Viewer, n *coord.Need, opt Options) (*RMMessage, error) {
	const op = "exchange.NeedMessage"
	if err := opt.check(op); err != nil {
		return nil, err
	}
	if len(visible(v, []coord.Need{*n}, needMarking)) == 0 {
		return nil, lifeline.Errorf(lifeline.ENOTFOUND, op, "no such need")
	}
	return resourceMessage(&n.Resource, RequestResource, opt), nil
}

// OfferMessage returns the OfferUnsolicitedResource message for offer o as
// v sees it, or ENOTFOUND if v may not see it.
func OfferMessage(v coord.Viewer, o *coord.Offer, opt Options) (*RMMessage, error) {
	const op = "exchange.OfferMessage"
	if err := opt.check(op); err != nil {
		return nil, err
	}
	if len(visible(v, []coord.Offer{*o}, offerMarking)) == 0 {
		return nil, lifeline.Errorf(lifeline.ENOTFOUND, op, "no such offer")
	}
	return resourceMessage(&o.Resource, OfferUnsolicitedResource, opt), nil
}

// matchResponse maps a commitment's status to EDXL-RM's answer.
var matchResponse = map[coord.MatchStatus]string{
	coord.MatchProposed:   "Provisional",
	coord.MatchCommitted:  "Accept",
	coord.MatchDispatched: "Accept",
	coord.MatchDelivered:  "Accept",
	coord.MatchReleased:   "Accept",
	coord.MatchCancelled:  "Decline",
}

// matchSchedule names the steps of a commitment EDXL-RM has a schedule
// type for.
var matchSchedule = map[coord.MatchStatus]string{
	coord.MatchCommitted:  "Committed",
	coord.MatchDispatched: "ActualDeparture",
}

// MatchMessage returns the CommitResource message for commitment m as v
// sees it, or ENOTFOUND if v may not see it. The message answers the
// need's request (its originating message) with the offer (its preceding
// message). The offer's description — name and category — is included
// only when offer is given and v may see it too; otherwise the message
// names the offer by id alone.
func MatchMessage(v coord.Viewer, m *coord.Match, offer *coord.Offer, opt Options) (*RMMessage, error) {
	const op = "exchange.MatchMessage"
	if err := opt.check(op); err != nil {
		return nil, err
	}
	if len(visible(v, []coord.Match{*m}, matchMarking)) == 0 {
		return nil, lifeline.Errorf(lifeline.ENOTFOUND, op, "no such commitment")
	}
	msg := &RMMessage{
		XMLName:              xml.Name{Space: RMNamespace, Local: CommitResource},
		MessageID:            rmID(opt, "match", m.ID) + ":" + strconv.FormatInt(m.Updated.Unix(), 10),
		SentDateTime:         rmTime(m.Updated),
		MessageContentType:   CommitResource,
		OriginatingMessageID: rmID(opt, "need", m.NeedID),
		PrecedingMessageID:   rmID(opt, "offer", m.OfferID),
		ContactInformation: []RMContact{
			{ContactDescription: m.NeedOrg, ContactRole: "Requester"},
			{ContactDescription: m.OfferOrg, ContactRole: "RespondingOrg"},
			{ContactDescription: m.Org, ContactRole: "Approver"},
			{ContactDescription: m.Author, ContactRole: "Sender"},
		},
	}
	reason := fmt.Sprintf("%s; matching score %s", m.Status, strconv.FormatFloat(m.Score, 'f', -1, 64))
	info := RMResourceInfo{
		ResourceInfoElementID: m.ID,
		ResponseInformation:   &RMResponse{PrecedingResourceInfoElementID: m.OfferID, ResponseType: matchResponse[m.Status], ResponseReason: reason},
		Resource:              &RMResource{ResourceID: m.OfferID, Keyword: append(markingKeywords(m.Marking), RMValueList{urnStatus, []string{string(m.Status)}})},
		AssignmentInformation: &RMAssignment{Quantity: &RMQuantity{MeasuredQuantity: &RMMeasured{
			Amount: strconv.FormatInt(m.Quantity, 10), UnitOfMeasure: &RMValueList{urnUnit, []string{m.Unit}},
		}}},
	}
	if offer != nil && offer.ID == m.OfferID && len(visible(v, []coord.Offer{*offer}, offerMarking)) == 1 {
		info.Resource.Name = offer.Title
		info.Resource.TypeStructure = &RMValueList{urnCategory, []string{offer.Category}}
	}
	for _, s := range m.Timeline {
		if t, ok := matchSchedule[s.Status]; ok {
			info.ScheduleInformation = append(info.ScheduleInformation, RMSchedule{ScheduleType: t, DateTime: rmTime(s.At)})
		}
	}
	msg.ResourceInformation = []RMResourceInfo{info}
	return msg, nil
}

// EncodeRM writes an EDXL-RM message as an XML document.
func EncodeRM(w io.Writer, m *RMMessage) error { return encodeXML(w, m) }

// ExportRequestResource writes need n as v sees it; see NeedMessage.
func ExportRequestResource(w io.Writer, v coord.Viewer, n *coord.Need, opt Options) error {
	m, err := NeedMessage(v, n, opt)
	if err != nil {
		return err
	}
	return EncodeRM(w, m)
}

// ExportOfferUnsolicitedResource writes offer o as v sees it; see
// OfferMessage.
func ExportOfferUnsolicitedResource(w io.Writer, v coord.Viewer, o *coord.Offer, opt Options) error {
	m, err := OfferMessage(v, o, opt)
	if err != nil {
		return err
	}
	return EncodeRM(w, m)
}

// ExportCommitResource writes commitment m as v sees it; see
// MatchMessage.
func ExportCommitResource(w io.Writer, v coord.Viewer, m *coord.Match, offer *coord.Offer, opt Options) error {
	msg, err := MatchMessage(v, m, offer, opt)
	if err != nil {
		return err
	}
	return EncodeRM(w, msg)
}

// DecodeRM reads one EDXL-RM message of type RequestResource,
// OfferUnsolicitedResource or CommitResource and checks what the schema
// requires of the elements Lifeline reads. It returns EINVALID naming the
// line or element at fault.
func DecodeRM(r io.Reader) (*RMMessage, error) {
	const op = "exchange.DecodeRM"
	data, err := readAll(op, r)
	if err != nil {
		return nil, err
	}
	root, err := checkXML(op, data, []string{RMNamespace, rmCommon, geoOASIS, gmlNS,
		"urn:oasis:names:tc:ciq:xpil:3", "urn:oasis:names:tc:ciq:xnl:3", "urn:oasis:names:tc:ciq:xal:3", "urn:oasis:names:tc:ciq:ct:3"},
		RequestResource, OfferUnsolicitedResource, CommitResource)
	if err != nil {
		return nil, err
	}
	var m RMMessage
	if err := xml.Unmarshal(data, &m); err != nil {
		return nil, invalid(op, root, "%v", xmlErr(err))
	}
	if err := m.validate(root); err != nil {
		return nil, err
	}
	return &m, nil
}

func (m *RMMessage) validate(root string) error {
	const op = "exchange.DecodeRM"
	if m.MessageContentType != root {
		return invalid(op, root+"/MessageContentType", "expected %s, found %q", root, first(m.MessageContentType, 40))
	}
	for _, f := range []struct{ name, v string }{{"MessageID", m.MessageID}, {"SentDateTime", m.SentDateTime}, {"OriginatingMessageID", m.OriginatingMessageID}} {
		if strings.TrimSpace(f.v) == "" {
			return invalid(op, root+"/"+f.name, "required")
		}
	}
	if root == CommitResource && m.PrecedingMessageID == "" {
		return invalid(op, root+"/PrecedingMessageID", "required")
	}
	if _, err := time.Parse(time.RFC3339Nano, m.SentDateTime); err != nil {
		return invalid(op, root+"/SentDateTime", "expected a date and time such as 2026-11-20T06:00:00Z, found %q", first(m.SentDateTime, 40))
	}
	if len(m.ContactInformation) == 0 {
		return invalid(op, root+"/ContactInformation", "required")
	}
	for i, c := range m.ContactInformation {
		if c.ContactRole != "" && !slices.Contains(rmContactRoles, c.ContactRole) {
			return invalid(op, fmt.Sprintf("%s/ContactInformation[%d]/ContactRole", root, i+1), "expected one of %s, found %q", strings.Join(rmContactRoles, ", "), first(c.ContactRole, 40))
		}
	}
	if len(m.ResourceInformation) == 0 {
		return invalid(op, root+"/ResourceInformation", "required")
	}
	for i, ri := range m.ResourceInformation {
		at := fmt.Sprintf("%s/ResourceInformation[%d]", root, i+1)
		if ri.ResourceInfoElementID == "" {
			return invalid(op, at+"/ResourceInfoElementID", "required")
		}
		if root == CommitResource && ri.ResponseInformation == nil {
			return invalid(op, at+"/ResponseInformation", "required in a CommitResource")
		}
		if root != CommitResource && ri.Resource == nil {
			return invalid(op, at+"/Resource", "required")
		}
		for j, s := range ri.ScheduleInformation {
			if s.DateTime != "" {
				if _, err := time.Parse(time.RFC3339Nano, s.DateTime); err != nil {
					return invalid(op, fmt.Sprintf("%s/ScheduleInformation[%d]/DateTime", at, j+1), "expected a date and time such as 2026-11-20T06:00:00Z, found %q", first(s.DateTime, 40))
				}
			}
		}
	}
	return nil
}

// keywords gathers a resource's value lists by URN.
func keywords(r *RMResource) map[string][]string {
	kw := map[string][]string{}
	if r == nil {
		return kw
	}
	for _, k := range r.Keyword {
		kw[k.ValueListURN] = append(kw[k.ValueListURN], k.Value...)
	}
	return kw
}

func one(kw map[string][]string, urn string) string {
	if v := kw[urn]; len(v) > 0 {
		return strings.TrimSpace(v[0])
	}
	return ""
}

// contact returns the description of the first contact in role.
func (m *RMMessage) contact(role string) string {
	for _, c := range m.ContactInformation {
		if c.ContactRole == role && c.ContactDescription != "" {
			return c.ContactDescription
		}
	}
	return ""
}

// rmMarking reads a marking from value lists; a message without one is
// TLP:AMBER, the default for new items.
func rmMarking(kw map[string][]string, org, author string) coord.Marking {
	mk := coord.Marking{TLP: coord.TLP(one(kw, urnTLP)), Org: org, Author: author, Orgs: kw[urnOrgs], Members: kw[urnRecipients]}
	if mk.TLP == "" {
		mk.TLP = coord.TLPAmber
	}
	mk.Normalize()
	return mk
}

// ImportRM reads one EDXL-RM message: a RequestResource gives needs, an
// OfferUnsolicitedResource offers, a CommitResource commitments — one per
// ResourceInformation element, each validated. A message Lifeline wrote
// comes back as the items it was written from, as far as EDXL-RM carries
// them; from any other sender, the Requester (or Owner, or RespondingOrg)
// contact is the source organisation, the Sender contact its author, the
// marking TLP:AMBER, the type structure's first value the category (in
// lower case, words joined by hyphens), and a measured quantity must be
// a whole number.
func ImportRM(r io.Reader) (needs []coord.Need, offers []coord.Offer, matches []coord.Match, err error) {
	const op = "exchange.ImportRM"
	m, err := DecodeRM(r)
	if err != nil {
		return nil, nil, nil, err
	}
	root := m.XMLName.Local
	sent, _ := time.Parse(time.RFC3339Nano, m.SentDateTime)
	sent = sent.UTC()
	for i := range m.ResourceInformation {
		ri := &m.ResourceInformation[i]
		at := fmt.Sprintf("%s/ResourceInformation[%d]", root, i+1)
		switch root {
		case CommitResource:
			mt, err := rmMatch(m, ri, sent, at)
			if err != nil {
				return nil, nil, nil, err
			}
			matches = append(matches, *mt)
		default:
			res, err := rmResource(m, ri, sent, at)
			if err != nil {
				return nil, nil, nil, err
			}
			if root == RequestResource {
				n := coord.Need{Resource: *res}
				if err := n.Validate(); err != nil {
					return nil, nil, nil, wrapInvalid(op, at, err)
				}
				needs = append(needs, n)
			} else {
				o := coord.Offer{Resource: *res}
				if err := o.Validate(); err != nil {
					return nil, nil, nil, wrapInvalid(op, at, err)
				}
				offers = append(offers, o)
			}
		}
	}
	return needs, offers, matches, nil
}

func rmQuantity(op, at string, a *RMAssignment) (int64, string, error) {
	if a == nil || a.Quantity == nil {
		return 0, "", invalid(op, at+"/AssignmentInformation/Quantity", "required: how many")
	}
	q := a.Quantity
	unit := "item"
	var s string
	switch {
	case q.MeasuredQuantity != nil:
		s = strings.TrimSpace(q.MeasuredQuantity.Amount)
		if u := q.MeasuredQuantity.UnitOfMeasure; u != nil && len(u.Value) > 0 {
			unit = strings.TrimSpace(u.Value[0])
		}
	case len(q.QuantityText) > 0:
		s = strings.TrimSpace(q.QuantityText[0])
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || f < 1 || f > coord.MaxQuantity {
		return 0, "", invalid(op, at+"/AssignmentInformation/Quantity", "expected a whole number from 1 to %d, found %q", int64(coord.MaxQuantity), first(s, 40))
	}
	return int64(f), unit, nil
}

// rmCategory turns a type from another vocabulary into a category:
// lower-case words joined by hyphens.
func rmCategory(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '/' || r == '-' || r == '_':
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == ':':
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-/")
}

func rmResource(m *RMMessage, ri *RMResourceInfo, sent time.Time, at string) (*coord.Resource, error) {
	const op = "exchange.ImportRM"
	kw := keywords(ri.Resource)
	org := cmpOr(m.contact("Requester"), cmpOr(m.contact("Owner"), m.contact("RespondingOrg")))
	author := cmpOr(m.contact("Sender"), org)
	if org == "" {
		return nil, invalid(op, m.XMLName.Local+"/ContactInformation", "no contact of role Requester, Owner or RespondingOrg names the source organisation")
	}
	r := &coord.Resource{
		ID:         ri.ResourceInfoElementID,
		Title:      cmpOr(ri.Resource.Name, m.MessageDescription),
		Conditions: ri.Resource.SpecialRequirements,
		Status:     cmpOr(one(kw, urnStatus), coord.ResourceOpen),
		Urgency:    one(kw, urnUrgency),
		Marking:    rmMarking(kw, org, author),
		Created:    sent,
		Updated:    sent,
	}
	if len(m.IncidentInformation) > 0 {
		r.IncidentID = m.IncidentInformation[0].IncidentID
	}
	if ts := ri.Resource.TypeStructure; ts != nil && len(ts.Value) > 0 {
		if ts.ValueListURN == urnCategory {
			r.Category = ts.Value[0]
		} else {
			r.Category = rmCategory(ts.Value[0])
		}
	}
	var err error
	if r.Quantity, r.Unit, err = rmQuantity(op, at, ri.AssignmentInformation); err != nil {
		return nil, err
	}
	if s := one(kw, urnLeadTime); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return nil, invalid(op, at+"/Resource/Keyword["+urnLeadTime+"]", "expected a duration such as 48h0m0s, found %q", first(s, 40))
		}
		r.LeadTime = coord.Duration(d)
	}
	for _, c := range kw[urnCountries] {
		c = strings.ToUpper(strings.TrimSpace(c))
		if _, ok := geo.Lookup(c); !ok || len(c) != 2 {
			return nil, invalid(op, at+"/Resource/Keyword["+urnCountries+"]", "expected ISO 3166-1 alpha-2 codes, found %q", first(c, 20))
		}
		r.Countries = append(r.Countries, c)
	}
	for _, k := range []struct {
		urn string
		dst *time.Time
	}{{urnValidFrom, &r.ValidFrom}, {urnValidUntil, &r.ValidUntil}} {
		if s := one(kw, k.urn); s != "" {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return nil, invalid(op, at+"/Resource/Keyword["+k.urn+"]", "expected a date and time, found %q", first(s, 40))
			}
			*k.dst = t.UTC()
		}
	}
	for j, s := range ri.ScheduleInformation {
		where := fmt.Sprintf("%s/ScheduleInformation[%d]", at, j+1)
		var t time.Time
		if s.DateTime != "" {
			t, _ = time.Parse(time.RFC3339Nano, s.DateTime)
			t = t.UTC()
		}
		switch s.ScheduleType {
		case "BeginAvailable":
			r.ValidFrom = t
		case "EndAvailable":
			r.ValidUntil = t
		}
		if s.Location != nil && r.Place == nil && (s.ScheduleType == "ReportTo" || s.ScheduleType == "BeginAvailable") {
			p, err := rmPlace(s.Location)
			if err != nil {
				return nil, invalid(op, where+"/Location", "%v", err)
			}
			r.Place = p
		}
	}
	return r, nil
}

func rmPlace(l *RMLocation) (*coord.Place, error) {
	if l.TargetArea == nil || l.TargetArea.Point == nil {
		return nil, nil
	}
	f := strings.Fields(l.TargetArea.Point.Pos)
	if len(f) != 2 {
		return nil, fmt.Errorf("gml:pos: expected \"latitude longitude\", found %q", first(l.TargetArea.Point.Pos, 40))
	}
	p, err := parseLatLon(f[0] + "," + f[1])
	if err != nil {
		return nil, fmt.Errorf("gml:pos: %v", err)
	}
	return &coord.Place{Name: l.LocationDescription, Lon: p[0], Lat: p[1]}, nil
}

// idFrom is the item id in a Lifeline message id such as
// urn:lifeline:host:need:ID, or the whole id of any other sender.
func idFrom(msgID, what string) string {
	i := strings.Index(msgID, ":"+what+":")
	if !strings.HasPrefix(msgID, "urn:lifeline:") || i < 0 {
		return msgID
	}
	return msgID[i+len(what)+2:]
}

func rmMatch(m *RMMessage, ri *RMResourceInfo, sent time.Time, at string) (*coord.Match, error) {
	const op = "exchange.ImportRM"
	kw := keywords(ri.Resource)
	resp := ri.ResponseInformation
	mt := &coord.Match{
		ID:       ri.ResourceInfoElementID,
		NeedID:   idFrom(m.OriginatingMessageID, "need"),
		OfferID:  cmpOr(resp.PrecedingResourceInfoElementID, idFrom(m.PrecedingMessageID, "offer")),
		NeedOrg:  m.contact("Requester"),
		OfferOrg: m.contact("RespondingOrg"),
		Status:   coord.MatchStatus(one(kw, urnStatus)),
		Created:  sent,
		Updated:  sent,
	}
	if mt.Status == "" {
		mt.Status = map[string]coord.MatchStatus{"Accept": coord.MatchCommitted, "Decline": coord.MatchCancelled, "Provisional": coord.MatchProposed}[resp.ResponseType]
	}
	if !slices.Contains([]coord.MatchStatus{coord.MatchProposed, coord.MatchCommitted, coord.MatchDispatched, coord.MatchDelivered, coord.MatchReleased, coord.MatchCancelled}, mt.Status) {
		return nil, invalid(op, at+"/ResponseInformation/ResponseType", "expected Accept, Decline or Provisional, found %q", first(resp.ResponseType, 40))
	}
	if mt.NeedOrg == "" || mt.OfferOrg == "" {
		return nil, invalid(op, m.XMLName.Local+"/ContactInformation", "a commitment names the Requester and the RespondingOrg")
	}
	if _, after, ok := strings.Cut(resp.ResponseReason, "; matching score "); ok {
		if s, err := strconv.ParseFloat(after, 64); err == nil && s >= 0 && s <= 1 {
			mt.Score = s
		}
	}
	author := cmpOr(m.contact("Sender"), mt.OfferOrg)
	mt.Marking = rmMarking(kw, cmpOr(m.contact("Approver"), mt.OfferOrg), author)
	var err error
	if mt.Quantity, mt.Unit, err = rmQuantity(op, at, ri.AssignmentInformation); err != nil {
		return nil, err
	}
	for _, s := range ri.ScheduleInformation {
		for st, name := range matchSchedule {
			if s.ScheduleType == name && s.DateTime != "" {
				t, _ := time.Parse(time.RFC3339Nano, s.DateTime)
				mt.Timeline = append(mt.Timeline, coord.MatchStep{Status: st, At: t.UTC(), Member: author, Org: mt.Org})
			}
		}
	}
	slices.SortStableFunc(mt.Timeline, func(a, b coord.MatchStep) int { return a.At.Compare(b.At) })
	if mt.ID == "" || mt.NeedID == "" || mt.OfferID == "" {
		return nil, invalid(op, at, "a commitment names itself, its need and its offer")
	}
	if err := mt.Marking.Validate(); err != nil {
		return nil, wrapInvalid(op, at+"/Resource/Keyword", err)
	}
	return mt, nil
}
