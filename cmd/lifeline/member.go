package main

import (
	"errors"

	"github.com/spf13/cobra"

	"lifeline/coord"
)

func newMemberCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "member",
		Short: "Manage the members of organisations and their tokens",
	}
	cmd.AddCommand(newMemberAddCmd())
	return cmd
}

func newMemberAddCmd() *cobra.Command {
	var dsn, org, role, name, contact, lang string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Add a member and print its bearer token, once",
		Long: `Add a member to an organisation. Roles: viewer, reporter, coordinator,
org_admin, instance_admin. The bearer token is printed once and stored only
as a hash.`,
		Example: `  lifeline member add --org org_abc --role coordinator --name "Amal" --json`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			if org == "" || role == "" || name == "" {
				return &usageError{errors.New(pr.T("member.err.required"))}
			}
			db, err := openStore(cmd.Context(), pr, dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			m := &coord.Member{OrgID: org, Role: coord.Role(role), Name: name, Contact: contact}
			tok, err := db.CreateMember(cmd.Context(), coord.System, m)
			if err != nil {
				return err
			}
			return printResult(cmd.OutOrStdout(), asJSON, map[string]string{"member_id": m.ID, "token": tok},
				pr.T("member.add.done", verbatim(m.ID), verbatim(tok)))
		},
	}
	dbFlag(cmd, &dsn)
	cmd.Flags().StringVar(&org, "org", "", "organisation id (required)")
	cmd.Flags().StringVar(&role, "role", "", "role (required): viewer, reporter, coordinator, org_admin or instance_admin")
	cmd.Flags().StringVar(&name, "name", "", "name (required)")
	cmd.Flags().StringVar(&contact, "contact", "", "how to reach the member")
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"member_id", "token"}`)
	langFlag(cmd.Flags(), &lang)
	return cmd
}
