package atlas

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"lifeline"
)

// FormatName is the value of the "format" field of an atlas file.
const FormatName = "lifeline-atlas"

// FormatVersion is the version of the atlas file format this package writes
// and the newest it reads.
const FormatVersion = 1

// Document is the raw, uncompiled content of an atlas: what importers produce
// and what the atlas file format holds (see docs/atlas.md).
type Document struct {
	Format        string          `json:"format"`
	Version       int             `json:"version"`
	Source        string          `json:"source"`
	Attribution   string          `json:"attribution,omitempty"`
	LandingPoints []LandingPoint  `json:"landing_points"`
	Cables        []DocumentCable `json:"cables"`
}

// DocumentCable is a cable record as written in an atlas file.
type DocumentCable struct {
	ID             string         `json:"id"`
	Name           string         `json:"name"`
	RFSYear        int            `json:"rfs_year,omitempty"`
	RFSMonth       int            `json:"rfs_month,omitempty"`
	LengthKm       float64        `json:"length_km,omitempty"`
	Planned        bool           `json:"planned"`
	Owners         []string       `json:"owners,omitempty"`
	LandingPoints  []string       `json:"landing_points"`
	Route          [][][2]float64 `json:"route,omitempty"`
	URL            string         `json:"url,omitempty"`
	Source         string         `json:"source,omitempty"`
	CapacityGbps   float64        `json:"capacity_gbps,omitempty"`
	CapacitySource string         `json:"capacity_source,omitempty"`
	// Retired is the last year the system was in service, 0 if it still
	// is: it is left out as of later years and now.
	Retired int `json:"retired,omitempty"`

	// Written by Encode for readers of the file; ignored when read, since
	// compiling derives them again.
	Countries  []string  `json:"countries,omitempty"`
	LengthFrom string    `json:"length_from,omitempty"`
	Capacity   *Capacity `json:"capacity,omitempty"`
}

type documentSegment struct {
	Segment
	Path [][2]float64 `json:"path"`
}

// fileDocument is the on-disk layout: the document plus derived sections.
type fileDocument struct {
	Format           string            `json:"format"`
	Version          int               `json:"version"`
	Source           string            `json:"source"`
	Attribution      string            `json:"attribution,omitempty"`
	LandingPoints    []LandingPoint    `json:"landing_points"`
	Cables           []DocumentCable   `json:"cables"`
	Countries        []Country         `json:"countries,omitempty"`
	Segments         []documentSegment `json:"segments,omitempty"`
	TerrestrialLinks []Link            `json:"terrestrial_links,omitempty"`
}

// maxDocumentBytes bounds what Decode reads: the full open cable map with
// routes is about 20 MB as an atlas file.
const maxDocumentBytes = 512 << 20

// Decode reads an atlas file from r and compiles it. name (a path, or a
// description such as "starter atlas") prefixes every error. Unknown fields
// are errors, so a misspelt field is never silently ignored.
//
// Errors: EINVALID when the file is not a valid atlas; the message names the
// file, the record and the field.
func Decode(r io.Reader, name string, opts ...Option) (*Atlas, error) {
	doc, err := DecodeDocument(r, name)
	if err != nil {
		return nil, err
	}
	return Compile(doc, append([]Option{WithName(name)}, opts...)...)
}

// DecodeDocument reads an atlas file from r without compiling it.
func DecodeDocument(r io.Reader, name string) (*Document, error) {
	const op = "atlas.Decode"
	dec := json.NewDecoder(io.LimitReader(r, maxDocumentBytes))
	dec.DisallowUnknownFields()
	var f fileDocument
	if err := dec.Decode(&f); err != nil {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: %s", name, describeJSONError(err))
	}
	if dec.More() {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: unexpected data after the atlas document", name)
	}
	if f.Format != FormatName {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: format: want %q, found %q", name, FormatName, f.Format)
	}
	if f.Version < 1 || f.Version > FormatVersion {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: version: want 1..%d, found %d", name, FormatVersion, f.Version)
	}
	return &Document{Format: f.Format, Version: f.Version, Source: f.Source, Attribution: f.Attribution,
		LandingPoints: f.LandingPoints, Cables: f.Cables}, nil
}

// describeJSONError turns encoding/json's errors into a message that says
// where in the file the problem is.
func describeJSONError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("malformed JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "(top level)"
		}
		return fmt.Sprintf("field %s at byte %d: want %s, found JSON %s", field, typ.Offset, typ.Type, typ.Value)
	case errors.Is(err, io.EOF):
		return "empty file: want an atlas JSON document"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "truncated JSON"
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "json: unknown field ") {
		return "unknown field " + strings.TrimPrefix(msg, "json: unknown field ")
	}
	return strings.TrimPrefix(msg, "json: ")
}

// Document returns the atlas as a document, with cables' derived fields
// filled in, so that Encode(Compile(d)) round-trips.
func (a *Atlas) Document() *Document {
	d := &Document{Format: FormatName, Version: FormatVersion, Source: a.Source, Attribution: a.Attribution,
		LandingPoints: append([]LandingPoint(nil), a.LandingPoints...)}
	for i := range a.Cables {
		c := &a.Cables[i]
		dc := DocumentCable{ID: c.ID, Name: c.Name, RFSYear: c.RFSYear, RFSMonth: c.RFSMonth, LengthKm: c.LengthKm, Planned: c.Planned,
			Owners: c.Owners, LandingPoints: c.LandingPoints, Route: c.Route, URL: c.URL, Source: c.Source,
			Countries: c.Countries, LengthFrom: c.LengthFrom}
		capacity := c.Capacity
		dc.Capacity = &capacity
		if c.Capacity.Confidence == Reported {
			dc.CapacityGbps = c.Capacity.Gbps
			dc.CapacitySource = c.Capacity.Source
		}
		d.Cables = append(d.Cables, dc)
	}
	return d
}

// Encode writes the atlas as an atlas file: the document, then the derived
// countries, segments and terrestrial links for readers of the file.
func (a *Atlas) Encode(w io.Writer) error {
	d := a.Document()
	f := fileDocument{Format: d.Format, Version: d.Version, Source: d.Source, Attribution: d.Attribution,
		LandingPoints: d.LandingPoints, Cables: d.Cables, Countries: a.Countries, TerrestrialLinks: a.Links}
	f.Segments = make([]documentSegment, len(a.Segments))
	for i, s := range a.Segments {
		f.Segments[i] = documentSegment{Segment: s, Path: s.Path}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("encode atlas: %w", err)
	}
	return nil
}
