package watch

import (
	"fmt"
	"slices"
	"time"
)

// hint sets the Hint and Reasons of every alert. alerts are sorted by
// start.
//
// The evidence of a national shutdown is that several networks of one
// country fall together: their alerts start within Config.ShutdownSpread
// of each other. Enough of them means Config.ShutdownNetworks, or half of
// the country's observed networks (at least two) when fewer were observed.
// A start near a round hour (UTC, or the half hour of half-hour time zones)
// is given as a supporting reason: orders take effect on the hour. A
// network that falls alone is an outage; so is a country whose fall one
// network explains while others of the country stay up. A country with
// fewer than two networks observed gets a shutdown hint only when its fall
// is critical and starts at a round hour.
func (d *Detector) hint(alerts []Alert, observed []Entity) {
	seen := make(map[string]map[Entity]bool) // country → observed ASNs
	for _, e := range observed {
		if cc := d.countryOf(e); cc != "" && e.Type == EntityASN {
			if seen[cc] == nil {
				seen[cc] = make(map[Entity]bool)
			}
			seen[cc][e] = true
		}
	}
	// ASN alerts per country, in start order.
	byCountry := make(map[string][]int)
	for i := range alerts {
		if alerts[i].Entity.Type == EntityASN && alerts[i].Country != "" {
			byCountry[alerts[i].Country] = append(byCountry[alerts[i].Country], i)
		}
	}
	// clusters[cc] are groups of ASN alerts that fell together.
	type cluster struct {
		start, end time.Time
		members    []int
	}
	clusters := make(map[string][]cluster)
	for _, cc := range sortedKeys(byCountry) {
		idx := byCountry[cc]
		m := len(seen[cc])
		need := d.cfg.ShutdownNetworks
		if m < 2*need {
			need = max(2, (m+1)/2)
		}
		for i := 0; i < len(idx); {
			j := i
			start := alerts[idx[i]].Start
			for j < len(idx) && alerts[idx[j]].Start.Sub(start) <= d.cfg.ShutdownSpread {
				j++
			}
			group := idx[i:j]
			if distinctEntities(alerts, group) >= need {
				c := cluster{start: start, end: alerts[group[0]].End, members: group}
				for _, k := range group {
					if alerts[k].End.After(c.end) {
						c.end = alerts[k].End
					}
				}
				clusters[cc] = append(clusters[cc], c)
				for _, k := range group {
					a := &alerts[k]
					a.Hint = HintShutdown
					for _, o := range group {
						if e := alerts[o].Entity; e != a.Entity && !slices.Contains(a.Related, e) {
							a.Related = append(a.Related, e)
						}
					}
					a.Reasons = append(a.Reasons, fmt.Sprintf("%d of %d observed networks in %s fell within %s of each other",
						distinctEntities(alerts, group), max(m, len(group)), cc, fmtDuration(d.cfg.ShutdownSpread)))
					if r := roundHour(start); r != "" {
						a.Reasons = append(a.Reasons, "they fell at "+r)
					}
				}
				i = j
				continue
			}
			i++
		}
	}
	for i := range alerts {
		a := &alerts[i]
		switch a.Entity.Type {
		case EntityASN:
			if a.Hint != "" {
				continue
			}
			a.Hint = HintOutage
			switch {
			case a.Country == "":
				a.Reasons = append(a.Reasons, "the network fell; its country is unknown, so no other network was compared")
			case len(seen[a.Country]) <= 1:
				a.Reasons = append(a.Reasons, "the network fell; no other network of "+a.Country+" was observed")
			default:
				a.Reasons = append(a.Reasons, fmt.Sprintf("no other of the %d observed networks in %s fell within %s",
					len(seen[a.Country])-1, a.Country, fmtDuration(d.cfg.ShutdownSpread)))
			}
		case EntityCountry:
			for _, c := range clusters[a.Country] {
				if c.start.Before(a.End) && !c.end.Before(a.Start) {
					a.Hint = HintShutdown
					a.Reasons = append(a.Reasons, fmt.Sprintf("%d networks of %s fell together", distinctEntities(alerts, c.members), a.Country))
					for _, o := range c.members {
						if e := alerts[o].Entity; !slices.Contains(a.Related, e) {
							a.Related = append(a.Related, e)
						}
					}
					if r := roundHour(c.start); r != "" {
						a.Reasons = append(a.Reasons, "they fell at "+r)
					}
					break
				}
			}
			if a.Hint != "" {
				continue
			}
			var fell []Entity
			for _, k := range byCountry[a.Country] {
				b := &alerts[k]
				if b.Start.Before(a.End) && !b.End.Before(a.Start) && !slices.Contains(fell, b.Entity) {
					fell = append(fell, b.Entity)
				}
			}
			switch m := len(seen[a.Country]); {
			case len(fell) == 1 && m >= 2:
				a.Hint = HintOutage
				a.Related = fell
				a.Reasons = append(a.Reasons, fmt.Sprintf("only %s of the %d observed networks in %s fell", fell[0], m, a.Country))
			case m < 2 && a.Level == LevelCritical && roundHour(a.Start) != "":
				a.Hint = HintShutdown
				a.Reasons = append(a.Reasons, "too few network-level signals to compare; the country's signal fell below the critical level at "+roundHour(a.Start))
			}
		}
	}
}

// countryOf returns the country of an entity: its own code, or the AS's
// registered country.
func (d *Detector) countryOf(e Entity) string {
	switch e.Type {
	case EntityCountry:
		return e.Code
	case EntityASN:
		if n, ok := e.ASN(); ok && d.cfg.CountryOf != nil {
			if cc, ok := d.cfg.CountryOf(n); ok {
				return cc
			}
		}
	}
	return ""
}

// roundHour describes t if it lies within five minutes of a full hour or
// of a half hour (the full hour of half-hour time zones), else "".
func roundHour(t time.Time) string {
	t = t.UTC()
	off := t.Sub(t.Truncate(30 * time.Minute))
	switch {
	case off <= 5*time.Minute:
		t = t.Truncate(30 * time.Minute)
	case off >= 25*time.Minute:
		t = t.Truncate(30 * time.Minute).Add(30 * time.Minute)
	default:
		return ""
	}
	if t.Minute() == 0 {
		return "a round hour (" + t.Format("15:04") + " UTC)"
	}
	return "a round half hour (" + t.Format("15:04") + " UTC)"
}

func distinctEntities(alerts []Alert, idx []int) int {
	var seen []Entity
	for _, k := range idx {
		if !slices.Contains(seen, alerts[k].Entity) {
			seen = append(seen, alerts[k].Entity)
		}
	}
	return len(seen)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
