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
)

// defaultDB is where the coordination store lives unless --db says
// otherwise: a SQLite file in the working directory.
const defaultDB = "lifeline.db"

// dbFlag registers --db on cmd.
func dbFlag(cmd *cobra.Command, dst *string) {
	cmd.Flags().StringVar(dst, "db", defaultDB, "the store: a SQLite file, or a postgres:// URL")
}

// openDB opens the store that --db names.
func openDB(ctx context.Context, dsn string) (*store.DB, error) {
	if postgres.IsURL(dsn) {
		return postgres.Open(ctx, dsn)
	}
	if dsn == "" {
		return nil, &usageError{errors.New("--db: empty")}
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
	var dsn, org, name string
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
			if org == "" {
				return &usageError{errors.New("--org: required")}
			}
			db, err := openDB(cmd.Context(), dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			inst, err := db.Init(cmd.Context(), org, name, endorsements)
			if err != nil {
				return err
			}
			return printResult(cmd.OutOrStdout(), asJSON, inst, fmt.Sprintf(
				"instance created\norg:    %s\nmember: %s (instance_admin)\ntoken:  %s\n(the token is shown only now: keep it)", inst.OrgID, inst.MemberID, inst.Token))
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().StringVar(&org, "org", "", "name of the first organisation (required)")
	cmd.Flags().StringVar(&name, "name", "admin", "name of the first member")
	cmd.Flags().IntVar(&endorsements, "endorsements", 2, "endorsements by verified organisations that verify another")
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"org_id", "member_id", "token"}`)
	return cmd
}

func newAdminVerifyCmd() *cobra.Command {
	var dsn, anchor string
	var asJSON, noState bool
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check the signed log and the state tables; name the first bad event or row",
		Long: `Check the whole event log: every event's hash, signature and place in the
chain; that the columns read from each event for queries (type, subject,
time, marking) say what its signed bytes say; and that the log ends with the
event its signed head names, so events removed from the end are seen. Then
compare the state tables with a replay of the log (what rebuild would
write); writes wait while that replay runs (--no-state skips it).

The signed head is printed: write it down somewhere the database's
operators cannot change (a ticket, a printed page, another organisation's
mailbox), and check later with --anchor that the log still holds it.`,
		Example: `  lifeline admin verify
  lifeline admin verify --db backup.db --json
  lifeline admin verify --anchor "1234 9f2c…e1"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var want ledger.Head
			if anchor != "" {
				h, err := ledger.ParseAnchor(anchor)
				if err != nil {
					return &usageError{fmt.Errorf("--anchor: %w", err)}
				}
				want = h
			}
			db, err := openDB(cmd.Context(), dsn)
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
				return lifeline.Errorf(lifeline.ECONFLICT, "", "the log does not verify: event %d: %s (%d events before it verify). %s", ve.Seq, ve.Reason, n, store.Recovery)
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
			msg := fmt.Sprintf("ok: %d events verify", n)
			if !noState {
				diff, err := db.VerifyState(cmd.Context())
				if err != nil {
					return err
				}
				if diff != "" {
					if asJSON {
						printResult(out, true, map[string]any{"ok": false, "verified": n, "state": diff}, "")
					}
					return lifeline.Errorf(lifeline.ECONFLICT, "", "the log verifies (%d events) but the state tables differ from a replay of it: %s; lifeline admin rebuild rewrites them from the log", n, diff)
				}
				res["state"] = "matches the log"
				msg += "; the state tables match a replay of the log"
			}
			if anchor != "" {
				msg += fmt.Sprintf("; the log holds the anchored event %d", want.Seq)
			}
			msg += "\n" + headLine(head)
			return printResult(out, asJSON, res, msg)
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().StringVar(&anchor, "anchor", "", `a head written down earlier, "SEQ HASH" as admin head prints it: check the log still holds it`)
	cmd.Flags().BoolVar(&noState, "no-state", false, "check the log only, not the state tables (no replay; writes need not wait)")
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"ok", "verified", "head", "state", …}`)
	return cmd
}

// headLine says the signed head for people.
func headLine(h ledger.Head) string {
	if h.Seq < 0 {
		return "head: not signed yet (the next change signs it)"
	}
	return "head: " + h.String() + "\n(write it down elsewhere; check it later with: lifeline admin verify --anchor \"" + fmt.Sprintf("%d %s", h.Seq, h.Hash) + "\")"
}

func newAdminHeadCmd() *cobra.Command {
	var dsn string
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
			db, err := openDB(cmd.Context(), dsn)
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
				human = "the head is not signed yet: the next change signs it"
			}
			return printResult(cmd.OutOrStdout(), asJSON, h, human)
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"seq", "hash", "sig"} (sig in base64)`)
	return cmd
}

func newAdminRebuildCmd() *cobra.Command {
	var dsn string
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
			db, err := openDB(cmd.Context(), dsn)
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
			msg := fmt.Sprintf("rebuilt from %d events; state unchanged", n)
			if before != after {
				msg = fmt.Sprintf("rebuilt from %d events; the state tables had drifted from the log and now match it", n)
			}
			if rewritten > 0 {
				msg += fmt.Sprintf("; the query columns of %d events differed from their signed bytes and were rewritten", rewritten)
			}
			return printResult(cmd.OutOrStdout(), asJSON, map[string]any{"events": n, "unchanged": same, "columns_rewritten": rewritten}, msg)
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"events", "unchanged", "columns_rewritten"}`)
	return cmd
}

func newAdminBackupCmd() *cobra.Command {
	var dsn, out string
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
			if out == "" {
				return &usageError{errors.New("-o: required (use - for standard output)")}
			}
			db, err := openDB(cmd.Context(), dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			err = writeOutput(cmd.OutOrStdout(), out, func(w io.Writer) error { return db.Backup(cmd.Context(), w) })
			if err != nil || out == "-" {
				return err
			}
			n, _ := db.Verify(cmd.Context())
			return printResult(cmd.OutOrStdout(), asJSON, map[string]any{"file": out, "events": n}, fmt.Sprintf("backup of %d events written to %s", n, out))
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write (- for standard output)")
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"file", "events"}`)
	return cmd
}

func newAdminRestoreCmd() *cobra.Command {
	var dsn, in string
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
			if in == "" {
				return &usageError{errors.New("-i: required (use - for standard input)")}
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
			db, err := openDB(cmd.Context(), dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			n, err := db.Restore(cmd.Context(), r)
			if err != nil {
				return err
			}
			return printResult(cmd.OutOrStdout(), asJSON, map[string]any{"events": n}, fmt.Sprintf("restored %d events", n))
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().StringVarP(&in, "input", "i", "", "backup file to read (- for standard input)")
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"events"}`)
	return cmd
}

// tokenEnv names the variable that holds the member token with which the
// commands that read or write coordination records act.
const tokenEnv = "LIFELINE_TOKEN"

// openAs opens the store that --db names and returns it with the member
// whose token is in $LIFELINE_TOKEN, or the anonymous viewer without one:
// such commands see and do only what that member may.
func openAs(ctx context.Context, dsn string) (*store.DB, coord.Viewer, error) {
	db, err := openDB(ctx, dsn)
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
		return nil, coord.Viewer{}, lifeline.Errorf(lifeline.EINVALID, "", "$%s: the token is unknown or revoked", tokenEnv)
	}
	return db, v, nil
}
