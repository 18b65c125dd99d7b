package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os/signal"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"lifeline"
	"lifeline/api"
	"lifeline/demo"
	"lifeline/impact"
	"lifeline/store"
	"lifeline/web"
)

func newServeCmd() *cobra.Command {
	var dsn, addr, org string
	var rate float64
	var burst int
	var seed bool
	var lang string
	var af atlasFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web interface and the coordination API",
		Long: `Serve Lifeline: the web interface (dashboard, incidents, needs and offers,
the atlas explorer, the simulator, country profiles; see docs/web.md) at /,
and the coordination API — incidents, needs, offers, matches and the signed
event log as JSON under /api/v1 (see docs/api.md) — with /healthz, /metrics
and the OpenAPI document at /api/v1/openapi.json.

With no flags it uses the SQLite file lifeline.db in the working directory,
creating it and initialising the instance on first start; the instance
admin's token is then printed once, on standard error. Log in to the web
interface with that token.

--demo seeds a new instance with a demonstration: organisations of every
kind, incidents computed from scenarios on the atlas, needs, offers and
commitments; it prints a token for one member of each organisation.`,
		Example: `  lifeline serve
  lifeline serve --demo --db demo.db
  lifeline serve --demo --lang ar
  lifeline serve --addr 0.0.0.0:8080 --db postgres://lifeline@db/lifeline --atlas full.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			stderr := cmd.ErrOrStderr()
			log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
			db, err := openDB(ctx, dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			if err := initOnFirstStart(ctx, db, org, cmd); err != nil {
				return err
			}
			a, err := af.load(cmd)
			if err != nil {
				return err
			}
			g, err := impact.NewGraph(a, impact.Options{})
			if err != nil {
				return err
			}
			if seed {
				if err := seedDemo(ctx, db, g, cmd); err != nil {
					return err
				}
			}
			if rate <= 0 {
				rate = -1 // unlimited
			}
			apiHandler := api.New(api.Services{Orgs: db, Members: db, Incidents: db, Needs: db, Offers: db, Matches: db, Events: db,
				Health: func(ctx context.Context) error { return db.SQL().PingContext(ctx) }},
				api.Options{Logger: log, Rate: rate, Burst: burst})
			webHandler, err := web.New(web.Config{Atlas: a, Graph: g, Logger: log, Lang: lang,
				Services: web.Services{Orgs: db, Members: db, Incidents: db, Needs: db, Offers: db, Matches: db, Events: db}})
			if err != nil {
				return err
			}
			h := http.NewServeMux()
			h.Handle("/api/", apiHandler)
			h.Handle("/healthz", apiHandler)
			h.Handle("/metrics", apiHandler)
			h.Handle("/", webHandler)
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return lifeline.Errorf(lifeline.EINVALID, "", "--addr %s: %v", addr, err)
			}
			// Generous read and write timeouts: clients on satellite or
			// USB-modem links are slow, not malicious.
			srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
				WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
			fmt.Fprintf(stderr, "lifeline: serving on http://%s — web interface at /, API at /api/v1 (store: %s %s)\n", ln.Addr(), db.Dialect(), redact(dsn))
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			select {
			case err := <-errc:
				return err
			case <-ctx.Done():
			}
			fmt.Fprintln(stderr, "lifeline: shutting down")
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
	dbFlag(cmd, &dsn)
	af.register(cmd)
	cmd.Flags().BoolVar(&seed, "demo", false, "seed a new instance with a demonstration (organisations, incidents, needs, offers)")
	cmd.Flags().StringVar(&addr, "addr", "localhost:8080", "address to listen on, HOST:PORT (port 0 picks a free one)")
	cmd.Flags().StringVar(&org, "org", "Lifeline instance", "name of the first organisation, when the instance is created")
	cmd.Flags().Float64Var(&rate, "rate", 50, "requests per second allowed per token (or anonymous address); 0 for no limit")
	cmd.Flags().IntVar(&burst, "burst", 0, "requests allowed at once above the rate (default 4×rate)")
	cmd.Flags().StringVar(&lang, "lang", "", "language of the web interface for visitors who have not chosen one: ar, zh, en, fr, ru or es (default: the browser's)")
	return cmd
}

// initOnFirstStart initialises an empty store and prints the admin token,
// the only time it is shown.
func initOnFirstStart(ctx context.Context, db *store.DB, org string, cmd *cobra.Command) error {
	ok, err := db.Initialized(ctx)
	if err != nil || ok {
		return err
	}
	inst, err := db.Init(ctx, org, "admin", 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "lifeline: new instance: organisation %s, admin member %s\nlifeline: admin token (shown only now, keep it): %s\n", inst.OrgID, inst.MemberID, inst.Token)
	return nil
}

// seedDemo fills a new instance with the demonstration and prints a token
// for one member of each organisation. An instance that already holds more
// than its first organisation is left as it is.
func seedDemo(ctx context.Context, db *store.DB, g *impact.Graph, cmd *cobra.Command) error {
	stderr := cmd.ErrOrStderr()
	res, err := demo.Seed(ctx, demo.Services{Orgs: db, Members: db, Incidents: db, Needs: db, Offers: db, Matches: db}, store.System, g)
	if lifeline.ErrorCode(err) == lifeline.ECONFLICT {
		fmt.Fprintln(stderr, "lifeline: --demo: this instance already holds data; serving it as it is")
		return nil
	}
	if err != nil {
		return fmt.Errorf("seed the demonstration: %w", err)
	}
	fmt.Fprintf(stderr, "lifeline: demonstration: %d organisations, %d incidents, %d needs, %d offers, %d commitments\n",
		res.Orgs, res.Incidents, res.Needs, res.Offers, res.Matches)
	fmt.Fprintln(stderr, "lifeline: log in as any of these members (tokens shown only now):")
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
