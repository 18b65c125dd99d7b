package api_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"lifeline"
	"lifeline/api"
	"lifeline/coord"
)

// FuzzDecode checks the decoder's promises on any input: it never panics;
// it refuses with EINVALID; and what it accepts is one JSON value, UTF-8,
// with no key given twice, no NUL and only the fields of the type, in
// their case.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"title": "x", "tlp": "TLP:RED"}`,
		`{"tlp": "TLP:RED", "tlp": "TLP:CLEAR"}`,
		`{"TLP": "TLP:RED"}`,
		`{"title": "a\u0000"}`,
		"{\"title\": \"caf\xe9\"}",
		`{"area": {"type": "Polygon", "coordinates": [[[0], [1, 0], [1, 1], [0, 0]]]}}`,
		`{"repair": {"element": "cable:x", "status": "damaged", "status": "restored"}}`,
		`{"evidence": [{"kind": "link", "URL": "https://x"}]}`,
		`{} {}`, `[]`, `null`, `{"start": "yesterday"}`, `{"asns": [-1]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var upd coord.IncidentUpdate
		err := api.Decode(strings.NewReader(body), &upd)
		if err != nil {
			if lifeline.ErrorCode(err) != lifeline.EINVALID {
				t.Fatalf("Decode(%q) = %v, want EINVALID", body, err)
			}
			if strings.Contains(lifeline.ErrorMessage(err), "json: ") {
				t.Fatalf("Decode(%q): message shows the library: %v", body, err)
			}
			return
		}
		if !utf8.ValidString(body) {
			t.Fatalf("Decode accepted text that is not UTF-8: %q", body)
		}
		var v any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatalf("Decode accepted what is not one JSON value: %q (%v)", body, err)
		}
		if msg := walk(v); msg != "" {
			t.Fatalf("Decode accepted %q: %s", body, msg)
		}
		// Case-sensitive, no duplicates: re-encoding the result with the
		// standard decoder gives back the same fields.
		b, _ := json.Marshal(upd)
		var again coord.IncidentUpdate
		if err := api.Decode(strings.NewReader(string(b)), &again); err != nil {
			t.Fatalf("Decode refuses its own result %s: %v", b, err)
		}
	})
}

// walk returns why v should have been refused: a NUL in a string or a
// key.
func walk(v any) string {
	switch x := v.(type) {
	case string:
		if strings.ContainsRune(x, 0) {
			return "a string with NUL"
		}
	case []any:
		for _, e := range x {
			if m := walk(e); m != "" {
				return m
			}
		}
	case map[string]any:
		for k, e := range x {
			if strings.ContainsRune(k, 0) {
				return "a key with NUL"
			}
			if m := walk(e); m != "" {
				return m
			}
		}
	}
	return ""
}
