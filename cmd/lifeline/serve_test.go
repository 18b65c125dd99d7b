package main

import (
	"bufio"
	"bytes"
	"context"
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

	"lifeline/coord"
	"lifeline/ledger"
	"lifeline/store/sqlite"
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
func startServer(t testing.TB, dir string, args ...string) *server {
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
			// The admin's token ends the line that gives it, in any
			// language of --lang; the demonstration's are indented.
			if f := strings.Fields(line); len(f) > 1 && f[0] == "lifeline:" && strings.HasPrefix(f[len(f)-1], "llt_") {
				s.token = f[len(f)-1]
			}
			if f := strings.Fields(line); len(f) > 1 && strings.HasPrefix(f[len(f)-1], "llt_") && strings.HasPrefix(line, "  ") {
				s.demoTokens = append(s.demoTokens, f[len(f)-1])
			}
			s.log = append(s.log, line)
			// The line that says where it serves names the API.
			if _, after, ok := strings.Cut(line, "http://"); ok && strings.Contains(line, "/api/v1") && s.url == "" {
				s.url, _, _ = strings.Cut("http://"+after, " ")
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
	noLocale(t)
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
	if log := strings.Join(s.log, "\n"); !strings.Contains(log, "lifeline: admin token (shown only now, keep it): "+s.token) ||
		!strings.Contains(log, "lifeline: serving on "+s.url+" — web interface at /, API at /api/v1 (store: sqlite lifeline.db)") ||
		!strings.Contains(log, "lifeline: shutting down") {
		t.Errorf("the first start's lines, in English without a locale, up to shutting down:\n%s", log)
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

// brokenLog makes a SQLite store with the instance and n more events,
// and returns its path and the admin token.
func brokenLog(t *testing.T, n int) (string, string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "lifeline.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	inst, err := db.Init(ctx, "Ops", "root", 0)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < n; i += 16 {
				if err := db.CreateOrg(ctx, coord.System, &coord.Org{Name: fmt.Sprintf("Org %d", i), Kind: coord.OrgOperator}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	return path, inst.Token
}

// tamper changes the payload of event seq and records the new bytes'
// hash, as someone with the database but not the key would.
func tamper(t *testing.T, path string, seq int) {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var body []byte
	if err := db.SQL().QueryRow(`SELECT body FROM events WHERE seq = ?`, seq).Scan(&body); err != nil {
		t.Fatal(err)
	}
	forged := bytes.Replace(body, []byte(`"payload":{`), []byte(`"payload":{"x":1,`), 1)
	if _, err := db.SQL().Exec(`UPDATE events SET body = ?, hash = ? WHERE seq = ?`, forged, ledger.Hash(forged), seq); err != nil {
		t.Fatal(err)
	}
}

// TestServeBrokenTail: a server started on a log whose last event does
// not verify says which event and how to recover, serves reads, and
// refuses every write.
func TestServeBrokenTail(t *testing.T) {
	path, token := brokenLog(t, 5)
	tamper(t, path, 8) // the last: Init writes three events
	s := startServer(t, filepath.Dir(path), "--addr", "127.0.0.1:0", "--db", path)
	log := strings.Join(s.log, "\n")
	for _, want := range []string{"event 8", "signature", "lifeline admin restore", "reading only"} {
		if !strings.Contains(log, want) {
			t.Errorf("start on a broken log does not say %q:\n%s", want, log)
		}
	}
	code, body, err := s.request("POST", "/api/v1/incidents", token, `{"title": "x", "kind": "other", "countries": ["SD"], "tlp": "TLP:CLEAR"}`)
	if err != nil || code != 409 || !strings.Contains(string(body), "event 8") {
		t.Errorf("POST on a broken log = %d %s %v; want 409 naming event 8", code, body, err)
	}
	if code, _, _ := s.request("GET", "/api/v1/orgs", token, ""); code != 200 {
		t.Errorf("GET on a broken log = %d; want reads served", code)
	}
	if code, body, _ := s.request("GET", "/healthz", "", ""); code != 503 || !strings.Contains(string(body), "event 8") {
		t.Errorf("/healthz of a broken log = %d %s", code, body)
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.done
	var n int
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SQL().QueryRow(`SELECT COUNT(*) FROM events`).Scan(&n)
	if n != 8 {
		t.Errorf("the server appended to a broken log: %d events, want 8", n)
	}
}

// TestServeBrokenMiddle: an event far from the end that does not verify
// is found by the check of the whole log that runs in the background;
// from then on /healthz says so and writes are refused.
func TestServeBrokenMiddle(t *testing.T) {
	if testing.Short() {
		t.Skip("writes more than a thousand events")
	}
	path, token := brokenLog(t, tailChecked+50)
	tamper(t, path, 2)
	s := startServer(t, filepath.Dir(path), "--addr", "127.0.0.1:0", "--db", path)
	deadline := time.Now().Add(60 * time.Second)
	var code int
	var body []byte
	for time.Now().Before(deadline) {
		code, body, _ = s.request("GET", "/healthz", "", "")
		if code != 200 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code != 503 || !strings.Contains(string(body), "event 2") || !strings.Contains(string(body), `"broken"`) {
		t.Fatalf("/healthz after the background check = %d %s; want 503 naming event 2", code, body)
	}
	code, body, _ = s.request("POST", "/api/v1/incidents", token, `{"title": "x", "kind": "other", "countries": ["SD"], "tlp": "TLP:CLEAR"}`)
	if code != 409 || !strings.Contains(string(body), "event 2") {
		t.Errorf("POST after the background check = %d %s; want 409", code, body)
	}
}

// TestServeMetricsListener: /metrics is not served with the API and the
// web interface, only on --metrics-addr.
func TestServeMetricsListener(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir, "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0")
	if code, body, _ := s.request("GET", "/metrics", "", ""); code == 200 || strings.Contains(string(body), "lifeline_http_requests_total") {
		t.Errorf("GET /metrics on the public address = %d", code)
	}
	s.request("GET", "/api/v1/orgs", "", "")
	var murl string
	for _, l := range s.log {
		if _, after, ok := strings.Cut(l, "metrics on "); ok {
			murl, _, _ = strings.Cut(after, " ")
		}
	}
	if murl == "" {
		t.Fatalf("no metrics address printed:\n%s", strings.Join(s.log, "\n"))
	}
	res, err := http.Get(murl)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(b), `lifeline_http_requests_total{code="200",route="GET /api/v1/orgs"} 1`) {
		t.Errorf("GET %s = %d %.300s", murl, res.StatusCode, b)
	}
}

// TestServeRefusesReadableDatabase: a database other users may read holds
// the signing key and the token hashes in the open; the server refuses to
// start on it and prints the command that fixes it.
func TestServeRefusesReadableDatabase(t *testing.T) {
	path, _ := brokenLog(t, 0)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runCLI(t, "serve", "--db", path, "--addr", "127.0.0.1:0")
	if code == 0 || !strings.Contains(stderr, "chmod 600 "+path) {
		t.Errorf("serve on a database readable by others: exit %d, %s; want a refusal with the chmod", code, stderr)
	}
}

// TestServeEditedState: a state row edited by hand (an organisation's
// document) is found by the comparison with a replay that runs in the
// background; from then on /healthz says so and appends are refused,
// since the next change of that item would sign the edit into the log.
func TestServeEditedState(t *testing.T) {
	path, token := brokenLog(t, 3)
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.SQL().Exec(`UPDATE orgs SET doc = replace(doc, '"Org 1"', '"Org forged"') WHERE doc LIKE '%"Org 1"%'`)
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("edit a state row: %d rows, %v", n, err)
	}
	db.Close()
	s := startServer(t, filepath.Dir(path), "--addr", "127.0.0.1:0", "--db", path)
	var code int
	var body []byte
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if code, body, _ = s.request("GET", "/healthz", "", ""); code != 200 {
			break
		}
	}
	if code != 503 || !strings.Contains(string(body), "state tables differ") || !strings.Contains(string(body), "rebuild") {
		t.Fatalf("/healthz after editing a state row = %d %s", code, body)
	}
	code, body, _ = s.request("POST", "/api/v1/incidents", token, `{"title": "x", "kind": "other", "countries": ["SD"], "tlp": "TLP:CLEAR"}`)
	if code != 409 || !strings.Contains(string(body), "orgs, row org_") {
		t.Errorf("POST after the state check = %d %s; want 409 naming the row", code, body)
	}
}

// TestServeLanguages: the lines serve writes on standard error for the
// person who started it come in the language of the locale, the admin's
// token as typed; --lang is the web interface's language for visitors,
// which need not be the operator's.
func TestServeLanguages(t *testing.T) {
	noLocale(t)
	t.Setenv("LANG", "fr_FR.UTF-8")
	s := startServer(t, t.TempDir(), "--addr", "127.0.0.1:0", "--lang", "ar")
	if !strings.HasPrefix(s.token, "llt_") {
		t.Fatal("no admin token printed on first start")
	}
	code, body, err := s.request("GET", "/", "", "")
	if err != nil || code != 200 || !strings.Contains(string(body), `lang="ar"`) {
		t.Errorf("GET / with serve --lang ar = %d %v: want the interface in Arabic", code, err)
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.done
	log := strings.Join(s.log, "\n")
	for _, want := range []string{
		"lifeline: nouvelle instance\u202f: organisation org_",
		"lifeline: jeton d’administration (affiché seulement maintenant, conservez-le)\u202f: " + s.token + "\n",
		"lifeline: en service sur " + s.url + " — interface web à /, API à /api/v1 (stockage\u202f: sqlite lifeline.db)",
		"lifeline: arrêt en cours",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("serve with LANG=fr_FR.UTF-8: the log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "serving on") || strings.Contains(log, "shutting down") {
		t.Errorf("serve with LANG=fr_FR.UTF-8 writes English:\n%s", log)
	}
}
