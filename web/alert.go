package web

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"lifeline"
	"lifeline/coord"
)

// Source is the status of one live source of the detector (RIS Live, an
// MRT archive, IODA), for the operators' page; cmd/lifeline fills it from
// package feed.
type Source struct {
	Name, Kind, State     string
	LastMessage, LastData time.Time
	Lag                   time.Duration
	Messages, Updates     int64
	Skipped, Errors       int64
	Connects, Reconnects  int
	Stalls, GapCount      int
	GapTime               time.Duration
	Gaps                  []SourceGap // the most recent
	LastError             string
	ErrorAt               time.Time
	Cursor                time.Time // where a polling source resumes
}

// SourceGap is a span of data time a source knows it did not deliver.
type SourceGap struct {
	From, To time.Time
	Reason   string
}

// alertView is an alert as the pages show it, with its sparkline.
type alertView struct {
	*coord.Alert
	Name  string        // what fell, in words
	Spark template.HTML // the signal against its baseline, as inline SVG
}

// alertsFor reads, through AlertService (which applies CanSee), the alerts
// of country ("" for all) still open at since or recovered after it, the
// open first then the most recent, at most n of them.
func (s *server) alertsFor(ctx context.Context, rq *request, country string, since time.Time, n int) ([]alertView, error) {
	if s.cfg.Alerts == nil {
		return nil, nil
	}
	var all []*coord.Alert
	f := coord.AlertFilter{Country: country, Since: since, Limit: coord.MaxPageSize}
	for range 4 { // a bounded read: the pages show the few that matter
		page, err := s.cfg.Alerts.FindAlerts(ctx, rq.viewer, f)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if page.Next == "" {
			break
		}
		f.After = page.Next
	}
	slices.SortStableFunc(all, func(a, b *coord.Alert) int {
		if (a.Recovered == nil) != (b.Recovered == nil) {
			if a.Recovered == nil {
				return -1
			}
			return 1
		}
		if a.Status != b.Status { // confirmed before suspected
			return strings.Compare(a.Status, b.Status)
		}
		return b.Raised.Compare(a.Raised)
	})
	if len(all) > n {
		all = all[:n]
	}
	out := make([]alertView, len(all))
	for i, a := range all {
		out[i] = alertView{Alert: a, Name: alertName(rq, a), Spark: sparkline(rq, a)}
	}
	return out, nil
}

// alertName says what fell: a country by its name, a network by its
// number and country.
func alertName(rq *request, a *coord.Alert) string {
	if a.ASN != 0 {
		if a.Country != "" {
			return rq.t("alert.network.in", "AS"+strconv.FormatUint(uint64(a.ASN), 10), countryName(rq.printer, a.Country))
		}
		return "AS" + strconv.FormatUint(uint64(a.ASN), 10)
	}
	if typ, code, _ := strings.Cut(a.Entity, "/"); typ == "country" {
		return countryName(rq.printer, code)
	}
	return a.Entity
}

// Sparkline size, in CSS pixels.
const sparkW, sparkH = 120.0, 28.0

// sparkline draws an alert's first signal (the routing one when there is
// one) against its baseline: a small inline SVG, no script, a few hundred
// bytes. Missing values break the line.
func sparkline(rq *request, a *coord.Alert) template.HTML {
	var sig *coord.AlertSignal
	for i := range a.Signals {
		if len(a.Signals[i].Values) > 1 && (sig == nil || strings.HasPrefix(a.Signals[i].Signal, "bgp:")) {
			sig = &a.Signals[i]
		}
	}
	if sig == nil {
		return ""
	}
	vals := sig.Values
	// At most 60 points: a day of bins is squeezed by taking each
	// group's lowest value, so that a fall is never smoothed away.
	if k := (len(vals) + 59) / 60; k > 1 {
		var squeezed []*float64
		for i := 0; i < len(vals); i += k {
			var low *float64
			for _, v := range vals[i:min(i+k, len(vals))] {
				if v != nil && (low == nil || *v < *low) {
					low = v
				}
			}
			squeezed = append(squeezed, low)
		}
		vals = squeezed
	}
	top := sig.Baseline
	for _, v := range vals {
		if v != nil && *v > top {
			top = *v
		}
	}
	if !(top > 0) || math.IsInf(top, 0) {
		top = 1
	}
	x := func(i int) float64 { return 1 + float64(i)*(sparkW-2)/float64(max(len(vals)-1, 1)) }
	y := func(v float64) float64 { return 1 + (sparkH-2)*(1-v/top) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="spark" width="%g" height="%g" viewBox="0 0 %g %g" role="img" aria-label="%s">`,
		sparkW, sparkH, sparkW, sparkH, template.HTMLEscapeString(rq.t("alert.spark", sig.Signal)))
	if sig.Baseline > 0 {
		fmt.Fprintf(&b, `<line x1="0" x2="%g" y1="%.1f" y2="%.1f" stroke="currentColor" stroke-dasharray="3 2" opacity=".5"/>`, sparkW, y(sig.Baseline), y(sig.Baseline))
	}
	var pts []string
	flush := func() {
		if len(pts) == 1 {
			pts = append(pts, pts[0]) // a lone value is a dot
		}
		if len(pts) > 0 {
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="currentColor" stroke-width="1.5"/>`, strings.Join(pts, " "))
		}
		pts = pts[:0]
	}
	for i, v := range vals {
		if v == nil || math.IsNaN(*v) {
			flush()
			continue
		}
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(*v)))
	}
	flush()
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// sourcesPage shows the live sources' status to the instance's
// administrators: when each last delivered, how far it lags, what it
// skipped, its errors, stalls and gaps.
func (s *server) sourcesPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := member(r, rq); err != nil {
		return err
	}
	if rq.viewer.Role != coord.RoleInstanceAdmin {
		return lifeline.Errorf(lifeline.EFORBIDDEN, "web.sources", "the live sources are shown to the instance's administrators")
	}
	var p sourcesPage
	if s.cfg.Sources != nil {
		for _, src := range s.cfg.Sources() {
			p.Sources = append(p.Sources, sourceView{Source: src, StateName: sourceState(rq, src.State),
				Healthy: src.State == "streaming" || src.State == "polling" || src.State == "waiting for the next period"})
		}
	}
	p.Now = s.now()
	s.render(w, r, rq, http.StatusOK, "sources", rq.t("sources.h1"), p)
	return nil
}

type sourcesPage struct {
	Sources []sourceView
	Now     time.Time
}

type sourceView struct {
	Source
	StateName string
	Healthy   bool
}

// LastGap is the most recent gap, or nil.
func (v sourceView) LastGap() *SourceGap {
	if len(v.Gaps) == 0 {
		return nil
	}
	return &v.Gaps[len(v.Gaps)-1]
}

// LagText and GapText print durations for people.
func (v sourceView) LagText() string { return roundDuration(v.Lag) }

// GapText prints the total time of the gaps.
func (v sourceView) GapText() string { return roundDuration(v.GapTime) }

func roundDuration(d time.Duration) string {
	switch {
	case d >= time.Hour:
		d = d.Round(time.Minute)
	case d >= time.Second:
		d = d.Round(time.Second)
	default:
		d = d.Round(time.Millisecond)
	}
	return d.String()
}

// sourceState names a source's state (feed's states) for people.
func sourceState(rq *request, state string) string {
	switch state {
	case "connecting":
		return rq.t("source.connecting")
	case "streaming":
		return rq.t("source.streaming")
	case "stalled":
		return rq.t("source.stalled")
	case "waiting to reconnect":
		return rq.t("source.backoff")
	case "polling":
		return rq.t("source.polling")
	case "waiting for the next period":
		return rq.t("source.waiting")
	case "stopped":
		return rq.t("source.stopped")
	}
	return state
}
