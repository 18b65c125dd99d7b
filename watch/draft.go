package watch

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Draft is an incident proposed to the coordination module from alerts: a
// person reviews it before anyone acts on it.
type Draft struct {
	// Kind is HintShutdown or HintOutage; alerts without a hint are drafted
	// as outages, the more cautious reading.
	Kind      Hint       `json:"kind"`
	Title     string     `json:"title"`
	Status    Status     `json:"status"` // confirmed if any of its alerts is
	Countries []string   `json:"countries,omitempty"`
	ASNs      []uint32   `json:"asns,omitempty"`
	Start     time.Time  `json:"start"`
	End       time.Time  `json:"end,omitzero"` // zero while ongoing
	Score     float64    `json:"score"`
	Reasons   []string   `json:"reasons,omitempty"`
	Evidence  []Evidence `json:"evidence"`
}

// Evidence is one event behind a draft: which signal fell, how far and
// for how long.
type Evidence struct {
	Signal   string    `json:"signal"` // KIND:TYPE/CODE, e.g. "bgp:asn/12880"
	Source   string    `json:"source,omitempty"`
	Level    Level     `json:"level"`
	Drop     float64   `json:"drop,omitempty"`
	Severity float64   `json:"severity"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
}

// IncidentDrafter receives drafts and files them as incidents awaiting
// review; the coordination module implements it. DraftIncident returns the
// new incident's id. It fails with EINVALID when the draft lacks what an
// incident needs, and with EFORBIDDEN when the caller may not file
// incidents. Implementations must be safe for concurrent use.
type IncidentDrafter interface {
	DraftIncident(ctx context.Context, d Draft) (id string, err error)
}

// Drafts turns alerts into drafts. Alerts that support each other's hint
// (Alert.Related) and overlap in time become one draft: a shutdown draft
// names the country and all the networks that fell; an outage draft names
// the network and carries its country's fall as evidence too. Every other
// alert becomes a draft of its own. The result is sorted by start.
func Drafts(alerts []Alert) []Draft {
	byEntity := make(map[Entity][]int)
	for i := range alerts {
		byEntity[alerts[i].Entity] = append(byEntity[alerts[i].Entity], i)
	}
	// Relations go both ways: a country's alert names its networks, a
	// network's alert its fellow networks but not the country.
	adj := make([][]int, len(alerts))
	for i := range alerts {
		a := &alerts[i]
		for _, e := range a.Related {
			for _, j := range byEntity[e] {
				b := &alerts[j]
				if b.Hint == a.Hint && !b.Start.After(a.End) && !a.Start.After(b.End) {
					adj[i] = append(adj[i], j)
					adj[j] = append(adj[j], i)
				}
			}
		}
	}
	var out []Draft
	used := make([]bool, len(alerts))
	for i := range alerts {
		if used[i] {
			continue
		}
		used[i] = true
		group := []int{i}
		for q := 0; q < len(group); q++ {
			for _, j := range adj[group[q]] {
				if !used[j] {
					used[j] = true
					group = append(group, j)
				}
			}
		}
		slices.Sort(group)
		out = append(out, draftOf(alerts, group))
	}
	slices.SortStableFunc(out, func(a, b Draft) int { return a.Start.Compare(b.Start) })
	return out
}

func draftOf(alerts []Alert, group []int) Draft {
	first := &alerts[group[0]]
	d := Draft{Kind: HintOutage, Status: StatusSuspected, Start: first.Start, End: first.End}
	if first.Hint == HintShutdown {
		d.Kind = HintShutdown
	}
	ongoing := false
	var entities []string
	for _, k := range group {
		a := &alerts[k]
		entities = append(entities, a.Entity.String())
		if a.Status == StatusConfirmed {
			d.Status = StatusConfirmed
		}
		if a.Start.Before(d.Start) {
			d.Start = a.Start
		}
		if a.End.After(d.End) {
			d.End = a.End
		}
		ongoing = ongoing || a.Ongoing
		d.Score = max(d.Score, a.Score)
		if a.Country != "" && !slices.Contains(d.Countries, a.Country) {
			d.Countries = append(d.Countries, a.Country)
		}
		if n, ok := a.Entity.ASN(); ok && !slices.Contains(d.ASNs, n) {
			d.ASNs = append(d.ASNs, n)
		}
		for _, r := range a.Reasons {
			if !slices.Contains(d.Reasons, r) {
				d.Reasons = append(d.Reasons, r)
			}
		}
		for _, e := range a.Events {
			d.Evidence = append(d.Evidence, Evidence{Signal: e.Key.String(), Source: e.Source, Level: e.Level,
				Drop: round3(e.Drop()), Severity: round3(e.Severity), Start: e.Start.UTC(), End: e.End.UTC()})
		}
	}
	if ongoing {
		d.End = time.Time{}
	}
	slices.Sort(d.Countries)
	slices.Sort(d.ASNs)
	what := "Outage"
	if d.Kind == HintShutdown {
		what = "Possible shutdown"
	}
	where := strings.Join(entities, ", ")
	switch {
	case d.Kind == HintShutdown && len(d.Countries) == 1:
		where = fmt.Sprintf("%s (%d networks)", d.Countries[0], len(d.ASNs))
	case len(d.ASNs) > 0:
		var as []string
		for _, n := range d.ASNs {
			as = append(as, fmt.Sprintf("AS%d", n))
		}
		where = strings.Join(as, ", ")
		if len(d.Countries) > 0 {
			where += " (" + strings.Join(d.Countries, ", ") + ")"
		}
	}
	when := "since " + d.Start.UTC().Format("2006-01-02 15:04 UTC")
	if !ongoing {
		when = fmt.Sprintf("%s for %s", d.Start.UTC().Format("2006-01-02 15:04 UTC"), fmtDuration(d.End.Sub(d.Start)))
	}
	d.Title = fmt.Sprintf("%s: %s, %s", what, where, when)
	return d
}

// Submit files each draft with drafter, in order, and returns the ids it
// gave. It stops at the first error, returning the ids filed so far.
func Submit(ctx context.Context, drafter IncidentDrafter, drafts []Draft) ([]string, error) {
	ids := make([]string, 0, len(drafts))
	for _, d := range drafts {
		id, err := drafter.DraftIncident(ctx, d)
		if err != nil {
			return ids, fmt.Errorf("draft incident %q: %w", d.Title, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}
