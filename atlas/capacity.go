package atlas

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"lifeline"
)

// Capacity rules; docs/atlas.md explains the figures behind them.
const (
	capacityBaseYear    = 2005   // the year the rule gives 1 Tbit/s
	capacityBaseGbps    = 1000   // design capacity of a new long-haul system in the base year
	capacityDecadeYears = 7.5    // years for a tenfold growth
	capacityMinGbps     = 10     // floor: the oldest systems in service
	capacityMaxGbps     = 250000 // ceiling: the largest systems announced
	capacityShortKm     = 1000   // systems shorter than this carry fewer fibre pairs
	capacityUnknownGbps = 1000   // a cable of unknown year
)

// estimateCableCapacity applies the year-and-length rule to a cable without
// a reported capacity.
func estimateCableCapacity(rfsYear int, lengthKm float64) Capacity {
	if rfsYear == 0 {
		return Capacity{Gbps: capacityUnknownGbps, Rule: "cable of unknown ready-for-service year: 1 Tbit/s", Confidence: Assumed}
	}
	g := capacityBaseGbps * math.Pow(10, float64(rfsYear-capacityBaseYear)/capacityDecadeYears)
	g = math.Min(math.Max(g, capacityMinGbps), capacityMaxGbps)
	rule := fmt.Sprintf("ready for service %d: 1 Tbit/s × 10^((%d − 2005)/7.5)", rfsYear, rfsYear)
	if lengthKm > 0 && lengthKm < capacityShortKm {
		g /= 2
		rule += fmt.Sprintf(", halved for a %.0f km system", lengthKm)
	}
	return Capacity{Gbps: roundCapacity(g), Rule: rule, Confidence: Estimated}
}

// roundCapacity keeps three significant figures, so estimates do not claim
// a precision they lack.
func roundCapacity(g float64) float64 {
	if g <= 0 {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(g))-2)
	return math.Round(g/p) * p
}

// Border link classes, by the smaller population of the two countries.
const (
	borderLargePopulation = 20_000_000
	borderSmallPopulation = 1_000_000
	borderLargeGbps       = 10000
	borderMediumGbps      = 1000
	borderSmallGbps       = 100
)

func estimateBorderCapacity(popA, popB int64) Capacity {
	p := min(popA, popB)
	switch {
	case p > borderLargePopulation:
		return Capacity{Gbps: borderLargeGbps, Rule: "border class A: both countries over 20 million people: 10 Tbit/s", Confidence: Assumed}
	case p >= borderSmallPopulation:
		return Capacity{Gbps: borderMediumGbps, Rule: "border class B: the smaller country has 1–20 million people: 1 Tbit/s", Confidence: Assumed}
	default:
		return Capacity{Gbps: borderSmallGbps, Rule: "border class C: the smaller country has under 1 million people: 100 Gbit/s", Confidence: Assumed}
	}
}

// Override is a capacity given by the user for a cable or a terrestrial link.
type Override struct {
	ID     string  // a cable id or a link id such as "FR-ES"
	Gbps   float64 // > 0
	Source string  // where the figure comes from
	Line   int     // line in the file it was read from, for errors
	File   string
}

// ReadOverrides reads a capacity override CSV file with the header
// "id,gbps,source". name prefixes errors.
//
// Errors: EINVALID naming the line and field for a missing header, a bad
// number or a short line.
func ReadOverrides(r io.Reader, name string) ([]Override, error) {
	const op = "atlas.ReadOverrides"
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: empty file: want a header line \"id,gbps,source\"", name)
	}
	if err != nil {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: %v", name, err)
	}
	if len(header) < 2 || strings.TrimSpace(header[0]) != "id" || strings.TrimSpace(header[1]) != "gbps" {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: line 1: want the header \"id,gbps,source\", found %q", name, strings.Join(header, ","))
	}
	var out []Override
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			// A *csv.ParseError names its line; FieldPos cannot be asked
			// about a record that failed to parse.
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: %v", name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) < 2 {
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: line %d: want id,gbps,source, found %d field(s)", name, line, len(rec))
		}
		g, err := strconv.ParseFloat(strings.TrimSpace(rec[1]), 64)
		if err != nil || g <= 0 || math.IsInf(g, 0) {
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: line %d: gbps: want a positive number, found %q", name, line, rec[1])
		}
		o := Override{ID: strings.TrimSpace(rec[0]), Gbps: g, Line: line, File: name}
		if len(rec) > 2 {
			o.Source = strings.TrimSpace(rec[2])
		}
		out = append(out, o)
	}
}

func applyOverrides(a *Atlas, ovs []Override) error {
	v := &ValidationError{Name: "capacity overrides"}
	for _, o := range ovs {
		c := Capacity{Gbps: o.Gbps, Rule: "reported", Source: o.Source, Confidence: Reported}
		if i, ok := a.cableIdx[o.ID]; ok {
			a.Cables[i].Capacity = c
			continue
		}
		found := false
		for i := range a.Links {
			if a.Links[i].ID == o.ID || a.Links[i].B+"-"+a.Links[i].A == o.ID {
				a.Links[i].Capacity = c
				found = true
				break
			}
		}
		if !found {
			v.addf("%s: line %d: id: no cable or terrestrial link %q in the atlas", o.File, o.Line, o.ID)
		}
	}
	if len(v.Problems) > 0 {
		return &lifeline.Error{Code: lifeline.EINVALID, Op: "atlas.Compile", Err: v}
	}
	return nil
}
