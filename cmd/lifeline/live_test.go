package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"lifeline"
	"lifeline/coord"
	"lifeline/feed/ristest"
	"lifeline/internal/mrtreplay"
	"lifeline/mrt"
	"lifeline/store/sqlite"
	"lifeline/watch/rislive"
)

// replayMessages returns the scenario's updates as RIS Live messages, each
// with its sequence number as id.
func replayMessages(t testing.TB, path string) [][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := mrt.NewReader(f, mrt.Options{Name: path})
	if err != nil {
		t.Fatal(err)
	}
	conv := rislive.Converter{Host: "rrc01"}
	var d rislive.Data
	var msgs [][]byte
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return msgs
		}
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := conv.Convert(&rec, &d); err != nil {
			t.Fatal(err)
		} else if ok {
			d.ID = strconv.Itoa(len(msgs))
			msgs = append(msgs, rislive.AppendMessage(nil, &d))
		}
	}
}

// writeDelegated writes an RIR delegated-extended file that puts the
// origins of the replay in two real countries the way mrtreplay.CountryOf
// splits them: every third AS number in Sudan (the country that goes
// dark), the others in Ethiopia.
func writeDelegated(t testing.TB, path string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("2.3|afrinic|20070211|43690|19830705|20070211|+0000\n")
	for n := 1; n < 65535; n += 3 {
		fmt.Fprintf(&b, "afrinic|ET|asn|%d|2|20050101|allocated\n", n)
		fmt.Fprintf(&b, "afrinic|SD|asn|%d|1|20050101|allocated\n", n+2)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for n := uint32(1); n < 20; n++ {
		if cc, _ := mrtreplay.CountryOf(n); (cc == mrtreplay.Country) != (n%3 == 0) {
			t.Fatalf("mrtreplay.CountryOf no longer splits by n %% 3")
		}
	}
}

// TestServeLive runs lifeline serve --live over a local RIS Live server
// replaying real updates in which a country's prefixes are withdrawn, and
// a local IODA API that reports, once the withdrawal has been sent, an
// outage of that country's active probing signal. The connection is cut
// half-way. The country's alert is stored as a signed event of the
// instance, raised within two bins of the withdrawal, confirmed by the
// second kind of signal, served by /api/v1/alerts with its series, and a
// draft incident with the signals as evidence awaits review; the sources'
// status is in the metrics, with every message received once.
func TestServeLive(t *testing.T) {
	if testing.Short() {
		t.Skip("replays an hour and a half of updates through lifeline serve")
	}
	dir := t.TempDir()
	sc := mrtreplay.Build(t, dir, 6, 3)
	msgs := replayMessages(t, sc.Path)
	// updatesBefore[i] counts the UPDATE messages before message i: the
	// client's status counts those (its message count includes pongs).
	updatesBefore := make([]int, len(msgs)+1)
	for i, m := range msgs {
		updatesBefore[i+1] = updatesBefore[i]
		if strings.Contains(string(m), `"type":"UPDATE"`) {
			updatesBefore[i+1]++
		}
	}
	firstDark := 0
	for i, m := range msgs {
		var v struct{ Data struct{ Timestamp float64 } }
		json.Unmarshal(m, &v)
		if !time.Unix(int64(v.Data.Timestamp), 0).Before(sc.WithdrawAt) {
			firstDark = i
			break
		}
	}
	ris := ristest.New(msgs)
	defer ris.Close()
	half := len(msgs) / 2
	resume := ris.PauseAt(half)
	ioda := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasPrefix(r.URL.Path, "/signals/") {
			io.WriteString(w, `{"type": "signals", "error": null, "data": [[]]}`)
			return
		}
		if ris.Sent() <= firstDark+100 {
			io.WriteString(w, `{"type": "outages.events", "error": null, "data": []}`)
			return
		}
		fmt.Fprintf(w, `{"type": "outages.events", "error": null, "data": [{"location": "country/SD", "start": %d, "duration": 7200, "datasource": "ping-slash24", "score": 24585}]}`,
			sc.WithdrawAt.Truncate(10*time.Minute).Add(10*time.Minute).Unix())
	}))
	defer ioda.Close()
	writeDelegated(t, filepath.Join(dir, "delegated-afrinic-extended"))
	cfg := writeConfig(t, dir, map[string]any{
		"rir": []string{"delegated-afrinic-extended"}, "full_feed_v4": -1, "full_feed_v6": -1,
		"thresholds": []string{"bgp:window=2h,history=30m"},
		"alerts":     map[string]any{"sync_every": "200ms"},
		"sources": []map[string]any{
			{"name": "ris", "type": "ris-live", "url": ris.URL, "subscribe": []map[string]any{{"host": "rrc01", "type": "UPDATE"}},
				"ping_interval": "100ms", "stall_timeout": "5s"},
			{"name": "ioda", "type": "ioda", "url": ioda.URL, "countries": []string{"SD"}, "every": "300ms"},
		},
	})
	s := startServer(t, dir, "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0", "--live", cfg)
	var murl string
	for _, l := range s.log {
		if _, after, ok := strings.Cut(l, "metrics on "); ok {
			murl, _, _ = strings.Cut(after, " ")
		}
	}
	metric := func(name string) float64 {
		t.Helper()
		res, err := http.Get(murl)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\S+)$`).FindSubmatch(b)
		if m == nil {
			return -1
		}
		v, _ := strconv.ParseFloat(string(m[1]), 64)
		return v
	}
	// Half-way, once the server has paused and the client has read all it
	// was sent, the connection is cut without a close frame.
	updates := `lifeline_source_updates_total{kind="ris-live",source="ris"}`
	deadline := time.Now().Add(90 * time.Second)
	for metric(updates) < float64(updatesBefore[half]) {
		if time.Now().After(deadline) {
			t.Fatalf("the first half of the stream did not arrive: %v updates", metric(updates))
		}
		time.Sleep(100 * time.Millisecond)
	}
	ris.Disconnect(0)
	resume()

	var alert coord.Alert
	for {
		if time.Now().After(deadline) {
			_, body, _ := s.request("GET", "/api/v1/alerts?country=SD", "", "")
			t.Fatalf("no confirmed alert of country/SD with a draft incident; alerts of SD: %.2000s", body)
		}
		time.Sleep(200 * time.Millisecond)
		code, body, err := s.request("GET", "/api/v1/alerts?country=SD&state=open", "", "")
		if err != nil || code != 200 {
			t.Fatalf("GET /api/v1/alerts: %d %v %s", code, err, body)
		}
		var page coord.Page[*coord.Alert]
		json.Unmarshal(body, &page)
		found := false
		for _, a := range page.Items {
			if a.Entity == "country/SD" && a.Status == "confirmed" && a.Incident != "" {
				alert, found = *a, true
			}
		}
		if found {
			break
		}
	}
	code, body, _ := s.request("GET", "/api/v1/alerts/"+alert.ID, "", "")
	var one coord.Alert
	if err := json.Unmarshal(body, &one); err != nil || code != 200 {
		t.Fatalf("GET /api/v1/alerts/%s: %d %s", alert.ID, code, body)
	}
	if one.TLP != coord.TLPClear || one.Marking.Org != coord.System.OrgID {
		t.Errorf("the alert's marking: %+v; want TLP:CLEAR from the instance", one.Marking)
	}
	var bgp *coord.AlertSignal
	for i := range one.Signals {
		if one.Signals[i].Signal == "bgp:country/SD" {
			bgp = &one.Signals[i]
		}
	}
	if bgp == nil || len(bgp.Values) < 4 || !(bgp.Baseline > 0) || bgp.Step != 300 {
		t.Fatalf("the alert's signals: %+v; want the BGP series of SD with its baseline", one.Signals)
	}
	low := bgp.Baseline
	for _, v := range bgp.Values {
		if v != nil && *v < low {
			low = *v
		}
	}
	if low > bgp.Baseline/2 {
		t.Errorf("the stored series never falls below half its baseline %.0f: lowest %.0f", bgp.Baseline, low)
	}
	// Raised within two bins of the withdrawal, by BGP: the event of the
	// BGP signal starts at the withdrawal's bin.
	if one.Start.Before(sc.WithdrawAt.Truncate(5*time.Minute)) || one.Raised.Before(sc.WithdrawAt) || one.Raised.Sub(sc.WithdrawAt) > 10*time.Minute {
		t.Errorf("alert started %s, raised %s; the withdrawal was at %s", one.Start, one.Raised, sc.WithdrawAt)
	}
	if len(one.Kinds) != 2 || one.Confirmed == nil {
		t.Errorf("kinds %v, confirmed %v; want bgp and probing", one.Kinds, one.Confirmed)
	}
	code, body, _ = s.request("GET", "/api/v1/incidents/"+one.Incident, "", "")
	var in coord.Incident
	if err := json.Unmarshal(body, &in); err != nil || code != 200 {
		t.Fatalf("the draft incident %s: %d %s", one.Incident, code, body)
	}
	signals := map[string]bool{}
	for _, e := range in.Evidence {
		signals[e.Signal] = e.Kind == "signal"
	}
	if in.Status != coord.IncidentReported || !slices0(in.Countries, "SD") || !signals["bgp:country/SD"] || !signals["probing:country/SD"] {
		t.Errorf("draft incident: status %s, countries %v, evidence %+v", in.Status, in.Countries, in.Evidence)
	}
	// The events of the alert are signed events of the instance.
	code, body, _ = s.request("GET", "/api/v1/events?limit=500", "", "")
	if code != 200 || !strings.Contains(string(body), `"type":"alert.raised"`) || !strings.Contains(string(body), `"subject":"`+one.ID+`"`) {
		t.Errorf("the event log does not hold the alert: %d %.300s", code, body)
	}
	// Every message came once, across the disconnection.
	for metric(updates) < float64(updatesBefore[len(msgs)]) && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if got := metric(updates); got != float64(updatesBefore[len(msgs)]) || updatesBefore[len(msgs)] < len(msgs)/2 {
		t.Errorf("%v updates received, want %d", got, updatesBefore[len(msgs)])
	}
	if c := metric(`lifeline_source_connections_total{kind="ris-live",source="ris"}`); c < 2 {
		t.Errorf("%v connections after a disconnection", c)
	}
	if g := metric(`lifeline_source_gaps_total{kind="ris-live",source="ris"}`); g < 1 {
		t.Errorf("%v gaps after a disconnection", g)
	}
	// The dashboard shows the alert with its sparkline to anyone.
	code, body, _ = s.request("GET", "/", "", "")
	if code != 200 || !strings.Contains(string(body), `<svg class="spark"`) || !strings.Contains(string(body), "/incidents/"+one.Incident) {
		t.Errorf("the dashboard does not show the alert: %d", code)
	}
}

func slices0(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestServeLiveConfigErrors: a bad live configuration stops serve before
// it listens, with the file, the line or the field named.
func TestServeLiveConfigErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ text, want string }{
		{"{\n  \"sources\": [\n    {\"type\": \"ioda\", \"countries\": [\"SD\"],}\n  ]\n}", "line 3: invalid character"},
		{"{\n  \"sources\": [{\"type\": \"ris-live\",\n    \"max_message\": \"1MB\"}]\n}", "line 3: field sources.max_message: expected a whole number, found a string"},
		{`{"sources": [{"type": "ioda", "countries": ["SD"]}], "alerts": {"tlp": "secret"}}`, `alerts: tlp "secret"`},
		{`{"sources": [{"type": "ioda", "countries": ["SD"]}], "alerts": {"history": 100000}}`, "alerts: history 100000"},
		{`{"sources": [{"type": "ioda", "countries": ["SD"]}], "thresholds": ["bgp:warning=lots"]}`, "thresholds[0]"},
		{`{"sources": [{"type": "ioda", "countries": ["SD"]}]} {}`, "more after the configuration"},
		{"{\"sources\": [\n", "line 2: the file ends inside the JSON"},
		{"", "empty"},
	} {
		p := filepath.Join(dir, "live.json")
		if err := os.WriteFile(p, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, stderr, code := runCLI(t, "serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "l.db"), "--live", p)
		if code != 2 || !strings.Contains(stderr, c.want) || !strings.Contains(stderr, "live.json") {
			t.Errorf("%q: code %d, %s; want 2 and %q", c.text, code, stderr, c.want)
		}
	}
}

// TestServeLiveDocExample builds the sources of the serve-live example of
// docs/watch.md, as lifeline serve --live does.
func TestServeLiveDocExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/watch.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "```serve-live\n")
	if !ok {
		t.Fatal("docs/watch.md has no serve-live example")
	}
	example, _, _ := strings.Cut(rest, "```")
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "delegated"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeDelegated(t, filepath.Join(dir, "delegated", "delegated-afrinic-extended"))
	p := filepath.Join(dir, "live.json")
	if err := os.WriteFile(p, []byte(example), 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(t.Context(), filepath.Join(dir, "l.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l, err := newLive(p, db, io.Discard, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.runners) != 2 || l.runners[0].name != "ris-live" || l.alerter.Drafter == nil || l.alerter.TLP != coord.TLPClear || l.syncEvery != 30*time.Second || !l.routing {
		t.Errorf("live from the example: %d sources, drafter %v, tlp %s, sync every %v", len(l.runners), l.alerter.Drafter != nil, l.alerter.TLP, l.syncEvery)
	}
	if st := l.webSources(); len(st) != 2 || st[1].Kind != "ioda" {
		t.Errorf("statuses: %+v", st)
	}
}

// FuzzFollowConfig: any file gives a configuration or an invalid-input
// error that names the file, never a panic.
func FuzzFollowConfig(f *testing.F) {
	f.Add([]byte(`{"sources": [{"type": "ioda", "countries": ["SD"]}], "alerts": {"tlp": "TLP:CLEAR"}}`))
	f.Add([]byte("{\n \"sources\": [\n {\"type\": \"ris-live\", \"max_message\": \"x\"}]}"))
	f.Add([]byte(`{"sources": [{"name": "a"}, {"name": "a"}]} []`))
	f.Add([]byte(`{"rib": [1], "sources": null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		cfg, err := parseFollowConfig(english, "live.json", b)
		if err != nil {
			if lifeline.ErrorCode(err) != lifeline.EINVALID || !strings.Contains(lifeline.ErrorMessage(err), "live.json") {
				t.Fatalf("error %v: want invalid input naming the file", err)
			}
			return
		}
		if len(cfg.Sources) == 0 {
			t.Fatal("a configuration without sources was accepted")
		}
	})
}

// TestServeLiveLanguage: serve's --lang is the web's; the lines of the
// live detection follow the locale of whoever runs the server.
func TestServeLiveLanguage(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "live.json")
	if err := os.WriteFile(p, []byte(`{"sources": [{"type": "ioda", "countries": ["SD"]}], "alerts": {"history": 100000}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ lang, want string }{
		{"", "alerts: history 100000: want 2 to 288 bins"},
		{"fr_FR.UTF-8", "alerts\u202f: history 100000\u202f: de 2 à 288 intervalles attendus"},
		{"es_ES.UTF-8", "alerts: history 100000: se esperan de 2 a 288 intervalos"},
	} {
		noLocale(t)
		t.Setenv("LANG", c.lang)
		_, stderr, code := runCLI(t, "serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "l.db"), "--live", p, "--lang", "ar")
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("LANG=%q: code %d, %s; want 2 and %q", c.lang, code, stderr, c.want)
		}
	}
}
