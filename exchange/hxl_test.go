package exchange

import (
	"bytes"
	"math/rand/v2"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"lifeline"
	"lifeline/coord"
)

// hxlDictionary reads the hashtags and attributes of the HXL core
// dictionary from the published dictionary page kept in testdata.
func hxlDictionary(tb testing.TB) (tags, attrs []string) {
	tb.Helper()
	b, err := os.ReadFile("testdata/hxl/hxl-hashtags-and-attributes.html")
	if err != nil {
		tb.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`id="tag_([a-z0-9_]+)"`).FindAllSubmatch(b, -1) {
		tags = append(tags, "#"+string(m[1]))
	}
	for _, m := range regexp.MustCompile(`id="att_([a-z0-9_]+)"`).FindAllSubmatch(b, -1) {
		attrs = append(attrs, string(m[1]))
	}
	if len(tags) < 40 || len(attrs) < 40 {
		tb.Fatalf("the dictionary page gave %d hashtags and %d attributes", len(tags), len(attrs))
	}
	return tags, attrs
}

func allHXLTags() []string {
	var out []string
	for _, c := range incidentColumns {
		out = append(out, c.tag)
	}
	for _, c := range resourceColumns(hxlSector) {
		out = append(out, c.tag)
	}
	for _, c := range matchColumns {
		out = append(out, c.tag)
	}
	for _, c := range restorationColumns {
		out = append(out, c.tag)
	}
	return out
}

// Every hashtag and attribute is the core dictionary's, or an extension
// in the standard's #x_ / +x_ form; no table repeats a hashtag.
func TestHXLTagsInDictionary(t *testing.T) {
	tags, attrs := hxlDictionary(t)
	for _, tag := range allHXLTags() {
		parts := strings.Split(tag, "+")
		if !slices.Contains(tags, parts[0]) && !strings.HasPrefix(parts[0], "#x_") {
			t.Errorf("%s: hashtag %s is not in the HXL core dictionary", tag, parts[0])
		}
		for _, a := range parts[1:] {
			if !slices.Contains(attrs, a) && !strings.HasPrefix(a, "x_") {
				t.Errorf("%s: attribute +%s is not in the HXL core dictionary", tag, a)
			}
		}
	}
	for name, cols := range map[string][]string{"incidents": tagsOf(incidentColumns), "resources": tagsOf(resourceColumns("")), "matches": tagsOf(matchColumns), "restoration": tagsOf(restorationColumns)} {
		seen := map[string]bool{}
		for _, c := range cols {
			if seen[normTag(c)] {
				t.Errorf("%s: %s twice", name, c)
			}
			seen[normTag(c)] = true
		}
	}
}

func tagsOf[T any](cols []hxlColumn[T]) []string {
	var s []string
	for _, c := range cols {
		s = append(s, c.tag)
	}
	return s
}

func ids[T any](items []T, id func(*T) string) []string {
	var s []string
	for i := range items {
		s = append(s, id(&items[i]))
	}
	return s
}

// Each table holds exactly what coord.CanSee lets the reader see, and
// export → import → export gives the same bytes.
func TestHXLRoundTripAndVisibility(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	incs := testIncidents(t, r, 30)
	needs, offers := testResources(t, r, 15)
	matches := testMatches(t, r, needs, offers)
	for range 25 {
		v := randomViewer(r)
		var first, second bytes.Buffer

		if err := ExportHXLIncidents(&first, v, incs); err != nil {
			t.Fatal(err)
		}
		gotI, err := ImportHXLIncidents(bytes.NewReader(first.Bytes()), fuzzAll)
		if err != nil {
			t.Fatalf("%v\n%s", err, first.Bytes())
		}
		wantIDs := ids(incs, func(in *coord.Incident) string { return in.ID })
		wantIDs = slices.DeleteFunc(wantIDs, func(id string) bool {
			i := slices.IndexFunc(incs, func(in coord.Incident) bool { return in.ID == id })
			return !coord.CanSee(v, incs[i].Marking)
		})
		if g := ids(gotI, func(in *coord.Incident) string { return in.ID }); !slices.Equal(g, wantIDs) {
			t.Fatalf("%+v: table holds %v, may see %v", v, g, wantIDs)
		}
		if err := ExportHXLIncidents(&second, v, gotI); err != nil {
			t.Fatal(err)
		}
		mustEqualBytes(t, "incidents", first.Bytes(), second.Bytes())

		first.Reset()
		second.Reset()
		if err := ExportHXLNeeds(&first, v, needs); err != nil {
			t.Fatal(err)
		}
		gotN, err := ImportHXLNeeds(bytes.NewReader(first.Bytes()), fuzzAll)
		if err != nil {
			t.Fatalf("%v\n%s", err, first.Bytes())
		}
		for _, n := range gotN {
			i := slices.IndexFunc(needs, func(x coord.Need) bool { return x.ID == n.ID })
			if i < 0 || !coord.CanSee(v, needs[i].Marking) {
				t.Fatalf("%+v: table holds need %s it may not see", v, n.ID)
			}
			w := needs[i]
			w.Updated, w.Version = w.Created, 0
			if !reflect.DeepEqual(n, w) {
				t.Fatalf("need %s: imported %+v, want %+v", n.ID, n, w)
			}
		}
		if err := ExportHXLNeeds(&second, v, gotN); err != nil {
			t.Fatal(err)
		}
		mustEqualBytes(t, "needs", first.Bytes(), second.Bytes())

		first.Reset()
		second.Reset()
		if err := ExportHXLOffers(&first, v, offers); err != nil {
			t.Fatal(err)
		}
		gotO, err := ImportHXLOffers(bytes.NewReader(first.Bytes()), fuzzAll)
		if err != nil {
			t.Fatalf("%v\n%s", err, first.Bytes())
		}
		if err := ExportHXLOffers(&second, v, gotO); err != nil {
			t.Fatal(err)
		}
		mustEqualBytes(t, "offers", first.Bytes(), second.Bytes())

		first.Reset()
		second.Reset()
		if err := ExportHXLCommitments(&first, v, matches); err != nil {
			t.Fatal(err)
		}
		gotM, err := ImportHXLCommitments(bytes.NewReader(first.Bytes()), fuzzAll)
		if err != nil {
			t.Fatalf("%v\n%s", err, first.Bytes())
		}
		for _, m := range gotM {
			i := slices.IndexFunc(matches, func(x coord.Match) bool { return x.ID == m.ID })
			if !coord.CanSee(v, matches[i].Marking) {
				t.Fatalf("%+v: table holds match %s it may not see", v, m.ID)
			}
		}
		if err := ExportHXLCommitments(&second, v, gotM); err != nil {
			t.Fatal(err)
		}
		mustEqualBytes(t, "commitments", first.Bytes(), second.Bytes())

		first.Reset()
		second.Reset()
		if err := ExportHXLRestoration(&first, v, incs); err != nil {
			t.Fatal(err)
		}
		gotR, err := ImportHXLRestoration(bytes.NewReader(first.Bytes()))
		if err != nil {
			t.Fatalf("%v\n%s", err, first.Bytes())
		}
		var back []coord.Incident
		for _, in := range incs {
			if rs, ok := gotR[in.ID]; ok {
				if !coord.CanSee(v, in.Marking) || !reflect.DeepEqual(rs, in.Restoration) {
					t.Fatalf("%+v: restoration of %s: got %+v, want %+v (may see: %v)", v, in.ID, rs, in.Restoration, coord.CanSee(v, in.Marking))
				}
				in.Restoration = rs
				back = append(back, in)
			}
		}
		if err := ExportHXLRestoration(&second, v, back); err != nil {
			t.Fatal(err)
		}
		mustEqualBytes(t, "restoration", first.Bytes(), second.Bytes())
	}
}

const hxlHead = "ID,Title,Countries,Reported\r\n#event+code,#event+name,#country+code,#date+reported\r\n"

// Broken and hostile tables fail with an error naming the line and the
// column, and nothing is imported.
func TestHXLHostile(t *testing.T) {
	cases := []struct{ name, doc, want string }{
		{"broken quoting", hxlHead + "a,\"Cut \"here\",SDN,2026-11-20\r\n", "line 3, column 8: a quote inside a quoted field"},
		{"unterminated quote", hxlHead + "a,\"Cut,SDN,2026-11-20\r\n", "line 3, column"},
		{"quote in bare field", hxlHead + "a,Cut\"here,SDN,2026-11-20\r\n", "line 3, column 6: a quote inside a field that is not quoted"},
		{"field count", hxlHead + "a,Cut,SDN\r\n", "line 3, column 1: 3 fields where the header has 4"},
		{"bad country", hxlHead + "a,Cut,Atlantis,2026-11-20\r\n", "line 3, column #country+code: expected ISO 3166-1"},
		{"bad date", hxlHead + "a,Cut,SDN,yesterday\r\n", "line 3, column #date+reported: expected a date"},
		{"no hashtags", "ID,Title\r\na,b\r\n", "no row of HXL hashtags"},
		{"missing column", "ID\r\n#event+code\r\na\r\n", "line 2: no #event+name column"},
		{"invalid incident", hxlHead + "a,,SDN,2026-11-20\r\n", "line 3: title: required"},
		{"not utf-8", hxlHead + "a,Cut\xff,SDN,2026-11-20\r\n", "line 3: not UTF-8"},
		{"huge field", hxlHead + "a," + strings.Repeat("x", MaxField+1) + ",SDN,2026-11-20\r\n", "line 3, field 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ImportHXLIncidents(strings.NewReader(c.doc), fuzzAll)
			if got != nil || lifeline.ErrorCode(err) != lifeline.EINVALID {
				t.Fatalf("got %v, %v; want EINVALID", got, err)
			}
			if msg := err.(*lifeline.Error).Message; !strings.Contains(msg, c.want) {
				t.Fatalf("message %q does not say %q", msg, c.want)
			}
		})
	}
	// A table made by hand, with extra columns and tags in another case
	// and order, imports.
	doc := "Note,Country,Name,Code\r\n#meta,#Country +Code,#EVENT+NAME,#event +code\r\nx,SDN; SSD,Cable cut,c1\r\n"
	got, err := ImportHXLIncidents(strings.NewReader(doc), fuzzAll)
	if err != nil || len(got) != 1 || !slices.Equal(got[0].Countries, []string{"SD", "SS"}) || got[0].Kind != coord.KindOther {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func fuzzHXL[T any](f *testing.F, seeds [][]byte, imp func(*bytes.Reader) ([]T, error), validate func(*T) error) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := imp(bytes.NewReader(b))
		if err != nil {
			if got != nil || lifeline.ErrorCode(err) != lifeline.EINVALID {
				t.Fatalf("error %v with values", err)
			}
			return
		}
		for i := range got {
			if err := validate(&got[i]); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func hxlSeeds(f *testing.F, export func(*bytes.Buffer) error) [][]byte {
	var b bytes.Buffer
	if err := export(&b); err != nil {
		f.Fatal(err)
	}
	return [][]byte{b.Bytes(), []byte(hxlHead + "a,\"b\"\"c\",SDN,2026-11-20\r\n")}
}

var fuzzAll = coord.Viewer{MemberID: "amal", OrgID: "ministry", OrgVerified: true}

func FuzzImportHXLIncidents(f *testing.F) {
	incs := testIncidents(f, rand.New(rand.NewPCG(1, 1)), 4)
	fuzzHXL(f, hxlSeeds(f, func(b *bytes.Buffer) error { return ExportHXLIncidents(b, fuzzAll, incs) }),
		func(r *bytes.Reader) ([]coord.Incident, error) { return ImportHXLIncidents(r, fuzzAll) }, (*coord.Incident).Validate)
}

func FuzzImportHXLNeeds(f *testing.F) {
	needs, _ := testResources(f, rand.New(rand.NewPCG(1, 2)), 4)
	fuzzHXL(f, hxlSeeds(f, func(b *bytes.Buffer) error { return ExportHXLNeeds(b, fuzzAll, needs) }),
		func(r *bytes.Reader) ([]coord.Need, error) { return ImportHXLNeeds(r, fuzzAll) }, (*coord.Need).Validate)
}

func FuzzImportHXLOffers(f *testing.F) {
	_, offers := testResources(f, rand.New(rand.NewPCG(1, 3)), 4)
	fuzzHXL(f, hxlSeeds(f, func(b *bytes.Buffer) error { return ExportHXLOffers(b, fuzzAll, offers) }),
		func(r *bytes.Reader) ([]coord.Offer, error) { return ImportHXLOffers(r, fuzzAll) }, (*coord.Offer).Validate)
}

func FuzzImportHXLCommitments(f *testing.F) {
	r := rand.New(rand.NewPCG(1, 4))
	needs, offers := testResources(f, r, 4)
	matches := testMatches(f, r, needs, offers)
	fuzzHXL(f, hxlSeeds(f, func(b *bytes.Buffer) error { return ExportHXLCommitments(b, fuzzAll, matches) }),
		func(r *bytes.Reader) ([]coord.Match, error) { return ImportHXLCommitments(r, fuzzAll) },
		func(m *coord.Match) error { return m.Marking.Validate() })
}

func FuzzImportHXLRestoration(f *testing.F) {
	incs := testIncidents(f, rand.New(rand.NewPCG(1, 5)), 12)
	var b bytes.Buffer
	if err := ExportHXLRestoration(&b, fuzzAll, incs); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := ImportHXLRestoration(bytes.NewReader(b))
		if err != nil && (got != nil || lifeline.ErrorCode(err) != lifeline.EINVALID) {
			t.Fatalf("error %v with values", err)
		}
		for _, rs := range got {
			for _, r := range rs {
				if !r.Status.Valid() || len(r.Timeline) == 0 {
					t.Fatalf("bad restoration %+v", r)
				}
			}
		}
	})
}

// Cells a spreadsheet would run as formulas are written as text, and read
// back as they were.
func TestCSVFormulaGuard(t *testing.T) {
	for _, s := range []string{"=HYPERLINK(\"http://evil\",\"x\")", "+1", "-cmd", "@SUM(A1)", "'quoted", "''=x", "-12.5", "plain", "", "'", "\tx"} {
		if got := unguardCell(guardCell(s)); got != s {
			t.Errorf("%q comes back as %q", s, got)
		}
	}
	for s, want := range map[string]string{"=1+1": "'=1+1", "-12.5": "-12.5", "-x": "'-x", "'a": "''a", "a=b": "a=b"} {
		if got := guardCell(s); got != want {
			t.Errorf("guard(%q) = %q, want %q", s, got, want)
		}
	}
	in := testIncidents(t, rand.New(rand.NewPCG(21, 22)), 1)
	in[0].Title = "=HYPERLINK(\"https://evil.example\",\"open\")"
	in[0].TLP, in[0].Orgs, in[0].Members = coord.TLPClear, nil, nil
	var b bytes.Buffer
	if err := ExportHXLIncidents(&b, fuzzAll, in); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), ",=HYPERLINK") || strings.Contains(b.String(), ",\"=HYPERLINK") {
		t.Fatalf("a formula reached the table:\n%s", b.String())
	}
	got, err := ImportHXLIncidents(bytes.NewReader(b.Bytes()), fuzzAll)
	if err != nil || got[0].Title != in[0].Title {
		t.Fatalf("got %+v, %v", got, err)
	}
}
