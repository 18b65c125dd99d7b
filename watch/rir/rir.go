// Package rir reads the Regional Internet Registries' delegated-extended
// statistics files into a table that maps AS numbers to the country they
// are registered in.
//
// # Format
//
// Each RIR (AFRINIC, APNIC, ARIN, LACNIC, RIPE NCC) publishes a daily file
// "delegated-RIR-extended-YYYYMMDD" of '|'-separated lines:
//
//	2|ripencc|20240101|112233|19830705|20231231|+0100       version line
//	ripencc|*|asn|*|38123|summary                          summary lines
//	ripencc|NL|asn|1101|1|19930901|allocated|f8a1…         records
//	ripencc|FR|asn|1234|4|19930901|assigned|3b2c…
//	ripencc||asn|4608|1|||available|
//	ripencc|DE|ipv4|2.16.0.0|65536|20101014|allocated|…
//
// A record is registry|cc|type|start|value|date|status|opaque-id, maybe
// followed by extensions. For type asn, start is the first AS number and
// value how many follow it; cc is the ISO 3166-1 alpha-2 code of the
// holder's country. Lines starting with '#' are comments. Only allocated
// and assigned asn records enter the table; ipv4 and ipv6 records are
// checked for their field count and skipped.
//
// When files disagree about a number (an AS transferred between
// registries, listed by both), the record with the later date wins, and
// the later file on equal dates; Table.Conflicts counts such numbers.
package rir

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"lifeline"
)

// Range maps the AS numbers First to Last (inclusive) to a country.
type Range struct {
	First, Last uint32
	Country     string // ISO 3166-1 alpha-2, upper case
	Registry    string // e.g. "ripencc"
	Date        string // YYYYMMDD of the allocation, may be empty
}

// Table maps AS numbers to countries. Build it with a Builder; a built
// Table is immutable and safe for concurrent use.
type Table struct {
	ranges    []Range // sorted, disjoint
	conflicts int
}

// Country returns the country the AS number is registered in.
func (t *Table) Country(asn uint32) (string, bool) {
	i, ok := slices.BinarySearchFunc(t.ranges, asn, func(r Range, n uint32) int {
		switch {
		case r.Last < n:
			return -1
		case r.First > n:
			return 1
		}
		return 0
	})
	if !ok {
		return "", false
	}
	return t.ranges[i].Country, true
}

// Ranges returns the table's ranges in order of AS number.
func (t *Table) Ranges() []Range { return slices.Clone(t.ranges) }

// Len returns the number of AS numbers the table maps.
func (t *Table) Len() int {
	n := 0
	for _, r := range t.ranges {
		n += int(r.Last-r.First) + 1
	}
	return n
}

// Conflicts returns how many AS numbers two records gave to different
// countries.
func (t *Table) Conflicts() int { return t.conflicts }

// Builder collects the records of one or more files.
type Builder struct {
	recs []record
}

type record struct {
	Range
	order int // input order, for ties
}

// maxLine bounds a line's length; real lines are under 200 bytes.
const maxLine = 64 << 10

// Read adds the asn records of one delegated-extended file. name names it
// in errors, which are EINVALID and give the line and field. On error the
// Builder is left as it was before the call.
func (b *Builder) Read(r io.Reader, name string) error {
	const op = "rir.Read"
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	var added []record
	line := 0
	version := false
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, "|")
		fail := func(format string, args ...any) error {
			return lifeline.Errorf(lifeline.EINVALID, op, "%s: line %d: %s", name, line, fmt.Sprintf(format, args...))
		}
		if !version {
			// The version line: version|registry|serial|records|startdate|enddate|UTCoffset.
			version = true
			if len(f) >= 2 && isVersion(f[0]) {
				continue
			}
			return fail("want the version line (2|registry|serial|…) first, found %q", clip(text))
		}
		if len(f) == 6 && f[1] == "*" && f[3] == "*" && f[5] == "summary" {
			continue
		}
		if len(f) < 7 {
			return fail("%d fields, want registry|cc|type|start|value|date|status|opaque-id", len(f))
		}
		switch f[2] {
		case "ipv4", "ipv6":
			continue
		case "asn":
		default:
			return fail("field type: %q, want asn, ipv4 or ipv6", clip(f[2]))
		}
		status := f[6]
		switch status {
		case "allocated", "assigned":
		case "available", "reserved":
			continue
		default:
			return fail("field status: %q, want allocated, assigned, available or reserved", clip(status))
		}
		first, err := strconv.ParseUint(f[3], 10, 32)
		if err != nil {
			return fail("field start: %q is not an AS number", clip(f[3]))
		}
		count, err := strconv.ParseUint(f[4], 10, 32)
		if err != nil || count == 0 || first+count-1 > 1<<32-1 {
			return fail("field value: %q is not a count of AS numbers from %d", clip(f[4]), first)
		}
		cc := strings.ToUpper(f[1])
		if len(cc) != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z' {
			return fail("field cc: %q, want a two-letter country code", clip(f[1]))
		}
		if cc == "ZZ" {
			continue // "unknown or unspecified"
		}
		if f[5] != "" && (len(f[5]) != 8 || !digits(f[5])) {
			return fail("field date: %q, want YYYYMMDD", clip(f[5]))
		}
		added = append(added, record{Range: Range{First: uint32(first), Last: uint32(first + count - 1), Country: cc,
			Registry: f[0], Date: f[5]}})
	}
	if err := sc.Err(); err != nil {
		return lifeline.Errorf(lifeline.EINVALID, op, "%s: line %d: %v", name, line+1, err)
	}
	if !version {
		return lifeline.Errorf(lifeline.EINVALID, op, "%s: empty file, want a version line and records", name)
	}
	for i := range added {
		added[i].order = len(b.recs) + i
	}
	b.recs = append(b.recs, added...)
	return nil
}

// Table builds the table. Overlapping records are resolved as the package
// comment says.
func (b *Builder) Table() *Table {
	// Sweep the boundaries: between consecutive boundaries every number is
	// covered by the same records, and the latest of those wins.
	type bound struct {
		at    uint64
		start bool
		rec   int
	}
	bounds := make([]bound, 0, 2*len(b.recs))
	for i, r := range b.recs {
		bounds = append(bounds, bound{uint64(r.First), true, i}, bound{uint64(r.Last) + 1, false, i})
	}
	slices.SortFunc(bounds, func(x, y bound) int {
		if x.at != y.at {
			return cmpU64(x.at, y.at)
		}
		return 0
	})
	t := &Table{}
	active := make(map[int]bool)
	for k := 0; k < len(bounds); {
		at := bounds[k].at
		for ; k < len(bounds) && bounds[k].at == at; k++ {
			if bounds[k].start {
				active[bounds[k].rec] = true
			} else {
				delete(active, bounds[k].rec)
			}
		}
		if len(active) == 0 || k == len(bounds) {
			continue
		}
		next := bounds[k].at
		win, conflict := -1, false
		for i := range active {
			if win < 0 || b.later(i, win) {
				win = i
			}
		}
		for i := range active {
			if b.recs[i].Country != b.recs[win].Country {
				conflict = true
			}
		}
		r := b.recs[win].Range
		r.First, r.Last = uint32(at), uint32(next-1)
		if conflict {
			t.conflicts += int(next - at)
		}
		if n := len(t.ranges); n > 0 && t.ranges[n-1].Last+1 == r.First && t.ranges[n-1].Country == r.Country &&
			t.ranges[n-1].Registry == r.Registry && t.ranges[n-1].Date == r.Date {
			t.ranges[n-1].Last = r.Last
			continue
		}
		t.ranges = append(t.ranges, r)
	}
	return t
}

// later reports whether record i beats record j: a later date, or the same
// date and later input.
func (b *Builder) later(i, j int) bool {
	ri, rj := b.recs[i], b.recs[j]
	if ri.Date != rj.Date {
		return ri.Date > rj.Date
	}
	return ri.order > rj.order
}

// Read is a shortcut for one file: it returns the table of r.
func Read(r io.Reader, name string) (*Table, error) {
	var b Builder
	if err := b.Read(r, name); err != nil {
		return nil, err
	}
	return b.Table(), nil
}

func isVersion(s string) bool {
	v, err := strconv.ParseFloat(s, 64)
	return err == nil && v >= 1 && v < 100
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// clip shortens what a bad line holds for an error message.
func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
