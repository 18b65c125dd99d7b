package coord

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"lifeline"
	"lifeline/watch"
)

// Drafter files the detector's confirmed drafts (watch.Draft) as
// incidents awaiting review: it implements watch.IncidentDrafter. Each
// incident is reported by By (a member of the instance's own organisation,
// with the reporter role), marked TLP:CLEAR — the signals come from public
// routing data — carries every signal behind the draft as evidence, and
// stays "reported" until a coordinator verifies or dismisses it.
//
// A draft that matches an open incident — same kind, a country in common,
// overlapping in time — files nothing and returns that incident's id, so
// a detector that sees the same fall again, or a person who reported it
// first, is not answered with a duplicate. A dismissed incident is not
// open: the detector's next confirmed draft files a new one, and the
// dismissal stays on the record of the first (it teaches the detector
// nothing by itself; docs/watch.md says what to tune instead).
//
// Drafter is safe for concurrent use if Incidents is.
type Drafter struct {
	Incidents IncidentService
	By        Viewer
	// Window is how far apart in time a draft and an open incident may
	// start and still be the same event; 0 means 6 hours.
	Window time.Duration
}

var _ watch.IncidentDrafter = (*Drafter)(nil)

// DraftIncident implements watch.IncidentDrafter. EINVALID for a draft
// that is only suspected (one kind of signal), names no country or has no
// start; errors of CreateIncident otherwise.
func (d *Drafter) DraftIncident(ctx context.Context, dr watch.Draft) (string, error) {
	const op = "coord.Drafter"
	if dr.Status != watch.StatusConfirmed {
		return "", lifeline.Errorf(lifeline.EINVALID, op, "the draft %q is only suspected: an incident is drafted when two kinds of signal agree", dr.Title)
	}
	if len(dr.Countries) == 0 || dr.Start.IsZero() {
		return "", lifeline.Errorf(lifeline.EINVALID, op, "the draft %q names no country or no start", dr.Title)
	}
	kind := KindOther // an outage of unknown cause
	if dr.Kind == watch.HintShutdown {
		kind = KindShutdown
	}
	if id, err := d.open(ctx, kind, dr); err != nil || id != "" {
		return id, err
	}
	start := dr.Start.UTC()
	in := &Incident{
		Title:       dr.Title,
		Description: draftDescription(dr),
		Kind:        kind,
		Countries:   slices.Clone(dr.Countries),
		ASNs:        slices.Clone(dr.ASNs),
		Start:       &start,
		Severity:    draftSeverity(dr.Score),
		Urgency:     UrgencyImmediate,
		Certainty:   CertaintyLikely,
	}
	if !dr.End.IsZero() {
		end := dr.End.UTC()
		in.End = &end
	}
	for _, e := range dr.Evidence {
		in.Evidence = append(in.Evidence, Evidence{Kind: "signal", Signal: e.Signal, Drop: math.Min(1, math.Max(0, e.Drop)),
			Note: fmt.Sprintf("%s fell %.0f%% (%s) from %s to %s", e.Signal, 100*e.Drop, e.Level, e.Start.UTC().Format(time.RFC3339), e.End.UTC().Format(time.RFC3339))})
	}
	in.Marking = Marking{TLP: TLPClear}
	if err := d.Incidents.CreateIncident(ctx, d.By, in); err != nil {
		return "", err
	}
	return in.ID, nil
}

// open returns the id of an open incident the draft is about, or "".
func (d *Drafter) open(ctx context.Context, kind IncidentKind, dr watch.Draft) (string, error) {
	window := d.Window
	if window <= 0 {
		window = 6 * time.Hour
	}
	for _, c := range dr.Countries {
		f := ListFilter{Country: c, Limit: MaxPageSize}
		for range 100 {
			page, err := d.Incidents.FindIncidents(ctx, d.By, f)
			if err != nil {
				return "", err
			}
			for _, in := range page.Items {
				if in.Kind != kind || in.Status == IncidentResolved || in.Status == IncidentDismissed {
					continue
				}
				start := in.Created
				if in.Start != nil {
					start = *in.Start
				}
				if start.Sub(dr.Start).Abs() <= window || (in.End == nil && !start.After(dr.Start)) {
					return in.ID, nil
				}
			}
			if page.Next == "" {
				break
			}
			f.After = page.Next
		}
	}
	return "", nil
}

func draftSeverity(score float64) string {
	switch {
	case score >= 1e6:
		return SeverityExtreme
	case score >= 1e4:
		return SeveritySevere
	case score > 0:
		return SeverityModerate
	}
	return Unknown
}

func draftDescription(dr watch.Draft) string {
	var b strings.Builder
	b.WriteString("Drafted from routing and tracker signals; awaiting review by a coordinator.")
	for _, r := range dr.Reasons {
		b.WriteString("\n- " + r)
	}
	return b.String()
}
