package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"lifeline/feed"
	"lifeline/web/i18n"
)

// writeSourceStatus prints the live sources' statuses for people, one
// block per source, in the printer's language: what "watch status" prints
// and "watch run --follow" writes on stderr every status_every. The
// states are named in the words of the web's page of live sources.
func writeSourceStatus(w io.Writer, pr *i18n.Printer, now time.Time, list []feed.Status) {
	for i, s := range list {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, pr.T("watch.src.head", s.Name, s.Kind, sourceState(pr, s.State)))
		if s.LastMessage.IsZero() {
			fmt.Fprintf(w, "  %s\n", pr.T("watch.src.never"))
		} else {
			fmt.Fprintf(w, "  %s\n", pr.T("watch.src.last", ldur(pr, now.Sub(s.LastMessage)), lstampSec(pr, s.LastData), ldur(pr, s.Lag)))
		}
		fmt.Fprintf(w, "  %s\n", pr.T("watch.src.counts", s.Messages, s.Updates, s.Skipped, s.Connects, s.Stalls))
		if !s.Cursor.IsZero() {
			fmt.Fprintf(w, "  %s\n", pr.T("watch.src.next", lstamp(pr, s.Cursor)))
		}
		if s.GapCount > 0 {
			last := s.Gaps[len(s.Gaps)-1]
			fmt.Fprintf(w, "  %s\n", pr.T("watch.src.gaps", s.GapCount, ldur(pr, s.GapTime), lstampSec(pr, last.From),
				lclock(pr, last.To)+":"+pr.Digits(last.To.UTC().Second(), 2), last.Reason))
		} else {
			fmt.Fprintf(w, "  %s\n", pr.T("watch.src.nogaps"))
		}
		if s.LastError != "" {
			fmt.Fprintf(w, "  %s\n", pr.T("watch.src.errors", s.Errors, ldur(pr, now.Sub(s.ErrorAt)), s.LastError))
		}
	}
}

// sourceKeys are the web's keys of the sources' states.
var sourceKeys = map[string]string{
	feed.StateConnecting: "source.connecting",
	feed.StateStreaming:  "source.streaming",
	feed.StateStalled:    "source.stalled",
	feed.StateBackoff:    "source.backoff",
	feed.StatePolling:    "source.polling",
	feed.StateWaiting:    "source.waiting",
	feed.StateStopped:    "source.stopped",
}

// sourceState names a source's state as the web's page of live sources
// does; English keeps the feed's own words.
func sourceState(pr *i18n.Printer, state string) string {
	if k, ok := sourceKeys[state]; ok && pr.Lang.Code != i18n.English.Code {
		return pr.Lang.Printer().T(k)
	}
	return state
}

// lstampSec is lstamp to the second.
func lstampSec(pr *i18n.Printer, t time.Time) string {
	return lstamp(pr, t) + ":" + pr.Digits(t.UTC().Second(), 2)
}

// ldur writes a duration as people read a lag or a span, in the printer's
// units: to the millisecond below a second, to the second below an hour,
// else to the minute ("250ms", "3s", "1m30s", "2h5m" in English; "2 h 5
// min" in French).
func ldur(pr *i18n.Printer, d time.Duration) string {
	if d < 0 {
		d = -d
	}
	if d > 0 && d < time.Second {
		return pr.T("watch.dur.ms", int(d.Round(time.Millisecond)/time.Millisecond))
	}
	if d >= time.Hour {
		d = d.Round(time.Minute)
	} else {
		d = d.Round(time.Second)
	}
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	var parts []string
	if h > 0 {
		parts = append(parts, pr.T("watch.dur.h", h))
	}
	if m > 0 {
		parts = append(parts, pr.T("watch.dur.m", m))
	}
	if s > 0 || len(parts) == 0 {
		parts = append(parts, pr.T("watch.dur.s", s))
	}
	return strings.Join(parts, pr.T("watch.dur.sep"))
}
