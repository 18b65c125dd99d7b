// Package opencable imports the open cable map dataset — the last openly
// licensed release of TeleGeography's submarine cable map, as published by
// the Open Undersea Cable Map project — into an atlas document.
//
// The dataset is a directory:
//
//	cable/cable-geo.json                    routes, a GeoJSON FeatureCollection of MultiLineStrings
//	cable/<id>.json                         one cable system each: name, length, landing points, owners, rfs_year, is_planned
//	cable/all.json                          optional index of cable ids and names
//	landing-point/landing-point-geo.json    landing points, a GeoJSON FeatureCollection of Points
//
// Landing points' countries are free-text English names ("Congo, Dem. Rep.",
// "Côte d'Ivoire"); each is mapped to ISO 3166-1 alpha-2 with geo.Resolve,
// and any name that does not map is an error listing every such name, so a
// new release never loads with countries silently dropped.
//
// Its data is licensed CC BY-NC-SA 3.0: Read sets the document's attribution.
package opencable

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"lifeline"
	"lifeline/atlas"
	"lifeline/geo"
)

// Attribution is the credit the dataset's licence requires.
const Attribution = "TeleGeography Submarine Cable Map (CC BY-NC-SA 3.0), via Open Undersea Cable Map"

// Files of the layout, relative to the dataset directory.
const (
	CableDir         = "cable"
	RoutesFile       = "cable/cable-geo.json"
	IndexFile        = "cable/all.json"
	LandingPointFile = "landing-point/landing-point-geo.json"
)

// maxFileBytes bounds any one file of the dataset (the largest is under 1 MB).
const maxFileBytes = 64 << 20

// Load reads the dataset in dir and compiles it into an atlas.
//
// Errors: EINVALID naming the file and record for anything malformed, or
// listing every country name that does not map to ISO 3166-1; ENOTFOUND if
// dir is not a dataset directory. Nothing is returned on error.
func Load(dir string, opts ...atlas.Option) (*atlas.Atlas, error) {
	doc, err := Read(os.DirFS(dir), dir)
	if err != nil {
		return nil, err
	}
	return atlas.Compile(doc, append([]atlas.Option{atlas.WithName(dir)}, opts...)...)
}

// IsDataset reports whether dir looks like an open cable map directory.
func IsDataset(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(RoutesFile)))
	return err == nil && st.Mode().IsRegular()
}

type cableFile struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	Length        *string        `json:"length"`
	LandingPoints []cableLanding `json:"landing_points"`
	Owners        *string        `json:"owners"`
	RFSYear       *int           `json:"rfs_year"`
	RFS           *string        `json:"rfs"`
	IsPlanned     *bool          `json:"is_planned"`
	URL           *string        `json:"url"`
}

type cableLanding struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Country string `json:"country"`
}

type featureCollection struct {
	Type     string `json:"type"`
	Features []struct {
		Properties struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"properties"`
		Geometry struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

// Read reads the dataset from fsys (name, the directory's path, prefixes
// errors) into an atlas document whose landing points carry ISO codes.
func Read(fsys fs.FS, name string) (*atlas.Document, error) {
	const op = "opencable.Read"
	path := func(f string) string { return filepath.Join(name, filepath.FromSlash(f)) }
	invalid := func(format string, args ...any) error {
		return lifeline.Errorf(lifeline.EINVALID, op, format, args...)
	}

	// Landing points: coordinates and names.
	var lpfc featureCollection
	if err := readJSON(fsys, LandingPointFile, path(LandingPointFile), &lpfc); err != nil {
		return nil, err
	}
	type place struct {
		name     string
		lon, lat float64
	}
	places := make(map[string]place, len(lpfc.Features))
	for i, f := range lpfc.Features {
		id := f.Properties.ID
		if id == "" {
			return nil, invalid("%s: feature %d: properties.id: want a landing point id, found none", path(LandingPointFile), i)
		}
		if f.Geometry.Type != "Point" {
			return nil, invalid("%s: landing point %q: geometry.type: want Point, found %q", path(LandingPointFile), id, f.Geometry.Type)
		}
		var c []float64
		if err := json.Unmarshal(f.Geometry.Coordinates, &c); err != nil || len(c) < 2 {
			return nil, invalid("%s: landing point %q: geometry.coordinates: want [lon, lat], found %s", path(LandingPointFile), id, clip(f.Geometry.Coordinates))
		}
		places[id] = place{name: f.Properties.Name, lon: c[0], lat: c[1]}
	}

	// Routes.
	var rfc featureCollection
	if err := readJSON(fsys, RoutesFile, path(RoutesFile), &rfc); err != nil {
		return nil, err
	}
	routes := make(map[string][][][2]float64, len(rfc.Features))
	for i, f := range rfc.Features {
		id := f.Properties.ID
		if id == "" {
			return nil, invalid("%s: feature %d: properties.id: want a cable id, found none", path(RoutesFile), i)
		}
		var lines [][][2]float64
		switch f.Geometry.Type {
		case "MultiLineString":
			if err := json.Unmarshal(f.Geometry.Coordinates, &lines); err != nil {
				return nil, invalid("%s: cable %q: geometry.coordinates: want MultiLineString coordinates: %v", path(RoutesFile), id, err)
			}
		case "LineString":
			var line [][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &line); err != nil {
				return nil, invalid("%s: cable %q: geometry.coordinates: want LineString coordinates: %v", path(RoutesFile), id, err)
			}
			lines = [][][2]float64{line}
		default:
			return nil, invalid("%s: cable %q: geometry.type: want MultiLineString or LineString, found %q", path(RoutesFile), id, f.Geometry.Type)
		}
		routes[id] = append(routes[id], lines...)
	}

	// Cables, one file each.
	entries, err := fs.ReadDir(fsys, CableDir)
	if err != nil {
		return nil, lifeline.Errorf(lifeline.ENOTFOUND, op, "%s: %v", path(CableDir), unwrapPathError(err))
	}
	var files []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".json") || n == "all.json" || n == "cable-geo.json" {
			continue
		}
		files = append(files, n)
	}
	sort.Strings(files)
	if err := checkIndex(fsys, path(IndexFile), files); err != nil {
		return nil, err
	}

	doc := &atlas.Document{Format: atlas.FormatName, Version: atlas.FormatVersion,
		Source: "open cable map at " + name, Attribution: Attribution}
	lpCountry := map[string]string{}
	lpUsed := map[string]bool{}
	unknown := map[string][]string{} // country name -> files naming it
	for _, fn := range files {
		rel := CableDir + "/" + fn
		var cf cableFile
		if err := readJSON(fsys, rel, path(rel), &cf); err != nil {
			return nil, err
		}
		where := fmt.Sprintf("%s: cable %q", path(rel), cf.ID)
		if cf.ID == "" {
			return nil, invalid("%s: id: want a cable id, found none", path(rel))
		}
		if cf.Name == "" {
			return nil, invalid("%s: name: want a name, found none", where)
		}
		dc := atlas.DocumentCable{ID: cf.ID, Name: cf.Name, Route: routes[cf.ID],
			Source: "open cable map, " + rel}
		if cf.Length != nil {
			km, err := parseLength(*cf.Length)
			if err != nil {
				return nil, invalid("%s: length: %v", where, err)
			}
			dc.LengthKm = km
		}
		if cf.RFSYear != nil {
			dc.RFSYear = *cf.RFSYear
			if cf.RFS != nil {
				dc.RFSMonth = rfsMonth(*cf.RFS, dc.RFSYear)
			}
		}
		if cf.IsPlanned != nil {
			dc.Planned = *cf.IsPlanned
		}
		if cf.URL != nil {
			dc.URL = *cf.URL
		}
		if cf.Owners != nil {
			for _, o := range strings.Split(*cf.Owners, ",") {
				if o = strings.TrimSpace(o); o != "" {
					dc.Owners = append(dc.Owners, o)
				}
			}
		}
		for i, l := range cf.LandingPoints {
			if l.ID == "" {
				return nil, invalid("%s: landing_points[%d].id: want a landing point id, found none", where, i)
			}
			if _, ok := places[l.ID]; !ok {
				return nil, invalid("%s: landing_points[%d]: landing point %q is not in %s", where, i, l.ID, path(LandingPointFile))
			}
			code, ok := geo.Resolve(l.Country)
			if !ok {
				unknown[l.Country] = append(unknown[l.Country], fmt.Sprintf("%s (%s)", rel, l.ID))
				continue
			}
			pl := places[l.ID]
			if e, ok := errata[l.ID]; ok {
				code = e.country
				pl.name = e.name
				places[l.ID] = pl
			} else if t, ok := inTerritory(code, geo.Point{Lon: pl.lon, Lat: pl.lat}); ok {
				code = t
			}
			if prev, seen := lpCountry[l.ID]; seen && prev != code {
				return nil, invalid("%s: landing point %q: country %q (%s) contradicts %s given by another cable", where, l.ID, l.Country, code, prev)
			}
			lpCountry[l.ID] = code
			lpUsed[l.ID] = true
			dc.LandingPoints = append(dc.LandingPoints, l.ID)
		}
		doc.Cables = append(doc.Cables, dc)
	}
	if len(unknown) > 0 {
		names := make([]string, 0, len(unknown))
		for n := range unknown {
			names = append(names, n)
		}
		sort.Strings(names)
		var b strings.Builder
		fmt.Fprintf(&b, "%s: %d country name(s) not mapped to ISO 3166-1:", name, len(names))
		for _, n := range names {
			fmt.Fprintf(&b, "\n  %q (in %s)", n, strings.Join(firstN(unknown[n], 3), ", "))
		}
		return nil, &lifeline.Error{Code: lifeline.EINVALID, Op: op, Message: b.String(), Err: &UnmappedError{Names: names}}
	}

	ids := make([]string, 0, len(lpUsed))
	for id := range lpUsed {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		p := places[id]
		doc.LandingPoints = append(doc.LandingPoints, atlas.LandingPoint{ID: id, Name: p.name, Country: lpCountry[id], Lon: p.lon, Lat: p.lat})
	}
	return doc, nil
}

// UnmappedError lists country names that do not map to ISO 3166-1.
type UnmappedError struct{ Names []string }

func (e *UnmappedError) Error() string {
	return "unmapped country names: " + strings.Join(e.Names, "; ")
}

// checkIndex makes sure every cable named in the optional index has its file.
func checkIndex(fsys fs.FS, path string, files []string) error {
	data, err := fs.ReadFile(fsys, IndexFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return lifeline.Errorf(lifeline.EINVALID, "opencable.Read", "%s: %v", path, unwrapPathError(err))
	}
	var idx []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(data, &idx); err != nil {
		return lifeline.Errorf(lifeline.EINVALID, "opencable.Read", "%s: want a JSON array of {id, name}: %v", path, err)
	}
	have := make(map[string]bool, len(files))
	for _, f := range files {
		have[strings.TrimSuffix(f, ".json")] = true
	}
	var missing []string
	for _, e := range idx {
		if !have[e.ID] {
			missing = append(missing, e.ID+".json")
		}
	}
	if len(missing) > 0 {
		return lifeline.Errorf(lifeline.EINVALID, "opencable.Read", "%s lists %d cable(s) whose file is missing from %s: %s",
			path, len(missing), filepath.Dir(path), strings.Join(firstN(missing, 10), ", "))
	}
	return nil
}

func readJSON(fsys fs.FS, rel, path string, v any) error {
	const op = "opencable.Read"
	f, err := fsys.Open(rel)
	if err != nil {
		code := lifeline.EINVALID
		if errors.Is(err, fs.ErrNotExist) {
			return lifeline.Errorf(code, op, "%s: missing file: the dataset layout needs it (see docs/atlas.md)", path)
		}
		return lifeline.Errorf(code, op, "%s: %v", path, unwrapPathError(err))
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(f, maxFileBytes+1)); err != nil {
		return lifeline.Errorf(lifeline.EINVALID, op, "%s: %v", path, unwrapPathError(err))
	}
	if buf.Len() > maxFileBytes {
		return lifeline.Errorf(lifeline.EINVALID, op, "%s: file larger than %d MB", path, maxFileBytes>>20)
	}
	if err := json.Unmarshal(buf.Bytes(), v); err != nil {
		return lifeline.Errorf(lifeline.EINVALID, op, "%s: %s", path, describeJSONError(buf.Bytes(), err))
	}
	return nil
}

// describeJSONError says where in the file the JSON goes wrong, by line.
func describeJSONError(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var off int64 = -1
	msg := strings.TrimPrefix(err.Error(), "json: ")
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
		msg = "malformed JSON: " + syn.Error()
	case errors.As(err, &typ):
		off = typ.Offset
		field := typ.Field
		if field == "" {
			field = "(top level)"
		}
		msg = fmt.Sprintf("field %s: want %s, found JSON %s", field, typ.Type, typ.Value)
	}
	if off < 0 {
		if len(bytes.TrimSpace(data)) == 0 {
			return "empty file: want JSON"
		}
		return msg
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line := 1 + bytes.Count(data[:off], []byte{'\n'})
	return fmt.Sprintf("line %d (byte %d): %s", line, off, msg)
}

// parseLength reads a published length such as "17,000 km" or "1,234.5 km".
func parseLength(s string) (float64, error) {
	t := strings.TrimSpace(s)
	if t == "" || strings.EqualFold(t, "n.a.") {
		return 0, nil
	}
	t = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(t, "km"), "kms"))
	t = strings.ReplaceAll(t, ",", "")
	km, err := strconv.ParseFloat(t, 64)
	if err != nil || km < 0 {
		return 0, fmt.Errorf("want a length such as \"17,000 km\", found %q", s)
	}
	return km, nil
}

func clip(b []byte) string {
	if len(b) > 60 {
		return string(b[:60]) + "…"
	}
	return string(b)
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], fmt.Sprintf("%d more", len(s)-n))
	}
	return s
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// rfsMonth reads the month from the dataset's ready-for-service text, "2005
// December" or "2013 Q4" (the last month of the quarter), when its year is
// year; 0 when the text gives no month or another year, which is not an
// error: the month only narrows an as-of date (atlas.WithAsOfMonth).
func rfsMonth(rfs string, year int) int {
	f := strings.Fields(rfs)
	if len(f) != 2 || f[0] != strconv.Itoa(year) {
		return 0
	}
	if q, ok := strings.CutPrefix(f[1], "Q"); ok && len(q) == 1 && q[0] >= '1' && q[0] <= '4' {
		return 3 * int(q[0]-'0')
	}
	for m := time.January; m <= time.December; m++ {
		if strings.EqualFold(f[1], m.String()) {
			return int(m)
		}
	}
	return 0
}
