package exchange

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"lifeline/coord"
)

// TestDocExamples imports every example of docs/exchange.md with the
// importer of its format, and exports the result again: the examples are
// what the code writes, and the documentation cannot drift from it.
func TestDocExamples(t *testing.T) {
	doc, err := os.ReadFile("../docs/exchange.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := map[string][]string{}
	lines := strings.Split(string(doc), "\n")
	for i := 0; i < len(lines); i++ {
		lang, ok := strings.CutPrefix(lines[i], "```")
		if !ok || lang == "" {
			continue
		}
		var b []string
		for i++; i < len(lines) && lines[i] != "```"; i++ {
			b = append(b, lines[i])
		}
		blocks[lang] = append(blocks[lang], strings.Join(b, "\n")+"\n")
	}
	for lang, n := range map[string]int{"cap": 1, "edxl-rm": 1, "hxl": 2, "stix": 1, "stop": 1, "geojson": 1} {
		if len(blocks[lang]) != n {
			t.Fatalf("found %d %s examples, want %d", len(blocks[lang]), lang, n)
		}
	}
	v := coord.Viewer{MemberID: "lina", OrgID: "cable"}
	opt := Options{Instance: "lifeline.example.org", Now: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)}
	same := func(name, want string, export func(*bytes.Buffer) error) {
		t.Helper()
		var b bytes.Buffer
		if err := export(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := strings.ReplaceAll(b.String(), "\r\n", "\n"); got != want {
			t.Errorf("%s example: the code now writes\n%s", name, got)
		}
	}

	in, err := ImportCAP(strings.NewReader(blocks["cap"][0]))
	if err != nil || in.ID != "inc-7f3a" || in.TLP != coord.TLPGreen || in.Status != coord.IncidentVerified {
		t.Fatalf("cap example: %+v, %v", in, err)
	}
	same("cap", blocks["cap"][0], func(b *bytes.Buffer) error { return ExportCAP(b, v, in, opt) })

	needs, _, _, err := ImportRM(strings.NewReader(blocks["edxl-rm"][0]))
	if err != nil || len(needs) != 1 || needs[0].Quantity != 4 || needs[0].Orgs[0] != "satellite" {
		t.Fatalf("edxl-rm example: %+v, %v", needs, err)
	}
	same("edxl-rm", blocks["edxl-rm"][0], func(b *bytes.Buffer) error { return ExportRequestResource(b, v, &needs[0], opt) })

	incs, err := ImportHXLIncidents(strings.NewReader(blocks["hxl"][0]), v)
	if err != nil || len(incs) != 1 || incs[0].Countries[0] != "DJ" || incs[0].Area == nil {
		t.Fatalf("hxl incidents example: %+v, %v", incs, err)
	}
	same("hxl incidents", blocks["hxl"][0], func(b *bytes.Buffer) error { return ExportHXLIncidents(b, v, incs) })
	hn, err := ImportHXLNeeds(strings.NewReader(blocks["hxl"][1]), v)
	if err != nil || len(hn) != 1 || hn[0].LeadTime != coord.Duration(48*time.Hour) {
		t.Fatalf("hxl needs example: %+v, %v", hn, err)
	}
	same("hxl needs", blocks["hxl"][1], func(b *bytes.Buffer) error { return ExportHXLNeeds(b, v, hn) })

	si, err := ImportSTIX(strings.NewReader(blocks["stix"][0]), v)
	if err != nil || len(si) != 1 || si[0].Countries[0] != "DJ" || si[0].TLP != coord.TLPGreen {
		t.Fatalf("stix example: %+v, %v", si, err)
	}
	same("stix", blocks["stix"][0], func(b *bytes.Buffer) error { return ExportSTIX(b, v, si, opt) })

	gj, err := ImportGeoJSON(strings.NewReader(blocks["geojson"][0]), v)
	if err != nil || len(gj) != 1 || gj[0].Area == nil || gj[0].Version != 42 {
		t.Fatalf("geojson example: %+v, %v", gj, err)
	}
	same("geojson", blocks["geojson"][0], func(b *bytes.Buffer) error { return ExportGeoJSON(b, v, gj) })

	sd, err := ImportSTOP(strings.NewReader(blocks["stop"][0]), v, coord.TLPGreen)
	if err != nil || len(sd) != 1 || sd[0].Kind != coord.KindShutdown || len(sd[0].Shutdown.AffectedNetworks) != 3 {
		t.Fatalf("stop example: %+v, %v", sd, err)
	}
	same("stop", blocks["stop"][0], func(b *bytes.Buffer) error { return ExportSTOP(b, v, sd) })
}
