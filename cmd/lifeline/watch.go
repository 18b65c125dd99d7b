package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"lifeline"
	"lifeline/feed"
	"lifeline/watch"
	"lifeline/watch/eval"
	"lifeline/watch/source"
	"lifeline/watch/visibility"
	"lifeline/web/i18n"
)

func newWatchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "watch",
		Short: "Detect Internet disruptions in routing and measurement signals",
		Long: `Watch finds disruptions the way IODA does: each signal (BGP-visible /24s,
/24s answering active probes, unique sources reaching a network telescope) is
compared with the median of its recent history, and a fall below a threshold
that lasts long enough is an alert. An alert is suspected on one kind of
signal and confirmed when a second kind agrees; a hint tells a national
shutdown (many networks of one country falling together, often at a round
hour) from one network's outage.

"watch run" reads signals from files, or with --follow from live sources
(RIPE RIS Live, MRT update archives, IODA) named in a configuration file;
"watch status" prints the status of those sources; "watch eval" measures the
detector on generated ground truth. docs/watch.md describes the formats and
the method.`,
	}
	cmd.AddCommand(newWatchRunCmd(), newWatchStatusCmd(), newWatchEvalCmd())
	return cmd
}

// detectorFlags are the detection settings shared by run and eval.
type detectorFlags struct {
	thresholds []string
	maxInpaint string
	recovery   string
}

func (f *detectorFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&f.thresholds, "threshold", nil,
		"change a signal kind's threshold, e.g. bgp:warning=98%,min=15m (repeatable;\nfields: window, warning, critical, min, history)")
	cmd.Flags().StringVar(&f.maxInpaint, "max-inpaint", "7d", "how long a fall is held off the baseline before it becomes the new normal")
	cmd.Flags().StringVar(&f.recovery, "recovery", "1h", "how long a signal must be back to normal before an alert's event ends")
}

// config returns the detector configuration the flags describe.
func (f *detectorFlags) config() (watch.Config, error) {
	cfg := watch.DefaultConfig()
	for _, spec := range f.thresholds {
		k, th, err := watch.ParseThreshold(spec, cfg.Threshold)
		if err != nil {
			return cfg, &usageError{err}
		}
		cfg.Thresholds[k] = th
	}
	d, err := watch.ParseDuration(f.maxInpaint)
	if err != nil {
		return cfg, &usageError{fmt.Errorf("--max-inpaint: %v", err)}
	}
	cfg.MaxInpaint = d
	if cfg.Recovery, err = watch.ParseDuration(f.recovery); err != nil {
		return cfg, &usageError{fmt.Errorf("--recovery: %v", err)}
	}
	return cfg, cfg.Validate()
}

func newWatchRunCmd() *cobra.Command {
	var (
		signals   []string
		asFiles   []string
		csvKind   string
		csvStep   time.Duration
		fullV4    int
		fullV6    int
		keepGoing bool
		asJSON    bool
		drafts    bool
		submit    bool
		dsn       string
		followOn  bool
		config    string
		runFor    time.Duration
		det       detectorFlags
		lang      string
	)
	cmd := &cobra.Command{
		Use:   "run --signals DIR|FILE… [--rir FILE…] [--json | --drafts] | run --follow --config FILE [--for D] [--json]",
		Short: "Detect disruptions in signal files and print the alerts",
		Long: `Read signals from files, detect disruptions and print the alerts, most recent
last. Files are recognised by their names:

  *.json   IODA API v2 responses: raw signals (/v2/signals/raw/…) or outage
           events (/v2/outages/events); IODA's events join the detected ones
  *.csv    the generic format, one measurement per line: entity,time,value
           (entity: country/IR, IR, Iran, AS12880 or asn/12880; time: RFC 3339
           or Unix seconds; value: a number, empty if missing). The signal
           kind is the file name up to its first dot (probing.csv) unless
           --csv-kind says otherwise
  other    MRT RIB dumps and update files (RIPE RIS, RouteViews; plain, gzip
           or bzip2), from which the BGP signal is computed: per origin AS
           and 5-minute bin, the /24s covered by prefixes that more than half
           of the full-feed peers carry

A directory stands for the files in it. With --rir, RIR delegated-extended
statistics files map AS numbers to countries: MRT data then also gives
country signals, and networks of one country that fall together are told
apart from one network's outage.

Thresholds default to IODA's: BGP below 99 % (critical 50 %) of the median of
the last 24 h; active probing 80 % (50 %) of 7 days; telescope 25 % (10 %) of
7 days. A fall must last two bins (10 minutes for BGP, 20 for the others);
once raised, it ends when the signal has been back for an hour (--recovery).

Output: one block per alert with its status (SUSPECTED or CONFIRMED), entity,
time span, level, drop, score, the signals that fell and the hint with its
reasons. --json prints {"alerts": […]} with every field; --drafts prints the
incident drafts the coordination module would receive.

With --follow, signals come from live sources named in the --config file
(JSON; docs/watch.md has the format): RIPE RIS Live (a WebSocket stream, with
subscription filters, reconnection with backoff, stall detection), MRT update
archives polled by URL template every period (resuming from a state file),
and IODA API v2 polled per country. The BGP signal is computed as updates
arrive, from the RIB snapshot files the configuration names; each 5-minute bin
is judged when it closes, and an event is printed the moment it is raised
(RAISED lines; with --json one {"raised": …} object per line). The status of
every source (last message, lag, gaps, skipped messages) goes to stderr every
status_every and to status_file; "lifeline watch status" prints that file.
The command stops on an interrupt, after --for, or when every source has
stopped (an archive with an end), and prints the alerts.`,
		Example: `  # IODA signals and events fetched for a country
  lifeline watch run --signals ir-signals.json ir-events.json

  # A day of RouteViews data, with the RIRs' AS-to-country tables
  lifeline watch run --signals rib.20240105.0000.bz2 updates/ --rir delegated/

  # A test collection too small for IODA's full-feed thresholds
  lifeline watch run --signals lab/ --full-feed-v4 1000 --json | jq '.alerts[].entity'

  # Make BGP less sensitive: warn below 98 % instead of 99 %, after 15 minutes
  lifeline watch run --signals data/ --threshold bgp:warning=98%,min=15m

  # Live: RIS Live, RIS archives and IODA, as watch.json names them
  lifeline watch run --follow --config watch.json

  # An hour of it, events as JSON lines
  lifeline watch run --follow --config watch.json --for 1h --json | jq -c .raised`,
		RunE: func(cmd *cobra.Command, args []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			paths := slices.Concat(signals, args)
			if followOn {
				if config == "" {
					return &usageError{errors.New(pr.T("watch.err.follow", strconv.Quote(cmd.CommandPath()+" --help")))}
				}
				if len(paths) > 0 || drafts {
					return &usageError{errors.New(pr.T("watch.err.follow.sources"))}
				}
				ctx, stop := signalContext(cmd.Context())
				defer stop()
				return follow(ctx, pr, config, det, runFor, asJSON, cmd.OutOrStdout(), cmd.ErrOrStderr())
			}
			if config != "" || runFor != 0 {
				return &usageError{errors.New(pr.T("watch.err.config"))}
			}
			if len(paths) == 0 {
				return &usageError{errors.New(pr.T("watch.err.signals", strconv.Quote(cmd.CommandPath()+" --help")))}
			}
			if asJSON && drafts {
				return &usageError{errors.New(pr.T("watch.err.drafts"))}
			}
			cfg, err := det.config()
			if err != nil {
				return err
			}
			stderr := cmd.ErrOrStderr()
			opt := source.Options{
				CSVKind:    watch.Kind(csvKind),
				CSVStep:    csvStep,
				Visibility: visibility.Options{FullFeedV4: fullV4, FullFeedV6: fullV6},
				KeepGoing:  keepGoing,
				OnSkip:     func(s string) { fmt.Fprintln(stderr, "lifeline: watch:", pr.T("watch.skipped", s)) },
			}
			if len(asFiles) > 0 {
				tab, err := source.LoadASTable(asFiles)
				if err != nil {
					return err
				}
				cfg.CountryOf = tab.Country
				opt.Visibility.CountryOf = tab.Country
				fmt.Fprintln(stderr, "watch:", pr.T("watch.astable.from", tab.Len(), strings.Join(asFiles, ", ")))
			}
			p := newProgress(stderr, pr, pr.T("watch.progress.read"))
			opt.Progress = p.update
			set, err := source.Load(paths, opt)
			p.finish()
			if err != nil {
				return err
			}
			fmt.Fprintln(stderr, "watch:", pr.T("watch.read", len(set.Series), len(set.Events), set.Files))
			if set.MRT != nil {
				fmt.Fprintln(stderr, "watch:", pr.T("watch.routing", set.MRT.String()))
				if set.MRT.FullFeedV4 == 0 {
					fmt.Fprintln(stderr, "watch:", pr.T("watch.nofullfeed"))
				}
			}
			for _, s := range set.Skipped {
				fmt.Fprintln(stderr, "watch:", pr.T("watch.skipped", s))
			}
			d, err := watch.NewDetector(cfg)
			if err != nil {
				return err
			}
			alerts := d.Detect(set.Series, set.Events)
			out := cmd.OutOrStdout()
			switch {
			case submit:
				return submitDrafts(cmd, pr, dsn, watch.Drafts(alerts), asJSON)
			case drafts:
				return writeJSON(out, map[string]any{"drafts": watchNonNil(watch.Drafts(alerts))})
			case asJSON:
				return writeJSON(out, map[string]any{"alerts": watchNonNil(alerts)})
			}
			printWatchAlerts(out, pr, alerts)
			return nil
		},
	}
	langFlag(cmd.Flags(), &lang)
	cmd.Flags().StringArrayVar(&signals, "signals", nil, "signal files or directories (repeatable; more may follow as arguments)")
	cmd.Flags().BoolVar(&submit, "submit", false, "file every confirmed draft as an incident awaiting review in the store (--db), as the reporter whose token is in $LIFELINE_TOKEN")
	dbFlag(cmd, &dsn)
	cmd.Flags().StringArrayVar(&asFiles, "rir", nil, "RIR delegated-extended files or directories mapping AS numbers to countries")
	cmd.Flags().StringVar(&csvKind, "csv-kind", "", "signal kind of every CSV file (default: the file name up to its first dot)")
	cmd.Flags().DurationVar(&csvStep, "csv-step", 0, "bin length of CSV series (default: the most frequent gap between times)")
	cmd.Flags().IntVar(&fullV4, "full-feed-v4", 400_000, "a peer is full-feed when it carries more IPv4 prefixes than this")
	cmd.Flags().IntVar(&fullV6, "full-feed-v6", 10_000, "a peer is full-feed when it carries more IPv6 prefixes than this")
	cmd.Flags().BoolVar(&keepGoing, "keep-going", false, "skip corrupt MRT records (reported on stderr) instead of stopping")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the alerts as JSON")
	cmd.Flags().BoolVar(&drafts, "drafts", false, "print incident drafts (JSON) instead of alerts")
	cmd.Flags().BoolVar(&followOn, "follow", false, "follow live sources named in --config, printing events as they are raised")
	cmd.Flags().StringVar(&config, "config", "", "with --follow: the JSON file naming the sources, RIB snapshots and thresholds")
	cmd.Flags().DurationVar(&runFor, "for", 0, "with --follow: stop after this long (default: until interrupted)")
	det.register(cmd)
	return cmd
}

func newWatchStatusCmd() *cobra.Command {
	var asJSON bool
	var lang string
	cmd := &cobra.Command{
		Use:   "status FILE [--json]",
		Short: "Print the status of the live sources of \"watch run --follow\"",
		Long: `Print the status file that "watch run --follow" writes (status_file in its
configuration): for each source, its state, when its last message arrived,
how far its data lags the clock, how many messages it took and skipped, how
often it reconnected or stalled, and the gaps it knows it has (spans of
routing time it did not see: a disconnection, a stall, an archive file that
was never published).`,
		Example: `  lifeline watch status /var/lib/lifeline/watch-status.json
  lifeline watch status /var/lib/lifeline/watch-status.json --json | jq '.sources[] | {name, gap_count}'`,
		Args: func(cmd *cobra.Command, args []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			if len(args) != 1 {
				return &usageError{errors.New(pr.T("watch.err.status.args", len(args), strconv.Quote(cmd.CommandPath()+" --help")))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			b, err := os.ReadFile(args[0])
			if err != nil {
				return lifeline.Errorf(lifeline.EINVALID, "watch.status", "%s: %v", args[0], pathError(err))
			}
			var st struct {
				Sources []feed.Status `json:"sources"`
			}
			if err := json.Unmarshal(b, &st); err != nil {
				return lifeline.Errorf(lifeline.EINVALID, "watch.status", "%s", pr.T("watch.err.status.file", args[0], err.Error()))
			}
			if asJSON {
				return feed.WriteStatusJSON(cmd.OutOrStdout(), st.Sources)
			}
			writeSourceStatus(cmd.OutOrStdout(), pr, time.Now(), st.Sources)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the status as JSON")
	langFlag(cmd.Flags(), &lang)
	return cmd
}

func watchNonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// printWatchAlerts writes one block per alert.
func printWatchAlerts(w io.Writer, pr *i18n.Printer, alerts []watch.Alert) {
	if len(alerts) == 0 {
		fmt.Fprintln(w, pr.T("watch.alerts.none"))
		return
	}
	confirmed := 0
	for _, a := range alerts {
		if a.Status == watch.StatusConfirmed {
			confirmed++
		}
	}
	fmt.Fprintln(w, pr.T("watch.alerts", len(alerts), confirmed))
	for _, a := range alerts {
		fmt.Fprintln(w)
		end := lclock(pr, a.End)
		if a.End.Sub(a.Start) >= 24*time.Hour {
			end = lstamp(pr, a.End)
		}
		span := pr.T("watch.span", lstamp(pr, a.Start), end, ldur(pr, a.End.Sub(a.Start)))
		if a.Ongoing {
			span = pr.T("watch.span.ongoing", span)
		}
		where := a.Entity.String()
		if a.Country != "" && a.Entity.Type != watch.EntityCountry {
			where += " (" + a.Country + ")"
		}
		drop := ""
		if a.Drop > 0 {
			drop = ", −" + pr.Pct(a.Drop)
		}
		status := pr.T("watch.status.suspected")
		if a.Status == watch.StatusConfirmed {
			status = pr.T("watch.status.confirmed")
		}
		fmt.Fprintf(w, "%-9s  %s  %s  %s%s  %s\n", status, where, span, watchLevel(pr, a.Level), drop, pr.T("watch.score", watchNum(pr, a.Score)))
		for _, e := range a.Events {
			src := ""
			if e.Source != "" {
				src = " (" + e.Source + ")"
			}
			d := ""
			if e.Baseline > 0 {
				d = pr.T("watch.fell", watchNum(pr, e.Baseline), watchNum(pr, e.Lowest), pr.Pct(e.Drop()))
			}
			fmt.Fprintf(w, "  %-10s %s – %s%s%s%s\n", e.Kind, lclock(pr, e.Start), lclock(pr, e.End), d, pr.T("watch.severity", watchNum(pr, e.Severity)), src)
		}
		if a.Hint != "" {
			fmt.Fprintf(w, "  %s\n", pr.T("watch.hint", watchHint(pr, a.Hint), strings.Join(a.Reasons, "; ")))
		}
	}
}

// watchHint names what a hint says the alert is in the printer's
// language; the reasons behind it are the detector's, in English.
func watchHint(pr *i18n.Printer, h watch.Hint) string {
	switch h {
	case watch.HintShutdown:
		return pr.T("watch.hint.shutdown")
	case watch.HintOutage:
		return pr.T("watch.hint.outage")
	}
	return string(h)
}

// watchLevel names an alert's level in the printer's language.
func watchLevel(pr *i18n.Printer, l watch.Level) string {
	switch l {
	case watch.LevelWarning:
		return pr.T("watch.level.warning")
	case watch.LevelCritical:
		return pr.T("watch.level.critical")
	}
	return pr.T("watch.level.normal")
}

// watchNum writes a signal value without float noise, in the printer's
// digits: whole from 100 up, else to three significant digits.
func watchNum(pr *i18n.Printer, v float64) string {
	if math.Abs(v) >= 100 || v == math.Trunc(v) {
		return pr.Num(int64(math.Round(v)))
	}
	return pr.T("watch.num.sig", v)
}

func newWatchEvalCmd() *cobra.Command {
	def := eval.DefaultConfig()
	var (
		seed         uint64
		start        string
		weeks        float64
		warmup       string
		countries    int
		networks     int
		noise        float64
		missing      float64
		outageRate   float64
		shutdownRate float64
		shiftRate    float64
		bgpShare     float64
		depth        string
		length       string
		asJSON       bool
		det          detectorFlags
		lang         string
	)
	cmd := &cobra.Command{
		Use:   "eval [--seed N] [--weeks W] [--noise X] [--depth A-B] [--length A-B] [--json]",
		Short: "Measure the detector on generated ground truth: precision, recall, delay",
		Long: `Generate signals of known shape, inject outages of known start, depth and
length, run the detector, and score its alerts. The generated world has
countries of several networks; each network has a BGP signal (visible /24s
per 5 minutes: flat, tiny noise, rare lasting changes of its routed space) and
an active probing signal (up /24s per 10 minutes: a daily cycle, binomial
noise); each country has their sums and a telescope signal (a strong daily
cycle, Poisson noise). Values go missing at random and in gaps.

After a week of warm-up, network outages (any depth and length in the ranges
given, BGP affected or not) and national shutdowns (most of a country's
networks, at a round hour) are injected. The same world is also generated
without outages to count false alerts.

Printed: recall (overall, for the target class of outages of 30 minutes or
more that drop their signals by half or more, by depth and by length),
precision, the share of detected outages whose alert was confirmed by a
second kind of signal and whose shutdown/outage hint was right, the detection
delay in bins of the signal that raised the alert, and false alerts per
entity-week on the clean world. The same seed gives the same figures.`,
		Example: `  # The figures of docs/performance.md
  lifeline watch eval

  # Noisier signals with more missing values
  lifeline watch eval --noise 3 --missing 0.1

  # Only shallow, short outages; IODA's BGP threshold relaxed
  lifeline watch eval --depth 0.2-0.5 --length 10m-1h --threshold bgp:warning=98%

  # Ten seeds, recall of the target class
  for s in $(seq 1 10); do lifeline watch eval --seed $s --json | jq .target.recall; done`,
		Args: func(cmd *cobra.Command, args []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			if len(args) > 0 {
				return &usageError{errors.New(pr.T("watch.err.eval.args", strconv.Quote(args[0]), strconv.Quote(cmd.CommandPath()+" --help")))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			pr, err := printerFor(lang)
			if err != nil {
				return err
			}
			cfg := def
			cfg.Seed, cfg.Countries, cfg.Networks = seed, countries, networks
			cfg.Noise, cfg.Missing, cfg.BGPShare = noise, missing, bgpShare
			cfg.OutageRate, cfg.ShutdownRate, cfg.ShiftRate = outageRate, shutdownRate, shiftRate
			cfg.Span = time.Duration(weeks * float64(7*24*time.Hour))
			if cfg.Start, err = time.Parse(time.RFC3339, start); err != nil {
				if cfg.Start, err = time.Parse("2006-01-02", start); err != nil {
					return &usageError{errors.New(pr.T("watch.err.start", strconv.Quote(start)))}
				}
			}
			if cfg.Warmup, err = watch.ParseDuration(warmup); err != nil {
				return &usageError{fmt.Errorf("--warmup: %v", err)}
			}
			if cfg.MinDepth, cfg.MaxDepth, err = parseWatchRange(pr, depth, func(s string) (float64, error) { return parseWatchFrac(pr, s) }); err != nil {
				return &usageError{fmt.Errorf("--depth %q: %v", depth, err)}
			}
			minL, maxL, err := parseWatchRange(pr, length, func(s string) (float64, error) {
				d, err := watch.ParseDuration(s)
				return float64(d), err
			})
			if err != nil {
				return &usageError{fmt.Errorf("--length %q: %v", length, err)}
			}
			cfg.MinLength, cfg.MaxLength = time.Duration(minL), time.Duration(maxL)
			if err := cfg.Validate(); err != nil {
				return err
			}
			dcfg, err := det.config()
			if err != nil {
				return err
			}
			p := newCountProgress(cmd.ErrOrStderr(), pr, pr.T("watch.progress.detect"))
			r, err := eval.Run(cfg, dcfg, func(done, total int) { p.update(int64(done), int64(total)) })
			p.finish()
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), r)
			}
			return printWatchEval(cmd.OutOrStdout(), pr, cfg, r)
		},
	}
	f := cmd.Flags()
	f.Uint64Var(&seed, "seed", def.Seed, "random seed; the same seed gives the same world and figures")
	f.StringVar(&start, "start", def.Start.Format("2006-01-02"), "first day of the generated signals (UTC)")
	f.Float64Var(&weeks, "weeks", def.Span.Hours()/(7*24), "weeks evaluated after the warm-up")
	f.StringVar(&warmup, "warmup", "7d", "history generated before any outage (its alerts are not counted)")
	f.IntVar(&countries, "countries", def.Countries, "countries in the generated world (1–26)")
	f.IntVar(&networks, "networks", def.Networks, "networks per country")
	f.Float64Var(&noise, "noise", def.Noise, "noise scale: 1 is the default world, 0 none")
	f.Float64Var(&missing, "missing", def.Missing, "probability that a value is missing")
	f.Float64Var(&outageRate, "outage-rate", def.OutageRate, "network outages per network-week")
	f.Float64Var(&shutdownRate, "shutdown-rate", def.ShutdownRate, "national shutdowns per country-week")
	f.Float64Var(&shiftRate, "shift-rate", def.ShiftRate, "lasting 1–5 % changes of a network's routed space per network-week")
	f.Float64Var(&bgpShare, "bgp-share", def.BGPShare, "probability that a network outage shows in BGP too")
	f.StringVar(&depth, "depth", fmt.Sprintf("%g-%g", def.MinDepth, def.MaxDepth), "range of the fraction of a network's signals an outage removes")
	f.StringVar(&length, "length", "10m-12h", "range of outage lengths")
	f.BoolVar(&asJSON, "json", false, "print the figures as JSON")
	langFlag(f, &lang)
	det.register(cmd)
	return cmd
}

// parseWatchRange reads "A-B".
func parseWatchRange(pr *i18n.Printer, s string, parse func(string) (float64, error)) (float64, float64, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, errors.New(pr.T("watch.err.range"))
	}
	lo, err := parse(a)
	if err != nil {
		return 0, 0, err
	}
	hi, err := parse(b)
	if err != nil {
		return 0, 0, err
	}
	return lo, hi, nil
}

func parseWatchFrac(pr *i18n.Printer, s string) (float64, error) {
	var v float64
	if _, err := fmt.Sscan(s, &v); err != nil {
		return 0, errors.New(pr.T("watch.err.number", strconv.Quote(s)))
	}
	return v, nil
}

// printWatchEval writes the figures of an evaluation as a two-column
// table; the labels are the printer's, the buckets' labels the engine's.
func printWatchEval(w io.Writer, pr *i18n.Printer, cfg eval.Config, r *eval.Result) error {
	pct := func(f float64) string { return lpct(pr, f) }
	of := func(n, total int) string { return pr.T("watch.eval.of", n, total) }
	fmt.Fprintf(w, "%s\n\n", pr.T("watch.eval.world", fmt.Sprint(r.Seed), r.Entities, cfg.Countries, cfg.Networks,
		pr.Num(int64(math.Round(r.Weeks))), pr.Num(int64(math.Round(r.EntityWeeks)))))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(label, value, detail string) { fmt.Fprintf(tw, "%s\t%s\t%s\n", label, value, detail) }
	row(pr.T("watch.eval.target", r.Target.Label), pct(r.Target.Recall), of(r.Target.Detected, r.Target.Outages))
	row(pr.T("watch.eval.all"), pct(r.All.Recall), of(r.All.Detected, r.All.Outages))
	row(pr.T("watch.eval.precision"), pct(r.Precision), pr.T("watch.eval.of.alerts", r.TrueAlerts, r.Alerts))
	row(pr.T("watch.eval.false"), pr.T("watch.num.f3", r.FalsePerEntityWeek), pr.T("watch.eval.alerts", r.CleanAlerts))
	row(pr.T("watch.eval.delay"), pr.T("watch.eval.bins", pr.Dec(r.DelayMedianBins), pr.Num(int64(math.Round(r.DelayMedianMinutes)))),
		pr.T("watch.eval.p90", pr.Dec(r.DelayP90Bins)))
	row(pr.T("watch.eval.confirmed"), pct(r.Confirmed), pr.T("watch.eval.of.target"))
	row(pr.T("watch.eval.hint"), pct(r.HintAccuracy), pr.T("watch.eval.of.target"))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, group := range [][]eval.Bucket{r.ByDepth, r.ByLength} {
		for _, b := range group {
			if b.Outages == 0 {
				fmt.Fprintf(tw, "  %s\t%s\n", b.Label, pr.T("watch.eval.none"))
				continue
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", b.Label, pct(b.Recall), of(b.Detected, b.Outages))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Missed) > 0 {
		fmt.Fprintf(w, "\n%s\n", pr.T("watch.eval.missed"))
		for _, m := range r.Missed {
			fmt.Fprintln(w, "  "+m)
		}
	}
	return nil
}
