package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"lifeline/api"
	"lifeline/coord"
)

// TestDocExamples runs the walkthrough of docs/api.md, request by request,
// against a real server, and checks each answer against the document.
func TestDocExamples(t *testing.T) {
	b, err := os.ReadFile("../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```(http|http-response)\n(.*?)```").FindAllStringSubmatch(string(b), -1)
	if len(blocks) < 20 || len(blocks)%2 != 0 {
		t.Fatalf("docs/api.md: %d example blocks, want request/response pairs", len(blocks))
	}
	e := newEnv(t, api.Options{})
	vars := map[string]string{
		"author": e.w.Tokens[e.w.Author.MemberID], "named": e.w.Tokens[e.w.Named.MemberID],
		"named_org": e.w.Named.OrgID,
	}
	subst := regexp.MustCompile(`\{\{(\w+)\}\}`)
	expand := func(s string) string {
		return subst.ReplaceAllStringFunc(s, func(m string) string {
			name := m[2 : len(m)-2]
			v, ok := vars[name]
			if !ok {
				t.Fatalf("example uses {{%s}} before an answer names it", name)
			}
			return v
		})
	}
	for i := 0; i < len(blocks); i += 2 {
		req, res := blocks[i], blocks[i+1]
		if req[1] != "http" || res[1] != "http-response" {
			t.Fatalf("example %d: expected a request then a response", i/2+1)
		}
		head, body, _ := strings.Cut(req[2], "\n\n")
		lines := strings.Split(strings.TrimSpace(head), "\n")
		method, path, _ := strings.Cut(lines[0], " ")
		var header []string
		var token string
		for _, l := range lines[1:] {
			k, v, _ := strings.Cut(l, ": ")
			v = expand(v)
			if k == "Authorization" {
				token = strings.TrimPrefix(v, "Bearer ")
				continue
			}
			header = append(header, k, v)
		}
		path = expand(path)
		body = strings.TrimSpace(body)
		name := fmt.Sprintf("example %d (%s %s)", i/2+1, method, path)
		if token != "" {
			header = append(header, "Authorization", "Bearer "+token)
		}
		var rb any
		if body != "" {
			rb = expand(body)
		}
		got := e.do(coord.Viewer{}, method, path, rb, header...)
		status, want, _ := strings.Cut(strings.TrimSpace(res[2]), "\n\n")
		code, _ := strconv.Atoi(strings.Fields(status)[0])
		if got.Status != code {
			t.Fatalf("%s: status %d %s, the document says %s", name, got.Status, got.Body, status)
		}
		if strings.TrimSpace(want) == "" {
			continue
		}
		var w, g any
		if err := decodeNumbers([]byte(want), &w); err != nil {
			t.Fatalf("%s: the document's answer is not JSON: %v", name, err)
		}
		if err := decodeNumbers(got.Body, &g); err != nil {
			t.Fatalf("%s: answer %s: %v", name, got.Body, err)
		}
		if err := match(w, g, vars, "answer"); err != nil {
			t.Fatalf("%s: %v\nanswer: %s", name, err, got.Body)
		}
	}
}

func decodeNumbers(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

// match checks that got has what want shows: every key of an object,
// the first elements of an array, equal scalars; "..." matches anything
// and "{{name}}" names the value (or must equal it, once named).
func match(want, got any, vars map[string]string, at string) error {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: want an object, found %v", at, got)
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				return fmt.Errorf("%s.%s: missing", at, k)
			}
			if err := match(wv, gv, vars, at+"."+k); err != nil {
				return err
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) < len(w) {
			return fmt.Errorf("%s: want an array of at least %d, found %v", at, len(w), got)
		}
		for i := range w {
			if err := match(w[i], g[i], vars, fmt.Sprintf("%s[%d]", at, i)); err != nil {
				return err
			}
		}
	case string:
		gs := fmt.Sprint(got)
		if w == "..." {
			return nil
		}
		if strings.HasPrefix(w, "{{") && strings.HasSuffix(w, "}}") {
			name := w[2 : len(w)-2]
			if v, ok := vars[name]; ok && v != gs {
				return fmt.Errorf("%s: want %s = %q, found %q", at, name, v, gs)
			}
			vars[name] = gs
			return nil
		}
		if gs != w {
			return fmt.Errorf("%s: want %q, found %q", at, w, gs)
		}
	case json.Number:
		wf, _ := w.Float64()
		gn, ok := got.(json.Number)
		gf, _ := gn.Float64()
		if !ok || wf != gf {
			return fmt.Errorf("%s: want %v, found %v", at, w, got)
		}
	default:
		if fmt.Sprint(want) != fmt.Sprint(got) {
			return fmt.Errorf("%s: want %v, found %v", at, want, got)
		}
	}
	return nil
}
