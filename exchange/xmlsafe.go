package exchange

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strings"
)

// Limits on the shape of an XML document, beyond MaxDocument and MaxField.
const (
	maxXMLDepth      = 32
	maxXMLAttrs      = 64
	maxXMLElements   = 1 << 20
	maxXMLNamespaces = 16
)

// checkXML reads data token by token before any decoding, and fails with
// the line of the first thing a hostile or wrong document carries: a
// document type declaration (which could declare entities that expand a
// few bytes into gigabytes, or fetch files), malformed XML, nesting deeper
// than maxXMLDepth, a text or attribute longer than MaxField, or an element
// outside the namespaces the format allows. It returns the local name of
// the root element, which must be in ns[0] and one of roots.
func checkXML(op string, data []byte, ns []string, roots ...string) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	// No entity beyond XML's five is known, and no charset but UTF-8.
	d.Entity = nil
	d.CharsetReader = nil
	depth, elements, root := 0, 0, ""
	for {
		start := d.InputOffset()
		tok, err := d.RawToken()
		line := lineAt(data, start)
		if err != nil {
			line, _ = d.InputPos()
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", invalid(op, "", "line %d: not well-formed XML: %v", line, xmlErr(err))
		}
		switch t := tok.(type) {
		case xml.Directive:
			return "", invalid(op, "", "line %d: a document type declaration (<!%s…>) is not accepted: it can declare entities that expand without bound; remove it", line, first(string(t), 12))
		case xml.ProcInst:
			if t.Target == "xml" && bytes.Contains(bytes.ToLower(t.Inst), []byte("encoding")) && !bytes.Contains(bytes.ToLower(t.Inst), []byte("utf-8")) {
				return "", invalid(op, "", "line %d: only UTF-8 documents are read; found %s", line, t.Inst)
			}
		case xml.CharData:
			if len(t) > MaxField {
				return "", invalid(op, "", "line %d: a text of %d bytes; at most %d are accepted", line, len(t), MaxField)
			}
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return "", invalid(op, "", "line %d: text outside the root element", line)
			}
		case xml.StartElement:
			depth++
			elements++
			if depth > maxXMLDepth {
				return "", invalid(op, "", "line %d: element <%s> is nested %d deep; at most %d levels are accepted", line, t.Name.Local, depth, maxXMLDepth)
			}
			if elements > maxXMLElements {
				return "", invalid(op, "", "line %d: more than %d elements", line, maxXMLElements)
			}
			if len(t.Attr) > maxXMLAttrs {
				return "", invalid(op, "", "line %d: element <%s> has %d attributes; at most %d are accepted", line, t.Name.Local, len(t.Attr), maxXMLAttrs)
			}
			for _, a := range t.Attr {
				if len(a.Value) > MaxField {
					return "", invalid(op, "", "line %d: attribute %s of <%s> is %d bytes long; at most %d are accepted", line, a.Name.Local, t.Name.Local, len(a.Value), MaxField)
				}
			}
			if depth == 1 {
				if root != "" {
					return "", invalid(op, "", "line %d: a second root element <%s>", line, t.Name.Local)
				}
				root = t.Name.Local
			}
		case xml.EndElement:
			depth--
		}
	}
	if root == "" {
		return "", invalid(op, "", "the document has no root element")
	}
	// A second pass, with namespaces resolved, checks where each element
	// belongs; the first pass has bounded everything it will read.
	d = xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	depth = 0
	open := 0 // the depth of an element whose content is not ours to check
	for {
		start := d.InputOffset()
		tok, err := d.Token()
		line := lineAt(data, start)
		if err != nil {
			line, _ = d.InputPos()
		}
		if errors.Is(err, io.EOF) {
			return root, nil
		}
		if err != nil {
			return "", invalid(op, "", "line %d: not well-formed XML: %v", line, xmlErr(err))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 {
				if t.Name.Space != ns[0] {
					return "", invalid(op, "", "line %d: root element <%s> is in namespace %q; expected %q", line, t.Name.Local, t.Name.Space, ns[0])
				}
				if !slices.Contains(roots, t.Name.Local) {
					return "", invalid(op, "", "line %d: root element <%s>; expected %s", line, t.Name.Local, orList(roots))
				}
				continue
			}
			if open > 0 {
				continue
			}
			switch {
			case t.Name.Space == xmldsig:
				open = depth
			case !slices.Contains(ns, t.Name.Space):
				return "", invalid(op, "", "line %d: element <%s> is in namespace %q, which this format does not use", line, t.Name.Local, t.Name.Space)
			case slices.Contains(openContent, t.Name.Local):
				open = depth
			}
		case xml.EndElement:
			if depth == open {
				open = 0
			}
			depth--
		}
	}
}

// openContent names the elements whose content a format leaves open to
// any namespace: EDXL-RM's TypeInfo (xs:any), for another system's
// resource typing. Their content is bounded by the first pass and not
// decoded.
var openContent = []string{"TypeInfo"}

// xmldsig is the namespace of XML signatures, which CAP and EDXL allow
// anywhere a signature goes; their content is not checked here.
const xmldsig = "http://www.w3.org/2000/09/xmldsig#"

// lineAt is the line of the byte at off, counting from 1, skipping the
// white space before a token.
func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	for off < int64(len(data)) && (data[off] == ' ' || data[off] == '\t' || data[off] == '\r' || data[off] == '\n') {
		off++
	}
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

func xmlErr(err error) string {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return se.Msg
	}
	return err.Error()
}

func first(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

func orList(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = "<" + x + ">"
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// encodeXML writes v as an indented UTF-8 XML document.
func encodeXML(w io.Writer, v any) error {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	e := xml.NewEncoder(&b)
	e.Indent("", "  ")
	if err := e.Encode(v); err != nil {
		return err
	}
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}
