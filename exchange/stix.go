package exchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"lifeline/coord"
	"lifeline/geo"
)

// STIX 2.1 (OASIS) bundles carry incidents to CERTs and threat-sharing
// platforms (MISP, OpenCTI). A bundle holds, for the incidents the reader
// may see: an identity for each source organisation, the incident, a
// location per country with a located-at relationship, observed-data with
// file objects for the SHA-256 hashes of evidence, one report listing
// them, and the TLP 2.0 marking-definition objects they reference,
// exactly as the STIX TLP 2.0 extension publishes them.

// TLP2Extension is the id of the STIX extension that defines the TLP 2.0
// markings.
const TLP2Extension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

// tlp2Created is the created time the published TLP 2.0 objects carry.
const tlp2Created = "2022-10-01T00:00:00.000Z"

// TLP2MarkingIDs are the ids of the published TLP 2.0 marking-definition
// objects.
var TLP2MarkingIDs = map[coord.TLP]string{
	coord.TLPClear:       "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
	coord.TLPGreen:       "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
	coord.TLPAmber:       "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
	coord.TLPAmberStrict: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
	coord.TLPRed:         "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

// tlp1MarkingIDs are STIX 2.1's predefined TLP 1.0 markings, read on
// import: WHITE is TLP 2.0's CLEAR.
var tlp1MarkingIDs = map[string]coord.TLP{
	"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": coord.TLPClear,
	"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": coord.TLPGreen,
	"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": coord.TLPAmber,
	"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": coord.TLPRed,
}

// STIXObject is any STIX 2.1 object Lifeline writes or reads: the common
// properties, those of the types it uses, and its own custom properties
// (x_lifeline_…), which STIX allows on any object.
type STIXObject struct {
	Type               string                     `json:"type"`
	SpecVersion        string                     `json:"spec_version,omitempty"`
	ID                 string                     `json:"id"`
	Created            string                     `json:"created,omitempty"`
	Modified           string                     `json:"modified,omitempty"`
	CreatedByRef       string                     `json:"created_by_ref,omitempty"`
	Name               string                     `json:"name,omitempty"`
	Description        string                     `json:"description,omitempty"`
	IdentityClass      string                     `json:"identity_class,omitempty"`
	Country            string                     `json:"country,omitempty"`
	ReportTypes        []string                   `json:"report_types,omitempty"`
	Published          string                     `json:"published,omitempty"`
	ObjectRefs         []string                   `json:"object_refs,omitempty"`
	FirstObserved      string                     `json:"first_observed,omitempty"`
	LastObserved       string                     `json:"last_observed,omitempty"`
	NumberObserved     int                        `json:"number_observed,omitempty"`
	RelationshipType   string                     `json:"relationship_type,omitempty"`
	SourceRef          string                     `json:"source_ref,omitempty"`
	TargetRef          string                     `json:"target_ref,omitempty"`
	Hashes             map[string]string          `json:"hashes,omitempty"`
	ExternalReferences []STIXExternal             `json:"external_references,omitempty"`
	ObjectMarkingRefs  []string                   `json:"object_marking_refs,omitempty"`
	Extensions         map[string]json.RawMessage `json:"extensions,omitempty"`

	XKind       string      `json:"x_lifeline_kind,omitempty"`
	XStatus     string      `json:"x_lifeline_status,omitempty"`
	XID         string      `json:"x_lifeline_id,omitempty"`
	XSeverity   string      `json:"x_lifeline_severity,omitempty"`
	XUrgency    string      `json:"x_lifeline_urgency,omitempty"`
	XCertainty  string      `json:"x_lifeline_certainty,omitempty"`
	XStart      string      `json:"x_lifeline_start,omitempty"`
	XEnd        string      `json:"x_lifeline_end,omitempty"`
	XElements   []string    `json:"x_lifeline_elements,omitempty"`
	XASNs       []uint32    `json:"x_lifeline_asns,omitempty"`
	XArea       *coord.Area `json:"x_lifeline_area,omitempty"`
	XAuthor     string      `json:"x_lifeline_author,omitempty"`
	XOrgs       []string    `json:"x_lifeline_share_with_orgs,omitempty"`
	XRecipients []string    `json:"x_lifeline_recipients,omitempty"`
	XNote       string      `json:"x_lifeline_note,omitempty"`
}

// STIXExternal is an external reference: a link, or an id in another
// system.
type STIXExternal struct {
	SourceName  string `json:"source_name"`
	Description string `json:"description,omitempty"`
	URL         string `json:"url,omitempty"`
	ExternalID  string `json:"external_id,omitempty"`
}

// Bundle is a STIX 2.1 bundle.
type Bundle struct {
	Type    string       `json:"type"`
	ID      string       `json:"id"`
	Objects []STIXObject `json:"objects"`
}

// stixSCONamespace is the namespace STIX 2.1 gives for the deterministic
// ids of cyber-observable objects (section 2.9).
var stixSCONamespace = mustUUID("00abedb4-aa42-466c-9c01-fed23315a9b7")

// stixID gives a deterministic id to a Lifeline object, so that the same
// item exported twice is the same STIX object, updated.
func stixID(typ string, opt Options, key string) string {
	return typ + "--" + uuidV5(uuidNameSpaceURL, []byte("urn:lifeline:"+opt.Instance+":"+key))
}

// stixTime writes a STIX timestamp: UTC, milliseconds at least.
func stixTime(t time.Time) string {
	s := t.UTC().Format("2006-01-02T15:04:05.000000000")
	s = strings.TrimRight(s, "0")
	if i := strings.IndexByte(s, '.'); len(s)-i-1 < 3 {
		s += strings.Repeat("0", 3-(len(s)-i-1))
	}
	return s + "Z"
}

// TLP2Marking returns the published TLP 2.0 marking-definition object of
// level t.
func TLP2Marking(t coord.TLP) STIXObject {
	ext, _ := json.Marshal(map[string]string{
		"extension_type": "property-extension",
		"tlp_2_0":        strings.ToLower(strings.TrimPrefix(string(t), "TLP:")),
	})
	return STIXObject{
		Type: "marking-definition", SpecVersion: "2.1", ID: TLP2MarkingIDs[t], Created: tlp2Created,
		Name: string(t), Extensions: map[string]json.RawMessage{TLP2Extension: ext},
	}
}

// markingTLP is the level of TLP 2.0 marking references.
func markingTLP(refs []string) coord.TLP {
	for t, id := range TLP2MarkingIDs {
		if slices.Contains(refs, id) {
			return t
		}
	}
	return coord.TLPClear
}

// narrowest returns the narrowest of levels.
func narrowest(levels []coord.TLP) coord.TLP {
	n := coord.TLPClear
	for _, t := range levels {
		if n.Wider(t) {
			n = t
		}
	}
	return n
}

// IncidentBundle returns the STIX bundle of the incidents v may see. The
// report that lists them is marked with the narrowest of their levels, as
// it reveals them all; locations (countries) are public knowledge and
// marked TLP:CLEAR; every other object carries its incident's marking.
func IncidentBundle(v coord.Viewer, incidents []coord.Incident, opt Options) (*Bundle, error) {
	const op = "exchange.IncidentBundle"
	if err := opt.check(op); err != nil {
		return nil, err
	}
	seen := visible(v, incidents, incidentMarking)
	instance := STIXObject{Type: "identity", SpecVersion: "2.1", ID: stixID("identity", opt, "instance"),
		Created: stixTime(opt.Now), Modified: stixTime(opt.Now), Name: opt.Instance, IdentityClass: "system"}
	objs := map[string]STIXObject{instance.ID: instance}
	var refs []string
	levels := []coord.TLP{coord.TLPClear}
	for _, in := range seen {
		mark := []string{TLP2MarkingIDs[in.TLP]}
		levels = append(levels, in.TLP)
		org := STIXObject{Type: "identity", SpecVersion: "2.1", ID: stixID("identity", opt, "org:"+in.Org),
			Created: stixTime(opt.Now), Modified: stixTime(opt.Now), Name: in.Org, IdentityClass: "organization", CreatedByRef: instance.ID}
		objs[org.ID] = org
		inc := STIXObject{
			Type: "incident", SpecVersion: "2.1", ID: stixID("incident", opt, "incident:"+in.ID),
			Created: stixTime(in.Created), Modified: stixTime(in.Updated), CreatedByRef: org.ID,
			Name: in.Title, Description: in.Description, ObjectMarkingRefs: mark,
			XID: in.ID, XKind: string(in.Kind), XStatus: string(in.Status),
			XSeverity: in.Severity, XUrgency: in.Urgency, XCertainty: in.Certainty,
			XElements: in.Elements, XASNs: in.ASNs, XArea: in.Area,
			XAuthor: in.Author, XOrgs: in.Orgs, XRecipients: in.Members,
		}
		if in.Start != nil {
			inc.XStart = stixTime(*in.Start)
		}
		if in.End != nil {
			inc.XEnd = stixTime(*in.End)
		}
		for _, e := range in.Evidence {
			switch e.Kind {
			case "link":
				inc.ExternalReferences = append(inc.ExternalReferences, STIXExternal{SourceName: "link", URL: e.URL, Description: e.Note})
			case "signal":
				inc.ExternalReferences = append(inc.ExternalReferences, STIXExternal{SourceName: "signal", ExternalID: e.Signal, Description: e.Note})
			case "file":
				hashes := map[string]string{"SHA-256": e.SHA256}
				contrib, _ := json.Marshal(map[string]any{"hashes": hashes})
				file := STIXObject{Type: "file", SpecVersion: "2.1", ID: "file--" + uuidV5(stixSCONamespace, contrib), Hashes: hashes, ObjectMarkingRefs: mark}
				if prev, ok := objs[file.ID]; ok && !markingTLP(prev.ObjectMarkingRefs).Wider(in.TLP) {
					file.ObjectMarkingRefs = prev.ObjectMarkingRefs // the same file, known under a narrower level
				}
				objs[file.ID] = file
				od := STIXObject{Type: "observed-data", SpecVersion: "2.1", ID: stixID("observed-data", opt, "evidence:"+in.ID+":"+e.SHA256),
					Created: stixTime(in.Created), Modified: stixTime(in.Updated), CreatedByRef: org.ID,
					FirstObserved: stixTime(in.Created), LastObserved: stixTime(in.Created), NumberObserved: 1,
					ObjectRefs: []string{file.ID}, ObjectMarkingRefs: mark, XNote: e.Note}
				rel := STIXObject{Type: "relationship", SpecVersion: "2.1", ID: stixID("relationship", opt, "evidence:"+in.ID+":"+e.SHA256),
					Created: stixTime(in.Created), Modified: stixTime(in.Updated), CreatedByRef: org.ID,
					RelationshipType: "related-to", SourceRef: od.ID, TargetRef: inc.ID, ObjectMarkingRefs: mark}
				objs[od.ID], objs[rel.ID] = od, rel
				refs = append(refs, od.ID, rel.ID)
			}
		}
		for _, c := range in.Countries {
			loc := STIXObject{Type: "location", SpecVersion: "2.1", ID: stixID("location", opt, "country:"+c),
				Created: stixTime(opt.Now), Modified: stixTime(opt.Now), CreatedByRef: instance.ID, Country: c,
				ObjectMarkingRefs: []string{TLP2MarkingIDs[coord.TLPClear]}}
			if k, ok := geo.Lookup(c); ok {
				loc.Name = k.Name
			}
			rel := STIXObject{Type: "relationship", SpecVersion: "2.1", ID: stixID("relationship", opt, "located:"+in.ID+":"+c),
				Created: stixTime(in.Created), Modified: stixTime(in.Updated), CreatedByRef: org.ID,
				RelationshipType: "located-at", SourceRef: inc.ID, TargetRef: loc.ID, ObjectMarkingRefs: mark}
			objs[loc.ID], objs[rel.ID] = loc, rel
			refs = append(refs, loc.ID, rel.ID)
		}
		objs[inc.ID] = inc
		refs = append(refs, inc.ID)
	}
	slices.Sort(refs)
	refs = slices.Compact(refs)
	b := &Bundle{Type: "bundle", ID: "bundle--" + uuidV5(uuidNameSpaceURL, []byte("urn:lifeline:"+opt.Instance+":bundle:"+stixTime(opt.Now)+":"+strings.Join(refs, ",")))}
	if len(refs) > 0 {
		top := narrowest(levels)
		rep := STIXObject{Type: "report", SpecVersion: "2.1", ID: stixID("report", opt, "report:"+stixTime(opt.Now)+":"+strings.Join(refs, ",")),
			Created: stixTime(opt.Now), Modified: stixTime(opt.Now), CreatedByRef: instance.ID,
			Name:        fmt.Sprintf("Lifeline incidents, %s", opt.Now.UTC().Format("2 January 2006 15:04 UTC")),
			ReportTypes: []string{"threat-report"}, Published: stixTime(opt.Now), ObjectRefs: refs,
			ObjectMarkingRefs: []string{TLP2MarkingIDs[top]}}
		objs[rep.ID] = rep
	}
	for _, t := range slices.Compact(slices.Sorted(slices.Values(levels))) {
		m := TLP2Marking(t)
		objs[m.ID] = m
	}
	// Objects in a stable order: by type, then id.
	for _, o := range objs {
		b.Objects = append(b.Objects, o)
	}
	slices.SortFunc(b.Objects, func(a, c STIXObject) int {
		return strings.Compare(a.Type+" "+a.ID, c.Type+" "+c.ID)
	})
	return b, nil
}

// ExportSTIX writes the bundle of the incidents v may see as indented
// JSON; see IncidentBundle.
func ExportSTIX(w io.Writer, v coord.Viewer, incidents []coord.Incident, opt Options) error {
	b, err := IncidentBundle(v, incidents, opt)
	if err != nil {
		return err
	}
	out, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(out, '\n'))
	return err
}

// maxSTIXObjects bounds the objects of an imported bundle.
const maxSTIXObjects = 100000

// DecodeSTIX reads a STIX 2.1 bundle, checking that it is one and that
// each object has a type and an id of that type. It returns EINVALID
// naming the line, or the object, at fault.
func DecodeSTIX(r io.Reader) (*Bundle, error) {
	const op = "exchange.DecodeSTIX"
	data, err := readAll(op, r)
	if err != nil {
		return nil, err
	}
	var b Bundle
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&b); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, invalid(op, "", "line %d: not JSON: %v", lineAt(data, se.Offset), se)
		case errors.As(err, &te):
			return nil, invalid(op, "", "line %d: %s: expected a %s, found %s", lineAt(data, te.Offset), te.Field, te.Type, te.Value)
		}
		return nil, invalid(op, "", "not a STIX bundle: %v", err)
	}
	if dec.More() {
		return nil, invalid(op, "", "line %d: more than one JSON value; a bundle is one object", lineAt(data, dec.InputOffset()))
	}
	if b.Type != "bundle" || !strings.HasPrefix(b.ID, "bundle--") {
		return nil, invalid(op, "bundle", "expected an object of type \"bundle\" with an id bundle--…, found type %q", first(b.Type, 40))
	}
	if len(b.Objects) > maxSTIXObjects {
		return nil, invalid(op, "bundle", "%d objects; at most %d are read", len(b.Objects), maxSTIXObjects)
	}
	for i, o := range b.Objects {
		if o.Type == "" || !strings.HasPrefix(o.ID, o.Type+"--") {
			return nil, invalid(op, fmt.Sprintf("objects[%d]", i), "expected a type and an id of that type, found type %q, id %q", first(o.Type, 40), first(o.ID, 80))
		}
		if _, err := parseUUID(strings.TrimPrefix(o.ID, o.Type+"--")); err != nil {
			return nil, invalid(op, fmt.Sprintf("objects[%d]", i), "id %q: expected type--UUID", first(o.ID, 80))
		}
	}
	return &b, nil
}

func parseSTIXTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || !strings.HasSuffix(s, "Z") {
		return time.Time{}, fmt.Errorf("expected a UTC timestamp such as 2026-11-20T06:00:00.000Z, found %q", first(s, 40))
	}
	return t.UTC(), nil
}

// ImportSTIX reads a STIX 2.1 bundle and returns its incidents as draft
// incidents, each validated. An incident Lifeline wrote comes back as the
// incident it was written from, as far as STIX carries it. From any other
// source: the name is the title, the created_by_ref identity's name the
// source organisation (else by's), the kind cyber_attack, the TLP 1.0 or
// 2.0 marking the level (TLP:AMBER if none), the countries of located-at
// locations the countries, SHA-256 hashes of related observed-data the
// evidence, and external references with a URL links.
func ImportSTIX(r io.Reader, by coord.Viewer) ([]coord.Incident, error) {
	const op = "exchange.ImportSTIX"
	b, err := DecodeSTIX(r)
	if err != nil {
		return nil, err
	}
	byID := map[string]*STIXObject{}
	rels := map[string][]*STIXObject{} // relationships by the ids they join
	for i := range b.Objects {
		o := &b.Objects[i]
		byID[o.ID] = o
		if o.Type == "relationship" {
			rels[o.SourceRef] = append(rels[o.SourceRef], o)
			if o.TargetRef != o.SourceRef {
				rels[o.TargetRef] = append(rels[o.TargetRef], o)
			}
		}
	}
	var out []coord.Incident
	for i := range b.Objects {
		o := &b.Objects[i]
		if o.Type != "incident" {
			continue
		}
		where := fmt.Sprintf("objects[%d] (%s)", i, o.ID)
		in, err := stixIncident(o, rels[o.ID], byID, by)
		if err != nil {
			return nil, invalid(op, where, "%s", err)
		}
		if err := in.Validate(); err != nil {
			return nil, wrapInvalid(op, where, err)
		}
		out = append(out, *in)
	}
	return out, nil
}

func stixIncident(o *STIXObject, rels []*STIXObject, byID map[string]*STIXObject, by coord.Viewer) (*coord.Incident, error) {
	in := &coord.Incident{
		ID: cmpOr(o.XID, o.ID), Title: o.Name, Description: o.Description,
		Kind: coord.IncidentKind(cmpOr(o.XKind, string(coord.KindCyberAttack))), Status: coord.IncidentStatus(cmpOr(o.XStatus, string(coord.IncidentReported))),
		Severity: o.XSeverity, Urgency: o.XUrgency, Certainty: o.XCertainty,
		Elements: o.XElements, ASNs: o.XASNs, Area: o.XArea,
	}
	var err error
	if in.Created, err = parseSTIXTime(o.Created); err != nil {
		return nil, fmt.Errorf("created: %v", err)
	}
	in.Updated = in.Created
	if o.Modified != "" {
		if in.Updated, err = parseSTIXTime(o.Modified); err != nil {
			return nil, fmt.Errorf("modified: %v", err)
		}
	}
	for _, f := range []struct {
		name string
		s    string
		dst  **time.Time
	}{{"x_lifeline_start", o.XStart, &in.Start}, {"x_lifeline_end", o.XEnd, &in.End}} {
		if f.s != "" {
			t, err := parseSTIXTime(f.s)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", f.name, err)
			}
			*f.dst = &t
		}
	}
	// The marking.
	for _, ref := range o.ObjectMarkingRefs {
		t, ok := tlp1MarkingIDs[ref]
		for level, id := range TLP2MarkingIDs {
			if id == ref {
				t, ok = level, true
			}
		}
		if ok && (in.TLP == "" || in.TLP.Wider(t)) {
			in.TLP = t
		}
	}
	if in.TLP == "" {
		in.TLP = coord.TLPAmber
	}
	in.Org, in.Author = by.OrgID, by.MemberID
	if id, ok := byID[o.CreatedByRef]; ok && id.Type == "identity" && id.Name != "" {
		in.Org = id.Name
		in.Author = id.Name
	}
	if o.XAuthor != "" {
		in.Author = o.XAuthor
	}
	in.Orgs, in.Members = o.XOrgs, o.XRecipients
	in.Normalize()
	// Evidence: links and signals, then files.
	for _, e := range o.ExternalReferences {
		switch {
		case e.SourceName == "signal" && e.ExternalID != "":
			in.Evidence = append(in.Evidence, coord.Evidence{Kind: "signal", Signal: e.ExternalID, Note: e.Description})
		case e.URL != "":
			in.Evidence = append(in.Evidence, coord.Evidence{Kind: "link", URL: e.URL, Note: e.Description})
		}
	}
	// Relationships, in bundle order: countries and evidence.
	for _, r := range rels {
		switch {
		case r.RelationshipType == "located-at" && r.SourceRef == o.ID:
			if loc, ok := byID[r.TargetRef]; ok && loc.Type == "location" && loc.Country != "" {
				c := strings.ToUpper(loc.Country)
				if _, ok := geo.Lookup(c); !ok {
					return nil, fmt.Errorf("location %s: country %q is not an ISO 3166-1 alpha-2 code", loc.ID, first(loc.Country, 20))
				}
				if !slices.Contains(in.Countries, c) {
					in.Countries = append(in.Countries, c)
				}
			}
		case r.RelationshipType == "related-to" && r.TargetRef == o.ID:
			od, ok := byID[r.SourceRef]
			if !ok || od.Type != "observed-data" {
				continue
			}
			for _, ref := range od.ObjectRefs {
				if f, ok := byID[ref]; ok && f.Type == "file" {
					if h := strings.ToLower(f.Hashes["SHA-256"]); h != "" {
						in.Evidence = append(in.Evidence, coord.Evidence{Kind: "file", SHA256: h, Note: od.XNote})
					}
				}
			}
		}
	}
	return in, nil
}
