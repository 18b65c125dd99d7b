package norms

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"lifeline/coord"
)

// FromCoord maps a coordinated incident onto the engine's input. The STOP
// fields of coord are free text; spellings the vocabulary does not know
// become "other", so a recorded incident always maps (Validate then
// succeeds unless coord let through an invalid kind or country).
func FromCoord(in *coord.Incident) Incident {
	out := Incident{
		Kind:      string(in.Kind),
		Countries: slices.Clone(in.Countries),
		Start:     in.Start,
		End:       in.End,
		Elements:  slices.Clone(in.Elements),
		ASNs:      slices.Clone(in.ASNs),
	}
	if s := in.Shutdown; s != nil {
		sh := &Shutdown{
			GeoScope:        s.GeoScope,
			Type:            s.Type,
			Extent:          s.Extent,
			TelcosInvolved:  slices.Clone(s.TelcosInvolved),
			Election:        s.Election,
			Violence:        s.Violence,
			HRAbuseReported: s.HRAbuseReported,
		}
		sh.OrderedBy = orOther(s.OrderedBy, ParseActor)
		sh.GovJustification = orOther(s.GovJustification, func(v string) (string, bool) { return ParseReason(v, true) })
		sh.ActualCause = orOther(s.ActualCause, func(v string) (string, bool) { return ParseReason(v, false) })
		out.Shutdown = sh
	}
	return out
}

func orOther(s string, parse func(string) (string, bool)) string {
	if s == "" {
		return ""
	}
	if v, ok := parse(s); ok {
		return v
	}
	return "other"
}

// BriefFor builds the brief of a coordinated incident from what the reader
// may see: the incident as the reader's service returned it, and the
// events about it the reader's event service returned (the timeline). It
// decides no visibility itself — give it nothing the reader may not see.
// Evidence items carry the incident's marking, since they travel inside
// it; each is dated and signed by the first event of the timeline that
// records it (CustodyOf).
func BriefFor(c *Catalogue, in *coord.Incident, timeline []*coord.Event, situations []Situation, now time.Time) (*Brief, error) {
	b := &Brief{IncidentID: in.ID, Title: in.Title, Description: in.Description, Marking: in.Marking.TLP,
		Generated: now.UTC(), Incident: FromCoord(in), Situations: situations}
	for _, e := range timeline {
		b.Timeline = append(b.Timeline, Event{At: e.Time, Text: timelineText(e)})
	}
	for _, c := range CustodyOf(in, timeline) {
		ev := c.Evidence
		ref := ev.URL
		if ref == "" {
			ref = ev.Signal
		}
		item := EvidenceItem{Kind: ev.Kind, Ref: ref, SHA256: ev.SHA256, TLP: in.Marking.TLP, Note: ev.Note}
		if c.Recorded {
			item.Submitted, item.SubmittedBy, item.Seq, item.Event = c.At, c.Author, c.Seq, c.Event
		}
		b.Evidence = append(b.Evidence, item)
	}
	ex, err := c.Apply(b.Incident, situations)
	if err != nil {
		return nil, err
	}
	b.Findings = ex
	return b, nil
}

// timelineText says in words what one event of an incident's log did.
func timelineText(e *coord.Event) string {
	switch e.Type {
	case coord.EventIncidentCreated:
		return "Reported by " + e.Author + " (" + e.Org + ")."
	case coord.EventIncidentUpdated:
		var in struct {
			Status string `json:"status"`
		}
		if json.Unmarshal(e.Payload, &in) == nil && in.Status != "" {
			return "Updated by " + e.Author + " (" + e.Org + "); status " + strings.ReplaceAll(in.Status, "_", " ") + "."
		}
		return "Updated by " + e.Author + " (" + e.Org + ")."
	}
	return strings.ReplaceAll(e.Type, ".", " ") + " by " + e.Author + "."
}

// SituationsOf reads, through svc, the situations of the given countries
// that v may see, as the engine takes them: the context of an incident as
// its reader may know it. A nil svc records none.
func SituationsOf(ctx context.Context, svc coord.SituationService, v coord.Viewer, countries []string) ([]Situation, error) {
	if svc == nil {
		return nil, nil
	}
	var out []Situation
	for _, c := range countries {
		var err error
		if out, err = appendSituations(ctx, svc, v, c, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AllSituationsOf reads every situation v may see, of every country, as
// the engine takes them: the context for applying the catalogue to many
// incidents at once (the engine keeps, for each incident, those of its
// countries and period). A nil svc records none.
func AllSituationsOf(ctx context.Context, svc coord.SituationService, v coord.Viewer) ([]Situation, error) {
	if svc == nil {
		return nil, nil
	}
	return appendSituations(ctx, svc, v, "", nil)
}

func appendSituations(ctx context.Context, svc coord.SituationService, v coord.Viewer, country string, out []Situation) ([]Situation, error) {
	f := coord.ListFilter{Country: country, Limit: coord.MaxPageSize}
	for {
		page, err := svc.FindSituations(ctx, v, f)
		if err != nil {
			return nil, err
		}
		for _, st := range page.Items {
			out = append(out, Situation{Country: st.Country, Kind: string(st.Kind), From: st.From, Until: st.Until, Source: st.Source})
		}
		if page.Next == "" {
			return out, nil
		}
		f.After = page.Next
	}
}

// BriefOf builds the brief of incident id as v may see it, reading through
// svc: the incident (Incidents), the events about it (Events, the
// timeline and the chain of custody) and the situations of its countries
// (Situations, which may be nil). Every read goes through the services,
// which apply coord.CanSee; the API, the web and the command line share
// this one builder. ENOTFOUND when v may not see the incident.
func BriefOf(ctx context.Context, c *Catalogue, svc coord.Services, v coord.Viewer, id string, now time.Time) (*Brief, error) {
	in, err := svc.Incidents.FindIncidentByID(ctx, v, id)
	if err != nil {
		return nil, err
	}
	timeline, err := coord.EventsAbout(ctx, svc.Events, v, in.ID, 0)
	if err != nil {
		return nil, err
	}
	situations, err := SituationsOf(ctx, svc.Situations, v, in.Countries)
	if err != nil {
		return nil, err
	}
	return BriefFor(c, in, timeline, situations, now)
}
