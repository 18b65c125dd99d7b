package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"lifeline"
	"lifeline/coord"
	"lifeline/ledger"
	"lifeline/store"
	"lifeline/store/postgres"
	"lifeline/store/sqlite"
	"lifeline/web/i18n"
)

// defaultDB is where the coordination store lives unless --db says
// otherwise: a SQLite file in the working directory.
const defaultDB = "lifeline.db"

// dbFlag registers --db on cmd.
func dbFlag(cmd *cobra.Command, dst *string) {
	cmd.Flags().StringVar(dst, "db", defaultDB, "the store: a SQLite file, or a postgres:// URL")
}

// openStore opens the store that --db names, saying what is wrong with
// --db in pr's language.
func openStore(ctx context.Context, pr *i18n.Printer, dsn string) (*store.DB, error) {
	if postgres.IsURL(dsn) {
		return postgres.Open(ctx, dsn)
	}
	if dsn == "" {
		return nil, &usageError{errors.New(pr.T("admin.err.db"))}
	}
	return sqlite.Open(ctx, dsn)
}

// printResult writes v as one JSON object with --json, else the human
// text.
func printResult(w io.Writer, asJSON bool, v any, human string) error {
	if asJSON {
		enc := json.NewEncoder(w)
		return enc.Encode(v)
	}
	_, err := fmt.Fprintln(w, human)
	return err
}

func newAdminCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "admin",
		Short: "Administer the coordination store: init, verify, head, rebuild, backup, restore",
		Long: `Administer the coordination store. The store keeps a signed, append-only
event log (see docs/ledger.md) and state tables projected from it.`,
	}
	cmd.AddCommand(newAdminInitCmd(), newAdminVerifyCmd(), newAdminHeadCmd(), newAdminRebuildCmd(), newAdminBackupCmd(), newAdminRestoreCmd())
	return cmd
}

func newAdminInitCmd() *cobra.Command {
	var dsn, org, name, lang string
	var endorsements int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create the instance: its signing key, the first organisation and its admin",
		Long: `Create the instance: an Ed25519 key that signs every event, the first
organisation (verified), and its first member, an instance admin. The
admin's bearer token is printed once; it is stored only as a hash.`,
		Example: `  lifeline admin init --org "Sudan connectivity desk"
  lifeline admin init --db postgres://lifeline@db/lifeline --org Ops --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			if org == "" {
				return &usageError{errors.New(pr.T("admin.err.org"))}
			}
			db, err := openStore(cmd.Context(), pr, dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			inst, err := db.Init(cmd.Context(), org, name, endorsements)
			if err != nil {
				return err
			}
			return printResult(cmd.OutOrStdout(), asJSON, inst, pr.T("admin.init.done", verbatim(inst.OrgID), verbatim(inst.MemberID), verbatim(inst.Token)))
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().StringVar(&org, "org", "", "name of the first organisation (required)")
	cmd.Flags().StringVar(&name, "name", "admin", "name of the first member")
	cmd.Flags().IntVar(&endorsements, "endorsements", 2, "endorsements by verified organisations that verify another")
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"org_id", "member_id", "token"}`)
	langFlag(cmd.Flags(), &lang)
	return cmd
}

func newAdminVerifyCmd() *cobra.Command {
	var dsn, anchor, lang string
	var asJSON, noState bool
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check the signed log and the state tables; name the first bad event or row",
		Long: `Check the whole event log: every event's hash, signature and place in the
chain; that the columns read from each event for queries (type, subject,
time, marking) say what its signed bytes say; and that the log ends with the
event its signed head names, so events removed from the end are seen. Then
compare the state tables with a replay of the log (what rebuild would
write); writes wait while that replay runs (--no-state skips it). Say how
many needs kept here have matches but no current record of their coverage,
and how many offers have matches kept here but no current record of them
(matched before coverage was recorded, docs/federation.md): lifeline serve
records them when it starts.

The signed head is printed: write it down somewhere the database's
operators cannot change (a ticket, a printed page, another organisation's
mailbox), and check later with --anchor that the log still holds it.`,
		Example: `  lifeline admin verify
  lifeline admin verify --db backup.db --json
  lifeline admin verify --anchor "1234 9f2c…e1"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			var want ledger.Head
			if anchor != "" {
				h, err := ledger.ParseAnchor(anchor)
				if err != nil {
					return &usageError{fmt.Errorf("--anchor: %w", err)}
				}
				want = h
			}
			db, err := openStore(cmd.Context(), pr, dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			out := cmd.OutOrStdout()
			n, err := db.Verify(cmd.Context())
			if err == nil && anchor != "" {
				err = db.VerifyAnchor(cmd.Context(), want)
			}
			var ve *ledger.VerifyError
			if errors.As(err, &ve) {
				if asJSON {
					printResult(out, true, map[string]any{"ok": false, "verified": n, "bad_event": ve.Seq, "reason": ve.Reason}, "")
				}
				return lifeline.Errorf(lifeline.ECONFLICT, "", "%s", pr.T("admin.verify.bad", verbatim(fmt.Sprint(ve.Seq)), ve.Reason, n, store.Recovery))
			}
			if err != nil {
				return err
			}
			head, err := db.Head(cmd.Context())
			if err != nil {
				return err
			}
			res := map[string]any{"ok": true, "verified": n, "head": head}
			if anchor != "" {
				res["anchor"] = "found"
			}
			msg := pr.T("admin.verify.ok", n)
			if !noState {
				diff, err := db.VerifyState(cmd.Context())
				if err != nil {
					return err
				}
				if diff != "" {
					if asJSON {
						printResult(out, true, map[string]any{"ok": false, "verified": n, "state": diff}, "")
					}
					return lifeline.Errorf(lifeline.ECONFLICT, "", "%s", pr.T("admin.verify.state.differ", n, diff))
				}
				res["state"] = "matches the log"
				msg += pr.T("admin.verify.state")
			}
			if anchor != "" {
				msg += pr.T("admin.verify.anchor", verbatim(fmt.Sprint(want.Seq)))
			}
			// Not a fault of the log: needs matched before coverage was
			// recorded, which serve records when it starts.
			unrecorded, err := db.UnrecordedCoverage(cmd.Context())
			if err != nil {
				return err
			}
			res["coverage_unrecorded"] = len(unrecorded)
			if len(unrecorded) > 0 {
				msg += pr.T("admin.verify.coverage", len(unrecorded))
			}
			offers, err := db.UnrecordedOfferCoverage(cmd.Context())
			if err != nil {
				return err
			}
			res["offer_coverage_unrecorded"] = len(offers)
			if len(offers) > 0 {
				msg += pr.T("admin.verify.coverage.offers", len(offers))
			}
			msg += "\n" + headLine(pr, head)
			return printResult(out, asJSON, res, msg)
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().StringVar(&anchor, "anchor", "", `a head written down earlier, "SEQ HASH" as admin head prints it: check the log still holds it`)
	cmd.Flags().BoolVar(&noState, "no-state", false, "check the log only, not the state tables (no replay; writes need not wait)")
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"ok", "verified", "head", "state", "coverage_unrecorded", "offer_coverage_unrecorded", …}`)
	langFlag(cmd.Flags(), &lang)
	return cmd
}

// headLine says the signed head for people.
func headLine(pr *i18n.Printer, h ledger.Head) string {
	if h.Seq < 0 {
		return pr.T("admin.head.line.unsigned")
	}
	return pr.T("admin.head.line", verbatim(h.String()), verbatim(fmt.Sprintf("%d %s", h.Seq, h.Hash)))
}

func newAdminHeadCmd() *cobra.Command {
	var dsn, lang string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "head",
		Short: "Print the signed head of the log, to write down elsewhere",
		Long: `Print the signed head of the event log: the sequence number and hash of its
last event and the instance key's signature over them, renewed with every
change. The key lives in the database, so whoever can write the database
can sign a shorter log: write the head down somewhere they cannot change,
and check later with lifeline admin verify --anchor that the log still
holds it. The line printed is "SEQ HASH SIGNATURE" (the signature in
base64).`,
		Example: `  lifeline admin head
  lifeline admin head --json >> /secure/anchors.jsonl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			db, err := openStore(cmd.Context(), pr, dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			h, err := db.Head(cmd.Context())
			if err != nil {
				return err
			}
			human := h.String()
			if h.Seq < 0 {
				human = pr.T("admin.head.unsigned")
			}
			return printResult(cmd.OutOrStdout(), asJSON, h, human)
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"seq", "hash", "sig"} (sig in base64)`)
	langFlag(cmd.Flags(), &lang)
	return cmd
}

func newAdminRebuildCmd() *cobra.Command {
	var dsn, lang string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "rebuild",
		Short: "Replay the event log into the state tables",
		Long: `Empty the state tables and replay the whole event log into them, verifying
each event, and rewrite the columns read from each event for queries
(type, subject, time, marking) where they differ from its signed bytes.
The state after a rebuild is the state the log describes; the command
says whether it differs from the state before.`,
		Example: `  lifeline admin rebuild --json`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			db, err := openStore(cmd.Context(), pr, dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			before, err := db.State(cmd.Context())
			if err != nil {
				return err
			}
			n, rewritten, err := db.RebuildCounted(cmd.Context())
			if err != nil {
				return err
			}
			after, err := db.State(cmd.Context())
			if err != nil {
				return err
			}
			same := before == after && rewritten == 0
			msg := pr.T("admin.rebuild.same", n)
			if before != after {
				msg = pr.T("admin.rebuild.drift", n)
			}
			if rewritten > 0 {
				msg += pr.T("admin.rebuild.columns", rewritten)
			}
			return printResult(cmd.OutOrStdout(), asJSON, map[string]any{"events": n, "unchanged": same, "columns_rewritten": rewritten}, msg)
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"events", "unchanged", "columns_rewritten"}`)
	langFlag(cmd.Flags(), &lang)
	return cmd
}

func newAdminBackupCmd() *cobra.Command {
	var dsn, out, lang string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "Write the instance key, the event log and the token hashes to a file",
		Long: `Write a backup: JSON lines holding the instance key, every event exactly as
signed, and the token hashes. It holds the signing key: keep it as secret
as the database. A backup restores into SQLite or PostgreSQL alike.`,
		Example: `  lifeline admin backup -o lifeline-backup.jsonl`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			if out == "" {
				return &usageError{errors.New(pr.T("admin.err.output"))}
			}
			db, err := openStore(cmd.Context(), pr, dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			err = writeOutput(cmd.OutOrStdout(), out, func(w io.Writer) error { return db.Backup(cmd.Context(), w) })
			if err != nil || out == "-" {
				return err
			}
			n, _ := db.Verify(cmd.Context())
			return printResult(cmd.OutOrStdout(), asJSON, map[string]any{"file": out, "events": n}, pr.T("admin.backup.done", n, verbatim(out)))
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write (- for standard output)")
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"file", "events"}`)
	langFlag(cmd.Flags(), &lang)
	return cmd
}

func newAdminRestoreCmd() *cobra.Command {
	var dsn, in, lang string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "restore",
		Short: "Restore a backup into a new, empty store",
		Long: `Restore a backup into a new, empty store: every event is verified against
the backup's key before it is stored, and the state tables are rebuilt
from the log. Nothing is written if any of it is bad.`,
		Example: `  lifeline admin restore -i lifeline-backup.jsonl --db restored.db
  lifeline admin restore -i lifeline-backup.jsonl --db postgres://lifeline@db/lifeline`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			if in == "" {
				return &usageError{errors.New(pr.T("admin.err.input"))}
			}
			r := cmd.InOrStdin()
			if in != "-" {
				f, err := os.Open(in)
				if err != nil {
					return lifeline.Errorf(lifeline.EINVALID, "", "restore: %v", err)
				}
				defer f.Close()
				r = f
			}
			db, err := openStore(cmd.Context(), pr, dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			n, err := db.Restore(cmd.Context(), r)
			if err != nil {
				return err
			}
			return printResult(cmd.OutOrStdout(), asJSON, map[string]any{"events": n}, pr.T("admin.restore.done", n))
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().StringVarP(&in, "input", "i", "", "backup file to read (- for standard input)")
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"events"}`)
	langFlag(cmd.Flags(), &lang)
	return cmd
}

// tokenEnv names the variable that holds the member token with which the
// commands that read or write coordination records act.
const tokenEnv = "LIFELINE_TOKEN"

// openAs opens the store that --db names and returns it with the member
// whose token is in $LIFELINE_TOKEN, or the anonymous viewer without one:
// such commands see and do only what that member may. Its own errors are
// in English (openStoreAs writes them in a command's language).
func openAs(ctx context.Context, dsn string) (*store.DB, coord.Viewer, error) {
	return openStoreAs(ctx, cliMessages.Printer(i18n.English), dsn)
}

// openStoreAs is openAs saying what is wrong in pr's language.
func openStoreAs(ctx context.Context, pr *i18n.Printer, dsn string) (*store.DB, coord.Viewer, error) {
	db, err := openStore(ctx, pr, dsn)
	if err != nil {
		return nil, coord.Viewer{}, err
	}
	tok := os.Getenv(tokenEnv)
	if tok == "" {
		return db, coord.Viewer{}, nil
	}
	v, err := db.Authenticate(ctx, tok)
	if err != nil {
		db.Close()
		return nil, coord.Viewer{}, lifeline.Errorf(lifeline.EINVALID, "", "%s", pr.T("admin.err.token", verbatim(tokenEnv)))
	}
	return db, v, nil
}
