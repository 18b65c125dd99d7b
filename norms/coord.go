package norms

import (
	"slices"

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
