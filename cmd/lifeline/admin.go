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
		Short: "Administer the coordination store: init, verify, rebuild, backup, restore",
		Long: `Administer the coordination store. The store keeps a signed, append-only
event log (see docs/ledger.md) and state tables projected from it.`,
	}
	cmd.AddCommand(newAdminInitCmd(), newAdminVerifyCmd(), newAdminRebuildCmd(), newAdminBackupCmd(), newAdminRestoreCmd())
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
	var dsn string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check every event's hash, signature and order; name the first bad one",
		Example: `  lifeline admin verify
  lifeline admin verify --db backup.db --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := openDB(cmd.Context(), dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			n, err := db.Verify(cmd.Context())
			var ve *ledger.VerifyError
			if errors.As(err, &ve) {
				if asJSON {
					printResult(cmd.OutOrStdout(), true, map[string]any{"ok": false, "verified": n, "bad_event": ve.Seq, "reason": ve.Reason}, "")
				}
				return lifeline.Errorf(lifeline.ECONFLICT, "", "the log does not verify: event %d: %s (%d events before it verify)", ve.Seq, ve.Reason, n)
			}
			if err != nil {
				return err
			}
			return printResult(cmd.OutOrStdout(), asJSON, map[string]any{"ok": true, "verified": n}, fmt.Sprintf("ok: %d events verify", n))
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"ok", "verified", …}`)
	return cmd
}

func newAdminRebuildCmd() *cobra.Command {
	var dsn string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "rebuild",
		Short: "Replay the event log into the state tables",
		Long: `Empty the state tables and replay the whole event log into them, verifying
each event. The state after a rebuild is the state the log describes; the
command says whether it differs from the state before.`,
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
			n, err := db.Rebuild(cmd.Context())
			if err != nil {
				return err
			}
			after, err := db.State(cmd.Context())
			if err != nil {
				return err
			}
			same := before == after
			msg := fmt.Sprintf("rebuilt from %d events; state unchanged", n)
			if !same {
				msg = fmt.Sprintf("rebuilt from %d events; the state tables had drifted from the log and now match it", n)
			}
			return printResult(cmd.OutOrStdout(), asJSON, map[string]any{"events": n, "unchanged": same}, msg)
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"events", "unchanged"}`)
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
