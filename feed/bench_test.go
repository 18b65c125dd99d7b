package feed

import (
	"context"
	"testing"
	"time"

	"lifeline/feed/ristest"
	"lifeline/internal/mrtreplay"
	"lifeline/watch/rislive"
)

// BenchmarkRISLive measures the client alone over a local WebSocket: the
// three hours of LINX updates of the scenario (259,469 messages) sent by a
// server in the same process as fast as it can, read and decoded, handed
// to a callback that does nothing. Server and client share the cores.
func BenchmarkRISLive(b *testing.B) {
	sc := mrtreplay.Build(b, b.TempDir(), 12, 9)
	msgs, _ := scenarioMessages(b, sc.Path)
	b.ResetTimer()
	for b.Loop() {
		srv := ristest.New(msgs)
		c := NewRISLive(RISLiveConfig{URL: srv.URL, PingInterval: time.Second, StallTimeout: 30 * time.Second, Seed: 1})
		ctx, cancel := context.WithCancel(context.Background())
		n := 0
		c.Run(ctx, func(d *rislive.Data) error {
			if n++; n == len(msgs) {
				cancel()
			}
			return nil
		})
		cancel()
		srv.Close()
		if n != len(msgs) {
			b.Fatalf("%d of %d messages", n, len(msgs))
		}
	}
	b.ReportMetric(float64(b.N*len(msgs))/b.Elapsed().Seconds(), "messages/s")
}
