package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"lifeline/atlas"
	"lifeline/impact"
	"lifeline/web/i18n"
)

func newAttributeCmd() *cobra.Command {
	var af atlasFlags
	var gf graphFlags
	var asJSON bool
	var file, lang string
	var opt impact.AttributeOptions
	cmd := &cobra.Command{
		Use:   "attribute [flags] CC=SHARE...",
		Short: "Which cable was cut? Rank the failures that explain observed drops",
		Long: `Attribute is the inverse of simulate: given what monitoring saw — per
country, the share of its connectivity lost, 0 for a country observed not
to drop — it ranks candidate failures (single cable segments of the
cables landing in the dropped countries, pairs of them, single landing
stations) by how well the losses the impact engine predicts for each match
the observations. The score is 1 minus the weighted root mean square of
predicted minus observed, less 0.02 for a pair (docs/impact.md, "Which
cable was cut").

Observations are CC=SHARE arguments, or --observed FILE: a YAML file with
an "observed" list of {country, drop, weight} (other keys are ignored, so
the events of impact/testdata/attribution run as they are). Use --as-of
for an event of a past year.`,
		Example: `  lifeline attribute --atlas ../shared/data/cables --as-of 2018 MR=1 SL=0.5 LR=0.5 GN=0.5 PT=0 NG=0
  lifeline attribute --atlas ../shared/data/cables --as-of 2022 --observed impact/testdata/attribution/2022-tonga-eruption.yaml
  lifeline attribute --json --top 3 TO=1 FJ=0`,
		RunE: func(cmd *cobra.Command, args []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			obs, err := readObservations(pr, file, args)
			if err != nil {
				return err
			}
			if opt.Limit < 0 || opt.PairsFrom < 0 {
				return &usageError{errors.New(pr.T("attr.err.top"))}
			}
			a, g, err := gf.graph(cmd, pr, &af)
			if err != nil {
				return err
			}
			at, err := g.Attribute(cmd.Context(), obs, opt)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, at)
			}
			fmt.Fprintf(out, "%s\n\n", pr.T("attr.count", at.Singles, at.Pairs, len(obs)))
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, pr.T("attr.head"))
			for i, c := range at.Candidates {
				var names []string
				for _, e := range c.Elements {
					names = append(names, describeElement(pr, a, e))
				}
				same := ""
				if c.EquivalentCount > 0 {
					same = pr.T("attr.same", c.EquivalentCount)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", pr.Num(int64(i+1)), pr.T("attr.num", c.Score), pr.T("attr.num", c.Error), strings.Join(names, " + "), same)
			}
			return tw.Flush()
		},
	}
	langFlag(cmd.Flags(), &lang)
	af.register(cmd)
	gf.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the ranking as one JSON object, with each candidate's predicted and observed loss per country")
	cmd.Flags().StringVar(&file, "observed", "", "YAML file with an observed list of {country, drop, weight}")
	cmd.Flags().IntVar(&opt.Limit, "top", 10, "candidates to print")
	cmd.Flags().IntVar(&opt.PairsFrom, "pairs-from", 24, "best distinct single segments paired with each other")
	cmd.Flags().IntVar(&opt.Workers, "workers", 0, "goroutines (default: the number of cores); results do not depend on it")
	return cmd
}

// readObservations reads --observed FILE or CC=SHARE arguments (not both).
func readObservations(pr *i18n.Printer, file string, args []string) ([]impact.Observation, error) {
	switch {
	case file != "" && len(args) > 0:
		return nil, &usageError{errors.New(pr.T("attr.err.both"))}
	case file == "" && len(args) == 0:
		return nil, &usageError{errors.New(pr.T("attr.err.none"))}
	}
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		var doc struct {
			Observed []impact.Observation `yaml:"observed"`
		}
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("%s: %v", file, err)
		}
		if len(doc.Observed) == 0 {
			return nil, errors.New(pr.T("attr.err.list", file))
		}
		return doc.Observed, nil
	}
	var obs []impact.Observation
	for i, a := range args {
		cc, share, ok := strings.Cut(a, "=")
		x, err := strconv.ParseFloat(share, 64)
		if !ok || err != nil || len(cc) != 2 {
			return nil, &usageError{errors.New(pr.T("attr.err.arg", i+1, strconv.Quote(a)))}
		}
		obs = append(obs, impact.Observation{Country: strings.ToUpper(cc), Drop: x})
	}
	return obs, nil
}

// describeElement names an element id for the table.
func describeElement(pr *i18n.Printer, a *atlas.Atlas, id string) string {
	kind, key, _ := strings.Cut(id, ":")
	switch kind {
	case "segment":
		if s, ok := a.Segment(key); ok {
			c, _ := a.Cable(s.Cable)
			return pr.T("attr.segment", c.Name, s.Index, nodeName(pr, a, s.From), nodeName(pr, a, s.To))
		}
	case "landing_point":
		if lp, ok := a.LandingPoint(key); ok {
			return pr.T("attr.station", lp.Name)
		}
	}
	return id
}

func nodeName(pr *i18n.Printer, a *atlas.Atlas, node string) string {
	if lp, ok := a.LandingPoint(node); ok {
		return lp.Name
	}
	return pr.T("attr.branching")
}
