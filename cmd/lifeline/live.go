package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lifeline"
	"lifeline/coord"
	"lifeline/feed"
	"lifeline/impact"
	"lifeline/store"
	"lifeline/watch"
	"lifeline/watch/stream"
	"lifeline/web"
	"lifeline/web/i18n"
)

// live is the detection inside lifeline serve: the sources of a --live
// configuration (the format of watch run --follow, docs/watch.md) feed
// one stream engine; its alerts are recorded as signed events of the
// instance by a coord.Alerter, which drafts incidents from confirmed ones.
type live struct {
	path        string
	f           *follower
	runners     []runner
	alerter     *coord.Alerter
	kick        chan struct{}
	syncEvery   time.Duration
	statusEvery time.Duration
	routing     bool // a source brings routing data
	stderr      io.Writer
	pr          *i18n.Printer // the language of its lines on stderr: the locale's
	log         *slog.Logger

	mu       sync.Mutex // guards lastSync and syncErr
	lastSync time.Time
	syncErr  string
}

// newLive reads the configuration at path and prepares its sources; run
// starts them. onRecovered is called with every alert whose recovery was
// just recorded.
func newLive(path string, db *store.DB, stderr io.Writer, log *slog.Logger, onRecovered func(context.Context, *coord.Alert)) (*live, error) {
	const op = "serve.live"
	// serve's --lang is the web's language for visitors; the lines on
	// stderr are for whoever runs the server, in the locale's language.
	pr, _ := printerFor("")
	l := &live{path: path, kick: make(chan struct{}, 1), syncEvery: 30 * time.Second, stderr: stderr, pr: pr, log: log}
	cfg, err := readFollowConfig(pr, path)
	if err != nil {
		return nil, err
	}
	ac := alertsConfig{}
	if cfg.Alerts != nil {
		ac = *cfg.Alerts
	}
	tlp := coord.TLPClear
	if ac.TLP != "" {
		tlp = coord.TLP(ac.TLP)
		if !tlp.Valid() {
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s", pr.T("live.err.tlp", path, strconv.Quote(ac.TLP)))
		}
	}
	history := 36
	if ac.History != 0 {
		if ac.History < 2 || ac.History > coord.MaxAlertValues {
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s", pr.T("live.err.history", path, strconv.Itoa(ac.History), coord.MaxAlertValues))
		}
		history = ac.History
	}
	if ac.SyncEvery != "" {
		if l.syncEvery, err = watch.ParseDuration(ac.SyncEvery); err != nil || l.syncEvery <= 0 {
			return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s", pr.T("live.err.sync", path, strconv.Quote(ac.SyncEvery)))
		}
	}
	if l.statusEvery, err = cfg.statusEvery(pr, path); err != nil {
		return nil, err
	}
	l.f, _, l.runners, err = newFollower(pr, path, detectorFlags{maxInpaint: "7d", recovery: "1h"},
		stream.Options{History: history, OnBin: func(time.Time) { l.poke() }}, false, io.Discard, stderr)
	if err != nil {
		return nil, err
	}
	l.f.changed = l.poke
	for _, s := range cfg.Sources {
		l.routing = l.routing || s.Type == "ris-live" || s.Type == "mrt-archive"
	}
	l.alerter = &coord.Alerter{Alerts: db, By: coord.System, TLP: tlp, Incidents: db, OnRecovered: onRecovered}
	if ac.Drafts == nil || *ac.Drafts {
		l.alerter.Drafter = &coord.Drafter{Incidents: db, By: coord.System}
	}
	return l, nil
}

// poke asks for the alerts to be recorded soon, without waiting.
func (l *live) poke() {
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// run runs the sources until ctx ends, closing the bins of a quiet live
// stream by the clock, and records the alerts whenever a bin closes, a
// source brings events, or sync_every passes.
func (l *live) run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, r := range l.runners {
		wg.Go(func() {
			if err := r.run(ctx); err != nil && ctx.Err() == nil {
				fmt.Fprintln(l.stderr, "lifeline:", l.pr.T("live.stopped", r.name, lifeline.ErrorMessage(err)))
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	tick := time.NewTicker(l.syncEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			<-done
			return
		case <-done:
			// Every source has stopped (a bounded archive): judge the last
			// bin and record what it gives.
			l.f.mu.Lock()
			if err := l.f.e.Close(); err != nil {
				fmt.Fprintf(l.stderr, "lifeline: live: %v\n", err)
			}
			l.f.mu.Unlock()
			l.sync(ctx)
			<-ctx.Done()
			return
		case <-tick.C:
			l.f.advance(time.Now())
			l.sync(ctx)
		case <-l.kick:
			l.sync(ctx)
		}
	}
}

// sync records the detector's alerts through the Alerter, reading the
// engine under its lock and writing to the store without it.
func (l *live) sync(ctx context.Context) {
	l.f.mu.Lock()
	alerts := l.f.e.Alerts()
	now := l.f.newest
	series := map[watch.Key]coord.AlertSignal{}
	for _, a := range alerts {
		for _, ev := range a.Events {
			if _, ok := series[ev.Key]; ok {
				continue
			}
			start, step, v, ok := l.f.e.Recent(ev.Key)
			if !ok {
				continue
			}
			s := coord.AlertSignal{Start: start.UTC(), Step: int64(step / time.Second), Values: make([]*float64, len(v))}
			for i := range v {
				if !math.IsNaN(v[i]) {
					s.Values[i] = &v[i]
				}
			}
			series[ev.Key] = s
		}
	}
	l.f.mu.Unlock()
	if now.IsZero() {
		if l.routing {
			return // the detector's time is its routing data's: none yet
		}
		now = time.Now()
	}
	err := l.alerter.Sync(ctx, alerts, now, func(k watch.Key) (coord.AlertSignal, bool) {
		s, ok := series[k]
		return s, ok
	})
	l.mu.Lock()
	l.lastSync, l.syncErr = time.Now(), ""
	if err != nil {
		l.syncErr = lifeline.ErrorMessage(err)
	}
	l.mu.Unlock()
	if err != nil && ctx.Err() == nil {
		l.log.Error("live: record alerts", "err", lifeline.Trace(err))
	}
}

// statuses returns the sources' statuses.
func (l *live) statuses() []feed.Status {
	out := make([]feed.Status, 0, len(l.runners))
	for _, r := range l.runners {
		out = append(out, r.status())
	}
	return out
}

// webSources gives the operators' page the sources' statuses.
func (l *live) webSources() []web.Source {
	var out []web.Source
	for _, s := range l.statuses() {
		ws := web.Source{Name: s.Name, Kind: s.Kind, State: s.State, LastMessage: s.LastMessage, LastData: s.LastData, Lag: s.Lag,
			Messages: s.Messages, Updates: s.Updates, Skipped: s.Skipped, Errors: s.Errors, Connects: s.Connects, Reconnects: s.Reconnects,
			Stalls: s.Stalls, GapCount: s.GapCount, GapTime: s.GapTime, LastError: s.LastError, ErrorAt: s.ErrorAt, Cursor: s.Cursor}
		for _, g := range s.Gaps {
			ws.Gaps = append(ws.Gaps, web.SourceGap{From: g.From, To: g.To, Reason: g.Reason})
		}
		out = append(out, ws)
	}
	return out
}

// sourceCollector exports the sources' statuses on the operators' metrics
// listener, read at each scrape.
type sourceCollector struct {
	l                                                                 *live
	messages, updates, skipped, errs, connects, stalls, gaps, gapSecs *prometheus.Desc
	lastMessage, lag, up                                              *prometheus.Desc
}

func newSourceCollector(l *live) *sourceCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("lifeline_source_"+name, help, []string{"source", "kind"}, nil)
	}
	return &sourceCollector{l: l,
		messages:    d("messages_total", "Messages (RIS Live messages, archive files, IODA responses) received."),
		updates:     d("updates_total", "Routing updates, series or events received."),
		skipped:     d("skipped_total", "Messages or files malformed, too large or refused, and left out."),
		errs:        d("errors_total", "Failures: connections refused or broken, stalls, files or responses not had."),
		connects:    d("connections_total", "Connections made (RIS Live)."),
		stalls:      d("stalls_total", "Connections that delivered nothing, not even a pong, within the stall timeout."),
		gaps:        d("gaps_total", "Spans of data time the source knows it did not deliver."),
		gapSecs:     d("gap_seconds_total", "Length of those spans, in seconds of data time."),
		lastMessage: d("last_message_timestamp_seconds", "When the last message arrived (Unix time; 0 never)."),
		lag:         d("lag_seconds", "How far the data of the last message lagged the clock."),
		up:          d("up", "1 when the source is streaming, polling or waiting for its next period; 0 when connecting, stalled, backing off or stopped."),
	}
}

// Describe implements prometheus.Collector.
func (c *sourceCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.messages, c.updates, c.skipped, c.errs, c.connects, c.stalls, c.gaps, c.gapSecs, c.lastMessage, c.lag, c.up} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *sourceCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.l.statuses() {
		m := func(d *prometheus.Desc, t prometheus.ValueType, v float64) {
			ch <- prometheus.MustNewConstMetric(d, t, v, s.Name, s.Kind)
		}
		m(c.messages, prometheus.CounterValue, float64(s.Messages))
		m(c.updates, prometheus.CounterValue, float64(s.Updates))
		m(c.skipped, prometheus.CounterValue, float64(s.Skipped))
		m(c.errs, prometheus.CounterValue, float64(s.Errors))
		m(c.connects, prometheus.CounterValue, float64(s.Connects))
		m(c.stalls, prometheus.CounterValue, float64(s.Stalls))
		m(c.gaps, prometheus.CounterValue, float64(s.GapCount))
		m(c.gapSecs, prometheus.CounterValue, s.GapTime.Seconds())
		last := 0.0
		if !s.LastMessage.IsZero() {
			last = float64(s.LastMessage.UnixNano()) / 1e9
		}
		m(c.lastMessage, prometheus.GaugeValue, last)
		m(c.lag, prometheus.GaugeValue, s.Lag.Seconds())
		up := 0.0
		switch s.State {
		case feed.StateStreaming, feed.StatePolling, feed.StateWaiting:
			up = 1
		}
		m(c.up, prometheus.GaugeValue, up)
	}
}

// onAlertRecovered is called by the live pipeline with every alert whose
// recovery has just been recorded (event alert.recovered): the signals of
// its entity are back. The restoration of each element that open
// incidents of its country name is closed when every country the
// element's loss affects (the impact engine) has recovered
// (coord.RecoverIncidents), recorded by the instance.
func onAlertRecovered(ctx context.Context, db *store.DB, g *impact.Graph, log *slog.Logger, a *coord.Alert) {
	log.Info("live: alert recovered", "alert", a.ID, "entity", a.Entity, "recovered", a.Recovered, "incident", a.Incident)
	if a.Country == "" || g == nil {
		return
	}
	affected := func(ctx context.Context, element string) ([]string, error) {
		res, err := g.SimulateElements(ctx, element, []string{element})
		if err != nil {
			return nil, err
		}
		return res.Affected(), nil
	}
	n, err := coord.RecoverIncidents(ctx, db, db, coord.System, a.Country, affected)
	if n > 0 {
		log.Info("live: restoration closed by the signal's recovery", "country", a.Country, "elements", n)
	}
	if err != nil {
		log.Warn("live: restoration not closed by the recovery", "country", a.Country, "err", lifeline.Trace(err))
	}
}
