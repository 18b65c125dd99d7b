package asrel

import (
	"os"
	"slices"
	"strings"
	"testing"
)

func TestOpenPlainAndBzip2(t *testing.T) {
	for _, path := range []string{"testdata/handmade-relationships.txt", "testdata/handmade-relationships.txt.bz2"} {
		t.Run(path, func(t *testing.T) {
			g, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if g.Len() != 7 || g.P2C() != 6 || g.P2P() != 2 {
				t.Errorf("%d ASes, %d p2c, %d p2p; want 7, 6, 2", g.Len(), g.P2C(), g.P2P())
			}
			if p := g.Providers(64522); !slices.Equal(p, []uint32{64510, 64511}) {
				t.Errorf("providers of 64522: %v", p)
			}
			if c := g.Customers(64510); !slices.Equal(c, []uint32{64520, 64522}) {
				t.Errorf("customers of 64510: %v", c)
			}
			if p := g.Peers(64510); !slices.Equal(p, []uint32{64511}) {
				t.Errorf("peers of 64510: %v", p)
			}
			if g.Providers(1) != nil || g.Has(1) || !g.Has(64500) {
				t.Error("AS 1 is not in the file")
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "x.txt: no links"},
		{"comments only", "# nothing\n", "x.txt: no links"},
		{"two fields", "# c\n1|2\n", "x.txt: line 2: 2 field(s) in \"1|2\""},
		{"five fields", "1|2|0|bgp|x\n", "x.txt: line 1: more than 4 fields"},
		{"not a number", "1|2|0\nAS3|4|-1\n", "x.txt: line 2: field 1: \"AS3\" is not an AS number"},
		{"too large", "1|4294967296|0\n", "line 1: field 2: \"4294967296\" is not an AS number"},
		{"relationship", "1|2|1\n", "line 1: field 3: relationship \"1\", want -1 (provider to customer) or 0 (peers)"},
		{"sibling code of other files", "1|2|2\n", "relationship \"2\""},
		{"self link", "1|2|0\n5|5|-1\n", "line 2: AS 5 linked to itself"},
		{"AS 0", "0|2|-1\n", "line 1: AS 0 is reserved"},
		{"twice", "1|2|-1\n3|4|0\n2|1|0\n", "line 3: ASes 2 and 1 already linked at line 1"},
		{"corrupt bzip2", "BZh91AY&SYgarbage", "x.txt: line 1:"},
		{"long line", strings.Repeat("1", maxLine+10), "line 1: longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.in), "x.txt")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestReadAccepts(t *testing.T) {
	// CRLF line ends, a serial-2 source field, no final newline.
	g, err := Read(strings.NewReader("# x\r\n1|2|-1|bgp\r\n2|3|0"), "x.txt")
	if err != nil {
		t.Fatal(err)
	}
	if g.P2C() != 1 || g.P2P() != 1 || !slices.Equal(g.ASNs(), []uint32{1, 2, 3}) {
		t.Errorf("%d p2c, %d p2p, ASes %v", g.P2C(), g.P2P(), g.ASNs())
	}
}

func TestOpenMissing(t *testing.T) {
	if _, err := Open("testdata/none.txt"); err == nil || !strings.Contains(err.Error(), "none.txt") {
		t.Errorf("missing file: %v", err)
	}
}

func TestNewErrors(t *testing.T) {
	for _, tt := range []struct {
		links []Link
		want  string
	}{
		{[]Link{{1, 2, P2C}, {2, 1, P2P}}, "link 2 (2|1|0): ASes 2 and 1 already linked (link 1)"},
		{[]Link{{1, 2, 5}}, "link 1 (1|2|5): relationship 5"},
		{[]Link{{3, 3, P2P}}, "AS 3 linked to itself"},
	} {
		if _, err := New(tt.links); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%v): %v, want %q", tt.links, err, tt.want)
		}
	}
}

func TestLinkString(t *testing.T) {
	data, err := os.ReadFile("testdata/handmade-relationships.txt")
	if err != nil {
		t.Fatal(err)
	}
	if l := (Link{64500, 64501, P2P}); !strings.Contains(string(data), l.String()+"\n") {
		t.Errorf("%s is not written as in the file", l)
	}
}
