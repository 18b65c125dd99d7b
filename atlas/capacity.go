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

// The capacity model; docs/atlas.md gives the figures behind it and its
// error. Cables with published figures (capacity.csv) take the latest figure
// of the year asked for; the others are estimated by era and fibre pairs.
const (
	// perPairGbps2015 and perPairDecadeYears are the least-squares fit of
	// log10(design capacity per fibre pair) on the ready-for-service year,
	// through the design rows of capacity.csv that give fibre pairs
	// (TestCapacityFit refits them): 4.1 Tbit/s per pair in 2015, tenfold
	// every 12.1 years, with a residual standard error of a factor 2.3.
	perPairGbps2015    = 4090
	perPairDecadeYears = 12.1
	// upgradeAfterYears is how long after ready for service a cable gets its
	// first transponder upgrade, and upgradeOld and upgradeNew the factor it
	// gains: the medians of the upgrades in capacity.csv for systems designed
	// before coherent 100G transmission (ready before 2014) and after.
	upgradeAfterYears = 3
	upgradeOld        = 3.1
	upgradeNew        = 1.25
	coherentYear      = 2014
	capacityMinGbps   = 2.5   // floor: one STM-16 wavelength, the smallest systems
	capacityMaxGbps   = 500e3 // ceiling: the largest systems announced (24 pairs)
	// capacityUnknownGbps is the figure of a cable of unknown year: the
	// model's figure for 2010, the median ready-for-service year of the
	// open cable map dataset's systems.
	capacityUnknownYear = 2010
)

// defaultPairs is the number of fibre pairs of a cable of the era whose
// count is not published: the median of the counts in capacity.csv for
// systems ready before 2015, 2015–2019, and from 2020.
func defaultPairs(rfsYear int) int {
	switch {
	case rfsYear < 2015:
		return 3
	case rfsYear < 2020:
		return 6
	default:
		return 8
	}
}

// perPairGbps is the fitted design capacity of one fibre pair of a system
// ready for service in the year.
func perPairGbps(year int) float64 {
	return perPairGbps2015 * math.Pow(10, float64(year-2015)/perPairDecadeYears)
}

// estimateCableCapacity gives a cable its capacity as of the year asOf
// (0: as of now): the latest published figure, else the era rule.
func estimateCableCapacity(id string, rfsYear int, asOf int) Capacity {
	if f, ok := cableFactAsOf(id, asOf); ok {
		if f.Kind == "companion" {
			// A power interconnector's fibre is not a telecom system of its
			// era: the era rule, fitted to those, does not apply, and
			// nothing is published of what it carries.
			return Capacity{Gbps: f.Gbps, Rule: "fibre laid with a power interconnector, no telecom capacity published: the conservative default of a land border",
				Source: f.Source, Confidence: Assumed}
		}
		rule := fmt.Sprintf("published %s capacity, %d", f.Kind, f.Year)
		if f.Pairs > 0 {
			rule += fmt.Sprintf(", %d fibre pairs", f.Pairs)
		}
		return Capacity{Gbps: f.Gbps, Rule: rule, Source: f.Source, Confidence: Reported}
	}
	year, conf, why := rfsYear, Estimated, ""
	if rfsYear == 0 {
		year, conf, why = capacityUnknownYear, Assumed, "ready-for-service year unknown, taken as 2010: "
	}
	pairs := defaultPairs(year)
	g := float64(pairs) * perPairGbps(year)
	rule := fmt.Sprintf("%sera rule: %d fibre pairs × %s per pair (ready for service %d)", why, pairs, formatGbps(perPairGbps(year)), year)
	if asOf == 0 || asOf >= year+upgradeAfterYears {
		u := upgradeNew
		if year < coherentYear {
			u = upgradeOld
		}
		g *= u
		rule += fmt.Sprintf(", × %.2g for upgrades after %d years", u, upgradeAfterYears)
	}
	g = math.Min(math.Max(g, capacityMinGbps), capacityMaxGbps)
	return Capacity{Gbps: roundCapacity(g), Rule: rule, Confidence: conf}
}

// formatGbps writes a capacity for people: Gbit/s below 1 Tbit/s.
func formatGbps(g float64) string {
	if g >= 1000 {
		return fmt.Sprintf("%.3g Tbit/s", g/1000)
	}
	return fmt.Sprintf("%.3g Gbit/s", g)
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

// DefaultBorderGbps is the capacity given to a land border about whose
// fibre nothing is published (borders.csv): a conservative figure, about a
// single 100 Gbit/s wavelength, so that an unknown border never hides a
// country's dependence on its cables. Sensitivity runs change it
// (impact.Options.BorderGbps, the --border-gbps flag).
const DefaultBorderGbps = 100

// BorderDefaultRule is the rule of a border link that got DefaultBorderGbps.
const BorderDefaultRule = "no published figure for fibre across this border: conservative default"

func estimateBorderCapacity(id string, asOf int) Capacity {
	if f, ok := borderFactAsOf(id, asOf); ok {
		rule := fmt.Sprintf("published: %s across the border", formatGbps(f.Gbps))
		if f.Gbps == 0 {
			rule = "published: no terrestrial link carried international traffic"
		}
		if f.From > 0 || f.To > 0 {
			rule += " (" + f.period() + ")"
		}
		return Capacity{Gbps: f.Gbps, Rule: rule, Source: f.Source, Confidence: Reported}
	}
	return Capacity{Gbps: DefaultBorderGbps, Rule: BorderDefaultRule, Confidence: Assumed}
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
