package main

import (
	"errors"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"lifeline/coord"
	"lifeline/norms"
)

func newBriefCmd() *cobra.Command {
	var dsn, format, out, lang string
	cmd := &cobra.Command{
		Use:   "brief INCIDENT",
		Short: "Write an incident's legal brief (HTML or Markdown) as a member sees it",
		Long: `Write the legal brief of an incident: its facts, timeline, evidence with
hashes and the entries of the normative catalogue it engages with the reasons
and citations (docs/norms.md). The brief is built only from what the member
whose token is in $LIFELINE_TOKEN may see — without a token, what anybody may
see — and carries the incident's TLP marking in its header and footer. The
HTML page is self-contained and prints cleanly to PDF. Like the web's brief,
it is in English, the language in which the catalogue's citations were
checked; --lang sets the language of the command's own messages.`,
		Example: `  LIFELINE_TOKEN=… lifeline brief inc_4k2x… -o brief.html
  lifeline brief inc_4k2x… --format markdown`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			if format != "html" && format != "markdown" {
				return &usageError{errors.New(pr.T("norms.err.brief", "--format", strconv.Quote(format)))}
			}
			ctx := cmd.Context()
			db, v, err := openAs(ctx, dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			cat, err := norms.Default()
			if err != nil {
				return err
			}
			svc := coord.Services{Incidents: db, Events: db, Situations: db}
			b, err := norms.BriefOf(ctx, cat, svc, v, args[0], time.Now())
			if err != nil {
				return err
			}
			return writeOutput(cmd.OutOrStdout(), out, func(w io.Writer) error {
				if format == "markdown" {
					return norms.RenderMarkdown(w, b)
				}
				return norms.RenderHTML(w, b)
			})
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().StringVar(&format, "format", "html", "html or markdown")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to this file (default: standard output)")
	langFlag(cmd.Flags(), &lang)
	return cmd
}
