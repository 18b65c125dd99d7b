package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// asset is one embedded file, ready to serve: its bytes, gzipped bytes
// when that is smaller, its type and its content-hashed name.
type asset struct {
	name   string // e.g. "style.css"
	hashed string // e.g. "style.3fa2b1c9d0e4.css"
	body   []byte
	gz     []byte
	ctype  string
	etag   string
}

// assets are the embedded files under their content-hashed names. A name
// changes whenever the content does, so browsers may keep each one for a
// year without asking again (miniflux does the same).
type assets struct {
	byName   map[string]*asset
	byHashed map[string]*asset
}

func loadAssets() (*assets, error) {
	as := &assets{byName: map[string]*asset{}, byHashed: map[string]*asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		h := shortHash(body)
		a := &asset{name: name, hashed: strings.TrimSuffix(name, ext) + "." + h + ext, body: body,
			ctype: mime.TypeByExtension(ext), etag: `"` + h + `"`}
		if a.ctype == "" {
			a.ctype = "application/octet-stream"
		}
		var buf bytes.Buffer
		gzipTo(&buf, body)
		if buf.Len() < len(body) {
			a.gz = buf.Bytes()
		}
		as.byName[name] = a
		as.byHashed[a.hashed] = a
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: load assets: %w", err)
	}
	return as, nil
}

// path returns the URL path of an asset by its plain name; templates call
// it as {{asset "style.css"}}. An unknown name is a fault of the templates,
// found by parsePages at start.
func (as *assets) path(name string) string {
	a, ok := as.byName[name]
	if !ok {
		panic("web: no asset " + name)
	}
	return "/static/" + a.hashed
}

// serve answers /static/{name} with a hashed name only: an asset is
// immutable under its name.
func (as *assets) serve(w http.ResponseWriter, r *http.Request) {
	a, ok := as.byHashed[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", a.etag)
	h.Add("Vary", "Accept-Encoding")
	if matchETag(r.Header.Get("If-None-Match"), a.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.body
	if a.gz != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = a.gz
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// shortHash is the first 12 hex digits of the SHA-256 of b: enough to tell
// versions of a file or a page apart.
func shortHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}

func gzipTo(buf *bytes.Buffer, body []byte) {
	zw, _ := gzip.NewWriterLevel(buf, gzip.BestCompression)
	zw.Write(body)
	zw.Close()
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" && strings.ReplaceAll(strings.TrimSpace(q), " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// matchETag reports whether an If-None-Match header names etag (weakly
// compared, as RFC 9110 wants for If-None-Match).
func matchETag(header, etag string) bool {
	if header == "" {
		return false
	}
	strip := func(t string) string { return strings.TrimPrefix(strings.TrimSpace(t), "W/") }
	for _, t := range strings.Split(header, ",") {
		if t = strings.TrimSpace(t); t == "*" || strip(t) == strip(etag) {
			return true
		}
	}
	return false
}
