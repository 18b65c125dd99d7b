package feed

import (
	"encoding/json"
	"io"
	"slices"
	"sync"
	"time"
)

// Gap is a span of data time a source knows it did not deliver: a
// disconnection, a stall, an archive file that could not be had.
type Gap struct {
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Reason string    `json:"reason"`
}

// Status describes a source's health. The zero time means never.
type Status struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"` // "ris-live", "mrt-archive", "ioda"
	State string `json:"state"`
	// LastMessage is when the last message arrived (the clock's time);
	// LastData the time the data of the last message speaks of; Lag the
	// difference at that moment (for archives, how late the file came).
	LastMessage time.Time     `json:"last_message,omitzero"`
	LastData    time.Time     `json:"last_data,omitzero"`
	Lag         time.Duration `json:"lag_ns"`
	Messages    int64         `json:"messages"`
	Updates     int64         `json:"updates"`
	// Skipped counts messages or files that were malformed, too large or
	// refused, and left out.
	Skipped    int64 `json:"skipped"`
	Connects   int   `json:"connects"`
	Reconnects int   `json:"reconnects"`
	Stalls     int   `json:"stalls"`
	// Gaps are the most recent gaps (at most MaxGaps); GapCount and
	// GapTime count all of them.
	Gaps     []Gap         `json:"gaps"`
	GapCount int           `json:"gap_count"`
	GapTime  time.Duration `json:"gap_ns"`
	// Errors counts the failures recorded as the last error: connections
	// refused or broken, stalls, files or responses that could not be had.
	Errors    int64     `json:"errors"`
	LastError string    `json:"last_error,omitempty"`
	ErrorAt   time.Time `json:"error_at,omitzero"`
	// Cursor is where a polling source will resume: the next period to
	// fetch.
	Cursor time.Time `json:"cursor,omitzero"`
}

// MaxGaps is how many gaps a Status keeps.
const MaxGaps = 32

// States.
const (
	StateConnecting = "connecting"
	StateStreaming  = "streaming"
	StateStalled    = "stalled"
	StateBackoff    = "waiting to reconnect"
	StatePolling    = "polling"
	StateWaiting    = "waiting for the next period"
	StateStopped    = "stopped"
)

// status is a Status behind a mutex: the source writes it, anyone reads a
// copy.
type status struct {
	mu sync.Mutex
	s  Status
}

func (st *status) update(f func(s *Status)) {
	st.mu.Lock()
	f(&st.s)
	st.mu.Unlock()
}

func (st *status) get() Status {
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.s
	s.Gaps = slices.Clone(st.s.Gaps)
	return s
}

// addGap records a gap. A gap may be empty (To = From) when the data on
// both sides of a break has the same time: something may still have been
// missed in it.
func (s *Status) addGap(g Gap) {
	if g.To.Before(g.From) {
		return
	}
	s.GapCount++
	s.GapTime += g.To.Sub(g.From)
	s.Gaps = append(s.Gaps, g)
	if len(s.Gaps) > MaxGaps {
		s.Gaps = slices.Delete(s.Gaps, 0, len(s.Gaps)-MaxGaps)
	}
}

func (s *Status) fail(now time.Time, err error) {
	s.LastError, s.ErrorAt = err.Error(), now
	s.Errors++
}

// WriteStatusJSON prints {"sources": […]}.
func WriteStatusJSON(w io.Writer, list []Status) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if list == nil {
		list = []Status{}
	}
	return enc.Encode(map[string]any{"sources": list})
}
