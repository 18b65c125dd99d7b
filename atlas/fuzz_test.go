package atlas_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"lifeline"
	"lifeline/atlas"
)

// small is a valid atlas file of two countries joined by one cable.
const small = `{"format":"lifeline-atlas","version":1,"source":"test",
 "landing_points":[
  {"id":"a","name":"A","country":"GH","lon":-0.19,"lat":5.55},
  {"id":"b","name":"B","country":"NG","lon":3.42,"lat":6.44}],
 "cables":[{"id":"c","name":"C","rfs_year":2010,"length_km":800,"landing_points":["a","b"]}]}`

// FuzzDecode feeds atlas files to Decode: it must never panic, must refuse
// bad input with EINVALID and no atlas, and what it accepts must encode to
// a file that decodes to the same document.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(small))
	f.Add([]byte(strings.Replace(small, `"c","name"`, `"c","name":"dup","name"`, 1)))
	f.Add([]byte(strings.Replace(small, `"lat":5.55`, `"lat":95.5`, 1)))
	f.Add([]byte(`{"format":"lifeline-atlas","version":2}`))
	f.Add([]byte(`[]`))
	if b, err := os.ReadFile("starter/starter.json"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := atlas.Decode(bytes.NewReader(data), "fuzz.json")
		if err != nil {
			if a != nil {
				t.Fatalf("Decode returned an atlas with the error %v", err)
			}
			if code := lifeline.ErrorCode(err); code != lifeline.EINVALID {
				t.Fatalf("Decode error has code %q, want %q: %v", code, lifeline.EINVALID, err)
			}
			if !strings.Contains(err.Error(), "fuzz.json") {
				t.Fatalf("Decode error does not name the file: %v", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := a.Encode(&buf); err != nil {
			t.Fatalf("Encode of a decoded atlas: %v", err)
		}
		b, err := atlas.Decode(bytes.NewReader(buf.Bytes()), "again.json")
		if err != nil {
			t.Fatalf("an encoded atlas does not decode again: %v\n%s", err, buf.Bytes())
		}
		var again bytes.Buffer
		if err := b.Encode(&again); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), again.Bytes()) {
			t.Fatalf("encode → decode → encode changed the atlas:\n%s\n---\n%s", buf.Bytes(), again.Bytes())
		}
	})
}

// FuzzReadOverrides feeds capacity override files to ReadOverrides: never
// a panic, EINVALID naming the file for bad input, and only positive,
// finite capacities with their line numbers for good input.
func FuzzReadOverrides(f *testing.F) {
	f.Add([]byte("id,gbps,source\nc,1000,operator\nGH-NG,40,estimate\n"))
	f.Add([]byte("id,gbps\n# a comment\n\"c\",\"12.5\"\n"))
	f.Add([]byte("id,gbps,source\nc,-1,x\n"))
	f.Add([]byte("id,gbps,source\nc,\"1\n"))
	f.Add([]byte("gbps,id\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		ovs, err := atlas.ReadOverrides(bytes.NewReader(data), "caps.csv")
		if err != nil {
			if ovs != nil {
				t.Fatalf("ReadOverrides returned %d overrides with the error %v", len(ovs), err)
			}
			if code := lifeline.ErrorCode(err); code != lifeline.EINVALID {
				t.Fatalf("error has code %q, want %q: %v", code, lifeline.EINVALID, err)
			}
			if !strings.Contains(err.Error(), "caps.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, o := range ovs {
			if !(o.Gbps > 0) || o.Gbps > 1e308 || o.Line < 2 || o.File != "caps.csv" {
				t.Fatalf("accepted an override that breaks the contract: %+v", o)
			}
		}
	})
}
