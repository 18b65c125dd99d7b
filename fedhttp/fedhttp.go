// Package fedhttp carries federation over HTTP: the endpoints one
// instance serves to its peers under /federation/v1/, and the client that
// pulls from them and tells them when there is something new. It is an
// adapter: what may travel and what a batch proves are decided in package
// federation, what is kept in the store; this package only moves bytes and
// checks that each request is signed by a peer (RFC 9421).
//
// The protocol is written down in docs/federation.md.
package fedhttp

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"

	"lifeline"
	"lifeline/federation"
)

// BatchType is the media type of a batch's wire form.
const BatchType = "application/vnd.lifeline.batch"

// MaxPage is the most events one pull returns.
const MaxPage = 1000

// Server serves /federation/v1/ for the peers of one instance. It is safe
// for concurrent use.
type Server struct {
	svc    federation.Service
	log    *slog.Logger
	now    func() time.Time
	notify func(peer string) // called when a peer says it has new events
	mux    *http.ServeMux
}

// NewServer returns the federation endpoints over svc. notify, if not
// nil, is called (in the request's goroutine; it must not block) with the
// fingerprint of a peer that says it has new events, so that the puller
// pulls from it at once.
func NewServer(svc federation.Service, log *slog.Logger, notify func(peer string)) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{svc: svc, log: log, now: time.Now, notify: notify, mux: http.NewServeMux()}
	s.mux.HandleFunc("GET /federation/v1/instance", s.instance)
	s.mux.HandleFunc("GET /federation/v1/events", s.events)
	s.mux.HandleFunc("POST /federation/v1/notify", s.notified)
	s.mux.HandleFunc("POST /federation/v1/batches", s.push)
	s.mux.HandleFunc("/federation/", func(w http.ResponseWriter, r *http.Request) {
		problem(w, http.StatusNotFound, "not_found", "no federation endpoint "+r.Method+" "+r.URL.Path)
	})
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Instance is what GET /federation/v1/instance answers, unsigned, so that
// an administrator can read a would-be peer's key and compare its
// fingerprint out of band.
type Instance struct {
	Key         []byte `json:"key"`         // Ed25519 public key, base64
	Fingerprint string `json:"fingerprint"` // hex SHA-256 of the key
	Short       string `json:"short"`       // the first 64 bits, as people compare them
}

func (s *Server) instance(w http.ResponseWriter, r *http.Request) {
	key, fp, err := s.svc.Self(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(Instance{Key: key, Fingerprint: fp, Short: federation.ShortFingerprint(key)})
}

// maxBody bounds what a peer may post: a pushed batch.
const maxBody = 64 << 20

// authenticate checks the request's signature and returns the peer that
// made it; it answers 401 itself when there is none.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, body []byte) (string, bool) {
	peer, err := federation.VerifyRequest(Request(r), body, s.now(), func(fp string) (ed25519.PublicKey, bool) {
		return s.svc.PeerKey(r.Context(), fp)
	})
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Signature realm="lifeline-federation"`)
		problem(w, http.StatusUnauthorized, "unauthorized", lifeline.ErrorMessage(err))
		return "", false
	}
	return peer, true
}

// Request returns what a signature covers of r, with the absolute URL as
// the client addressed it (behind a proxy, X-Forwarded-Proto says the
// scheme).
func Request(r *http.Request) federation.Request {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return federation.Request{Method: r.Method, TargetURI: scheme + "://" + r.Host + r.URL.RequestURI(), Header: r.Header}
}

func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	peer, ok := s.authenticate(w, r, nil)
	if !ok {
		return
	}
	q := r.URL.Query()
	for k := range q {
		if k != "since" && k != "limit" {
			problem(w, http.StatusBadRequest, "invalid", fmt.Sprintf("%s: unknown parameter; accepted: since, limit", k))
			return
		}
	}
	since, err := intParam(q.Get("since"), 0)
	if err != nil || since < 0 {
		problem(w, http.StatusBadRequest, "invalid", "since: expected a position, 0 or more, found "+strconv.Quote(q.Get("since")))
		return
	}
	limit, err := intParam(q.Get("limit"), MaxPage)
	if err != nil || limit < 1 || limit > MaxPage {
		problem(w, http.StatusBadRequest, "invalid", fmt.Sprintf("limit: expected 1 to %d, found %q", MaxPage, q.Get("limit")))
		return
	}
	wire, until, err := s.svc.Outgoing(r.Context(), peer, since, int(limit))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", BatchType)
	w.Header().Set("Lifeline-Until", strconv.FormatInt(until, 10))
	w.Header().Set("Cache-Control", "no-store")
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") && len(wire) > 1024 {
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzipWriters.Get().(*gzip.Writer)
		zw.Reset(w)
		zw.Write(wire)
		zw.Close()
		gzipWriters.Put(zw)
		return
	}
	w.Write(wire)
}

// gzipWriters keeps the compressors of answers between requests: each
// holds some megabytes of tables, which a new one allocated and cleared
// for every page of a pull. The gzip is klauspost/compress's, the same
// format as the standard library's at its default level, in some two
// thirds of the time for 0.3 % more bytes (docs/performance.md).
var gzipWriters = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}

// Notice is the body of POST /federation/v1/notify: the sender's newest
// position.
type Notice struct {
	Until int64 `json:"until"`
}

func (s *Server) notified(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 4096))
	if err != nil {
		problem(w, http.StatusBadRequest, "invalid", "the body could not be read")
		return
	}
	peer, ok := s.authenticate(w, r, body)
	if !ok {
		return
	}
	var n Notice
	if err := json.Unmarshal(body, &n); err != nil || n.Until < 0 {
		problem(w, http.StatusBadRequest, "invalid", `the body: expected {"until": position}`)
		return
	}
	if s.notify != nil {
		s.notify(peer)
	}
	w.WriteHeader(http.StatusAccepted)
}

// push takes a batch a peer sends on its own (an instance that cannot be
// reached, only reach out).
func (s *Server) push(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		problem(w, http.StatusRequestEntityTooLarge, "invalid", fmt.Sprintf("a pushed batch is at most %d bytes", maxBody))
		return
	}
	if _, ok := s.authenticate(w, r, body); !ok {
		return
	}
	res, err := s.svc.Receive(r.Context(), body)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(res)
}

func intParam(s string, def int64) (int64, error) {
	if s == "" {
		return def, nil
	}
	return strconv.ParseInt(s, 10, 64)
}

// fail answers err as a problem document, hiding internal details.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := lifeline.ErrorCode(err)
	st := map[string]int{lifeline.EINVALID: 400, lifeline.ENOTFOUND: 404, lifeline.ECONFLICT: 409, lifeline.EFORBIDDEN: 403}[code]
	if st == 0 {
		s.log.Error("federation request failed", "path", r.URL.Path, "err", lifeline.Trace(err))
		problem(w, http.StatusInternalServerError, lifeline.EINTERNAL, "internal error")
		return
	}
	problem(w, st, code, lifeline.ErrorMessage(err))
}

func problem(w http.ResponseWriter, status int, code, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"type": "https://lifeline.invalid/problems/" + code, "title": http.StatusText(status),
		"status": status, "detail": detail, "code": code})
}

// errNotPeer is returned by the client for a peer reached only by bundles.
var errNotPeer = errors.New("the peer has no URL: it is reached by offline bundles only")

// readProblem turns an error answer into an error naming the peer.
func readProblem(name string, res *http.Response) error {
	var p struct {
		Detail string `json:"detail"`
	}
	b, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if json.Unmarshal(b, &p) != nil || p.Detail == "" {
		p.Detail = strings.TrimSpace(string(bytes.ToValidUTF8(b, nil)))
	}
	return fmt.Errorf("%s answered %s: %s", name, res.Status, p.Detail)
}
