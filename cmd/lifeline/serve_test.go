package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestServeHelperProcess is not a test: the serve tests run the test
// binary again as a child process, which lands here and runs the command
// line in LIFELINE_SERVE_ARGS.
func TestServeHelperProcess(t *testing.T) {
	if os.Getenv("LIFELINE_SERVE_HELPER") != "1" {
		t.Skip("the child process of the serve tests")
	}
	var args []string
	if err := json.Unmarshal([]byte(os.Getenv("LIFELINE_SERVE_ARGS")), &args); err != nil {
		t.Fatal(err)
	}
	os.Exit(run(args, os.Stdin, os.Stdout, os.Stderr))
}

// server is a "lifeline serve" child process.
type server struct {
	cmd   *exec.Cmd
	url   string
	token string // printed on first start only
	// demoTokens are the members' tokens printed by --demo; log is every
	// line of standard error up to the moment it listens.
	demoTokens []string
	log        []string
	done       chan struct{}
	exit       error // of the process, once done is closed
}

// startServer runs "lifeline serve args…" in dir and waits until it
// listens.
func startServer(t *testing.T, dir string, args ...string) *server {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeHelperProcess$")
	cmd.Dir = dir
	argv, err := json.Marshal(append([]string{"serve"}, args...))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Env = append(os.Environ(), "LIFELINE_SERVE_HELPER=1", "LIFELINE_SERVE_ARGS="+string(argv))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, done: make(chan struct{})}
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-s.done
	})
	ready := make(chan struct{})
	var log bytes.Buffer
	var mu sync.Mutex
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			mu.Lock()
			log.WriteString(line + "\n")
			if tok, ok := strings.CutPrefix(line, "lifeline: admin token (shown only now, keep it): "); ok {
				s.token = tok
			}
			if f := strings.Fields(line); len(f) > 1 && strings.HasPrefix(f[len(f)-1], "llt_") && strings.HasPrefix(line, "  ") {
				s.demoTokens = append(s.demoTokens, f[len(f)-1])
			}
			s.log = append(s.log, line)
			if _, after, ok := strings.Cut(line, "serving on "); ok && s.url == "" {
				s.url, _, _ = strings.Cut(after, " ")
				close(ready)
			}
			mu.Unlock()
		}
		io.Copy(io.Discard, stderr)
		s.exit = cmd.Wait()
	}()
	select {
	case <-ready:
	case <-s.done:
		t.Fatalf("lifeline serve exited:\n%s", log.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("lifeline serve did not start:\n%s", log.String())
	}
	mu.Lock()
	defer mu.Unlock()
	return s
}

func (s *server) request(method, path, token, body string) (int, []byte, error) {
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	c := http.Client{Timeout: 10 * time.Second}
	res, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// TestServeFirstStart runs "lifeline serve" with nothing but an address in
// an empty directory: it creates lifeline.db, initialises the instance,
// prints the admin token once, and serves.
func TestServeFirstStart(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir, "--addr", "127.0.0.1:0")
	if !strings.HasPrefix(s.token, "llt_") {
		t.Fatalf("no admin token printed on first start")
	}
	if _, err := os.Stat(filepath.Join(dir, "lifeline.db")); err != nil {
		t.Fatalf("lifeline.db not created in the working directory: %v", err)
	}
	if code, body, err := s.request("GET", "/healthz", "", ""); err != nil || code != 200 {
		t.Fatalf("/healthz = %d %s %v", code, body, err)
	}
	code, body, err := s.request("POST", "/api/v1/incidents", s.token, `{"title": "Cable cut", "kind": "cable_cut", "countries": ["SD"], "tlp": "TLP:AMBER"}`)
	if err != nil || code != 201 {
		t.Fatalf("POST incident = %d %s %v", code, body, err)
	}
	var created struct{ ID string }
	json.Unmarshal(body, &created)
	if code, _, _ := s.request("GET", "/api/v1/incidents/"+created.ID, "", ""); code != 404 {
		t.Errorf("anonymous reads a TLP:AMBER incident: %d", code)
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.done
	if s.exit != nil {
		t.Errorf("lifeline serve after SIGTERM: %v, want a clean exit", s.exit)
	}
	again := startServer(t, dir, "--addr", "127.0.0.1:0")
	if again.token != "" {
		t.Error("a second start printed a new admin token")
	}
	if code, _, _ := again.request("GET", "/api/v1/incidents/"+created.ID, s.token, ""); code != 200 {
		t.Errorf("after restart, GET incident = %d", code)
	}
}

// TestServeDemo seeds a demonstration instance and serves the web
// interface beside the API.
func TestServeDemo(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir, "--addr", "127.0.0.1:0", "--demo")
	if len(s.demoTokens) < 5 {
		t.Fatalf("--demo printed %d member tokens:\n%s", len(s.demoTokens), strings.Join(s.log, "\n"))
	}
	code, body, err := s.request("GET", "/", "", "")
	if err != nil || code != 200 || !strings.Contains(string(body), "<html") {
		t.Fatalf("GET / = %d %v: want the web interface", code, err)
	}
	if code, body, _ := s.request("GET", "/atlas", "", ""); code != 200 || !strings.Contains(string(body), "<svg") {
		t.Errorf("GET /atlas = %d: want a page with a map", code)
	}
	code, body, err = s.request("GET", "/api/v1/incidents", s.demoTokens[0], "")
	var page struct{ Items []json.RawMessage }
	if err != nil || code != 200 || json.Unmarshal(body, &page) != nil || len(page.Items) == 0 {
		t.Errorf("GET /api/v1/incidents with a demo token = %d, %d items, %v", code, len(page.Items), err)
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.done
	again := startServer(t, dir, "--addr", "127.0.0.1:0", "--demo")
	if len(again.demoTokens) != 0 || !strings.Contains(strings.Join(again.log, "\n"), "already holds data") {
		t.Errorf("a second --demo seeded again:\n%s", strings.Join(again.log, "\n"))
	}
}

// TestDurability writes under load, kills the server with SIGKILL,
// restarts it and finds every acknowledged write; the log verifies.
func TestDurability(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills server processes")
	}
	dir := t.TempDir()
	s := startServer(t, dir, "--addr", "127.0.0.1:0", "--rate", "0")
	var (
		mu     sync.Mutex
		acked  = map[string]string{} // id → title
		killed = make(chan struct{})
		wg     sync.WaitGroup
	)
	const writers, perWriter = 8, 200
	deadline := time.Now().Add(20 * time.Second)
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				if time.Now().After(deadline) {
					return
				}
				title := fmt.Sprintf("writer %d incident %d", g, i)
				code, body, err := s.request("POST", "/api/v1/incidents", s.token, `{"title": "`+title+`", "kind": "other", "tlp": "TLP:GREEN"}`)
				if err != nil {
					select {
					case <-killed:
						return // the server is gone, as intended
					default:
						t.Errorf("write failed before the kill: %v", err)
						return
					}
				}
				if code != 201 {
					t.Errorf("POST = %d %s", code, body)
					return
				}
				var c struct{ ID string }
				json.Unmarshal(body, &c)
				mu.Lock()
				acked[c.ID] = title
				mu.Unlock()
			}
		}()
	}
	// Kill once a good number of writes are acknowledged, in mid-stream.
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 300 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(killed)
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-s.done
	wg.Wait()
	if len(acked) < 100 {
		t.Fatalf("only %d writes acknowledged before the kill", len(acked))
	}
	again := startServer(t, dir, "--addr", "127.0.0.1:0", "--rate", "0")
	for id, title := range acked {
		code, body, err := again.request("GET", "/api/v1/incidents/"+id, s.token, "")
		if err != nil || code != 200 || !strings.Contains(string(body), title) {
			t.Fatalf("acknowledged write %s (%s) lost after SIGKILL: %d %s %v", id, title, code, body, err)
		}
	}
	out, stderr, code := runCLI(t, "admin", "verify", "--db", filepath.Join(dir, "lifeline.db"), "--json")
	var v struct {
		OK       bool `json:"ok"`
		Verified int  `json:"verified"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil || !v.OK || v.Verified < len(acked) {
		t.Fatalf("admin verify after SIGKILL: exit %d %s %s", code, out, stderr)
	}
	t.Logf("%d acknowledged writes survived SIGKILL; %d events verify", len(acked), v.Verified)
}
