package ioda

import (
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"lifeline"
	"lifeline/watch"
)

func readFile(t *testing.T, path string) *Result {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := Read(f, path)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

var t0 = time.Unix(1704445200, 0).UTC() // 2024-01-05 09:00 UTC

func TestReadSignals(t *testing.T) {
	res := readFile(t, "testdata/signals.json")
	if len(res.Events) != 0 || len(res.Series) != 4 {
		t.Fatalf("%d series and %d events, want 4 and 0", len(res.Series), len(res.Events))
	}
	want := []struct {
		key   string
		step  time.Duration
		n     int
		first float64
	}{
		{"bgp:country/IR", 5 * time.Minute, 12, 48211},
		{"probing:country/IR", 10 * time.Minute, 6, 9120.5},
		{"telescope:asn/12880", 5 * time.Minute, 12, 512},
		{"gtr.WEB_SEARCH:country/IR", 30 * time.Minute, 2, 0.82},
	}
	for i, w := range want {
		s := res.Series[i]
		if s.Key.String() != w.key || s.Step != w.step || len(s.Values) != w.n || s.Values[0] != w.first || !s.Start.Equal(t0) {
			t.Errorf("series %d: %s step %v, %d values from %v at %s; want %s %v, %d from %v at %s",
				i, s.Key, s.Step, len(s.Values), s.Values[0], s.Start, w.key, w.step, w.n, w.first, t0)
		}
	}
	if !math.IsNaN(res.Series[0].Values[3]) {
		t.Errorf("null read as %v, want NaN", res.Series[0].Values[3])
	}
	if len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0], "ping-slash24-loss") || !strings.Contains(res.Skipped[0], "not numbers") {
		t.Errorf("skipped %q, want the loss series", res.Skipped)
	}
}

func TestReadEvents(t *testing.T) {
	res := readFile(t, "testdata/events.json")
	if len(res.Series) != 0 || len(res.Events) != 3 {
		t.Fatalf("%d series and %d events, want 0 and 3", len(res.Series), len(res.Events))
	}
	e := res.Events[0]
	if e.Key.String() != "bgp:country/IR" || !e.Start.Equal(time.Unix(1704446400, 0)) || e.Duration() != 30*time.Minute ||
		e.Severity != 24585.36 || e.Source != "ioda" {
		t.Errorf("first event %s %s %v severity %v source %q", e.Key, e.Start, e.Duration(), e.Severity, e.Source)
	}
	if res.Events[1].Key.String() != "telescope:asn/12880" || res.Events[2].Entity != (watch.Entity{Type: watch.EntityRegion, Code: "4322"}) {
		t.Errorf("events %s and %s", res.Events[1].Key, res.Events[2].Key)
	}
	if len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0], "geoasn/3269-1906") {
		t.Errorf("skipped %q, want the geoasn event", res.Skipped)
	}
}

// TestEventsCorroborateSignals runs the detector on the fixture's signals
// with IODA's events: the country's BGP fall and IODA's own BGP event do
// not confirm each other (one kind), but active probing does.
func TestEventsCorroborateSignals(t *testing.T) {
	sig, ev := readFile(t, "testdata/signals.json"), readFile(t, "testdata/events.json")
	cfg := watch.DefaultConfig()
	for k, th := range cfg.Thresholds {
		th.MinHistory = 10 * time.Minute // the fixture holds an hour
		cfg.Thresholds[k] = th
	}
	cfg.Default.MinHistory = 10 * time.Minute
	d, err := watch.NewDetector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	alerts := d.Detect(sig.Series, ev.Events)
	var ir *watch.Alert
	for i := range alerts {
		if alerts[i].Entity == watch.Country("IR") {
			ir = &alerts[i]
		}
	}
	if ir == nil || ir.Status != watch.StatusConfirmed || !slices.Contains(ir.Kinds, watch.KindBGP) || !slices.Contains(ir.Kinds, watch.KindProbing) {
		t.Fatalf("alert of IR %+v, want one confirmed by bgp and probing", ir)
	}
}

func TestReadErrors(t *testing.T) {
	const series = `{"entityType":"country","entityCode":"IR","datasource":"bgp","from":1704445200,"step":300,"values":[1,2]}`
	for _, c := range []struct {
		name, in, want string
	}{
		{"not JSON", `{"data": [`, "ioda.json: the JSON ends early"},
		{"syntax", `{"data": [}`, "not JSON"},
		{"no data", `{"type": "signals"}`, "field data is missing"},
		{"data not a list", `{"data": {"a": 1}}`, "field data: found a JSON object, want a list"},
		{"api error", `{"error": "bad request", "data": []}`, `reports an error: "bad request"`},
		{"no step", strings.Replace(`{"data":[[`+series+`]]}`, `"step":300,`, "", 1), "data[0][0]: field step is missing"},
		{"step as string", strings.Replace(`{"data":[`+series+`]}`, `"step":300`, `"step":"300"`, 1), "data[0]: field step: found a JSON string, want a number"},
		{"zero step", strings.Replace(`{"data":[`+series+`]}`, `"step":300`, `"step":0`, 1), "field step: 0"},
		{"no datasource", strings.Replace(`{"data":[`+series+`]}`, `"datasource":"bgp",`, "", 1), "field datasource is missing"},
		{"bad from", strings.Replace(`{"data":[`+series+`]}`, `1704445200`, `-5`, 1), "field from: -5"},
		{"until before from", strings.Replace(`{"data":[`+series+`]}`, `"step"`, `"until":5,"step"`, 1), "field until"},
		{"string value", strings.Replace(`{"data":[`+series+`]}`, `[1,2]`, `[1,"2"]`, 1), `field values[1]: "2"`},
		{"negative value", strings.Replace(`{"data":[`+series+`]}`, `[1,2]`, `[1,-2]`, 1), "field values[1]: -2"},
		{"event without start", `{"data":[{"location":"country/IR","duration":60,"datasource":"bgp"}]}`, "data[0]: field start is missing"},
		{"event without datasource", `{"data":[{"location":"country/IR","start":0,"duration":60,"method":"median"}]}`, "field datasource is missing"},
		{"event bad duration", `{"data":[{"location":"country/IR","start":0,"duration":1.5,"datasource":"bgp"}]}`, "field duration: 1.5"},
		{"event negative score", `{"data":[{"location":"country/IR","start":0,"duration":60,"datasource":"bgp","score":-1}]}`, "field score"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(c.in), "ioda.json")
			if lifeline.ErrorCode(err) != lifeline.EINVALID || !strings.Contains(err.Error(), "ioda.json: ") || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want EINVALID naming the file and %q", err, c.want)
			}
		})
	}
}

func TestEventMethodAsDatasource(t *testing.T) {
	res, err := Read(strings.NewReader(`{"data":[{"location":"asn/1","start":0,"duration":60,"method":"ping-slash24"}]}`), "old.json")
	if err != nil || len(res.Events) != 1 || res.Events[0].Kind != watch.KindProbing {
		t.Errorf("got %+v, %v; want one probing event", res, err)
	}
}
