package watch

import (
	"encoding/csv"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"lifeline"
)

// CSVOptions configure ReadCSV.
type CSVOptions struct {
	// Name names the input in errors, usually the file path.
	Name string
	// Kind is the kind of every series in the file; the format has no
	// column for it. Required.
	Kind Kind
	// Step is the bin length; 0 infers it per entity from the gaps between
	// its times (the most frequent gap).
	Step time.Duration
}

// ReadCSV reads the generic signal format: one measurement per line,
// "entity,time,value", for example
//
//	entity,time,value
//	country/IR,2024-01-05T10:00:00Z,48211
//	AS12880,1704448800,311
//
// The header line is optional; when present its column names are matched
// case-insensitively and other columns are ignored, in any order. Without
// it the first three columns are entity, time and value. Lines starting
// with '#' are comments.
//
// entity is any form ParseEntity accepts. time is RFC 3339, "YYYY-MM-DD
// hh:mm[:ss]" in UTC, or Unix seconds. value is a finite number ≥ 0, or
// empty, "NaN" or "null" for a missing measurement. Each entity's points
// become one Series on a regular grid (see CSVOptions.Step); two values in
// one bin are an error.
//
// Errors are EINVALID and name the input, line and column. Memory is
// bounded by the input's size and MaxPoints per series.
func ReadCSV(r io.Reader, opt CSVOptions) ([]Series, error) {
	const op = "watch.ReadCSV"
	name := opt.Name
	if name == "" {
		name = "csv"
	}
	if opt.Kind == "" {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: no signal kind given", name)
	}
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	col := [3]int{0, 1, 2} // entity, time, value
	points := make(map[Entity][]gridPoint)
	var order []Entity
	entities := make(map[string]Entity) // the parsed form of each spelling seen
	first := true
	npoints := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: line %d: %v", name, pe.Line, pe.Err)
			}
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: %v", name, err)
		}
		line, _ := cr.FieldPos(0) // only valid after a record was read
		if first {
			first = false
			if c, ok, err := csvHeader(rec); err != nil {
				return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: line %d: %v", name, line, err)
			} else if ok {
				col = c
				continue
			}
		}
		if len(rec) <= slices.Max(col[:]) {
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: line %d: %d columns, want entity,time,value", name, line, len(rec))
		}
		es := rec[col[0]]
		e, ok := entities[es]
		if !ok {
			if len(entities) > MaxPoints {
				return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: line %d: more than %d entities", name, line, MaxPoints)
			}
			e, err = ParseEntity(es)
			if err != nil {
				return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: line %d: column entity: %s", name, line, lifeline.ErrorMessage(err))
			}
			entities[strings.Clone(es)] = e
		}
		t, err := parseTime(rec[col[1]])
		if err != nil {
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: line %d: column time: %v", name, line, err)
		}
		v, err := parseValue(rec[col[2]])
		if err != nil {
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: line %d: column value: %v", name, line, err)
		}
		if _, seen := points[e]; !seen {
			order = append(order, e)
		}
		points[e] = append(points[e], gridPoint{t: t, v: v, line: line})
		npoints++
	}
	out := make([]Series, 0, len(order))
	budget := gridBudget(npoints)
	for _, e := range order {
		s, err := gridSeries(op, name, Key{Kind: opt.Kind, Entity: e}, points[e], opt.Step, &budget)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Series) int { return compareKeys(a.Key, b.Key) })
	return out, nil
}

// csvHeader recognises a header line and returns the positions of the
// three columns.
func csvHeader(rec []string) ([3]int, bool, error) {
	col := [3]int{-1, -1, -1}
	names := [3]string{"entity", "time", "value"}
	found := false
	for i, f := range rec {
		for j, n := range names {
			if strings.EqualFold(strings.TrimSpace(f), n) {
				col[j] = i
				found = true
			}
		}
	}
	if !found {
		return col, false, nil
	}
	for j, c := range col {
		if c < 0 {
			return col, false, errors.New("header lacks the column " + names[j] + " (want entity,time,value)")
		}
	}
	return col, true, nil
}

// parseTime reads RFC 3339, "YYYY-MM-DD hh:mm[:ss]" (UTC) or Unix seconds.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if isDigits(s) || strings.HasPrefix(s, "-") && isDigits(s[1:]) {
		n, err := strconv.ParseInt(s, 10, 64)
		// Keep to years 1970–9999, which every time format can write.
		if err != nil || n < 0 || n > 253402300799 {
			return time.Time{}, errors.New("Unix time " + strconv.Quote(s) + " is out of range")
		}
		return time.Unix(n, 0).UTC(), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 1970 {
				break
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("time " + strconv.Quote(s) + ": want RFC 3339, YYYY-MM-DD hh:mm:ss (UTC) or Unix seconds after 1970")
}

// parseValue reads a measurement; empty, NaN and null mean missing.
func parseValue(s string) (float64, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "", "nan", "null":
		return math.NaN(), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, errors.New("value " + strconv.Quote(s) + " is not a number")
	}
	if err := checkValue(v); err != nil {
		return 0, err
	}
	return v, nil
}
