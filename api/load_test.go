package api_test

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lifeline/api"
	"lifeline/coord"
)

// load runs a bounded load: total requests from clients concurrent
// clients, each request made by next(i), and reports throughput and
// latency percentiles. It stops after total requests or limit, whichever
// comes first. With rate > 0 request i is due at start + i/rate (an open
// loop) and its latency counts from when it was due, so a server that
// falls behind is not flattered by clients that wait for it; with rate 0
// the clients send as fast as answers come (the saturation throughput).
func load(b *testing.B, total, clients int, rate float64, limit time.Duration, next func(i int) *http.Request) {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var n atomic.Int64
	var failed atomic.Int64
	lat := make([][]time.Duration, clients)
	deadline := time.Now().Add(limit)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(n.Add(1)) - 1
				if i >= total || time.Now().After(deadline) {
					return
				}
				req := next(i)
				t0 := time.Now()
				if rate > 0 {
					t0 = start.Add(time.Duration(float64(i) / rate * float64(time.Second)))
					time.Sleep(time.Until(t0))
				}
				res, err := c.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode >= 300 {
					failed.Add(1)
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	all := slices.Concat(lat...)
	slices.Sort(all)
	if len(all) == 0 {
		b.Fatal("no request completed")
	}
	if f := failed.Load(); f > 0 {
		b.Fatalf("%d of %d requests failed", f, len(all))
	}
	pct := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50_ms")
	b.ReportMetric(pct(0.99), "p99_ms")
	b.ReportMetric(float64(len(all)), "requests")
}

// loadEnv is a server over SQLite with rate limits off and data to read.
func loadEnv(b *testing.B, incidents int) (*env, []string, []string) {
	return seedLoad(b, newEnv(b, api.Options{Rate: -1}), incidents)
}

func seedLoad(b *testing.B, e *env, incidents int) (*env, []string, []string) {
	var ids []string
	for i := range incidents {
		level := coord.TLPs[i%len(coord.TLPs)]
		body := fmt.Sprintf(`{"title": "Outage %d", "kind": "power_outage", "countries": ["SD"], "tlp": %q, "share_with_orgs": %s}`, i, level, orgsFor(e, level))
		r := e.do(e.w.Author, "POST", "/api/v1/incidents", body)
		if r.Status != 201 {
			b.Fatalf("seed: %d %s", r.Status, r.Body)
		}
		var c struct{ ID string }
		r.json(b, &c)
		ids = append(ids, c.ID)
	}
	_, viewers := e.w.Viewers()
	var tokens []string
	for _, v := range viewers[:6] {
		tokens = append(tokens, e.w.Tokens[v.MemberID])
	}
	return e, ids, tokens
}

func orgsFor(e *env, level coord.TLP) string {
	if level == coord.TLPAmber || level == coord.TLPAmberStrict {
		return `["` + e.w.Named.OrgID + `"]`
	}
	return "[]"
}

// BenchmarkLoadReads: authenticated reads (nine in ten of one item, one in
// ten of a list page) by six members in 16 concurrent connections over
// loopback, against SQLite. Run with -cpu 2 -benchtime 1x.
func BenchmarkLoadReads(b *testing.B) {
	e, ids, tokens := loadEnv(b, 500)
	for b.Loop() {
		load(b, 30000, 16, 0, 30*time.Second, readRequest(e, ids, tokens))
	}
}

// BenchmarkLoadReads3000 offers the reads of BenchmarkLoadReads at 3,000
// a second for five seconds and reports the latency they get.
func BenchmarkLoadReads3000(b *testing.B) {
	e, ids, tokens := loadEnv(b, 500)
	for b.Loop() {
		load(b, 15000, 64, 3000, 30*time.Second, readRequest(e, ids, tokens))
	}
}

func readRequest(e *env, ids, tokens []string) func(i int) *http.Request {
	return func(i int) *http.Request {
		path := "/api/v1/incidents/" + ids[(i*7)%len(ids)]
		if i%10 == 0 {
			path = "/api/v1/incidents?limit=20"
		}
		tok := tokens[i%len(tokens)]
		if strings.HasPrefix(path, "/api/v1/incidents/") {
			// Ask each viewer only for what it may see: 404s are cheap
			// and would flatter the figure.
			tok = tokens[0]
		}
		req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		return req
	}
}

// BenchmarkLoadWrites: authenticated incident reports, each a signed
// event and its projection in one durable (synchronous=FULL) SQLite
// transaction, in 8 concurrent connections over loopback.
func BenchmarkLoadWrites(b *testing.B) {
	e, _, tokens := loadEnv(b, 0)
	for b.Loop() {
		load(b, 5000, 8, 0, 30*time.Second, writeRequest(e, tokens))
	}
}

// BenchmarkLoadWrites500 offers the writes of BenchmarkLoadWrites at 500
// a second for five seconds and reports the latency they get.
func BenchmarkLoadWrites500(b *testing.B) {
	e, _, tokens := loadEnv(b, 0)
	for b.Loop() {
		load(b, 2500, 32, 500, 30*time.Second, writeRequest(e, tokens))
	}
}

func writeRequest(e *env, tokens []string) func(i int) *http.Request {
	return func(i int) *http.Request {
		body := fmt.Sprintf(`{"title": "Load %d", "kind": "other", "countries": ["SD"], "tlp": "TLP:GREEN"}`, i)
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/incidents", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tokens[i%2])
		return req
	}
}

// BenchmarkLoadReadsPostgres is BenchmarkLoadReads on PostgreSQL (the
// throw-away test server: fsync off, so it shows the code, not a disk).
func BenchmarkLoadReadsPostgres(b *testing.B) {
	e, ids, tokens := seedLoad(b, newPostgresEnv(b, api.Options{Rate: -1}), 500)
	for b.Loop() {
		load(b, 30000, 16, 0, 30*time.Second, readRequest(e, ids, tokens))
	}
}

// BenchmarkLoadWritesPostgres is BenchmarkLoadWrites on PostgreSQL.
func BenchmarkLoadWritesPostgres(b *testing.B) {
	e, _, tokens := seedLoad(b, newPostgresEnv(b, api.Options{Rate: -1}), 0)
	for b.Loop() {
		load(b, 5000, 8, 0, 30*time.Second, writeRequest(e, tokens))
	}
}
