package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"lifeline"
	"lifeline/feed"
	"lifeline/mrt"
	"lifeline/watch"
	"lifeline/watch/ioda"
	"lifeline/watch/rislive"
	"lifeline/watch/source"
	"lifeline/watch/stream"
	"lifeline/watch/visibility"
	"lifeline/web/i18n"
)

// followConfig is the file --follow reads: where the routing data comes
// from, the RIB snapshot it starts from, and how to detect.
type followConfig struct {
	RIB         []string       `json:"rib"`
	RIR         []string       `json:"rir"`
	FullFeedV4  int            `json:"full_feed_v4"`
	FullFeedV6  int            `json:"full_feed_v6"`
	Thresholds  []string       `json:"thresholds"`
	Grace       string         `json:"grace"`
	StatusFile  string         `json:"status_file"`
	StatusEvery string         `json:"status_every"`
	Sources     []sourceConfig `json:"sources"`
	// Alerts says how lifeline serve records alerts; watch run ignores it.
	Alerts *alertsConfig `json:"alerts"`
}

// alertsConfig is how lifeline serve records the alerts of its sources.
type alertsConfig struct {
	TLP       string `json:"tlp"`        // of new alerts; default TLP:CLEAR
	Drafts    *bool  `json:"drafts"`     // file draft incidents from confirmed alerts; default true
	History   int    `json:"history"`    // bins of every series kept to show with an alert; default 36
	SyncEvery string `json:"sync_every"` // how often alerts are recorded when no bin closes; default 30s
}

type sourceConfig struct {
	Name string `json:"name"`
	Type string `json:"type"` // ris-live, mrt-archive, ioda
	URL  string `json:"url"`
	// ris-live
	Subscribe    []rislive.Subscription `json:"subscribe"`
	PingInterval string                 `json:"ping_interval"`
	StallTimeout string                 `json:"stall_timeout"`
	MaxMessage   int64                  `json:"max_message"`
	// mrt-archive
	Mirrors   []string `json:"mirrors"`
	Period    string   `json:"period"`
	Start     string   `json:"start"`
	End       string   `json:"end"`
	Delay     string   `json:"delay"`
	GiveUp    string   `json:"give_up"`
	Retry     string   `json:"retry"`
	StateFile string   `json:"state_file"`
	// ioda
	Countries []string `json:"countries"`
	Every     string   `json:"every"`
	Window    string   `json:"window"`
}

// runner is what a configured source does: Run until ctx ends (or, for a
// bounded archive, until done) and report its Status.
type runner struct {
	name   string
	run    func(ctx context.Context) error
	status func() feed.Status
}

// readFollowConfig reads and checks the file; relative paths in it are
// relative to the file's directory. Errors name the file and the field.
func readFollowConfig(pr *i18n.Printer, path string) (*followConfig, error) {
	const op = "watch.follow"
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: %v", path, pathError(err))
	}
	return parseFollowConfig(pr, path, b)
}

// maxConfig bounds a configuration file: a few kilobytes are plenty.
const maxConfig = 1 << 20

// parseFollowConfig reads the configuration b of the file path.
func parseFollowConfig(pr *i18n.Printer, path string, b []byte) (*followConfig, error) {
	const op = "watch.follow"
	if len(b) > maxConfig {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: %s", path, pr.T("watch.cfg.size", len(b), maxConfig))
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var cfg followConfig
	if err := dec.Decode(&cfg); err != nil {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: %s", path, pr.T("watch.cfg.format", jsonProblem(pr, b, dec.InputOffset(), err)))
	}
	if dec.More() {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: %s", path, pr.T("watch.cfg.more", lineAt(b, dec.InputOffset())))
	}
	if len(cfg.Sources) == 0 {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: %s", path, pr.T("watch.cfg.none"))
	}
	dir := filepath.Dir(path)
	rel := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	for i := range cfg.RIB {
		cfg.RIB[i] = rel(cfg.RIB[i])
	}
	for i := range cfg.RIR {
		cfg.RIR[i] = rel(cfg.RIR[i])
	}
	cfg.StatusFile = rel(cfg.StatusFile)
	names := map[string]bool{}
	for i := range cfg.Sources {
		s := &cfg.Sources[i]
		s.StateFile = rel(s.StateFile)
		if s.Name == "" {
			s.Name = fmt.Sprintf("%s-%d", s.Type, i+1)
		}
		if names[s.Name] {
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: sources[%d]: %s", path, i, pr.T("watch.cfg.twice", strconv.Quote(s.Name)))
		}
		names[s.Name] = true
	}
	return &cfg, nil
}

// jsonProblem says where and what is wrong in a JSON file, in words: the
// line, the field, what was expected and what was found.
// The decoder's own description of a syntax error stays in English.
func jsonProblem(pr *i18n.Printer, b []byte, at int64, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return pr.T("watch.json.empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return pr.T("watch.json.eof", lineAt(b, int64(len(b))))
	case errors.As(err, &se):
		return pr.T("watch.json.line", lineAt(b, se.Offset), strings.TrimPrefix(se.Error(), "json: "))
	case errors.As(err, &te):
		return pr.T("watch.json.type", lineAt(b, te.Offset), te.Field, jsonKind(pr, te.Type), jsonValue(pr, te.Value))
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	return pr.T("watch.json.line", lineAt(b, at), msg)
}

func lineAt(b []byte, off int64) int {
	off = min(max(off, 0), int64(len(b)))
	return 1 + bytes.Count(b[:off], []byte("\n"))
}

func jsonKind(pr *i18n.Printer, t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return pr.T("watch.json.string")
	case reflect.Bool:
		return pr.T("watch.json.bool")
	case reflect.Slice, reflect.Array:
		return pr.T("watch.json.list") + " [ … ]"
	case reflect.Struct, reflect.Map:
		return pr.T("watch.json.object") + " { … }"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return pr.T("watch.json.int")
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return pr.T("watch.json.uint")
	case reflect.Float32, reflect.Float64:
		return pr.T("watch.json.number")
	}
	return pr.T("watch.json.other")
}

func jsonValue(pr *i18n.Printer, v string) string {
	switch v {
	case "string":
		return pr.T("watch.json.string")
	case "bool":
		return pr.T("watch.json.bool")
	case "array":
		return pr.T("watch.json.list")
	case "object":
		return pr.T("watch.json.object")
	case "null":
		return "null"
	case "number":
		return pr.T("watch.json.number")
	}
	if n, ok := strings.CutPrefix(v, "number "); ok {
		return pr.T("watch.json.the", n)
	}
	return v
}

func pathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// duration reads an optional duration field.
func duration(file string, i int, field, v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	d, err := watch.ParseDuration(v)
	if err != nil {
		return 0, lifeline.Errorf(lifeline.EINVALID, "watch.follow", "%s: sources[%d]: %s: %v", file, i, field, err)
	}
	return d, nil
}

func timeField(pr *i18n.Printer, file string, i int, field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, lifeline.Errorf(lifeline.EINVALID, "watch.follow", "%s: sources[%d]: %s %s: %s", file, i, field, strconv.Quote(v), pr.T("watch.cfg.time"))
	}
	return t, nil
}

// follower owns the engine; sources hand it their data under its lock.
type follower struct {
	// changed, if set, is called (under mu) when a source brought events
	// from elsewhere.
	changed func()
	mu      sync.Mutex
	e       *stream.Engine
	newest  time.Time // newest data time seen
	grace   time.Duration
	out     io.Writer
	json    bool
	errOut  io.Writer
	pr      *i18n.Printer // the language of the lines for people
}

func (f *follower) raised(ev watch.Event) {
	if f.json {
		b, _ := json.Marshal(map[string]any{"raised": ev})
		fmt.Fprintf(f.out, "%s\n", b)
		return
	}
	drop := ""
	if ev.Baseline > 0 {
		drop = f.pr.T("watch.fell", watchNum(f.pr, ev.Baseline), watchNum(f.pr, ev.Lowest), f.pr.Pct(ev.Drop()))
	}
	fmt.Fprintln(f.out, f.pr.T("watch.raised", ev.Key.String(), lstamp(f.pr, ev.Start), watchLevel(f.pr, ev.Level), drop))
}

// sources builds the runners of the configuration.
func (f *follower) sources(file string, cfg *followConfig) ([]runner, error) {
	const op = "watch.follow"
	var out []runner
	for i, s := range cfg.Sources {
		switch s.Type {
		case "ris-live":
			rc := feed.RISLiveConfig{Name: s.Name, URL: s.URL, Subscriptions: s.Subscribe, MaxMessage: s.MaxMessage}
			var err error
			if rc.PingInterval, err = duration(file, i, "ping_interval", s.PingInterval); err != nil {
				return nil, err
			}
			if rc.StallTimeout, err = duration(file, i, "stall_timeout", s.StallTimeout); err != nil {
				return nil, err
			}
			c := feed.NewRISLive(rc)
			out = append(out, runner{s.Name, func(ctx context.Context) error {
				return c.Run(ctx, func(d *rislive.Data) error {
					u, ok := d.Update()
					if !ok {
						return nil
					}
					f.mu.Lock()
					defer f.mu.Unlock()
					if u.Time.After(f.newest) {
						f.newest = u.Time
					}
					if err := f.e.Apply(&u); err != nil {
						// A wild timestamp is one bad message, not a reason to stop.
						fmt.Fprintln(f.errOut, "lifeline: watch:", f.pr.T("watch.message.skipped", s.Name, d.ID, err.Error()))
					}
					return nil
				})
			}, c.Status})
		case "mrt-archive":
			ac := feed.ArchiveConfig{Name: s.Name, URL: s.URL, Mirrors: s.Mirrors, StateFile: s.StateFile}
			var err error
			if ac.Period, err = duration(file, i, "period", s.Period); err != nil {
				return nil, err
			}
			for _, d := range []struct {
				dst   *time.Duration
				name  string
				value string
			}{{&ac.Delay, "delay", s.Delay}, {&ac.GiveUp, "give_up", s.GiveUp}, {&ac.Retry, "retry", s.Retry}} {
				if *d.dst, err = duration(file, i, d.name, d.value); err != nil {
					return nil, err
				}
			}
			if ac.Start, err = timeField(f.pr, file, i, "start", s.Start); err != nil {
				return nil, err
			}
			if ac.End, err = timeField(f.pr, file, i, "end", s.End); err != nil {
				return nil, err
			}
			a, err := feed.NewArchive(ac)
			if err != nil {
				return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: sources[%d]: %s", file, i, lifelineMessage(err))
			}
			out = append(out, runner{s.Name, func(ctx context.Context) error {
				return a.Run(ctx, func(url string, period time.Time, r io.Reader) error {
					rd, err := mrt.NewReader(r, mrt.Options{Name: url, KeepGoing: true})
					if err != nil {
						return nil // Sniff let it through, but it is unreadable: the status says so.
					}
					defer rd.Close()
					f.mu.Lock()
					defer f.mu.Unlock()
					if err := f.e.Feeder().Feed(rd); err != nil {
						fmt.Fprintf(f.errOut, "lifeline: watch: %s: %s: %v\n", s.Name, url, err)
					}
					if end := period.Add(ac.Period); end.After(f.newest) {
						f.newest = end
					}
					return nil
				})
			}, a.Status})
		case "ioda":
			ic := feed.IODAConfig{Name: s.Name, BaseURL: s.URL, Countries: s.Countries}
			var err error
			if ic.Every, err = duration(file, i, "every", s.Every); err != nil {
				return nil, err
			}
			if ic.Window, err = duration(file, i, "window", s.Window); err != nil {
				return nil, err
			}
			p, err := feed.NewIODA(ic)
			if err != nil {
				return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: sources[%d]: %s", file, i, lifelineMessage(err))
			}
			out = append(out, runner{s.Name, func(ctx context.Context) error {
				return p.Run(ctx, func(cc string, res *ioda.Result) error {
					f.mu.Lock()
					defer f.mu.Unlock()
					for _, ev := range res.Events {
						ev.Source = "ioda"
						f.e.Import(ev)
					}
					if f.changed != nil {
						defer f.changed()
					}
					for i := range res.Series {
						s := res.Series[i]
						// IODA's BGP signal would mix with ours under one key;
						// its last bin may still be filling.
						if s.Kind == watch.KindBGP || len(s.Values) < 2 {
							continue
						}
						s.Values = s.Values[:len(s.Values)-1]
						if _, err := f.e.Observe(&s); err != nil {
							fmt.Fprintf(f.errOut, "lifeline: watch: ioda %s: %v\n", cc, err)
						}
					}
					return nil
				})
			}, p.Status})
		default:
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: sources[%d]: type %s: %s", file, i, strconv.Quote(s.Type), f.pr.T("watch.cfg.type"))
		}
	}
	return out, nil
}

func lifelineMessage(err error) string {
	var le *lifeline.Error
	if errors.As(err, &le) {
		return le.Message
	}
	return err.Error()
}

// newFollower reads the configuration, loads its AS table and RIB
// snapshot, and builds the engine (with opt's OnBin and History) and the
// sources; raised events are printed on stdout.
func newFollower(pr *i18n.Printer, cfgPath string, det detectorFlags, opt stream.Options, asJSON bool, stdout, stderr io.Writer) (*follower, *followConfig, []runner, error) {
	cfg, err := readFollowConfig(pr, cfgPath)
	if err != nil {
		return nil, nil, nil, err
	}
	def := watch.DefaultConfig()
	for i, spec := range cfg.Thresholds {
		if _, _, err := watch.ParseThreshold(spec, def.Threshold); err != nil {
			return nil, nil, nil, lifeline.Errorf(lifeline.EINVALID, "watch.follow", "%s: thresholds[%d]: %s", cfgPath, i, lifelineMessage(err))
		}
	}
	det.thresholds = append(slices.Clone(cfg.Thresholds), det.thresholds...)
	dcfg, err := det.config()
	if err != nil {
		return nil, nil, nil, err
	}
	vopt := visibility.Options{FullFeedV4: cfg.FullFeedV4, FullFeedV6: cfg.FullFeedV6}
	if len(cfg.RIR) > 0 {
		tab, err := source.LoadASTable(cfg.RIR)
		if err != nil {
			return nil, nil, nil, err
		}
		dcfg.CountryOf, vopt.CountryOf = tab.Country, tab.Country
		fmt.Fprintln(stderr, "watch:", pr.T("watch.astable", tab.Len()))
	}
	d, err := watch.NewDetector(dcfg)
	if err != nil {
		return nil, nil, nil, err
	}
	f := &follower{out: stdout, json: asJSON, errOut: stderr, grace: 2 * time.Minute, pr: pr}
	if cfg.Grace != "" {
		if f.grace, err = watch.ParseDuration(cfg.Grace); err != nil {
			return nil, nil, nil, lifeline.Errorf(lifeline.EINVALID, "watch.follow", "%s: grace %s: %s", cfgPath, strconv.Quote(cfg.Grace), pr.T("watch.cfg.duration"))
		}
	}
	opt.Visibility, opt.Detector, opt.OnRaised = vopt, d, f.raised
	f.e, err = stream.New(opt)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, p := range cfg.RIB {
		if err := f.loadRIB(p); err != nil {
			return nil, nil, nil, err
		}
	}
	if len(cfg.RIB) > 0 {
		fmt.Fprintln(stderr, "watch:", pr.T("watch.rib", f.e.Stats().Visibility.String()))
	}
	runners, err := f.sources(cfgPath, cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	return f, cfg, runners, nil
}

// statusEvery reads the configuration's status_every.
func (cfg *followConfig) statusEvery(pr *i18n.Printer, path string) (time.Duration, error) {
	if cfg.StatusEvery == "" {
		return time.Minute, nil
	}
	d, err := watch.ParseDuration(cfg.StatusEvery)
	if err != nil || d <= 0 {
		return 0, lifeline.Errorf(lifeline.EINVALID, "watch.follow", "%s: status_every %s: %s", path, strconv.Quote(cfg.StatusEvery), pr.T("watch.cfg.duration"))
	}
	return d, nil
}

// follow runs the sources of the configuration until ctx ends, runFor
// passes or every source has stopped, printing events as they are raised,
// and returns the alerts.
func follow(ctx context.Context, pr *i18n.Printer, cfgPath string, det detectorFlags, runFor time.Duration, asJSON bool, stdout, stderr io.Writer) error {
	f, cfg, runners, err := newFollower(pr, cfgPath, det, stream.Options{}, asJSON, stdout, stderr)
	if err != nil {
		return err
	}
	statusEvery, err := cfg.statusEvery(pr, cfgPath)
	if err != nil {
		return err
	}
	if runFor > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, runFor)
		defer cancel()
	}
	var wg sync.WaitGroup
	errs := make([]error, len(runners))
	for i, r := range runners {
		wg.Go(func() { errs[i] = r.run(ctx) })
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	statuses := func() []feed.Status {
		var out []feed.Status
		for _, r := range runners {
			out = append(out, r.status())
		}
		return out
	}
	tick := time.NewTicker(statusEvery)
	defer tick.Stop()
loop:
	for {
		select {
		case <-done:
			break loop
		case <-tick.C:
			now := time.Now()
			f.advance(now)
			st := statuses()
			writeSourceStatus(stderr, pr, now, st)
			if err := writeStatusFile(cfg.StatusFile, st); err != nil {
				fmt.Fprintln(stderr, "lifeline: watch:", pr.T("watch.err.statusfile", err.Error()))
			}
		}
	}
	st := statuses()
	if err := writeStatusFile(cfg.StatusFile, st); err != nil {
		fmt.Fprintln(stderr, "lifeline: watch:", pr.T("watch.err.statusfile", err.Error()))
	}
	writeSourceStatus(stderr, pr, time.Now(), st)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.e.Close(); err != nil {
		fmt.Fprintf(stderr, "lifeline: watch: %v\n", err)
	}
	fmt.Fprintf(stderr, "watch: %s\n", f.e.Stats().Visibility)
	alerts := f.e.Alerts()
	if asJSON {
		b, _ := json.Marshal(map[string]any{"alerts": watchNonNil(alerts)})
		fmt.Fprintf(stdout, "%s\n", b)
	} else {
		printWatchAlerts(stdout, pr, alerts)
	}
	return errors.Join(errs...)
}

// advance closes the bins that ended before now less the grace, when the
// data is live: a replay of the past moves with its data only.
func (f *follower) advance(now time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.newest.IsZero() && now.Sub(f.newest) < time.Hour {
		if err := f.e.Advance(now.Add(-f.grace)); err != nil {
			fmt.Fprintf(f.errOut, "lifeline: watch: %v\n", err)
		}
	}
}

func (f *follower) loadRIB(path string) error {
	file, err := os.Open(path)
	if err != nil {
		return lifeline.Errorf(lifeline.EINVALID, "watch.follow", "RIB %s: %v", path, pathError(err))
	}
	defer file.Close()
	if err := mrt.Sniff(file); err != nil {
		return lifeline.Errorf(lifeline.EINVALID, "watch.follow", "RIB %s: %v", path, err)
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	r, err := mrt.NewReader(file, mrt.Options{Name: path, Readahead: true})
	if err != nil {
		return lifeline.Errorf(lifeline.EINVALID, "watch.follow", "RIB %s: %v", path, err)
	}
	defer r.Close()
	if err := f.e.Feeder().Feed(r); err != nil {
		return lifeline.Errorf(lifeline.EINVALID, "watch.follow", "RIB %s: %s", path, lifelineMessage(err))
	}
	return nil
}

// writeStatusFile writes the statuses as JSON, all at once.
func writeStatusFile(path string, st []feed.Status) error {
	if path == "" {
		return nil
	}
	var b bytes.Buffer
	if err := feed.WriteStatusJSON(&b, st); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return nil
}

// signalContext ends on an interrupt.
func signalContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if ctx == nil {
		ctx = context.Background()
	}
	return signal.NotifyContext(ctx, os.Interrupt)
}
