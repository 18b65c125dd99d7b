package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"lifeline/coord"
	"lifeline/federation"
	"lifeline/web/i18n"
)

func newSyncProposeCmd() *cobra.Command {
	var dsn, kind, item, request, lang string
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
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			if kind == "" || item == "" || request == "" {
				return &usageError{errors.New(pr.T("change.err.required"))}
			}
			if !json.Valid([]byte(request)) {
				return &usageError{errors.New(pr.T("change.err.request", verbatim(`'{"status":"closed"}'`)))}
			}
			db, v, err := openStoreAs(cmd.Context(), pr, dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			if v.Anonymous() {
				return &usageError{errors.New(pr.T("change.err.token", verbatim(tokenEnv)))}
			}
			c := &coord.Change{Kind: kind, Subject: item, Request: json.RawMessage(request), IfVersion: ifVersion}
			if err := db.ProposeChange(cmd.Context(), v, c); err != nil {
				return err
			}
			human := pr.T("change.proposed", verbatim(c.ID), changeWhat(pr, c), verbatim(item), verbatim(c.To[:16]))
			return printResult(cmd.OutOrStdout(), asJSON, c, human)
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().StringVar(&kind, "kind", "", "incident.update, need.update, offer.update, match.create or match.update (required)")
	cmd.Flags().StringVar(&item, "item", "", "the id of the item to change; for match.create, the need (required)")
	cmd.Flags().StringVar(&request, "request", "", "the change, as the JSON body of the local edit (required)")
	cmd.Flags().Int64Var(&ifVersion, "if-version", 0, "refuse the change unless the item is still at this version")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the change as JSON")
	langFlag(cmd.Flags(), &lang)
	return cmd
}

func newSyncChangesCmd() *cobra.Command {
	var dsn, status, lang string
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
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			db, v, err := openStoreAs(cmd.Context(), pr, dsn)
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
				b.WriteString(pr.T("change.none"))
			}
			width := 0
			for _, s := range coord.ChangeStatuses {
				width = max(width, utf8.RuneCountInString(changeStatus(pr, s)))
			}
			for i, c := range all {
				if i > 0 {
					b.WriteString("\n")
				}
				fmt.Fprintf(&b, "%s  %-*s %s — %s", c.ID, width, changeStatus(pr, c.Status), c.Subject, changeWhat(pr, c))
				if c.Status == coord.ChangeApplied && c.Version > 0 {
					b.WriteString(pr.T("change.version", c.Version))
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
	langFlag(cmd.Flags(), &lang)
	return cmd
}

// changesNote says what a received batch did to changes from elsewhere,
// for the line sync import prints ("" when nothing).
func changesNote(pr *i18n.Printer, r *federation.Received) string {
	var parts []string
	if r.Decided > 0 {
		parts = append(parts, pr.T("change.decided", r.Decided))
	}
	if r.Answered > 0 {
		parts = append(parts, pr.T("change.answered", r.Answered, verbatim("lifeline sync changes")))
	}
	if len(parts) == 0 {
		return ""
	}
	sep := pr.T("change.sep")
	return sep + strings.Join(parts, sep)
}

// changeStatus names a change's state (pending, applied, refused) in the
// printer's language.
func changeStatus(pr *i18n.Printer, s string) string {
	switch s {
	case coord.ChangePending:
		return pr.T("change.status.pending")
	case coord.ChangeApplied:
		return pr.T("change.status.applied")
	case coord.ChangeRefused:
		return pr.T("change.status.refused")
	}
	return s
}

// changeWhat says what a change does, as coord.Change.What does in
// English, in the printer's language: the element, the statuses and the
// request's field names stay as the API spells them.
func changeWhat(pr *i18n.Printer, c *coord.Change) string {
	names := c.FieldNames()
	switch c.Kind {
	case coord.ChangeMatchCreate:
		return pr.T("change.what.match.create")
	case coord.ChangeMatchUpdate:
		var u coord.MatchUpdate
		_ = json.Unmarshal(c.Request, &u)
		return pr.T("change.what.match.update", verbatim(u.Status))
	case coord.ChangeIncidentUpdate:
		var u coord.IncidentUpdate
		_ = json.Unmarshal(c.Request, &u)
		if u.Repair != nil && len(names) == 1 {
			return pr.T("change.what.repair", verbatim(u.Repair.Element), verbatim(u.Repair.Status))
		}
	}
	list := verbatim(strings.Join(names, ", "))
	switch item := strings.SplitN(c.Kind, ".", 2)[0]; {
	case item == "incident" && len(names) == 0:
		return pr.T("change.what.incident")
	case item == "incident":
		return pr.T("change.what.incident.fields", list)
	case item == "need" && len(names) == 0:
		return pr.T("change.what.need")
	case item == "need":
		return pr.T("change.what.need.fields", list)
	case item == "offer" && len(names) == 0:
		return pr.T("change.what.offer")
	case item == "offer":
		return pr.T("change.what.offer.fields", list)
	case item == "match" && len(names) == 0:
		return pr.T("change.what.match")
	case item == "match":
		return pr.T("change.what.match.fields", list)
	}
	return c.What()
}
