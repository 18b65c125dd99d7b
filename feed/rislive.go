package feed

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	// coder/websocket (formerly nhooyr.io/websocket) is the WebSocket
	// library: small, maintained, context-aware (a read that outlives its
	// context closes the connection, which is how a stall is ended), with
	// a per-message read limit, and a server side (Accept) for the tests'
	// RIS Live replay server. gorilla/websocket would do too, but needs
	// deadlines set by hand on every read and its own goroutine for pings.
	"github.com/coder/websocket"

	"lifeline"
	"lifeline/watch/rislive"
)

// DefaultRISLiveURL is RIPE RIS Live's WebSocket endpoint.
const DefaultRISLiveURL = "wss://ris-live.ripe.net/v1/ws/?client=lifeline"

// RISLiveConfig configures a RIS Live client. Zero fields take the
// defaults given.
type RISLiveConfig struct {
	// Name names the source in its status; default "ris-live".
	Name string
	// URL is the WebSocket endpoint; default DefaultRISLiveURL.
	URL string
	// Subscriptions are sent after each connection; none subscribes to
	// everything (the firehose).
	Subscriptions []rislive.Subscription
	// PingInterval is how often the client pings the server; default 15 s.
	PingInterval time.Duration
	// StallTimeout: a connection that delivers no message, pongs
	// included, for this long is stalled and dropped; default 60 s.
	StallTimeout time.Duration
	// MaxMessage is the largest message accepted, in bytes; default 1 MiB.
	// A larger one is counted, and the connection is dropped (the stream
	// cannot be resynchronised inside a message).
	MaxMessage int64
	// MinBackoff and MaxBackoff bound the wait before reconnecting; it
	// doubles after each failed connection, with jitter; defaults 1 s and
	// 2 min.
	MinBackoff, MaxBackoff time.Duration
	// HTTPClient dials the connection; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Seed seeds the jitter; 0 means a random seed.
	Seed uint64
}

func (c *RISLiveConfig) defaults() {
	if c.Name == "" {
		c.Name = "ris-live"
	}
	if c.URL == "" {
		c.URL = DefaultRISLiveURL
	}
	if c.PingInterval <= 0 {
		c.PingInterval = 15 * time.Second
	}
	if c.StallTimeout <= 0 {
		c.StallTimeout = 60 * time.Second
	}
	if c.MaxMessage <= 0 {
		c.MaxMessage = 1 << 20
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = time.Second
	}
	if c.MaxBackoff < c.MinBackoff {
		c.MaxBackoff = max(2*time.Minute, c.MinBackoff)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// RISLive is a RIS Live client that stays connected: it reconnects after
// every failure, with backoff, and records what it missed in its Status.
// Status is safe for concurrent use; Run is called once.
type RISLive struct {
	cfg RISLiveConfig
	rng *rand.Rand
	st  status
	msg rislive.Message
}

// NewRISLive returns a client; Run starts it.
func NewRISLive(cfg RISLiveConfig) *RISLive {
	cfg.defaults()
	seed := cfg.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	c := &RISLive{cfg: cfg, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	c.st.s = Status{Name: cfg.Name, Kind: "ris-live", State: StateConnecting}
	return c
}

// Status returns the client's status.
func (c *RISLive) Status() Status { return c.st.get() }

// ErrStalled is the error of a connection that delivered nothing, not even
// a pong, within the stall timeout.
var ErrStalled = errors.New("the stream stalled: no message, not even a pong, within the stall timeout")

// Run connects, subscribes and calls handle with every ris_message, in the
// order received, on one goroutine, until ctx ends; then it returns nil.
// Messages that cannot be decoded are counted in Status.Skipped and left
// out; ris_error messages are recorded as the last error. A handle error
// stops Run and is returned. Data points into a buffer reused for the
// next message: handle must copy what it keeps.
func (c *RISLive) Run(ctx context.Context, handle func(*rislive.Data) error) error {
	backoff := c.cfg.MinBackoff
	var lastData time.Time // data time of the last message before a break
	var broke string       // why the last connection ended
	for attempt := 0; ; attempt++ {
		if ctx.Err() != nil {
			c.st.update(func(s *Status) { s.State = StateStopped })
			return nil
		}
		if attempt > 0 {
			// Equal jitter: half the backoff fixed, half random, so that
			// clients cut off together do not come back together.
			wait := backoff/2 + time.Duration(c.rng.Int64N(int64(backoff/2)+1))
			c.st.update(func(s *Status) { s.State = StateBackoff })
			select {
			case <-ctx.Done():
				c.st.update(func(s *Status) { s.State = StateStopped })
				return nil
			case <-time.After(wait):
			}
			backoff = min(2*backoff, c.cfg.MaxBackoff)
		}
		c.st.update(func(s *Status) { s.State = StateConnecting })
		delivered, last, err := c.session(ctx, handle, lastData, broke)
		var herr *handleError
		if errors.As(err, &herr) {
			c.st.update(func(s *Status) { s.State = StateStopped; s.fail(c.cfg.Now(), herr.err) })
			return herr.err
		}
		if !last.IsZero() {
			lastData = last
		}
		if delivered {
			backoff = c.cfg.MinBackoff
		}
		if ctx.Err() != nil {
			continue
		}
		broke = "disconnected"
		if errors.Is(err, ErrStalled) {
			broke = "stalled"
		}
		now := c.cfg.Now()
		c.st.update(func(s *Status) {
			if err != nil {
				s.fail(now, err)
			}
			if errors.Is(err, ErrStalled) {
				s.Stalls++
				s.State = StateStalled
			}
		})
	}
}

type handleError struct{ err error }

func (e *handleError) Error() string { return e.err.Error() }

// session runs one connection. It returns whether any message arrived, the
// data time of the last one, and why the connection ended.
func (c *RISLive) session(ctx context.Context, handle func(*rislive.Data) error, before time.Time, broke string) (bool, time.Time, error) {
	conn, resp, err := websocket.Dial(ctx, c.cfg.URL, &websocket.DialOptions{HTTPClient: c.cfg.HTTPClient})
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		return false, time.Time{}, fmt.Errorf("connect to %s: %w", c.cfg.URL, err)
	}
	defer conn.CloseNow()
	conn.SetReadLimit(c.cfg.MaxMessage)
	for _, sub := range c.cfg.Subscriptions {
		if err := conn.Write(ctx, websocket.MessageText, rislive.SubscribeMessage(sub)); err != nil {
			return false, time.Time{}, fmt.Errorf("subscribe: %w", err)
		}
	}
	if len(c.cfg.Subscriptions) == 0 {
		if err := conn.Write(ctx, websocket.MessageText, rislive.SubscribeMessage(rislive.Subscription{})); err != nil {
			return false, time.Time{}, fmt.Errorf("subscribe: %w", err)
		}
	}
	c.st.update(func(s *Status) {
		s.Connects++
		if s.Connects > 1 {
			s.Reconnects++
		}
		s.State = StateStreaming
	})
	// The pinger keeps a quiet subscription talking, so silence means a
	// stall.
	pctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		t := time.NewTicker(c.cfg.PingInterval)
		defer t.Stop()
		for {
			select {
			case <-pctx.Done():
				return
			case <-t.C:
				wctx, cancel := context.WithTimeout(pctx, c.cfg.StallTimeout)
				err := conn.Write(wctx, websocket.MessageText, rislive.PingMessage)
				cancel()
				if err != nil {
					return
				}
			}
		}
	}()
	delivered := false
	var last time.Time
	first := true
	for {
		rctx, cancel := context.WithTimeout(ctx, c.cfg.StallTimeout)
		_, b, err := conn.Read(rctx)
		stalled := rctx.Err() == context.DeadlineExceeded && ctx.Err() == nil
		cancel()
		now := c.cfg.Now()
		if err != nil {
			switch {
			case ctx.Err() != nil:
				conn.Close(websocket.StatusNormalClosure, "")
				return delivered, last, nil
			case stalled:
				return delivered, last, ErrStalled
			case errors.Is(err, websocket.ErrMessageTooBig):
				c.st.update(func(s *Status) { s.Skipped++ })
				return delivered, last, fmt.Errorf("a message larger than %d bytes: %w", c.cfg.MaxMessage, err)
			}
			return delivered, last, fmt.Errorf("read: %w", err)
		}
		delivered = true
		if err := rislive.Decode(b, &c.msg); err != nil {
			c.st.update(func(s *Status) { s.Messages++; s.Skipped++; s.LastMessage = now; s.fail(now, err) })
			continue
		}
		switch c.msg.Type {
		case rislive.TypeError:
			msg := c.msg.Error
			c.st.update(func(s *Status) {
				s.Messages++
				s.LastMessage = now
				s.fail(now, lifeline.Errorf(lifeline.EINVALID, "feed.RISLive", "the server said: %s", msg))
			})
			continue
		case rislive.TypeMessage:
		default:
			c.st.update(func(s *Status) { s.Messages++; s.LastMessage = now })
			continue
		}
		d := &c.msg.Data
		if first && !before.IsZero() && !d.Time.Before(before) {
			// What happened between the last message before the break
			// and the first after it was not seen.
			from, to := before, d.Time
			c.st.update(func(s *Status) { s.addGap(Gap{From: from, To: to, Reason: broke}) })
		}
		first = false
		last = d.Time
		c.st.update(func(s *Status) {
			s.Messages++
			if d.Kind == rislive.KindUpdate {
				s.Updates++
			}
			s.LastMessage, s.LastData, s.Lag = now, d.Time, now.Sub(d.Time)
		})
		if err := handle(d); err != nil {
			return delivered, last, &handleError{err}
		}
	}
}
