package main

import (
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"lifeline/coord"
)

func newOrgCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "org",
		Short: "Manage the organisations taking part in the coordination",
	}
	cmd.AddCommand(newOrgAddCmd(), newOrgListCmd(), newOrgVerifyCmd())
	return cmd
}

func newOrgAddCmd() *cobra.Command {
	var dsn, name, kind, lang string
	var countries []string
	var asns []uint
	var verified, asJSON bool
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Add an organisation",
		Long: `Add an organisation. Kinds: government, regulator, operator, ixp,
cable_owner, satellite_operator, civil_society, international_org,
humanitarian, research, other. --verified verifies it at once (an instance
admin's act); otherwise verified organisations endorse it through the API.`,
		Example: `  lifeline org add --name "Sudatel" --kind operator --country SD --asn 15706 --verified
  lifeline org add --name "Digital rights NGO" --kind civil_society --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			if name == "" || kind == "" {
				return &usageError{errors.New(pr.T("org.err.required"))}
			}
			db, err := openStore(cmd.Context(), pr, dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			o := &coord.Org{Name: name, Kind: coord.OrgKind(kind), Countries: countries, Verified: verified}
			for _, a := range asns {
				o.ASNs = append(o.ASNs, uint32(a))
			}
			if err := db.CreateOrg(cmd.Context(), coord.System, o); err != nil {
				return err
			}
			return printResult(cmd.OutOrStdout(), asJSON, map[string]string{"org_id": o.ID}, o.ID)
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().StringVar(&name, "name", "", "name (required)")
	cmd.Flags().StringVar(&kind, "kind", "", "kind (required), e.g. operator")
	cmd.Flags().StringSliceVar(&countries, "country", nil, "ISO 3166-1 alpha-2 code of a country it works in (repeatable)")
	cmd.Flags().UintSliceVar(&asns, "asn", nil, "an AS number it operates (repeatable)")
	cmd.Flags().BoolVar(&verified, "verified", false, "verify it now")
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"org_id"}`)
	langFlag(cmd.Flags(), &lang)
	return cmd
}

func newOrgListCmd() *cobra.Command {
	var dsn, lang string
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List the organisations",
		Example: `  lifeline org list --json`,
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
			var all []*coord.Org
			f := coord.ListFilter{Limit: coord.MaxPageSize}
			for {
				p, err := db.FindOrgs(cmd.Context(), coord.System, f)
				if err != nil {
					return err
				}
				all = append(all, p.Items...)
				if p.Next == "" {
					break
				}
				f.After = p.Next
			}
			if asJSON {
				return printResult(cmd.OutOrStdout(), true, map[string]any{"items": all}, "")
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, pr.T("org.list.head"))
			yes, no := pr.T("org.list.yes"), pr.T("org.list.no")
			for _, o := range all {
				verified := no
				if o.Verified {
					verified = yes
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", o.ID, o.Kind, verified, o.Name)
			}
			return tw.Flush()
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"items": […]}`)
	langFlag(cmd.Flags(), &lang)
	return cmd
}

func newOrgVerifyCmd() *cobra.Command {
	var dsn, lang string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "verify ORG_ID",
		Short: "Verify an organisation (an instance admin's act)",
		Long: `Verify an organisation at once, as an instance admin. Verified
organisations' members see TLP:GREEN items and may verify incidents; an
organisation is also verified once enough verified organisations endorse
it (POST /api/v1/orgs/{id}/endorse).`,
		Example: `  lifeline org verify org_abc --json`,
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
			o, err := db.VerifyOrg(cmd.Context(), coord.System, args[0])
			if err != nil {
				return err
			}
			return printResult(cmd.OutOrStdout(), asJSON, map[string]any{"org_id": o.ID, "verified": o.Verified}, pr.T("org.verified", verbatim(o.ID)))
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"org_id", "verified"}`)
	langFlag(cmd.Flags(), &lang)
	return cmd
}
