package exchange

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"lifeline"
	"lifeline/coord"
)

const stixSchemaBase = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/"

// stixSchemas compiles the OASIS STIX 2.1 JSON schemas from the copies in
// testdata, every file registered under its published URL so that nothing
// is fetched: the bundle schema, and one schema per object type.
type stixSchemas struct {
	bundle *jsonschema.Schema
	byType map[string]*jsonschema.Schema
}

// stixTypeSchemas names the schema of each type a bundle of ours holds.
var stixTypeSchemas = map[string]string{
	"identity": "sdos/identity.json", "incident": "sdos/incident.json", "location": "sdos/location.json",
	"observed-data": "sdos/observed-data.json", "report": "sdos/report.json", "relationship": "sros/relationship.json",
	"file": "observables/file.json", "marking-definition": "common/marking-definition.json",
}

func stixBundleSchema(tb testing.TB) *stixSchemas {
	tb.Helper()
	c := jsonschema.NewCompiler()
	root := filepath.Join("testdata", "schema", "stix")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		for _, base := range []string{stixSchemaBase, strings.Replace(stixSchemaBase, "http:", "https:", 1)} {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			doc, err := jsonschema.UnmarshalJSON(f)
			f.Close()
			if err != nil {
				return err
			}
			if m, ok := doc.(map[string]any); ok {
				delete(m, "$id") // registered under both schemes; refs are relative
			}
			if err := c.AddResource(base+filepath.ToSlash(rel), doc); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	s := &stixSchemas{byType: map[string]*jsonschema.Schema{}}
	if s.bundle, err = c.Compile(stixSchemaBase + "common/bundle.json"); err != nil {
		tb.Fatal(err)
	}
	for typ, path := range stixTypeSchemas {
		if s.byType[typ], err = c.Compile(stixSchemaBase + path); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

// validateSTIX checks every object of a bundle against the schema of its
// type, and the bundle against the bundle schema. The bundle schema of the
// stored release lists the object types a bundle may hold and leaves out
// incident and location (so that they match both of its catch-all
// branches and fail), so those two are checked against their own schemas
// only, and left out of the copy of the bundle checked as a whole.
func validateSTIX(tb testing.TB, s *stixSchemas, doc []byte) {
	tb.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		tb.Fatal(err)
	}
	b := inst.(map[string]any)
	var listed []any
	for i, o := range b["objects"].([]any) {
		typ, _ := o.(map[string]any)["type"].(string)
		sch, ok := s.byType[typ]
		if !ok {
			tb.Fatalf("objects[%d]: no schema for type %q", i, typ)
		}
		if err := sch.Validate(o); err != nil {
			tb.Fatalf("objects[%d] does not validate against the STIX 2.1 schema of %s: %v\n%s", i, typ, err, doc)
		}
		if typ != "incident" && typ != "location" {
			listed = append(listed, o)
		}
	}
	b["objects"] = listed
	if err := s.bundle.Validate(b); err != nil {
		tb.Fatalf("the bundle does not validate against the STIX 2.1 bundle schema: %v\n%s", err, doc)
	}
}

// The schema is able to refuse: an incident without a name fails.
func TestSTIXSchemaRefuses(t *testing.T) {
	s := stixBundleSchema(t)
	bad := `{"type":"bundle","id":"bundle--6d3c6a2e-6a8f-4a4e-9d6e-3f0e9d1f2a3b","objects":[{"type":"incident","spec_version":"2.1","id":"incident--6d3c6a2e-6a8f-4a4e-9d6e-3f0e9d1f2a3b","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z"}]}`
	var b struct{ Objects []any }
	_ = json.Unmarshal([]byte(bad), &b)
	if err := s.byType["incident"].Validate(b.Objects[0]); err == nil {
		t.Fatal("an incident without a name validated")
	}
}

// The TLP 2.0 marking-definition objects are the published ones, byte for
// meaning: the examples of the STIX TLP 2.0 extension, and the ids in the
// domain notes.
func TestSTIXTLPMarkings(t *testing.T) {
	for file, level := range map[string]coord.TLP{"tlp-amber.json": coord.TLPAmber, "tlp-amber+strict.json": coord.TLPAmberStrict} {
		b, err := os.ReadFile("testdata/stix/" + file)
		if err != nil {
			t.Fatal(err)
		}
		var example struct{ Objects []any }
		if err := json.Unmarshal(b, &example); err != nil {
			t.Fatal(err)
		}
		ours, _ := json.Marshal(TLP2Marking(level))
		var got any
		_ = json.Unmarshal(ours, &got)
		if !reflect.DeepEqual(got, example.Objects[0]) {
			t.Errorf("%s: ours %s\npublished %v", level, ours, example.Objects[0])
		}
	}
	want := map[coord.TLP]string{
		coord.TLPClear: "94868c89-83c2-464b-929b-a1a8aa3c8487", coord.TLPGreen: "bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
		coord.TLPAmber: "55d920b0-5e8b-4f79-9ee9-91f868d9b421", coord.TLPAmberStrict: "939a9414-2ddd-4d32-a0cd-375ea402b003",
		coord.TLPRed: "e828b379-4e03-4974-9ac4-e53a884c97c1",
	}
	for level, id := range want {
		m := TLP2Marking(level)
		if m.ID != "marking-definition--"+id || m.Name != string(level) {
			t.Errorf("%s: %s %s", level, m.ID, m.Name)
		}
	}
}

// A bundle holds exactly the incidents coord.CanSee lets the reader see,
// validates against the STIX 2.1 schemas, its report is marked with the
// narrowest level it reveals, and export → import → export gives the same
// bytes.
func TestSTIXRoundTripAndVisibility(t *testing.T) {
	s := stixBundleSchema(t)
	r := rand.New(rand.NewPCG(15, 16))
	incs := testIncidents(t, r, 25)
	for k := range 12 {
		v := randomViewer(r)
		if k == 0 {
			v = coord.Viewer{} // anonymous: TLP:CLEAR only
		}
		var first bytes.Buffer
		if err := ExportSTIX(&first, v, incs, testOpt); err != nil {
			t.Fatal(err)
		}
		validateSTIX(t, s, first.Bytes())
		got, err := ImportSTIX(bytes.NewReader(first.Bytes()), v)
		if err != nil {
			t.Fatalf("%v\n%s", err, first.Bytes())
		}
		var want []string
		var levels []coord.TLP
		for _, in := range incs {
			if coord.CanSee(v, in.Marking) {
				want = append(want, in.ID)
				levels = append(levels, in.TLP)
			}
		}
		var gotIDs []string
		for _, in := range got {
			gotIDs = append(gotIDs, in.ID)
			i := slices.IndexFunc(incs, func(x coord.Incident) bool { return x.ID == in.ID })
			o := incs[i]
			if in.Title != o.Title || in.Kind != o.Kind || in.Status != o.Status || in.TLP != o.TLP || in.Org != o.Org ||
				in.Author != o.Author || !slices.Equal(in.Orgs, o.Orgs) || !slices.Equal(in.Members, o.Members) ||
				!in.Created.Equal(o.Created) || !in.Updated.Equal(o.Updated) || len(in.Evidence) != len(o.Evidence) ||
				len(in.Countries) != len(o.Countries) || (in.Area == nil) != (o.Area == nil) {
				t.Errorf("%s: imported %+v\nfrom %+v", o.ID, in, o)
			}
		}
		slices.Sort(gotIDs)
		slices.Sort(want)
		if !slices.Equal(gotIDs, want) {
			t.Fatalf("%+v: bundle holds %v, may see %v", v, gotIDs, want)
		}
		var b Bundle
		_ = json.Unmarshal(first.Bytes(), &b)
		for _, o := range b.Objects {
			if o.Type == "report" && o.ObjectMarkingRefs[0] != TLP2MarkingIDs[narrowest(levels)] {
				t.Errorf("report marked %v, contents up to %s", o.ObjectMarkingRefs, narrowest(levels))
			}
		}
		var second bytes.Buffer
		if err := ExportSTIX(&second, v, got, testOpt); err != nil {
			t.Fatal(err)
		}
		mustEqualBytes(t, "bundle", first.Bytes(), second.Bytes())
	}
}

// A bundle from a threat-sharing platform — TLP 1.0 marking, an identity
// — imports as a cyber attack of that organisation.
func TestSTIXImportForeign(t *testing.T) {
	doc := `{"type":"bundle","id":"bundle--0b0f5a43-3a7c-4a57-9a40-5b0c1d4c2e11","objects":[
 {"type":"identity","spec_version":"2.1","id":"identity--8f0c1a33-6c0f-4e8a-9a52-2c0d0f5a1b22","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"CERT-Example","identity_class":"organization"},
 {"type":"incident","spec_version":"2.1","id":"incident--1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5","created":"2026-02-03T04:05:06.789Z","modified":"2026-02-03T05:00:00.000Z","name":"DDoS on a national IXP","created_by_ref":"identity--8f0c1a33-6c0f-4e8a-9a52-2c0d0f5a1b22","object_marking_refs":["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"],"external_references":[{"source_name":"cert","url":"https://cert.example/advisory/1"}]}
]}`
	got, err := ImportSTIX(strings.NewReader(doc), coord.Viewer{MemberID: "omar", OrgID: "operator"})
	if err != nil {
		t.Fatal(err)
	}
	in := got[0]
	if in.Kind != coord.KindCyberAttack || in.TLP != coord.TLPAmber || in.Org != "CERT-Example" || in.Title != "DDoS on a national IXP" ||
		len(in.Evidence) != 1 || in.Evidence[0].URL != "https://cert.example/advisory/1" || in.Created.Nanosecond() != 789000000 {
		t.Fatalf("imported %+v", in)
	}
}

// Broken and hostile bundles fail with an error naming the line or the
// object, and nothing is imported.
func TestSTIXHostile(t *testing.T) {
	inc := func(extra string) string {
		return `{"type":"bundle","id":"bundle--0b0f5a43-3a7c-4a57-9a40-5b0c1d4c2e11","objects":[
{"type":"incident","spec_version":"2.1","id":"incident--1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5","created":"2026-02-03T04:05:06.789Z"` + extra + `}]}`
	}
	cases := []struct{ name, doc, want string }{
		{"not json", "{\n\"type\": bundle}", "line 2: not JSON"},
		{"wrong type", `{"type":"report","id":"bundle--x","objects":[]}`, `expected an object of type "bundle"`},
		{"bad id", inc(`,"name":"x"`)[:0] + `{"type":"bundle","id":"bundle--1","objects":[{"type":"incident","id":"indicator--1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5"}]}`, "objects[0]: expected a type and an id of that type"},
		{"bad uuid", `{"type":"bundle","id":"bundle--1","objects":[{"type":"incident","id":"incident--zzz"}]}`, `objects[0]: id "incident--zzz": expected type--UUID`},
		{"no name", inc(""), "objects[0] (incident--1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5): title: required"},
		{"bad time", strings.Replace(inc(`,"name":"x"`), "2026-02-03T04:05:06.789Z", "yesterday", 1), "created: expected a UTC timestamp"},
		{"wrong field type", inc(`,"name":7`), "line 2: objects.name: expected a string, found number"},
		{"deep nesting", `{"type":"bundle","id":"bundle--1","objects":[{"type":"incident","id":"incident--1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5","x_deep":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}]}`, "not"},
		{"two values", inc(`,"name":"x"`) + "{}", "more than one JSON value"},
		{"bad country", strings.Replace(inc(`,"name":"x"`), "]}", `,{"type":"location","id":"location--2d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5","country":"QQ"},{"type":"relationship","id":"relationship--3d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5","relationship_type":"located-at","source_ref":"incident--1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5","target_ref":"location--2d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5"}]}`, 1), `country "QQ" is not`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ImportSTIX(strings.NewReader(c.doc), coord.Viewer{MemberID: "omar", OrgID: "operator"})
			if got != nil || lifeline.ErrorCode(err) != lifeline.EINVALID {
				t.Fatalf("got %v, %v; want EINVALID", got, err)
			}
			if msg := err.(*lifeline.Error).Message; !strings.Contains(msg, c.want) {
				t.Fatalf("message %q does not say %q", msg, c.want)
			}
		})
	}
}

func FuzzImportSTIX(f *testing.F) {
	incs := testIncidents(f, rand.New(rand.NewPCG(2, 2)), 3)
	var b bytes.Buffer
	if err := ExportSTIX(&b, fuzzAll, incs, testOpt); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := ImportSTIX(bytes.NewReader(b), fuzzAll)
		if err != nil {
			if got != nil || lifeline.ErrorCode(err) != lifeline.EINVALID {
				t.Fatalf("error %v with values", err)
			}
			return
		}
		for i := range got {
			if err := got[i].Validate(); err != nil {
				t.Fatal(err)
			}
		}
	})
}
