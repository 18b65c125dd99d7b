package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"lifeline"
	"lifeline/atlas"
	"lifeline/coord"
	"lifeline/federation"
	"lifeline/impact"
	"lifeline/norms"
	"lifeline/web/i18n"
)

// Config is what the web interface serves.
type Config struct {
	// Atlas is the infrastructure model the maps, the atlas explorer, the
	// simulator and the profiles show. Required.
	Atlas *atlas.Atlas
	// Graph is the atlas compiled for the impact engine; nil compiles
	// Atlas with impact's default core.
	Graph *impact.Graph
	// Services are the coordination services. Without all of them only
	// the public pages (atlas, simulator, profiles) are served.
	// Every read applies coord.CanSee inside the service; the pages never
	// decide visibility.
	Services coord.Services
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives failures of ours; nil discards.
	Logger *slog.Logger
	// Sessions keeps sessions; nil keeps them in memory (see Sessions).
	Sessions Sessions
	// SessionTTL is how long a session lasts; 0 means 12 hours.
	SessionTTL time.Duration
	// Key signs CSRF tokens (at least 32 bytes); nil draws one at start,
	// so forms rendered before a restart must be submitted again.
	Key []byte
	// Rand is the source of session ids and cookies; nil means crypto/rand.
	Rand io.Reader
	// Name is the instance's name, shown in every page's header; "" means
	// "Lifeline".
	Name string
	// MaxSamples bounds the Monte Carlo samples of a simulation run from
	// the web, so one visitor cannot hold the server's cores; 0 means 500.
	MaxSamples int
	// Lang is the language (ar, zh, en, fr, ru or es) of a visitor who has
	// not chosen one; "" follows the browser's Accept-Language.
	Lang string
	// Federation, if not nil, serves the instance administrators' page of
	// peers (/admin/federation).
	Federation *Federation
	// Subscriptions are the organisations' webhooks, which their
	// administrators manage on /webhooks; nil: not served.
	Subscriptions coord.SubscriptionService
	// Site is the absolute URL the interface is reached at, such as
	// "https://lifeline.example.org", which feeds link to; "" takes the
	// request's scheme and host.
	Site string
	// Alerts are the alerts of the instance's detector, shown on the
	// dashboard and the country pages; nil shows none.
	Alerts coord.AlertService
	// Sources, if set, gives the status of the detector's live sources for
	// the operators' page (/admin/sources).
	Sources func() []Source
	// Drops, when not nil, gives what is observed about an incident beyond
	// what it records itself — the falls and recoveries of its countries'
	// alerts — for its candidate failures (coord.DropsOf).
	Drops func(ctx context.Context, v coord.Viewer, in *coord.Incident) ([]coord.Drop, error)
}

// server is the web interface.
type server struct {
	cfg      Config
	svc      coord.Services
	atlas    *atlas.Atlas
	graph    *impact.Graph
	now      func() time.Time
	log      *slog.Logger
	sessions Sessions
	ttl      time.Duration
	key      []byte
	rand     io.Reader
	name     string
	assets   *assets
	pages    map[string]map[string]*pageTemplate // by language, then name
	mux      *http.ServeMux
	simSlots chan struct{} // bounds simulations run at once
	engine   engineCache   // the engine's answers about incidents
	norms    *norms.Catalogue

	profilesOnce sync.Once
	profiles     []impact.Profile
	profilesErr  error
}

// New returns the web interface as an http.Handler, safe for concurrent
// use. It serves every page under / and its assets under /static/.
//
// Errors: EINVALID for a Config without an atlas or with a short key;
// ENOTFOUND for a graph whose core is not in the atlas.
func New(cfg Config) (http.Handler, error) {
	const op = "web.New"
	if cfg.Atlas == nil {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "config: an atlas is required")
	}
	s := &server{cfg: cfg, svc: cfg.Services, atlas: cfg.Atlas, graph: cfg.Graph, now: cfg.Now,
		log: cfg.Logger, sessions: cfg.Sessions, ttl: cfg.SessionTTL, key: cfg.Key, rand: cfg.Rand, name: cfg.Name}
	if s.now == nil {
		s.now = time.Now
	}
	cat, nerr := norms.Default()
	if nerr != nil {
		return nil, nerr
	}
	s.norms = cat
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	if s.ttl <= 0 {
		s.ttl = 12 * time.Hour
	}
	if s.sessions == nil {
		s.sessions = NewMemorySessions(s.now)
	}
	if s.name == "" {
		s.name = "Lifeline"
	}
	if s.key == nil {
		s.key = make([]byte, 32)
		if _, err := io.ReadFull(s.rand, s.key); err != nil {
			return nil, fmt.Errorf("web: draw a key: %w", err)
		}
	}
	if len(s.key) < 32 {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "config: key: at least 32 bytes, found %d", len(s.key))
	}
	if _, ok := i18n.ByCode(cfg.Lang); cfg.Lang != "" && !ok {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "config: language: expected one of ar, zh, en, fr, ru, es, found %q", cfg.Lang)
	}
	if s.cfg.MaxSamples <= 0 {
		s.cfg.MaxSamples = 500
	}
	if s.graph == nil {
		g, err := impact.NewGraph(s.atlas, impact.Options{})
		if err != nil {
			return nil, err
		}
		s.graph = g
	}
	s.simSlots = make(chan struct{}, 2)
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.pages, err = parsePages(s.assets); err != nil {
		return nil, err
	}
	s.mux = http.NewServeMux()
	s.routes()
	return s, nil
}

// routes registers every page. Pages that change something are POSTs
// that check the CSRF token (see csrf.go) and answer with a redirect.
func (s *server) routes() {
	s.mux.Handle("GET /static/{name}", http.HandlerFunc(s.assets.serve))
	s.mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, s.assets.path("icon.svg"), http.StatusMovedPermanently)
	})

	s.page("GET /atlas", s.atlasMap)
	s.page("GET /atlas/search", s.atlasSearch)
	s.page("GET /atlas/cables", s.cableList)
	s.page("GET /atlas/cables/{id}", s.cablePage)
	s.page("GET /atlas/landing-points/{id}", s.landingPointPage)
	s.page("GET /atlas/countries", s.countryList)
	s.page("GET /atlas/countries/{code}", s.countryPage)
	s.page("GET /simulate", s.simulateForm)
	s.page("GET /simulate/result", s.simulateResult)
	s.page("POST /simulate/upload", s.simulateUpload)

	s.page("GET /login", s.loginForm)
	s.page("POST /login", s.login)
	s.page("POST /logout", s.logout)
	s.normsRoutes()

	if !s.svc.Complete() {
		s.page("GET /{$}", s.publicHome)
		s.page("/", s.notFound)
		return
	}
	s.coordRoutes()
	s.fedRoutes()
	s.exchangeRoutes()
	s.webhookRoutes()
	s.page("/", s.notFound)
}

// handler is a page: it reads the request as the viewer and writes the
// page, or returns an error that becomes an error page.
type handler func(w http.ResponseWriter, r *http.Request, rq *request) error

// request is what a page knows about who asks.
type request struct {
	viewer  coord.Viewer
	user    string             // the member's name
	session string             // session id, "" for anonymous visitors
	csrf    string             // the token forms carry
	printer *i18n.Printer      // prints in the page's language
	origin  *federation.Origin // the instance the page's item came from
}

// page registers h under pattern with the session, CSRF and error
// handling every page shares.
func (s *server) page(pattern string, h handler) {
	s.pageChecked(pattern, h, s.checkCSRF)
}

// pageChecked is page with check as the CSRF check of a POST; a nil check
// leaves it to h, which must then make it (a form read as a stream).
func (s *server) pageChecked(pattern string, h handler, check func(*http.Request, *request) error) {
	s.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("web: panic", "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		p := s.chooseLang(w, r).Printer()
		rq, err := s.identify(w, r)
		if rq != nil {
			rq.printer = p
		}
		if err == nil && r.Method == http.MethodPost && check != nil {
			err = check(r, rq)
		}
		if err == nil {
			err = h(w, r, rq)
		}
		if err != nil {
			if rq == nil {
				rq = &request{printer: p}
			}
			s.fail(w, r, rq, err)
		}
	}))
}

// ServeHTTP sets the headers every response shares and dispatches.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// No request leaves the origin: every asset, map and script is ours.
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "+
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	s.mux.ServeHTTP(w, r)
}

// fail writes the error page for err: the status its code maps to and a
// message that never shows internals.
func (s *server) fail(w http.ResponseWriter, r *http.Request, rq *request, err error) {
	var redirect *loginRedirect
	if errors.As(err, &redirect) {
		http.Redirect(w, r, "/login?next="+urlQueryEscape(redirect.next), http.StatusSeeOther)
		return
	}
	status := statusOf(err)
	msg := rq.errText(err)
	if status == http.StatusInternalServerError {
		s.log.Error("web: internal error", "path", r.URL.Path, "err", lifeline.Trace(err))
		msg = rq.t("error.internal")
	}
	if status == http.StatusNotFound {
		msg = rq.t("error.notfound")
	}
	if rq == nil {
		rq = &request{}
	}
	title := rq.t(fmt.Sprintf("error.status.%d", status))
	s.render(w, r, rq, status, "error", title, errorPage{Status: status, Title: title, Message: msg})
}

// statusOf maps an error code to an HTTP status, in one table.
func statusOf(err error) int {
	switch lifeline.ErrorCode(err) {
	case lifeline.EINVALID:
		return http.StatusBadRequest
	case lifeline.ENOTFOUND:
		return http.StatusNotFound
	case lifeline.EFORBIDDEN:
		return http.StatusForbidden
	case lifeline.ECONFLICT:
		return http.StatusConflict
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

type errorPage struct {
	Status  int
	Title   string
	Message string
}

func (s *server) notFound(w http.ResponseWriter, r *http.Request, rq *request) error {
	return lifeline.Errorf(lifeline.ENOTFOUND, "web", "no page %s", r.URL.Path)
}

// writeBody writes a rendered page with an ETag, honouring If-None-Match
// (a repeat visit over a slow link costs a few hundred bytes), gzip when
// the client accepts it, and no caching without revalidation.
func writeBody(w http.ResponseWriter, r *http.Request, status int, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Add("Vary", "Accept-Encoding")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "private, no-cache")
	}
	etag := `W/"` + shortHash(body) + `"`
	if status == http.StatusOK {
		h.Set("ETag", etag)
		if matchETag(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if acceptsGzip(r) && len(body) > 512 {
		var buf bytes.Buffer
		gzipTo(&buf, body)
		h.Set("Content-Encoding", "gzip")
		body = buf.Bytes()
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}
