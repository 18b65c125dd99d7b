package web

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestSimulatorTakesNamesAndIDs checks that the simulator's lists, whose
// options are names, and links and bookmarks, which carry ids, describe
// the same scenario and select the same options; and that its map picks
// by the names the options carry, without links.
func TestSimulatorTakesNamesAndIDs(t *testing.T) {
	ts := publicServer(t)
	byName := url.Values{"cable": {"SEACOM"}, "lp": {"Djibouti, Djibouti"}}
	byID := url.Values{"cable": {"seacom"}, "lp": {"djibouti-djibouti"}}
	var results []string
	for _, q := range []url.Values{byName, byID} {
		resp, page := get(t, nil, ts.URL+"/simulate/result?"+q.Encode())
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d", q.Encode(), resp.StatusCode)
		}
		yaml := regexp.MustCompile(`(?s)<pre[^>]*>(.*?)</pre>`).FindStringSubmatch(page)
		if yaml == nil || !strings.Contains(yaml[1], "seacom") || !strings.Contains(yaml[1], "djibouti-djibouti") {
			t.Fatalf("%s: the scenario does not name the cable and the station by id: %v", q.Encode(), yaml)
		}
		results = append(results, yaml[1])

		_, form := get(t, nil, ts.URL+"/simulate?"+q.Encode())
		for _, want := range []string{`<option selected>SEACOM</option>`, `<option selected>Djibouti, Djibouti</option>`} {
			if !strings.Contains(form, want) {
				t.Errorf("/simulate?%s: missing %s", q.Encode(), want)
			}
		}
		svg := form[strings.Index(form, "<svg"):strings.Index(form, "</svg>")]
		if strings.Contains(svg, "<a ") {
			t.Errorf("/simulate?%s: the simulator's map has links, which would leave the form", q.Encode())
		}
		if !strings.Contains(svg, `class="cable sel"`) || !strings.Contains(svg, "<title>SEACOM</title>") {
			t.Errorf("/simulate?%s: the chosen cable is not drawn selected and titled with its name", q.Encode())
		}
	}
	if results[0] != results[1] {
		t.Errorf("names and ids give different scenarios:\n%s\n%s", results[0], results[1])
	}
	if resp, _ := get(t, nil, ts.URL+"/simulate/result?lp=Djibouti"); resp.StatusCode != 404 {
		t.Errorf("a landing point named in part: status %d, want 404", resp.StatusCode)
	}
}

// TestSimulatorZooms draws the simulator's map of a region, with its
// landing points to pick, and keeps what was chosen in the regions' links.
func TestSimulatorZooms(t *testing.T) {
	ts := publicServer(t)
	_, page := get(t, nil, ts.URL+"/simulate?cable=seacom&bbox=25,-16,62,32")
	if !strings.Contains(page, `data-geo="25 32 `) {
		t.Error("the map is not of the region asked for")
	}
	if !strings.Contains(page, `class="lp"`) || !strings.Contains(page, "<title>Djibouti, Djibouti</title>") {
		t.Error("the region's landing points are not drawn one by one, titled with their names")
	}
	if !strings.Contains(page, `href="/simulate?cable=seacom&amp;bbox=-26,-12,16,28"`) {
		t.Error("the regions' links do not keep the chosen cable")
	}
	if resp, _ := get(t, nil, ts.URL+"/simulate?bbox=1,2,3"); resp.StatusCode != 400 {
		t.Errorf("a bad bbox: status %d, want 400", resp.StatusCode)
	}
}

// TestSimulationSaysWhatItsPeopleColumnIs: the last column of a result
// multiplies population by the share of capacity lost, and the page says
// so, in the reader's language, rather than calling it people affected.
func TestSimulationSaysWhatItsPeopleColumnIs(t *testing.T) {
	ts := publicServer(t)
	for lang, want := range map[string]string{
		"en": "not a count of people offline",
		"fr": "pas un nombre de personnes hors ligne",
		"ar": "وليس عدد من انقطع عنهم الاتصال",
	} {
		_, page := get(t, nil, ts.URL+"/simulate/result?cable=seacom&lang="+lang)
		if !strings.Contains(page, want) {
			t.Errorf("%s: the result does not say what its last column counts", lang)
		}
		if lang == "en" && strings.Contains(page, "People affected") {
			t.Error("the result still calls population × capacity lost \"people affected\"")
		}
	}
}
