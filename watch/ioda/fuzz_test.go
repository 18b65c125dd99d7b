package ioda

import (
	"bytes"
	"os"
	"testing"
)

// FuzzRead checks that no input makes Read panic and that what it accepts
// is usable: series with a positive step, events that end after they
// start, and no more values than the input has bytes.
func FuzzRead(f *testing.F) {
	for _, p := range []string{"testdata/signals.json", "testdata/events.json"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"data":[{"entityType":"asn","entityCode":"1","datasource":"bgp","from":0,"step":1,"values":[null,1e308]}]}`))
	f.Add([]byte(`{"data":[[[]]]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		res, err := Read(bytes.NewReader(in), "fuzz")
		if err != nil {
			return
		}
		n := 0
		for _, s := range res.Series {
			if s.Step <= 0 {
				t.Fatalf("series %s with step %v", s.Key, s.Step)
			}
			n += len(s.Values)
		}
		if n > len(in) {
			t.Fatalf("%d values from %d bytes", n, len(in))
		}
		for _, e := range res.Events {
			if e.End.Before(e.Start) {
				t.Fatalf("event %s ends before it starts", e.Key)
			}
		}
	})
}
