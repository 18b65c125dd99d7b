package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"lifeline/atlas"
	"lifeline/impact"
)

func newAssessCmd() *cobra.Command {
	var af atlasFlags
	var gf graphFlags
	var asJSON, rank bool
	var workers, top int
	cmd := &cobra.Command{
		Use:   "assess [flags] [COUNTRY…]",
		Short: "Resilience profiles: what each country depends on, its single points of failure, a score",
		Long: `Assess profiles each country (all of them without arguments): its cable
systems, landing stations and distinct landing sites, the neighbours it
depends on, every single cable, station or country whose loss cuts it off
(N-1) and every pair that does (N-2), the capacity-critical cables and
stations (each alone costs more than half its capacity to the core or of
its circuits to a region), its max-flow to the core, the confidence of the
capacity figures behind it, and a 0–100 score whose formula is in
docs/impact.md.

With --rank, it ranks cables and landing stations by the population that
loses every path to the core when each fails alone.`,
		Example: `  lifeline assess Tonga Fiji
  lifeline assess --json --atlas ../shared/data/cables
  lifeline assess --rank --top 20`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if rank && len(args) > 0 {
				return &usageError{fmt.Errorf("--rank takes no countries")}
			}
			if gf.asOf != 0 && (gf.asOf < 1850 || gf.asOf > 2100) {
				return &usageError{fmt.Errorf("--as-of: want a year such as 2008, found %d", gf.asOf)}
			}
			a, err := af.load(cmd, atlas.WithAsOf(gf.asOf))
			if err != nil {
				return err
			}
			gopt, err := gf.options()
			if err != nil {
				return err
			}
			g, err := impact.NewGraph(a, gopt)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if rank {
				r, err := g.Rank(cmd.Context(), workers)
				if err != nil {
					return err
				}
				if top > 0 && len(r) > top {
					r = r[:top]
				}
				if asJSON {
					return writeJSON(out, r)
				}
				return writeRankTable(out, r)
			}
			ps, err := g.Assess(cmd.Context(), args, workers)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(out, ps)
			}
			if len(args) == 0 {
				return writeScoreTable(out, ps)
			}
			for i := range ps {
				writeProfile(out, &ps[i])
			}
			return nil
		},
	}
	af.register(cmd)
	gf.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&rank, "rank", false, "rank cables and stations by the population their loss cuts off")
	cmd.Flags().IntVar(&top, "top", 30, "entries of --rank (0: all)")
	cmd.Flags().IntVar(&workers, "workers", 0, "goroutines (default: the number of cores)")
	return cmd
}

func writeProfile(w io.Writer, p *impact.Profile) {
	fmt.Fprintf(w, "%s (%s)  score %d/100  [N-1 %.1f, N-2 %.1f, capacity %.1f, sites %.1f]\n", p.Name, p.Country, p.Score, p.ScoreN1, p.ScoreN2, p.ScoreCapacity, p.ScoreDiversity)
	if !p.Hub && p.Reachable {
		fmt.Fprintf(w, "  inputs: capacity figures %.0f%% reported, %.0f%% estimated, %.0f%% assumed (by Gbit/s)\n", 100*p.Inputs.Reported, 100*p.Inputs.Estimated, 100*p.Inputs.Assumed)
	}
	switch {
	case p.Hub:
		fmt.Fprintln(w, "  a hub of the core")
	case !p.Reachable:
		fmt.Fprintln(w, "  no path to the core even with nothing failed")
	}
	fmt.Fprintf(w, "  cables (%d): %s\n", len(p.Cables), strings.Join(p.Cables, ", "))
	fmt.Fprintf(w, "  landing stations: %d at %d distinct site(s)\n", len(p.LandingPoints), p.LandingSites)
	if !p.Hub {
		fmt.Fprintf(w, "  max-flow to the core: %.0f Gbit/s (%.1f kbit/s per person)\n", p.CapacityGbps, p.KbpsPerPerson)
	}
	var deps []string
	for _, d := range p.Neighbours {
		switch {
		case d.CutsOff:
			deps = append(deps, d.Country+" (cuts off)")
		case d.CapacityLoss > 0:
			deps = append(deps, fmt.Sprintf("%s (−%.1f%%)", d.Country, 100*d.CapacityLoss))
		}
	}
	if len(deps) > 0 {
		fmt.Fprintf(w, "  depends on: %s\n", strings.Join(deps, ", "))
	}
	if len(p.N1) == 0 {
		fmt.Fprintln(w, "  N-1: no single loss cuts it off")
	} else {
		fmt.Fprintln(w, "  N-1: each of these alone cuts it off:")
		for _, e := range p.N1 {
			fmt.Fprintf(w, "    %s %s\n", e.Kind, e.ID)
		}
	}
	if len(p.Critical) > 0 {
		fmt.Fprintf(w, "  capacity-critical (each alone costs more than %.0f%%):\n", 100*impact.CriticalShare)
		for _, c := range p.Critical {
			towards := "of its capacity to the core"
			if c.Towards != "core" {
				towards = "of its circuits to " + c.Towards
			}
			fmt.Fprintf(w, "    %s %s: −%.1f%% %s\n", c.Kind, c.ID, 100*c.Loss, towards)
		}
	}
	switch n := len(p.N2); {
	case n == 0:
		fmt.Fprintln(w, "  N-2: no pair of losses cuts it off (beyond the N-1 set)")
	default:
		fmt.Fprintf(w, "  N-2: %d pair(s) cut it off:\n", n)
		for i, pr := range p.N2 {
			if i == 10 {
				fmt.Fprintf(w, "    … and %d more (--json for all)\n", n-10)
				break
			}
			fmt.Fprintf(w, "    %s %s + %s %s\n", pr[0].Kind, pr[0].ID, pr[1].Kind, pr[1].ID)
		}
	}
	fmt.Fprintln(w)
}

func writeScoreTable(w io.Writer, ps []impact.Profile) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "country\tname\tscore\tcables\tsites\tN-1\tN-2\tGbit/s\t")
	for _, p := range ps {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%.0f\t\n", p.Country, clipName(p.Name, 28), p.Score, len(p.Cables), p.LandingSites, len(p.N1), len(p.N2), p.CapacityGbps)
	}
	return tw.Flush()
}

func writeRankTable(w io.Writer, r []impact.Ranked) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "kind\tid\tpopulation cut off\tcountries")
	for _, x := range r {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", x.Kind, x.ID, x.Population, strings.Join(x.Countries, " "))
	}
	return tw.Flush()
}
