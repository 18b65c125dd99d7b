package eval

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"lifeline/watch"
)

// Bucket is the recall of one class of outages.
type Bucket struct {
	Label    string  `json:"label"`
	Outages  int     `json:"outages"`
	Detected int     `json:"detected"`
	Recall   float64 `json:"recall"`
}

func (b *Bucket) add(detected bool) {
	b.Outages++
	if detected {
		b.Detected++
	}
	b.Recall = float64(b.Detected) / float64(b.Outages)
}

// Result holds the figures of one evaluation.
type Result struct {
	Seed        uint64  `json:"seed"`
	Entities    int     `json:"entities"` // networks and countries
	Weeks       float64 `json:"weeks"`    // evaluated, after the warm-up
	EntityWeeks float64 `json:"entity_weeks"`

	// All truth items, and the target class (Config.TargetLength,
	// Config.TargetDepth).
	All    Bucket `json:"all"`
	Target Bucket `json:"target"`

	// Alerts raised after the warm-up, and those that match a truth item.
	Alerts     int     `json:"alerts"`
	TrueAlerts int     `json:"true_alerts"`
	Precision  float64 `json:"precision"`

	// Of the detected target outages: the share whose alert a second kind
	// of signal confirmed, and the share whose hint (shutdown or outage)
	// was right.
	Confirmed    float64 `json:"confirmed"`
	HintAccuracy float64 `json:"hint_accuracy"`

	// Detection delay of the detected target outages: from the outage's
	// start to the end of the bin in which the alert was raised, in bins of
	// the signal that raised it, and in minutes.
	DelayMedianBins    float64 `json:"delay_median_bins"`
	DelayP90Bins       float64 `json:"delay_p90_bins"`
	DelayMedianMinutes float64 `json:"delay_median_minutes"`

	// Alerts on the same world without outages, per entity-week.
	CleanAlerts        int     `json:"clean_alerts"`
	FalsePerEntityWeek float64 `json:"false_alerts_per_entity_week"`

	ByDepth  []Bucket `json:"by_depth"`
	ByLength []Bucket `json:"by_length"`

	// Missed lists the target outages that were not detected.
	Missed []string `json:"missed,omitempty"`
}

// Run generates the world of cfg twice, with and without outages, runs a
// detector configured by det on both, and scores the alerts. progress, if
// not nil, is called after each series with the number done and the
// total.
func Run(cfg Config, det watch.Config, progress func(done, total int)) (*Result, error) {
	world, err := Generate(cfg, false)
	if err != nil {
		return nil, err
	}
	clean, err := Generate(cfg, true)
	if err != nil {
		return nil, err
	}
	det.CountryOf = world.CountryOf
	d, err := watch.NewDetector(det)
	if err != nil {
		return nil, err
	}
	total := len(world.Series) + len(clean.Series)
	done := 0
	detect := func(w *World) []watch.Alert {
		var events []watch.Event
		observed := make([]watch.Entity, 0, len(w.Series))
		for i := range w.Series {
			events = append(events, d.SeriesEvents(&w.Series[i])...)
			observed = append(observed, w.Series[i].Entity)
			done++
			if progress != nil {
				progress(done, total)
			}
		}
		return d.Alerts(events, observed)
	}
	alerts := detect(world)
	cleanAlerts := detect(clean)
	return score(cfg, world, alerts, cleanAlerts), nil
}

// stepOf returns the step of the generated signals of kind k.
func stepOf(k watch.Kind) time.Duration {
	switch k {
	case watch.KindProbing:
		return probingStep
	case watch.KindTelescope:
		return telescopeStep
	}
	return bgpStep
}

func overlaps(a *watch.Alert, t *Truth) bool {
	return a.Start.Before(t.End) && a.End.After(t.Start)
}

// score compares the alerts with the truth.
func score(cfg Config, w *World, alerts, cleanAlerts []watch.Alert) *Result {
	from := cfg.Start.Add(cfg.Warmup)
	weeks := cfg.Span.Hours() / (7 * 24)
	r := &Result{Seed: cfg.Seed, Entities: w.Entities, Weeks: weeks, EntityWeeks: weeks * float64(w.Entities)}
	r.Target.Label = fmt.Sprintf("≥ %s, ≥ %.0f%% drop", shortDuration(cfg.TargetLength), 100*cfg.TargetDepth)
	r.All.Label = "all"
	r.ByDepth = []Bucket{{Label: "depth < 35%"}, {Label: "depth 35–50%"}, {Label: "depth 50–75%"}, {Label: "depth ≥ 75%"}}
	r.ByLength = []Bucket{{Label: "< 30 min"}, {Label: "30 min – 2 h"}, {Label: "2 – 6 h"}, {Label: "≥ 6 h"}}

	byEntity := make(map[watch.Entity][]int)
	for i := range alerts {
		byEntity[alerts[i].Entity] = append(byEntity[alerts[i].Entity], i)
	}
	var delays, delayMin []float64
	var confirmed, hintOK, targetDetected int
	for ti := range w.Truth {
		t := &w.Truth[ti]
		var match *watch.Alert
		for _, i := range byEntity[t.Entity] {
			a := &alerts[i]
			if overlaps(a, t) && (match == nil || a.Raised.Before(match.Raised)) {
				match = a
			}
		}
		detected := match != nil
		r.All.add(detected)
		r.ByDepth[bucketOf(t.Depth, 0.35, 0.5, 0.75)].add(detected)
		length := t.End.Sub(t.Start)
		r.ByLength[bucketOf(length.Minutes(), 30, 120, 360)].add(detected)
		if length < cfg.TargetLength || t.Depth < cfg.TargetDepth {
			continue
		}
		r.Target.add(detected)
		if !detected {
			r.Missed = append(r.Missed, t.String())
			continue
		}
		targetDetected++
		if match.Status == watch.StatusConfirmed {
			confirmed++
		}
		if want := watch.HintOutage; match.Hint == want && !t.Shutdown || match.Hint == watch.HintShutdown && t.Shutdown {
			hintOK++
		}
		// The event that raised the alert gives the step.
		first := match.Events[0]
		for _, e := range match.Events {
			if e.Raised.Before(first.Raised) {
				first = e
			}
		}
		delay := max(first.Raised.Sub(t.Start), 0)
		delays = append(delays, float64(delay)/float64(stepOf(first.Kind)))
		delayMin = append(delayMin, delay.Minutes())
	}
	if targetDetected > 0 {
		r.Confirmed = float64(confirmed) / float64(targetDetected)
		r.HintAccuracy = float64(hintOK) / float64(targetDetected)
	}
	r.DelayMedianBins = quantile(delays, 0.5)
	r.DelayP90Bins = quantile(delays, 0.9)
	r.DelayMedianMinutes = quantile(delayMin, 0.5)

	// Precision: an alert is true when it overlaps a truth item of its
	// entity or, for a country, an outage of one of its networks.
	for i := range alerts {
		a := &alerts[i]
		if !a.End.After(from) {
			continue // the warm-up
		}
		r.Alerts++
		for ti := range w.Truth {
			t := &w.Truth[ti]
			if overlaps(a, t) && (t.Entity == a.Entity || a.Entity.Type == watch.EntityCountry && t.Country == a.Entity.Code) {
				r.TrueAlerts++
				break
			}
		}
	}
	if r.Alerts > 0 {
		r.Precision = float64(r.TrueAlerts) / float64(r.Alerts)
	}
	for i := range cleanAlerts {
		if cleanAlerts[i].End.After(from) {
			r.CleanAlerts++
		}
	}
	r.FalsePerEntityWeek = float64(r.CleanAlerts) / r.EntityWeeks
	return r
}

// bucketOf returns the index of the first bound v is below, or the number
// of bounds.
func bucketOf(v float64, bounds ...float64) int {
	for i, b := range bounds {
		if v < b {
			return i
		}
	}
	return len(bounds)
}

// quantile returns the q-quantile of v (nearest rank), NaN if v is empty.
func quantile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[max(i, 0)]
}

// shortDuration writes 30m rather than 30m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
