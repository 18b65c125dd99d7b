package feed

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"lifeline/feed/ristest"
	"lifeline/internal/mrtreplay"
	"lifeline/mrt"
	"lifeline/watch"
	"lifeline/watch/rislive"
	"lifeline/watch/source"
	"lifeline/watch/stream"
	"lifeline/watch/visibility"
)

// scenarioMessages returns the ris_messages of the scenario's MRT file,
// each with its sequence number as id, and their data times.
func scenarioMessages(tb testing.TB, path string) ([][]byte, []time.Time) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r, err := mrt.NewReader(f, mrt.Options{Name: path})
	if err != nil {
		tb.Fatal(err)
	}
	conv := rislive.Converter{Host: "rrc01"}
	var d rislive.Data
	var msgs [][]byte
	var times []time.Time
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return msgs, times
		}
		if err != nil {
			tb.Fatal(err)
		}
		ok, err := conv.Convert(&rec, &d)
		if err != nil {
			tb.Fatal(err)
		}
		if ok {
			d.ID = strconv.Itoa(len(msgs))
			msgs = append(msgs, rislive.AppendMessage(nil, &d))
			times = append(times, d.Time)
		}
	}
}

func scenarioDetector(tb testing.TB) *watch.Detector {
	tb.Helper()
	cfg := watch.DefaultConfig()
	cfg.CountryOf = mrtreplay.CountryOf
	_, th, err := watch.ParseThreshold("bgp:window=2h,history=30m", cfg.Threshold)
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Thresholds[watch.KindBGP] = th
	d, err := watch.NewDetector(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

var scenarioVis = visibility.Options{FullFeedV4: -1, FullFeedV6: -1, CountryOf: mrtreplay.CountryOf}

func fastConfig(url string) RISLiveConfig {
	return RISLiveConfig{URL: url, PingInterval: 50 * time.Millisecond, StallTimeout: 2 * time.Second,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, Seed: 1,
		Subscriptions: []rislive.Subscription{{Host: "rrc01", Type: "UPDATE"}, {Host: "rrc01", Type: "RIS_PEER_STATE"}}}
}

// TestRISLiveReplay replays real updates in which a country goes dark
// through a local RIS Live server, cuts the connection twice on the way,
// and checks that every message arrives once and in order, that the
// country's alert is raised within two bins of the withdrawal, and that
// the alerts are those of the same updates read as an MRT file.
func TestRISLiveReplay(t *testing.T) {
	if testing.Short() {
		t.Skip("the replay of three hours of updates over a WebSocket takes half a minute or more")
	}
	sc := mrtreplay.Build(t, t.TempDir(), 12, 9)
	msgs, _ := scenarioMessages(t, sc.Path)
	srv := ristest.New(msgs)
	defer srv.Close()

	d := scenarioDetector(t)
	var raisedAt time.Time
	country := watch.Country(mrtreplay.Country)
	e, err := stream.New(stream.Options{Visibility: scenarioVis, Detector: d, OnRaised: func(ev watch.Event) {
		if ev.Entity == country && raisedAt.IsZero() {
			raisedAt = ev.Raised
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	c := NewRISLive(fastConfig(srv.URL))
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	// The server stops at a third of the stream; once the client has all
	// it was sent, the connection is cut, and again at two thirds.
	resume := srv.PauseAt(len(msgs) / 3)
	want := 0
	var seqErr error
	err = c.Run(ctx, func(data *rislive.Data) error {
		if seq, _ := strconv.Atoi(data.ID); seq != want && seqErr == nil {
			seqErr = errors.New("message " + data.ID + " arrived when " + strconv.Itoa(want) + " was due")
		}
		want++
		if want == len(msgs)/3 || want == 2*len(msgs)/3 {
			srv.Disconnect(0)
			r := resume
			if want == len(msgs)/3 {
				resume = srv.PauseAt(2 * len(msgs) / 3)
			}
			r()
		}
		if u, ok := data.Update(); ok {
			if err := e.Apply(&u); err != nil {
				return err
			}
		}
		if want == len(msgs) {
			cancel()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seqErr != nil {
		t.Error(seqErr)
	}
	if want != len(msgs) {
		t.Errorf("%d of %d messages arrived", want, len(msgs))
	}
	st := c.Status()
	if st.Reconnects < 2 || srv.Connections() < 3 {
		t.Errorf("status %+v after two disconnections; server saw %d connections", st, srv.Connections())
	}
	if st.GapCount < 2 {
		t.Errorf("%d gaps recorded after two disconnections, want 2 (the client cannot know that none was lost)", st.GapCount)
	}
	if subs := srv.Subscriptions(); len(subs) < 2 || subs[0].Host != "rrc01" || subs[0].Type != "UPDATE" {
		t.Errorf("subscriptions received: %+v", subs)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if raisedAt.IsZero() {
		t.Fatalf("no event of %s was raised", country)
	}
	if lag := raisedAt.Sub(sc.WithdrawAt); lag < 0 || lag > 10*time.Minute {
		t.Errorf("event of %s raised at %s, %v after the withdrawal at %s; want within two bins", country, raisedAt, lag, sc.WithdrawAt)
	}
	set, err := source.Load([]string{sc.Path}, source.Options{Visibility: scenarioVis})
	if err != nil {
		t.Fatal(err)
	}
	bj, _ := json.Marshal(d.Detect(set.Series, nil))
	lj, _ := json.Marshal(e.Alerts())
	if string(bj) != string(lj) {
		t.Errorf("alerts through RIS Live differ from those of the MRT file:\nlive %s\n mrt %s", lj, bj)
	}
	t.Logf("%d messages, %d connections, %d gaps; %s raised %v after the withdrawal", want, srv.Connections(), st.GapCount, country, raisedAt.Sub(sc.WithdrawAt))
}

// numbered returns n small update messages with ids 0…n−1, a second
// apart.
func numbered(n int) ([][]byte, []time.Time) {
	var msgs [][]byte
	var times []time.Time
	base := time.Date(2024, 1, 5, 10, 0, 0, 0, time.UTC)
	for i := range n {
		at := base.Add(time.Duration(i) * time.Second)
		m := `{"type":"ris_message","data":{"timestamp":` + strconv.FormatInt(at.Unix(), 10) + `,"peer":"192.0.2.1","peer_asn":"64496","id":"` + strconv.Itoa(i) +
			`","host":"rrc00","type":"UPDATE","path":[64496,64500],"announcements":[{"next_hop":"192.0.2.1","prefixes":["198.51.100.0/24"]}]}}`
		msgs = append(msgs, []byte(m))
		times = append(times, at)
	}
	return msgs, times
}

// collect runs c until it has seen the message with id last, and returns
// the ids seen.
func collect(t *testing.T, c *RISLive, last int, each func(id int)) []int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var ids []int
	err := c.Run(ctx, func(d *rislive.Data) error {
		id, _ := strconv.Atoi(d.ID)
		ids = append(ids, id)
		if each != nil {
			each(id)
		}
		if id == last {
			cancel()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) == 0 || ids[len(ids)-1] != last {
		t.Fatalf("the client stopped before message %d: %d messages, status %+v", last, len(ids), c.Status())
	}
	return ids
}

// TestRISLiveGapWhenLost: RIS Live does not resend what was sent while a
// client was away; the client must say which span it missed.
func TestRISLiveGapWhenLost(t *testing.T) {
	msgs, times := numbered(300)
	srv := ristest.New(msgs)
	defer srv.Close()
	c := NewRISLive(fastConfig(srv.URL))
	resume := srv.PauseAt(101)
	lostFrom := 101
	ids := collect(t, c, 299, func(id int) {
		if id == 100 {
			srv.Disconnect(50)
			resume()
		}
	})
	lost := 0
	for i := 1; i < len(ids); i++ {
		if ids[i] != ids[i-1]+1 {
			lost += ids[i] - ids[i-1] - 1
		}
	}
	if lost != 50 {
		t.Fatalf("%d messages missing from the ids received, want the 50 the server lost", lost)
	}
	st := c.Status()
	if st.GapCount != 1 {
		t.Fatalf("%d gaps, want 1: %+v", st.GapCount, st.Gaps)
	}
	g := st.Gaps[0]
	if g.From.After(times[lostFrom]) || g.To.Before(times[lostFrom+49]) {
		t.Errorf("gap %s – %s does not cover the lost messages, %s – %s", g.From, g.To, times[lostFrom], times[lostFrom+49])
	}
}

// TestRISLiveStalls: a server that keeps the connection open but sends
// nothing, not even pongs, and one that starts a message it never
// finishes: both are stalls, counted, and the client reconnects.
func TestRISLiveStalls(t *testing.T) {
	for _, c := range []struct {
		name   string
		break_ func(*ristest.Server)
	}{
		{"silent", (*ristest.Server).GoSilent},
		{"unfinished message", (*ristest.Server).StartLoris},
	} {
		t.Run(c.name, func(t *testing.T) {
			msgs, _ := numbered(200)
			srv := ristest.New(msgs)
			defer srv.Close()
			cfg := fastConfig(srv.URL)
			cfg.StallTimeout = 300 * time.Millisecond
			cl := NewRISLive(cfg)
			resume := srv.PauseAt(51)
			collect(t, cl, 199, func(id int) {
				if id == 50 {
					c.break_(srv)
					resume()
				}
			})
			st := cl.Status()
			if st.Stalls < 1 || st.Reconnects < 1 || !strings.Contains(st.LastError, "stalled") {
				t.Errorf("status after a stall: %d stalls, %d reconnects, last error %q", st.Stalls, st.Reconnects, st.LastError)
			}
		})
	}
}

// TestRISLiveHostile: malformed messages are counted and skipped; a
// message above the size limit is counted and ends the connection, and
// the client comes back.
func TestRISLiveHostile(t *testing.T) {
	msgs, _ := numbered(100)
	bad := [][]byte{
		[]byte(`{"type":"ris_message","data":{`),
		[]byte(`{"type":"ris_message","data":{"timestamp":"soon","peer":"x"}}`),
		[]byte(`not json at all`),
		[]byte(`{"type":"ris_message","data":{"peer":"` + strings.Repeat("9", 5000) + `"}}`),
		[]byte(`{"type":"ris_error","data":{"message":"Unknown subscription parameter"}}`),
	}
	var all [][]byte
	all = append(all, msgs[:40]...)
	all = append(all, bad...)
	all = append(all, msgs[40:]...)
	srv := ristest.New(all)
	defer srv.Close()
	// The server waits after the large message until the client has come
	// back: what it would send into the dying connection would be lost.
	resume := srv.PauseAt(40 + len(bad))
	go func() {
		for srv.Connections() < 2 {
			time.Sleep(5 * time.Millisecond)
		}
		resume()
	}()
	cfg := fastConfig(srv.URL)
	cfg.MaxMessage = 4096
	cl := NewRISLive(cfg)
	ids := collect(t, cl, 99, nil)
	st := cl.Status()
	if st.Skipped != 4 {
		t.Errorf("%d skipped, want 4: three malformed, one too large", st.Skipped)
	}
	if st.Reconnects < 1 {
		t.Errorf("no reconnection after a message above the limit")
	}
	if ids[0] != 0 || ids[39] != 39 {
		t.Errorf("the messages before the bad ones did not all arrive: %v", ids[:40])
	}
}

// TestStatusCounts: a status counts every gap and failure, keeps the last
// MaxGaps gaps and the last error.
func TestStatusCounts(t *testing.T) {
	now := time.Date(2024, 1, 5, 12, 0, 0, 0, time.UTC)
	var s Status
	for i := range MaxGaps + 3 {
		s.addGap(Gap{From: now.Add(time.Duration(i) * time.Hour), To: now.Add(time.Duration(i)*time.Hour + time.Minute), Reason: "disconnected"})
	}
	s.addGap(Gap{From: now, To: now.Add(-time.Minute)}) // backwards: not a gap
	if s.GapCount != MaxGaps+3 || s.GapTime != time.Duration(MaxGaps+3)*time.Minute || len(s.Gaps) != MaxGaps || !s.Gaps[0].From.Equal(now.Add(3*time.Hour)) {
		t.Errorf("gaps: count %d, time %s, kept %d, first %s", s.GapCount, s.GapTime, len(s.Gaps), s.Gaps[0].From)
	}
	s.fail(now.Add(-2*time.Minute), errors.New("refused"))
	s.fail(now.Add(-time.Minute), errors.New("the stream stalled"))
	if s.Errors != 2 || s.LastError != "the stream stalled" || !s.ErrorAt.Equal(now.Add(-time.Minute)) {
		t.Errorf("errors: %d, last %q at %s", s.Errors, s.LastError, s.ErrorAt)
	}
}
