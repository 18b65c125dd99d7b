package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"lifeline"
	"lifeline/coord"
	"lifeline/federation"
	"lifeline/store"
	"lifeline/web/i18n"
)

func newPeerCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "peer",
		Short: "Manage the other instances this one shares with",
		Long: `Manage the peers of this instance: other Lifeline instances it shares
incidents, needs, offers and matches with, under the same TLP rule as
everywhere else (docs/federation.md). A peer is known by its Ed25519 key;
compare its fingerprint with the peer's administrators out of band (by
telephone, in person) before adding it. "lifeline peer self" prints this
instance's key and fingerprint to give them.`,
	}
	cmd.AddCommand(newPeerSelfCmd(), newPeerAddCmd(), newPeerListCmd(), newPeerUpdateCmd(), newPeerRemoveCmd())
	return cmd
}

func newPeerSelfCmd() *cobra.Command {
	var dsn, lang string
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "self",
		Short:   "Print this instance's key and fingerprint, to give to a peer",
		Example: `  lifeline peer self`,
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
			key, fp, err := db.Self(cmd.Context())
			if err != nil {
				return err
			}
			out := map[string]string{"key": b64(key), "fingerprint": fp, "short": federation.ShortFingerprint(key)}
			return printResult(cmd.OutOrStdout(), asJSON, out,
				pr.T("peer.self", verbatim(out["key"]), verbatim(fp), verbatim(out["short"])))
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"key", "fingerprint", "short"}`)
	langFlag(cmd.Flags(), &lang)
	return cmd
}

func newPeerAddCmd() *cobra.Command {
	var dsn, name, url, key, lang string
	var orgs []string
	var community, asJSON bool
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Add a peer by its key (and its URL, unless it is reached by bundles only)",
		Long: `Add a peer. --key is the peer's public key as "lifeline peer self" prints it
there; the fingerprint printed here must match the one its administrators
read to you. --org names an organisation the peer hosts (repeatable): what is
shared with that organisation goes to this peer. --community puts the peer in
this instance's TLP:GREEN community.`,
		Example: `  lifeline peer add --name "ETC Port Sudan" --url https://etc.example.org \
      --key 7s1N6cJ6...= --org org_4k2x... --community
  lifeline peer add --name "Field office (USB only)" --key 3f2a91c0...`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			if name == "" || key == "" {
				return &usageError{errors.New(pr.T("peer.err.required"))}
			}
			k, err := federation.ParseKey(key)
			if err != nil {
				return err
			}
			db, err := openStore(cmd.Context(), pr, dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			p := &federation.Peer{Name: name, URL: url, Key: k, Orgs: orgs, Community: community}
			if err := db.AddPeer(cmd.Context(), coord.System, p); err != nil {
				return err
			}
			return printResult(cmd.OutOrStdout(), asJSON, p,
				pr.T("peer.added", name, verbatim(p.Fingerprint), verbatim(federation.ShortFingerprint(k))))
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().StringVar(&name, "name", "", "what to call it here (required)")
	cmd.Flags().StringVar(&url, "url", "", "where it serves /federation/v1/ (https://…); leave out for a peer reached only by bundles")
	cmd.Flags().StringVar(&key, "key", "", "its public key, base64 or hex (required)")
	cmd.Flags().StringSliceVar(&orgs, "org", nil, "id of an organisation it hosts (repeatable)")
	cmd.Flags().BoolVar(&community, "community", false, "share TLP:GREEN with it")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the peer as JSON")
	langFlag(cmd.Flags(), &lang)
	return cmd
}

func newPeerListCmd() *cobra.Command {
	var dsn, lang string
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List the peers, with what was exchanged and when",
		Example: `  lifeline peer list --json`,
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
			peers, err := db.FindPeers(cmd.Context(), coord.System)
			if err != nil {
				return err
			}
			if asJSON {
				if peers == nil {
					peers = []*federation.PeerStatus{}
				}
				return writeJSON(cmd.OutOrStdout(), peers)
			}
			if len(peers) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), pr.T("peer.none", verbatim("lifeline peer add --help")))
				return nil
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, pr.T("peer.list.head"))
			for _, p := range peers {
				state := pr.T("peer.state.bundles")
				if p.URL != "" {
					state = p.URL
				}
				if p.Suspended {
					state = pr.T("peer.state.suspended")
				}
				contact := pr.T("peer.never")
				if !p.LastContact.IsZero() {
					contact = ltime(pr, p.LastContact)
				}
				// The position pulled is where --since starts: written
				// as typed; the counts in the language's digits.
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", federation.ShortFingerprint(p.Key), p.Name, state, p.Pulled,
					pr.Num(p.Received), pr.Num(p.Refused), contact, p.LastError)
			}
			return tw.Flush()
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the peers as JSON")
	langFlag(cmd.Flags(), &lang)
	return cmd
}

// findPeer finds the peer a fingerprint names: the whole of it, or its
// beginning (at least 8 hex digits, spaces allowed as printed); what is
// wrong with arg is said in pr's language.
func findPeer(ctx context.Context, pr *i18n.Printer, db *store.DB, arg string) (*federation.PeerStatus, error) {
	want := strings.ToLower(strings.ReplaceAll(arg, " ", ""))
	if len(want) < 8 {
		return nil, &usageError{errors.New(pr.T("peer.err.short", verbatim(arg)))}
	}
	peers, err := db.FindPeers(ctx, coord.System)
	if err != nil {
		return nil, err
	}
	var found []*federation.PeerStatus
	for _, p := range peers {
		if strings.HasPrefix(p.Fingerprint, want) {
			found = append(found, p)
		}
	}
	switch len(found) {
	case 0:
		return nil, lifeline.Errorf(lifeline.ENOTFOUND, "", "%s", pr.T("peer.err.none", verbatim(arg)))
	case 1:
		return found[0], nil
	}
	return nil, lifeline.Errorf(lifeline.EINVALID, "", "%s", pr.T("peer.err.many", len(found), verbatim(arg)))
}

func newPeerUpdateCmd() *cobra.Command {
	var dsn, name, url, lang string
	var orgs []string
	var community, suspend, resume, asJSON bool
	cmd := &cobra.Command{
		Use:   "update FINGERPRINT",
		Short: "Change a peer's name, URL, organisations or community; suspend or resume it",
		Long: `Change a peer. Only the flags given change. --suspend stops all exchange
with the peer at once, both ways, until --resume; what it sent stays.`,
		Example: `  lifeline peer update 3f2a91c0 --suspend
  lifeline peer update 3f2a91c0 --org org_4k2x --org org_9q1m --community=true`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			if suspend && resume {
				return &usageError{errors.New(pr.T("peer.err.both"))}
			}
			db, err := openStore(cmd.Context(), pr, dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			ps, err := findPeer(cmd.Context(), pr, db, args[0])
			if err != nil {
				return err
			}
			p := ps.Peer
			f := cmd.Flags()
			if f.Changed("name") {
				p.Name = name
			}
			if f.Changed("url") {
				p.URL = url
			}
			if f.Changed("org") {
				p.Orgs = orgs
			}
			if f.Changed("community") {
				p.Community = community
			}
			if suspend || resume {
				p.Suspended = suspend
			}
			out, err := db.UpdatePeer(cmd.Context(), coord.System, &p)
			if err != nil {
				return err
			}
			return printResult(cmd.OutOrStdout(), asJSON, out, pr.T("peer.updated", out.Name))
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().StringVar(&name, "name", "", "new name")
	cmd.Flags().StringVar(&url, "url", "", "new URL (empty: bundles only)")
	cmd.Flags().StringSliceVar(&orgs, "org", nil, "the organisations it hosts, all of them (repeatable)")
	cmd.Flags().BoolVar(&community, "community", false, "share TLP:GREEN with it")
	cmd.Flags().BoolVar(&suspend, "suspend", false, "stop all exchange with it")
	cmd.Flags().BoolVar(&resume, "resume", false, "lift a suspension")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the peer as JSON")
	langFlag(cmd.Flags(), &lang)
	return cmd
}

func newPeerRemoveCmd() *cobra.Command {
	var dsn, lang string
	cmd := &cobra.Command{
		Use:     "remove FINGERPRINT",
		Short:   "Forget a peer: it can no longer pull, notify or send bundles",
		Example: `  lifeline peer remove 3f2a91c0`,
		Args:    cobra.ExactArgs(1),
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
			p, err := findPeer(cmd.Context(), pr, db, args[0])
			if err != nil {
				return err
			}
			if err := db.RemovePeer(cmd.Context(), coord.System, p.Fingerprint); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), pr.T("peer.removed", p.Name))
			return nil
		},
	}
	dbFlag(cmd, &dsn)
	langFlag(cmd.Flags(), &lang)
	return cmd
}
