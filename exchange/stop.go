package exchange

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"lifeline/coord"
	"lifeline/geo"
)

// Access Now's Shutdown Tracker Optimization Project (STOP) documents
// Internet shutdowns as a table, one row per shutdown and country. These
// are the columns of its public sheet, in its order (the fields of
// DOMAIN.md, section 2, with the per-service flags named
// <service>_affected and the columns Lifeline has no data for, written
// empty so that the file lines up with the sheet).
var stopColumns = []string{
	"start_date_type", "start_date", "country", "geo_scope", "area_name", "shutdown_type",
	"affected_network", "shutdown_extent", "ordered_by", "decision_maker", "actual_cause",
	"actual_cause_details", "info_source", "info_source_link", "shutdown_status", "end_date",
	"duration", "gov_justification", "gov_ack", "facebook_affected", "twitter_affected",
	"whatsapp_affected", "instagram_affected", "telegram_affected", "other_affected",
	"sms_affected", "phonecall_affected", "telcos_involved", "election", "violence",
	"hr_abuse_reported", "users_targeted", "users_target_detail", "event", "an_link", "region",
}

// stopServices are the services STOP has a flag for (column
// <service>_affected); other services go to other_affected, in words.
var stopServices = []string{"facebook", "twitter", "whatsapp", "instagram", "telegram", "sms", "phonecall"}

const stopDate = "2006-01-02"

func yesNo(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "Yes"
	}
	return "No"
}

func parseYesNo(s string) (*bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return nil, nil
	case "yes", "true", "1", "y":
		t := true
		return &t, nil
	case "no", "false", "0", "n":
		f := false
		return &f, nil
	}
	return nil, fieldErr("expected Yes or No, found %q", first(s, 20))
}

// stopList joins and splits the lists of a cell (networks, telcos).
func stopList(s []string) string { return strings.Join(s, ", ") }

func splitStopList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// stopRow writes one row of incident in for country c.
func stopRow(in *coord.Incident, c string) []string {
	sd := in.Shutdown
	if sd == nil {
		sd = &coord.Shutdown{}
	}
	typ := map[string]string{"shutdown": "Shutdown", "throttle": "Throttle"}[sd.Type]
	if typ == "" {
		typ = map[coord.IncidentKind]string{coord.KindShutdown: "Shutdown", coord.KindThrottling: "Throttle"}[in.Kind]
	}
	row := map[string]string{
		"country":           c,
		"geo_scope":         sd.GeoScope,
		"area_name":         sd.AreaName,
		"shutdown_type":     typ,
		"shutdown_extent":   map[string]string{"full_network": "Full network", "service_based": "Service-based"}[sd.Extent],
		"affected_network":  stopList(sd.AffectedNetworks),
		"ordered_by":        sd.OrderedBy,
		"decision_maker":    sd.DecisionMaker,
		"actual_cause":      sd.ActualCause,
		"gov_justification": sd.GovJustification,
		"gov_ack":           yesNo(sd.GovAck),
		"info_source":       sd.InfoSource,
		"info_source_link":  sd.InfoSourceLink,
		"telcos_involved":   stopList(sd.TelcosInvolved),
		"election":          yesNo(sd.Election),
		"violence":          yesNo(sd.Violence),
		"hr_abuse_reported": yesNo(sd.HRAbuseReported),
		"shutdown_status":   "Ongoing",
	}
	if k, ok := geo.Lookup(c); ok {
		row["country"] = k.Name
	}
	// STOP needs a start date: when the start is unknown, the day the
	// incident was reported stands for it.
	start := in.Created
	if in.End != nil && in.End.Before(start) {
		start = *in.End
	}
	if in.Start != nil {
		start = *in.Start
	}
	row["start_date"] = start.UTC().Format(stopDate)
	if in.End != nil {
		row["end_date"] = in.End.UTC().Format(stopDate)
		row["shutdown_status"] = "Ended"
		s, _ := time.Parse(stopDate, row["start_date"])
		e, _ := time.Parse(stopDate, row["end_date"])
		if !e.Before(s) {
			row["duration"] = strconv.Itoa(int(e.Sub(s).Hours()/24) + 1)
		}
	}
	// The flags say which services were cut when the shutdown was of
	// services; otherwise they are left empty (unknown).
	if len(sd.Services) > 0 || sd.Extent == "service_based" {
		for _, s := range stopServices {
			row[s+"_affected"] = yesNo(ptrBool(slices.Contains(sd.Services, s)))
		}
		var other []string
		for _, s := range sd.Services {
			if !slices.Contains(stopServices, s) {
				other = append(other, s)
			}
		}
		row["other_affected"] = stopList(other)
	}
	out := make([]string, len(stopColumns))
	for i, c := range stopColumns {
		out[i] = row[c]
	}
	return out
}

func ptrBool(b bool) *bool { return &b }

// ExportSTOP writes the shutdowns and throttlings v may see as a table in
// the columns of Access Now's STOP dataset: one row per incident and
// country, dates in UTC; an incident whose start is unknown starts on the
// day it was reported. Incidents of other kinds, and incidents that name
// no country, have no row.
func ExportSTOP(w io.Writer, v coord.Viewer, incidents []coord.Incident) error {
	recs := [][]string{stopColumns}
	for _, in := range visible(v, incidents, incidentMarking) {
		if in.Kind != coord.KindShutdown && in.Kind != coord.KindThrottling {
			continue
		}
		for _, c := range in.Countries {
			recs = append(recs, stopRow(in, c))
		}
	}
	return writeCSV(w, recs)
}

// ImportSTOP reads a table in the columns of the STOP dataset (in any
// order; unknown columns are ignored; start_date and country are
// required) and returns one draft incident per row, each validated. The
// incidents are by's, marked tlp (TLP:AMBER if empty: TLP:CLEAR for the
// public dataset). Each gets an id derived from its row's content
// ("stop-" and 16 hex digits), so that loading the same dataset twice
// gives the same ids.
func ImportSTOP(r io.Reader, by coord.Viewer, tlp coord.TLP) ([]coord.Incident, error) {
	const op = "exchange.ImportSTOP"
	recs, lines, err := readCSV(op, r)
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		h = strings.ToLower(strings.TrimSpace(h))
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	for _, req := range []string{"start_date", "country"} {
		if _, ok := col[req]; !ok {
			return nil, invalid(op, "", "line %d: no %s column; expected the STOP columns %s", lines[0], req, strings.Join(stopColumns, ", "))
		}
	}
	if tlp == "" {
		tlp = coord.TLPAmber
	}
	if !tlp.Valid() {
		return nil, invalid(op, "", "tlp: expected one of TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED, found %q", first(string(tlp), 30))
	}
	var out []coord.Incident
	for ri := 1; ri < len(recs); ri++ {
		rec := recs[ri]
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		get := func(name string) string {
			i, ok := col[name]
			if !ok {
				// The flags are named <service>_affected in the sheet and
				// by the service alone in some copies.
				i, ok = col[strings.TrimSuffix(name, "_affected")]
			}
			if ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		in, column, err := stopIncident(get)
		if err != nil {
			return nil, cellError(op, lines[ri], column, err)
		}
		h := sha256.Sum256([]byte(strings.Join(rec, "\x1f")))
		in.ID = "stop-" + hex.EncodeToString(h[:8])
		in.Marking = coord.Marking{TLP: tlp, Org: by.OrgID, Author: by.MemberID}
		if err := in.Validate(); err != nil {
			return nil, cellError(op, lines[ri], "", err)
		}
		out = append(out, *in)
	}
	return out, nil
}

// parseStopDate reads a date as ISO 8601 (2019-06-03) or, as older
// copies of the dataset write it, month/day/year (6/3/2019).
func parseStopDate(s string) (time.Time, error) {
	for _, layout := range []string{stopDate, "1/2/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fieldErr("expected a date such as 2019-06-03 or 6/3/2019, found %q", first(s, 30))
}

// stopIncident reads one row; on error it names the column.
func stopIncident(get func(string) string) (*coord.Incident, string, error) {
	sd := &coord.Shutdown{}
	in := &coord.Incident{Kind: coord.KindShutdown, Status: coord.IncidentReported, Shutdown: sd}
	start, err := parseStopDate(get("start_date"))
	if err != nil {
		return nil, "start_date", err
	}
	in.Start, in.Created, in.Updated = &start, start, start
	if s := get("end_date"); s != "" {
		end, err := parseStopDate(s)
		if err != nil {
			return nil, "end_date", err
		}
		in.End = &end
	}
	code, ok := geo.Resolve(get("country"))
	if !ok {
		return nil, "country", fieldErr("expected a country name or ISO 3166-1 code, found %q", first(get("country"), 40))
	}
	in.Countries = []string{code}
	sd.GeoScope = strings.ToLower(get("geo_scope"))
	sd.AreaName = get("area_name")
	switch t := strings.ToLower(get("shutdown_type")); t {
	case "":
	case "shutdown":
		sd.Type = "shutdown"
	case "throttle", "throttling":
		sd.Type, in.Kind = "throttle", coord.KindThrottling
	default:
		return nil, "shutdown_type", fieldErr("expected Shutdown or Throttle, found %q", first(t, 30))
	}
	switch e := strings.ToLower(get("shutdown_extent")); e {
	case "":
	case "full network", "full_network":
		sd.Extent = "full_network"
	case "service-based", "service based", "service_based":
		sd.Extent = "service_based"
	default:
		return nil, "shutdown_extent", fieldErr("expected Full network or Service-based, found %q", first(e, 30))
	}
	sd.AffectedNetworks = splitStopList(get("affected_network"))
	sd.OrderedBy, sd.DecisionMaker = get("ordered_by"), get("decision_maker")
	sd.ActualCause, sd.GovJustification = get("actual_cause"), get("gov_justification")
	sd.InfoSource, sd.InfoSourceLink = get("info_source"), get("info_source_link")
	sd.TelcosInvolved = splitStopList(get("telcos_involved"))
	for _, f := range []struct {
		name string
		dst  **bool
	}{{"gov_ack", &sd.GovAck}, {"election", &sd.Election}, {"violence", &sd.Violence}, {"hr_abuse_reported", &sd.HRAbuseReported}} {
		if *f.dst, err = parseYesNo(get(f.name)); err != nil {
			return nil, f.name, err
		}
	}
	for _, s := range stopServices {
		b, err := parseYesNo(get(s + "_affected"))
		if err != nil {
			return nil, s + "_affected", err
		}
		if b != nil && *b {
			sd.Services = append(sd.Services, s)
		}
	}
	for _, s := range splitStopList(get("other_affected")) {
		if strings.EqualFold(s, "yes") || strings.EqualFold(s, "no") {
			continue // a flag, not a service
		}
		if !slices.Contains(sd.Services, strings.ToLower(s)) {
			sd.Services = append(sd.Services, strings.ToLower(s))
		}
	}
	what := map[coord.IncidentKind]string{coord.KindShutdown: "Internet shutdown", coord.KindThrottling: "Internet throttling"}[in.Kind]
	place := cmpOr(sd.AreaName, "")
	if k, ok := geo.Lookup(code); ok {
		place = strings.TrimPrefix(place+", "+k.Name, ", ")
	}
	in.Title = fmt.Sprintf("%s in %s from %s", what, place, start.Format(stopDate))
	if r := []rune(in.Title); len(in.Title) > 300 {
		in.Title = string(r[:100]) + "…"
	}
	return in, "", nil
}
