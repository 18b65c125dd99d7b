// Package api is Lifeline's HTTP JSON API under /api/v1: incidents, needs,
// offers, matches, organisations and their members, and the event log,
// for members holding a bearer token and — for TLP:CLEAR items — for
// anyone.
//
// The API knows the domain only through the coord service interfaces; it
// decides nothing about visibility itself. Every read goes through a
// service, and every service applies coord.CanSee, so an item a caller may
// not see answers 404 exactly like one that does not exist.
//
// Conventions, for slow and expensive links: errors are RFC 7807 problem
// documents mapped from error codes in one table (status); lists are
// {"items": […], "next": cursor} pages; responses carry an ETag and honour
// If-None-Match; bodies are gzip-compressed when the client accepts it;
// request bodies are size-limited, strictly typed and reject unknown
// fields; each token (or anonymous address) has a request rate limit.
// The routes are listed once (routes) and documented in the OpenAPI
// document served at /api/v1/openapi.json, which a test checks against
// them. docs/api.md describes the API with examples a test runs.
package api

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lifeline"
	"lifeline/coord"
	"lifeline/federation"
	"lifeline/impact"
	"lifeline/norms"
	"lifeline/sitrep"
)

// Options tune a Server; the zero value gives the defaults.
type Options struct {
	// Health reports whether the store answers; nil means always.
	Health   func(ctx context.Context) error
	Logger   *slog.Logger         // nil: discard
	MaxBody  int64                // bytes of a request body; 0: 1 MiB
	Rate     float64              // requests per second per token or anonymous address; 0: 50; <0: unlimited
	Burst    int                  // requests allowed at once above the rate; 0: 4×Rate
	Registry *prometheus.Registry // nil: a new one, served by Metrics
	// CursorKey is the secret of the event feed's cursors; servers that
	// share a database must share it, so that a cursor from one is
	// accepted by another. nil draws one at start (cursors then do not
	// survive a restart).
	CursorKey []byte
	// LogCheck, when not nil, reports the state of the check of the
	// signed log, shown by /healthz under "log"; ok false makes /healthz
	// answer 503.
	LogCheck func() (state any, ok bool)
	// Norms is the legal and normative catalogue the incidents' norms and
	// briefs apply; nil: the embedded one (norms.Default).
	Norms *norms.Catalogue
	// Changes, when set, takes changes to items kept by other instances
	// (federation) and shows what became of them: /api/v1/changes.
	Changes coord.ChangeService
	// Origins, if not nil, tells the instance an item came from: an
	// incident, need, offer or match read by its id then carries it as
	// "origin" when it was received from another instance.
	Origins federation.Origins
	// Instance is the host name exchange documents are written under
	// (CAP senders, STIX identities); "" takes the request's host.
	Instance string
	// Now is the clock of exchange documents; nil: time.Now.
	Now func() time.Time
	// Subscriptions are the organisations' webhooks; nil: the webhook
	// routes answer 404.
	Subscriptions coord.SubscriptionService
	// Alerts are the alerts of the instance's detector, served under
	// /api/v1/alerts; nil serves none.
	Alerts coord.AlertService
	// Graph is the impact engine's graph of the atlas, which ranks the
	// candidate failures of an incident (GET
	// /api/v1/incidents/{id}/candidates); nil: that route answers 404.
	Graph *impact.Graph
	// Drops, when not nil, gives what is observed about an incident beyond
	// what it records itself — the falls and recoveries of the alerts of
	// its countries — for its candidates (coord.DropsOf).
	Drops func(ctx context.Context, v coord.Viewer, in *coord.Incident) ([]coord.Drop, error)
	// SitrepHTML writes a situation report as one HTML file in the
	// language lang (a code, or "" to choose from acceptLanguage);
	// lifeline serve gives web.SitrepHTML. Nil: GET /api/v1/sitrep
	// answers JSON only.
	SitrepHTML func(w io.Writer, rep *sitrep.Report, lang, acceptLanguage string) error
	// SitrepEstimate estimates what an incident breaks, for the report
	// (web.SitrepEstimate over the served atlas); nil: no estimate.
	SitrepEstimate func(ctx context.Context, in *coord.Incident) ([]sitrep.Loss, error)
}

// Server is the API as an http.Handler. It is safe for concurrent use.
type Server struct {
	svc      coord.Services
	health   func(ctx context.Context) error
	logCheck func() (any, bool)
	norms    *norms.Catalogue
	changes  coord.ChangeService
	alerts   coord.AlertService
	graph    *impact.Graph
	drops    func(ctx context.Context, v coord.Viewer, in *coord.Incident) ([]coord.Drop, error)
	// the situation report's renderer and estimate (Options)
	sitrepHTML     func(w io.Writer, rep *sitrep.Report, lang, acceptLanguage string) error
	sitrepEstimate func(ctx context.Context, in *coord.Incident) ([]sitrep.Loss, error)
	cursors        *cursors
	log            *slog.Logger
	maxBody        int64
	limiter        *limiter
	auth           *authCache
	metrics        *metrics
	mux            *http.ServeMux
	origins        federation.Origins
	instance       string
	now            func() time.Time
	subs           coord.SubscriptionService
}

// New returns the API over svc.
func New(svc coord.Services, opt Options) *Server {
	s := &Server{svc: svc, health: opt.Health, logCheck: opt.LogCheck, norms: opt.Norms, changes: opt.Changes, log: opt.Logger, maxBody: opt.MaxBody, origins: opt.Origins, alerts: opt.Alerts,
		graph: opt.Graph, drops: opt.Drops, sitrepHTML: opt.SitrepHTML, sitrepEstimate: opt.SitrepEstimate}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.instance, s.now, s.subs = opt.Instance, opt.Now, opt.Subscriptions
	if s.now == nil {
		s.now = time.Now
	}
	if s.norms == nil {
		// The embedded catalogue is checked by its tests; failing to load
		// it is a build fault, not an input error.
		c, err := norms.Default()
		if err != nil {
			panic("the embedded norms catalogue does not load: " + err.Error())
		}
		s.norms = c
	}
	if s.maxBody <= 0 {
		s.maxBody = 1 << 20
	}
	rate := opt.Rate
	if rate == 0 {
		rate = 50
	}
	if rate > 0 {
		burst := opt.Burst
		if burst <= 0 {
			burst = int(4 * rate)
		}
		s.limiter = newLimiter(rate, burst, time.Now)
	}
	key := opt.CursorKey
	if key == nil {
		key = make([]byte, 32)
		rand.Read(key) // never fails (crypto/rand, Go 1.24 and later)
	}
	s.cursors = newCursors(key)
	s.auth = newAuthCache(time.Second, time.Now)
	s.metrics = newMetrics(opt.Registry)
	s.mux = http.NewServeMux()
	allowed := map[string][]string{}
	var patterns []string
	for _, rt := range s.routes() {
		s.mux.Handle(rt.Method+" "+rt.Pattern, s.wrap(rt))
		if allowed[rt.Pattern] == nil {
			patterns = append(patterns, rt.Pattern)
		}
		allowed[rt.Pattern] = append(allowed[rt.Pattern], rt.Method)
	}
	// Other methods on a known path get a problem document too.
	for _, p := range patterns {
		methods := allowed[p]
		if slices.Contains(methods, "GET") {
			methods = append(methods, "HEAD")
		}
		allow := strings.Join(methods, ", ")
		s.mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			s.problemStatus(w, r, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed here; allowed: "+allow)
		})
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.problem(w, r, coord.Viewer{}, lifeline.Errorf(lifeline.ENOTFOUND, "api", "no route %s %s", r.Method, r.URL.Path))
	})
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// route is one endpoint: method and pattern (net/http syntax), whether
// it needs a token, and its handler.
type route struct {
	Method  string
	Pattern string
	Auth    bool // a token is required (anonymous callers get 401)
	Handle  func(w http.ResponseWriter, r *http.Request, v coord.Viewer)
}

// routes lists every endpoint once; the mux, the metrics and the OpenAPI
// test all read it.
func (s *Server) routes() []route {
	return []route{
		{"GET", "/healthz", false, s.healthz},
		{"GET", "/api/v1/openapi.json", false, s.openapi},
		{"GET", "/api/v1/me", true, s.me},

		{"GET", "/api/v1/orgs", false, s.listOrgs},
		{"POST", "/api/v1/orgs", true, s.createOrg},
		{"GET", "/api/v1/orgs/{id}", false, s.getOrg},
		{"POST", "/api/v1/orgs/{id}/verify", true, s.verifyOrg},
		{"POST", "/api/v1/orgs/{id}/endorse", true, s.endorseOrg},
		{"GET", "/api/v1/orgs/{id}/members", false, s.listMembers},
		{"POST", "/api/v1/members", true, s.createMember},
		{"POST", "/api/v1/members/{id}/tokens", true, s.issueToken},
		{"DELETE", "/api/v1/members/{id}/tokens", true, s.revokeTokens},

		{"GET", "/api/v1/incidents", false, s.listIncidents},
		{"POST", "/api/v1/incidents", true, s.createIncident},
		{"GET", "/api/v1/incidents/{id}", false, s.getIncident},
		{"PATCH", "/api/v1/incidents/{id}", true, s.patchIncident},
		{"GET", "/api/v1/incidents/{id}/norms", false, s.incidentNorms},
		{"GET", "/api/v1/incidents/{id}/brief", false, s.incidentBrief},
		{"GET", "/api/v1/incidents/{id}/candidates", false, s.incidentCandidates},
		{"GET", "/api/v1/situations", false, s.listSituations},
		{"POST", "/api/v1/situations", true, s.createSituation},

		{"GET", "/api/v1/needs", false, s.listNeeds},
		{"POST", "/api/v1/needs", true, s.createNeed},
		{"GET", "/api/v1/needs/{id}", false, s.getNeed},
		{"PATCH", "/api/v1/needs/{id}", true, s.patchNeed},
		{"GET", "/api/v1/needs/{id}/proposals", false, s.proposals},

		{"GET", "/api/v1/offers", false, s.listOffers},
		{"POST", "/api/v1/offers", true, s.createOffer},
		{"GET", "/api/v1/offers/{id}", false, s.getOffer},
		{"PATCH", "/api/v1/offers/{id}", true, s.patchOffer},

		{"GET", "/api/v1/matches", false, s.listMatches},
		{"POST", "/api/v1/matches", true, s.createMatch},
		{"GET", "/api/v1/matches/{id}", false, s.getMatch},
		{"PATCH", "/api/v1/matches/{id}", true, s.patchMatch},

		{"GET", "/api/v1/events", false, s.listEvents},

		{"POST", "/api/v1/changes", true, s.proposeChange},
		{"GET", "/api/v1/changes", false, s.listChanges},
		{"GET", "/api/v1/changes/{id}", false, s.getChange},
		{"GET", "/api/v1/webhooks", true, s.listWebhooks},
		{"POST", "/api/v1/webhooks", true, s.createWebhook},
		{"DELETE", "/api/v1/webhooks/{id}", true, s.deleteWebhook},
		{"POST", "/api/v1/webhooks/{id}/test", true, s.testWebhook},
		{"GET", "/api/v1/webhooks/{id}/deliveries", true, s.webhookDeliveries},
		{"GET", "/api/v1/alerts", false, s.listAlerts},
		{"GET", "/api/v1/alerts/{id}", false, s.getAlert},
		{"GET", "/api/v1/sitrep", false, s.sitrepGet},
	}
}

// wrap adds to a route what every request gets: metrics, recovery,
// authentication and the rate limit.
func (s *Server) wrap(rt route) http.Handler {
	name := rt.Method + " " + rt.Pattern
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic", "route", name, "panic", p)
				s.problem(sw, r, coord.Viewer{}, lifeline.Errorf(lifeline.EINTERNAL, "api", "panic"))
			}
			s.metrics.observe(name, sw.status, time.Since(start))
		}()
		v, err := s.authenticate(r)
		if lifeline.ErrorCode(err) == lifeline.EINTERNAL {
			s.problem(sw, r, v, err)
			return
		}
		if err != nil {
			// Failed tokens count against the address, so guessing costs.
			if s.limiter != nil {
				if ok, wait := s.limiter.allow("a:" + clientIP(r)); !ok {
					sw.Header().Set("Retry-After", itoa(int64(wait/time.Second)+1))
					s.problemStatus(sw, r, http.StatusTooManyRequests, "rate_limited", "too many requests; retry after the time in Retry-After")
					return
				}
			}
			sw.Header().Set("WWW-Authenticate", `Bearer realm="lifeline", error="invalid_token"`)
			s.problemStatus(sw, r, http.StatusUnauthorized, "unauthorized", err.Error())
			return
		}
		if s.limiter != nil && rt.Pattern != "/healthz" {
			key := "m:" + v.MemberID
			if v.Anonymous() {
				key = "a:" + clientIP(r)
			}
			if ok, wait := s.limiter.allow(key); !ok {
				sw.Header().Set("Retry-After", itoa(int64(wait/time.Second)+1))
				s.problemStatus(sw, r, http.StatusTooManyRequests, "rate_limited", "too many requests; retry after the time in Retry-After")
				return
			}
		}
		if rt.Auth && v.Anonymous() {
			sw.Header().Set("WWW-Authenticate", `Bearer realm="lifeline"`)
			s.problemStatus(sw, r, http.StatusUnauthorized, "unauthorized", "this needs a bearer token: Authorization: Bearer <token>")
			return
		}
		rt.Handle(sw, r, v)
	})
}

// authenticate returns the viewer of r: anonymous without an
// Authorization header, an error for a malformed or unknown token.
func (s *Server) authenticate(r *http.Request) (coord.Viewer, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return coord.Viewer{}, nil
	}
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" || len(tok) > 200 {
		return coord.Viewer{}, lifeline.Errorf(lifeline.EINVALID, "api", "Authorization: expected \"Bearer <token>\"")
	}
	tok = strings.TrimSpace(tok)
	// The count is read before the lookup: a revocation that commits
	// after it changes the count, so the answer is not kept past it.
	gen := s.svc.Members.Revocations()
	if v, ok := s.auth.get(tok, gen); ok {
		return v, nil
	}
	v, err := s.svc.Members.Authenticate(r.Context(), tok)
	if err == nil {
		s.auth.put(tok, v, gen)
	}
	if lifeline.ErrorCode(err) == lifeline.ENOTFOUND {
		return coord.Viewer{}, lifeline.Errorf(lifeline.EINVALID, "api", "unknown token")
	}
	if err != nil {
		s.log.Error("authenticate", "err", lifeline.Trace(err))
		return coord.Viewer{}, lifeline.Errorf(lifeline.EINTERNAL, "api", "cannot check the token now")
	}
	return v, nil
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// statusWriter remembers the status for the metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the status and passes it on.
func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) healthz(w http.ResponseWriter, r *http.Request, _ coord.Viewer) {
	if s.health != nil {
		if err := s.health(r.Context()); err != nil {
			s.log.Error("health", "err", lifeline.Trace(err))
			s.problemStatus(w, r, http.StatusServiceUnavailable, "unavailable", "the store does not answer")
			return
		}
	}
	if s.logCheck == nil {
		s.writeJSON(w, r, http.StatusOK, map[string]any{"status": "ok"}, "")
		return
	}
	state, ok := s.logCheck()
	if !ok {
		s.writeJSON(w, r, http.StatusServiceUnavailable, map[string]any{"status": "broken", "log": state}, "")
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"status": "ok", "log": state}, "")
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, v coord.Viewer) {
	s.writeJSON(w, r, http.StatusOK, v, "")
}
