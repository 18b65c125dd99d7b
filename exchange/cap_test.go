package exchange

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"lifeline"
	"lifeline/coord"
)

// The examples of the CAP 1.2 standard decode, encode to a document the
// official schema accepts, and hold the same elements and text as the
// standard's own.
func TestCAPStandardExamples(t *testing.T) {
	for _, name := range []string{"a2-thunderstorm.xml", "a3-earthquake.xml"} {
		t.Run(name, func(t *testing.T) {
			orig, err := os.ReadFile("testdata/cap/" + name)
			if err != nil {
				t.Fatal(err)
			}
			a, err := DecodeCAP(bytes.NewReader(orig))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := EncodeCAP(&out, a); err != nil {
				t.Fatal(err)
			}
			if d := diffTree(parseTree(t, orig), parseTree(t, out.Bytes()), ""); d != "" {
				t.Fatalf("encoded alert differs from the standard's example: %s\n%s", d, out.Bytes())
			}
			b, err := DecodeCAP(bytes.NewReader(out.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("decode(encode(a)) differs from a")
			}
			xsdValidate(t, "schema/cap/CAP-v1.2.xsd", out.Bytes())
		})
	}
}

// A storm warning from a national weather service becomes a reported
// incident of a natural hazard, with its polygon turned to GeoJSON order.
func TestCAPImportStormWarning(t *testing.T) {
	f, err := os.Open("testdata/cap/a2-thunderstorm.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in, err := ImportCAP(f)
	if err != nil {
		t.Fatal(err)
	}
	if in.Title != "SEVERE THUNDERSTORM WARNING" || in.Kind != coord.KindNaturalHazard || in.Status != coord.IncidentReported {
		t.Errorf("title, kind, status = %q, %s, %s", in.Title, in.Kind, in.Status)
	}
	if in.TLP != coord.TLPClear || in.Org != "KSTO@NWS.NOAA.GOV" || in.ID != "KSTO1055887203" {
		t.Errorf("tlp, org, id = %s, %s, %s", in.TLP, in.Org, in.ID)
	}
	if in.Severity != "Severe" || in.Urgency != "Immediate" || in.Certainty != "Observed" {
		t.Errorf("severity, urgency, certainty = %s, %s, %s", in.Severity, in.Urgency, in.Certainty)
	}
	if !strings.Contains(in.Description, "TAKE COVER") {
		t.Errorf("description lost the instruction: %q", in.Description)
	}
	want := time.Date(2003, 6, 17, 21, 57, 0, 0, time.UTC)
	if !in.Created.Equal(want) {
		t.Errorf("created %s, want %s", in.Created, want)
	}
	var ring [][]coord.Position
	if in.Area == nil || in.Area.Type != "Polygon" || json.Unmarshal(in.Area.Coordinates, &ring) != nil {
		t.Fatalf("area %+v", in.Area)
	}
	if ring[0][0] != (coord.Position{-120.14, 38.47}) || len(ring[0]) != 5 {
		t.Errorf("ring %v", ring)
	}
}

// The earthquake report is an Update: the incident's creation is the time
// of the message it references.
func TestCAPImportUpdate(t *testing.T) {
	f, err := os.Open("testdata/cap/a3-earthquake.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in, err := ImportCAP(f)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2003, 6, 12, 3, 30, 0, 0, time.UTC); !in.Created.Equal(want) {
		t.Errorf("created %s, want %s", in.Created, want)
	}
	if in.Kind != coord.KindNaturalHazard || in.Area != nil {
		t.Errorf("kind %s, area %v (a circle of radius 0 is a point)", in.Kind, in.Area)
	}
}

// Every exported alert is valid CAP 1.2, and export → import → export
// gives the same bytes.
func TestCAPRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, in := range testIncidents(t, r, 12) {
		author := coord.Viewer{MemberID: in.Author, OrgID: in.Org, Role: coord.RoleReporter}
		var first bytes.Buffer
		if err := ExportCAP(&first, author, &in, testOpt); err != nil {
			t.Fatal(err)
		}
		xsdValidate(t, "schema/cap/CAP-v1.2.xsd", first.Bytes())
		got, err := ImportCAP(bytes.NewReader(first.Bytes()))
		if err != nil {
			t.Fatalf("%s: %v\n%s", in.ID, err, first.Bytes())
		}
		if got.ID != in.ID || got.Title != in.Title || got.Kind != in.Kind || got.Status != in.Status ||
			got.TLP != in.TLP || got.Org != in.Org || got.Author != in.Author ||
			!slices.Equal(got.Orgs, in.Orgs) || !slices.Equal(got.Members, in.Members) ||
			!slices.Equal(got.Countries, in.Countries) || !slices.Equal(got.ASNs, in.ASNs) ||
			!got.Created.Equal(in.Created) || !got.Updated.Equal(in.Updated) {
			t.Errorf("%s: imported %+v\nfrom %+v", in.ID, got, in)
		}
		var second bytes.Buffer
		if err := ExportCAP(&second, author, got, testOpt); err != nil {
			t.Fatal(err)
		}
		mustEqualBytes(t, in.ID, first.Bytes(), second.Bytes())
	}
}

// The msgType follows the lifecycle.
func TestCAPLifecycle(t *testing.T) {
	in := testIncidents(t, rand.New(rand.NewPCG(3, 4)), 1)[0]
	v := coord.Viewer{MemberID: in.Author, OrgID: in.Org}
	for _, c := range []struct {
		status  coord.IncidentStatus
		updated time.Time
		msgType string
	}{
		{coord.IncidentReported, in.Created, "Alert"},
		{coord.IncidentReported, in.Created.Add(time.Hour), "Update"},
		{coord.IncidentVerified, in.Created.Add(time.Hour), "Update"},
		{coord.IncidentResolved, in.Created.Add(time.Hour), "Update"},
		{coord.IncidentDismissed, in.Created.Add(time.Hour), "Cancel"},
	} {
		in.Status, in.Updated = c.status, c.updated
		a, err := IncidentAlert(v, &in, testOpt)
		if err != nil {
			t.Fatal(err)
		}
		if a.MsgType != c.msgType || (c.msgType != "Alert") != (a.References != "") {
			t.Errorf("%s: msgType %s, references %q; want %s", c.status, a.MsgType, a.References, c.msgType)
		}
	}
}

// An alert is exported to exactly the readers coord.CanSee lets see the
// incident, and its scope follows the TLP.
func TestCAPVisibility(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	incs := testIncidents(t, r, 40)
	for i := range 400 {
		in := &incs[i%len(incs)]
		v := randomViewer(r)
		a, err := IncidentAlert(v, in, testOpt)
		if coord.CanSee(v, in.Marking) {
			if err != nil {
				t.Fatalf("%+v may see %s: %v", v, in.ID, err)
			}
			want := map[coord.TLP]string{coord.TLPClear: "Public", coord.TLPRed: "Private"}[in.TLP]
			if want == "" {
				want = "Restricted"
			}
			if a.Scope != want || a.Code[0] != string(in.TLP) {
				t.Fatalf("%s: scope %s code %v for %s", in.ID, a.Scope, a.Code, in.TLP)
			}
		} else if lifeline.ErrorCode(err) != lifeline.ENOTFOUND || a != nil {
			t.Fatalf("%+v may not see %s (%s), got %v, %v", v, in.ID, in.TLP, a, err)
		}
	}
}

const capHead = `<?xml version="1.0" encoding="UTF-8"?>
`

func capDoc(body string) string {
	return capHead + `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>X1</identifier>
  <sender>a@b.org</sender>
  <sent>2026-01-01T00:00:00+00:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <category>Infra</category>
    <event>Power outage</event>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Observed</certainty>
    <headline>Outage</headline>
` + body + `
  </info>
</alert>`
}

// Hostile and broken alerts fail with an error naming the line or element,
// and nothing is imported.
func TestCAPHostile(t *testing.T) {
	laughs := `<?xml version="1.0"?>
<!DOCTYPE alert [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol3;</identifier></alert>`
	huge := capHead + `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2" x="` + strings.Repeat("A", MaxField+1) + `"></alert>`
	cases := []struct{ name, doc, want string }{
		{"entity expansion", laughs, "line 2: a document type declaration"},
		{"external entity", capHead + `<!DOCTYPE alert SYSTEM "file:///etc/passwd"><alert/>`, "document type declaration"},
		{"huge attribute", huge, "attribute x of <alert> is"},
		{"wrong root namespace", strings.Replace(capDoc(""), "cap:1.2", "cap:1.1", 1), `namespace "urn:oasis:names:tc:emergency:cap:1.1"; expected`},
		{"foreign element", capDoc(`<x:evil xmlns:x="urn:evil">1</x:evil>`), "line 16: element <evil> is in namespace"},
		{"not well-formed", capDoc(`<description>a</headline>`), "line 16: not well-formed"},
		{"wrong root", capHead + `<info xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>`, "root element <info>; expected <alert>"},
		{"bad enumeration", strings.Replace(capDoc(""), "<urgency>Immediate", "<urgency>Now", 1), "alert/info[1]/urgency: expected one of"},
		{"open polygon", capDoc(`<area><areaDesc>x</areaDesc><polygon>1,1 1,2 2,2 2,1</polygon></area>`), "alert/info[1]/area[1]/polygon[1]: not closed"},
		{"crossing polygon", capDoc(`<area><areaDesc>x</areaDesc><polygon>0,0 0,2 2,0 2,2 0,0</polygon></area>`), "alert/info[1]/area[1]/polygon[1]: area: polygon 0 ring 0 intersects itself"},
		{"test message", strings.Replace(capDoc(""), "<status>Actual", "<status>Test", 1), "alert/status: only Actual alerts"},
		{"Z time", strings.Replace(capDoc(""), "+00:00</sent>", "Z</sent>", 1), "alert/sent: expected a date and time with an offset"},
		{"missing event", strings.Replace(capDoc(""), "<event>Power outage</event>", "", 1), "alert/info[1]/event: required"},
		{"bad country", capDoc(`<area><areaDesc>x</areaDesc><geocode><valueName>ISO 3166-1 alpha-2</valueName><value>QQ</value></geocode></area>`), "geocode[1]: expected an ISO 3166-1 alpha-2"},
		{"text outside root", capDoc("") + "junk", "text outside the root element"},
		{"too deep", capDoc(strings.Repeat("<a>", 40) + strings.Repeat("</a>", 40)), "nested 33 deep"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in, err := ImportCAP(strings.NewReader(c.doc))
			if in != nil || lifeline.ErrorCode(err) != lifeline.EINVALID {
				t.Fatalf("got %v, %v; want EINVALID", in, err)
			}
			if msg := err.(*lifeline.Error).Message; !strings.Contains(msg, c.want) {
				t.Fatalf("message %q does not say %q", msg, c.want)
			}
		})
	}
	// A well-formed alert with a power outage does import.
	in, err := ImportCAP(strings.NewReader(capDoc(`<area><areaDesc>x</areaDesc><circle>15.5,32.5 10</circle></area>`)))
	if err != nil || in.Kind != coord.KindPowerOutage || in.Area == nil {
		t.Fatalf("good alert: %+v, %v", in, err)
	}
}

func FuzzImportCAP(f *testing.F) {
	for _, name := range []string{"a2-thunderstorm.xml", "a3-earthquake.xml"} {
		b, err := os.ReadFile("testdata/cap/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(capDoc(`<area><areaDesc>x</areaDesc><circle>15.5,32.5 10</circle></area>`)))
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := ImportCAP(bytes.NewReader(b))
		if err != nil {
			if in != nil || lifeline.ErrorCode(err) != lifeline.EINVALID {
				t.Fatalf("error %v with %v", err, in)
			}
			return
		}
		if err := in.Validate(); err != nil {
			t.Fatalf("imported an invalid incident: %v", err)
		}
	})
}
