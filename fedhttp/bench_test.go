package fedhttp_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	kgzip "github.com/klauspost/compress/gzip"

	"lifeline/coord"
	"lifeline/federation"
)

// benchEvents is the size of the log the federation benchmarks build:
// LIFELINE_BENCH_EVENTS, default 10,000 (docs/performance.md reports
// 100,000).
func benchEvents(b *testing.B) int {
	if s := os.Getenv("LIFELINE_BENCH_EVENTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("LIFELINE_BENCH_EVENTS=%q: want a positive number", s)
		}
		return n
	}
	return 10000
}

// fill writes n public incidents on a through 16 writers at once (the
// store commits them in groups).
func fill(b *testing.B, a *node, n int) {
	b.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 16 {
				in := &coord.Incident{Title: fmt.Sprintf("Cut %d", i), Kind: coord.KindCableCut, Countries: []string{"SD"},
					Description: "Landing station reports loss of light on both fibre pairs; repair ship requested."}
				in.TLP = coord.TLPClear
				if err := a.db.CreateIncident(ctx, a.author, in); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

// cpuTime is the processor time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// written returns the write system calls this process has made and the
// bytes they wrote, files and sockets, from /proc/self/io (Linux only).
func written() (calls, bytes int64, ok bool) {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0, 0, false
	}
	for _, l := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(l, ": ")
		n, _ := strconv.ParseInt(v, 10, 64)
		switch k {
		case "syscw":
			calls = n
		case "wchar":
			bytes = n
		}
	}
	return calls, bytes, true
}

// syncProfile writes a CPU profile of the initial sync alone (not of the
// filling of A's log) to the file LIFELINE_BENCH_SYNC_PROFILE names, if
// set; it returns the function that stops it.
func syncProfile(b *testing.B) func() {
	name := os.Getenv("LIFELINE_BENCH_SYNC_PROFILE")
	if name == "" {
		return func() {}
	}
	f, err := os.Create(name)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFederation measures, on a log of benchEvents events: an
// initial sync over HTTP (events/s), an incremental pull with nothing new
// (p50 and p99 latency), and the size of a bundle per 10,000 events.
func BenchmarkFederation(b *testing.B) {
	n := benchEvents(b)
	a := newNode(b, "A")
	fill(b, a, n)
	for b.Loop() {
		bn := newNode(b, "B")
		a.peer(b, bn)
		bn.peer(b, a)
		stop := syncProfile(b)
		w0, wb0, _ := written()
		start, cpu0 := time.Now(), cpuTime()
		got := bn.pull(b, a)
		el, cpu := time.Since(start), cpuTime()-cpu0
		if w1, wb1, ok := written(); ok {
			// SQLite writes its write-ahead log a page at a time, in
			// two system calls each: what the kernel's share of the
			// sync's processor time follows.
			b.ReportMetric(float64(w1-w0), "sync-write-syscalls")
			b.ReportMetric(float64(wb1-wb0)/1e6, "sync-written-MB")
		}
		stop()
		if got < n {
			b.Fatalf("B received %d events, want at least %d", got, n)
		}
		b.ReportMetric(float64(got)/el.Seconds(), "sync-events/s")
		// On a machine shared with other work the wall clock says little;
		// events per second of this process's processor time (both
		// instances, all cores) says what the work costs.
		b.ReportMetric(float64(got)/cpu.Seconds(), "sync-events/cpu-s")

		peers, _ := bn.db.FindPeers(ctx, bn.admin)
		var lat []time.Duration
		for range 200 {
			t0 := time.Now()
			if k, err := bn.client.PullOnce(ctx, peers[0]); err != nil || k != 0 {
				b.Fatalf("an incremental pull: %d, %v", k, err)
			}
			lat = append(lat, time.Since(t0))
			peers, _ = bn.db.FindPeers(ctx, bn.admin)
		}
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "nothing-new-p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "nothing-new-p99-ms")

		wire, _, err := a.db.Outgoing(ctx, bn.fp, 0, n+100)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := federation.WriteBundle(&buf, wire); err != nil {
			b.Fatal(err)
		}
		_, _, _, _, events, _ := federation.Summary(wire)
		b.ReportMetric(float64(buf.Len())/float64(events)*10000/1e6, "bundle-MB/10k-events")
	}
}

// BenchmarkGzipPage compresses one page of 1,000 events as the server
// does (klauspost/compress) and as the standard library would, at their
// default levels: time per page, and bytes on the wire.
func BenchmarkGzipPage(b *testing.B) {
	a, r := newNode(b, "A"), newNode(b, "B")
	a.peer(b, r)
	fill(b, a, 1000)
	wire, _, err := a.db.Outgoing(ctx, r.fp, 0, 1000)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		new  func(io.Writer) io.WriteCloser
	}{
		{"klauspost", func(w io.Writer) io.WriteCloser { return kgzip.NewWriter(w) }},
		{"stdlib", func(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				zw := c.new(&buf)
				zw.Write(wire)
				zw.Close()
			}
			b.ReportMetric(float64(buf.Len()), "bytes/page")
			b.ReportMetric(float64(len(wire)), "wire-bytes/page")
		})
	}
}
