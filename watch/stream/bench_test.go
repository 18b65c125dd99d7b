package stream_test

import (
	"io"
	"os"
	"slices"
	"syscall"
	"testing"
	"time"

	"lifeline/internal/mrtreplay"
	"lifeline/mrt"
	"lifeline/watch/rislive"
	"lifeline/watch/stream"
)

// scenario returns the scenario's updates decoded, and its messages as RIS
// Live sends them.
func scenario(b *testing.B) ([]stream.Update, [][]byte) {
	b.Helper()
	sc := mrtreplay.Build(b, b.TempDir(), 12, 9)
	f, err := os.Open(sc.Path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	r, err := mrt.NewReader(f, mrt.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var conv rislive.Converter
	var d rislive.Data
	var ups []stream.Update
	var msgs [][]byte
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return ups, msgs
		}
		if err != nil {
			b.Fatal(err)
		}
		if ok, _ := conv.Convert(&rec, &d); !ok {
			continue
		}
		msgs = append(msgs, rislive.AppendMessage(nil, &d))
		if u, ok := d.Update(); ok {
			u.Announced = slices.Clone(u.Announced)
			u.Withdrawn = slices.Clone(u.Withdrawn)
			ups = append(ups, u)
		}
	}
}

// cpuTime returns the CPU time the process has used, all threads: on a
// machine shared with other work, updates per CPU second is the honest
// "per core" figure, which wall time is not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func prefixes(ups []stream.Update) int {
	n := 0
	for _, u := range ups {
		n += len(u.Announced) + len(u.Withdrawn)
	}
	return n
}

// BenchmarkApply measures decoded updates into signals: the tracker's
// tables and visibility counts, the bins closing, and the detector judging
// every series at every bin — three hours of 31 LINX peers (259,469 BGP
// messages, 597,181 prefixes announced or withdrawn) per iteration.
func BenchmarkApply(b *testing.B) {
	ups, _ := scenario(b)
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		e, err := stream.New(stream.Options{Visibility: visOpt, Detector: detector(b)})
		if err != nil {
			b.Fatal(err)
		}
		for i := range ups {
			if err := e.Apply(&ups[i]); err != nil {
				b.Fatal(err)
			}
		}
		e.Close()
	}
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(b.N*len(ups))/b.Elapsed().Seconds(), "updates/s")
	b.ReportMetric(float64(b.N*len(ups))/cpu.Seconds(), "updates/cpu-s")
	b.ReportMetric(float64(b.N*prefixes(ups))/cpu.Seconds(), "prefixes/cpu-s")
}

// BenchmarkDecodeApply adds the decoding of the RIS Live JSON messages:
// the whole live path but the network.
func BenchmarkDecodeApply(b *testing.B) {
	ups, msgs := scenario(b)
	b.ResetTimer()
	var m rislive.Message
	cpu0 := cpuTime()
	for b.Loop() {
		e, err := stream.New(stream.Options{Visibility: visOpt, Detector: detector(b)})
		if err != nil {
			b.Fatal(err)
		}
		for _, raw := range msgs {
			if err := rislive.Decode(raw, &m); err != nil {
				b.Fatal(err)
			}
			if u, ok := m.Data.Update(); ok {
				if err := e.Apply(&u); err != nil {
					b.Fatal(err)
				}
			}
		}
		e.Close()
	}
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(b.N*len(ups))/b.Elapsed().Seconds(), "updates/s")
	b.ReportMetric(float64(b.N*len(ups))/cpu.Seconds(), "updates/cpu-s")
}
