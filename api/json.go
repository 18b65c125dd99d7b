package api

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"lifeline"
	"lifeline/coord"
)

// writeJSON writes v as JSON with status, an ETag (etag when given, else
// a hash of the body), a 304 for a matching If-None-Match, and gzip when
// the client accepts it and the body is worth compressing.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, st int, v any, etag string) {
	w.Header().Set("Content-Type", "application/json")
	s.writeBody(w, r, st, v, etag)
}

func (s *Server) writeBody(w http.ResponseWriter, r *http.Request, st int, v any, etag string) {
	body, err := json.Marshal(v)
	if err != nil {
		s.log.Error("encode response", "err", lifeline.Trace(err))
		http.Error(w, `{"status":500,"code":"internal","title":"Internal Server Error"}`, http.StatusInternalServerError)
		return
	}
	body = append(body, '\n')
	h := w.Header()
	if st == http.StatusOK && (r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodPatch) {
		if etag == "" {
			sum := sha256.Sum256(body)
			etag = `W/"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
		}
		h.Set("ETag", etag)
		h.Set("Cache-Control", "private, no-cache")
		h.Add("Vary", "Authorization")
		if r.Method != http.MethodPatch && etagMatch(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	} else if etag != "" {
		h.Set("ETag", etag)
	}
	h.Add("Vary", "Accept-Encoding")
	if len(body) > 1024 && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		w.WriteHeader(st)
		gz := gzipPool.Get().(*gzip.Writer)
		gz.Reset(w)
		gz.Write(body)
		gz.Close()
		gzipPool.Put(gz)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(st)
	w.Write(body)
}

var gzipPool = sync.Pool{New: func() any {
	gz, _ := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression)
	return gz
}}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") && !strings.Contains(strings.ReplaceAll(params, " ", ""), "q=0") {
			return true
		}
	}
	return false
}

// etagMatch reports whether an If-None-Match header names etag, comparing
// weakly as RFC 9110 asks for If-None-Match.
func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	if strings.TrimSpace(header) == "*" {
		return true
	}
	strip := func(t string) string { return strings.TrimPrefix(strings.TrimSpace(t), "W/") }
	for _, t := range strings.Split(header, ",") {
		if strip(t) == strip(etag) {
			return true
		}
	}
	return false
}

// versionETag is the ETag of an item at a version. It is weak because the
// same version may be sent gzip-compressed or not.
func versionETag(v int64) string { return `W/"v` + itoa(v) + `"` }

// ifMatch reads an If-Match header naming an item version: 0 without one.
func ifMatch(r *http.Request) (int64, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return 0, nil
	}
	n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(h, "W/"), `"v`), `"`), 10, 64)
	if err != nil || n <= 0 {
		return 0, lifeline.Errorf(lifeline.EINVALID, "api", "If-Match: expected an ETag such as \"v12\" from a previous response, found %q", trunc(h))
	}
	return n, nil
}

// decode reads a JSON request body into v: application/json only, at most
// maxBody bytes, one value, no unknown fields. Its errors name the field
// and say what was expected.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) (int, error) {
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return http.StatusUnsupportedMediaType, lifeline.Errorf(lifeline.EINVALID, "api", "Content-Type: expected application/json, found %q", trunc(ct))
	}
	body := http.MaxBytesReader(w, r.Body, s.maxBody)
	if err := Decode(body, v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return http.StatusRequestEntityTooLarge, lifeline.Errorf(lifeline.EINVALID, "api", "body: larger than %d bytes", s.maxBody)
		}
		return http.StatusBadRequest, err
	}
	return 0, nil
}

// Decode reads exactly one JSON value from r into v, rejecting unknown
// fields, and returns an EINVALID error that names the offending field.
func Decode(r io.Reader, v any) error {
	d := json.NewDecoder(r)
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := d.Token(); err != io.EOF {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return lifeline.Errorf(lifeline.EINVALID, "api", "body: expected one JSON value, found more after it")
	}
	return nil
}

func decodeError(err error) error {
	var mbe *http.MaxBytesError
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var le *lifeline.Error
	var pe *time.ParseError
	switch {
	case errors.As(err, &mbe):
		return err
	case errors.Is(err, io.EOF):
		return lifeline.Errorf(lifeline.EINVALID, "api", "body: empty; expected a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return lifeline.Errorf(lifeline.EINVALID, "api", "body: the JSON ends too early")
	case errors.As(err, &se):
		return lifeline.Errorf(lifeline.EINVALID, "api", "body: malformed JSON at byte %d: %v", se.Offset, se)
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "body"
		}
		return lifeline.Errorf(lifeline.EINVALID, "api", "%s: expected %s, found %s", field, jsonType(te.Type), te.Value)
	case errors.As(err, &le):
		return le
	case errors.As(err, &pe):
		return lifeline.Errorf(lifeline.EINVALID, "api", "body: expected an RFC 3339 time such as \"2026-03-01T08:30:00Z\", found %q", trunc(pe.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return lifeline.Errorf(lifeline.EINVALID, "api", "%s: unknown field", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return lifeline.Errorf(lifeline.EINVALID, "api", "body: %v", err)
}

func jsonType(t reflect.Type) string {
	if t.String() == "time.Time" {
		return "an RFC 3339 time such as \"2026-03-01T08:30:00Z\""
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number from 0"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return jsonType(t.Elem())
	}
	return t.String()
}

func trunc(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// listFilter reads ?after=, ?limit= and the narrowing ?status=,
// ?country= and ?incident_id=.
func listFilter(r *http.Request) (coord.ListFilter, error) {
	q := r.URL.Query()
	f := coord.ListFilter{After: q.Get("after"), Status: q.Get("status"), Country: q.Get("country"), IncidentID: q.Get("incident_id")}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > coord.MaxPageSize {
			return f, lifeline.Errorf(lifeline.EINVALID, "api", "limit: expected a whole number from 1 to %d, found %q", coord.MaxPageSize, trunc(l))
		}
		f.Limit = n
	}
	if len(f.After) > 40 {
		return f, lifeline.Errorf(lifeline.EINVALID, "api", "after: expected a cursor from a previous page")
	}
	return f, f.Validate()
}
