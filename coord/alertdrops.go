package coord

import (
	"context"
	"slices"
	"time"
)

// alertWindow is how long before an incident's start (or its creation, if
// it has none) an alert of its countries still counts as observing it.
const alertWindow = 24 * time.Hour

// countryAlerts returns the alerts of country cc that v may see, open at
// since or raised after it (at most a few pages: a country raises few).
func countryAlerts(ctx context.Context, alerts AlertService, v Viewer, cc string, since time.Time) ([]*Alert, error) {
	var out []*Alert
	f := AlertFilter{Country: cc, Since: since, Limit: 200}
	for range 5 {
		p, err := alerts.FindAlerts(ctx, v, f)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Items...)
		if p.Next == "" {
			break
		}
		f.After = p.Next
	}
	return out, nil
}

// alertsSince is when alerts start to count for the incident.
func alertsSince(in *Incident) time.Time {
	at := in.Created
	if in.Start != nil {
		at = *in.Start
	}
	return at.Add(-alertWindow)
}

// AlertDrops returns what the instance's alerts observed of an incident's
// countries, for its candidate failures (DropsOf): for each country it
// names, the largest fall among the alerts of that country v may see, from
// a day before the incident's start. A country with no such alert is left
// out (DropsOf then counts it at NamedShare).
func AlertDrops(ctx context.Context, alerts AlertService, v Viewer, in *Incident) ([]Drop, error) {
	var out []Drop
	for _, cc := range in.Countries {
		list, err := countryAlerts(ctx, alerts, v, cc, alertsSince(in))
		if err != nil {
			return nil, err
		}
		var best *Alert
		for _, a := range list {
			if best == nil || a.Drop > best.Drop {
				best = a
			}
		}
		if best != nil {
			out = append(out, Drop{Country: cc, Share: min(1, max(0, best.Drop)), Signal: "alert:" + best.ID, At: best.Start})
		}
	}
	return out, nil
}

// recoveryOf says when country cc's signal came back: it counts as
// recovered when it raised alerts v may see from since on and every one of
// them has recovered; the Drop's At is the latest recovery, its Share 0. A
// country with an open alert, or none, has not recovered, so
// RecoverBySignal is not asked until all have.
func recoveryOf(ctx context.Context, alerts AlertService, v Viewer, cc string, since time.Time) (Drop, bool, error) {
	list, err := countryAlerts(ctx, alerts, v, cc, since)
	if err != nil || len(list) == 0 || slices.ContainsFunc(list, func(a *Alert) bool { return a.Recovered == nil }) {
		return Drop{}, false, err
	}
	var last time.Time
	for _, a := range list {
		if a.Recovered.After(last) {
			last = *a.Recovered
		}
	}
	return Drop{Country: cc, Share: 0, Signal: "alerts of " + cc, At: last}, true, nil
}

// RecoverIncidents closes, on every open incident that names country cc
// and v may coordinate, the restoration of each element whose loss
// affected cc and whose affected countries have all recovered (by the
// alerts v may see). affected tells, for an element, the countries its loss
// affects (the impact engine). It returns how many elements it closed; an
// element it may not close (a country still down, a rule refused) is left
// as it is, and the first such error after the others are tried is
// returned with the count.
func RecoverIncidents(ctx context.Context, incidents IncidentService, alerts AlertService, v Viewer, cc string,
	affected func(ctx context.Context, element string) ([]string, error)) (int, error) {
	closed := 0
	var first error
	keep := func(err error) {
		if first == nil {
			first = err
		}
	}
	// An element's countries and a country's recovery are read once per
	// call, however many incidents name them.
	type recovery struct {
		d  Drop
		ok bool
	}
	affects := map[string][]string{}
	recovered := map[string]recovery{} // country and since
	f := ListFilter{Country: cc, Limit: 200}
	for range 20 {
		p, err := incidents.FindIncidents(ctx, v, f)
		if err != nil {
			return closed, err
		}
		for _, in := range p.Items {
			if in.Status == IncidentResolved || in.Status == IncidentDismissed {
				continue
			}
			since := alertsSince(in)
			for _, el := range in.Elements {
				if slices.ContainsFunc(in.Restoration, func(r Restoration) bool { return r.Element == el && r.Status == RepairRestored }) {
					continue
				}
				aff, seen := affects[el]
				if !seen {
					if aff, err = affected(ctx, el); err != nil {
						keep(err)
					}
					affects[el] = aff
				}
				if !slices.Contains(aff, cc) {
					continue
				}
				var recs []Drop
				for _, c := range aff {
					key := c + " " + since.Format(time.RFC3339Nano)
					r, seen := recovered[key]
					if !seen {
						if r.d, r.ok, err = recoveryOf(ctx, alerts, v, c, since); err != nil {
							return closed, err
						}
						recovered[key] = r
					}
					if !r.ok {
						break
					}
					recs = append(recs, r.d)
				}
				if len(recs) < len(aff) {
					continue
				}
				got, err := incidents.UpdateIncident(ctx, v, in.ID, IncidentUpdate{Recovered: &SignalRecovery{Element: el, Affected: aff, Recovered: recs}})
				if err != nil {
					keep(err)
					continue
				}
				in = got
				closed++
			}
		}
		if p.Next == "" {
			break
		}
		f.After = p.Next
	}
	return closed, first
}
