package norms

import (
	"bytes"
	"strings"
	"testing"

	"lifeline"
)

const sampleCase = `{
  "incident": {"kind": "shutdown", "countries": ["ET"], "start": "2026-11-05T06:00:00Z",
    "shutdown": {"ordered_by": "National government", "gov_justification": "Public safety", "geo_scope": "national"}},
  "situations": [{"country": "ET", "kind": "state_of_emergency", "from": "2026-11-04", "source": "Proclamation"}]
}`

func TestDecodeCase(t *testing.T) {
	c, err := DecodeCase(strings.NewReader(sampleCase), "case.json")
	if err != nil {
		t.Fatal(err)
	}
	if c.Incident.Kind != "shutdown" || len(c.Situations) != 1 || c.Incident.Start == nil {
		t.Errorf("DecodeCase = %+v", c)
	}
	for _, tc := range []struct{ doc, want string }{
		{`{"incident": {"kind": "shutdown"}, "situation": []}`, `unknown field "situation"`},
		{"{\n\"incident\": {\"kind\": \"shutdown\",}\n}", "case.json: line 2: invalid character '}'"},
		{`{"incident": {"kind": "shutdown", "start": "yesterday"}}`, `case.json: a date and time: expected RFC 3339 such as "2026-11-05T06:00:00Z", found "yesterday"`},
		{`{"incident": {"kind": "shutdown", "shutdown": {"ordered_by": "aliens"}}}`, `case.json: shutdown.ordered_by: expected one of government`},
		{`{"incident": {"kind": "shutdown"}, "situations": [{"country": "ET", "kind": "disaster", "from": "2026-01-01"}]}`, "case.json: situations[0]: situation source: required"},
		{`{"incident": {"kind": "shutdown"}} []`, "unexpected data after the case object"},
	} {
		_, err := DecodeCase(strings.NewReader(tc.doc), "case.json")
		if err == nil || lifeline.ErrorCode(err) != lifeline.EINVALID || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("DecodeCase(%s) = %v; want EINVALID containing %q", tc.doc, err, tc.want)
		}
	}
}

func FuzzDecodeCase(f *testing.F) {
	f.Add([]byte(sampleCase))
	f.Add([]byte(`{"incident": {"kind": "cable_cut", "elements": ["cable:x"], "asns": [1]}}`))
	f.Add([]byte(`{"incident": {"kind": "shutdown", "end": "2020-01-01T00:00:00Z", "start": "2021-01-01T00:00:00Z"}}`))
	c := mustDefault(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := DecodeCase(bytes.NewReader(data), "fuzz.json")
		if err != nil {
			if lifeline.ErrorCode(err) != lifeline.EINVALID {
				t.Fatalf("error of code %s: %v", lifeline.ErrorCode(err), err)
			}
			return
		}
		if _, err := c.Apply(cs.Incident, cs.Situations); err != nil {
			t.Fatalf("a decoded case does not apply: %v", err)
		}
	})
}
