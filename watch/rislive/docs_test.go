package rislive

import (
	"os"
	"strings"
	"testing"
)

// TestDocExample decodes the RIS Live example of docs/watch.md.
func TestDocExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/watch.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "```ris-live\n")
	if !ok {
		t.Fatal("docs/watch.md has no ris-live example")
	}
	example, _, _ := strings.Cut(rest, "```")
	var m Message
	if err := Decode([]byte(example), &m); err != nil {
		t.Fatal(err)
	}
	if o, ok := m.Data.Origin(); !ok || o != 12880 || len(m.Data.Announced) != 1 || len(m.Data.Withdrawn) != 1 {
		t.Errorf("example decoded as %+v", m.Data)
	}
}
