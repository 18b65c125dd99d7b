package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"lifeline/impact"
	"lifeline/web/i18n"
)

func newAssessCmd() *cobra.Command {
	var af atlasFlags
	var gf graphFlags
	var asJSON, rank bool
	var workers, top int
	var lang string
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
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			if rank && len(args) > 0 {
				return &usageError{errors.New(pr.T("assess.err.rank"))}
			}
			_, g, err := gf.graph(cmd, pr, &af)
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
				return writeRankTable(out, pr, r)
			}
			ps, err := g.Assess(cmd.Context(), args, workers)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(out, ps)
			}
			if len(args) == 0 {
				return writeScoreTable(out, pr, ps)
			}
			for i := range ps {
				writeProfile(out, pr, &ps[i])
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
	langFlag(cmd.Flags(), &lang)
	return cmd
}

// writeProfile prints a country's profile in the printer's language;
// element ids and names stay as the atlas has them.
func writeProfile(w io.Writer, pr *i18n.Printer, p *impact.Profile) {
	name := p.Name
	if pr.Lang.Code != "en" {
		name = pr.Country(p.Country, p.Name)
	}
	fmt.Fprintln(w, pr.T("assess.profile", name, p.Country, p.Score, pr.Dec(p.ScoreN1), pr.Dec(p.ScoreN2), pr.Dec(p.ScoreCapacity), pr.Dec(p.ScoreDiversity)))
	if !p.Hub && p.Reachable {
		fmt.Fprintln(w, pr.T("assess.inputs", pr.Pct(p.Inputs.Reported), pr.Pct(p.Inputs.Estimated), pr.Pct(p.Inputs.Assumed)))
	}
	switch {
	case p.Hub:
		fmt.Fprintln(w, pr.T("assess.hub"))
	case !p.Reachable:
		fmt.Fprintln(w, pr.T("assess.unreachable"))
	}
	fmt.Fprintln(w, pr.T("assess.cables", len(p.Cables), strings.Join(p.Cables, ", ")))
	fmt.Fprintln(w, pr.T("assess.stations", len(p.LandingPoints), p.LandingSites))
	if !p.Hub {
		fmt.Fprintln(w, pr.T("assess.flow", pr.Num(int64(math.Round(p.CapacityGbps))), pr.Dec(p.KbpsPerPerson)))
	}
	var deps []string
	for _, d := range p.Neighbours {
		switch {
		case d.CutsOff:
			deps = append(deps, pr.T("assess.cutsoff", d.Country))
		case d.CapacityLoss > 0:
			deps = append(deps, pr.T("assess.loss", d.Country, lpct(pr, d.CapacityLoss)))
		}
	}
	if len(deps) > 0 {
		fmt.Fprintln(w, pr.T("assess.depends", strings.Join(deps, ", ")))
	}
	if len(p.N1) == 0 {
		fmt.Fprintln(w, pr.T("assess.n1.none"))
	} else {
		fmt.Fprintln(w, pr.T("assess.n1"))
		for _, e := range p.N1 {
			fmt.Fprintf(w, "    %s %s\n", e.Kind, e.ID)
		}
	}
	if len(p.Critical) > 0 {
		fmt.Fprintln(w, pr.T("assess.critical", pr.Pct(impact.CriticalShare)))
		for _, c := range p.Critical {
			what := c.Kind + " " + c.ID
			if c.Towards == "core" {
				fmt.Fprintln(w, pr.T("assess.to.core", what, lpct(pr, c.Loss)))
			} else {
				fmt.Fprintln(w, pr.T("assess.to.region", what, lpct(pr, c.Loss), c.Towards))
			}
		}
	}
	switch n := len(p.N2); {
	case n == 0:
		fmt.Fprintln(w, pr.T("assess.n2.none"))
	default:
		fmt.Fprintln(w, pr.T("assess.n2", n))
		for i, pair := range p.N2 {
			if i == 10 {
				fmt.Fprintln(w, pr.T("assess.n2.more", n-10))
				break
			}
			fmt.Fprintf(w, "    %s %s + %s %s\n", pair[0].Kind, pair[0].ID, pair[1].Kind, pair[1].ID)
		}
	}
	fmt.Fprintln(w)
}

func writeScoreTable(w io.Writer, pr *i18n.Printer, ps []impact.Profile) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, pr.T("assess.score.head"))
	for _, p := range ps {
		name := p.Name
		if pr.Lang.Code != "en" {
			name = pr.Country(p.Country, p.Name)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", p.Country, clipName(name, 28), pr.Num(int64(p.Score)), pr.Num(int64(len(p.Cables))),
			pr.Num(int64(p.LandingSites)), pr.Num(int64(len(p.N1))), pr.Num(int64(len(p.N2))), pr.Num(int64(math.Round(p.CapacityGbps))))
	}
	return tw.Flush()
}

func writeRankTable(w io.Writer, pr *i18n.Printer, r []impact.Ranked) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, pr.T("assess.rank.head"))
	for _, x := range r {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", x.Kind, x.ID, pr.Num(x.Population), strings.Join(x.Countries, " "))
	}
	return tw.Flush()
}
