package exchange

import (
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"lifeline/coord"
	"lifeline/geo"
)

// HXL (the Humanitarian Exchange Language, hxlstandard.org) tags a CSV
// table with a row of hashtags under its headers, so that the Humanitarian
// Data Exchange and HXL tools know what each column holds. The hashtags
// below are the HXL core dictionary's (release 1.1, "HXL hashtags and
// attributes", hxlstandard.org/standard/dictionary) with the suggested
// attributes, except those starting with #x_ or +x_: the standard's form
// for extensions, used for what the dictionary has no hashtag for (TLP
// markings, atlas elements, AS numbers, units).

// hxlColumn is one column of an HXL table: its header for people, its
// hashtag, and how to read and write it.
type hxlColumn[T any] struct {
	header string
	tag    string
	get    func(*T) string
	set    func(*T, string) error // nil: written, not read
}

// hxlTime writes times in ISO 8601, in UTC.
func hxlTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseHXLTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fieldErr("expected a date such as 2026-11-20 or 2026-11-20T06:00:00Z, found %q", first(s, 40))
}

// hxlList joins the values of a list cell.
const hxlListSep = "; "

func joinList(s []string) string { return strings.Join(s, hxlListSep) }

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ";") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// iso3 writes countries in ISO 3166-1 alpha-3, HXL's default vocabulary
// for #country+code.
func iso3(cc []string) string {
	out := make([]string, len(cc))
	for i, c := range cc {
		out[i] = c
		if k, ok := geo.Lookup(c); ok && k.Code3 != "" {
			out[i] = k.Code3
		}
	}
	return joinList(out)
}

func parseCountries(s string) ([]string, error) {
	var out []string
	for _, c := range splitList(s) {
		a2, ok := geo.Resolve(c)
		if !ok {
			return nil, fieldErr("expected ISO 3166-1 country codes separated by ';', found %q", first(c, 40))
		}
		out = append(out, a2)
	}
	return out, nil
}

// normTag reads a hashtag with attributes, such as "#Org +code", into a
// canonical form: lower case, attributes sorted.
func normTag(s string) string {
	s = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	if !strings.HasPrefix(s, "#") {
		return ""
	}
	parts := strings.Split(s, "+")
	attrs := slices.Compact(slices.Sorted(slices.Values(parts[1:])))
	return strings.Join(append([]string{parts[0]}, attrs...), "+")
}

func markingColumns[T any](m func(*T) *coord.Marking) []hxlColumn[T] {
	return []hxlColumn[T]{
		{"Source organisation", "#org+code", func(t *T) string { return m(t).Org }, func(t *T, s string) error { m(t).Org = s; return nil }},
		{"Author", "#x_author", func(t *T) string { return m(t).Author }, func(t *T, s string) error { m(t).Author = s; return nil }},
		{"TLP", "#x_tlp", func(t *T) string { return string(m(t).TLP) }, func(t *T, s string) error { m(t).TLP = coord.TLP(strings.ToUpper(s)); return nil }},
		{"Shared with organisations", "#org+x_share", func(t *T) string { return joinList(m(t).Orgs) }, func(t *T, s string) error { m(t).Orgs = splitList(s); return nil }},
		{"Recipients", "#x_recipients", func(t *T) string { return joinList(m(t).Members) }, func(t *T, s string) error { m(t).Members = splitList(s); return nil }},
	}
}

func timeColumn[T any](header, tag string, f func(*T) *time.Time) hxlColumn[T] {
	return hxlColumn[T]{header, tag, func(t *T) string { return hxlTime(*f(t)) }, func(t *T, s string) error {
		v, err := parseHXLTime(s)
		*f(t) = v
		return err
	}}
}

func optTimeColumn[T any](header, tag string, f func(*T) **time.Time) hxlColumn[T] {
	return hxlColumn[T]{header, tag, func(t *T) string {
		if *f(t) == nil {
			return ""
		}
		return hxlTime(**f(t))
	}, func(t *T, s string) error {
		v, err := parseHXLTime(s)
		*f(t) = &v
		return err
	}}
}

func textColumn[T any](header, tag string, f func(*T) *string) hxlColumn[T] {
	return hxlColumn[T]{header, tag, func(t *T) string { return *f(t) }, func(t *T, s string) error { *f(t) = s; return nil }}
}

var incidentColumns = append([]hxlColumn[coord.Incident]{
	textColumn("ID", "#event+code", func(in *coord.Incident) *string { return &in.ID }),
	textColumn("Title", "#event+name", func(in *coord.Incident) *string { return &in.Title }),
	{"Kind", "#event+type", func(in *coord.Incident) string { return string(in.Kind) }, func(in *coord.Incident, s string) error { in.Kind = coord.IncidentKind(s); return nil }},
	{"Status", "#status", func(in *coord.Incident) string { return string(in.Status) }, func(in *coord.Incident, s string) error { in.Status = coord.IncidentStatus(s); return nil }},
	textColumn("Severity", "#severity", func(in *coord.Incident) *string { return &in.Severity }),
	textColumn("Urgency", "#x_urgency", func(in *coord.Incident) *string { return &in.Urgency }),
	textColumn("Certainty", "#x_certainty", func(in *coord.Incident) *string { return &in.Certainty }),
	{"Countries", "#country+code", func(in *coord.Incident) string { return iso3(in.Countries) }, func(in *coord.Incident, s string) (err error) {
		in.Countries, err = parseCountries(s)
		return err
	}},
	{"Area (GeoJSON)", "#geo+bounds", func(in *coord.Incident) string {
		if in.Area == nil {
			return ""
		}
		b, _ := json.Marshal(in.Area)
		return string(b)
	}, func(in *coord.Incident, s string) error {
		var a coord.Area
		if err := json.Unmarshal([]byte(s), &a); err != nil {
			return fieldErr("expected a GeoJSON Polygon or MultiPolygon: %v", err)
		}
		in.Area = &a
		return a.Validate()
	}},
	optTimeColumn("Start", "#date+start", func(in *coord.Incident) **time.Time { return &in.Start }),
	optTimeColumn("End", "#date+end", func(in *coord.Incident) **time.Time { return &in.End }),
	timeColumn("Reported", "#date+reported", func(in *coord.Incident) *time.Time { return &in.Created }),
	textColumn("Description", "#description", func(in *coord.Incident) *string { return &in.Description }),
	{"Affected elements", "#x_element", func(in *coord.Incident) string { return joinList(in.Elements) }, func(in *coord.Incident, s string) error { in.Elements = splitList(s); return nil }},
	{"Affected networks (AS)", "#x_asn", func(in *coord.Incident) string {
		s := make([]string, len(in.ASNs))
		for i, a := range in.ASNs {
			s[i] = strconv.FormatUint(uint64(a), 10)
		}
		return joinList(s)
	}, func(in *coord.Incident, s string) error {
		for _, x := range splitList(s) {
			n, err := strconv.ParseUint(strings.TrimPrefix(strings.ToUpper(x), "AS"), 10, 32)
			if err != nil || n == 0 {
				return fieldErr("expected AS numbers separated by ';', found %q", first(x, 20))
			}
			in.ASNs = append(in.ASNs, uint32(n))
		}
		return nil
	}},
}, markingColumns(func(in *coord.Incident) *coord.Marking { return &in.Marking })...)

func resourceColumns(sector string) []hxlColumn[coord.Resource] {
	place := func(r *coord.Resource) *coord.Place {
		if r.Place == nil {
			r.Place = &coord.Place{Lon: nan, Lat: nan}
		}
		return r.Place
	}
	coordCol := func(header, tag string, f func(*coord.Place) *float64) hxlColumn[coord.Resource] {
		return hxlColumn[coord.Resource]{header, tag, func(r *coord.Resource) string {
			if r.Place == nil {
				return ""
			}
			return fmtNum(*f(r.Place))
		}, func(r *coord.Resource, s string) error {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return fieldErr("expected decimal degrees, found %q", first(s, 20))
			}
			*f(place(r)) = v
			return nil
		}}
	}
	return append([]hxlColumn[coord.Resource]{
		textColumn("ID", "#item+code", func(r *coord.Resource) *string { return &r.ID }),
		textColumn("Title", "#item+name", func(r *coord.Resource) *string { return &r.Title }),
		textColumn("Category", "#item+type", func(r *coord.Resource) *string { return &r.Category }),
		{"Quantity", "#item+num", func(r *coord.Resource) string { return strconv.FormatInt(r.Quantity, 10) }, func(r *coord.Resource, s string) (err error) {
			r.Quantity, err = strconv.ParseInt(s, 10, 64)
			if err != nil {
				return fieldErr("expected a whole number, found %q", first(s, 20))
			}
			return nil
		}},
		textColumn("Unit", "#x_unit", func(r *coord.Resource) *string { return &r.Unit }),
		{"Sector", "#sector", func(*coord.Resource) string { return sector }, nil},
		textColumn("Incident", "#event+code", func(r *coord.Resource) *string { return &r.IncidentID }),
		{"Countries", "#country+code", func(r *coord.Resource) string { return iso3(r.Countries) }, func(r *coord.Resource, s string) (err error) {
			r.Countries, err = parseCountries(s)
			return err
		}},
		{"Place", "#loc+name", func(r *coord.Resource) string {
			if r.Place == nil {
				return ""
			}
			return r.Place.Name
		}, func(r *coord.Resource, s string) error { place(r).Name = s; return nil }},
		coordCol("Latitude", "#geo+lat", func(p *coord.Place) *float64 { return &p.Lat }),
		coordCol("Longitude", "#geo+lon", func(p *coord.Place) *float64 { return &p.Lon }),
		textColumn("Urgency", "#x_urgency", func(r *coord.Resource) *string { return &r.Urgency }),
		{"Lead time", "#x_lead_time", func(r *coord.Resource) string {
			if r.LeadTime == 0 {
				return ""
			}
			return time.Duration(r.LeadTime).String()
		}, func(r *coord.Resource, s string) error {
			d, err := time.ParseDuration(s)
			if err != nil || d < 0 {
				return fieldErr("expected a duration such as 48h, found %q", first(s, 20))
			}
			r.LeadTime = coord.Duration(d)
			return nil
		}},
		timeColumn("Valid from", "#date+start", func(r *coord.Resource) *time.Time { return &r.ValidFrom }),
		timeColumn("Valid until", "#date+end", func(r *coord.Resource) *time.Time { return &r.ValidUntil }),
		textColumn("Conditions", "#description", func(r *coord.Resource) *string { return &r.Conditions }),
		textColumn("Status", "#status", func(r *coord.Resource) *string { return &r.Status }),
		timeColumn("Reported", "#date+reported", func(r *coord.Resource) *time.Time { return &r.Created }),
	}, markingColumns(func(r *coord.Resource) *coord.Marking { return &r.Marking })...)
}

var nan = func() float64 { var z float64; return z / z }()

// hxlSector is the humanitarian cluster of connectivity resources.
const hxlSector = "Emergency Telecommunications"

var matchColumns = append([]hxlColumn[coord.Match]{
	textColumn("ID", "#activity+code", func(m *coord.Match) *string { return &m.ID }),
	textColumn("Need", "#need+code", func(m *coord.Match) *string { return &m.NeedID }),
	textColumn("Offer", "#item+code", func(m *coord.Match) *string { return &m.OfferID }),
	textColumn("Requesting organisation", "#org+code+x_need", func(m *coord.Match) *string { return &m.NeedOrg }),
	textColumn("Offering organisation", "#org+code+x_offer", func(m *coord.Match) *string { return &m.OfferOrg }),
	{"Quantity", "#item+num", func(m *coord.Match) string { return strconv.FormatInt(m.Quantity, 10) }, func(m *coord.Match, s string) (err error) {
		m.Quantity, err = strconv.ParseInt(s, 10, 64)
		if err != nil || m.Quantity < 1 {
			return fieldErr("expected a whole number of at least 1, found %q", first(s, 20))
		}
		return nil
	}},
	textColumn("Unit", "#x_unit", func(m *coord.Match) *string { return &m.Unit }),
	{"Status", "#status", func(m *coord.Match) string { return string(m.Status) }, func(m *coord.Match, s string) error {
		m.Status = coord.MatchStatus(s)
		if _, ok := matchResponse[m.Status]; !ok {
			return fieldErr("expected proposed, committed, dispatched, delivered, released or cancelled, found %q", first(s, 20))
		}
		return nil
	}},
	{"Score", "#x_score", func(m *coord.Match) string { return strconv.FormatFloat(m.Score, 'f', -1, 64) }, func(m *coord.Match, s string) (err error) {
		m.Score, err = strconv.ParseFloat(s, 64)
		if err != nil || m.Score < 0 || m.Score > 1 {
			return fieldErr("expected a score from 0 to 1, found %q", first(s, 20))
		}
		return nil
	}},
	timeColumn("Reported", "#date+reported", func(m *coord.Match) *time.Time { return &m.Created }),
}, markingColumns(func(m *coord.Match) *coord.Marking { return &m.Marking })...)

// RestorationStep is one row of the restoration table: a step of the
// repair of one element of an incident.
type RestorationStep struct {
	IncidentID string
	Element    string
	coord.RepairStep
}

var restorationColumns = []hxlColumn[RestorationStep]{
	textColumn("Incident", "#event+code", func(r *RestorationStep) *string { return &r.IncidentID }),
	textColumn("Element", "#x_element", func(r *RestorationStep) *string { return &r.Element }),
	{"Status", "#status", func(r *RestorationStep) string { return string(r.Status) }, func(r *RestorationStep, s string) error {
		r.Status = coord.RepairStatus(s)
		if !r.Status.Valid() {
			return fieldErr("expected damaged, repair_scheduled, repairing or restored, found %q", first(s, 20))
		}
		return nil
	}},
	timeColumn("When", "#date+occurred", func(r *RestorationStep) *time.Time { return &r.At }),
	textColumn("Member", "#x_member", func(r *RestorationStep) *string { return &r.Member }),
	textColumn("Organisation", "#org+code", func(r *RestorationStep) *string { return &r.Org }),
	textColumn("Note", "#description", func(r *RestorationStep) *string { return &r.Note }),
}

// hxlWrite writes a table: headers, hashtags, rows.
func hxlWrite[T any](w io.Writer, cols []hxlColumn[T], rows []*T) error {
	recs := make([][]string, 0, len(rows)+2)
	h, tags := make([]string, len(cols)), make([]string, len(cols))
	for i, c := range cols {
		h[i], tags[i] = c.header, c.tag
	}
	recs = append(recs, h, tags)
	for _, r := range rows {
		rec := make([]string, len(cols))
		for i, c := range cols {
			rec[i] = c.get(r)
		}
		recs = append(recs, rec)
	}
	return writeCSV(w, recs)
}

// hxlRead reads a table: it finds the hashtag row among the first 25,
// maps the columns it knows (others are ignored, as HXL tools do), and
// reads every row after it, checking each with check. Nothing is returned
// unless every row is good.
func hxlRead[T any](op string, r io.Reader, cols []hxlColumn[T], required []string, check func(*T) error) ([]T, error) {
	if len(required) == 0 {
		return nil, invalid(op, "", "no required column")
	}
	recs, lines, err := readCSV(op, r)
	if err != nil {
		return nil, err
	}
	tagRow := -1
	for i := 0; i < len(recs) && i < 25 && tagRow < 0; i++ {
		n := 0
		for _, c := range recs[i] {
			if c = strings.TrimSpace(c); c != "" {
				if !strings.HasPrefix(c, "#") {
					n = -1
					break
				}
				n++
			}
		}
		if n > 0 {
			tagRow = i
		}
	}
	if tagRow < 0 {
		return nil, invalid(op, "", "no row of HXL hashtags among the first 25 rows; expected one such as %s", strings.Join(required, ","))
	}
	byTag := map[string]int{}
	for i, c := range cols {
		byTag[normTag(c.tag)] = i
	}
	colOf := make([]int, len(recs[tagRow]))
	seen := map[string]bool{}
	for i, c := range recs[tagRow] {
		colOf[i] = -1
		t := normTag(c)
		if t == "" && strings.TrimSpace(c) != "" {
			return nil, invalid(op, "", "line %d, column %d: %q is not a hashtag", lines[tagRow], i+1, first(c, 40))
		}
		if k, ok := byTag[t]; ok && !seen[t] && cols[k].set != nil {
			colOf[i] = k
			seen[t] = true
		}
	}
	for _, req := range required {
		if !seen[normTag(req)] {
			return nil, invalid(op, "", "line %d: no %s column in the hashtag row", lines[tagRow], req)
		}
	}
	var out []T
	for ri := tagRow + 1; ri < len(recs); ri++ {
		rec := recs[ri]
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		var t T
		for i, cell := range rec {
			if i >= len(colOf) || colOf[i] < 0 || cell == "" {
				continue
			}
			c := cols[colOf[i]]
			if err := c.set(&t, cell); err != nil {
				return nil, cellError(op, lines[ri], c.tag, err)
			}
		}
		if err := check(&t); err != nil {
			return nil, cellError(op, lines[ri], "", err)
		}
		out = append(out, t)
	}
	return out, nil
}

// ExportHXLIncidents writes the incidents v may see as an HXL table.
func ExportHXLIncidents(w io.Writer, v coord.Viewer, incidents []coord.Incident) error {
	return hxlWrite(w, incidentColumns, visible(v, incidents, incidentMarking))
}

// fromSource fills the source of a marking a table does not give: the
// importing member, TLP:AMBER.
func fromSource(m *coord.Marking, by coord.Viewer) {
	if m.Org == "" {
		m.Org = by.OrgID
	}
	if m.Author == "" {
		m.Author = by.MemberID
	}
	if m.TLP == "" {
		m.TLP = coord.TLPAmber
	}
	m.Normalize()
}

// ImportHXLIncidents reads an HXL table of incidents, each validated.
// #event+code and #event+name are required; other columns are read when
// present. Rows that name no source (#org+code, #x_author) or level
// (#x_tlp) are by's, TLP:AMBER.
func ImportHXLIncidents(r io.Reader, by coord.Viewer) ([]coord.Incident, error) {
	return hxlRead("exchange.ImportHXLIncidents", r, incidentColumns, []string{"#event+code", "#event+name"}, func(in *coord.Incident) error {
		if in.ID == "" {
			return fieldErr("#event+code: required")
		}
		if in.Status == "" {
			in.Status = coord.IncidentReported
		}
		if in.Kind == "" {
			in.Kind = coord.KindOther
		}
		in.Updated = in.Created
		fromSource(&in.Marking, by)
		return in.Validate()
	})
}

func resourceRows[T any](items []*T, res func(*T) *coord.Resource) []*coord.Resource {
	out := make([]*coord.Resource, len(items))
	for i, it := range items {
		out[i] = res(it)
	}
	return out
}

// ExportHXLNeeds writes the needs v may see as an HXL table.
func ExportHXLNeeds(w io.Writer, v coord.Viewer, needs []coord.Need) error {
	return hxlWrite(w, resourceColumns(hxlSector), resourceRows(visible(v, needs, needMarking), func(n *coord.Need) *coord.Resource { return &n.Resource }))
}

// ExportHXLOffers writes the offers v may see as an HXL table.
func ExportHXLOffers(w io.Writer, v coord.Viewer, offers []coord.Offer) error {
	return hxlWrite(w, resourceColumns(hxlSector), resourceRows(visible(v, offers, offerMarking), func(o *coord.Offer) *coord.Resource { return &o.Resource }))
}

func checkResource(what string, by coord.Viewer) func(r *coord.Resource) error {
	return func(r *coord.Resource) error {
		if r.ID == "" {
			return fieldErr("#item+code: required")
		}
		if r.Place != nil && (r.Place.Lat != r.Place.Lat || r.Place.Lon != r.Place.Lon) {
			return fieldErr("#geo+lat, #geo+lon: a place needs both a latitude and a longitude")
		}
		if r.Status == "" {
			r.Status = coord.ResourceOpen
		}
		if r.Unit == "" {
			r.Unit = "item"
		}
		r.Updated = r.Created
		fromSource(&r.Marking, by)
		return r.Validate(what)
	}
}

// ImportHXLNeeds reads an HXL table of needs, each validated; see
// ImportHXLIncidents for the source.
func ImportHXLNeeds(r io.Reader, by coord.Viewer) ([]coord.Need, error) {
	rs, err := hxlRead("exchange.ImportHXLNeeds", r, resourceColumns(""), []string{"#item+code", "#item+name", "#item+num"}, checkResource("Need", by))
	if err != nil {
		return nil, err
	}
	out := make([]coord.Need, len(rs))
	for i := range rs {
		out[i] = coord.Need{Resource: rs[i]}
	}
	return out, nil
}

// ImportHXLOffers reads an HXL table of offers, each validated; see
// ImportHXLIncidents for the source.
func ImportHXLOffers(r io.Reader, by coord.Viewer) ([]coord.Offer, error) {
	rs, err := hxlRead("exchange.ImportHXLOffers", r, resourceColumns(""), []string{"#item+code", "#item+name", "#item+num"}, checkResource("Offer", by))
	if err != nil {
		return nil, err
	}
	out := make([]coord.Offer, len(rs))
	for i := range rs {
		out[i] = coord.Offer{Resource: rs[i]}
	}
	return out, nil
}

// ExportHXLCommitments writes the commitments v may see as an HXL table.
func ExportHXLCommitments(w io.Writer, v coord.Viewer, matches []coord.Match) error {
	return hxlWrite(w, matchColumns, visible(v, matches, matchMarking))
}

// ImportHXLCommitments reads an HXL table of commitments, each checked;
// see ImportHXLIncidents for the source.
func ImportHXLCommitments(r io.Reader, by coord.Viewer) ([]coord.Match, error) {
	return hxlRead("exchange.ImportHXLCommitments", r, matchColumns, []string{"#activity+code", "#need+code", "#item+code", "#item+num"}, func(m *coord.Match) error {
		if m.ID == "" || m.NeedID == "" || m.OfferID == "" {
			return fieldErr("#activity+code, #need+code, #item+code: a commitment names itself, its need and its offer")
		}
		if m.NeedOrg == "" || m.OfferOrg == "" {
			return fieldErr("#org+code+x_need, #org+code+x_offer: a commitment names both organisations")
		}
		if m.Status == "" {
			m.Status = coord.MatchProposed
		}
		if m.Unit == "" {
			return fieldErr("#x_unit: required")
		}
		m.Updated = m.Created
		fromSource(&m.Marking, by)
		return m.Marking.Validate()
	})
}

// ExportHXLRestoration writes the restoration timelines of the incidents
// v may see as an HXL table, one row per step.
func ExportHXLRestoration(w io.Writer, v coord.Viewer, incidents []coord.Incident) error {
	var rows []*RestorationStep
	for _, in := range visible(v, incidents, incidentMarking) {
		for _, r := range in.Restoration {
			for _, s := range r.Timeline {
				rows = append(rows, &RestorationStep{IncidentID: in.ID, Element: r.Element, RepairStep: s})
			}
		}
	}
	return hxlWrite(w, restorationColumns, rows)
}

// ImportHXLRestoration reads an HXL table of restoration steps and
// returns, for each incident, its restoration timelines in the order of
// the table; an element's status is that of its last step.
func ImportHXLRestoration(r io.Reader) (map[string][]coord.Restoration, error) {
	steps, err := hxlRead("exchange.ImportHXLRestoration", r, restorationColumns, []string{"#event+code", "#x_element", "#status"}, func(s *RestorationStep) error {
		if s.IncidentID == "" || s.Element == "" || len(s.Element) > 200 {
			return fieldErr("#event+code, #x_element: a step names its incident and an element id of 1 to 200 bytes")
		}
		if s.Status == "" {
			return fieldErr("#status: required")
		}
		if len(s.Note) > 2000 {
			return fieldErr("#description: at most 2000 bytes")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := map[string][]coord.Restoration{}
	for _, s := range steps {
		list := out[s.IncidentID]
		i := slices.IndexFunc(list, func(r coord.Restoration) bool { return r.Element == s.Element })
		if i < 0 {
			list = append(list, coord.Restoration{Element: s.Element})
			i = len(list) - 1
		}
		list[i].Status = s.Status
		list[i].Timeline = append(list[i].Timeline, s.RepairStep)
		out[s.IncidentID] = list
	}
	return out, nil
}
