package api

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

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
	s.writeRaw(w, r, st, "", append(body, '\n'), etag)
}

// writeRaw writes body with status as writeJSON does (ETag, 304, gzip),
// under contentType when it is not "".
func (s *Server) writeRaw(w http.ResponseWriter, r *http.Request, st int, contentType string, body []byte, etag string) {
	h := w.Header()
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
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

// Decode reads exactly one JSON value from r into v and returns an
// EINVALID error that names the offending field, says what is accepted
// and what was found. It is strict in fact, not only in name: besides
// unknown fields it refuses a key given twice ({"tlp": "TLP:RED", "tlp":
// "TLP:CLEAR"} would otherwise keep the last), a key that matches a field
// only when case is ignored ({"TLP": …}), text that is not UTF-8, and NUL
// characters anywhere.
//
// It decodes with github.com/go-json-experiment/json, the implementation
// that became encoding/json/v2: its defaults are exactly these rules
// (duplicate names, case-sensitive names, UTF-8 are all checked by the
// parser), whereas encoding/json accepts all three and
// encoding/json/v2 in Go 1.26 is available only behind GOEXPERIMENT=jsonv2,
// which every build and tool would then have to set.
func Decode(r io.Reader, v any) error {
	data, err := io.ReadAll(r)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return lifeline.Errorf(lifeline.EINVALID, "api", "body: could not be read")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return lifeline.Errorf(lifeline.EINVALID, "api", "body: empty; expected a JSON object")
	}
	if err := checkText(data); err != nil {
		return err
	}
	if err := jsonv2.Unmarshal(data, v, jsonv2.RejectUnknownMembers(true)); err != nil {
		return decodeError(err, v)
	}
	return nil
}

// checkText reads data token by token: one JSON value, well formed,
// UTF-8, each key once, no NUL.
func checkText(data []byte) error {
	d := jsontext.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.ReadToken()
		if err != nil {
			return decodeError(err, nil)
		}
		if tok.Kind() == '"' && strings.ContainsRune(tok.String(), 0) {
			return lifeline.Errorf(lifeline.EINVALID, "api", "%s: contains a NUL character (\\u0000); text may not", fieldName(d.StackPointer(), "body"))
		}
		if d.StackDepth() == 0 {
			break
		}
	}
	if _, err := d.ReadToken(); err != io.EOF {
		return lifeline.Errorf(lifeline.EINVALID, "api", "body: expected one JSON value, found more after it")
	}
	return nil
}

// fieldName writes a JSON Pointer as the field names of messages:
// "/evidence/0/url" as "evidence[0].url"; or dflt for the whole body.
func fieldName(p jsontext.Pointer, dflt string) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if _, err := strconv.Atoi(tok); err == nil && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	if b.Len() == 0 {
		return dflt
	}
	return b.String()
}

func decodeError(err error, v any) error {
	var mbe *http.MaxBytesError
	var syn *jsontext.SyntacticError
	var sem *jsonv2.SemanticError
	var le *lifeline.Error
	switch {
	case errors.As(err, &mbe):
		return err
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return lifeline.Errorf(lifeline.EINVALID, "api", "body: the JSON ends too early")
	case errors.As(err, &syn):
		field := fieldName(syn.JSONPointer, "body")
		switch {
		case errors.Is(syn.Err, jsontext.ErrDuplicateName):
			return lifeline.Errorf(lifeline.EINVALID, "api", "%s: given twice; each field may appear once", field)
		case strings.Contains(syn.Err.Error(), "invalid UTF-8"):
			return lifeline.Errorf(lifeline.EINVALID, "api", "%s: text is not valid UTF-8 (byte %d); expected UTF-8 text", field, syn.ByteOffset)
		}
		return lifeline.Errorf(lifeline.EINVALID, "api", "body: malformed JSON at byte %d (%s): %s", syn.ByteOffset, field, strings.TrimPrefix(syn.Err.Error(), "jsontext: "))
	case errors.As(err, &sem):
		field := fieldName(sem.JSONPointer, "body")
		switch {
		case errors.Is(sem.Err, jsonv2.ErrUnknownName):
			return unknownField(sem.JSONPointer, v)
		case errors.As(sem.Err, &le):
			return lifeline.Errorf(lifeline.EINVALID, "api", "%s: %s", field, le.Message)
		case sem.GoType != nil && sem.GoType.String() == "time.Time":
			found := string(sem.JSONValue)
			if pe := (*time.ParseError)(nil); errors.As(sem.Err, &pe) {
				found = strconv.Quote(pe.Value)
			}
			if found == "" {
				found = kindName(sem.JSONKind)
			}
			return lifeline.Errorf(lifeline.EINVALID, "api", "%s: expected an RFC 3339 time such as \"2026-03-01T08:30:00Z\", found %s", field, trunc(found))
		case sem.GoType != nil:
			found := kindName(sem.JSONKind)
			if sem.JSONKind == '0' && len(sem.JSONValue) > 0 {
				found = "number " + trunc(string(sem.JSONValue))
			}
			return lifeline.Errorf(lifeline.EINVALID, "api", "%s: expected %s, found %s", field, jsonType(sem.GoType), found)
		}
		return lifeline.Errorf(lifeline.EINVALID, "api", "%s: not accepted", field)
	case errors.As(err, &le):
		return le
	}
	return lifeline.Errorf(lifeline.EINVALID, "api", "body: not accepted as JSON")
}

// unknownField is the error for a key that names no field at p in the
// type of v: it lists the accepted fields, and says so when only the case
// differs.
func unknownField(p jsontext.Pointer, v any) error {
	name := p.LastToken()
	field := fieldName(p, name)
	accepted := fieldsAt(reflect.TypeOf(v), p.Parent())
	for _, a := range accepted {
		if strings.EqualFold(a, name) {
			return lifeline.Errorf(lifeline.EINVALID, "api", "%s: unknown field; field names are case-sensitive: expected %s", field, a)
		}
	}
	if len(accepted) == 0 {
		return lifeline.Errorf(lifeline.EINVALID, "api", "%s: unknown field", field)
	}
	return lifeline.Errorf(lifeline.EINVALID, "api", "%s: unknown field; expected one of %s", field, strings.Join(accepted, ", "))
}

// fieldsAt lists the JSON names of the struct that the pointer p leads to
// from type t.
func fieldsAt(t reflect.Type, p jsontext.Pointer) []string {
	for t != nil {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			t = t.Elem()
			continue
		}
		break
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var names []string
	next := map[string]reflect.Type{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for f := range t.Fields() {
			tag := f.Tag.Get("json")
			name, _, _ := strings.Cut(tag, ",")
			if name == "-" || !f.IsExported() && !f.Anonymous {
				continue
			}
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				walk(f.Type)
				continue
			}
			if name == "" {
				name = f.Name
			}
			names = append(names, name)
			next[name] = f.Type
		}
	}
	walk(t)
	first, rest, ok := strings.Cut(strings.TrimPrefix(string(p), "/"), "/")
	if !ok && first == "" {
		return names
	}
	for first != "" {
		if _, err := strconv.Atoi(first); err != nil {
			break
		}
		first, rest, _ = strings.Cut(rest, "/")
	}
	if first == "" { // only indices: the elements of this list
		return names
	}
	sub := next[first]
	if sub == nil {
		return nil
	}
	if rest == "" {
		return fieldsAt(sub, "")
	}
	return fieldsAt(sub, jsontext.Pointer("/"+rest))
}

// kindName names a JSON kind in messages.
func kindName(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case 'f', 't':
		return "a boolean"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	return "something else"
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

// queryParams refuses a query parameter not among accepted, and one
// given twice.
func queryParams(r *http.Request, accepted ...string) error {
	q := r.URL.Query()
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !slices.Contains(accepted, name) {
			return lifeline.Errorf(lifeline.EINVALID, "api", "%s: unknown query parameter; expected one of %s", trunc(name), strings.Join(accepted, ", "))
		}
		if len(q[name]) > 1 {
			return lifeline.Errorf(lifeline.EINVALID, "api", "%s: given %d times; give it once", name, len(q[name]))
		}
	}
	return nil
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
