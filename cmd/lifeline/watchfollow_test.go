package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lifeline/feed"
	"lifeline/feed/ristest"
	"lifeline/internal/mrtreplay"
	"lifeline/web/i18n"
)

func writeConfig(t *testing.T, dir string, cfg map[string]any) string {
	t.Helper()
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "watch.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestWatchFollowArchive replays real updates in which a country goes dark
// as an MRT archive of one period, polled by URL template: the events are
// printed as they are raised, and the alerts at the end are those of the
// same file read by "watch run --signals".
func TestWatchFollowArchive(t *testing.T) {
	dir := t.TempDir()
	sc := mrtreplay.Build(t, dir, 12, 9)
	data, err := os.ReadFile(sc.Path)
	if err != nil {
		t.Fatal(err)
	}
	period := sc.Start.Truncate(5 * time.Minute)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/rrc01/"+period.Format("2006.01")+"/updates."+period.Format("20060102.1504")+".gz" {
			w.Write(data)
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	thresholds := []string{"bgp:window=2h,history=30m"}
	cfg := writeConfig(t, dir, map[string]any{
		"full_feed_v4": -1, "full_feed_v6": -1, "thresholds": thresholds,
		"status_file": "status.json", "status_every": "1m",
		"sources": []map[string]any{{"name": "rrc01", "type": "mrt-archive", "url": srv.URL + "/rrc01/%Y.%m/updates.%Y%m%d.%H%M.gz",
			"period": "5m", "start": period.Format(time.RFC3339), "end": period.Add(5 * time.Minute).Format(time.RFC3339), "state_file": "rrc01.state"}},
	})
	out, stderr, code := runCLI(t, "watch", "run", "--follow", "--config", cfg, "--json")
	if code != 0 {
		t.Fatalf("code %d, stderr %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	raised := 0
	for _, l := range lines[:len(lines)-1] {
		if !strings.HasPrefix(l, `{"raised":{"signal":"bgp:asn/`) {
			t.Errorf("line %q is not a raised event", l)
		}
		raised++
	}
	var live struct{ Alerts json.RawMessage }
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &live); err != nil {
		t.Fatalf("last line: %v: %s", err, lines[len(lines)-1])
	}
	batch, _, code := runCLI(t, "watch", "run", "--signals", sc.Path, "--full-feed-v4", "-1", "--full-feed-v6", "-1", "--threshold", thresholds[0], "--json")
	var want struct{ Alerts json.RawMessage }
	if err := json.Unmarshal([]byte(batch), &want); err != nil || code != 0 {
		t.Fatalf("watch run --signals: code %d, %v", code, err)
	}
	var a, b any
	json.Unmarshal(live.Alerts, &a)
	json.Unmarshal(want.Alerts, &b)
	if la, lb := mustJSON(a), mustJSON(b); la != lb {
		t.Errorf("alerts of --follow differ from those of --signals:\nfollow  %.600s\nsignals %.600s", la, lb)
	}
	if raised == 0 {
		t.Error("no event was printed as it was raised")
	}
	st, _, code := runCLI(t, "watch", "status", filepath.Join(dir, "status.json"))
	if code != 0 || !strings.Contains(st, "rrc01 (mrt-archive): stopped") || !strings.Contains(st, "1 messages") {
		t.Errorf("watch status: code %d:\n%s", code, st)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "rrc01.state")); !strings.Contains(string(b), period.Add(5*time.Minute).Format(time.RFC3339)) {
		t.Errorf("state file: %s", b)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestWatchFollowRISLive follows a local RIS Live server for a moment and
// checks that the status reaches the status file and "watch status".
func TestWatchFollowRISLive(t *testing.T) {
	dir := t.TempDir()
	var msgs [][]byte
	for i := range 50 {
		msgs = append(msgs, []byte(`{"type":"ris_message","data":{"timestamp":1704448800,"peer":"192.0.2.1","peer_asn":"64496","id":"`+
			string(rune('a'+i%26))+`","host":"rrc00","type":"UPDATE","path":[64496,64500],"announcements":[{"next_hop":"192.0.2.1","prefixes":["198.51.100.0/24"]}]}}`))
	}
	msgs = append(msgs, []byte(`{"type":"ris_message","data":{`))
	srv := ristest.New(msgs)
	defer srv.Close()
	cfg := writeConfig(t, dir, map[string]any{
		"status_file": "status.json", "status_every": "100ms",
		"sources": []map[string]any{{"name": "ris", "type": "ris-live", "url": srv.URL, "subscribe": []map[string]any{{"host": "rrc00"}}}},
	})
	_, stderr, code := runCLI(t, "watch", "run", "--follow", "--config", cfg, "--for", "1s")
	if code != 0 {
		t.Fatalf("code %d, stderr %s", code, stderr)
	}
	out, _, code := runCLI(t, "watch", "status", filepath.Join(dir, "status.json"), "--json")
	var st struct {
		Sources []struct {
			Name     string
			Kind     string
			Messages int
			Updates  int
			Skipped  int
		}
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil || code != 0 {
		t.Fatalf("watch status --json: code %d, %v: %s", code, err, out)
	}
	if len(st.Sources) != 1 || st.Sources[0].Name != "ris" || st.Sources[0].Updates != 50 || st.Sources[0].Skipped != 1 {
		t.Errorf("status: %+v; want 50 updates and 1 skipped", st.Sources)
	}
	if subs := srv.Subscriptions(); len(subs) != 1 || subs[0].Host != "rrc00" {
		t.Errorf("subscriptions: %+v", subs)
	}
}

func TestWatchFollowConfigErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		cfg  map[string]any
		want string
	}{
		{map[string]any{}, "sources: none"},
		{map[string]any{"sources": []map[string]any{{"type": "bgpstream"}}}, `type "bgpstream"`},
		{map[string]any{"sources": []map[string]any{{"type": "mrt-archive", "url": "https://x/%Y", "period": "90s"}}}, "period"},
		{map[string]any{"sources": []map[string]any{{"type": "ris-live", "stall_timeout": "soon"}}}, "stall_timeout"},
		{map[string]any{"sources": []map[string]any{{"type": "ioda", "countries": []string{"Iran"}}}}, "Iran"},
		{map[string]any{"sorces": []map[string]any{}}, "unknown field"},
	} {
		p := writeConfig(t, dir, c.cfg)
		_, stderr, code := runCLI(t, "watch", "run", "--follow", "--config", p)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: code %d, stderr %q; want 2 and %q", c.cfg, code, stderr, c.want)
		}
	}
	if _, stderr, code := runCLI(t, "watch", "run", "--follow"); code != 2 || !strings.Contains(stderr, "--config") {
		t.Errorf("--follow without --config: code %d, %s", code, stderr)
	}
}

// TestWatchFollowDocExample reads the configuration example of
// docs/watch.md and builds its sources.
func TestWatchFollowDocExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/watch.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "```watch-config\n")
	if !ok {
		t.Fatal("docs/watch.md has no watch-config example")
	}
	example, _, _ := strings.Cut(rest, "```")
	p := filepath.Join(t.TempDir(), "watch.json")
	if err := os.WriteFile(p, []byte(example), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := readFollowConfig(english, p)
	if err != nil {
		t.Fatal(err)
	}
	f := &follower{pr: english}
	runners, err := f.sources(p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(runners) != 3 || runners[1].name != "rrc00" || cfg.RIB[0] != filepath.Join(filepath.Dir(p), "rib.20240105.0800.gz") {
		t.Errorf("%d sources; config %+v", len(runners), cfg)
	}
}

// TestWatchFollowConfigErrorsLanguage: the errors of a configuration name
// the file and field in any language, and say what is wrong in --lang's.
func TestWatchFollowConfigErrorsLanguage(t *testing.T) {
	noLocale(t)
	dir := t.TempDir()
	for _, c := range []struct {
		cfg        map[string]any
		lang, want string
	}{
		{map[string]any{}, "", "sources: none; want at least one of type ris-live"},
		{map[string]any{}, "fr", "sources\u202f: aucune\u202f; au moins une source de type ris-live"},
		{map[string]any{"sources": []map[string]any{{"type": "bgpstream"}}}, "ru", `sources[0]: type "bgpstream": ожидается ris-live, mrt-archive или ioda`},
		{map[string]any{"sources": []map[string]any{{"type": "ris-live", "max_message": "1MB"}}}, "zh", "字段 sources.max_message：应为整数，实际为字符串"},
	} {
		p := writeConfig(t, dir, c.cfg)
		args := []string{"watch", "run", "--follow", "--config", p}
		if c.lang != "" {
			args = append(args, "--lang", c.lang)
		}
		_, stderr, code := runCLI(t, args...)
		if code != 2 || !strings.Contains(stderr, c.want) || !strings.Contains(stderr, p) {
			t.Errorf("%v --lang %q: code %d, stderr %q; want 2, the file and %q", c.cfg, c.lang, code, stderr, c.want)
		}
	}
}

// TestSourceStatusText: the status of a source for people, in English as
// the feed names it, and in another language with the web's words.
func TestSourceStatusText(t *testing.T) {
	now := time.Date(2024, 1, 5, 12, 0, 0, 0, time.UTC)
	s := feed.Status{Name: "ris", Kind: "ris-live", State: feed.StateStreaming, LastMessage: now.Add(-3 * time.Second),
		LastData: now.Add(-5 * time.Second), Lag: 2 * time.Second, Messages: 10, Updates: 9, Skipped: 1, Connects: 2, Reconnects: 1,
		Gaps: []feed.Gap{{From: now.Add(-time.Hour), To: now.Add(-59 * time.Minute), Reason: "disconnected"}}, GapCount: 1, GapTime: time.Minute}
	var b strings.Builder
	writeSourceStatus(&b, english, now, []feed.Status{s})
	want := `ris (ris-live): streaming
  last message: 3s ago; data of 2024-01-05 11:59:55 UTC, lag 2s
  10 messages, 9 updates, 1 skipped; 2 connections, 0 stalls
  1 gaps, 1m in all; last: 2024-01-05 11:00:00 – 11:01:00 UTC (disconnected)
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	s.Errors, s.LastError, s.ErrorAt = 2, "the stream stalled", now.Add(-90*time.Minute)
	s.State, s.LastMessage = feed.StateStopped, time.Time{}
	b.Reset()
	writeSourceStatus(&b, english, now, []feed.Status{s})
	if miss := lacks(b.String(), "ris (ris-live): stopped", "last message: never", "  2 errors; last error (1h30m ago): the stream stalled\n"); len(miss) > 0 {
		t.Errorf("lacks %q:\n%s", miss, b.String())
	}
	b.Reset()
	writeSourceStatus(&b, cliMessages.Printer(i18n.Langs[3]), now, []feed.Status{s})
	if miss := lacks(b.String(), "ris (ris-live)\u202f: arrêtée", "dernier message\u202f: jamais", "il y a 1 h 30 min", "lacunes\u202f: 1, 1 min en tout"); len(miss) > 0 {
		t.Errorf("in French, lacks %q:\n%s", miss, b.String())
	}
}
