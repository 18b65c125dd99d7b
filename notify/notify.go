// Package notify tells organisations when something happens: it turns the
// events of the signed log into webhook notifications, queues them in a
// durable outbox in the database, and delivers them, signed, retried with
// exponential backoff, each exactly once from the receiver's point of view.
//
// A subscription (coord.Subscription) belongs to an organisation. The
// Dispatcher reads the log after the position the subscription has
// reached, through coord.EventService as the organisation
// (coord.OrgViewer) — so the service's visibility policy applies — and
// asks coord.CanSee again for each event before anything is queued: a
// subscriber never receives what its organisation may not read. The
// events the subscription's filter wants (coord.SubscriptionFilter.Wants)
// become notifications, queued together with the subscription's new
// position in one transaction (coord.Outbox.Queue): a restart neither
// loses nor repeats one.
//
// Delivery is at least once, with an idempotency key: each notification
// has a key (coord.NotificationKey) sent with every attempt in the
// Idempotency-Key header and in the payload's "id". An attempt that the
// receiver processed but whose answer was lost (a timeout, a restart of
// the sender) is made again with the same key, and a receiver that keeps
// the keys it has processed acts on each notification exactly once.
//
// Every request carries Lifeline-Signature: t=<unix seconds>,v1=<hex>,
// the HMAC-SHA256 under the subscription's secret of the timestamp, a
// dot and the body; Verify checks it. docs/notify.md describes the
// payload and how to verify it without Go.
//
// notify is an adapter (it speaks HTTP); it knows the domain through coord
// only, and cmd/lifeline wires it to the store in lifeline serve.
package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"lifeline"
	"lifeline/coord"
	"lifeline/ledger"
)

// Options tune a Dispatcher; the zero value gives the defaults.
type Options struct {
	// Timeout bounds one attempt (connection, request and answer);
	// 0: 10 s.
	Timeout time.Duration
	// Backoff is the wait before the first retry, doubled for each
	// further one up to MaxBackoff; 0: 30 s. MaxBackoff 0: 6 h.
	Backoff, MaxBackoff time.Duration
	// MaxAttempts is how many attempts are made before a notification is
	// given up as failed; 0: 16 (with the default backoff, about two days).
	MaxAttempts int
	// Poll is how often the log and the outbox are looked at; 0: 2 s.
	Poll time.Duration
	// AllowPrivate lets webhooks reach loopback, private and link-local
	// addresses. Off, a subscription cannot make the server call into its
	// own network (the database, a cloud's metadata service).
	AllowPrivate bool
	// Now is the clock; nil: time.Now.
	Now func() time.Time
	// Logger receives failures of ours; nil discards.
	Logger *slog.Logger
	// Batch is how many events are read at a time per subscription and
	// how many notifications are claimed at a time; 0: 200.
	Batch int
	// Mail is the SMTP server of e-mail digests (subscriptions to a
	// mailto: address); see digest.go.
	Mail MailOptions
}

// Dispatcher queues and delivers notifications. Run it once per process;
// several processes may share a database (claims are leased). It is safe
// for concurrent use.
type Dispatcher struct {
	outbox coord.Outbox
	svc    coord.Services
	opt    Options
	client *http.Client
	log    *slog.Logger
	wake   chan struct{}
}

// New returns a dispatcher over outbox, reading the log and the matching
// engine through svc.
func New(outbox coord.Outbox, svc coord.Services, opt Options) *Dispatcher {
	if opt.Timeout <= 0 {
		opt.Timeout = 10 * time.Second
	}
	if opt.Backoff <= 0 {
		opt.Backoff = 30 * time.Second
	}
	if opt.MaxBackoff <= 0 {
		opt.MaxBackoff = 6 * time.Hour
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = 16
	}
	if opt.Poll <= 0 {
		opt.Poll = 2 * time.Second
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Batch <= 0 {
		opt.Batch = 200
	}
	if opt.Mail.Every <= 0 {
		opt.Mail.Every = time.Hour
	}
	d := &Dispatcher{outbox: outbox, svc: svc, opt: opt, log: opt.Logger, wake: make(chan struct{}, 1)}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	dialer := &net.Dialer{Timeout: opt.Timeout}
	if !opt.AllowPrivate {
		dialer.Control = refusePrivate
	}
	d.client = &http.Client{
		Timeout:   opt.Timeout,
		Transport: &http.Transport{DialContext: dialer.DialContext, Proxy: nil, MaxIdleConnsPerHost: 2, IdleConnTimeout: time.Minute, ResponseHeaderTimeout: opt.Timeout},
		// A redirect is an answer, not a delivery: the URL subscribed is
		// the one that is called.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return d
}

// refusePrivate refuses connections to addresses inside the server's own
// networks: loopback, private, link-local, unspecified and multicast.
func refusePrivate(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip := net.ParseIP(host)
	if ip == nil || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast() {
		return fmt.Errorf("%s is an address of the server's own network, which webhooks may not reach", host)
	}
	return nil
}

// Wake makes Run look at the log and the outbox now rather than at its
// next poll.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run queues and delivers until ctx is done, then returns nil. Failures
// are logged and tried again at the next poll.
func (d *Dispatcher) Run(ctx context.Context) error {
	t := time.NewTicker(d.opt.Poll)
	defer t.Stop()
	for {
		if _, err := d.Scan(ctx); err != nil && ctx.Err() == nil {
			d.log.Error("notify: queue notifications", "err", lifeline.Trace(err))
		}
		if _, err := d.Deliver(ctx); err != nil && ctx.Err() == nil {
			d.log.Error("notify: deliver notifications", "err", lifeline.Trace(err))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-d.wake:
		}
	}
}

// Scan checks every subscription against the events of the log it has
// not yet been checked against, and queues the notifications they call
// for. It returns how many it queued.
func (d *Dispatcher) Scan(ctx context.Context) (int, error) {
	subs, err := d.outbox.WatchedSubscriptions(ctx)
	if err != nil {
		return 0, err
	}
	queued := 0
	var errs []error
	for i := range subs {
		n, err := d.scanOne(ctx, &subs[i])
		queued += n
		if err != nil {
			errs = append(errs, fmt.Errorf("webhook %s: %w", subs[i].ID, err))
		}
	}
	return queued, errors.Join(errs...)
}

func (d *Dispatcher) scanOne(ctx context.Context, s *coord.WatchedSubscription) (int, error) {
	org, err := d.svc.Orgs.FindOrgByID(ctx, coord.System, s.OrgID)
	if err != nil {
		return 0, err
	}
	v := coord.OrgViewer(org)
	queued := 0
	after := s.LastSeq
	for {
		// The end of the log is read before the page: when the page is
		// the last, every event up to it has been looked at.
		head, err := d.outbox.LastSeq(ctx)
		if err != nil {
			return queued, err
		}
		page, err := d.svc.Events.FindEvents(ctx, v, after, d.opt.Batch)
		if err != nil {
			return queued, err
		}
		last := after
		var ns []coord.Notification
		now := d.opt.Now().UTC()
		for _, e := range page.Items {
			last = e.Seq
			// The service filtered the page by the policy; ask it again
			// for each event, so that no other path decides.
			if !coord.CanSee(v, e.Marking) {
				continue
			}
			inner, err := unwrap(e)
			if err != nil {
				return queued, err
			}
			want, err := s.Filter.Wants(inner.Type, inner.Payload, func() (bool, error) { return d.matchesOffers(ctx, v, inner.Subject) })
			if err != nil {
				return queued, fmt.Errorf("event %d: %w", e.Seq, err)
			}
			if !want {
				continue
			}
			n, err := coord.NewNotification(&s.Subscription, coord.NotificationKey(s.ID, e.Seq), inner, now)
			if err != nil {
				return queued, err
			}
			n.NextAttempt = d.digestDue(s.URL, now)
			ns = append(ns, n)
		}
		if page.Next == "" {
			last = max(last, head)
		}
		if last > after || len(ns) > 0 {
			if err := d.outbox.Queue(ctx, s.ID, last, ns); err != nil {
				return queued, err
			}
			queued += len(ns)
		}
		if page.Next == "" {
			return queued, nil
		}
		after = last
	}
}

// unwrap returns the event a federation.received event carries, at the
// sequence number it has here; any other event as it is.
func unwrap(e *coord.Event) (*coord.Event, error) {
	if e.Type != coord.EventReceived {
		return e, nil
	}
	var r struct {
		Body []byte `json:"body"`
	}
	if err := json.Unmarshal(e.Payload, &r); err != nil {
		return nil, fmt.Errorf("event %d: %w", e.Seq, err)
	}
	in, err := ledger.Decode(r.Body)
	if err != nil {
		return nil, fmt.Errorf("event %d: %w", e.Seq, err)
	}
	return &coord.Event{Seq: e.Seq, Time: in.Time, Type: in.Type, Author: in.Author, Org: in.Org, Subject: in.Subject,
		Marking: e.Marking, Payload: in.Payload, Hash: e.Hash}, nil
}

// matchesOffers reports whether one of the organisation's open offers is
// proposed for need by the matching engine, run as the organisation.
func (d *Dispatcher) matchesOffers(ctx context.Context, v coord.Viewer, need string) (bool, error) {
	ps, err := d.svc.Needs.Proposals(ctx, v, need)
	if lifeline.ErrorCode(err) == lifeline.ENOTFOUND {
		return false, nil // gone, or no longer the organisation's to see
	}
	if err != nil {
		return false, err
	}
	for _, p := range ps {
		if p.OfferOrg == v.OrgID {
			return true, nil
		}
	}
	return false, nil
}

// maxParallel bounds the deliveries made at once.
const maxParallel = 4

// Deliver makes one attempt at every notification due, and records each
// outcome. It returns how many it attempted.
func (d *Dispatcher) Deliver(ctx context.Context) (int, error) {
	now := d.opt.Now()
	claimed, err := d.outbox.ClaimDue(ctx, now, 2*d.opt.Timeout+10*time.Second, d.opt.Batch)
	if err != nil {
		return 0, err
	}
	ns, err := d.sendDigests(ctx, claimed)
	var wg sync.WaitGroup
	var mu sync.Mutex
	errs := []error{err}
	slots := make(chan struct{}, maxParallel)
	for i := range ns {
		n := &ns[i]
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-slots; wg.Done() }()
			a := d.attempt(ctx, n)
			if ctx.Err() != nil {
				return // cut short: the claim expires and it is tried again
			}
			if err := d.outbox.RecordAttempt(context.WithoutCancel(ctx), n.Key, a); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return len(claimed), errors.Join(errs...)
}

// attempt sends n once and says how it went and what comes next.
func (d *Dispatcher) attempt(ctx context.Context, n *coord.Notification) coord.Attempt {
	status, err := d.post(ctx, n)
	switch {
	case err == nil && status >= 200 && status < 300:
		return coord.Attempt{At: d.opt.Now(), HTTPStatus: status, Status: coord.DeliveryDelivered}
	case err == nil:
		err = fmt.Errorf("the receiver answered %d %s", status, http.StatusText(status))
	}
	return d.failed(n, status, err)
}

// failed is the outcome of a failed attempt: tried again after the
// backoff, or given up after MaxAttempts.
func (d *Dispatcher) failed(n *coord.Notification, status int, err error) coord.Attempt {
	a := coord.Attempt{At: d.opt.Now(), HTTPStatus: status, Error: err.Error()}
	tries := n.Attempts + 1
	if tries >= d.opt.MaxAttempts {
		a.Status = coord.DeliveryFailed
		return a
	}
	a.Status, a.Next = coord.DeliveryPending, a.At.Add(d.backoff(tries))
	return a
}

// backoff is the wait after the tries-th failed attempt: Backoff doubled
// for each earlier failure, at most MaxBackoff.
func (d *Dispatcher) backoff(tries int) time.Duration {
	w := d.opt.Backoff
	for i := 1; i < tries && w < d.opt.MaxBackoff; i++ {
		w *= 2
	}
	return min(w, d.opt.MaxBackoff)
}

// post sends one attempt and returns the answer's status.
func (d *Dispatcher) post(ctx context.Context, n *coord.Notification) (int, error) {
	if n.Secret == "" {
		return 0, errors.New("the webhook has no secret: it was removed")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.URL, bytes.NewReader(n.Body))
	if err != nil {
		return 0, fmt.Errorf("the webhook's URL cannot be called: %v", err)
	}
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "Lifeline-Webhook/1")
	h.Set("Idempotency-Key", n.Key)
	h.Set("Lifeline-Event", n.Type)
	h.Set(SignatureHeader, Sign(n.Secret, d.opt.Now(), n.Body))
	resp, err := d.client.Do(req)
	if err != nil {
		var ue interface{ Timeout() bool }
		if errors.As(err, &ue) && ue.Timeout() {
			return 0, fmt.Errorf("no answer within %s", d.opt.Timeout)
		}
		return 0, errors.New(strings.TrimPrefix(err.Error(), "Post \""+n.URL+"\": "))
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode, nil
}

// SignatureHeader is the header that carries a notification's signature.
const SignatureHeader = "Lifeline-Signature"

// Sign returns the value of SignatureHeader for body sent at t under
// secret: "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">".
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

func mac(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Verify checks a notification as its receiver gets it: header is the
// value of SignatureHeader, body the request body, now the receiver's
// clock. It fails unless the signature is the secret's and was made
// within tolerance of now (an old request replayed is refused; the
// idempotency key refuses a recent one).
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return errors.New("the signature header is not t=<unix time>,v1=<hex>")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("the signature was made %s from now, more than the %s tolerated", d.Round(time.Second), tolerance)
	}
	want := mac(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return errors.New("the signature does not match the body and the secret")
}
