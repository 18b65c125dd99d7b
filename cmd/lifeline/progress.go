package main

import (
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"lifeline/web/i18n"
)

// progress shows the advance of long work: a bar on a terminal, and a few
// plain lines elsewhere (logs, CI), so output stays readable in both.
type progress struct {
	w       io.Writer
	pr      *i18n.Printer
	label   string
	bytes   bool // counting bytes, not items
	bar     *progressbar.ProgressBar
	lastPct int
	total   int64
}

// newProgress reports progress in bytes (downloads); the plain lines are
// in the printer's language.
func newProgress(w io.Writer, pr *i18n.Printer, label string) *progress {
	return startProgress(w, pr, label, true)
}

// newCountProgress reports progress in items (samples, records).
func newCountProgress(w io.Writer, pr *i18n.Printer, label string) *progress {
	return startProgress(w, pr, label, false)
}

func startProgress(w io.Writer, pr *i18n.Printer, label string, bytes bool) *progress {
	p := &progress{w: w, pr: pr, label: label, bytes: bytes, lastPct: -1}
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
		if p.bytes {
			fmt.Fprintln(p.w, p.pr.T("progress.bytes", p.label, pct, done, total))
		} else {
			fmt.Fprintln(p.w, p.pr.T("progress.items", p.label, pct, done, total))
		}
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
