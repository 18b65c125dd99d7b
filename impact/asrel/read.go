package asrel

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"lifeline"
)

// maxLine bounds a line; real ones are under 30 bytes, comments under 300.
const maxLine = 64 << 10

// Open reads the relationship file at path, plain or bzip2.
//
// Errors: as Read; the file's own error when it cannot be opened.
func Open(path string) (*Graph, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, lifeline.Errorf(lifeline.EINVALID, "asrel.Open", "%v", err)
	}
	defer f.Close()
	return Read(f, path)
}

// Read reads a serial-1 relationship file, plain or bzip2-compressed
// (recognised by its first bytes). name names it in errors. A fourth field,
// as in serial-2 files ("…|-1|bgp"), is allowed and ignored.
//
// Errors: EINVALID naming the file and the line, with what was expected and
// what was found: a malformed line, AS number or relationship, a link of
// an AS to itself, a pair of ASes linked twice, a corrupt bzip2 stream, or
// a file without links.
func Read(r io.Reader, name string) (*Graph, error) {
	const op = "asrel.Read"
	br := bufio.NewReaderSize(r, maxLine)
	if magic, _ := br.Peek(3); string(magic) == "BZh" {
		br = bufio.NewReaderSize(bzip2.NewReader(br), maxLine)
	}
	fail := func(line int, format string, args ...any) error {
		return lifeline.Errorf(lifeline.EINVALID, op, "%s: line %d: %s", name, line, fmt.Sprintf(format, args...))
	}
	var links []Link
	var lines []int32 // line of each link, for errors found once all are read
	line := 0
	for {
		b, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, fail(line+1, "longer than %d bytes; want <as>|<as>|<relationship>", maxLine)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fail(line+1, "%v", err)
		}
		if len(b) == 0 && err != nil {
			break
		}
		line++
		b = bytes.TrimRight(b, "\r\n")
		if len(b) > 0 && b[0] != '#' {
			l, msg := parseLink(b)
			if msg != "" {
				return nil, fail(line, "%s", msg)
			}
			if msg := l.check(); msg != "" {
				return nil, fail(line, "%s", msg)
			}
			links = append(links, l)
			lines = append(lines, int32(line))
		}
		if err != nil {
			break
		}
	}
	if len(links) == 0 {
		return nil, lifeline.Errorf(lifeline.EINVALID, op, "%s: no links; want lines <provider>|<customer>|-1 and <peer>|<peer>|0", name)
	}
	g, bad, first, msg := build(links)
	if msg != "" {
		if first >= 0 {
			msg += fmt.Sprintf(" at line %d", lines[first])
		}
		return nil, fail(int(lines[bad]), "%s", msg)
	}
	return g, nil
}

// parseLink parses "a|b|rel" or "a|b|rel|source".
func parseLink(b []byte) (Link, string) {
	var f [4][]byte
	n := 0
	for rest := b; ; n++ {
		if n == len(f) {
			return Link{}, fmt.Sprintf("more than 4 fields in %q; want <as>|<as>|<relationship>", clip(b))
		}
		i := bytes.IndexByte(rest, '|')
		if i < 0 {
			f[n] = rest
			n++
			break
		}
		f[n], rest = rest[:i], rest[i+1:]
	}
	if n < 3 {
		return Link{}, fmt.Sprintf("%d field(s) in %q; want <provider>|<customer>|-1 or <peer>|<peer>|0", n, clip(b))
	}
	var l Link
	for i, p := range []*uint32{&l.A, &l.B} {
		v, err := strconv.ParseUint(string(f[i]), 10, 32)
		if err != nil {
			return Link{}, fmt.Sprintf("field %d: %q is not an AS number (0 to 4294967295)", i+1, clip(f[i]))
		}
		*p = uint32(v)
	}
	switch string(f[2]) {
	case "-1":
		l.Rel = P2C
	case "0":
		l.Rel = P2P
	default:
		return Link{}, fmt.Sprintf("field 3: relationship %q, want -1 (provider to customer) or 0 (peers)", clip(f[2]))
	}
	return l, ""
}

// clip shortens what a bad line holds for an error message.
func clip(b []byte) string {
	if len(b) > 60 {
		return string(b[:60]) + "…"
	}
	return string(b)
}
