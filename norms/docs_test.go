package norms

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

func readDoc(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../docs/norms.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestDocListsEveryEntry keeps docs/norms.md, the reviewer's list, in step
// with the catalogue: every entry with its id, citation and source.
func TestDocListsEveryEntry(t *testing.T) {
	doc := readDoc(t)
	c := mustDefault(t)
	for _, e := range c.Entries {
		for _, want := range []string{"**`" + e.ID + "`**", "**" + e.Citation + "**", "<" + e.SourceURL + ">"} {
			if !strings.Contains(doc, want) {
				t.Errorf("docs/norms.md does not list %s with %q", e.ID, want)
			}
		}
		if e.Unconfirmed != "" && !strings.Contains(doc, e.Unconfirmed) {
			t.Errorf("docs/norms.md does not say what is unconfirmed about %s", e.ID)
		}
	}
	unconfirmed := len(c.Find(Query{Unconfirmed: true}))
	count := fmt.Sprintf("Not confirmed: %d of the %d entries", unconfirmed, len(c.Entries))
	if !strings.Contains(doc, count) {
		t.Errorf("docs/norms.md does not give the count of entries not confirmed: %q", count)
	}
	for _, f := range Fields {
		if !strings.Contains(doc, "| `"+f.Name+"` |") {
			t.Errorf("docs/norms.md does not document the field %s", f.Name)
		}
	}
}

// TestDocExample runs the case of docs/norms.md and checks the entries the
// text says it finds.
func TestDocExample(t *testing.T) {
	doc := readDoc(t)
	_, rest, ok := strings.Cut(doc, "```json case\n")
	block, after, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("docs/norms.md has no json case block")
	}
	cs, err := DecodeCase(strings.NewReader(block), "docs/norms.md")
	if err != nil {
		t.Fatal(err)
	}
	ex, err := mustDefault(t).Apply(cs.Incident, cs.Situations)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, f := range ex.Findings {
		found[f.ID] = true
	}
	_, claim, _ := strings.Cut(after, "For this case the engine finds")
	claim, _, _ = strings.Cut(claim, "\n\n")
	ids := regexp.MustCompile("`([a-z0-9-]+)`").FindAllStringSubmatch(claim, -1)
	if len(ids) < 5 {
		t.Fatalf("the example names %d entries", len(ids))
	}
	for _, m := range ids {
		if !found[m[1]] {
			t.Errorf("docs/norms.md says the example engages %s; the engine does not find it", m[1])
		}
	}
}

// TestDocTopics checks that docs/norms.md lists each entry under the
// heading of its topic, so the reviewer's list and the web's grouping agree.
func TestDocTopics(t *testing.T) {
	_, list, ok := strings.Cut(readDoc(t), "## The entries")
	if !ok {
		t.Fatal("docs/norms.md has no list of entries")
	}
	heading := ""
	under := map[string]string{}
	for _, line := range strings.Split(list, "\n") {
		if h, ok := strings.CutPrefix(line, "### "); ok {
			heading = strings.TrimSpace(h)
		}
		if m := regexp.MustCompile("^[0-9]+\\. \\*\\*`([a-z0-9-]+)`\\*\\*").FindStringSubmatch(line); m != nil {
			under[m[1]] = heading
		}
	}
	for _, e := range mustDefault(t).Entries {
		topic, _ := TopicByName(e.Topic)
		if under[e.ID] != topic.Title {
			t.Errorf("%s (topic %s) is listed under %q, want %q", e.ID, e.Topic, under[e.ID], topic.Title)
		}
	}
}
