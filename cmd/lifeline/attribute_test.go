package main

import (
	"encoding/json"
	"strings"
	"testing"

	"lifeline/internal/shareddata"
)

func TestAttributeTonga(t *testing.T) {
	isolate(t)
	data := shareddata.Path(t, "cables")
	out, stderr, code := runCLI(t, "attribute", "--atlas", data, "--as-of", "2022", "--json", "--top", "3",
		"--observed", "../../impact/testdata/attribution/2022-tonga-eruption.yaml")
	if code != 0 {
		t.Fatalf("code %d, stderr %s", code, stderr)
	}
	var r struct {
		Candidates []struct {
			Elements []string `json:"elements"`
			Score    float64  `json:"score"`
		} `json:"candidates"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("--json is not one object: %v", err)
	}
	if len(r.Candidates) == 0 || len(r.Candidates) > 3 || r.Candidates[0].Elements[0] != "segment:tonga-cable/0" || r.Candidates[0].Score < 0.99 {
		t.Errorf("candidates %+v; want the Tonga Cable first, explaining all", r.Candidates)
	}
	table, _, code := runCLI(t, "attribute", "--atlas", data, "TO=1", "fj=0")
	if code != 0 || !strings.Contains(table, "Tonga Cable segment 0") {
		t.Errorf("table: code %d\n%s", code, table)
	}
}

func TestAttributeErrors(t *testing.T) {
	isolate(t)
	for _, tc := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"attribute"}, 2, "no observation"},
		{[]string{"attribute", "TO"}, 2, "argument 1: expected CC=SHARE"},
		{[]string{"attribute", "TO=x"}, 2, "argument 1"},
		{[]string{"attribute", "--observed", "x.yaml", "TO=1"}, 2, "not both"},
		{[]string{"attribute", "TO=2"}, 2, "observed[0].drop"},
		{[]string{"attribute", "PT=0"}, 2, "no country dropped"},
	} {
		_, stderr, code := runCLI(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.says) {
			t.Errorf("%v: code %d, stderr %q; want %d saying %q", tc.args, code, stderr, tc.code, tc.says)
		}
	}
}

// FuzzReadObservations: any file or argument is read into observations
// or refused with an error, never a panic.
func FuzzReadObservations(f *testing.F) {
	f.Add("observed:\n  - {country: MR, drop: 1}\n  - {country: PT, drop: 0}\n", "MR=1")
	f.Add("observed: 3\n", "=")
	f.Add("event: x\nobserved: [{country: TO, drop: .NaN}]\n", "to=-1")
	f.Fuzz(func(t *testing.T, doc, arg string) {
		file := t.TempDir() + "/obs.yaml"
		writeFile(t, file, doc)
		if obs, err := readObservations(english, file, nil); err == nil && len(obs) == 0 {
			t.Error("a file read without error gave no observation")
		}
		if obs, err := readObservations(english, "", []string{arg}); err == nil && (len(obs) != 1 || len(obs[0].Country) != 2) {
			t.Errorf("%q read as %+v", arg, obs)
		}
	})
}

// TestAttributeLanguages: the ranking's headers, the names of what failed
// and the errors follow --lang; the scores are printed in its digits.
func TestAttributeLanguages(t *testing.T) {
	isolate(t)
	noLocale(t)
	for _, c := range []struct {
		lang string
		want []string
	}{
		{"", []string{"RANK  SCORE", "Tonga Cable segment 0 (Suva, Fiji – Nuku'alofa, Tonga)", "single candidates"}},
		{"es", []string{"PUESTO  PUNTUACIÓN", "Tonga Cable, segmento 0 (Suva, Fiji – Nuku'alofa, Tonga)", "1,000", "candidatos simples: 2"}},
		{"ar", []string{"الترتيب", "المقطع", "١٫٠٠٠"}},
	} {
		args := []string{"attribute", "TO=1", "FJ=0"}
		if c.lang != "" {
			args = append(args, "--lang", c.lang)
		}
		out, stderr, code := runCLI(t, args...)
		if miss := lacks(out, c.want...); code != 0 || len(miss) > 0 {
			t.Errorf("--lang %q lacks %q: code %d, %s\n%s", c.lang, miss, code, stderr, out)
		}
	}
	if _, stderr, code := runCLI(t, "attribute", "--lang", "fr"); code != 2 || !strings.Contains(stderr, "aucune observation") {
		t.Errorf("no observation, --lang fr: code %d, %q", code, stderr)
	}
	if _, stderr, code := runCLI(t, "attribute", "--lang", "ru", "--as-of", "3000", "TO=1"); code != 2 || !strings.Contains(stderr, "--as-of: ") {
		t.Errorf("--as-of 3000, --lang ru: code %d, %q", code, stderr)
	}
}
