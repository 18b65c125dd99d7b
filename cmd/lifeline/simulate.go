package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"lifeline"
	"lifeline/atlas"
	"lifeline/impact"
	"lifeline/impact/asrel"
	"lifeline/watch/source"
	"lifeline/web/i18n"
)

// graphFlags are the flags that shape the compiled graph.
type graphFlags struct {
	asOf       string
	regions    string
	core       string
	planned    bool
	borderGbps float64
}

func (f *graphFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.core, "core", strings.Join(impact.DefaultCore, ","), "hub countries that stand for the global core, comma-separated (see docs/impact.md)")
	cmd.Flags().BoolVar(&f.planned, "planned", false, "include planned cables")
	cmd.Flags().StringVar(&f.asOf, "as-of", "", "the network as it stood at the end of a year (2008) or of a month (2008-12): cables in service then,\ntheir capacities of that year, retired systems back (see docs/atlas.md)")
	cmd.Flags().StringVar(&f.regions, "regions", "", "regions to report loss towards, as Name=CC,CC;Name=CC (default: Europe, North America, Asia, Middle East, Africa, South America, Oceania; see docs/impact.md)")
	cmd.Flags().Float64Var(&f.borderGbps, "border-gbps", 0, fmt.Sprintf("capacity of land borders with no published figure, in Gbit/s, to test how outcomes depend on it\n(default: %d, see docs/atlas.md)", atlas.DefaultBorderGbps))
}

func (f *graphFlags) options() (impact.Options, error) {
	regions, err := impact.ParseRegions(f.regions)
	if err != nil {
		return impact.Options{}, &usageError{fmt.Errorf("--regions: %v", err)}
	}
	var core []string
	for _, c := range strings.Split(f.core, ",") {
		if c = strings.TrimSpace(c); c != "" {
			core = append(core, c)
		}
	}
	return impact.Options{Core: core, Planned: f.planned, BorderGbps: f.borderGbps, Regions: regions}, nil
}

// graph checks --as-of, loads the atlas as it stood then (saying on
// stderr which one, in the printer's language) and compiles the graph the
// flags shape: the start of simulate, assess and attribute.
func (f *graphFlags) graph(cmd *cobra.Command, pr *i18n.Printer, af *atlasFlags) (*atlas.Atlas, *impact.Graph, error) {
	year, month, ok := parseAsOf(f.asOf)
	if !ok {
		return nil, nil, &usageError{errors.New(pr.T("err.asof", strconv.Quote(f.asOf)))}
	}
	a, err := af.loadIn(cmd, pr, atlas.WithAsOfMonth(year, month))
	if err != nil {
		return nil, nil, err
	}
	gopt, err := f.options()
	if err != nil {
		return nil, nil, err
	}
	g, err := impact.NewGraph(a, gopt)
	if err != nil {
		return nil, nil, err
	}
	return a, g, nil
}

func newSimulateCmd() *cobra.Command {
	var af atlasFlags
	var gf graphFlags
	var asJSON, asGeoJSON bool
	var opt impact.RunOptions
	var top int
	var asrelFile string
	var asCountry []string
	var lang string
	cmd := &cobra.Command{
		Use:   "simulate [flags] SCENARIO",
		Short: "Simulate what a crisis breaks: who is cut off, who loses capacity",
		Long: `Simulate reads a scenario (a YAML file, or - for standard input; the
language is in docs/scenarios.md), applies its events to the atlas and
reports, per country, whether a path to the global core remains and how much
of its capacity to the core is lost, most affected first.

Scenarios with events that strike by chance (solar storms, earthquakes) are
sampled: --samples runs, each drawn from --seed and its index, so the same
seed gives the same output whatever the number of cores. Reachability and
capacity loss are computed in every sample (--flow-samples limits capacity
to the first ones); the table gives the capacity loss with its 95% interval.

With --asrel (a CAIDA AS relationship file, plain or bzip2), the scenario's
shutdown and ases events also fail networks in the graph of autonomous
systems, and the output says which networks lose valley-free paths to which
others: per country and per network, and the networks whose own paths
crossed the failed ones. Shutdowns need --as-country: the RIRs'
delegated-extended files (or a directory of them) that say where each AS is
registered. docs/impact.md, "The AS level", explains the figures.

A scenario's standing faults (a top-level standing: list, events of the
same types as events:) are what was already down when the events happened:
cuts not yet repaired, a shutdown in force. Every figure "before" is that
of the network they left, and the losses are the events' own, measured
against it: "given what is already down, what does this new cut do?". The
output lists the standing faults apart from what the events failed; the AS
level sees the events only (docs/scenarios.md, "Faults already standing").`,
		Example: `  lifeline simulate impact/testdata/events/tonga-2022.yaml
  lifeline simulate --json --atlas ../shared/data/cables storm.yaml
  lifeline simulate --samples 100000 --seed 7 storm.yaml
  lifeline simulate impact/testdata/events/east-africa-2024-after-red-sea.yaml
  lifeline simulate --geojson scenario.yaml > failed.geojson
  lifeline simulate --asrel 20240101.as-rel.txt.bz2 --as-country delegated/ shutdown.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			if asJSON && asGeoJSON {
				return &usageError{errors.New(pr.T("sim.err.formats"))}
			}
			if opt.Samples < 0 || opt.FlowSamples < 0 {
				return &usageError{errors.New(pr.T("sim.err.samples"))}
			}
			if asrelFile == "" && len(asCountry) > 0 {
				return &usageError{errors.New(pr.T("sim.err.country"))}
			}
			if asrelFile != "" && asGeoJSON {
				return &usageError{errors.New(pr.T("sim.err.geojson"))}
			}
			sc, err := readScenario(cmd, args[0])
			if err != nil {
				return err
			}
			if asrelFile == "" {
				for i, e := range sc.Events {
					if e.ASes != nil {
						fmt.Fprintln(cmd.ErrOrStderr(), pr.T("sim.ases.only", i+1))
					}
				}
			}
			if asrelFile != "" {
				for i, e := range sc.Standing {
					if e.Shutdown != nil || e.Isolation != nil || e.Gateways != nil {
						fmt.Fprintln(cmd.ErrOrStderr(), pr.T("sim.standing.as", i+1, e.Type()))
					}
				}
			}
			if asrelFile != "" && len(asCountry) == 0 {
				for i, e := range sc.Events {
					if e.Shutdown != nil || e.Isolation != nil {
						return &usageError{errors.New(pr.T("sim.err.asrel", i+1, e.Type()))}
					}
				}
			}
			a, g, err := gf.graph(cmd, pr, &af)
			if err != nil {
				return err
			}
			if f, ok := cmd.ErrOrStderr().(*os.File); ok && term.IsTerminal(int(f.Fd())) {
				p := newCountProgress(f, pr, pr.T("sim.progress"))
				opt.Progress = func(done, total int) { p.update(int64(done), int64(total)) }
				defer p.finish()
			}
			r, err := g.Simulate(cmd.Context(), sc, opt)
			if err != nil {
				return err
			}
			if asrelFile != "" {
				if r.ASLevel, err = simulateAS(cmd, pr, sc, asrelFile, asCountry, opt.Workers); err != nil {
					return err
				}
			}
			out := cmd.OutOrStdout()
			switch {
			case asJSON:
				return writeJSON(out, r)
			case asGeoJSON:
				return writeJSON(out, r.GeoJSON(a))
			}
			if err := writeImpactTable(out, pr, r, top); err != nil {
				return err
			}
			if r.ASLevel != nil {
				return writeASTable(out, pr, r.ASLevel)
			}
			return nil
		},
	}
	af.register(cmd)
	gf.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as one JSON object listing every country")
	cmd.Flags().BoolVar(&asGeoJSON, "geojson", false, "print the failed elements and affected countries as GeoJSON")
	cmd.Flags().IntVar(&opt.Samples, "samples", impact.DefaultSamples, "Monte Carlo samples of a scenario with chance events")
	cmd.Flags().Uint64Var(&opt.Seed, "seed", 1, "seed of the samples")
	cmd.Flags().IntVar(&opt.FlowSamples, "flow-samples", 0, "samples that compute capacity loss, the first ones (0: all)")
	cmd.Flags().IntVar(&opt.Workers, "workers", 0, "goroutines (default: the number of cores); results do not depend on it")
	cmd.Flags().IntVar(&top, "top", 25, "countries in the table (0: every affected country)")
	cmd.Flags().StringVar(&asrelFile, "asrel", "", "CAIDA AS relationship file (serial-1, plain or bzip2): run shutdown and ases events at the AS level too")
	cmd.Flags().StringArrayVar(&asCountry, "as-country", nil, "RIR delegated-extended file or directory mapping ASes to countries (repeatable)")
	langFlag(cmd.Flags(), &lang)
	return cmd
}

// simulateAS loads the AS graph and the country table and runs the
// scenario at the AS level.
func simulateAS(cmd *cobra.Command, pr *i18n.Printer, sc *impact.Scenario, asrelFile string, asCountry []string, workers int) (*impact.ASLevel, error) {
	stderr := cmd.ErrOrStderr()
	g, err := asrel.Open(asrelFile)
	if err != nil {
		return nil, err
	}
	opt := impact.ASOptions{Workers: workers}
	if len(asCountry) > 0 {
		tab, err := source.LoadASTable(asCountry)
		if err != nil {
			return nil, err
		}
		opt.Countries = tab
	}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p := newCountProgress(f, pr, pr.T("as.progress"))
		opt.Progress = func(done, total int) { p.update(int64(done), int64(total)) }
		defer p.finish()
	}
	return impact.SimulateAS(cmd.Context(), g, sc, opt)
}

// asTableRows is how many countries and networks the AS section shows.
const asTableRows = 10

// writeASTable prints the AS level in the printer's language: what
// failed, what was lost, the most affected countries and networks. Counts
// of ASes are written without grouping, as AS numbers are.
func writeASTable(w io.Writer, pr *i18n.Printer, as *impact.ASLevel) error {
	d := func(n int) string { return pr.Digits(n, 1) }
	fmt.Fprintf(w, "\n%s\n", pr.T("as.head", d(as.ASes), d(as.P2CLinks), d(as.P2PLinks)))
	var shut []string
	for _, s := range as.Shutdowns {
		shut = append(shut, fmt.Sprintf("%s (%s)", s.Country, d(s.ASes)))
	}
	if len(shut) > 0 {
		fmt.Fprint(w, pr.T("as.failed.shut", d(len(as.Failed)), strings.Join(shut, ", ")))
	} else {
		fmt.Fprint(w, pr.T("as.failed", d(len(as.Failed))))
	}
	below := 0
	for _, n := range as.Networks {
		if n.InFailedCone {
			below++
		}
	}
	fmt.Fprintf(w, "\n%s\n", pr.T("as.lost", d(int(as.LostPairs)), lpct(pr, as.LostShare), d(as.Affected), d(below)))
	if len(as.Countries) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, pr.T("as.countries.head"))
		for _, c := range as.Countries[:min(asTableRows, len(as.Countries))] {
			name := c.Name
			if pr.Lang.Code != "en" {
				name = pr.Country(c.Country, c.Name)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", c.Country, clipName(name, 28), d(c.ASes), d(c.Failed), d(c.Affected), d(c.CutOff), lpct(pr, c.LostShare))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if n := len(as.Countries) - asTableRows; n > 0 {
			fmt.Fprintln(w, pr.T("as.countries.more", n))
		}
	}
	if len(as.Networks) == 0 {
		fmt.Fprintln(w, pr.T("as.none"))
		return nil
	}
	fmt.Fprintf(w, "\n%s\n", pr.T("as.networks"))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, pr.T("as.networks.head"))
	for _, n := range as.Networks[:min(asTableRows, len(as.Networks))] {
		below, provs := "", make([]string, len(n.FailedProviders))
		if n.InFailedCone {
			below = pr.T("sim.yes")
		}
		for i, p := range n.FailedProviders {
			provs[i] = fmt.Sprintf("AS%d", p)
		}
		fmt.Fprintf(tw, "AS%d\t%s\t%s\t%s\t%s\t%s\t\n", n.ASN, n.Country, d(int(n.Lost)), lpct(pr, n.LostShare), below, strings.Join(provs, " "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if n := len(as.Networks) - asTableRows; n > 0 || as.Unlisted.Networks > 0 {
		fmt.Fprintln(w, pr.T("as.networks.more", d(max(0, n)), d(as.Unlisted.Networks), lpct(pr, impact.ListShare), d(int(as.Unlisted.MaxLost))))
	}
	return nil
}

// readScenario reads and parses the scenario file, or standard input for "-".
func readScenario(cmd *cobra.Command, path string) (*impact.Scenario, error) {
	if path == "-" {
		return impact.ParseScenario(cmd.InOrStdin(), "standard input")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, lifeline.Errorf(lifeline.EINVALID, "", "scenario %s: %v", path, unwrapPathErr(err))
	}
	defer f.Close()
	return impact.ParseScenario(f, path)
}

// writeImpactTable prints the affected countries, most affected first, in
// the printer's language.
func writeImpactTable(w io.Writer, pr *i18n.Printer, r *impact.Result, top int) error {
	fmt.Fprintf(w, "%s\n", r.Scenario)
	switch {
	case r.Samples > 1 && r.FlowSamples == r.Samples:
		fmt.Fprintln(w, pr.T("sim.samples.all", r.Samples, fmt.Sprint(r.Seed)))
	case r.Samples > 1:
		fmt.Fprintln(w, pr.T("sim.samples", r.Samples, fmt.Sprint(r.Seed), r.FlowSamples))
	}
	if sf := r.Standing; sf != nil {
		fmt.Fprintln(w, pr.T("sim.standing", len(sf.Cables), len(sf.Segments), len(sf.LandingPoints), len(sf.Links), len(sf.Countries)))
	}
	f := r.Failed
	fmt.Fprintf(w, "%s\n\n", pr.T("sim.failed", len(f.Cables), len(f.Segments), len(f.LandingPoints), len(f.Links), len(f.Countries)))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, pr.T("sim.head"))
	shown, affected := 0, 0
	var listed []impact.CountryImpact
	for _, c := range r.Countries {
		worst, region := worstRegion(c)
		if !c.ReachableBefore || c.PUnreachable == 0 && c.CapacityLoss == 0 && c.CablesFailed == 0 && worst == 0 {
			continue
		}
		affected++
		if top > 0 && shown >= top {
			continue
		}
		shown++
		listed = append(listed, c)
		reach := pr.T("sim.yes")
		if !c.Reachable {
			reach = pr.T("sim.no")
		}
		circ := lpct(pr, worst)
		if worst > 0 {
			circ += " " + region
		}
		name := c.Name
		if pr.Lang.Code != "en" {
			name = pr.Country(c.Country, c.Name)
		}
		lost := lpct(pr, c.CapacityLoss)
		if r.FlowSamples > 1 && c.CapacityLossCI[0] != c.CapacityLossCI[1] {
			lost += " [" + lpct(pr, c.CapacityLossCI[0]) + "–" + lpct(pr, c.CapacityLossCI[1]) + "]"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s/%s\t%s\t%s\t\n", c.Country, clipName(name, 28), reach,
			lpct(pr, c.PUnreachable), lost, circ, pr.Dec(c.CablesFailed), pr.Num(int64(c.CablesTotal)), pr.Num(c.Population), pr.Num(c.PopulationAffected))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	switch {
	case affected == 0:
		fmt.Fprintln(w, pr.T("sim.none"))
	case shown < affected:
		fmt.Fprintln(w, pr.T("sim.more", affected-shown))
	}
	for _, p := range r.Places {
		state := pr.T("sim.place.reachable")
		if !p.Reachable {
			state = pr.T("sim.place.cutoff")
		}
		fmt.Fprintln(w, pr.T("sim.place", p.Name, p.Place, p.Country, state, lpct(pr, p.PUnreachable), pr.Dec(p.CablesFailed), pr.Num(int64(p.CablesTotal))))
	}
	writeDemand(w, pr, listed)
	if affected > 0 {
		fmt.Fprintln(w, pr.T("sim.people"))
	}
	return nil
}

// worstRegion returns the largest circuit loss to a region the country's
// own cables reach (any region, for a country whose cables reach none).
func worstRegion(c impact.CountryImpact) (float64, string) {
	own := false
	for _, r := range c.Regions {
		own = own || r.DirectBeforeGbps > 0
	}
	var worst float64
	var name string
	for _, r := range c.Regions {
		if (!own || r.DirectBeforeGbps > 0) && r.CircuitLoss > worst {
			worst, name = r.CircuitLoss, r.Region
		}
	}
	return worst, name
}

func clipName(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// parseAsOf reads --as-of: empty for now, a year from 1850 to 2100, or a
// year and a month as YYYY-MM. ok is false for anything else.
func parseAsOf(s string) (year, month int, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, 0, true
	}
	y, m, hasMonth := strings.Cut(s, "-")
	year, err := strconv.Atoi(y)
	if err != nil || len(y) != 4 || year < 1850 || year > 2100 {
		return 0, 0, false
	}
	if hasMonth {
		month, err = strconv.Atoi(m)
		if err != nil || len(m) != 2 || month < 1 || month > 12 {
			return 0, 0, false
		}
	}
	return year, month, true
}
