package watch

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"lifeline"
	"lifeline/geo"
)

// Kind is the kind of a signal: how it was measured. Detection thresholds
// are set per kind. Kinds other than the three named ones are allowed (the
// generic CSV and IODA can carry any) and use Config.Default.
type Kind string

// The signal kinds of DOMAIN.md §4, named for what they measure. The IODA
// importer maps IODA's datasource names ("ping-slash24", "merit-nt", …) to
// these.
const (
	// KindBGP counts the /24 blocks covered by prefixes that more than half
	// of the full-feed BGP peers carry ("visible /24s").
	KindBGP Kind = "bgp"
	// KindProbing counts the /24 blocks that answer active probes ("up
	// /24s", Trinocular-style).
	KindProbing Kind = "probing"
	// KindTelescope counts the unique source addresses that reach a network
	// telescope (unsolicited traffic, which falls when a network goes dark).
	KindTelescope Kind = "telescope"
)

// EntityType says what an entity is.
type EntityType string

// Entity types, as IODA names them.
const (
	EntityCountry EntityType = "country"
	EntityASN     EntityType = "asn"
	EntityRegion  EntityType = "region"
)

// Entity is what a signal describes: a country (ISO 3166-1 alpha-2 code),
// an autonomous system (its number in decimal) or a region (a code of the
// data source's choosing). Its text form is IODA's: "country/IR",
// "asn/12880", "region/1234".
type Entity struct {
	Type EntityType
	Code string
}

// Country returns the entity of a country code, upper-cased.
func Country(code string) Entity {
	return Entity{Type: EntityCountry, Code: strings.ToUpper(code)}
}

// ASN returns the entity of an autonomous system.
func ASN(asn uint32) Entity {
	return Entity{Type: EntityASN, Code: strconv.FormatUint(uint64(asn), 10)}
}

// String returns "TYPE/CODE".
func (e Entity) String() string { return string(e.Type) + "/" + e.Code }

// ASN returns the AS number of an asn entity.
func (e Entity) ASN() (uint32, bool) {
	if e.Type != EntityASN {
		return 0, false
	}
	n, err := strconv.ParseUint(e.Code, 10, 32)
	return uint32(n), err == nil
}

// MarshalText writes the entity as "TYPE/CODE".
func (e Entity) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText reads any form ParseEntity accepts.
func (e *Entity) UnmarshalText(b []byte) error {
	v, err := ParseEntity(string(b))
	if err != nil {
		return err
	}
	*e = v
	return nil
}

// ParseEntity reads an entity written as "country/IR", "asn/12880",
// "region/1234", "AS12880", a bare AS number, an ISO 3166-1 alpha-2 code
// ("IR") or a country name that lifeline/geo knows ("Iran"). It returns an
// EINVALID error for anything else.
func ParseEntity(s string) (Entity, error) {
	const op = "watch.ParseEntity"
	s = strings.TrimSpace(s)
	if typ, code, ok := strings.Cut(s, "/"); ok {
		switch EntityType(strings.ToLower(typ)) {
		case EntityCountry:
			return parseCountry(op, code)
		case EntityASN:
			return parseASN(op, strings.TrimPrefix(strings.ToUpper(code), "AS"))
		case EntityRegion:
			if code == "" || len(code) > 64 {
				return Entity{}, lifeline.Errorf(lifeline.EINVALID, op, "region code %q: want 1 to 64 characters", code)
			}
			return Entity{Type: EntityRegion, Code: code}, nil
		}
		return Entity{}, lifeline.Errorf(lifeline.EINVALID, op, "entity %q: type %q is not country, asn or region", s, typ)
	}
	if u := strings.ToUpper(s); strings.HasPrefix(u, "AS") && len(u) > 2 && isDigits(u[2:]) {
		return parseASN(op, u[2:])
	}
	if isDigits(s) && s != "" {
		return parseASN(op, s)
	}
	if len(s) == 2 {
		return parseCountry(op, s)
	}
	if code, ok := geo.Resolve(s); ok {
		return Country(code), nil
	}
	return Entity{}, lifeline.Errorf(lifeline.EINVALID, op, "entity %q: want country/CC, asn/N, region/CODE, ASN, a country code or a country name", s)
}

func parseCountry(op, code string) (Entity, error) {
	if len(code) != 2 || !isLetters(code) {
		if c, ok := geo.Resolve(code); ok {
			return Country(c), nil
		}
		return Entity{}, lifeline.Errorf(lifeline.EINVALID, op, "country %q: want an ISO 3166-1 alpha-2 code", code)
	}
	return Country(code), nil
}

func parseASN(op, digits string) (Entity, error) {
	n, err := strconv.ParseUint(digits, 10, 32)
	if err != nil || !isDigits(digits) {
		return Entity{}, lifeline.Errorf(lifeline.EINVALID, op, "AS number %q: want a decimal number below 2^32", digits)
	}
	return ASN(uint32(n)), nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// Key identifies a time series: one kind of signal about one entity.
type Key struct {
	Kind   Kind
	Entity Entity
}

// String returns "KIND:TYPE/CODE", e.g. "bgp:country/IR".
func (k Key) String() string { return string(k.Kind) + ":" + k.Entity.String() }

// Series is a regular time series: Values[i] was measured over the bin
// that starts at Start + i×Step. A missing measurement is NaN.
type Series struct {
	Key
	Start  time.Time
	Step   time.Duration
	Values []float64
}

// Time returns the start of bin i.
func (s *Series) Time(i int) time.Time { return s.Start.Add(time.Duration(i) * s.Step) }

// End returns the end of the last bin.
func (s *Series) End() time.Time { return s.Time(len(s.Values)) }

// MaxPoints bounds the length of one series that an importer or Merge
// builds: about 20 years of 5-minute bins. A file that would need more
// (two points decades apart on a fine grid, say) is refused rather than
// allocated.
const MaxPoints = 1 << 21

// Merge combines series with the same key into one, so that a signal split
// over several files (one per day, say) becomes one series; the result is
// sorted by key. Series of one key must have the same step and lie on the
// same grid. Where two series both have a value for a bin, the later one
// in the argument order wins. A merged series longer than MaxPoints is an
// error.
func Merge(series []Series) ([]Series, error) {
	const op = "watch.Merge"
	byKey := make(map[Key][]int)
	var keys []Key
	for i := range series {
		k := series[i].Key
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], i)
	}
	slices.SortFunc(keys, compareKeys)
	out := make([]Series, 0, len(keys))
	for _, k := range keys {
		idx := byKey[k]
		// The longest series gives the step; a series of one value has no
		// step of its own and takes it.
		longest := idx[0]
		for _, i := range idx {
			if len(series[i].Values) > len(series[longest].Values) {
				longest = i
			}
		}
		first := series[longest]
		if first.Step <= 0 {
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: step %v is not positive", k, first.Step)
		}
		if len(idx) == 1 {
			out = append(out, first)
			continue
		}
		start, end := first.Start, first.End()
		for _, i := range idx {
			s := series[i]
			if len(s.Values) <= 1 {
				s.Step = first.Step
			}
			if s.Step != first.Step {
				return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: steps %v and %v differ", k, first.Step, s.Step)
			}
			if s.Start.Sub(first.Start)%first.Step != 0 {
				return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: series starting at %s and %s are not on the same %v grid",
					k, first.Start.UTC().Format(time.RFC3339), s.Start.UTC().Format(time.RFC3339), first.Step)
			}
			if s.Start.Before(start) {
				start = s.Start
			}
			if e := s.End(); e.After(end) {
				end = e
			}
		}
		n := end.Sub(start) / first.Step
		if n > MaxPoints {
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: merged series would span %d steps of %v, more than %d", k, n, first.Step, MaxPoints)
		}
		m := Series{Key: k, Start: start, Step: first.Step, Values: make([]float64, n)}
		for i := range m.Values {
			m.Values[i] = math.NaN()
		}
		for _, i := range idx {
			s := &series[i]
			off := int(s.Start.Sub(start) / first.Step)
			for j, v := range s.Values {
				if !math.IsNaN(v) {
					m.Values[off+j] = v
				}
			}
		}
		out = append(out, m)
	}
	return out, nil
}

func compareKeys(a, b Key) int {
	if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.Entity.Type), string(b.Entity.Type)); c != 0 {
		return c
	}
	if a.Entity.Type == EntityASN && len(a.Entity.Code) != len(b.Entity.Code) {
		return len(a.Entity.Code) - len(b.Entity.Code) // numeric order
	}
	return strings.Compare(a.Entity.Code, b.Entity.Code)
}

// grid places points on a regular grid: the step is given or inferred, and
// the first point starts the grid. It is shared by the importers of
// irregular input.
type gridPoint struct {
	t    time.Time
	v    float64
	line int
}

// gridSeries builds a Series from points of one key. With step 0 it
// infers the step: the most frequent gap between consecutive times (the
// smallest on ties), or defaultStep for a single point. Points off the grid
// go to the bin they fall in; two points in one bin are an error naming
// their lines.
func gridSeries(op, name string, k Key, pts []gridPoint, step time.Duration, budget *int) (Series, error) {
	slices.SortStableFunc(pts, func(a, b gridPoint) int { return a.t.Compare(b.t) })
	if step <= 0 {
		step = inferStep(pts)
	}
	start := pts[0].t
	span := pts[len(pts)-1].t.Sub(start) / step
	if span >= MaxPoints {
		return Series{}, lifeline.Errorf(lifeline.EINVALID, op, "%s: %s: points from %s to %s span %d steps of %v, more than %d",
			name, k, start.UTC().Format(time.RFC3339), pts[len(pts)-1].t.UTC().Format(time.RFC3339), span, step, MaxPoints)
	}
	if int(span)+1 > *budget {
		return Series{}, lifeline.Errorf(lifeline.EINVALID, op, "%s: %s: the points leave gaps too large to hold on a %v grid (%d bins for %d points)",
			name, k, step, span+1, len(pts))
	}
	*budget -= int(span) + 1
	s := Series{Key: k, Start: start, Step: step, Values: make([]float64, span+1)}
	for i := range s.Values {
		s.Values[i] = math.NaN()
	}
	lineOf := make(map[int]int, len(pts))
	for _, p := range pts {
		i := int(p.t.Sub(start) / step)
		if prev, dup := lineOf[i]; dup {
			return Series{}, lifeline.Errorf(lifeline.EINVALID, op, "%s: lines %d and %d: two values of %s in the %v bin starting at %s",
				name, prev, p.line, k, step, s.Time(i).UTC().Format(time.RFC3339))
		}
		lineOf[i] = p.line
		s.Values[i] = p.v
	}
	return s, nil
}

// gridBudget is the number of bins the importers of irregular input may
// allocate for n points: generous for gaps, but a bounded multiple of the
// input, so a few far-apart points cannot claim gigabytes.
func gridBudget(n int) int { return 64*n + 1<<20 }

// defaultStep is the step of a series with a single point and no step
// given: IODA's BGP bin.
const defaultStep = 5 * time.Minute

func inferStep(pts []gridPoint) time.Duration {
	count := make(map[time.Duration]int)
	for i := 1; i < len(pts); i++ {
		if d := pts[i].t.Sub(pts[i-1].t); d > 0 {
			count[d]++
		}
	}
	best, bestN := defaultStep, 0
	for d, n := range count {
		if n > bestN || n == bestN && d < best {
			best, bestN = d, n
		}
	}
	return best
}

// checkValue rejects values a count cannot take.
func checkValue(v float64) error {
	if math.IsInf(v, 0) || v < 0 {
		return fmt.Errorf("value %v: want a finite number ≥ 0", v)
	}
	return nil
}
