package exchange

import (
	"context"
	"io"
	"slices"
	"strings"

	"lifeline"
	"lifeline/coord"
)

// Formats lists the formats Export writes, by the names the command line
// (--format) and the API (?format=) take.
var Formats = []string{"cap", "edxl", "geojson", "hxl", "stix", "stop"}

// HXLKinds lists the tables an HXL export writes (Request.Kind).
var HXLKinds = []string{"incidents", "needs", "offers", "commitments", "restoration"}

// MediaType returns the media type of a format's documents: the one its
// standard registers where there is one (CAP, STIX, GeoJSON), else the
// generic type of its syntax (EDXL-RM has none registered: XML; HXL and
// STOP are CSV tables).
func MediaType(format string) string {
	switch format {
	case "cap":
		return "application/cap+xml"
	case "edxl":
		return "application/xml"
	case "geojson":
		return "application/geo+json"
	case "stix":
		return "application/stix+json;version=2.1"
	case "hxl", "stop":
		return "text/csv; charset=utf-8"
	}
	return ""
}

// Extension returns the usual file name extension of a format's
// documents, with its dot.
func Extension(format string) string {
	switch format {
	case "cap", "edxl":
		return ".xml"
	case "geojson":
		return ".geojson"
	case "stix":
		return ".json"
	}
	return ".csv"
}

// InstanceFromHost returns the instance name exports are written under
// for a request's Host header (host, or host:port): the host in lower
// case, or "localhost" when it is not a plain host name.
func InstanceFromHost(host string) string {
	host, _, _ = strings.Cut(host, ":")
	if host == "" || len(host) > 253 || strings.ContainsAny(host, " ,<>&\"'\t\r\n/:[]@%") {
		return "localhost"
	}
	return strings.ToLower(host)
}

// Request says what Export writes.
type Request struct {
	// Format is one of Formats.
	Format string
	// Kind, with hxl, is the table: one of HXLKinds ("" for incidents).
	Kind string
	// Incident, Need, Offer, Match name one item. CAP needs Incident;
	// EDXL-RM needs one of Need, Offer, Match; the other formats, which
	// write lists of incidents, write only Incident when it is set.
	Incident, Need, Offer, Match string
	// Filter narrows a list (status, country); its cursor and limit are
	// ignored, since an export holds every item the reader may see.
	Filter coord.ListFilter
}

// Validate checks the request's format, kind and items, without reading
// anything.
func (r Request) Validate() error {
	const op = "exchange.Request"
	if !slices.Contains(Formats, r.Format) {
		return lifeline.Errorf(lifeline.EINVALID, op, "format: expected one of %s, found %q", strings.Join(Formats, ", "), truncField(r.Format))
	}
	switch r.Format {
	case "cap":
		if r.Incident == "" {
			return lifeline.Errorf(lifeline.EINVALID, op, "incident: CAP writes one alert per incident; name the incident")
		}
	case "edxl":
		if r.Need == "" && r.Offer == "" && r.Match == "" {
			return lifeline.Errorf(lifeline.EINVALID, op, "EDXL-RM writes one message per need, offer or commitment; name one")
		}
	case "hxl":
		if r.Kind != "" && !slices.Contains(HXLKinds, r.Kind) {
			return lifeline.Errorf(lifeline.EINVALID, op, "kind: expected one of %s, found %q", strings.Join(HXLKinds, ", "), truncField(r.Kind))
		}
	}
	return nil
}

func truncField(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// Export reads what req names through svc, as v, and writes it in
// req.Format: the one export path of the command line, the API and the
// web pages. Every read goes through the services, which apply
// coord.CanSee, and every encoder asks it again for what it writes and
// what it reveals. Nothing is written when an error is returned before
// the encoder starts; write to a buffer to send nothing on error at all.
//
// Errors: EINVALID for a bad request (see Request.Validate); ENOTFOUND
// for an item v may not see; what the services return otherwise.
func Export(ctx context.Context, w io.Writer, svc coord.Services, v coord.Viewer, req Request, opt Options) error {
	if err := req.Validate(); err != nil {
		return err
	}
	switch req.Format {
	case "cap":
		in, err := svc.Incidents.FindIncidentByID(ctx, v, req.Incident)
		if err != nil {
			return err
		}
		return ExportCAP(w, v, in, opt)
	case "edxl":
		switch {
		case req.Need != "":
			n, err := svc.Needs.FindNeedByID(ctx, v, req.Need)
			if err != nil {
				return err
			}
			return ExportRequestResource(w, v, n, opt)
		case req.Offer != "":
			o, err := svc.Offers.FindOfferByID(ctx, v, req.Offer)
			if err != nil {
				return err
			}
			return ExportOfferUnsolicitedResource(w, v, o, opt)
		default:
			m, err := svc.Matches.FindMatchByID(ctx, v, req.Match)
			if err != nil {
				return err
			}
			o, err := svc.Offers.FindOfferByID(ctx, v, m.OfferID)
			if lifeline.ErrorCode(err) == lifeline.ENOTFOUND {
				o, err = nil, nil // the commitment is described without its offer
			}
			if err != nil {
				return err
			}
			return ExportCommitResource(w, v, m, o, opt)
		}
	}
	f := req.Filter
	f.After, f.Limit = "", coord.MaxPageSize
	kind := req.Kind
	if req.Format != "hxl" || kind == "" {
		kind = "incidents"
	}
	switch kind {
	case "needs":
		needs, err := All(ctx, svc.Needs.FindNeeds, v, f)
		if err != nil {
			return err
		}
		return ExportHXLNeeds(w, v, needs)
	case "offers":
		offers, err := All(ctx, svc.Offers.FindOffers, v, f)
		if err != nil {
			return err
		}
		return ExportHXLOffers(w, v, offers)
	case "commitments":
		matches, err := All(ctx, svc.Matches.FindMatches, v, f)
		if err != nil {
			return err
		}
		return ExportHXLCommitments(w, v, matches)
	}
	var ins []coord.Incident
	if req.Incident != "" {
		in, err := svc.Incidents.FindIncidentByID(ctx, v, req.Incident)
		if err != nil {
			return err
		}
		ins = []coord.Incident{*in}
	} else {
		var err error
		if ins, err = All(ctx, svc.Incidents.FindIncidents, v, f); err != nil {
			return err
		}
	}
	switch req.Format {
	case "geojson":
		return ExportGeoJSON(w, v, ins)
	case "stix":
		return ExportSTIX(w, v, ins, opt)
	case "stop":
		return ExportSTOP(w, v, ins)
	}
	if kind == "restoration" {
		return ExportHXLRestoration(w, v, ins)
	}
	return ExportHXLIncidents(w, v, ins)
}

// All reads every page of a list from f on, as v.
func All[T any](ctx context.Context, list func(context.Context, coord.Viewer, coord.ListFilter) (coord.Page[*T], error), v coord.Viewer, f coord.ListFilter) ([]T, error) {
	var out []T
	if f.Limit <= 0 {
		f.Limit = coord.MaxPageSize
	}
	for {
		page, err := list(ctx, v, f)
		if err != nil {
			return nil, err
		}
		for _, it := range page.Items {
			out = append(out, *it)
		}
		if page.Next == "" {
			return out, nil
		}
		f.After = page.Next
	}
}
