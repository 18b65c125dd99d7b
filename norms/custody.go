package norms

import (
	"encoding/json"
	"strings"
	"time"

	"lifeline/coord"
)

// Custody is the chain of custody of one evidence item: the item as the
// incident holds it and the signed event of the log that first recorded
// it — when, by whom, and the event's place in the log (its sequence
// number and hash, which "lifeline admin verify" checks).
//
// Recorded is false when none of the events given holds the item: the
// reader may not see the event that recorded it, or the log was given only
// in part.
type Custody struct {
	Index    int // the item's position in the incident's evidence, from 0
	Evidence coord.Evidence
	Recorded bool
	At       time.Time // when the event was signed
	Author   string    // the member who submitted it
	Org      string    // the member's organisation
	Seq      int64     // the event's sequence number in the log
	Event    string    // the event's hash
}

// CustodyOf returns the chain of custody of every evidence item of in, in
// the incident's order, from events: the events about the incident that
// the reader may see, oldest first (coord.EventsAbout). An item's
// submission is the first incident.created or incident.updated event whose
// incident holds an item of the same kind and reference (hash, link or
// signal). It decides no visibility: give it the incident and the events as
// the reader's services returned them.
func CustodyOf(in *coord.Incident, events []*coord.Event) []Custody {
	out := make([]Custody, len(in.Evidence))
	for i, ev := range in.Evidence {
		out[i] = Custody{Index: i, Evidence: ev}
	}
	pending := len(out)
	for _, e := range events {
		if pending == 0 {
			break
		}
		if e.Type != coord.EventIncidentCreated && e.Type != coord.EventIncidentUpdated {
			continue
		}
		var logged struct {
			Evidence []coord.Evidence `json:"evidence"`
		}
		if json.Unmarshal(e.Payload, &logged) != nil {
			continue
		}
		for i := range out {
			if out[i].Recorded {
				continue
			}
			for _, ev := range logged.Evidence {
				if sameEvidence(ev, out[i].Evidence) {
					out[i].Recorded, out[i].At, out[i].Author, out[i].Org, out[i].Seq, out[i].Event = true, e.Time, e.Author, e.Org, e.Seq, e.Hash
					pending--
					break
				}
			}
		}
	}
	return out
}

// sameEvidence reports whether two evidence items are the same item: the
// same kind and the same reference. The note may have changed since.
func sameEvidence(a, b coord.Evidence) bool {
	return a.Kind == b.Kind && strings.EqualFold(a.SHA256, b.SHA256) && a.URL == b.URL && a.Signal == b.Signal
}

// MatchFile returns the custody records of the file evidence whose SHA-256
// is sum (hexadecimal, either case): the proof that a file is one that was
// submitted with the incident, and when. None when the file is not among
// the evidence given.
func MatchFile(custody []Custody, sum string) []Custody {
	var out []Custody
	for _, c := range custody {
		if c.Evidence.SHA256 != "" && strings.EqualFold(c.Evidence.SHA256, sum) {
			out = append(out, c)
		}
	}
	return out
}
