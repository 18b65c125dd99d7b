package feed

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"lifeline"
	"lifeline/watch/ioda"
)

// DefaultIODAURL is the base of IODA's API v2.
const DefaultIODAURL = "https://api.ioda.inetintel.cc.gatech.edu/v2"

// IODAConfig configures the polling of IODA's API v2.
type IODAConfig struct {
	// Name names the source in its status; default "ioda".
	Name string
	// BaseURL is the API's base; default DefaultIODAURL.
	BaseURL string
	// Countries are ISO 3166-1 alpha-2 codes polled.
	Countries []string
	// Every is the time between polls; default 5 minutes.
	Every time.Duration
	// Window is how far back each poll asks; default 2 hours, enough to
	// cover a missed poll or two.
	Window time.Duration
	// Signals and Events choose the endpoints: raw signals
	// (/signals/raw/country/CC) and outage events (/outages/events). Both
	// false means both.
	Signals, Events bool
	// MaxBody bounds a response's size; default 32 MiB.
	MaxBody int64
	// HTTPClient fetches; nil means a client with a one-minute timeout.
	HTTPClient *http.Client
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// IODA polls IODA's API for a list of countries. Status is safe for
// concurrent use; Run is called once.
type IODA struct {
	cfg IODAConfig
	st  status
}

// NewIODA checks cfg and returns a poller. A country that is not two
// letters is an EINVALID error.
func NewIODA(cfg IODAConfig) (*IODA, error) {
	if cfg.Name == "" {
		cfg.Name = "ioda"
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultIODAURL
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if len(cfg.Countries) == 0 {
		return nil, lifeline.Errorf(lifeline.EINVALID, "feed.NewIODA", "%s: no countries to poll: want ISO 3166-1 alpha-2 codes such as IR", cfg.Name)
	}
	for i, cc := range cfg.Countries {
		if len(cc) != 2 || !isAlpha(cc) {
			return nil, lifeline.Errorf(lifeline.EINVALID, "feed.NewIODA", "%s: country %q: want an ISO 3166-1 alpha-2 code such as IR", cfg.Name, cc)
		}
		cfg.Countries[i] = strings.ToUpper(cc)
	}
	if !cfg.Signals && !cfg.Events {
		cfg.Signals, cfg.Events = true, true
	}
	if cfg.Every <= 0 {
		cfg.Every = 5 * time.Minute
	}
	if cfg.Window <= 0 {
		cfg.Window = 2 * time.Hour
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 32 << 20
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: time.Minute}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	p := &IODA{cfg: cfg}
	p.st.s = Status{Name: cfg.Name, Kind: "ioda", State: StatePolling}
	return p, nil
}

func isAlpha(s string) bool {
	for _, c := range s {
		if (c|0x20) < 'a' || (c|0x20) > 'z' {
			return false
		}
	}
	return true
}

// Status returns the poller's status.
func (p *IODA) Status() Status { return p.st.get() }

// Run polls every country's endpoints each period, from now − Window to
// now, and hands each response, decoded by watch/ioda, to handle, until
// ctx ends; then it returns nil. A response that cannot be had or decoded
// is counted, recorded as the last error and left for the next poll, whose
// window covers it again. A handle error stops Run and is returned.
func (p *IODA) Run(ctx context.Context, handle func(country string, res *ioda.Result) error) error {
	for {
		now := p.cfg.Now()
		from, until := now.Add(-p.cfg.Window).Unix(), now.Unix()
		for _, cc := range p.cfg.Countries {
			var urls []string
			q := url.Values{"from": {strconv.FormatInt(from, 10)}, "until": {strconv.FormatInt(until, 10)}}
			if p.cfg.Signals {
				urls = append(urls, p.cfg.BaseURL+"/signals/raw/country/"+cc+"?"+q.Encode())
			}
			if p.cfg.Events {
				qe := url.Values{"entityType": {"country"}, "entityCode": {cc}, "from": q["from"], "until": q["until"]}
				urls = append(urls, p.cfg.BaseURL+"/outages/events?"+qe.Encode())
			}
			for _, u := range urls {
				res, err := p.get(ctx, u)
				if ctx.Err() != nil {
					p.st.update(func(s *Status) { s.State = StateStopped })
					return nil
				}
				at := p.cfg.Now()
				if err != nil {
					p.st.update(func(s *Status) { s.Skipped++; s.fail(at, err) })
					continue
				}
				p.st.update(func(s *Status) {
					s.Messages++
					s.Updates += int64(len(res.Series) + len(res.Events))
					s.LastMessage, s.LastData, s.Lag = at, time.Unix(until, 0).UTC(), at.Sub(time.Unix(until, 0))
				})
				if err := handle(cc, res); err != nil {
					p.st.update(func(s *Status) { s.State = StateStopped; s.fail(at, err) })
					return err
				}
			}
		}
		p.st.update(func(s *Status) { s.State = StateWaiting })
		if !sleep(ctx, p.cfg.Every) {
			p.st.update(func(s *Status) { s.State = StateStopped })
			return nil
		}
		p.st.update(func(s *Status) { s.State = StatePolling })
	}
}

func (p *IODA) get(ctx context.Context, u string) (*ioda.Result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := p.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: the server answered %s", u, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, p.cfg.MaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("%s: read: %w", u, err)
	}
	if int64(len(body)) > p.cfg.MaxBody {
		return nil, fmt.Errorf("%s: response larger than %d bytes", u, p.cfg.MaxBody)
	}
	return ioda.Read(bytes.NewReader(body), u)
}
