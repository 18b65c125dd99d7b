package fedhttp

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"lifeline"
	"lifeline/coord"
	"lifeline/federation"
)

// Client pulls from this instance's peers and notifies them of new
// events. It is safe for concurrent use.
type Client struct {
	svc   federation.Service
	key   ed25519.PrivateKey
	admin coord.Viewer // reads the peer list
	http  *http.Client
	log   *slog.Logger
	now   func() time.Time

	mu     sync.Mutex
	wake   map[string]chan struct{} // per peer: pull now
	status map[string]*PullStatus
}

// PullStatus is what the client knows of pulling from one peer.
type PullStatus struct {
	LastAttempt time.Time `json:"last_attempt,omitzero"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	Failures    int       `json:"failures"` // in a row
}

// NewClient returns a client acting with key for the instance whose
// services are svc; admin is the viewer that reads the peer list (the
// instance itself, coord.System).
func NewClient(svc federation.Service, key ed25519.PrivateKey, admin coord.Viewer, hc *http.Client, log *slog.Logger) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: 2 * time.Minute}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{svc: svc, key: key, admin: admin, http: hc, log: log, now: time.Now,
		wake: map[string]chan struct{}{}, status: map[string]*PullStatus{}}
}

// do sends a signed request to a peer.
func (c *Client) do(ctx context.Context, method, url string, body []byte) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept-Encoding", "gzip")
	if err := federation.SignRequest(c.key, federation.Request{Method: method, TargetURI: url, Header: req.Header}, body, c.now()); err != nil {
		return nil, err
	}
	return c.http.Do(req)
}

func endpoint(p federation.Peer, path string) (string, error) {
	if p.URL == "" {
		return "", errNotPeer
	}
	return strings.TrimSuffix(p.URL, "/") + "/federation/v1/" + path, nil
}

// PullOnce pulls every page peer p has for this instance, from the cursor
// the store keeps, and applies each (Receive). It returns how many events
// were applied. While one page is verified and applied, the next is
// already being fetched from where the peer says this one ends (its
// Lifeline-Until header, trusted only for that): the peer makes a page
// while this instance applies the last.
func (c *Client) PullOnce(ctx context.Context, p *federation.PeerStatus) (int, error) {
	type page struct {
		wire  []byte
		until int64 // as the peer's header says; -1 when it does not
		err   error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fetch := func(since int64) <-chan page {
		ch := make(chan page, 1)
		go func() {
			u, err := endpoint(p.Peer, "events?since="+strconv.FormatInt(since, 10)+"&limit="+strconv.Itoa(MaxPage))
			if err != nil {
				ch <- page{err: err}
				return
			}
			res, err := c.do(ctx, http.MethodGet, u, nil)
			if err != nil {
				ch <- page{err: err}
				return
			}
			until, herr := strconv.ParseInt(res.Header.Get("Lifeline-Until"), 10, 64)
			if herr != nil {
				until = -1
			}
			wire, err := readBatch(res)
			if va, ok := c.svc.(verifierAhead); ok && err == nil {
				// Verified here, while the page before is applied.
				va.VerifyAhead(ctx, wire)
			}
			ch <- page{wire: wire, until: until, err: err}
		}()
		return ch
	}
	applied := 0
	since := p.Pulled
	next := fetch(since)
	for range 100000 {
		pg := <-next
		if pg.err != nil {
			return applied, fmt.Errorf("pull from %s: %w", p.Name, pg.err)
		}
		next = nil
		if pg.until > since {
			next = fetch(pg.until)
		}
		r, err := c.svc.Receive(ctx, pg.wire)
		if err != nil {
			return applied, fmt.Errorf("pull from %s: %w", p.Name, err)
		}
		applied += r.Applied
		if r.Until <= since {
			return applied, nil
		}
		since = r.Until
		if next == nil || pg.until != r.Until {
			next = fetch(since) // the header said otherwise than the batch
		}
	}
	return applied, fmt.Errorf("pull from %s: too many pages", p.Name)
}

// verifierAhead is a federation.Service that can verify a batch before
// it is asked to apply it (store.DB.VerifyAhead).
type verifierAhead interface {
	VerifyAhead(ctx context.Context, wire []byte)
}

func readBatch(res *http.Response) ([]byte, error) {
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, readProblem("the peer", res)
	}
	var rd io.Reader = res.Body
	if res.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(res.Body)
		if err != nil {
			return nil, err
		}
		rd = zr
	}
	b, err := io.ReadAll(io.LimitReader(rd, federation.MaxBatchBytes+1))
	if err != nil {
		return nil, fmt.Errorf("the answer was cut: %w", err)
	}
	if len(b) > federation.MaxBatchBytes {
		return nil, fmt.Errorf("the answer is larger than %d bytes", federation.MaxBatchBytes)
	}
	return b, nil
}

// Notify tells every peer with a URL that this instance's log reached
// until, so that they pull at once. Failures are logged, not returned: the
// peer will pull on its own schedule anyway.
func (c *Client) Notify(ctx context.Context, until int64) {
	peers, err := c.svc.FindPeers(ctx, c.admin)
	if err != nil {
		c.log.Error("federation: list peers", "err", lifeline.Trace(err))
		return
	}
	body, _ := json.Marshal(Notice{Until: until})
	for _, p := range peers {
		if p.Suspended || p.URL == "" {
			continue
		}
		u, _ := endpoint(p.Peer, "notify")
		res, err := c.do(ctx, http.MethodPost, u, body)
		if err != nil {
			c.log.Warn("federation: notify", "peer", p.Name, "err", err)
			continue
		}
		io.Copy(io.Discard, io.LimitReader(res.Body, 4096))
		res.Body.Close()
	}
}

// Wake asks the loop to pull from the peer at once (a notification).
func (c *Client) Wake(peer string) {
	c.mu.Lock()
	ch := c.wake[peer]
	c.mu.Unlock()
	if ch != nil {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// Status returns the pull status of every peer pulled so far.
func (c *Client) Status() map[string]PullStatus {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]PullStatus{}
	for k, v := range c.status {
		out[k] = *v
	}
	return out
}

// Run pulls from every peer with a URL every period (and at once when
// woken), with exponential backoff and jitter after failures, until ctx
// ends. Peers added or removed are picked up at the next round.
func (c *Client) Run(ctx context.Context, period time.Duration) {
	running := map[string]context.CancelFunc{}
	defer func() {
		for _, cancel := range running {
			cancel()
		}
	}()
	for {
		peers, err := c.svc.FindPeers(ctx, c.admin)
		if err == nil {
			seen := map[string]bool{}
			for _, p := range peers {
				if p.Suspended || p.URL == "" {
					continue
				}
				seen[p.Fingerprint] = true
				if running[p.Fingerprint] == nil {
					pctx, cancel := context.WithCancel(ctx)
					running[p.Fingerprint] = cancel
					c.mu.Lock()
					c.wake[p.Fingerprint] = make(chan struct{}, 1)
					c.status[p.Fingerprint] = &PullStatus{}
					c.mu.Unlock()
					go c.loop(pctx, p.Fingerprint, period)
				}
			}
			for fp, cancel := range running {
				if !seen[fp] {
					cancel()
					delete(running, fp)
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(period):
		}
	}
}

func (c *Client) loop(ctx context.Context, fp string, period time.Duration) {
	c.mu.Lock()
	wake, st := c.wake[fp], c.status[fp]
	c.mu.Unlock()
	delay := time.Duration(0)
	for {
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-time.After(delay):
		}
		peers, err := c.svc.FindPeers(ctx, c.admin)
		var p *federation.PeerStatus
		for _, q := range peers {
			if q.Fingerprint == fp {
				p = q
			}
		}
		if err != nil || p == nil || p.Suspended {
			return
		}
		c.mu.Lock()
		st.LastAttempt = c.now()
		c.mu.Unlock()
		n, err := c.PullOnce(ctx, p)
		c.mu.Lock()
		if err != nil {
			st.Failures++
			st.LastError = err.Error()
			// Back off up to ten periods, with jitter so that peers cut
			// off together do not all come back at once.
			backoff := period * time.Duration(1<<min(st.Failures, 4))
			delay = min(backoff, 10*period)/2 + rand.N(min(backoff, 10*period)/2+1)
			c.log.Warn("federation: pull failed", "peer", p.Name, "failures", st.Failures, "err", err)
		} else {
			st.Failures, st.LastError, st.LastSuccess = 0, "", c.now()
			delay = period
			if n > 0 {
				c.log.Info("federation: pulled", "peer", p.Name, "events", n)
			}
		}
		c.mu.Unlock()
	}
}
