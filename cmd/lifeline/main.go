// Command lifeline models the Internet's core infrastructure, simulates what
// a crisis breaks, detects disruptions and coordinates the response.
//
// Run "lifeline --help" for the commands; each command group lives in its own
// file of this package, which only wires the packages of the module together.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"lifeline"
	"lifeline/web"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the command line and returns the process exit code: 0 on
// success, 2 for bad input, 1 for any other failure.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "lifeline:", errorLine(root, args, err))
	var usage *usageError
	if errors.As(err, &usage) || lifeline.ErrorCode(err) == lifeline.EINVALID {
		return 2
	}
	return 1
}

// usageError marks a mistake on the command line itself.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "lifeline",
		Short: "Keep civilians connected through conflicts, disasters and shutdowns",
		Long: `Lifeline models the Internet's core infrastructure (submarine cables, landing
stations, land borders, networks), simulates what a crisis would break,
detects disruptions from routing data, and coordinates the response.

Every command works out of the box on an embedded starter atlas; run
"lifeline atlas fetch" once to use the full open cable map dataset.`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &usageError{fmt.Errorf("%w (see %q)", err, c.CommandPath()+" --help")}
	})
	root.AddCommand(
		newAtlasCmd(),
		newSimulateCmd(), newAssessCmd(), newAttributeCmd(),
		newBGPCmd(),
		newServeCmd(), newAdminCmd(), newOrgCmd(), newMemberCmd(),
		newWatchCmd(),
		newPeerCmd(), newSyncCmd(),
		newNormsCmd(), newBriefCmd(), newSitrepCmd(), newEvidenceCmd(),
		newExportCmd(), newImportCmd(),
	)
	return root
}

// errorLine says the error a command ends on in the language of its
// output (--lang, else the locale): a mistake the domain names with a
// catalogue key (lifeline.Errork) in the reader's words, as the web's pages
// say it; any other error, or one wrapped in the command's own words, as
// written. serve's --lang is the web's, so its errors follow the locale.
func errorLine(root *cobra.Command, args []string, err error) string {
	e, ok := err.(*lifeline.Error)
	if !ok || e.Key == "" {
		return err.Error()
	}
	flag := ""
	if c, _, ferr := root.Find(args); ferr == nil && c.Name() != "serve" {
		if f := c.Flags().Lookup("lang"); f != nil {
			flag = f.Value.String()
		}
	}
	l, lerr := chooseLang(flag)
	if lerr != nil {
		return err.Error()
	}
	return web.ErrorText(l, err)
}
