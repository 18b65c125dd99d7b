package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"lifeline/mrt"
	"lifeline/web/i18n"
)

func newBGPCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bgp",
		Short: "Read BGP routing data: MRT dumps from RIPE RIS, RouteViews and routers",
	}
	cmd.AddCommand(newBGPDumpCmd())
	return cmd
}

func newBGPDumpCmd() *cobra.Command {
	var (
		keepGoing bool
		workers   int
		mask      bool
		lang      string
	)
	cmd := &cobra.Command{
		Use:   "dump [--keep-going] [--workers N] FILE…",
		Short: "Print MRT files one route per line, exactly as bgpdump -m does",
		Long: `Print the routes in MRT files (RFC 6396) one per line, byte for byte as
"bgpdump -m" (version 1.6.2) prints them, so that scripts written for bgpdump
work unchanged, only faster. Files may be plain, gzip or bzip2: the content
says which, not the name. Output goes to stdout, in file and record order.

Each line has '|'-separated fields:

  TYPE|TIME|B or A|PEER_IP|PEER_AS|PREFIX|AS_PATH|ORIGIN|NEXT_HOP|LOCAL_PREF|MED|COMMUNITIES|AG|AGGREGATOR|
  TYPE|TIME|W|PEER_IP|PEER_AS|PREFIX
  TYPE|TIME|STATE|PEER_IP|PEER_AS|OLD_STATE|NEW_STATE

  TYPE         TABLE_DUMP, TABLE_DUMP2 (RIB snapshots) or BGP4MP, BGP4MP_ET
               (update streams); _AP means ADD-PATH, where a PATH_ID field
               follows PREFIX; _LOCAL marks messages the collector sent
  TIME         Unix seconds of the record (of the dump, for RIB entries);
               BGP4MP_ET adds .microseconds
  B, A, W      a RIB entry, an announcement, a withdrawal
  AS_PATH      space-separated; {a,b} is an AS_SET, (a b) and [a,b] are
               confederation segments; AS4_PATH is merged in as bgpdump does
  ORIGIN       IGP, EGP or INCOMPLETE
  LOCAL_PREF   0 when absent, like MED
  COMMUNITIES  space-separated AS:value, or no-export, no-advertise, local-AS
  AG           AG if ATOMIC_AGGREGATE is set, else NAG
  AGGREGATOR   "AS address", or empty
  STATE        BGP session states: 1 Idle, 2 Connect, 3 Active, 4 OpenSent,
               5 OpenConfirm, 6 Established

Records that bgpdump -m prints nothing for (OPEN, KEEPALIVE, NOTIFICATION,
the peer index, multicast and generic RIB records) print nothing here either.

A corrupt or truncated record stops the dump with an error that names the
file and the record's byte offset in the decompressed stream, after the
lines of every record before it. With --keep-going the record is reported
on stderr and skipped. docs/mrt.md has the details.`,
		Example: `  # All announcements and withdrawals of a RIS update file
  lifeline bgp dump updates.20150401.0000.gz

  # The origin AS of every route in a RouteViews RIB, skipping bad records
  lifeline bgp dump --keep-going rib.20150401.0000.bz2 | awk -F'|' '{n=split($7,p," "); print $6, p[n]}'`,
		Args: func(cmd *cobra.Command, args []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			if len(args) == 0 {
				return &usageError{errors.New(pr.T("bgp.err.files", strconv.Quote(cmd.CommandPath()+" --help")))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			out := bufio.NewWriterSize(cmd.OutOrStdout(), 1<<20)
			opt := mrt.DumpOptions{Workers: workers, Format: mrt.FormatOptions{MaskTrailingBits: mask}}
			for _, path := range args {
				err := dumpFile(out, pr, path, keepGoing, opt, cmd)
				if ferr := out.Flush(); err == nil && ferr != nil {
					err = ferr
				}
				if err != nil {
					return fmt.Errorf("dump %s: %w", path, err)
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&keepGoing, "keep-going", false, "skip corrupt or truncated records (reported on stderr) instead of stopping")
	cmd.Flags().IntVar(&workers, "workers", 0, "goroutines formatting records (default: one per CPU)")
	cmd.Flags().BoolVar(&mask, "mask-trailing-bits", false, "clear prefix bits past the prefix length, as bgpdump after 1.6.2 does")
	langFlag(cmd.Flags(), &lang)
	return cmd
}

// dumpFile writes the lines of one MRT file.
func dumpFile(out *bufio.Writer, pr *i18n.Printer, path string, keepGoing bool, opt mrt.DumpOptions, cmd *cobra.Command) error {
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return pe.Err
		}
		return err
	}
	defer f.Close()
	stderr := cmd.ErrOrStderr()
	r, err := mrt.NewReader(f, mrt.Options{
		KeepGoing: keepGoing,
		Readahead: true,
		OnSkip: func(err error) {
			fmt.Fprintf(stderr, "lifeline: dump %s: %s\n", path, pr.T("bgp.skipped", err.Error()))
		},
	})
	if err != nil {
		return err
	}
	defer r.Close()
	if err := mrt.Dump(out, r, opt); err != nil {
		return err
	}
	if n := r.Skipped(); n > 0 {
		fmt.Fprintf(stderr, "lifeline: dump %s: %s\n", path, pr.T("bgp.skipped.n", n))
	}
	return nil
}
