package feed

import (
	"context"
	"os"
	"runtime"
	"testing"
	"time"

	"lifeline/feed/ristest"
	"lifeline/internal/mrtreplay"
	"lifeline/watch/rislive"
	"lifeline/watch/stream"
)

// TestSoak replays an hour of real updates (four passes of the LINX
// quarter hour) through a local RIS Live server at ten times real speed,
// into an Engine, and samples the live heap every simulated five minutes.
// It takes six minutes, so it runs only when LIFELINE_SOAK is set:
//
//	LIFELINE_SOAK=1 go test ./feed -run Soak -v -timeout 20m
//
// The heap must not grow once the tables are built: the last sample may
// not exceed the one after the first quarter hour by more than a quarter.
func TestSoak(t *testing.T) {
	if os.Getenv("LIFELINE_SOAK") == "" {
		t.Skip("set LIFELINE_SOAK=1 to run the one-hour replay at ten times real speed (six minutes)")
	}
	sc := mrtreplay.Build(t, t.TempDir(), 4, 99)
	msgs, times := scenarioMessages(t, sc.Path)
	srv := ristest.NewPaced(msgs, times, 10)
	defer srv.Close()
	e, err := stream.New(stream.Options{Visibility: scenarioVis, Detector: scenarioDetector(t)})
	if err != nil {
		t.Fatal(err)
	}
	c := NewRISLive(fastConfig(srv.URL))
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	var samples []uint64
	next := times[0].Add(5 * time.Minute)
	n := 0
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	err = c.Run(ctx, func(d *rislive.Data) error {
		n++
		if u, ok := d.Update(); ok {
			if err := e.Apply(&u); err != nil {
				return err
			}
		}
		if !d.Time.Before(next) {
			h := heap()
			samples = append(samples, h)
			t.Logf("data %s (wall %s): %d messages, heap %.1f MiB", d.Time.Format("15:04"), time.Now().Format("15:04:05"), n, float64(h)/(1<<20))
			next = next.Add(5 * time.Minute)
		}
		if n == len(msgs) {
			cancel()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(msgs) || len(samples) < 6 {
		t.Fatalf("%d of %d messages, %d samples", n, len(msgs), len(samples))
	}
	base, last := samples[2], samples[len(samples)-1]
	t.Logf("heap after the first quarter hour %.1f MiB, at the end %.1f MiB; peak %.1f MiB", float64(base)/(1<<20), float64(last)/(1<<20), float64(maxOf(samples))/(1<<20))
	if float64(last) > 1.25*float64(base) {
		t.Errorf("the heap grew from %d to %d bytes over the replay", base, last)
	}
}

func maxOf(v []uint64) uint64 {
	m := v[0]
	for _, x := range v {
		m = max(m, x)
	}
	return m
}
