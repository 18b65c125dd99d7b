package norms

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"lifeline/coord"
)

func incidentEvent(t *testing.T, seq int64, typ, author string, evidence ...coord.Evidence) *coord.Event {
	t.Helper()
	payload, err := json.Marshal(coord.Incident{ID: "inc-1", Title: "Cut", Evidence: evidence})
	if err != nil {
		t.Fatal(err)
	}
	return &coord.Event{Seq: seq, Time: time.Date(2026, 11, 5, int(seq), 0, 0, 0, time.UTC), Type: typ, Author: author,
		Org: "org-" + author, Subject: "inc-1", Payload: payload, Hash: strings.Repeat(string(rune('a'+seq)), 64)}
}

func TestCustodyOf(t *testing.T) {
	order := coord.Evidence{Kind: "file", SHA256: strings.Repeat("0f", 32), Note: "the order"}
	photo := coord.Evidence{Kind: "file", SHA256: strings.Repeat("ab", 32)}
	link := coord.Evidence{Kind: "link", URL: "https://example.org/report"}
	signal := coord.Evidence{Kind: "signal", Signal: "ioda:bgp:ET"}
	annotated := order
	annotated.Note = "the order, annotated later"
	events := []*coord.Event{
		incidentEvent(t, 1, coord.EventIncidentCreated, "reporter", link),
		incidentEvent(t, 2, "match.created", "other", order), // not an incident event
		incidentEvent(t, 3, coord.EventIncidentUpdated, "lawyer", link, order),
		incidentEvent(t, 5, coord.EventIncidentUpdated, "monitor", link, annotated, photo),
	}
	in := &coord.Incident{ID: "inc-1", Evidence: []coord.Evidence{annotated, link, photo, signal}}
	got := CustodyOf(in, events)
	if len(got) != 4 {
		t.Fatalf("%d records for 4 items", len(got))
	}
	for _, tc := range []struct {
		i      int
		author string
		seq    int64
	}{
		{0, "lawyer", 3}, // first recorded at 3; the note changed at 5
		{1, "reporter", 1},
		{2, "monitor", 5},
	} {
		c := got[tc.i]
		if !c.Recorded || c.Author != tc.author || c.Seq != tc.seq || c.Org != "org-"+tc.author ||
			c.Event != events[slicesIndexSeq(events, tc.seq)].Hash || !c.At.Equal(events[slicesIndexSeq(events, tc.seq)].Time) || c.Index != tc.i {
			t.Errorf("item %d: %+v; want recorded by %s in event %d", tc.i, c, tc.author, tc.seq)
		}
	}
	if got[3].Recorded || got[3].Evidence != signal {
		t.Errorf("an item no visible event holds is reported as recorded: %+v", got[3])
	}
	if m := MatchFile(got, strings.ToUpper(photo.SHA256)); len(m) != 1 || m[0].Index != 2 {
		t.Errorf("MatchFile(photo) = %+v", m)
	}
	if m := MatchFile(got, strings.Repeat("00", 32)); m != nil {
		t.Errorf("MatchFile(unknown) = %+v", m)
	}
	if m := MatchFile(got, ""); m != nil {
		t.Errorf("MatchFile(\"\") matches items without a hash: %+v", m)
	}
	if c := CustodyOf(in, nil); len(c) != 4 || c[0].Recorded {
		t.Errorf("without events: %+v", c)
	}
}

func slicesIndexSeq(events []*coord.Event, seq int64) int {
	for i, e := range events {
		if e.Seq == seq {
			return i
		}
	}
	return -1
}
