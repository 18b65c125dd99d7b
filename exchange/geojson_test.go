package exchange

import (
	"bytes"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"lifeline"
	"lifeline/coord"
)

// geoJSONSchema compiles the FeatureCollection schema published by the
// GeoJSON project (geojson.org/schema), kept in testdata.
func geoJSONSchema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	f, err := os.Open("testdata/schema/geojson/FeatureCollection.json")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		tb.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	const url = "https://geojson.org/schema/FeatureCollection.json"
	if err := c.AddResource(url, doc); err != nil {
		tb.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// A FeatureCollection holds exactly the incidents coord.CanSee lets the
// reader see, validates against the GeoJSON schema, and export → import
// → export gives the same bytes and the same incidents.
func TestGeoJSONRoundTripAndVisibility(t *testing.T) {
	s := geoJSONSchema(t)
	r := rand.New(rand.NewPCG(19, 20))
	incs := testIncidents(t, r, 30)
	for range 15 {
		v := randomViewer(r)
		var first bytes.Buffer
		if err := ExportGeoJSON(&first, v, incs); err != nil {
			t.Fatal(err)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(first.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(inst); err != nil {
			t.Fatalf("not valid GeoJSON: %v\n%s", err, first.Bytes())
		}
		got, err := ImportGeoJSON(bytes.NewReader(first.Bytes()), v)
		if err != nil {
			t.Fatalf("%v\n%s", err, first.Bytes())
		}
		var want []coord.Incident
		for _, in := range incs {
			if coord.CanSee(v, in.Marking) {
				want = append(want, in)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%+v: %d features, may see %d", v, len(got), len(want))
		}
		for i := range got {
			g, w := got[i], want[i]
			if (g.Area == nil) != (w.Area == nil) {
				t.Fatalf("%s: area %v, want %v", w.ID, g.Area, w.Area)
			}
			if !reflect.DeepEqual(g.Marking, w.Marking) || g.ID != w.ID || g.Title != w.Title || !slices.Equal(g.Countries, w.Countries) ||
				!reflect.DeepEqual(g.Shutdown, w.Shutdown) || !reflect.DeepEqual(g.Evidence, w.Evidence) || len(g.Restoration) != len(w.Restoration) {
				t.Fatalf("imported %+v\nwant %+v", g, w)
			}
		}
		var second bytes.Buffer
		if err := ExportGeoJSON(&second, v, got); err != nil {
			t.Fatal(err)
		}
		mustEqualBytes(t, "geojson", first.Bytes(), second.Bytes())
	}
}

// Features from another tool, and broken ones.
func TestGeoJSONImport(t *testing.T) {
	by := coord.Viewer{MemberID: "omar", OrgID: "operator"}
	ring := `[[[32.5,15.5],[32.6,15.5],[32.6,15.6],[32.5,15.6],[32.5,15.5]]]`
	good := `{"type":"FeatureCollection","features":[{"type":"Feature","id":7,"geometry":{"type":"Polygon","coordinates":` + ring + `},"properties":{"name":"Omdurman exchange flooded"}}]}`
	got, err := ImportGeoJSON(strings.NewReader(good), by)
	if err != nil || got[0].ID != "7" || got[0].Title != "Omdurman exchange flooded" || got[0].Kind != coord.KindOther || got[0].TLP != coord.TLPAmber || got[0].Org != "operator" || got[0].Area == nil {
		t.Fatalf("got %+v, %v", got, err)
	}
	cases := []struct{ name, doc, want string }{
		{"not json", "{\n\"type\": x}", "line 2: not JSON"},
		{"not a collection", `{"type":"Feature"}`, `type: expected "FeatureCollection"`},
		{"point", strings.Replace(good, `"type":"Polygon","coordinates":`+ring, `"type":"Point","coordinates":[1,2]`, 1), `features[0]: geometry: an incident's area is a Polygon or a MultiPolygon, found "Point"`},
		{"crossing ring", strings.Replace(good, ring, `[[[0,0],[0,2],[2,0],[2,2],[0,0]]]`, 1), "features[0]: area: polygon 0 ring 0 intersects itself"},
		{"no id", strings.Replace(good, `"id":7,`, "", 1), "features[0]: id: a feature names its incident"},
		{"no title", strings.Replace(good, `"name"`, `"label"`, 1), "features[0]: title: required"},
		{"bad tlp", strings.Replace(good, `{"name"`, `{"tlp":"TLP:PURPLE","name"`, 1), "features[0]: tlp: expected one of"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ImportGeoJSON(strings.NewReader(c.doc), by)
			if got != nil || lifeline.ErrorCode(err) != lifeline.EINVALID {
				t.Fatalf("got %v, %v; want EINVALID", got, err)
			}
			if msg := err.(*lifeline.Error).Message; !strings.Contains(msg, c.want) {
				t.Fatalf("message %q does not say %q", msg, c.want)
			}
		})
	}
}

func FuzzImportGeoJSON(f *testing.F) {
	incs := testIncidents(f, rand.New(rand.NewPCG(4, 4)), 4)
	var b bytes.Buffer
	if err := ExportGeoJSON(&b, fuzzAll, incs); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := ImportGeoJSON(bytes.NewReader(b), fuzzAll)
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
