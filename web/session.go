package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"lifeline"
)

// Session is a logged-in visitor, kept on the server; the browser holds
// only its random id in a cookie.
type Session struct {
	// Token is the bearer token the member logged in with. Each request
	// authenticates it again, so a member's role or organisation's
	// verification takes effect at once, and a token the instance no
	// longer knows ends the session. An implementation that keeps
	// sessions outside the process must encrypt it.
	Token   string
	Name    string // the member's name, for the header
	Expires time.Time
}

// Sessions keeps sessions by id. Implementations are safe for concurrent
// use. Get reports false for an unknown or expired session.
type Sessions interface {
	Put(id string, s Session) error
	Get(id string) (Session, bool)
	Delete(id string) error
}

// MemorySessions keeps sessions in the process's memory: a restart logs
// everybody out, which is the price of keeping no credential on disk.
type MemorySessions struct {
	now func() time.Time
	mu  sync.Mutex
	m   map[string]Session
}

// NewMemorySessions returns an empty store that reads time from now.
func NewMemorySessions(now func() time.Time) *MemorySessions {
	return &MemorySessions{now: now, m: map[string]Session{}}
}

// Put stores s under id and drops expired sessions.
func (ms *MemorySessions) Put(id string, s Session) error {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	now := ms.now()
	for k, v := range ms.m {
		if !now.Before(v.Expires) {
			delete(ms.m, k)
		}
	}
	ms.m[id] = s
	return nil
}

// Get returns the session under id unless it has expired.
func (ms *MemorySessions) Get(id string) (Session, bool) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	s, ok := ms.m[id]
	if !ok || !ms.now().Before(s.Expires) {
		return Session{}, false
	}
	return s, true
}

// Delete forgets the session under id.
func (ms *MemorySessions) Delete(id string) error {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	delete(ms.m, id)
	return nil
}

// The cookies. Both are HttpOnly and SameSite=Strict, and Secure when the
// request came over TLS.
const (
	sessionCookie = "ll_session"
	csrfCookie    = "ll_csrf" // anonymous visitors' forms (log in, upload) bind to it
)

func (s *server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
}

func (s *server) randomID() (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return "", fmt.Errorf("web: random id: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// identify finds who asks: the session's member, authenticated again, or
// an anonymous visitor, who gets a CSRF cookie for the forms they may
// submit.
func (s *server) identify(w http.ResponseWriter, r *http.Request) (*request, error) {
	rq := &request{}
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" && s.svc.Members != nil {
		if sess, ok := s.sessions.Get(c.Value); ok {
			v, err := s.svc.Members.Authenticate(r.Context(), sess.Token)
			switch {
			case err == nil:
				rq.viewer, rq.user, rq.session = v, sess.Name, c.Value
				rq.csrf = s.csrfToken("s", c.Value)
				return rq, nil
			case lifeline.ErrorCode(err) == lifeline.ENOTFOUND:
				s.sessions.Delete(c.Value)
			default:
				return rq, err
			}
		}
		s.setCookie(w, r, sessionCookie, "", -1)
	}
	c, err := r.Cookie(csrfCookie)
	if err != nil || len(c.Value) < 32 {
		id, err := s.randomID()
		if err != nil {
			return rq, err
		}
		s.setCookie(w, r, csrfCookie, id, 0)
		c = &http.Cookie{Value: id}
	}
	rq.csrf = s.csrfToken("a", c.Value)
	return rq, nil
}

// csrfToken is the token a form of this session (kind "s") or of this
// anonymous visitor (kind "a", bound to the CSRF cookie) carries: an HMAC
// of the id under the server's key. A page of another site can neither
// read it nor compute it (the synchronizer pattern, with the token derived
// rather than stored).
func (s *server) csrfToken(kind, id string) string {
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte("lifeline csrf " + kind + " " + id))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// checkCSRF refuses a POST whose form does not carry the visitor's token,
// or that a browser says comes from another site.
func (s *server) checkCSRF(r *http.Request, rq *request) error {
	const op = "web.csrf"
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" {
		return lifeline.Errorf(lifeline.EFORBIDDEN, op, "a form of another site cannot be submitted here")
	}
	var got string
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = http.MaxBytesReader(nil, r.Body, maxUpload)
		if err := r.ParseMultipartForm(maxUpload); err != nil {
			return lifeline.Errorf(lifeline.EINVALID, op, "the form could not be read: %v", err)
		}
		got = r.PostFormValue("csrf")
	} else {
		r.Body = http.MaxBytesReader(nil, r.Body, maxForm)
		if err := r.ParseForm(); err != nil {
			return lifeline.Errorf(lifeline.EINVALID, op, "the form could not be read (at most %d KB)", maxForm/1024)
		}
		got = r.PostForm.Get("csrf")
	}
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(rq.csrf)) != 1 {
		return lifeline.Errorf(lifeline.EFORBIDDEN, op, "this form has expired or did not come from this site; go back, reload the page and submit it again")
	}
	return nil
}

// Limits on what a visitor may send.
const (
	maxForm   = 256 << 10 // a form
	maxUpload = 1 << 20   // a form with a scenario file
)

// loginRedirect is returned by pages that need a member: the visitor is
// sent to the login form, then back.
type loginRedirect struct{ next string }

func (e *loginRedirect) Error() string { return "log in to see " + e.next }

// member returns a loginRedirect for anonymous visitors.
func member(r *http.Request, rq *request) error {
	if rq.viewer.Anonymous() {
		return &loginRedirect{next: r.URL.RequestURI()}
	}
	return nil
}

type loginPage struct {
	Next  string
	Error string
}

func (s *server) loginForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	s.render(w, r, rq, http.StatusOK, "login", rq.t("layout.login"), loginPage{Next: safeNext(r.URL.Query().Get("next"))})
	return nil
}

// login checks the token with the member service, then starts a session
// under a fresh id (a session id known before login is never reused).
func (s *server) login(w http.ResponseWriter, r *http.Request, rq *request) error {
	if s.svc.Members == nil {
		return lifeline.Errorf(lifeline.ENOTFOUND, "web.login", "this instance has no members")
	}
	next := safeNext(r.PostForm.Get("next"))
	token := strings.TrimSpace(r.PostForm.Get("token"))
	v, err := s.svc.Members.Authenticate(r.Context(), token)
	if token == "" || lifeline.ErrorCode(err) == lifeline.ENOTFOUND {
		w.Header().Set("Cache-Control", "no-store")
		s.render(w, r, rq, http.StatusUnauthorized, "login", rq.t("layout.login"), loginPage{Next: next, Error: rq.t("login.unknown")})
		return nil
	}
	if err != nil {
		return err
	}
	name := v.MemberID
	if m, err := s.svc.Members.FindMemberByID(r.Context(), v, v.MemberID); err == nil {
		name = m.Name
	}
	if old, err := r.Cookie(sessionCookie); err == nil {
		s.sessions.Delete(old.Value)
	}
	id, err := s.randomID()
	if err != nil {
		return err
	}
	if err := s.sessions.Put(id, Session{Token: token, Name: name, Expires: s.now().Add(s.ttl)}); err != nil {
		return err
	}
	s.setCookie(w, r, sessionCookie, id, int(s.ttl.Seconds()))
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *server) logout(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.session != "" {
		if err := s.sessions.Delete(rq.session); err != nil {
			return err
		}
	}
	s.setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// safeNext keeps a redirect target on this site: a path, never a URL of
// another host.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if next == "" || err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/"
	}
	return next
}
