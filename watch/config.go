package watch

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"lifeline"
)

// Threshold says when a signal of one kind is extreme: when its value falls
// below a fraction of the median of its recent history.
type Threshold struct {
	// Window is the span of history whose median is the baseline.
	Window time.Duration
	// Warning and Critical are fractions of the baseline (0.99 = 99 %):
	// a value below Warning is extreme, below Critical it is critical.
	Warning, Critical float64
	// MinDuration is how long a signal must stay extreme before it is
	// reported; shorter dips are taken for noise.
	MinDuration time.Duration
	// MinHistory is how much history the baseline needs before any value
	// is judged; 0 means a quarter of Window.
	MinHistory time.Duration
}

// minHistory returns MinHistory or its default.
func (t Threshold) minHistory() time.Duration {
	if t.MinHistory > 0 {
		return t.MinHistory
	}
	return t.Window / 4
}

// Validate checks that the threshold can be used.
func (t Threshold) Validate() error {
	switch {
	case t.Window <= 0:
		return fmt.Errorf("window %v is not positive", t.Window)
	case !(t.Warning > 0 && t.Warning <= 1):
		return fmt.Errorf("warning %v: want a fraction in (0, 1]", t.Warning)
	case !(t.Critical > 0 && t.Critical <= t.Warning):
		return fmt.Errorf("critical %v: want a fraction in (0, warning %v]", t.Critical, t.Warning)
	case t.MinDuration < 0:
		return fmt.Errorf("minimum duration %v is negative", t.MinDuration)
	case t.MinHistory < 0 || t.MinHistory > t.Window:
		return fmt.Errorf("minimum history %v: want between 0 and the window %v", t.MinHistory, t.Window)
	}
	return nil
}

// String writes the threshold in the form ParseThreshold reads.
func (t Threshold) String() string {
	s := fmt.Sprintf("window=%s,warning=%s%%,critical=%s%%,min=%s",
		fmtDuration(t.Window), fmtPercent(t.Warning), fmtPercent(t.Critical), fmtDuration(t.MinDuration))
	if t.MinHistory > 0 {
		s += ",history=" + fmtDuration(t.MinHistory)
	}
	return s
}

// Config holds the detector's settings. DefaultConfig gives IODA's.
type Config struct {
	// Thresholds per signal kind; kinds not listed use Default.
	Thresholds map[Kind]Threshold
	// Default is the threshold of kinds not in Thresholds.
	Default Threshold
	// MaxInpaint is how long inpainting lasts: while a value is extreme
	// the baseline's prediction, not the value, enters the history, so an
	// outage does not become the new normal; after MaxInpaint the history
	// is rebuilt from the values seen, and the new level is normal.
	MaxInpaint time.Duration
	// Recovery is how long a signal must be back above its warning level
	// before a raised event ends; shorter returns are part of the event.
	Recovery time.Duration
	// CountryOf maps an AS number to the country it is registered in
	// (see watch/rir). It lets the detector tell a national shutdown, when
	// many networks of one country fall together, from one network's
	// outage. It may be nil.
	CountryOf func(asn uint32) (string, bool)
	// ShutdownSpread is how close together the starts of networks' alerts
	// must be for them to count as falling together.
	ShutdownSpread time.Duration
	// ShutdownNetworks is how many networks of a country must fall
	// together for a shutdown hint (or half of those observed, if fewer).
	ShutdownNetworks int
}

// DefaultThresholds are IODA's (DOMAIN.md §4), with minimum durations of
// two bins of each signal's usual step.
func DefaultThresholds() map[Kind]Threshold {
	return map[Kind]Threshold{
		KindBGP:       {Window: 24 * time.Hour, Warning: 0.99, Critical: 0.50, MinDuration: 10 * time.Minute},
		KindProbing:   {Window: 7 * 24 * time.Hour, Warning: 0.80, Critical: 0.50, MinDuration: 20 * time.Minute},
		KindTelescope: {Window: 7 * 24 * time.Hour, Warning: 0.25, Critical: 0.10, MinDuration: 20 * time.Minute},
	}
}

// DefaultConfig returns IODA's thresholds, a 7-day inpainting limit and
// an hour of recovery.
// Kinds other than bgp, probing and telescope get the probing threshold.
func DefaultConfig() Config {
	th := DefaultThresholds()
	return Config{
		Thresholds:       th,
		Default:          th[KindProbing],
		MaxInpaint:       7 * 24 * time.Hour,
		Recovery:         time.Hour,
		ShutdownSpread:   15 * time.Minute,
		ShutdownNetworks: 3,
	}
}

// Threshold returns the threshold for kind k.
func (c *Config) Threshold(k Kind) Threshold {
	if t, ok := c.Thresholds[k]; ok {
		return t
	}
	return c.Default
}

// Validate checks every threshold and limit.
func (c *Config) Validate() error {
	const op = "watch.Config"
	for _, k := range slices.Sorted(maps.Keys(c.Thresholds)) {
		if err := c.Thresholds[k].Validate(); err != nil {
			return lifeline.Errorf(lifeline.EINVALID, op, "threshold of %s: %v", k, err)
		}
	}
	if err := c.Default.Validate(); err != nil {
		return lifeline.Errorf(lifeline.EINVALID, op, "default threshold: %v", err)
	}
	if c.MaxInpaint <= 0 {
		return lifeline.Errorf(lifeline.EINVALID, op, "inpainting limit %v is not positive", c.MaxInpaint)
	}
	if c.Recovery < 0 || c.Recovery > c.MaxInpaint {
		return lifeline.Errorf(lifeline.EINVALID, op, "recovery %v: want between 0 and the inpainting limit %v", c.Recovery, c.MaxInpaint)
	}
	if c.ShutdownSpread < 0 || c.ShutdownNetworks < 1 {
		return lifeline.Errorf(lifeline.EINVALID, op, "shutdown spread %v and networks %d: want ≥ 0 and ≥ 1", c.ShutdownSpread, c.ShutdownNetworks)
	}
	return nil
}

// ParseThreshold reads "KIND:FIELD=VALUE,…" and returns the kind and base
// changed by the fields given. Fields are window (a duration; "d" for days
// is allowed), warning and critical (a percentage "99%" or a fraction
// "0.99"), min (the minimum duration) and history (the minimum history).
// For example "bgp:warning=98%,min=15m" or "telescope:window=3d".
func ParseThreshold(spec string, base func(Kind) Threshold) (Kind, Threshold, error) {
	const op = "watch.ParseThreshold"
	ks, fields, ok := strings.Cut(spec, ":")
	k := Kind(strings.TrimSpace(ks))
	if !ok || k == "" || strings.TrimSpace(fields) == "" {
		return "", Threshold{}, lifeline.Errorf(lifeline.EINVALID, op, "threshold %q: want KIND:FIELD=VALUE,… e.g. bgp:warning=98%%,min=15m", spec)
	}
	t := base(k)
	for f := range strings.SplitSeq(fields, ",") {
		name, val, ok := strings.Cut(strings.TrimSpace(f), "=")
		if !ok {
			return "", Threshold{}, lifeline.Errorf(lifeline.EINVALID, op, "threshold %q: field %q: want NAME=VALUE", spec, f)
		}
		var err error
		switch strings.ToLower(name) {
		case "window":
			t.Window, err = ParseDuration(val)
		case "min":
			t.MinDuration, err = ParseDuration(val)
		case "history":
			t.MinHistory, err = ParseDuration(val)
		case "warning":
			t.Warning, err = parseFraction(val)
		case "critical":
			t.Critical, err = parseFraction(val)
		default:
			return "", Threshold{}, lifeline.Errorf(lifeline.EINVALID, op, "threshold %q: unknown field %q (want window, warning, critical, min or history)", spec, name)
		}
		if err != nil {
			return "", Threshold{}, lifeline.Errorf(lifeline.EINVALID, op, "threshold %q: %s: %v", spec, name, err)
		}
	}
	if err := t.Validate(); err != nil {
		return "", Threshold{}, lifeline.Errorf(lifeline.EINVALID, op, "threshold %q: %v", spec, err)
	}
	return k, t, nil
}

// ParseDuration reads a Go duration ("90m", "1h30m") or a number of days
// ("7d").
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(d, 64)
		if err != nil || n < 0 || n > 3650 {
			return 0, fmt.Errorf("%q: want a number of days between 0 and 3650", s)
		}
		return time.Duration(n * float64(24*time.Hour)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q: want a duration such as 30m, 24h or 7d", s)
	}
	return d, nil
}

func parseFraction(s string) (float64, error) {
	s = strings.TrimSpace(s)
	pct, isPct := strings.CutSuffix(s, "%")
	v, err := strconv.ParseFloat(pct, 64)
	if err != nil {
		return 0, fmt.Errorf("%q: want a percentage such as 99%% or a fraction such as 0.99", s)
	}
	if isPct {
		v /= 100
	}
	return v, nil
}

func fmtPercent(f float64) string { return strconv.FormatFloat(f*100, 'f', -1, 64) }

// fmtDuration writes whole days as "7d" and other durations as Go does.
func fmtDuration(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
