package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"lifeline"
	"lifeline/coord"
	"lifeline/watch"
	"lifeline/web/i18n"
)

// submitDrafts files the confirmed drafts as incidents awaiting review
// (coord.Drafter) and prints what each became, in the printer's language.
func submitDrafts(cmd *cobra.Command, pr *i18n.Printer, dsn string, drafts []watch.Draft, asJSON bool) error {
	ctx := cmd.Context()
	db, v, err := openStoreAs(ctx, pr, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if v.Anonymous() {
		return lifeline.Errorf(lifeline.EINVALID, "", "%s", pr.T("submit.err.token", verbatim(tokenEnv)))
	}
	d := &coord.Drafter{Incidents: db, By: v}
	type filed struct {
		Title    string `json:"title"`
		Incident string `json:"incident,omitempty"`
		Skipped  string `json:"skipped,omitempty"`
	}
	out := []filed{}
	for _, dr := range drafts {
		if dr.Status != watch.StatusConfirmed {
			out = append(out, filed{Title: dr.Title, Skipped: "suspected: one kind of signal only"})
			continue
		}
		id, err := d.DraftIncident(ctx, dr)
		if err != nil {
			return fmt.Errorf("%s: %w", pr.T("submit.err.file", dr.Title), err)
		}
		out = append(out, filed{Title: dr.Title, Incident: id})
	}
	if asJSON {
		return writeJSON(cmd.OutOrStdout(), map[string]any{"filed": out})
	}
	for _, f := range out {
		if f.Incident != "" {
			fmt.Fprintln(cmd.OutOrStdout(), pr.T("submit.filed", f.Title, verbatim(f.Incident)))
		} else {
			// The JSON keeps the reason in English, as data.
			fmt.Fprintln(cmd.OutOrStdout(), pr.T("submit.suspected", f.Title))
		}
	}
	return nil
}
