package exchange

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"lifeline"
	"lifeline/coord"
)

// The table holds a row per shutdown or throttling the reader may see and
// country, in STOP's columns, and export → import → export gives the same
// bytes.
func TestSTOPRoundTripAndVisibility(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	incs := testIncidents(t, r, 60)
	for k := range 20 {
		v := randomViewer(r)
		var first bytes.Buffer
		if err := ExportSTOP(&first, v, incs); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(first.String(), strings.Join(stopColumns, ",")+"\r\n") {
			t.Fatalf("header %q", strings.SplitN(first.String(), "\n", 2)[0])
		}
		got, err := ImportSTOP(bytes.NewReader(first.Bytes()), v, coord.TLPClear)
		if err != nil {
			if v.Anonymous() {
				// An anonymous reader may export, but not import: the
				// incidents need a source.
				if lifeline.ErrorCode(err) != lifeline.EINVALID {
					t.Fatal(err)
				}
				continue
			}
			t.Fatalf("%v\n%s", err, first.Bytes())
		}
		want := 0
		for _, in := range incs {
			if coord.CanSee(v, in.Marking) && (in.Kind == coord.KindShutdown || in.Kind == coord.KindThrottling) {
				want += len(in.Countries)
			}
		}
		if len(got) != want {
			t.Fatalf("%+v: %d rows, may see %d", v, len(got), want)
		}
		var second bytes.Buffer
		if err := ExportSTOP(&second, v, got); err != nil {
			t.Fatal(err)
		}
		mustEqualBytes(t, "stop", first.Bytes(), second.Bytes())
		_ = k
	}
}

// A row as the public dataset writes it imports as a shutdown of that
// country, with the same id every time.
func TestSTOPImportPublicRow(t *testing.T) {
	doc := "start_date,end_date,country,geo_scope,area_name,shutdown_type,shutdown_extent,affected_network,gov_ack,whatsapp_affected,facebook,other_affected,extra\n" +
		"2019-06-03,2019-07-09,Sudan,National,,Shutdown,Service-based,\"Zain, MTN, Sudani\",No,Yes,Yes,\"TikTok, Signal\",x\n"
	by := coord.Viewer{MemberID: "mariam", OrgID: "civil"}
	a, err := ImportSTOP(strings.NewReader(doc), by, coord.TLPClear)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ImportSTOP(strings.NewReader(doc), by, coord.TLPClear)
	us, err := ImportSTOP(strings.NewReader(strings.Replace(doc, "2019-06-03", "6/3/2019", 1)), by, coord.TLPClear)
	if err != nil || !us[0].Start.Equal(*a[0].Start) {
		t.Fatalf("month/day/year: %+v, %v", us, err)
	}
	in := a[0]
	if in.ID != b[0].ID || !strings.HasPrefix(in.ID, "stop-") || in.Kind != coord.KindShutdown || in.Countries[0] != "SD" ||
		in.TLP != coord.TLPClear || in.Org != "civil" || in.Shutdown.GeoScope != "national" || in.Shutdown.Extent != "service_based" ||
		!slices.Equal(in.Shutdown.AffectedNetworks, []string{"Zain", "MTN", "Sudani"}) || *in.Shutdown.GovAck ||
		!slices.Equal(in.Shutdown.Services, []string{"facebook", "whatsapp", "tiktok", "signal"}) || !in.End.Equal(time.Date(2019, 7, 9, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("imported %+v %+v", in, in.Shutdown)
	}
}

// Broken tables fail with an error naming the line and the column, and
// nothing is imported.
func TestSTOPHostile(t *testing.T) {
	head := "start_date,end_date,country,shutdown_type,gov_ack\n"
	cases := []struct{ name, doc, want string }{
		{"broken quoting", head + "2019-06-03,,\"Sudan,Shutdown,\n", "line 2, column"},
		{"bare quote", head + "2019-06-03,,Su\"dan,Shutdown,\n", "line 2, column 15: a quote inside a field that is not quoted"},
		{"bad date", head + "3 June 2019,,Sudan,Shutdown,\n", "line 2, column start_date: expected a date"},
		{"end before start", head + "2019-06-03,2019-06-01,Sudan,Shutdown,\n", "line 2: end: 2019-06-01T00:00:00Z is before start"},
		{"bad country", head + "2019-06-03,,Atlantis,Shutdown,\n", "line 2, column country: expected a country name"},
		{"bad type", head + "2019-06-03,,Sudan,Blackout,\n", "line 2, column shutdown_type: expected Shutdown or Throttle"},
		{"bad flag", head + "2019-06-03,,Sudan,Shutdown,perhaps\n", "line 2, column gov_ack: expected Yes or No"},
		{"no country column", "start_date\n2019-06-03\n", "line 1: no country column"},
		{"second row bad", head + "2019-06-03,,Sudan,Shutdown,\n2019-06-03,,Sudan,Shutdown,\n2019-06-03,,Nowhere,Shutdown,\n", "line 4, column country"},
	}
	by := coord.Viewer{MemberID: "mariam", OrgID: "civil"}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ImportSTOP(strings.NewReader(c.doc), by, "")
			if got != nil || lifeline.ErrorCode(err) != lifeline.EINVALID {
				t.Fatalf("got %v, %v; want EINVALID", got, err)
			}
			if msg := err.(*lifeline.Error).Message; !strings.Contains(msg, c.want) {
				t.Fatalf("message %q does not say %q", msg, c.want)
			}
		})
	}
}

func FuzzImportSTOP(f *testing.F) {
	incs := testIncidents(f, rand.New(rand.NewPCG(3, 3)), 20)
	var b bytes.Buffer
	if err := ExportSTOP(&b, fuzzAll, incs); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte("start_date,country\n2019-06-03,Sudan\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := ImportSTOP(bytes.NewReader(b), fuzzAll, coord.TLPClear)
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
