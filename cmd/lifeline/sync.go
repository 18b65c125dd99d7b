package main

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"lifeline/coord"
	"lifeline/federation"
	"lifeline/fedhttp"
	"lifeline/store"
)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func newSyncCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Exchange with peers by offline bundles, or pull from them now",
		Long: `Exchange events with peers without a standing connection. A bundle is one
signed, compressed file holding what one peer may receive (the same TLP rule
as every other path): carry it on a USB stick, send it by e-mail or over a
satellite link that is up ten minutes a day. Import verifies a bundle whole
before applying anything, takes the same bundle twice without change, and
takes bundles in any order. See docs/federation.md.`,
	}
	cmd.AddCommand(newSyncExportCmd(), newSyncImportCmd(), newSyncPullCmd(), newSyncProposeCmd(), newSyncChangesCmd())
	return cmd
}

func newSyncExportCmd() *cobra.Command {
	var dsn, peer, out, lang string
	var since int64
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "export --peer FINGERPRINT -o FILE",
		Short: "Write what a peer may receive as one signed bundle",
		Long: `Write a bundle for a peer: the events after --since that it may receive.
Without --since the bundle starts where the last bundle for that peer ended,
so successive bundles carry only what is new; --since 0 starts from the
beginning (the peer skips what it has). A bundle holds at most 100,000
events; the command says when more remain.`,
		Example: `  lifeline sync export --peer 3f2a91c0 -o /media/usb/to-port-sudan.llb
  lifeline sync export --peer 3f2a91c0 --since 0 -o everything.llb --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			if peer == "" || out == "" {
				return &usageError{errors.New(pr.T("sync.err.required"))}
			}
			db, err := openStore(cmd.Context(), pr, dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			p, err := findPeer(cmd.Context(), pr, db, peer)
			if err != nil {
				return err
			}
			from := p.Exported
			if cmd.Flags().Changed("since") {
				from = since
			}
			wire, until, err := db.Outgoing(cmd.Context(), p.Fingerprint, from, store.MaxOutgoing)
			if err != nil {
				return err
			}
			if err := writeOutput(cmd.OutOrStdout(), out, func(w io.Writer) error { return federation.WriteBundle(w, wire) }); err != nil {
				return err
			}
			if err := db.MarkExported(cmd.Context(), p.Fingerprint, until); err != nil {
				return err
			}
			head, err := db.Position(cmd.Context())
			if err != nil {
				return err
			}
			_, _, _, _, events, err := federation.Summary(wire)
			if err != nil {
				return err
			}
			res := map[string]any{"file": out, "peer": p.Fingerprint, "since": from, "until": until, "events": events, "more": until < head}
			// Positions as typed after --since; the count in the
			// language's digits.
			human := pr.T("sync.export.done", verbatim(out), p.Name, events, verbatim(fmt.Sprint(from)), verbatim(fmt.Sprint(until)))
			if until < head {
				human += "\n" + pr.T("sync.export.more")
			}
			return printResult(cmd.OutOrStdout(), asJSON, res, human)
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().StringVar(&peer, "peer", "", "the peer's fingerprint, or its first 8 hex digits or more (required)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "the bundle file to write (required)")
	cmd.Flags().Int64Var(&since, "since", 0, "start after this position (default: where the last bundle for the peer ended)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print what was written as JSON")
	langFlag(cmd.Flags(), &lang)
	return cmd
}

func newSyncImportCmd() *cobra.Command {
	var dsn, lang string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "import FILE…",
		Short: "Verify and apply bundles from peers",
		Long: `Import bundles. Each is verified whole — the sender is a peer, its
signature, every event's origin signature, that it was made for this
instance — before anything of it is applied, and applied in one transaction.
A bundle that fails changes nothing and the command says why; the others
are still imported.`,
		Example: `  lifeline sync import /media/usb/*.llb
  lifeline sync import from-khartoum.llb --json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			db, err := openStore(cmd.Context(), pr, dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			var results []any
			refused := 0
			for _, name := range args {
				r, err := importBundle(cmd, db, name)
				if err != nil {
					refused++
					results = append(results, map[string]string{"file": name, "error": err.Error()})
					if !asJSON {
						fmt.Fprintf(cmd.ErrOrStderr(), "lifeline: %s: %v\n", name, err)
					}
					continue
				}
				results = append(results, map[string]any{"file": name, "result": r})
				if !asJSON {
					if r.Repeated {
						fmt.Fprintln(cmd.OutOrStdout(), pr.T("sync.import.repeated", verbatim(name)))
					} else {
						fmt.Fprintln(cmd.OutOrStdout(), pr.T("sync.import.done", verbatim(name), r.Applied, r.Skipped)+changesNote(pr, r))
					}
				}
			}
			if asJSON {
				if err := writeJSON(cmd.OutOrStdout(), results); err != nil {
					return err
				}
			}
			if refused > 0 {
				return errors.New(pr.T("sync.import.refused", refused, len(args)))
			}
			return nil
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one result per file as JSON")
	langFlag(cmd.Flags(), &lang)
	return cmd
}

func importBundle(cmd *cobra.Command, db *store.DB, name string) (*federation.Received, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	wire, err := federation.ReadBundle(f, name)
	if err != nil {
		return nil, err
	}
	return db.Receive(cmd.Context(), wire)
}

func newSyncPullCmd() *cobra.Command {
	var dsn, peer, lang string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "pull [--peer FINGERPRINT]",
		Short: "Pull now from every peer with a URL (or one)",
		Long: `Pull what the peers have for this instance, now: for a link that is up a
few minutes at a time, or from cron. "lifeline serve" also pulls on its own.`,
		Example: `  lifeline sync pull
  lifeline sync pull --peer 3f2a91c0 --json`,
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
			key, err := db.SigningKey(cmd.Context())
			if err != nil {
				return err
			}
			client := fedhttp.NewClient(db, key, coord.System, nil, nil)
			peers, err := db.FindPeers(cmd.Context(), coord.System)
			if err != nil {
				return err
			}
			if peer != "" {
				p, err := findPeer(cmd.Context(), pr, db, peer)
				if err != nil {
					return err
				}
				peers = []*federation.PeerStatus{p}
			}
			type result struct {
				Peer    string `json:"peer"`
				Name    string `json:"name"`
				Applied int    `json:"applied"`
				Error   string `json:"error,omitempty"`
			}
			var out []result
			var failed int
			for _, p := range peers {
				if p.URL == "" || p.Suspended {
					continue
				}
				n, err := client.PullOnce(cmd.Context(), p)
				r := result{Peer: p.Fingerprint, Name: p.Name, Applied: n}
				if err != nil {
					r.Error = err.Error()
					failed++
				}
				out = append(out, r)
				if !asJSON {
					if err != nil {
						fmt.Fprintf(cmd.ErrOrStderr(), "lifeline: %s: %v\n", p.Name, err)
					} else {
						fmt.Fprintln(cmd.OutOrStdout(), pr.T("sync.pull.done", p.Name, n))
					}
				}
			}
			if asJSON {
				if out == nil {
					out = []result{}
				}
				if err := writeJSON(cmd.OutOrStdout(), out); err != nil {
					return err
				}
			}
			if failed > 0 {
				return errors.New(pr.T("sync.pull.failed", failed))
			}
			return nil
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().StringVar(&peer, "peer", "", "pull only from this peer")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one result per peer as JSON")
	langFlag(cmd.Flags(), &lang)
	return cmd
}
