package api

import (
	"strconv"
	"testing"
)

// FuzzFeedCursor: a cursor sent by a client is opened or refused, never a
// panic; a made-up one is refused, and a sealed one opens for its reader
// only.
func FuzzFeedCursor(f *testing.F) {
	c := newCursors([]byte("a key of the tests, 32 bytes long"))
	f.Add("", "12")
	f.Add("m:mem_a", c.seal("m:mem_a", 12))
	f.Add("m:mem_b", c.seal("m:mem_a", 12))
	f.Add("", "AAAAAAAAAAAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, reader, cursor string) {
		if seq, ok := c.open(reader, cursor); ok && c.seal(reader, seq) != cursor {
			t.Fatalf("open(%q, %q) = %d, which seals to another cursor", reader, cursor, seq)
		}
		if n, err := strconv.ParseInt(cursor, 10, 64); err == nil && n >= 0 {
			sealed := c.seal(reader, n)
			if seq, ok := c.open(reader, sealed); !ok || seq != n {
				t.Fatalf("seal/open of %d for %q = %d, %v", n, reader, seq, ok)
			}
			if _, ok := c.open(reader+"x", sealed); ok {
				t.Fatalf("a cursor of %q opens for another reader", reader)
			}
		}
	})
}
