package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"lifeline/atlas"
	"lifeline/impact"
)

func newAttributeCmd() *cobra.Command {
	var af atlasFlags
	var gf graphFlags
	var asJSON bool
	var file string
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
			obs, err := readObservations(file, args)
			if err != nil {
				return err
			}
			if gf.asOf != 0 && (gf.asOf < 1850 || gf.asOf > 2100) {
				return &usageError{fmt.Errorf("--as-of: want a year such as 2008, found %d", gf.asOf)}
			}
			if opt.Limit < 0 || opt.PairsFrom < 0 {
				return &usageError{fmt.Errorf("--top and --pairs-from: want 0 or more")}
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
			at, err := g.Attribute(cmd.Context(), obs, opt)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, at)
			}
			fmt.Fprintf(out, "%d single candidates and %d pairs for %d observed countries\n\n", at.Singles, at.Pairs, len(obs))
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "RANK\tSCORE\tERROR\tFAILURE\tSAME PREDICTION")
			for i, c := range at.Candidates {
				var names []string
				for _, e := range c.Elements {
					names = append(names, describeElement(a, e))
				}
				same := ""
				if c.EquivalentCount > 0 {
					same = fmt.Sprintf("%d more", c.EquivalentCount)
				}
				fmt.Fprintf(tw, "%d\t%.3f\t%.3f\t%s\t%s\n", i+1, c.Score, c.Error, strings.Join(names, " + "), same)
			}
			return tw.Flush()
		},
	}
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
func readObservations(file string, args []string) ([]impact.Observation, error) {
	switch {
	case file != "" && len(args) > 0:
		return nil, &usageError{fmt.Errorf("give observations as CC=SHARE arguments or --observed FILE, not both")}
	case file == "" && len(args) == 0:
		return nil, &usageError{fmt.Errorf("no observation: give CC=SHARE arguments (MR=1 PT=0) or --observed FILE")}
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
			return nil, fmt.Errorf("%s: no observed list; expected observed: [{country: MR, drop: 1}, …]", file)
		}
		return doc.Observed, nil
	}
	var obs []impact.Observation
	for i, a := range args {
		cc, share, ok := strings.Cut(a, "=")
		x, err := strconv.ParseFloat(share, 64)
		if !ok || err != nil || len(cc) != 2 {
			return nil, &usageError{fmt.Errorf("argument %d: expected CC=SHARE such as MR=1 or PT=0, found %q", i+1, a)}
		}
		obs = append(obs, impact.Observation{Country: strings.ToUpper(cc), Drop: x})
	}
	return obs, nil
}

// describeElement names an element id for the table.
func describeElement(a *atlas.Atlas, id string) string {
	kind, key, _ := strings.Cut(id, ":")
	switch kind {
	case "segment":
		if s, ok := a.Segment(key); ok {
			c, _ := a.Cable(s.Cable)
			return fmt.Sprintf("%s segment %d (%s – %s)", c.Name, s.Index, nodeName(a, s.From), nodeName(a, s.To))
		}
	case "landing_point":
		if lp, ok := a.LandingPoint(key); ok {
			return "station " + lp.Name
		}
	}
	return id
}

func nodeName(a *atlas.Atlas, node string) string {
	if lp, ok := a.LandingPoint(node); ok {
		return lp.Name
	}
	return "branching unit"
}
