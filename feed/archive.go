package feed

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"lifeline"
	"lifeline/mrt"
)

// ArchiveConfig configures the polling of an MRT update archive.
type ArchiveConfig struct {
	// Name names the source in its status; default "mrt-archive".
	Name string
	// URL is the template of a period's file: %Y, %m, %d, %H and %M are
	// the year, month, day, hour and minute of the period's start (UTC),
	// as in RIPE RIS's
	// https://data.ris.ripe.net/rrc00/%Y.%m/updates.%Y%m%d.%H%M.gz and
	// RouteViews'
	// https://archive.routeviews.org/bgpdata/%Y.%m/UPDATES/updates.%Y%m%d.%H%M.bz2.
	URL string
	// Mirrors are templates tried in turn when URL fails.
	Mirrors []string
	// Period is the span of one file: 5 minutes at RIS, 15 at RouteViews.
	Period time.Duration
	// Start is the first period to fetch when there is no state to resume
	// from; zero means the period before the current one.
	Start time.Time
	// End, if set, ends the polling: Run returns once the periods before
	// End have been fetched or given up, as for a backfill of a past span.
	End time.Time
	// Delay is how long after a period ends its file is expected; default
	// one period.
	Delay time.Duration
	// GiveUp is how long after it was expected a missing file becomes a
	// gap, and the poller moves on; default an hour.
	GiveUp time.Duration
	// Retry is how long to wait before asking again for a file not yet
	// there, or after an error; default a minute.
	Retry time.Duration
	// StateFile, if set, keeps the next period to fetch, so that a restart
	// resumes where the last run stopped.
	StateFile string
	// MaxFile bounds a file's size; default 256 MiB.
	MaxFile int64
	// HTTPClient fetches the files; nil means a client with a 5-minute
	// timeout.
	HTTPClient *http.Client
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Archive polls an MRT update archive, one file per period, in order,
// resuming where it stopped. Status is safe for concurrent use; Run is
// called once.
type Archive struct {
	cfg ArchiveConfig
	st  status
}

// NewArchive checks cfg and returns a poller; Run starts it. A template
// without a time field or a period that is not a positive number of
// minutes is an EINVALID error.
func NewArchive(cfg ArchiveConfig) (*Archive, error) {
	const op = "feed.NewArchive"
	if cfg.Name == "" {
		cfg.Name = "mrt-archive"
	}
	for _, u := range append([]string{cfg.URL}, cfg.Mirrors...) {
		if !strings.Contains(u, "%") || !(strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")) {
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: URL template %q: want an http(s) URL with %%Y, %%m, %%d, %%H, %%M for the period's start", cfg.Name, u)
		}
	}
	if cfg.Period <= 0 || cfg.Period%time.Minute != 0 {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: period %v: want a whole number of minutes, such as 5m (RIS) or 15m (RouteViews)", cfg.Name, cfg.Period)
	}
	if cfg.Delay <= 0 {
		cfg.Delay = cfg.Period
	}
	if cfg.GiveUp <= 0 {
		cfg.GiveUp = time.Hour
	}
	if cfg.Retry <= 0 {
		cfg.Retry = time.Minute
	}
	if cfg.MaxFile <= 0 {
		cfg.MaxFile = 256 << 20
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 5 * time.Minute}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	a := &Archive{cfg: cfg}
	a.st.s = Status{Name: cfg.Name, Kind: "mrt-archive", State: StatePolling}
	return a, nil
}

// Status returns the poller's status.
func (a *Archive) Status() Status { return a.st.get() }

// Expand fills a URL template with the fields of period start t.
func Expand(tmpl string, t time.Time) string {
	t = t.UTC()
	return strings.NewReplacer(
		"%Y", fmt.Sprintf("%04d", t.Year()), "%m", fmt.Sprintf("%02d", int(t.Month())), "%d", fmt.Sprintf("%02d", t.Day()),
		"%H", fmt.Sprintf("%02d", t.Hour()), "%M", fmt.Sprintf("%02d", t.Minute()), "%%", "%",
	).Replace(tmpl)
}

type archiveState struct {
	Next time.Time `json:"next"`
}

// cursor returns the first period to fetch: from the state file, else
// Start, else the period before the current one.
func (a *Archive) cursor() (time.Time, error) {
	if a.cfg.StateFile != "" {
		b, err := os.ReadFile(a.cfg.StateFile)
		switch {
		case err == nil:
			var s archiveState
			if err := json.Unmarshal(b, &s); err != nil || s.Next.IsZero() {
				return time.Time{}, lifeline.Errorf(lifeline.EINVALID, "feed.Archive", "state file %s: want {\"next\": \"RFC 3339 time\"}; delete it to start afresh", a.cfg.StateFile)
			}
			return s.Next, nil
		case !errors.Is(err, os.ErrNotExist):
			return time.Time{}, fmt.Errorf("read state file %s: %w", a.cfg.StateFile, err)
		}
	}
	if !a.cfg.Start.IsZero() {
		return a.cfg.Start.UTC().Truncate(a.cfg.Period), nil
	}
	return a.cfg.Now().UTC().Truncate(a.cfg.Period).Add(-a.cfg.Period), nil
}

// save writes the state file all at once: a crash leaves the old one.
func (a *Archive) save(next time.Time) error {
	if a.cfg.StateFile == "" {
		return nil
	}
	b, _ := json.Marshal(archiveState{Next: next.UTC()})
	tmp, err := os.CreateTemp(filepath.Dir(a.cfg.StateFile), ".archive-state-*")
	if err != nil {
		return fmt.Errorf("write state file %s: %w", a.cfg.StateFile, err)
	}
	_, err = tmp.Write(append(b, '\n'))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), a.cfg.StateFile)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write state file %s: %w", a.cfg.StateFile, err)
	}
	return nil
}

// errNotYet is a file the archive does not have (yet).
var errNotYet = errors.New("not published yet")

// Run fetches each period's file in order and calls handle with its
// content, until ctx ends; then it returns nil. A file that is not there
// yet is asked for again every Retry; one still missing GiveUp after it
// was expected is recorded as a gap and passed over. A file that is not
// MRT data (an error page) or is larger than MaxFile counts as skipped and
// the next mirror is tried. The state file moves on only after handle
// returned nil; a handle error stops Run and is returned. With End, Run
// returns nil after the last period before it.
func (a *Archive) Run(ctx context.Context, handle func(url string, period time.Time, r io.Reader) error) error {
	next, err := a.cursor()
	if err != nil {
		return err
	}
	a.st.update(func(s *Status) { s.Cursor = next })
	for {
		if !a.cfg.End.IsZero() && !next.Before(a.cfg.End) {
			a.st.update(func(s *Status) { s.State = StateStopped })
			return nil
		}
		due := next.Add(a.cfg.Period + a.cfg.Delay)
		if now := a.cfg.Now(); now.Before(due) {
			a.st.update(func(s *Status) { s.State = StateWaiting })
			if !sleep(ctx, due.Sub(now)) {
				a.st.update(func(s *Status) { s.State = StateStopped })
				return nil
			}
		}
		a.st.update(func(s *Status) { s.State = StatePolling })
		url, data, err := a.fetch(ctx, next)
		if ctx.Err() != nil {
			a.st.update(func(s *Status) { s.State = StateStopped })
			return nil
		}
		now := a.cfg.Now()
		switch {
		case err == nil:
			if err := handle(url, next, bytes.NewReader(data)); err != nil {
				a.st.update(func(s *Status) { s.State = StateStopped; s.fail(now, err) })
				return err
			}
			a.st.update(func(s *Status) {
				s.Messages++
				s.LastMessage, s.LastData, s.Lag = now, next.Add(a.cfg.Period), now.Sub(next.Add(a.cfg.Period))
			})
		case now.After(due.Add(a.cfg.GiveUp)):
			g := Gap{From: next, To: next.Add(a.cfg.Period), Reason: "no file: " + err.Error()}
			a.st.update(func(s *Status) { s.addGap(g); s.fail(now, err) })
		default:
			a.st.update(func(s *Status) {
				if !errors.Is(err, errNotYet) {
					s.fail(now, err)
				}
				s.State = StateWaiting
			})
			if !sleep(ctx, a.cfg.Retry) {
				a.st.update(func(s *Status) { s.State = StateStopped })
				return nil
			}
			continue
		}
		next = next.Add(a.cfg.Period)
		if err := a.save(next); err != nil {
			a.st.update(func(s *Status) { s.fail(now, err) })
			return err
		}
		a.st.update(func(s *Status) { s.Cursor = next })
	}
}

// fetch gets the file of period t from the first template that has it.
func (a *Archive) fetch(ctx context.Context, t time.Time) (string, []byte, error) {
	var errs []string
	notYet := true
	for _, tmpl := range append([]string{a.cfg.URL}, a.cfg.Mirrors...) {
		url := Expand(tmpl, t)
		data, err := a.get(ctx, url)
		if err == nil {
			if err = mrt.Sniff(bytes.NewReader(data)); err == nil {
				return url, data, nil
			}
			a.st.update(func(s *Status) { s.Skipped++ })
		}
		if ctx.Err() != nil {
			return "", nil, ctx.Err()
		}
		notYet = notYet && errors.Is(err, errNotYet)
		errs = append(errs, fmt.Sprintf("%s: %v", url, err))
	}
	if notYet {
		return "", nil, fmt.Errorf("%w: %s", errNotYet, strings.Join(errs, "; "))
	}
	return "", nil, errors.New(strings.Join(errs, "; "))
}

func (a *Archive) get(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "lifeline")
	resp, err := a.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, errNotYet
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("the server answered %s", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, a.cfg.MaxFile+1))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if int64(len(data)) > a.cfg.MaxFile {
		a.st.update(func(s *Status) { s.Skipped++ })
		return nil, fmt.Errorf("the file is larger than %d bytes", a.cfg.MaxFile)
	}
	return data, nil
}

// sleep waits d or until ctx ends; it returns false when ctx ended.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
