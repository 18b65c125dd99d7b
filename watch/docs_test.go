package watch_test

import (
	"os"
	"strings"
	"testing"

	"lifeline/watch"
	"lifeline/watch/ioda"
	"lifeline/watch/rir"
)

// TestDocExamples reads every example of docs/watch.md with the importer
// of its format, so the documentation cannot drift from the code.
func TestDocExamples(t *testing.T) {
	doc, err := os.ReadFile("../docs/watch.md")
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
	if len(blocks["csv"]) != 1 || len(blocks["json"]) != 2 || len(blocks["delegated"]) != 1 {
		t.Fatalf("found %d csv, %d json and %d delegated examples, want 1, 2 and 1", len(blocks["csv"]), len(blocks["json"]), len(blocks["delegated"]))
	}
	series, err := watch.ReadCSV(strings.NewReader(blocks["csv"][0]), watch.CSVOptions{Name: "csv example", Kind: watch.KindProbing})
	if err != nil || len(series) != 2 || len(series[1].Values) != 3 {
		t.Errorf("csv example: %d series, %v", len(series), err)
	}
	sig, err := ioda.Read(strings.NewReader(blocks["json"][0]), "signals example")
	if err != nil || len(sig.Series) != 1 || len(sig.Series[0].Values) != 6 {
		t.Errorf("signals example: %+v, %v", sig, err)
	}
	ev, err := ioda.Read(strings.NewReader(blocks["json"][1]), "events example")
	if err != nil || len(ev.Events) != 1 || ev.Events[0].Kind != watch.KindProbing {
		t.Errorf("events example: %+v, %v", ev, err)
	}
	tab, err := rir.Read(strings.NewReader(blocks["delegated"][0]), "delegated example")
	if err != nil || tab.Len() != 17 {
		t.Errorf("delegated example: %v, %v", tab, err)
	}
	for _, spec := range []string{"bgp:warning=98%,critical=40%,window=2d,min=15m,history=6h"} {
		if !strings.Contains(string(doc), spec) {
			t.Fatalf("the doc no longer shows %q", spec)
		}
		cfg := watch.DefaultConfig()
		if _, _, err := watch.ParseThreshold(spec, cfg.Threshold); err != nil {
			t.Errorf("threshold example %q: %v", spec, err)
		}
	}
}
