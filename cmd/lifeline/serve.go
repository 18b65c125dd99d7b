package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"lifeline"
	"lifeline/api"
	"lifeline/coord"
	"lifeline/demo"
	"lifeline/impact"
	"lifeline/notify"
	"lifeline/store"
	"lifeline/store/sqlite"
	"lifeline/web"
	"lifeline/web/i18n"
)

func newServeCmd() *cobra.Command {
	var dsn, addr, metricsAddr, org string
	var rate float64
	var burst int
	var seed bool
	var pullEvery time.Duration
	var lang, site, liveFile string
	var webhooksPrivate bool
	var smtpAddr, smtpFrom, smtpUser string
	var digestEvery time.Duration
	var af atlasFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web interface and the coordination API",
		Long: `Serve Lifeline: the web interface (dashboard, incidents, needs and offers,
the atlas explorer, the simulator, country profiles; see docs/web.md) at /,
and the coordination API — incidents, needs, offers, matches and the signed
event log as JSON under /api/v1 (see docs/api.md) — with /healthz and the
OpenAPI document at /api/v1/openapi.json. Prometheus metrics are served
only with --metrics-addr, on a listener of their own: they count what
every member does, so keep that address private (loopback or an
operators' network).

Before it serves, it checks the end of the signed log (the last thousand
events and the signed head); then it checks the whole log in the
background, with its progress on standard error and in /healthz, and then
compares the state tables with a replay of the log. It also records the
coverage of the needs this instance keeps that were matched before
coverage was recorded, and of the offers whose matches it keeps, so that
peers show the same figures (one line says how many of each;
docs/federation.md). A log that does not
verify, or state tables that differ from it, are served for reading, but
every write is refused with the event or row that is bad and how to
recover (docs/ledger.md).

With no flags it uses the SQLite file lifeline.db in the working directory,
creating it and initialising the instance on first start; the instance
admin's token is then printed once, on standard error. Log in to the web
interface with that token.

--demo seeds a new instance with a demonstration: organisations of every
kind, incidents computed from scenarios on the atlas, needs, offers and
commitments; it prints a token for one member of each organisation.

--live FILE follows live routing and measurement sources — RIPE RIS Live,
MRT update archives, IODA — configured in FILE (the format of watch run
--follow, docs/watch.md). Their alerts are recorded as signed events of the
instance (TLP:CLEAR by default: they come from public data), served under
/api/v1/alerts and shown on the dashboard and the country pages; a
confirmed alert (two kinds of signal agreeing) files a draft incident for
coordinators to verify or dismiss. The sources' status is on
/admin/sources (instance administrators) and in the metrics.`,
		Example: `  lifeline serve
  lifeline serve --demo --db demo.db
  lifeline serve --demo --lang ar
  lifeline serve --addr 0.0.0.0:8080 --db postgres://lifeline@db/lifeline --atlas full.json
  lifeline serve --metrics-addr 127.0.0.1:9090
  lifeline serve --live watch.json --metrics-addr 127.0.0.1:9090`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// --lang is the web interface's language for visitors who
			// have not chosen one; the lines on standard error are for
			// whoever runs the server, in the locale's language.
			pr, err := printerFor("")
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			stderr := cmd.ErrOrStderr()
			log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
			db, err := openStore(ctx, pr, dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			if err := initOnFirstStart(ctx, pr, db, org, cmd); err != nil {
				return err
			}
			checkLogAtStart(ctx, pr, db, stderr)
			recordCoverageAtStart(ctx, pr, db, stderr)
			a, err := af.load(cmd)
			if err != nil {
				return err
			}
			db.Elements = a // incidents list only elements of the atlas served
			g, err := impact.NewGraph(a, impact.Options{})
			if err != nil {
				return err
			}
			if seed {
				if err := seedDemo(ctx, pr, db, g, cmd); err != nil {
					return err
				}
			}
			if rate <= 0 {
				rate = -1 // unlimited
			}
			cursorKey, err := db.DeriveKey(ctx, "api feed cursor")
			if err != nil {
				return err
			}
			registry := prometheus.NewRegistry()
			var lv *live
			if liveFile != "" {
				if lv, err = newLive(liveFile, db, stderr, log, func(ctx context.Context, a *coord.Alert) { onAlertRecovered(ctx, db, g, log, a) }); err != nil {
					return err
				}
				registry.MustRegister(newSourceCollector(lv))
			}
			apiHandler := api.New(db.Services(),
				api.Options{Logger: log, Rate: rate, Burst: burst, CursorKey: cursorKey, Registry: registry, Changes: db, Origins: db, Subscriptions: db, Alerts: db, Graph: g,
					SitrepHTML: web.SitrepHTML(a, ""), SitrepEstimate: web.SitrepEstimate(g), Drops: alertDrops(db),
					Health: func(ctx context.Context) error { return db.SQL().PingContext(ctx) }, LogCheck: func() (any, bool) {
						c := db.LastCheck()
						if err := db.Broken(); err != nil {
							c.State, c.Error = "broken", lifeline.ErrorMessage(err)
						}
						return c, c.State != "broken"
					}})
			// Sessions and the key of forms live with the instance, not
			// the process: a visitor's session and forms work on every
			// server of the instance, and across restarts.
			csrfKey, err := db.DeriveKey(ctx, "web csrf")
			if err != nil {
				return err
			}
			h := http.NewServeMux()
			client, err := startFederation(ctx, db, h, pullEvery, log, registry)
			if err != nil {
				return err
			}
			wcfg := web.Config{Atlas: a, Graph: g, Logger: log, Lang: lang,
				Sessions: storeSessions{db: db, log: log}, Key: csrfKey, Site: site,
				Services: db.Services(), Federation: webFederation(db, client), Subscriptions: db, Alerts: db, Drops: alertDrops(db)}
			if lv != nil {
				wcfg.Sources = lv.webSources
			}
			webHandler, err := web.New(wcfg)
			if err != nil {
				return err
			}
			h.Handle("/api/", apiHandler)
			h.Handle("/healthz", apiHandler)
			h.Handle("/", webHandler)
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return lifeline.Errorf(lifeline.EINVALID, "", "--addr %s: %v", addr, err)
			}
			if metricsAddr != "" {
				mln, err := net.Listen("tcp", metricsAddr)
				if err != nil {
					ln.Close()
					return lifeline.Errorf(lifeline.EINVALID, "", "--metrics-addr %s: %v", metricsAddr, err)
				}
				mux := http.NewServeMux()
				mux.Handle("GET /metrics", apiHandler.Metrics())
				msrv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
				go msrv.Serve(mln)
				defer msrv.Close()
				fmt.Fprintln(stderr, "lifeline:", pr.T("serve.metrics", verbatim("http://"+mln.Addr().String()+"/metrics")))
			}
			// Generous read and write timeouts: clients on satellite or
			// USB-modem links are slow, not malicious.
			srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
				WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
			fmt.Fprintln(stderr, "lifeline:", pr.T("serve.serving", verbatim("http://"+ln.Addr().String()), verbatim(db.Dialect()+" "+redact(dsn))))
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			go checkLogInBackground(ctx, pr, db, stderr)
			// Webhooks: queued from the log and delivered from the outbox
			// in the database, so a restart loses none (docs/notify.md).
			dispatcher := notify.New(db, db.Services(), notify.Options{Logger: log, AllowPrivate: webhooksPrivate,
				Mail: notify.MailOptions{Addr: smtpAddr, From: smtpFrom, Username: smtpUser, Password: os.Getenv("LIFELINE_SMTP_PASSWORD"), Every: digestEvery}})
			dispatched := make(chan struct{})
			go func() { defer close(dispatched); dispatcher.Run(ctx) }()
			defer func() { stop(); <-dispatched }()
			liveDone := make(chan struct{})
			if lv != nil {
				go func() { lv.run(ctx); close(liveDone) }()
				fmt.Fprintln(stderr, "lifeline:", pr.T("serve.live", len(lv.runners), verbatim(liveFile)))
			} else {
				close(liveDone)
			}
			select {
			case err := <-errc:
				return err
			case <-ctx.Done():
			}
			fmt.Fprintln(stderr, "lifeline:", pr.T("serve.shutdown"))
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			select {
			case <-liveDone:
			case <-sctx.Done():
			}
			return nil
		},
	}
	dbFlag(cmd, &dsn)
	af.register(cmd)
	cmd.Flags().BoolVar(&seed, "demo", false, "seed a new instance with a demonstration (organisations, incidents, needs, offers)")
	cmd.Flags().StringVar(&addr, "addr", "localhost:8080", "address to listen on, HOST:PORT (port 0 picks a free one)")
	cmd.Flags().StringVar(&metricsAddr, "metrics-addr", "", "serve Prometheus metrics at /metrics on this address, HOST:PORT (e.g. 127.0.0.1:9090); off when empty")
	cmd.Flags().StringVar(&org, "org", "Lifeline instance", "name of the first organisation, when the instance is created")
	cmd.Flags().Float64Var(&rate, "rate", 50, "requests per second allowed per token (or anonymous address); 0 for no limit")
	cmd.Flags().IntVar(&burst, "burst", 0, "requests allowed at once above the rate (default 4×rate)")
	cmd.Flags().DurationVar(&pullEvery, "pull-every", time.Minute, "how often to pull from peers with a URL (they also notify when they have something new); 0 never")
	cmd.Flags().StringVar(&site, "site", "", "the absolute URL the web interface is reached at (e.g. https://lifeline.example.org), which Atom feeds link to (default: the request's host)")
	cmd.Flags().BoolVar(&webhooksPrivate, "webhooks-private", false, "let webhooks call loopback and private addresses (off: a webhook cannot reach the server's own network)")
	cmd.Flags().StringVar(&smtpAddr, "smtp-addr", "", "SMTP server (HOST:PORT) of e-mail digests, for webhooks subscribed to a mailto: address; the password is read from $LIFELINE_SMTP_PASSWORD")
	cmd.Flags().StringVar(&smtpFrom, "smtp-from", "lifeline@localhost", "sender address of e-mail digests")
	cmd.Flags().StringVar(&smtpUser, "smtp-user", "", "user name on the SMTP server (sent only over TLS or to localhost)")
	cmd.Flags().DurationVar(&digestEvery, "digest-every", time.Hour, "how long an e-mail digest gathers notifications")
	cmd.Flags().StringVar(&liveFile, "live", "", "follow the live sources (RIS Live, MRT archives, IODA) configured in this file and record their alerts (docs/watch.md)")
	cmd.Flags().StringVar(&lang, "lang", "", "language of the web interface for visitors who have not chosen one: ar, zh, en, fr, ru or es (default: the browser's; the lines on standard error follow $LC_ALL, $LC_MESSAGES or $LANG)")
	return cmd
}

// initOnFirstStart initialises an empty store and prints the admin token,
// the only time it is shown.
func initOnFirstStart(ctx context.Context, pr *i18n.Printer, db *store.DB, org string, cmd *cobra.Command) error {
	ok, err := db.Initialized(ctx)
	if err != nil || ok {
		return err
	}
	inst, err := db.Init(ctx, org, "admin", 0)
	if err != nil {
		return err
	}
	fmt.Fprintln(cmd.ErrOrStderr(), "lifeline:", pr.T("serve.new", verbatim(inst.OrgID), verbatim(inst.MemberID)))
	fmt.Fprintln(cmd.ErrOrStderr(), "lifeline:", pr.T("serve.token", verbatim(inst.Token)))
	return nil
}

// seedDemo fills a new instance with the demonstration and prints a token
// for one member of each organisation. An instance that already holds more
// than its first organisation is left as it is.
func seedDemo(ctx context.Context, pr *i18n.Printer, db *store.DB, g *impact.Graph, cmd *cobra.Command) error {
	stderr := cmd.ErrOrStderr()
	res, err := demo.Seed(ctx, db.Services(), coord.System, g)
	if lifeline.ErrorCode(err) == lifeline.ECONFLICT {
		fmt.Fprintln(stderr, "lifeline:", pr.T("serve.demo.exists"))
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", pr.T("serve.demo.err"), err)
	}
	fmt.Fprintln(stderr, "lifeline:", pr.T("serve.demo", res.Orgs, res.Incidents, res.Needs, res.Offers, res.Matches))
	fmt.Fprintln(stderr, "lifeline:", pr.T("serve.demo.login"))
	tw := tabwriter.NewWriter(stderr, 0, 0, 2, ' ', 0)
	for _, m := range res.Members {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", m.Name, m.Org, m.Role, m.Token)
	}
	return tw.Flush()
}

// redact hides the password of a database URL, so it does not end up in
// logs.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		return u.Redacted()
	}
	return dsn
}

// tailChecked is how many events at the end of the log a server verifies
// before it serves: enough to cover the writes of the last minutes, in
// time independent of the log's length.
const tailChecked = 1000

// checkLogAtStart verifies the end of the log and the signed head before
// the server serves; if they do not verify, the store refuses writes and
// the reason, with how to recover, is printed.
func checkLogAtStart(ctx context.Context, pr *i18n.Printer, db *store.DB, stderr io.Writer) {
	if err := db.CheckTail(ctx, tailChecked); err != nil {
		db.RefuseWrites(err)
		fmt.Fprintf(stderr, "lifeline: %s\nlifeline: %s\n", lifeline.ErrorMessage(db.Broken()), pr.T("serve.readonly"))
	}
}

// recordCoverageAtStart records the coverage of the needs this instance
// keeps whose matches have no record of it, or a record behind them (they
// were matched before coverage was recorded: store.RecordCoverage), and
// of the offers whose matches it keeps that have no current record of
// them (store.RecordOfferCoverage), so that peers show the figures this
// instance shows. A log that does not
// verify takes no writes, and is left as it is; a failure is said and
// serving goes on, the needs showing on peers what the peers hold.
func recordCoverageAtStart(ctx context.Context, pr *i18n.Printer, db *store.DB, stderr io.Writer) {
	if db.Broken() != nil {
		return
	}
	ids, err := db.RecordCoverage(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "lifeline:", pr.T("serve.coverage.err", lifeline.ErrorMessage(err)))
		return
	}
	if len(ids) > 0 {
		fmt.Fprintln(stderr, "lifeline:", pr.T("serve.coverage", len(ids)))
	}
	// The offers whose matches kept here have no record of this
	// instance's, or one behind them (store.RecordOfferCoverage).
	if ids, err = db.RecordOfferCoverage(ctx); err != nil {
		fmt.Fprintln(stderr, "lifeline:", pr.T("serve.coverage.offers.err", lifeline.ErrorMessage(err)))
		return
	}
	if len(ids) > 0 {
		fmt.Fprintln(stderr, "lifeline:", pr.T("serve.coverage.offers", len(ids)))
	}
}

// checkLogInBackground verifies the whole log while the server serves,
// printing its progress every ten seconds at most; a log that does not
// verify makes the store refuse writes.
func checkLogInBackground(ctx context.Context, pr *i18n.Printer, db *store.DB, stderr io.Writer) {
	if db.Broken() != nil {
		return
	}
	last := time.Now()
	c := db.CheckLog(ctx, func(c store.LogCheck) {
		if time.Since(last) >= 10*time.Second {
			last = time.Now()
			fmt.Fprintln(stderr, "lifeline:", pr.T("serve.check.progress", c.Checked, c.Events))
		}
	})
	switch c.State {
	case "ok":
		fmt.Fprintln(stderr, "lifeline:", pr.T("serve.check.ok", c.Checked))
		checkStateInBackground(ctx, pr, db, stderr)
	case "broken":
		fmt.Fprintf(stderr, "lifeline: %s\nlifeline: %s\n", c.Error, pr.T("serve.readonly"))
	}
}

// storeSessions keeps the web interface's sessions in the store (see
// store.PutSession), so that they work on every server of the instance.
type storeSessions struct {
	db  *store.DB
	log *slog.Logger
}

// sessionTimeout bounds one session read or write.
const sessionTimeout = 10 * time.Second

// Put implements web.Sessions.
func (s storeSessions) Put(id string, sess web.Session) error {
	ctx, cancel := context.WithTimeout(context.Background(), sessionTimeout)
	defer cancel()
	return s.db.PutSession(ctx, id, sess.Token, sess.Name, sess.Expires)
}

// Get implements web.Sessions; a failure to read is logged and taken as
// no session, so the visitor is asked to log in again.
func (s storeSessions) Get(id string) (web.Session, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), sessionTimeout)
	defer cancel()
	tok, name, exp, ok, err := s.db.GetSession(ctx, id)
	if err != nil {
		s.log.Error("read session", "err", err)
		return web.Session{}, false
	}
	return web.Session{Token: tok, Name: name, Expires: exp}, ok
}

// Delete implements web.Sessions.
func (s storeSessions) Delete(id string) error {
	ctx, cancel := context.WithTimeout(context.Background(), sessionTimeout)
	defer cancel()
	return s.db.DeleteSession(ctx, id)
}

// checkStateInBackground compares the state tables with a replay of the
// log in a throw-away SQLite file, without holding the writes: an edited
// state row would otherwise be served, and signed into the log by the
// next change of its item. If they differ, the store refuses appends.
func checkStateInBackground(ctx context.Context, pr *i18n.Printer, db *store.DB, stderr io.Writer) {
	dir, err := os.MkdirTemp("", "lifeline-replay-")
	if err != nil {
		fmt.Fprintln(stderr, "lifeline:", pr.T("serve.state.cannot", err.Error()))
		return
	}
	defer os.RemoveAll(dir) // the replay holds the instance key
	scratch, err := sqlite.Open(ctx, filepath.Join(dir, "replay.db"))
	if err != nil {
		fmt.Fprintln(stderr, "lifeline:", pr.T("serve.state.cannot", err.Error()))
		return
	}
	defer scratch.Close()
	diff, err := db.CompareState(ctx, scratch)
	switch {
	case err != nil && ctx.Err() == nil:
		fmt.Fprintln(stderr, "lifeline:", pr.T("serve.state.cannot", lifeline.ErrorMessage(err)))
	case diff != "":
		db.RefuseWrites(fmt.Errorf("the state tables differ from the log: %s", diff))
		fmt.Fprintf(stderr, "lifeline: %s\nlifeline: %s\n", lifeline.ErrorMessage(db.Broken()), pr.T("serve.readonly"))
	case err == nil:
		fmt.Fprintln(stderr, "lifeline:", pr.T("serve.state.ok"))
	}
}

// alertDrops gives the candidate failures of an incident what the
// instance's alerts observed of its countries (coord.AlertDrops).
func alertDrops(db *store.DB) func(ctx context.Context, v coord.Viewer, in *coord.Incident) ([]coord.Drop, error) {
	return func(ctx context.Context, v coord.Viewer, in *coord.Incident) ([]coord.Drop, error) {
		return coord.AlertDrops(ctx, db, v, in)
	}
}
