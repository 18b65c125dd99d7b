package main

import (
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows the advance of long work: a bar on a terminal, and a few
// plain lines elsewhere (logs, CI), so output stays readable in both.
type progress struct {
	w       io.Writer
	label   string
	bytes   bool // counting bytes, not items
	bar     *progressbar.ProgressBar
	lastPct int
	total   int64
}

// newProgress reports progress in bytes (downloads).
func newProgress(w io.Writer, label string) *progress { return startProgress(w, label, true) }

// newCountProgress reports progress in items (samples, records).
func newCountProgress(w io.Writer, label string) *progress { return startProgress(w, label, false) }

func startProgress(w io.Writer, label string, bytes bool) *progress {
	p := &progress{w: w, label: label, bytes: bytes, lastPct: -1}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions64(-1,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(label),
			progressbar.OptionShowBytes(bytes),
			progressbar.OptionShowCount(),
			progressbar.OptionThrottle(100_000_000),
			progressbar.OptionClearOnFinish())
	}
	return p
}

// update reports done out of total bytes; total < 0 means unknown.
func (p *progress) update(done, total int64) {
	if p.bar != nil {
		if total > 0 && p.total != total {
			p.total = total
			p.bar.ChangeMax64(total)
		}
		_ = p.bar.Set64(done)
		return
	}
	if total <= 0 {
		return
	}
	pct := int(done * 100 / total)
	if pct/25 != p.lastPct/25 {
		p.lastPct = pct
		unit := ""
		if p.bytes {
			unit = " bytes"
		}
		fmt.Fprintf(p.w, "%s: %d%% (%d of %d%s)\n", p.label, pct, done, total, unit)
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
