package exchange

import (
	"encoding/json"
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

// CAPNamespace is the XML namespace of OASIS CAP 1.2 (ITU-T X.1303).
const CAPNamespace = "urn:oasis:names:tc:emergency:cap:1.2"

// Alert is a CAP 1.2 alert message, element for element as the standard
// defines it, so that any alert decodes and encodes without loss. Times
// are kept as written (the standard requires an explicit offset).
type Alert struct {
	XMLName     xml.Name `xml:"urn:oasis:names:tc:emergency:cap:1.2 alert"`
	Identifier  string   `xml:"identifier"`
	Sender      string   `xml:"sender"`
	Sent        string   `xml:"sent"`
	Status      string   `xml:"status"`  // Actual, Exercise, System, Test, Draft
	MsgType     string   `xml:"msgType"` // Alert, Update, Cancel, Ack, Error
	Source      string   `xml:"source,omitempty"`
	Scope       string   `xml:"scope"` // Public, Restricted, Private
	Restriction string   `xml:"restriction,omitempty"`
	Addresses   string   `xml:"addresses,omitempty"`
	Code        []string `xml:"code,omitempty"`
	Note        string   `xml:"note,omitempty"`
	References  string   `xml:"references,omitempty"`
	Incidents   string   `xml:"incidents,omitempty"`
	Info        []Info   `xml:"info"`
}

// Info is the info block of an alert: what, how bad, where.
type Info struct {
	Language     string      `xml:"language,omitempty"`
	Category     []string    `xml:"category"`
	Event        string      `xml:"event"`
	ResponseType []string    `xml:"responseType,omitempty"`
	Urgency      string      `xml:"urgency"`
	Severity     string      `xml:"severity"`
	Certainty    string      `xml:"certainty"`
	Audience     string      `xml:"audience,omitempty"`
	EventCode    []ValuePair `xml:"eventCode,omitempty"`
	Effective    string      `xml:"effective,omitempty"`
	Onset        string      `xml:"onset,omitempty"`
	Expires      string      `xml:"expires,omitempty"`
	SenderName   string      `xml:"senderName,omitempty"`
	Headline     string      `xml:"headline,omitempty"`
	Description  string      `xml:"description,omitempty"`
	Instruction  string      `xml:"instruction,omitempty"`
	Web          string      `xml:"web,omitempty"`
	Contact      string      `xml:"contact,omitempty"`
	Parameter    []ValuePair `xml:"parameter,omitempty"`
	Resource     []Resource  `xml:"resource,omitempty"`
	Area         []CAPArea   `xml:"area,omitempty"`
}

// ValuePair is CAP's valueName/value pair (eventCode, parameter, geocode).
type ValuePair struct {
	ValueName string `xml:"valueName"`
	Value     string `xml:"value"`
}

// Resource is a file that supplements an info block.
type Resource struct {
	ResourceDesc string `xml:"resourceDesc"`
	MimeType     string `xml:"mimeType"`
	Size         string `xml:"size,omitempty"`
	URI          string `xml:"uri,omitempty"`
	DerefURI     string `xml:"derefUri,omitempty"`
	Digest       string `xml:"digest,omitempty"`
}

// CAPArea is the area of an info block: a description, polygons
// ("lat,lon lat,lon …", closed), circles ("lat,lon radius-km") and geocodes.
type CAPArea struct {
	AreaDesc string      `xml:"areaDesc"`
	Polygon  []string    `xml:"polygon,omitempty"`
	Circle   []string    `xml:"circle,omitempty"`
	Geocode  []ValuePair `xml:"geocode,omitempty"`
	Altitude string      `xml:"altitude,omitempty"`
	Ceiling  string      `xml:"ceiling,omitempty"`
}

// capTime is the date and time form CAP requires: an explicit offset,
// never "Z".
const capTime = "2006-01-02T15:04:05-07:00"

// The names Lifeline gives its own eventCode, parameter and geocode pairs,
// so that what CAP has no element for travels and comes back.
const (
	capKind       = "lifeline:kind"
	capStatus     = "lifeline:status"
	capEnd        = "lifeline:end"
	capElements   = "lifeline:elements"
	capASNs       = "lifeline:asns"
	capOrgs       = "lifeline:share_with_orgs"
	capRecipients = "lifeline:recipients"
	capAuthor     = "lifeline:author"
	capCountry    = "ISO 3166-1 alpha-2"
)

var (
	capStatuses   = []string{"Actual", "Exercise", "System", "Test", "Draft"}
	capMsgTypes   = []string{"Alert", "Update", "Cancel", "Ack", "Error"}
	capScopes     = []string{"Public", "Restricted", "Private"}
	capCategories = []string{"Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE", "Other"}
	capResponses  = []string{"Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None"}
	capUrgencies  = []string{"Immediate", "Expected", "Future", "Past", "Unknown"}
	capSeverities = []string{"Extreme", "Severe", "Moderate", "Minor", "Unknown"}
	capCertainty  = []string{"Observed", "Likely", "Possible", "Unlikely", "Unknown"}
)

// kindEvents names each kind of incident in words, for CAP's event.
var kindEvents = map[coord.IncidentKind]string{
	coord.KindCableCut:               "Submarine or terrestrial cable cut",
	coord.KindPowerOutage:            "Power outage affecting connectivity",
	coord.KindShutdown:               "Internet shutdown",
	coord.KindThrottling:             "Internet throttling",
	coord.KindPhysicalAttack:         "Physical attack on network infrastructure",
	coord.KindCyberAttack:            "Cyber attack on network infrastructure",
	coord.KindNaturalHazard:          "Natural hazard affecting connectivity",
	coord.KindEquipmentSeizure:       "Seizure of network equipment",
	coord.KindRepairAccessDenied:     "Repair access denied",
	coord.KindCoreResourceGovernance: "Core Internet resource governance incident",
	coord.KindOther:                  "Connectivity incident",
}

// IncidentAlert returns the CAP alert for incident in as reader v sees it,
// or ENOTFOUND if v may not see it. The alert's msgType follows the
// lifecycle: Alert when the incident is first reported, Update for every
// later state, Cancel once it is dismissed; an Update or a Cancel
// references the first alert. The scope follows the TLP: TLP:CLEAR is
// Public, TLP:RED Private (addressed to the members the marking names),
// every other level Restricted; the level itself is the alert's code.
func IncidentAlert(v coord.Viewer, in *coord.Incident, opt Options) (*Alert, error) {
	const op = "exchange.IncidentAlert"
	if err := opt.check(op); err != nil {
		return nil, err
	}
	if len(visible(v, []coord.Incident{*in}, incidentMarking)) == 0 {
		return nil, lifeline.Errorf(lifeline.ENOTFOUND, op, "no such incident")
	}
	sender := in.Org + "@" + opt.Instance
	ident := func(t time.Time) string {
		return "urn:lifeline:" + opt.Instance + ":incident:" + in.ID + ":" + strconv.FormatInt(t.Unix(), 10)
	}
	a := &Alert{
		Identifier: ident(in.Updated),
		Sender:     sender,
		Sent:       in.Updated.Format(capTime),
		Status:     "Actual",
		MsgType:    "Update",
		Source:     opt.Instance,
		Code:       []string{string(in.TLP)},
		Incidents:  in.ID,
	}
	switch {
	case in.Status == coord.IncidentDismissed:
		a.MsgType = "Cancel"
	case in.Updated.Equal(in.Created):
		a.MsgType = "Alert"
	}
	if a.MsgType != "Alert" {
		a.References = sender + "," + ident(in.Created) + "," + in.Created.Format(capTime)
	}
	switch in.TLP {
	case coord.TLPClear:
		a.Scope = "Public"
	case coord.TLPRed:
		a.Scope = "Private"
		a.Addresses = capList(append([]string{in.Author}, in.Members...))
	default:
		a.Scope = "Restricted"
		a.Restriction = restrictionText(in.Marking)
	}
	info := Info{
		Language:  "en",
		Category:  []string{"Infra"},
		Event:     kindEvents[in.Kind],
		Urgency:   cmpOr(in.Urgency, coord.Unknown),
		Severity:  cmpOr(in.Severity, coord.Unknown),
		Certainty: cmpOr(in.Certainty, coord.Unknown),
		EventCode: []ValuePair{{capKind, string(in.Kind)}},
		Headline:  in.Title,
		Parameter: []ValuePair{{capStatus, string(in.Status)}, {capAuthor, in.Author}},
	}
	if info.Event == "" {
		info.Event = kindEvents[coord.KindOther]
	}
	if in.Kind == coord.KindCyberAttack || in.Kind == coord.KindPhysicalAttack {
		info.Category = append(info.Category, "Security")
	}
	info.ResponseType = []string{"Monitor"}
	if in.Status == coord.IncidentResolved || in.Status == coord.IncidentDismissed {
		info.ResponseType = []string{"AllClear"}
	}
	info.Description = in.Description
	if in.Start != nil {
		info.Onset = in.Start.Format(capTime)
	}
	if in.End != nil {
		info.Parameter = append(info.Parameter, ValuePair{capEnd, in.End.Format(capTime)})
	}
	if len(in.Elements) > 0 {
		info.Parameter = append(info.Parameter, ValuePair{capElements, capList(in.Elements)})
	}
	if len(in.ASNs) > 0 {
		s := make([]string, len(in.ASNs))
		for i, n := range in.ASNs {
			s[i] = strconv.FormatUint(uint64(n), 10)
		}
		info.Parameter = append(info.Parameter, ValuePair{capASNs, strings.Join(s, " ")})
	}
	if len(in.Orgs) > 0 {
		info.Parameter = append(info.Parameter, ValuePair{capOrgs, capList(in.Orgs)})
	}
	if len(in.Members) > 0 {
		info.Parameter = append(info.Parameter, ValuePair{capRecipients, capList(in.Members)})
	}
	if len(in.Countries) > 0 || in.Area != nil {
		area := CAPArea{AreaDesc: areaDesc(in.Countries)}
		if in.Area != nil {
			polys, err := in.Area.Polygons()
			if err != nil {
				return nil, err
			}
			for _, p := range polys {
				area.Polygon = append(area.Polygon, capPolygon(p[0]))
			}
		}
		for _, c := range in.Countries {
			area.Geocode = append(area.Geocode, ValuePair{capCountry, c})
		}
		info.Area = []CAPArea{area}
	}
	a.Info = []Info{info}
	return a, nil
}

// ExportCAP writes the CAP alert for in as v sees it; see IncidentAlert.
func ExportCAP(w io.Writer, v coord.Viewer, in *coord.Incident, opt Options) error {
	a, err := IncidentAlert(v, in, opt)
	if err != nil {
		return err
	}
	return EncodeCAP(w, a)
}

// EncodeCAP writes a as an XML document.
func EncodeCAP(w io.Writer, a *Alert) error { return encodeXML(w, a) }

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// capList writes names as CAP's space-delimited list, quoting names that
// hold spaces.
func capList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		if strings.ContainsAny(n, " \t") {
			n = `"` + n + `"`
		}
		q[i] = n
	}
	return strings.Join(q, " ")
}

// splitCAPList reads a space-delimited list in which names holding spaces
// are quoted.
func splitCAPList(s string) []string {
	var out []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		if s[0] == '"' {
			if j := strings.IndexByte(s[1:], '"'); j >= 0 {
				out = append(out, s[1:j+1])
				s = s[j+2:]
				continue
			}
		}
		j := strings.IndexAny(s, " \t\r\n")
		if j < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:j])
		s = s[j:]
	}
	return out
}

func restrictionText(m coord.Marking) string {
	s := string(m.TLP) + ": "
	switch m.TLP {
	case coord.TLPGreen:
		return s + "the community of verified organisations; not for public channels"
	case coord.TLPAmberStrict:
		s += "members of the source organisation " + m.Org
	default:
		s += "members of the source organisation " + m.Org + " and their clients, on a need-to-know basis"
	}
	if len(m.Orgs) > 0 {
		s += "; organisations " + strings.Join(m.Orgs, ", ")
	}
	if len(m.Members) > 0 {
		s += "; members " + strings.Join(m.Members, ", ")
	}
	return s
}

func areaDesc(countries []string) string {
	var names []string
	for _, c := range countries {
		if k, ok := geo.Lookup(c); ok {
			names = append(names, k.Name)
		} else {
			names = append(names, c)
		}
	}
	if len(names) == 0 {
		return "Area of the incident"
	}
	return strings.Join(names, ", ")
}

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// capPolygon writes a ring as CAP's "lat,lon lat,lon …".
func capPolygon(ring []coord.Position) string {
	s := make([]string, len(ring))
	for i, p := range ring {
		s[i] = fmtNum(p[1]) + "," + fmtNum(p[0])
	}
	return strings.Join(s, " ")
}

// DecodeCAP reads one CAP 1.2 alert and checks it against the rules of
// the standard: required elements, the values each enumeration accepts,
// and the date and time form. It returns EINVALID naming the line or the
// element at fault.
func DecodeCAP(r io.Reader) (*Alert, error) {
	const op = "exchange.DecodeCAP"
	data, err := readAll(op, r)
	if err != nil {
		return nil, err
	}
	if _, err := checkXML(op, data, []string{CAPNamespace}, "alert"); err != nil {
		return nil, err
	}
	var a Alert
	if err := xml.Unmarshal(data, &a); err != nil {
		return nil, invalid(op, "alert", "%v", xmlErr(err))
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return &a, nil
}

// Validate checks a as the CAP 1.2 schema and text do, naming the
// element at fault.
func (a *Alert) Validate() error {
	const op = "exchange.Alert.Validate"
	req := func(where, v string) error {
		if strings.TrimSpace(v) == "" {
			return invalid(op, where, "required")
		}
		return nil
	}
	enum := func(where, v string, allowed []string) error {
		if !slices.Contains(allowed, v) {
			return invalid(op, where, "expected one of %s, found %q", strings.Join(allowed, ", "), first(v, 40))
		}
		return nil
	}
	date := func(where, v string, required bool) error {
		if v == "" && !required {
			return nil
		}
		if _, err := parseCAPTime(v); err != nil {
			return invalid(op, where, "expected a date and time with an offset such as 2003-06-17T14:57:00-07:00, found %q", first(v, 40))
		}
		return nil
	}
	for _, c := range []struct{ where, v string }{{"alert/identifier", a.Identifier}, {"alert/sender", a.Sender}} {
		if err := req(c.where, c.v); err != nil {
			return err
		}
		if strings.ContainsAny(c.v, " ,<&") {
			return invalid(op, c.where, "must not contain spaces, commas, < or &, found %q", first(c.v, 60))
		}
	}
	if err := date("alert/sent", a.Sent, true); err != nil {
		return err
	}
	if err := enum("alert/status", a.Status, capStatuses); err != nil {
		return err
	}
	if err := enum("alert/msgType", a.MsgType, capMsgTypes); err != nil {
		return err
	}
	if err := enum("alert/scope", a.Scope, capScopes); err != nil {
		return err
	}
	if a.Scope == "Restricted" && a.Restriction == "" {
		return invalid(op, "alert/restriction", "required when the scope is Restricted")
	}
	if a.Scope == "Private" && a.Addresses == "" {
		return invalid(op, "alert/addresses", "required when the scope is Private")
	}
	if (a.MsgType == "Update" || a.MsgType == "Cancel") && a.References != "" {
		for i, ref := range strings.Fields(a.References) {
			parts := strings.Split(ref, ",")
			if len(parts) != 3 || date("", parts[2], true) != nil {
				return invalid(op, "alert/references", "reference %d: expected sender,identifier,sent, found %q", i+1, first(ref, 80))
			}
		}
	}
	for i := range a.Info {
		in := &a.Info[i]
		at := fmt.Sprintf("alert/info[%d]", i+1)
		if len(in.Category) == 0 {
			return invalid(op, at+"/category", "required")
		}
		for _, c := range in.Category {
			if err := enum(at+"/category", c, capCategories); err != nil {
				return err
			}
		}
		if err := req(at+"/event", in.Event); err != nil {
			return err
		}
		for _, c := range in.ResponseType {
			if err := enum(at+"/responseType", c, capResponses); err != nil {
				return err
			}
		}
		if err := enum(at+"/urgency", in.Urgency, capUrgencies); err != nil {
			return err
		}
		if err := enum(at+"/severity", in.Severity, capSeverities); err != nil {
			return err
		}
		if err := enum(at+"/certainty", in.Certainty, capCertainty); err != nil {
			return err
		}
		for _, d := range []struct{ name, v string }{{"effective", in.Effective}, {"onset", in.Onset}, {"expires", in.Expires}} {
			if err := date(at+"/"+d.name, d.v, false); err != nil {
				return err
			}
		}
		for j, ar := range in.Area {
			where := fmt.Sprintf("%s/area[%d]", at, j+1)
			if err := req(where+"/areaDesc", ar.AreaDesc); err != nil {
				return err
			}
			for k, p := range ar.Polygon {
				if _, err := parseCAPPolygon(p); err != nil {
					return invalid(op, fmt.Sprintf("%s/polygon[%d]", where, k+1), "%v", err)
				}
			}
			for k, c := range ar.Circle {
				if _, _, _, err := parseCAPCircle(c); err != nil {
					return invalid(op, fmt.Sprintf("%s/circle[%d]", where, k+1), "%v", err)
				}
			}
		}
	}
	return nil
}

func parseCAPTime(s string) (time.Time, error) {
	if len(s) != len(capTime) {
		return time.Time{}, fmt.Errorf("bad length")
	}
	return time.Parse(capTime, s)
}

func parseLatLon(s string) (coord.Position, error) {
	lat, lon, ok := strings.Cut(s, ",")
	if !ok {
		return coord.Position{}, fmt.Errorf("expected latitude,longitude, found %q", first(s, 40))
	}
	la, err1 := strconv.ParseFloat(lat, 64)
	lo, err2 := strconv.ParseFloat(lon, 64)
	if err1 != nil || err2 != nil || !(la >= -90 && la <= 90) || !(lo >= -180 && lo <= 180) {
		return coord.Position{}, fmt.Errorf("expected latitude -90..90,longitude -180..180, found %q", first(s, 40))
	}
	return coord.Position{lo, la}, nil
}

// parseCAPPolygon reads "lat,lon lat,lon …": at least four pairs, the
// first equal to the last.
func parseCAPPolygon(s string) ([]coord.Position, error) {
	f := strings.Fields(s)
	if len(f) < 4 {
		return nil, fmt.Errorf("expected at least 4 latitude,longitude pairs, the first repeated at the end; found %d", len(f))
	}
	if len(f) > coord.MaxRingPositions {
		return nil, fmt.Errorf("%d pairs; at most %d are accepted", len(f), coord.MaxRingPositions)
	}
	ring := make([]coord.Position, len(f))
	for i, p := range f {
		var err error
		if ring[i], err = parseLatLon(p); err != nil {
			return nil, fmt.Errorf("pair %d: %v", i+1, err)
		}
	}
	if ring[0] != ring[len(ring)-1] {
		return nil, fmt.Errorf("not closed: the first pair %s differs from the last %s", f[0], f[len(f)-1])
	}
	return ring, nil
}

// parseCAPCircle reads "lat,lon radius" with the radius in kilometres.
func parseCAPCircle(s string) (lon, lat, km float64, err error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return 0, 0, 0, fmt.Errorf("expected latitude,longitude radius, found %q", first(s, 60))
	}
	p, err := parseLatLon(f[0])
	if err != nil {
		return 0, 0, 0, err
	}
	km, err = strconv.ParseFloat(f[1], 64)
	if err != nil || !(km >= 0 && km <= 20000) {
		return 0, 0, 0, fmt.Errorf("expected a radius of 0 to 20000 km, found %q", first(f[1], 20))
	}
	return p[0], p[1], km, nil
}

// circleRing approximates a circle by a closed ring of n positions on the
// sphere (geo.Circle), longitudes wrapped to ±180° and rounded to 1e-4
// degrees (about 10 m).
func circleRing(lon, lat, km float64, n int) []coord.Position {
	pts := geo.Circle(geo.Point{Lon: lon, Lat: lat}, km, n)
	ring := make([]coord.Position, 0, len(pts))
	for _, p := range pts {
		x := math.Mod(p.Lon+540, 360) - 180
		ring = append(ring, coord.Position{math.Round(x*1e4) / 1e4, math.Round(p.Lat*1e4) / 1e4})
	}
	return ring
}

// ImportCAP reads one CAP 1.2 alert as a draft incident; see AlertIncident.
func ImportCAP(r io.Reader) (*coord.Incident, error) {
	a, err := DecodeCAP(r)
	if err != nil {
		return nil, err
	}
	return AlertIncident(a)
}

// AlertIncident turns an alert into a draft incident and validates it. An
// alert Lifeline wrote comes back as the incident it was written from, as
// far as CAP carries it. Any other alert — a national warning of a storm,
// a power outage — becomes a reported incident: its headline (or event) is
// the title, its description and instruction the description, its
// categories and event give the kind, its polygons and circles (as
// 32-sided polygons; a circle of radius 0 is a point and gives no area)
// the area, and its ISO 3166-1 geocodes the countries. The sender is the
// source. Only Actual alerts are incidents: exercises, tests, system
// messages and drafts are refused. The first info block in English, or
// else the first, is read.
func AlertIncident(a *Alert) (*coord.Incident, error) {
	const op = "exchange.AlertIncident"
	if a.Status != "Actual" {
		return nil, invalid(op, "alert/status", "only Actual alerts report incidents; this one is %s", a.Status)
	}
	if a.MsgType == "Ack" || a.MsgType == "Error" {
		return nil, invalid(op, "alert/msgType", "an %s message answers another message and reports no incident", a.MsgType)
	}
	if len(a.Info) == 0 {
		return nil, invalid(op, "alert/info", "an alert without info says nothing to import")
	}
	idx := 0
	for i, in := range a.Info {
		if strings.HasPrefix(strings.ToLower(in.Language), "en") {
			idx = i
			break
		}
	}
	info := &a.Info[idx]
	at := fmt.Sprintf("alert/info[%d]", idx+1)
	params := map[string]string{}
	for _, p := range info.Parameter {
		if _, ok := params[p.ValueName]; !ok {
			params[p.ValueName] = p.Value
		}
	}
	sent, _ := parseCAPTime(a.Sent)
	in := &coord.Incident{
		ID:          a.Identifier,
		Title:       cmpOr(info.Headline, info.Event),
		Description: info.Description,
		Status:      coord.IncidentReported,
		Severity:    info.Severity,
		Urgency:     info.Urgency,
		Certainty:   info.Certainty,
		Created:     sent.UTC(),
		Updated:     sent.UTC(),
	}
	if info.Instruction != "" {
		in.Description = strings.TrimSpace(in.Description + "\n\nInstruction: " + info.Instruction)
	}
	if id := strings.Fields(a.Incidents); len(id) > 0 {
		in.ID = id[0]
	}
	if refs := strings.Fields(a.References); len(refs) > 0 {
		if p := strings.Split(refs[0], ","); len(p) == 3 {
			if t, err := parseCAPTime(p[2]); err == nil {
				in.Created = t.UTC()
			}
		}
	}
	in.Kind = kindFromCAP(info)
	if s, ok := params[capStatus]; ok {
		in.Status = coord.IncidentStatus(s)
	} else if a.MsgType == "Cancel" {
		in.Status = coord.IncidentDismissed
	}
	if info.Onset != "" {
		t, _ := parseCAPTime(info.Onset)
		t = t.UTC()
		in.Start = &t
	}
	if s, ok := params[capEnd]; ok {
		t, err := parseCAPTime(s)
		if err != nil {
			return nil, invalid(op, at+"/parameter["+capEnd+"]", "expected a date and time with an offset, found %q", first(s, 40))
		}
		t = t.UTC()
		in.End = &t
	}
	in.Elements = splitCAPList(params[capElements])
	for _, s := range strings.Fields(params[capASNs]) {
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return nil, invalid(op, at+"/parameter["+capASNs+"]", "expected AS numbers, found %q", first(s, 20))
		}
		in.ASNs = append(in.ASNs, uint32(n))
	}
	// The marking: the level from the code, else from the scope.
	in.Org, in.Author = a.Sender, a.Sender
	if org, host, ok := strings.Cut(a.Sender, "@"); ok && host == a.Source && org != "" {
		in.Org = org
	}
	if s, ok := params[capAuthor]; ok {
		in.Author = s
	}
	in.TLP = ""
	for _, c := range a.Code {
		if t := coord.TLP(strings.ToUpper(strings.TrimSpace(c))); t.Valid() {
			in.TLP = t
		}
	}
	if in.TLP == "" {
		in.TLP = map[string]coord.TLP{"Public": coord.TLPClear, "Restricted": coord.TLPAmber, "Private": coord.TLPRed}[a.Scope]
	}
	in.Orgs = splitCAPList(params[capOrgs])
	in.Members = splitCAPList(params[capRecipients])
	if in.TLP == coord.TLPRed && len(in.Members) == 0 {
		for _, m := range splitCAPList(a.Addresses) {
			if m != in.Author {
				in.Members = append(in.Members, m)
			}
		}
	}
	in.Normalize()
	// The area.
	var polys [][][]coord.Position
	for j, ar := range info.Area {
		where := fmt.Sprintf("%s/area[%d]", at, j+1)
		for k, p := range ar.Polygon {
			ring, _ := parseCAPPolygon(p)
			if err := checkRing(ring); err != nil {
				return nil, wrapInvalid(op, fmt.Sprintf("%s/polygon[%d]", where, k+1), err)
			}
			polys = append(polys, [][]coord.Position{ring})
		}
		for _, c := range ar.Circle {
			lon, lat, km, _ := parseCAPCircle(c)
			if km > 0 {
				polys = append(polys, [][]coord.Position{circleRing(lon, lat, km, 32)})
			}
		}
		for k, g := range ar.Geocode {
			if g.ValueName != capCountry && !strings.EqualFold(g.ValueName, "ISO3166-1") {
				continue
			}
			c := strings.ToUpper(strings.TrimSpace(g.Value))
			if _, ok := geo.Lookup(c); !ok || len(c) != 2 {
				return nil, invalid(op, fmt.Sprintf("%s/geocode[%d]", where, k+1), "expected an ISO 3166-1 alpha-2 country code, found %q", first(g.Value, 20))
			}
			if !slices.Contains(in.Countries, c) {
				in.Countries = append(in.Countries, c)
			}
		}
	}
	if len(polys) > 0 {
		in.Area = polygonArea(polys)
	}
	if err := in.Validate(); err != nil {
		return nil, wrapInvalid(op, "alert", err)
	}
	return in, nil
}

// polygonArea makes a GeoJSON Polygon of one polygon, a MultiPolygon of
// several.
func polygonArea(polys [][][]coord.Position) *coord.Area {
	if len(polys) == 1 {
		b, _ := json.Marshal(polys[0])
		return &coord.Area{Type: "Polygon", Coordinates: b}
	}
	b, _ := json.Marshal(polys)
	return &coord.Area{Type: "MultiPolygon", Coordinates: b}
}

// checkRing validates one ring with coord's rules (closed, simple).
func checkRing(ring []coord.Position) error {
	return polygonArea([][][]coord.Position{{ring}}).Validate()
}

func kindFromCAP(info *Info) coord.IncidentKind {
	for _, e := range info.EventCode {
		if e.ValueName == capKind && coord.IncidentKind(e.Value).Valid() {
			return coord.IncidentKind(e.Value)
		}
	}
	ev := strings.ToLower(info.Event + " " + info.Headline)
	switch {
	case strings.Contains(ev, "shutdown"):
		return coord.KindShutdown
	case strings.Contains(ev, "cable"):
		return coord.KindCableCut
	case strings.Contains(ev, "power") || strings.Contains(ev, "electric"):
		return coord.KindPowerOutage
	}
	for _, c := range info.Category {
		switch c {
		case "Geo", "Met", "Fire", "Env":
			return coord.KindNaturalHazard
		}
	}
	return coord.KindOther
}
