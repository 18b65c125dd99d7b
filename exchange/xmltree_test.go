package exchange

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// node is a generic XML element: the test compares documents with it,
// independently of the package's own types.
type node struct {
	Name     xml.Name
	Text     string
	Children []*node
}

func parseTree(tb testing.TB, data []byte) *node {
	tb.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	var stack []*node
	var root *node
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return root
		}
		if err != nil {
			tb.Fatalf("parse: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{Name: t.Name}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(t)
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
}

// diffTree returns the first difference between a and b, comparing names,
// trimmed text and children in order.
func diffTree(a, b *node, path string) string {
	path += "/" + a.Name.Local
	if a.Name != b.Name {
		return fmt.Sprintf("%s: element %v against %v", path, a.Name, b.Name)
	}
	if strings.TrimSpace(a.Text) != strings.TrimSpace(b.Text) {
		return fmt.Sprintf("%s: text %q against %q", path, strings.TrimSpace(a.Text), strings.TrimSpace(b.Text))
	}
	if len(a.Children) != len(b.Children) {
		return fmt.Sprintf("%s: %d children against %d", path, len(a.Children), len(b.Children))
	}
	for i := range a.Children {
		if d := diffTree(a.Children[i], b.Children[i], path); d != "" {
			return d
		}
	}
	return ""
}
