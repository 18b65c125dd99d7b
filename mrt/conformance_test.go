package mrt

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedMRT returns the directory of the shared MRT test data, which lives
// beside the repository (../shared/data/mrt from its root), or skips.
func sharedMRT(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		// The repository root holds go.mod; shared/ is its sibling.
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			p := filepath.Join(d, "..", "shared", "data", "mrt")
			if st, err := os.Stat(p); err == nil && st.IsDir() {
				return p
			}
			break
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	t.Skip("shared MRT data not found at ../shared/data/mrt beside the repository root; conformance tests need it")
	return ""
}

// conformanceCase is one MRT file and the bgpdump -m output expected of it.
type conformanceCase struct {
	name, input, expect string
	opt                 FormatOptions
	note                string
}

func conformanceCases(t testing.TB) []conformanceCase {
	dir := sharedMRT(t)
	var cases []conformanceCase
	ripe, err := filepath.Glob(filepath.Join(dir, "ripe-ncc-bgpdump", "test_data", "*"))
	if err != nil || len(ripe) == 0 {
		t.Fatalf("no RIPE test data in %s", dir)
	}
	for _, in := range ripe {
		c := conformanceCase{
			name:   "ripe/" + filepath.Base(in),
			input:  in,
			expect: filepath.Join(dir, "ripe-ncc-bgpdump", "test_expect", filepath.Base(in)+".bgp.gz"),
		}
		if strings.Contains(in, "nlri_mask_trailing_bits") {
			// The reference comes from a bgpdump newer than 1.6.2, which
			// clears prefix bits past the prefix length.
			c.opt.MaskTrailingBits = true
			c.note = "with MaskTrailingBits"
		}
		cases = append(cases, c)
	}
	refs, err := filepath.Glob(filepath.Join(dir, "bgpdump-m-reference", "*.txt"))
	if err != nil || len(refs) == 0 {
		t.Fatalf("no bgpdump -m references in %s", dir)
	}
	for _, ref := range refs {
		// caida-bgpstream_test_X.txt is caida-bgpstream/test/X, and
		// t2mune-mrtparse_samples_X.txt is t2mune-mrtparse/samples/X.
		base := strings.TrimSuffix(filepath.Base(ref), ".txt")
		var in string
		for _, pre := range []string{"caida-bgpstream_test_", "t2mune-mrtparse_samples_"} {
			if rest, ok := strings.CutPrefix(base, pre); ok {
				in = filepath.Join(dir, strings.ReplaceAll(strings.TrimSuffix(pre, "_"), "_", string(filepath.Separator)), rest)
			}
		}
		if in == "" {
			t.Fatalf("reference %s names no known input", ref)
		}
		cases = append(cases, conformanceCase{name: base, input: in, expect: ref})
	}
	return cases
}

func readExpected(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func dumpFile(t testing.TB, path string, opt DumpOptions) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := NewReader(f, Options{Name: path, Readahead: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out bytes.Buffer
	if err := Dump(&out, r, opt); err != nil {
		t.Fatalf("Dump: %v", err)
	}
	return out.Bytes()
}

// firstDiff describes where got and want first differ, by line.
func firstDiff(got, want []byte) string {
	g, w := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl []byte
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if !bytes.Equal(gl, wl) {
			return fmt.Sprintf("line %d:\n got %q\nwant %q", i+1, gl, wl)
		}
	}
	return "no difference"
}

// TestConformance checks that the output is byte-identical to bgpdump -m on
// every shared MRT file with a reference output.
func TestConformance(t *testing.T) {
	for _, c := range conformanceCases(t) {
		t.Run(c.name, func(t *testing.T) {
			want := readExpected(t, c.expect)
			got := dumpFile(t, c.input, DumpOptions{Workers: 2, Format: c.opt})
			if !bytes.Equal(got, want) {
				t.Fatalf("output differs from bgpdump -m (%d vs %d bytes) %s\n%s", len(got), len(want), c.note, firstDiff(got, want))
			}
		})
	}
}

// TestFormatterSequential checks that a plain Reader and Formatter loop
// gives the same output as the parallel Dump, on the smaller files.
func TestFormatterSequential(t *testing.T) {
	for _, c := range conformanceCases(t) {
		if st, err := os.Stat(c.input); err != nil || st.Size() > 500<<10 {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			f, err := os.Open(c.input)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r, err := NewReader(f, Options{Name: c.input})
			if err != nil {
				t.Fatal(err)
			}
			fm := NewFormatter(c.opt)
			var got []byte
			for {
				rec, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if got, err = fm.Append(got, &rec); err != nil {
					t.Fatal(err)
				}
			}
			if want := readExpected(t, c.expect); !bytes.Equal(got, want) {
				t.Fatalf("sequential output differs:\n%s", firstDiff(got, want))
			}
		})
	}
}

// TestDecodeShared decodes every record of the shared files with the
// structured decoders, which are stricter than the Formatter.
func TestDecodeShared(t *testing.T) {
	for _, c := range conformanceCases(t) {
		t.Run(c.name, func(t *testing.T) {
			f, err := os.Open(c.input)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r, err := NewReader(f, Options{Name: c.input})
			if err != nil {
				t.Fatal(err)
			}
			var (
				m   BGP4MP
				u   Update
				rib RIB
				td  TableDump
				a   Attributes
				n   int
			)
			for {
				rec, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				n++
				if err := decodeAny(&rec, &m, &u, &rib, &td, &a); err != nil {
					// Lab routers wrote a few malformed messages on purpose
					// (prefix lengths beyond 32 or 128, ADD-PATH NLRI in
					// non-ADD-PATH records); the strict decoders reject them.
					if strings.Contains(c.name, "bird") || strings.Contains(c.name, "nlri_mask") {
						continue
					}
					t.Errorf("record at %d: %v", rec.Offset, err)
				}
			}
			if n == 0 {
				t.Fatal("no records")
			}
		})
	}
}

// decodeAny decodes rec with the decoder of its type, and the attributes
// and messages inside it.
func decodeAny(rec *Record, m *BGP4MP, u *Update, rib *RIB, td *TableDump, a *Attributes) error {
	switch rec.Type {
	case TypeBGP4MP, TypeBGP4MPET:
		if rec.Subtype == BGP4MPEntry {
			var e BGP4MPRIBEntry
			if err := e.Decode(rec); err != nil {
				return err
			}
			return a.Decode(e.Attrs, Caps{})
		}
		if err := m.Decode(rec); err != nil {
			if isUnsupported(err) {
				return nil
			}
			return err
		}
		if m.IsStateChange() {
			return nil
		}
		typ, body, err := ParseMessage(m.Message)
		if err != nil || typ != MsgUpdate {
			return err
		}
		if err := u.Decode(body, m.Caps()); err != nil {
			return err
		}
		for range u.Attrs.ASPath.Segments() {
		}
	case TypeTableDump:
		if err := td.Decode(rec); err != nil {
			return err
		}
		return a.Decode(td.Attrs, td.Caps())
	case TypeTableDumpV2:
		if rec.Subtype == PeerIndexTable {
			_, err := DecodePeerIndex(rec)
			return err
		}
		if err := rib.Decode(rec); err != nil {
			return err
		}
		for _, e := range rib.Entries {
			if err := a.Decode(e.Attrs, Caps{AS4: true, AddPath: rib.AddPath()}); err != nil {
				return err
			}
		}
	}
	return nil
}
