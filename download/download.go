// Package download fetches public datasets into a local directory: an HTTP
// GET of a gzipped tar archive, unpacked file by file as it streams, with
// progress for people, size limits, and no path that escapes the target.
//
// It is an adapter: engine packages never import it; cmd/lifeline wires it to
// the importers that know what a dataset's files mean.
package download

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// Limits on what an archive may unpack to, so a bad or hostile server cannot
// fill the disk.
const (
	MaxFileBytes  = 256 << 20
	MaxTotalBytes = 1 << 30
)

// Progress receives the number of compressed bytes read so far and the total
// (-1 when the server does not say). It is called from the downloading
// goroutine only.
type Progress func(done, total int64)

// Options configures Tarball.
type Options struct {
	Client   *http.Client // nil: a client with a 10-minute timeout
	Progress Progress     // nil: none
	// Keep maps an archive member's path, with the archive's top directory
	// removed, to the path to write it at under the target directory; ok
	// false skips the member.
	Keep func(name string) (rel string, ok bool)
}

// Tarball downloads the .tar.gz at url and unpacks the members opt.Keep
// selects into dir, which must exist. It returns the number of files
// written. On error, dir may hold some of the files: callers unpack into a
// fresh directory and move it into place only on success.
func Tarball(ctx context.Context, url, dir string, opt Options) (int, error) {
	client := opt.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Minute}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, fmt.Errorf("download %s: %w", url, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("download %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("download %s: server answered %s", url, resp.Status)
	}
	body := &counter{r: resp.Body, total: resp.ContentLength, progress: opt.Progress}
	gz, err := gzip.NewReader(body)
	if err != nil {
		return 0, fmt.Errorf("download %s: not a gzip archive: %w", url, err)
	}
	tr := tar.NewReader(gz)
	files := 0
	var total int64
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return files, fmt.Errorf("download %s: reading the archive after %d files: %w", url, files, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		name := stripTop(h.Name)
		if name == "" {
			continue
		}
		rel, ok := name, true
		if opt.Keep != nil {
			rel, ok = opt.Keep(name)
		}
		if !ok {
			continue
		}
		clean := path.Clean(rel)
		if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
			return files, fmt.Errorf("download %s: archive member %q escapes the target directory", url, h.Name)
		}
		if h.Size > MaxFileBytes {
			return files, fmt.Errorf("download %s: archive member %q is %d bytes, over the %d MB limit", url, h.Name, h.Size, MaxFileBytes>>20)
		}
		total += h.Size
		if total > MaxTotalBytes {
			return files, fmt.Errorf("download %s: archive unpacks to over %d MB", url, MaxTotalBytes>>20)
		}
		dst := filepath.Join(dir, filepath.FromSlash(clean))
		if err := writeFile(dst, io.LimitReader(tr, MaxFileBytes)); err != nil {
			return files, fmt.Errorf("download %s: %w", url, err)
		}
		files++
	}
	if opt.Progress != nil {
		opt.Progress(body.done, body.done)
	}
	return files, nil
}

func writeFile(dst string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", dst, err)
	}
	return f.Close()
}

// stripTop removes the archive's top directory ("repo-commit/"), as in the
// archives code hosts serve.
func stripTop(name string) string {
	name = strings.TrimPrefix(name, "./")
	i := strings.IndexByte(name, '/')
	if i < 0 {
		return ""
	}
	return name[i+1:]
}

type counter struct {
	r        io.Reader
	done     int64
	total    int64
	progress Progress
	last     time.Time
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.done += int64(n)
	if c.progress != nil && time.Since(c.last) > 100*time.Millisecond {
		c.last = time.Now()
		c.progress(c.done, c.total)
	}
	return n, err
}
