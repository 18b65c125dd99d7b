package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"lifeline/store/postgres/pgtest"
)

// TestThreeServersOnePostgres runs three "lifeline serve" processes on one
// throw-away PostgreSQL, as behind a load balancer: it writes through all
// three at once, kills one with SIGKILL in the middle, and checks that
// every acknowledged write is there, that the log verifies as one chain,
// that a token revoked on one server is refused by another within a
// second, and that a web session made on one server works on another.
func TestThreeServersOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL and three servers")
	}
	pg, err := pgtest.Start()
	if errors.Is(err, pgtest.ErrNoPostgres) {
		t.Skip(err.Error())
	}
	if err != nil {
		t.Fatalf("start PostgreSQL: %v", err)
	}
	t.Cleanup(pg.Stop)
	dsn := pg.NewDatabase(t)
	var inst struct {
		Token string `json:"token"`
	}
	cliJSON(t, &inst, "admin", "init", "--db", dsn, "--org", "Ops", "--json")
	var nodes []*server
	for range 3 {
		nodes = append(nodes, startServer(t, t.TempDir(), "--addr", "127.0.0.1:0", "--db", dsn, "--rate", "0"))
	}

	// Writes through all three; the second server is killed midway.
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 9 {
		node := nodes[w%3]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				code, body, err := node.request("POST", "/api/v1/incidents", inst.Token,
					fmt.Sprintf(`{"title": "w%d i%d", "kind": "other", "countries": ["SD"], "tlp": "TLP:GREEN"}`, w, i))
				if err != nil || code != 201 {
					if node == nodes[1] {
						return // killed
					}
					t.Errorf("POST through a live server = %d %s %v", code, body, err)
					return
				}
				var in struct{ ID string }
				if json.Unmarshal(body, &in) != nil || in.ID == "" {
					t.Errorf("201 without an id: %s", body)
					return
				}
				mu.Lock()
				acked = append(acked, in.ID)
				mu.Unlock()
			}
		}()
	}
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(acked)
	}
	for deadline := time.Now().Add(30 * time.Second); count() < 150 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	nodes[1].cmd.Process.Kill()
	<-nodes[1].done
	for before, deadline := count(), time.Now().Add(30*time.Second); count() < before+150 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if t.Failed() {
		return
	}
	t.Logf("%d writes acknowledged", len(acked))
	for _, id := range acked {
		if code, _, err := nodes[2].request("GET", "/api/v1/incidents/"+id, inst.Token, ""); err != nil || code != 200 {
			t.Fatalf("acknowledged incident %s: GET = %d %v", id, code, err)
		}
	}
	var ver struct {
		OK       bool  `json:"ok"`
		Verified int64 `json:"verified"`
		Head     struct {
			Seq int64 `json:"seq"`
		} `json:"head"`
	}
	cliJSON(t, &ver, "admin", "verify", "--db", dsn, "--json")
	// Init wrote three events; every acknowledged write one more.
	if !ver.OK || ver.Head.Seq != ver.Verified || ver.Verified < int64(3+len(acked)) {
		t.Errorf("verify = %+v; want one chain of at least %d events ending at the signed head", ver, 3+len(acked))
	}

	// A token revoked through one server is refused by another within a
	// second (its token cache is emptied by the database's revocation
	// epoch).
	var org struct {
		OrgID string `json:"org_id"`
	}
	cliJSON(t, &org, "org", "add", "--db", dsn, "--name", "IXP", "--kind", "ixp", "--verified", "--json")
	var mem struct {
		MemberID string `json:"member_id"`
		Token    string `json:"token"`
	}
	cliJSON(t, &mem, "member", "add", "--db", dsn, "--org", org.OrgID, "--role", "reporter", "--name", "R", "--json")
	if code, body, _ := nodes[2].request("GET", "/api/v1/me", mem.Token, ""); code != 200 {
		t.Fatalf("GET /me with a new token = %d %s", code, body)
	}
	if code, body, _ := nodes[0].request("DELETE", "/api/v1/members/"+mem.MemberID+"/tokens", inst.Token, ""); code != 204 {
		t.Fatalf("revoke = %d %s", code, body)
	}
	revoked := time.Now()
	code := 200
	for time.Since(revoked) < time.Second && code == 200 {
		code, _, _ = nodes[2].request("GET", "/api/v1/me", mem.Token, "")
	}
	if code != 401 {
		t.Errorf("a token revoked on one server still works on another a second later (%d)", code)
	}

	// A cursor of the event feed from one server works on another.
	_, body, _ := nodes[0].request("GET", "/api/v1/events?limit=2", inst.Token, "")
	var page struct{ Next string }
	if json.Unmarshal(body, &page) != nil || page.Next == "" {
		t.Fatalf("feed page without a cursor: %s", body)
	}
	if code, body, _ := nodes[2].request("GET", "/api/v1/events?limit=2&after="+page.Next, inst.Token, ""); code != 200 {
		t.Errorf("a feed cursor from one server, on another: %d %s", code, body)
	}

	// A web session made on one server works on another.
	session := webLogin(t, nodes[0], inst.Token)
	req, _ := http.NewRequest("GET", nodes[2].url+"/needs/new", nil)
	req.AddCookie(&http.Cookie{Name: "ll_session", Value: session})
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("a session made on one server, on another: GET /needs/new = %d (to %s), want 200", res.StatusCode, res.Header.Get("Location"))
	}
}

var noRedirect = &http.Client{Timeout: 10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// webLogin logs in to the web interface of s with token and returns the
// session cookie's value.
func webLogin(t *testing.T, s *server, token string) string {
	t.Helper()
	res, err := noRedirect.Get(s.url + "/login")
	if err != nil {
		t.Fatal(err)
	}
	var page strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		page.Write(buf[:n])
		if err != nil {
			break
		}
	}
	res.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page.String())
	if m == nil {
		t.Fatalf("no csrf field in the login form")
	}
	form := url.Values{"token": {token}, "csrf": {m[1]}, "next": {"/"}}
	req, _ := http.NewRequest("POST", s.url+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range res.Cookies() {
		req.AddCookie(c)
	}
	res, err = noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == "ll_session" && c.Value != "" {
			return c.Value
		}
	}
	t.Fatalf("POST /login = %d, no session cookie", res.StatusCode)
	return ""
}

// BenchmarkServers measures reads/s and writes/s through one and through
// three "lifeline serve" processes on one PostgreSQL (the throw-away test
// server), 16 clients spread over the servers, sending as fast as answers
// come. Reads are GET /api/v1/incidents/{id} over 200 incidents; writes
// POST /api/v1/incidents, each a signed event.
//
//	go test ./cmd/lifeline -run '^$' -bench Servers -benchtime 1x
func BenchmarkServers(b *testing.B) {
	pg, err := pgtest.Start()
	if errors.Is(err, pgtest.ErrNoPostgres) {
		b.Skip(err.Error())
	}
	if err != nil {
		b.Fatalf("start PostgreSQL: %v", err)
	}
	b.Cleanup(pg.Stop)
	for _, n := range []int{1, 3} {
		dsn := pg.NewDatabase(b)
		var inst struct {
			Token string `json:"token"`
		}
		cliJSON(b, &inst, "admin", "init", "--db", dsn, "--org", "Ops", "--json")
		var nodes []*server
		for range n {
			nodes = append(nodes, startServer(b, b.TempDir(), "--addr", "127.0.0.1:0", "--db", dsn, "--rate", "0"))
		}
		var ids []string
		for i := range 200 {
			_, body, err := nodes[i%n].request("POST", "/api/v1/incidents", inst.Token, `{"title": "x", "kind": "other", "countries": ["SD"], "tlp": "TLP:GREEN"}`)
			var in struct{ ID string }
			if err != nil || json.Unmarshal(body, &in) != nil || in.ID == "" {
				b.Fatalf("seed: %s %v", body, err)
			}
			ids = append(ids, in.ID)
		}
		for _, kind := range []string{"reads", "writes"} {
			total := 8000
			if kind == "writes" {
				total = 3000
			}
			b.Run(fmt.Sprintf("%s/nodes=%d", kind, n), func(b *testing.B) {
				for b.Loop() {
					rate := drive(b, nodes, 16, total, func(i int, s *server) (string, string, string) {
						if kind == "reads" {
							return "GET", s.url + "/api/v1/incidents/" + ids[i%len(ids)], ""
						}
						return "POST", s.url + "/api/v1/incidents", `{"title": "w", "kind": "other", "countries": ["SD"], "tlp": "TLP:GREEN"}`
					}, inst.Token)
					b.ReportMetric(rate, "req/s")
				}
			})
		}
		for _, s := range nodes {
			s.cmd.Process.Kill()
			<-s.done
		}
	}
}

// drive sends total requests from clients concurrent clients, client c
// through nodes[c % len(nodes)], and returns the requests answered per
// second; a request that fails fails the benchmark.
func drive(b *testing.B, nodes []*server, clients, total int, req func(i int, s *server) (method, url, body string), token string) float64 {
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	start := time.Now()
	for w := range clients {
		s := nodes[w%len(nodes)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				next.Lock()
				k := i
				i++
				next.Unlock()
				if k >= total {
					return
				}
				method, u, body := req(k, s)
				r, _ := http.NewRequest(method, u, strings.NewReader(body))
				r.Header.Set("Authorization", "Bearer "+token)
				if body != "" {
					r.Header.Set("Content-Type", "application/json")
				}
				res, err := c.Do(r)
				if err != nil {
					b.Error(err)
					return
				}
				res.Body.Close()
				if res.StatusCode >= 300 {
					b.Errorf("%s %s = %d", method, u, res.StatusCode)
					return
				}
			}
		}()
	}
	wg.Wait()
	return float64(total) / time.Since(start).Seconds()
}
