package main

import (
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"lifeline/atlas"
	"lifeline/impact"
	"lifeline/sitrep"
	"lifeline/web"
)

func newSitrepCmd() *cobra.Command {
	var dsn, country, lang, out string
	var asJSON bool
	var af atlasFlags
	cmd := &cobra.Command{
		Use:   "sitrep",
		Short: "Write a situation report (one HTML file) as a member sees it",
		Long: `Write a situation report: the open incidents and what they break, the needs
and how much of each is committed, dispatched and delivered, the restoration
of damaged elements, and the fresh alerts, with a map. It is one
self-contained HTML file (no script, nothing fetched from anywhere, at most
200 KB) to mail, print on A4 or Letter, or carry on a USB stick when the
link is about to go (docs/sitrep.md).

The report is built only from what the member whose token is in
$LIFELINE_TOKEN may see — without a token, what anybody may see — and
carries the most restrictive TLP marking of what it holds in its header and
footer, on every printed page. --country narrows it to one country; --lang
writes it in Arabic, Chinese, English, French, Russian or Spanish (default:
from $LC_ALL, $LC_MESSAGES or $LANG). --json writes the report's data.`,
		Example: `  LIFELINE_TOKEN=… lifeline sitrep -o sitrep.html
  LIFELINE_TOKEN=… lifeline sitrep --country SD --lang ar -o sitrep-sd.html
  lifeline sitrep --json --db demo.db`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l, err := chooseLang(lang)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			db, v, err := openAs(ctx, dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			a, err := af.loadIn(cmd, cliMessages.Printer(l))
			if err != nil {
				return err
			}
			g, err := impact.NewGraph(a, impact.Options{})
			if err != nil {
				return err
			}
			now := time.Now()
			alerts, err := sitrep.DetectorAlerts(ctx, db, v, now)
			if err != nil {
				return err
			}
			rep, err := sitrep.Build(ctx, db.Services(), v, sitrep.Options{Country: strings.ToUpper(country), Now: now,
				Estimate: web.SitrepEstimate(g), Name: elementNamer(a), Alerts: alerts})
			if err != nil {
				return err
			}
			return writeOutput(cmd.OutOrStdout(), out, func(w io.Writer) error {
				if asJSON {
					return writeJSON(w, rep)
				}
				return web.WriteSitrep(w, rep, web.SitrepOptions{Lang: l.Code, Instance: "Lifeline", Atlas: a})
			})
		},
	}
	dbFlag(cmd, &dsn)
	af.register(cmd)
	cmd.Flags().StringVar(&country, "country", "", "narrow the report to one country (ISO 3166-1 alpha-2 code, e.g. SD)")
	langFlag(cmd.Flags(), &lang)
	cmd.Flags().BoolVar(&asJSON, "json", false, "write the report's data as JSON instead of HTML")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to this file (default: standard output)")
	return cmd
}

// elementNamer names an atlas element id ("cable:seacom",
// "landing_point:…") by the atlas's name of it, for the report's data;
// the HTML names it in its own language.
func elementNamer(a *atlas.Atlas) func(id string) string {
	return func(id string) string {
		kind, ref, _ := strings.Cut(id, ":")
		switch kind {
		case "cable":
			if c, ok := a.Cable(ref); ok {
				return c.Name
			}
		case "landing_point", "lp":
			if lp, ok := a.LandingPoint(ref); ok {
				return lp.Name
			}
		}
		return ""
	}
}
