package atlas

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Published facts behind the capacity model, embedded: capacity.csv holds
// design and upgrade figures of submarine cable systems, borders.csv what
// is known of the fibre across land borders, legs.csv the stretches of
// cable systems the dataset does not draw. Every row cites its source;
// docs/atlas.md lists them.
var (
	//go:embed capacity.csv
	capacityCSV string
	//go:embed borders.csv
	bordersCSV string
	//go:embed retired.csv
	retiredCSV string
	//go:embed crossings.csv
	crossingsCSV string
	//go:embed retired.json
	retiredJSON string
	//go:embed gateways.csv
	gatewaysCSV string
	//go:embed legs.csv
	legsCSV string
	//go:embed offshore.csv
	offshoreCSV string
)

// Crossing is a terrestrial crossing between countries without a land
// border: a bridge or a tunnel that carries fibre.
type Crossing struct {
	ID     string // link id, "<A>-<B>", A < B
	From   int    // the year it opened with fibre
	Name   string
	Source string
}

// Crossings returns the embedded crossings, in file order.
func Crossings() []Crossing {
	t, err := facts()
	if err != nil {
		panic(err) // the embedded file is checked by the package's tests
	}
	return t.crossings
}

func parseCrossings(r io.Reader, name string) ([]Crossing, error) {
	rows, lines, err := readFactCSV(r, name, []string{"id", "from", "name", "source"})
	if err != nil {
		return nil, err
	}
	var out []Crossing
	for i, rec := range rows {
		at := fmt.Sprintf("%s: line %d", name, lines[i])
		f := Crossing{ID: rec[0], Name: rec[2], Source: rec[3]}
		a, b, ok := strings.Cut(f.ID, "-")
		if !ok || len(a) != 2 || len(b) != 2 || a >= b {
			return nil, fmt.Errorf("%s: id: want two country codes in order such as DK-SE, found %q", at, f.ID)
		}
		if f.From, err = strconv.Atoi(rec[1]); err != nil || f.From < 1850 || f.From > 2100 {
			return nil, fmt.Errorf("%s: from: want a year, found %q", at, rec[1])
		}
		if strings.TrimSpace(f.Name) == "" || strings.TrimSpace(f.Source) == "" {
			return nil, fmt.Errorf("%s: want a name and a source", at)
		}
		out = append(out, f)
	}
	return out, nil
}

// Retirement is a published retirement of a cable system of the datasets.
type Retirement struct {
	IDs     []string
	Retired int // the last year in service
	Source  string
}

// Retirements returns the embedded retirements, in file order.
func Retirements() []Retirement {
	t, err := facts()
	if err != nil {
		panic(err) // the embedded file is checked by the package's tests
	}
	return t.retiredList
}

// retiredSystems returns the embedded document of systems retired before
// the datasets were made.
var retiredSystems = sync.OnceValues(func() (*Document, error) {
	return DecodeDocument(strings.NewReader(retiredJSON), "retired.json")
})

func parseRetirements(r io.Reader, name string) ([]Retirement, error) {
	rows, lines, err := readFactCSV(r, name, []string{"ids", "retired", "source"})
	if err != nil {
		return nil, err
	}
	var out []Retirement
	for i, rec := range rows {
		at := fmt.Sprintf("%s: line %d", name, lines[i])
		f := Retirement{IDs: strings.Split(rec[0], "|"), Source: rec[2]}
		if f.Retired, err = strconv.Atoi(rec[1]); err != nil || f.Retired < 1850 || f.Retired > 2100 {
			return nil, fmt.Errorf("%s: retired: want a year, found %q", at, rec[1])
		}
		if strings.TrimSpace(f.Source) == "" || slices.Contains(f.IDs, "") {
			return nil, fmt.Errorf("%s: want cable ids and a source", at)
		}
		out = append(out, f)
	}
	return out, nil
}

// CableFact is a published capacity of a cable system.
type CableFact struct {
	IDs    []string // cable ids it applies to (one per dataset)
	Year   int      // the year it applies from
	Gbps   float64
	Pairs  int    // fibre pairs, 0 if not published
	Kind   string // "design", "upgrade", "lit" (capacity in service, not the design), or "companion" (fibre laid with a power cable; no telecom figure)
	Source string
}

// BorderFact is what is known of the fibre across one land border for a
// period.
type BorderFact struct {
	ID       string  // link id, "<A>-<B>", A < B
	From, To int     // years it applies, inclusive; 0 means open
	Gbps     float64 // 0: no terrestrial link carried international traffic
	Source   string
}

func (f BorderFact) period() string {
	switch {
	case f.From > 0 && f.To > 0:
		return fmt.Sprintf("%d–%d", f.From, f.To)
	case f.From > 0:
		return fmt.Sprintf("from %d", f.From)
	default:
		return fmt.Sprintf("until %d", f.To)
	}
}

func (f BorderFact) covers(year int) bool {
	if year == 0 {
		return f.To == 0
	}
	return (f.From == 0 || f.From <= year) && (f.To == 0 || year <= f.To)
}

var facts = sync.OnceValues(func() (*factTables, error) {
	t := &factTables{cable: map[string][]CableFact{}, border: map[string][]BorderFact{}}
	cs, err := parseCableFacts(strings.NewReader(capacityCSV), "capacity.csv")
	if err != nil {
		return nil, err
	}
	for _, f := range cs {
		for _, id := range f.IDs {
			t.cable[id] = append(t.cable[id], f)
		}
	}
	for id := range t.cable {
		slices.SortStableFunc(t.cable[id], func(a, b CableFact) int { return a.Year - b.Year })
	}
	bs, err := parseBorderFacts(strings.NewReader(bordersCSV), "borders.csv")
	if err != nil {
		return nil, err
	}
	for _, f := range bs {
		t.border[f.ID] = append(t.border[f.ID], f)
	}
	t.cableList, t.borderList = cs, bs
	rs, err := parseRetirements(strings.NewReader(retiredCSV), "retired.csv")
	if err != nil {
		return nil, err
	}
	t.retired = map[string]int{}
	for _, f := range rs {
		for _, id := range f.IDs {
			t.retired[id] = f.Retired
		}
	}
	t.retiredList = rs
	if t.crossings, err = parseCrossings(strings.NewReader(crossingsCSV), "crossings.csv"); err != nil {
		return nil, err
	}
	if t.gateways, err = parseGateways(strings.NewReader(gatewaysCSV), "gateways.csv"); err != nil {
		return nil, err
	}
	if t.legs, err = parseLegs(strings.NewReader(legsCSV), "legs.csv"); err != nil {
		return nil, err
	}
	if t.offshore, err = parseOffshore(strings.NewReader(offshoreCSV), "offshore.csv"); err != nil {
		return nil, err
	}
	return t, nil
})

type factTables struct {
	cable       map[string][]CableFact
	border      map[string][]BorderFact
	cableList   []CableFact
	borderList  []BorderFact
	retired     map[string]int
	retiredList []Retirement
	crossings   []Crossing
	gateways    []Gateway
	legs        []Leg
	offshore    []Offshore
}

// retiredBy returns the year a cable of the datasets was retired, 0 if not.
func retiredBy(id string) int {
	t, err := facts()
	if err != nil {
		return 0
	}
	return t.retired[id]
}

// inService reports whether a cable ready in rfs and retired after the
// year retired (0: not) is in service as of the year (0: now).
func inService(rfs, retired, asOf int) bool {
	if retired > 0 && (asOf == 0 || asOf > retired) {
		return false
	}
	return asOf == 0 || rfs == 0 || rfs <= asOf
}

// CableFacts returns the embedded published cable capacities, in file order.
func CableFacts() []CableFact {
	t, err := facts()
	if err != nil {
		panic(err) // the embedded file is checked by the package's tests
	}
	return t.cableList
}

// BorderFacts returns the embedded facts about land borders, in file order.
func BorderFacts() []BorderFact {
	t, err := facts()
	if err != nil {
		panic(err) // the embedded file is checked by the package's tests
	}
	return t.borderList
}

// cableFactAsOf returns the latest published figure of the cable that
// applies in the year (0: now); before its first figure, the first.
func cableFactAsOf(id string, asOf int) (CableFact, bool) {
	t, err := facts()
	if err != nil || len(t.cable[id]) == 0 {
		return CableFact{}, false
	}
	fs := t.cable[id]
	best := fs[0]
	for _, f := range fs {
		if asOf == 0 || f.Year <= asOf {
			best = f
		}
	}
	return best, true
}

func borderFactAsOf(id string, asOf int) (BorderFact, bool) {
	t, err := facts()
	if err != nil {
		return BorderFact{}, false
	}
	for _, f := range t.border[id] {
		if f.covers(asOf) {
			return f, true
		}
	}
	return BorderFact{}, false
}

// readFactCSV reads a CSV table with '#' comments and checks its header.
func readFactCSV(r io.Reader, name string, header []string) ([][]string, []int, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	var rows [][]string
	var lines []int
	first := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %v", name, err)
		}
		line, _ := cr.FieldPos(0)
		if first {
			if !slices.Equal(rec, header) {
				return nil, nil, fmt.Errorf("%s: line %d: want the header %q, found %q", name, line, strings.Join(header, ","), strings.Join(rec, ","))
			}
			first = false
			continue
		}
		if len(rec) != len(header) {
			return nil, nil, fmt.Errorf("%s: line %d: want %d fields (%s), found %d", name, line, len(header), strings.Join(header, ","), len(rec))
		}
		rows = append(rows, rec)
		lines = append(lines, line)
	}
	if first {
		return nil, nil, fmt.Errorf("%s: empty: want the header %q", name, strings.Join(header, ","))
	}
	return rows, lines, nil
}

func parseCableFacts(r io.Reader, name string) ([]CableFact, error) {
	rows, lines, err := readFactCSV(r, name, []string{"ids", "year", "gbps", "pairs", "kind", "source"})
	if err != nil {
		return nil, err
	}
	var out []CableFact
	for i, rec := range rows {
		at := fmt.Sprintf("%s: line %d", name, lines[i])
		f := CableFact{IDs: strings.Split(rec[0], "|"), Kind: rec[4], Source: rec[5]}
		if f.Year, err = strconv.Atoi(rec[1]); err != nil || f.Year < 1850 || f.Year > 2100 {
			return nil, fmt.Errorf("%s: year: want a year, found %q", at, rec[1])
		}
		if f.Gbps, err = strconv.ParseFloat(rec[2], 64); err != nil || !(f.Gbps > 0) {
			return nil, fmt.Errorf("%s: gbps: want a positive number, found %q", at, rec[2])
		}
		if f.Pairs, err = strconv.Atoi(rec[3]); err != nil || f.Pairs < 0 {
			return nil, fmt.Errorf("%s: pairs: want 0 or more, found %q", at, rec[3])
		}
		if f.Kind != "design" && f.Kind != "upgrade" && f.Kind != "lit" && f.Kind != "companion" {
			return nil, fmt.Errorf("%s: kind: want design, upgrade, lit or companion, found %q", at, f.Kind)
		}
		if strings.TrimSpace(f.Source) == "" || slices.Contains(f.IDs, "") {
			return nil, fmt.Errorf("%s: want cable ids and a source", at)
		}
		out = append(out, f)
	}
	return out, nil
}

func parseBorderFacts(r io.Reader, name string) ([]BorderFact, error) {
	rows, lines, err := readFactCSV(r, name, []string{"id", "from", "to", "gbps", "source"})
	if err != nil {
		return nil, err
	}
	var out []BorderFact
	for i, rec := range rows {
		at := fmt.Sprintf("%s: line %d", name, lines[i])
		f := BorderFact{ID: rec[0], Source: rec[4]}
		a, b, ok := strings.Cut(f.ID, "-")
		if !ok || len(a) != 2 || len(b) != 2 || a >= b {
			return nil, fmt.Errorf("%s: id: want two country codes in order such as GN-SL, found %q", at, f.ID)
		}
		if f.From, err = strconv.Atoi(rec[1]); err != nil || f.From < 0 {
			return nil, fmt.Errorf("%s: from: want a year or 0, found %q", at, rec[1])
		}
		if f.To, err = strconv.Atoi(rec[2]); err != nil || f.To < 0 || (f.To > 0 && f.To < f.From) {
			return nil, fmt.Errorf("%s: to: want 0 or a year not before from, found %q", at, rec[2])
		}
		if f.Gbps, err = strconv.ParseFloat(rec[3], 64); err != nil || f.Gbps < 0 {
			return nil, fmt.Errorf("%s: gbps: want 0 or more, found %q", at, rec[3])
		}
		if strings.TrimSpace(f.Source) == "" {
			return nil, fmt.Errorf("%s: source: want where the fact was published", at)
		}
		out = append(out, f)
	}
	return out, nil
}
