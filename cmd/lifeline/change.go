package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"lifeline/coord"
	"lifeline/federation"
)

func newSyncProposeCmd() *cobra.Command {
	var dsn, kind, item, request string
	var ifVersion int64
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "propose --kind KIND --item ID --request JSON",
		Short: "Propose a change to an item another instance keeps",
		Long: `Propose a change to an item this instance holds from another instance —
commit an offer to its need, move the restoration of an element its incident
names, close its need. The instance that wrote the item keeps it and orders
its changes: the change is sent there, which applies it or refuses it by the
same rules as a local edit, and the outcome comes back. Until then this
instance's copy stays as the item's origin last wrote it.

Kinds: incident.update, need.update, offer.update, match.create (the item is
the need), match.update. The request is the body of the local edit, as JSON.
Acts as the member whose token is in $LIFELINE_TOKEN. See what became of it
with lifeline sync changes.`,
		Example: `  lifeline sync propose --kind incident.update --item inc_4k2x… \
      --request '{"repair":{"element":"cable-peace","status":"repair_scheduled"}}'
  lifeline sync propose --kind match.create --item need_7q… \
      --request '{"need_id":"need_7q…","offer_id":"offer_2m…","quantity":4}' --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if kind == "" || item == "" || request == "" {
				return &usageError{errors.New("--kind, --item and --request: required")}
			}
			if !json.Valid([]byte(request)) {
				return &usageError{errors.New("--request: expected a JSON object, such as '{\"status\":\"closed\"}'")}
			}
			db, v, err := openAs(cmd.Context(), dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			if v.Anonymous() {
				return &usageError{fmt.Errorf("$%s: a member's token is required to propose a change", tokenEnv)}
			}
			c := &coord.Change{Kind: kind, Subject: item, Request: json.RawMessage(request), IfVersion: ifVersion}
			if err := db.ProposeChange(cmd.Context(), v, c); err != nil {
				return err
			}
			human := fmt.Sprintf("proposed %s: %s, sent to the instance that keeps %s (%s); pending until it decides", c.ID, c.What(), item, c.To[:16])
			return printResult(cmd.OutOrStdout(), asJSON, c, human)
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().StringVar(&kind, "kind", "", "incident.update, need.update, offer.update, match.create or match.update (required)")
	cmd.Flags().StringVar(&item, "item", "", "the id of the item to change; for match.create, the need (required)")
	cmd.Flags().StringVar(&request, "request", "", "the change, as the JSON body of the local edit (required)")
	cmd.Flags().Int64Var(&ifVersion, "if-version", 0, "refuse the change unless the item is still at this version")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the change as JSON")
	return cmd
}

func newSyncChangesCmd() *cobra.Command {
	var dsn, status string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "changes [--status pending|applied|refused]",
		Short: "List changes to items of other instances, and what became of them",
		Long: `List the changes proposed to items that other instances keep, as the member
whose token is in $LIFELINE_TOKEN may see them (a change is seen by those who
may see its item): pending until the item's origin decides, then applied, or
refused with the origin's reason in sentences.`,
		Example: `  lifeline sync changes --status refused
  lifeline sync changes --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, v, err := openAs(cmd.Context(), dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			var all []*coord.Change
			f := coord.ListFilter{Status: status, Limit: coord.MaxPageSize}
			for {
				page, err := db.FindChanges(cmd.Context(), v, f)
				if err != nil {
					return err
				}
				all = append(all, page.Items...)
				if page.Next == "" {
					break
				}
				f.After = page.Next
			}
			if all == nil {
				all = []*coord.Change{}
			}
			var b strings.Builder
			if len(all) == 0 {
				b.WriteString("no changes")
			}
			for i, c := range all {
				if i > 0 {
					b.WriteString("\n")
				}
				fmt.Fprintf(&b, "%s  %-8s %s — %s", c.ID, c.Status, c.Subject, c.What())
				if c.Status == coord.ChangeApplied && c.Version > 0 {
					fmt.Fprintf(&b, " (version %d)", c.Version)
				}
				if c.Reason != "" {
					fmt.Fprintf(&b, "\n    %s", c.Reason)
				}
			}
			return printResult(cmd.OutOrStdout(), asJSON, all, b.String())
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().StringVar(&status, "status", "", "only changes in this state: pending, applied or refused")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the changes as JSON")
	return cmd
}

// changesNote says what a received batch did to changes from elsewhere,
// for the line sync import prints ("" when nothing).
func changesNote(r *federation.Received) string {
	var parts []string
	if r.Decided > 0 {
		parts = append(parts, fmt.Sprintf("decided %d change(s) proposed elsewhere to items kept here", r.Decided))
	}
	if r.Answered > 0 {
		parts = append(parts, fmt.Sprintf("%d change(s) proposed here were decided (lifeline sync changes shows how)", r.Answered))
	}
	if len(parts) == 0 {
		return ""
	}
	return "; " + strings.Join(parts, "; ")
}
