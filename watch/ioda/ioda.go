// Package ioda reads the JSON of the IODA API v2 (Internet Outage
// Detection and Analysis, https://ioda.inetintel.cc.gatech.edu): raw
// signals and outage events, as watch series and events.
//
// # Raw signals
//
// GET /v2/signals/raw/{entityType}/{entityCode} answers
//
//	{"type": "signals", "error": null, "data": [[
//	  {"entityType": "country", "entityCode": "IR", "entityName": "Iran",
//	   "datasource": "bgp", "subtype": "", "from": 1704067200,
//	   "until": 1704153600, "step": 300, "nativeStep": 300,
//	   "values": [48211, 48207, null, …]}
//	]]}
//
// data is a list of lists of series (one list per entity); a flat list of
// series is read too. Each series becomes a watch.Series of values[i] at
// from + i×step, null being a missing value. Series whose values are not
// numbers (the loss and latency datasources give lists of objects) are
// skipped and listed in Result.Skipped.
//
// # Outage events
//
// GET /v2/outages/events answers
//
//	{"type": "outages.events", "data": [
//	  {"location": "country/TO", "location_name": "Tonga",
//	   "start": 1704422700, "duration": 3600, "datasource": "ping-slash24",
//	   "method": "median", "score": 24585.36, "overlaps_window": false}
//	]}
//
// Each becomes a watch.Event with Source "ioda" and the score as its
// severity. Events of locations that are not a country, an AS or a region
// (IODA's "geoasn/…", say) are skipped and listed.
//
// # Names
//
// IODA's datasources map to watch kinds: bgp to bgp, ping-slash24 to
// probing, merit-nt and ucsd-nt to telescope; any other keeps its name,
// with ".subtype" appended when the series has one ("gtr.WEB_SEARCH").
//
// # Errors
//
// Fields the importer does not need are ignored. A field it needs that is
// missing or of the wrong type is an EINVALID error naming the file, the
// item (data[0][2]) and the field. Memory is bounded by the input's size.
package ioda

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"lifeline"
	"lifeline/watch"
)

// Result is what one file held.
type Result struct {
	Series  []watch.Series
	Events  []watch.Event
	Skipped []string // what was left out and why, one line each
}

// Kind returns the watch kind of an IODA datasource.
func Kind(datasource, subtype string) watch.Kind {
	switch datasource {
	case "bgp":
		return watch.KindBGP
	case "ping-slash24":
		return watch.KindProbing
	case "merit-nt", "ucsd-nt":
		return watch.KindTelescope
	}
	if subtype != "" {
		return watch.Kind(datasource + "." + subtype)
	}
	return watch.Kind(datasource)
}

// Read reads a response of either endpoint, telling them apart by the
// items of data: series have "values", events have "location". name names
// the input in errors.
func Read(r io.Reader, name string) (*Result, error) {
	const op = "ioda.Read"
	data, err := envelope(op, r, name)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	for i, item := range data {
		item = bytes.TrimSpace(item)
		at := fmt.Sprintf("data[%d]", i)
		switch {
		case len(item) > 0 && item[0] == '[':
			var inner []json.RawMessage
			if err := json.Unmarshal(item, &inner); err != nil {
				return nil, fieldError(op, name, at, "", err)
			}
			for j, s := range inner {
				if err := res.addSeries(op, name, fmt.Sprintf("%s[%d]", at, j), s); err != nil {
					return nil, err
				}
			}
		case isEvent(item):
			if err := res.addEvent(op, name, at, item); err != nil {
				return nil, err
			}
		default:
			if err := res.addSeries(op, name, at, item); err != nil {
				return nil, err
			}
		}
	}
	return res, nil
}

// envelope decodes the response envelope and returns its data items.
func envelope(op string, r io.Reader, name string) ([]json.RawMessage, error) {
	var env struct {
		Error json.RawMessage `json:"error"`
		Data  json.RawMessage `json:"data"`
	}
	dec := json.NewDecoder(r)
	if err := dec.Decode(&env); err != nil {
		return nil, fieldError(op, name, "", "", err)
	}
	if e := bytes.TrimSpace(env.Error); len(e) > 0 && !bytes.Equal(e, []byte("null")) {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: the response reports an error: %s", name, clip(string(e)))
	}
	if len(env.Data) == 0 || bytes.Equal(bytes.TrimSpace(env.Data), []byte("null")) {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: field data is missing: want an IODA API v2 response", name)
	}
	var data []json.RawMessage
	if err := json.Unmarshal(env.Data, &data); err != nil {
		return nil, fieldError(op, name, "", "data", err)
	}
	return data, nil
}

// isEvent reports whether an item has a "location" field.
func isEvent(item []byte) bool {
	var probe struct {
		Location json.RawMessage `json:"location"`
	}
	return json.Unmarshal(item, &probe) == nil && probe.Location != nil
}

type rawSeries struct {
	EntityType *string            `json:"entityType"`
	EntityCode *string            `json:"entityCode"`
	Datasource *string            `json:"datasource"`
	Subtype    string             `json:"subtype"`
	From       *float64           `json:"from"`
	Until      *float64           `json:"until"`
	Step       *float64           `json:"step"`
	Values     *[]json.RawMessage `json:"values"`
}

func (res *Result) addSeries(op, name, at string, item []byte) error {
	var s rawSeries
	if err := json.Unmarshal(item, &s); err != nil {
		return fieldError(op, name, at, "", err)
	}
	for _, f := range []struct {
		field string
		ok    bool
	}{
		{"entityType", s.EntityType != nil && *s.EntityType != ""},
		{"entityCode", s.EntityCode != nil && *s.EntityCode != ""},
		{"datasource", s.Datasource != nil && *s.Datasource != ""},
		{"from", s.From != nil},
		{"step", s.Step != nil},
		{"values", s.Values != nil},
	} {
		if !f.ok {
			return lifeline.Errorf(lifeline.EINVALID, op, "%s: %s: field %s is missing", name, at, f.field)
		}
	}
	desc := fmt.Sprintf("%s (%s %s/%s)", at, *s.Datasource, *s.EntityType, *s.EntityCode)
	ent, err := watch.ParseEntity(*s.EntityType + "/" + *s.EntityCode)
	if err != nil {
		res.Skipped = append(res.Skipped, fmt.Sprintf("%s: %s", desc, message(err)))
		return nil
	}
	from, err := unixTime(*s.From)
	if err != nil {
		return lifeline.Errorf(lifeline.EINVALID, op, "%s: %s: field from: %v", name, desc, err)
	}
	step := *s.Step
	if step != math.Trunc(step) || step < 1 || step > 366*86400 {
		return lifeline.Errorf(lifeline.EINVALID, op, "%s: %s: field step: %v, want a whole number of seconds from 1 to a year", name, desc, step)
	}
	if s.Until != nil {
		if until, err := unixTime(*s.Until); err != nil || until.Before(from) {
			return lifeline.Errorf(lifeline.EINVALID, op, "%s: %s: field until: %v, want a Unix time not before from", name, desc, *s.Until)
		}
	}
	raw := *s.Values
	if len(raw) > watch.MaxPoints {
		return lifeline.Errorf(lifeline.EINVALID, op, "%s: %s: field values: %d values, more than %d", name, desc, len(raw), watch.MaxPoints)
	}
	values := make([]float64, len(raw))
	for i, v := range raw {
		v = bytes.TrimSpace(v)
		switch {
		case bytes.Equal(v, []byte("null")):
			values[i] = math.NaN()
			continue
		case len(v) > 0 && (v[0] == '[' || v[0] == '{'):
			res.Skipped = append(res.Skipped, fmt.Sprintf("%s: values are not numbers (%s…)", desc, clip(string(v))))
			return nil
		}
		var f float64
		if err := json.Unmarshal(v, &f); err != nil || f < 0 {
			return lifeline.Errorf(lifeline.EINVALID, op, "%s: %s: field values[%d]: %s, want a number ≥ 0 or null", name, desc, i, clip(string(v)))
		}
		values[i] = f
	}
	res.Series = append(res.Series, watch.Series{
		Key:    watch.Key{Kind: Kind(*s.Datasource, s.Subtype), Entity: ent},
		Start:  from,
		Step:   time.Duration(step) * time.Second,
		Values: values,
	})
	return nil
}

type rawEvent struct {
	Location   *string  `json:"location"`
	Start      *float64 `json:"start"`
	Duration   *float64 `json:"duration"`
	Score      *float64 `json:"score"`
	Datasource string   `json:"datasource"`
	Method     string   `json:"method"`
}

// knownDatasources are the datasources an old response may name in
// "method" instead of "datasource".
var knownDatasources = []string{"bgp", "ping-slash24", "merit-nt", "ucsd-nt", "gtr"}

func (res *Result) addEvent(op, name, at string, item []byte) error {
	var e rawEvent
	if err := json.Unmarshal(item, &e); err != nil {
		return fieldError(op, name, at, "", err)
	}
	ds := e.Datasource
	if ds == "" {
		for _, k := range knownDatasources {
			if e.Method == k {
				ds = k
			}
		}
	}
	switch {
	case e.Location == nil || *e.Location == "":
		return lifeline.Errorf(lifeline.EINVALID, op, "%s: %s: field location is missing", name, at)
	case ds == "":
		return lifeline.Errorf(lifeline.EINVALID, op, "%s: %s: field datasource is missing", name, at)
	case e.Start == nil:
		return lifeline.Errorf(lifeline.EINVALID, op, "%s: %s: field start is missing", name, at)
	case e.Duration == nil:
		return lifeline.Errorf(lifeline.EINVALID, op, "%s: %s: field duration is missing", name, at)
	}
	desc := fmt.Sprintf("%s (%s %s)", at, ds, *e.Location)
	ent, err := watch.ParseEntity(*e.Location)
	if err != nil {
		res.Skipped = append(res.Skipped, fmt.Sprintf("%s: %s", desc, message(err)))
		return nil
	}
	start, err := unixTime(*e.Start)
	if err != nil {
		return lifeline.Errorf(lifeline.EINVALID, op, "%s: %s: field start: %v", name, desc, err)
	}
	d := *e.Duration
	if d != math.Trunc(d) || d < 0 || d > 10*366*86400 {
		return lifeline.Errorf(lifeline.EINVALID, op, "%s: %s: field duration: %v, want a whole number of seconds up to ten years", name, desc, d)
	}
	score := 0.0
	if e.Score != nil {
		if *e.Score < 0 || math.IsInf(*e.Score, 0) {
			return lifeline.Errorf(lifeline.EINVALID, op, "%s: %s: field score: %v, want a number ≥ 0", name, desc, *e.Score)
		}
		score = *e.Score
	}
	res.Events = append(res.Events, watch.Event{
		Key:      watch.Key{Kind: Kind(ds, ""), Entity: ent},
		Start:    start,
		End:      start.Add(time.Duration(d) * time.Second),
		Raised:   start,
		Level:    watch.LevelWarning,
		Severity: score,
		Source:   "ioda",
	})
	return nil
}

// unixTime checks a time in Unix seconds, from 1970 to 9999.
func unixTime(f float64) (time.Time, error) {
	if f != math.Trunc(f) || f < 0 || f > 253402300799 {
		return time.Time{}, fmt.Errorf("%v is not a Unix time in seconds between 1970 and 9999", f)
	}
	return time.Unix(int64(f), 0).UTC(), nil
}

// fieldError turns a JSON decoding error into an EINVALID error naming the
// file, the item and the field.
func fieldError(op, name, at, field string, err error) error {
	where := name
	if at != "" {
		where += ": " + at
	}
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		f := te.Field
		if f == "" {
			f = field
		}
		if f != "" {
			return lifeline.Errorf(lifeline.EINVALID, op, "%s: field %s: found a JSON %s, want %s", where, f, te.Value, jsonType(te.Type.Kind().String()))
		}
		return lifeline.Errorf(lifeline.EINVALID, op, "%s: found a JSON %s, want %s", where, te.Value, jsonType(te.Type.Kind().String()))
	case errors.As(err, &se):
		return lifeline.Errorf(lifeline.EINVALID, op, "%s: not JSON: %v (at byte %d)", where, se, se.Offset)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return lifeline.Errorf(lifeline.EINVALID, op, "%s: the JSON ends early", where)
	}
	return lifeline.Errorf(lifeline.EINVALID, op, "%s: %v", where, err)
}

func jsonType(goKind string) string {
	switch {
	case goKind == "string":
		return "a string"
	case goKind == "slice":
		return "a list"
	case goKind == "struct", goKind == "map":
		return "an object"
	case strings.HasPrefix(goKind, "float"), strings.HasPrefix(goKind, "int"):
		return "a number"
	}
	return goKind
}

// message returns the message of a lifeline error without its op.
func message(err error) string {
	var e *lifeline.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
