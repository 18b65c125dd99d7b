package fedhttp

import (
	"bytes"
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

	"github.com/klauspost/compress/gzip"

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

	page int // events asked for per page; MaxPage when 0

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
// were applied. The pages are fetched one after the other, each from
// where the peer says the last one ends (its Lifeline-Until header,
// trusted only for that), up to pagesAhead of them ahead of the one
// applied, and each verified as it arrives (store.DB.VerifyAhead): the
// peer makes pages and this instance checks them while it applies the
// last. The pages already here when one is applied, up to applyTogether,
// are applied together (store.DB.ReceiveAll): one transaction for them.
func (c *Client) PullOnce(ctx context.Context, p *federation.PeerStatus) (int, error) {
	type page struct {
		since int64
		until int64 // as the peer's header says; -1 when it does not
		wire  []byte
		err   error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	get := func(ctx context.Context, since int64) page {
		limit := MaxPage
		if c.page > 0 {
			limit = c.page
		}
		u, err := endpoint(p.Peer, "events?since="+strconv.FormatInt(since, 10)+"&limit="+strconv.Itoa(limit))
		if err != nil {
			return page{since: since, err: err}
		}
		res, err := c.do(ctx, http.MethodGet, u, nil)
		if err != nil {
			return page{since: since, err: err}
		}
		until, herr := strconv.ParseInt(res.Header.Get("Lifeline-Until"), 10, 64)
		if herr != nil {
			until = -1
		}
		wire, err := readBatch(res)
		return page{since: since, until: until, wire: wire, err: err}
	}
	// fetch fetches pages from since on, each from the last one's until,
	// and stops after a page that is the last (empty), has no until or
	// failed, or when stopped. Each page is verified while the next is
	// fetched.
	fetch := func(since int64) (<-chan page, context.CancelFunc) {
		ctx, stop := context.WithCancel(ctx)
		raw := make(chan page, 1)
		go func() {
			defer close(raw)
			for {
				pg := get(ctx, since)
				select {
				case raw <- pg:
				case <-ctx.Done():
					return
				}
				if pg.err != nil || pg.until <= since {
					return
				}
				since = pg.until
			}
		}()
		ch := make(chan page, pagesAhead-1)
		go func() {
			defer close(ch)
			for pg := range raw {
				if va, ok := c.svc.(verifierAhead); ok && pg.err == nil {
					va.VerifyAhead(ctx, pg.wire)
				}
				select {
				case ch <- pg:
				case <-ctx.Done():
					for range raw {
					}
					return
				}
			}
		}()
		return ch, stop
	}
	applied := 0
	since := p.Pulled
	pages, stop := fetch(since)
	defer func() { stop() }()
	var held *page // taken from the fetcher, not yet applied
	for range 100000 {
		var pg page
		ok := true
		if held != nil {
			pg, held = *held, nil
		} else {
			pg, ok = <-pages
		}
		if !ok {
			// The fetcher stopped after a page without an until: go on
			// from where the batch says it ended.
			if err := ctx.Err(); err != nil {
				return applied, fmt.Errorf("pull from %s: %w", p.Name, err)
			}
			stop()
			pages, stop = fetch(since)
			continue
		}
		if pg.err != nil {
			return applied, fmt.Errorf("pull from %s: %w", p.Name, pg.err)
		}
		batch := []page{pg}
	more:
		for len(batch) < applyTogether && pg.until > pg.since {
			select {
			case q, ok := <-pages:
				if !ok {
					break more
				}
				if q.err != nil {
					held = &q // said once those before are applied
					break more
				}
				batch = append(batch, q)
				pg = q
			default:
				break more
			}
		}
		wires := make([][]byte, len(batch))
		for i, b := range batch {
			wires[i] = b.wire
		}
		rs, err := c.receive(ctx, wires)
		for _, r := range rs {
			applied += r.Applied
		}
		if err != nil {
			return applied, fmt.Errorf("pull from %s: %w", p.Name, err)
		}
		last := rs[len(rs)-1]
		if last.Until <= batch[len(batch)-1].since {
			return applied, nil
		}
		since = last.Until
		for i, r := range rs {
			if r.Until != batch[i].until {
				// A header said otherwise than its batch: fetch again
				// from where the batch ended.
				stop()
				held = nil
				pages, stop = fetch(since)
				break
			}
		}
	}
	return applied, fmt.Errorf("pull from %s: too many pages", p.Name)
}

const (
	// pagesAhead bounds the pages fetched and verified ahead of those
	// applied.
	pagesAhead = 5
	// applyTogether bounds the pages applied in one transaction.
	applyTogether = 4
)

// receive applies pages in order, in one transaction when the service can
// (store.DB.ReceiveAll), and returns the results of those applied.
func (c *Client) receive(ctx context.Context, wires [][]byte) ([]*federation.Received, error) {
	if ra, ok := c.svc.(receiverAll); ok {
		return ra.ReceiveAll(ctx, wires)
	}
	var rs []*federation.Received
	for _, w := range wires {
		r, err := c.svc.Receive(ctx, w)
		if err != nil {
			return rs, err
		}
		rs = append(rs, r)
	}
	return rs, nil
}

// receiverAll is a federation.Service that can apply several batches in
// one transaction (store.DB.ReceiveAll).
type receiverAll interface {
	ReceiveAll(ctx context.Context, wires [][]byte) ([]*federation.Received, error)
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
