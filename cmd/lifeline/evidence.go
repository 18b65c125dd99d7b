package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"lifeline"
	"lifeline/coord"
)

func newEvidenceCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "evidence",
		Short: "Prove that a file is the evidence submitted with an incident, and when",
	}
	cmd.AddCommand(newEvidenceVerifyCmd())
	return cmd
}

// custody is one submission of a piece of evidence, as the signed log
// records it.
type custody struct {
	Incident  string    `json:"incident"`
	SHA256    string    `json:"sha256"`
	Submitted time.Time `json:"submitted"`
	By        string    `json:"by"`  // member id
	Org       string    `json:"org"` // organisation id
	Event     string    `json:"event_hash"`
	Note      string    `json:"note,omitempty"`
}

func newEvidenceVerifyCmd() *cobra.Command {
	var dsn, lang string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "verify FILE INCIDENT",
		Short: "Check a file against the evidence hashes an incident's signed log holds",
		Long: `Hash FILE (SHA-256) and look for that hash among the evidence of INCIDENT, in
the events of the signed log about it that the member in $LIFELINE_TOKEN may
see (without a token: what anybody may see). It prints when the file was
first submitted, by whom, and the hash of the signed event that records it —
the chain of custody — or fails when the incident holds no such file.
"lifeline admin verify" proves the log itself is intact.`,
		Example: `  lifeline evidence verify order-2026-06-03.pdf inc_4k2x…
  LIFELINE_TOKEN=… lifeline evidence verify photo.jpg inc_4k2x… --json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			h := sha256.New()
			_, err = io.Copy(h, f)
			f.Close()
			if err != nil {
				return fmt.Errorf("%s: %w", pr.T("evidence.err.read", verbatim(args[0])), err)
			}
			sum := hex.EncodeToString(h.Sum(nil))
			ctx := cmd.Context()
			db, v, err := openStoreAs(ctx, pr, dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			events, err := coord.EventsAbout(ctx, db, v, args[1], 0)
			if err != nil {
				return err
			}
			var found []custody
			for _, e := range events {
				if e.Type != coord.EventIncidentCreated && e.Type != coord.EventIncidentUpdated {
					continue
				}
				var in coord.Incident
				if json.Unmarshal(e.Payload, &in) != nil {
					continue
				}
				for _, ev := range in.Evidence {
					if strings.EqualFold(ev.SHA256, sum) && len(found) == 0 {
						found = append(found, custody{Incident: args[1], SHA256: sum, Submitted: e.Time, By: e.Author, Org: e.Org, Event: e.Hash, Note: ev.Note})
					}
				}
			}
			if len(found) == 0 {
				return lifeline.Errorf(lifeline.ENOTFOUND, "", "%s", pr.T("evidence.none", verbatim(args[0]), verbatim(sum), verbatim(args[1])))
			}
			c := found[0]
			return printResult(cmd.OutOrStdout(), asJSON, c, pr.T("evidence.found", verbatim(args[0]), verbatim(c.Incident), verbatim(c.SHA256),
				ltime(pr, c.Submitted), verbatim(c.By), verbatim(c.Org), verbatim(c.Event)))
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the custody record as JSON")
	langFlag(cmd.Flags(), &lang)
	return cmd
}
