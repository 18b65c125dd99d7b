package rir

import (
	"os"
	"strings"
	"testing"

	"lifeline"
)

func readFile(t *testing.T, b *Builder, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := b.Read(f, path); err != nil {
		t.Fatal(err)
	}
}

func TestRead(t *testing.T) {
	var b Builder
	readFile(t, &b, "testdata/delegated-test-extended")
	tab := b.Table()
	for _, c := range []struct {
		asn  uint32
		want string
	}{
		{1101, "NL"}, {12880, "IR"}, {58224, "IR"}, {29256, "SY"},
		{200000, "UA"}, {200015, "UA"}, {200016, ""}, {199999, ""},
		{4608, ""}, {4700, ""}, {1, ""}, {1<<32 - 1, ""},
	} {
		got, ok := tab.Country(c.asn)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("Country(%d) = %q, %v; want %q", c.asn, got, ok, c.want)
		}
	}
	if n := tab.Len(); n != 20 {
		t.Errorf("Len() = %d, want 20 (4 single numbers and a block of 16)", n)
	}
	if n := len(tab.Ranges()); n != 5 {
		t.Errorf("%d ranges, want 5", n)
	}
	if tab.Conflicts() != 0 {
		t.Errorf("%d conflicts in one consistent file", tab.Conflicts())
	}
}

func TestOverlapLaterDateWins(t *testing.T) {
	var b Builder
	// An ARIN file lists 64496–64511 for the US; a later RIPE record
	// transfers 64500–64503 to DE; an equally dated later file moves 64510.
	files := []string{
		"2|arin|20240101|1|19700101|20240101|-0500\narin|US|asn|64496|16|20100101|assigned|x\n",
		"2|ripencc|20240101|1|19700101|20240101|+0100\nripencc|DE|asn|64500|4|20200101|allocated|y\n",
		"2|lacnic|20240101|1|19700101|20240101|-0300\nlacnic|BR|asn|64510|1|20100101|allocated|z\n",
	}
	for i, f := range files {
		if err := b.Read(strings.NewReader(f), "file"+string(rune('A'+i))); err != nil {
			t.Fatal(err)
		}
	}
	tab := b.Table()
	for asn, want := range map[uint32]string{64496: "US", 64499: "US", 64500: "DE", 64503: "DE", 64504: "US", 64510: "BR", 64511: "US"} {
		if got, _ := tab.Country(asn); got != want {
			t.Errorf("Country(%d) = %q, want %q", asn, got, want)
		}
	}
	if tab.Conflicts() != 5 {
		t.Errorf("%d conflicts, want 5 (64500–64503 and 64510)", tab.Conflicts())
	}
	if n := len(tab.Ranges()); n != 5 {
		t.Errorf("%d ranges, want 5: %+v", n, tab.Ranges())
	}
}

func TestReadErrors(t *testing.T) {
	const head = "2|apnic|20240101|1|19700101|20240101|+1000\n"
	for _, c := range []struct {
		name, in, want string
	}{
		{"empty", "", "empty file"},
		{"no version line", "apnic|JP|asn|173|1|20020801|allocated|x\n", "line 1: want the version line"},
		{"few fields", head + "apnic|JP|asn|173\n", "line 2: 4 fields"},
		{"bad type", head + "apnic|JP|ipv5|173|1|20020801|allocated|x\n", `line 2: field type: "ipv5"`},
		{"bad start", head + "apnic|JP|asn|AS173|1|20020801|allocated|x\n", `line 2: field start: "AS173"`},
		{"zero count", head + "apnic|JP|asn|173|0|20020801|allocated|x\n", `line 2: field value: "0"`},
		{"past 2^32", head + "apnic|JP|asn|4294967295|2|20020801|allocated|x\n", "field value"},
		{"bad cc", head + "apnic|Japan|asn|173|1|20020801|allocated|x\n", `line 2: field cc: "Japan"`},
		{"bad status", head + "apnic|JP|asn|173|1|20020801|taken|x\n", `field status: "taken"`},
		{"bad date", head + "apnic|JP|asn|173|1|2002-08-01|allocated|x\n", `field date: "2002-08-01"`},
		{"long line", head + strings.Repeat("x", maxLine+1) + "\n", "line 2: bufio.Scanner: token too long"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b Builder
			err := b.Read(strings.NewReader(c.in), "delegated-apnic")
			if err == nil || lifeline.ErrorCode(err) != lifeline.EINVALID || !strings.Contains(err.Error(), "delegated-apnic: ") ||
				!strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want EINVALID naming the file and %q", err, c.want)
			}
			if len(b.recs) != 0 {
				t.Errorf("a failed read added %d records", len(b.recs))
			}
		})
	}
}
