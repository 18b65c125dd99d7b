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
	bar     *progressbar.ProgressBar
	lastPct int
	total   int64
}

func newProgress(w io.Writer, label string) *progress {
	p := &progress{w: w, label: label, lastPct: -1}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions64(-1,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(label),
			progressbar.OptionShowBytes(true),
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
		fmt.Fprintf(p.w, "%s: %d%% (%d of %d bytes)\n", p.label, pct, done, total)
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
