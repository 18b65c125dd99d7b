package fedhttp_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"lifeline/coord"
	"lifeline/federation"
)

// TestRemovedOrUnknownKeyGetsNothing: once a peer is removed, its key is
// a stranger's: every endpoint answers 401 with a problem document and
// nothing else — no batch, no wake-up, nothing applied from what it
// pushes — exactly as for a key this instance never knew.
func TestRemovedOrUnknownKeyGetsNothing(t *testing.T) {
	a, b, stranger := newNode(t, "A"), newNode(t, "B"), newNode(t, "S")
	a.peer(t, b)
	b.peer(t, a)
	in := &coord.Incident{Title: "Cut", Kind: coord.KindCableCut, Countries: []string{"SD"}}
	in.TLP = coord.TLPClear
	if err := a.db.CreateIncident(ctx, a.author, in); err != nil {
		t.Fatal(err)
	}
	// What B would push: a batch of its own, made for A.
	bin := &coord.Incident{Title: "Pushed", Kind: coord.KindCableCut, Countries: []string{"SD"}}
	bin.TLP = coord.TLPClear
	if err := b.db.CreateIncident(ctx, b.author, bin); err != nil {
		t.Fatal(err)
	}
	pushed, _, err := b.db.Outgoing(ctx, a.fp, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	send := func(by *node, method, path string, body []byte) (int, string, string) {
		t.Helper()
		u := a.srv.URL + path
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, _ := http.NewRequest(method, u, rd)
		if err := federation.SignRequest(by.key, federation.Request{Method: method, TargetURI: u, Header: req.Header}, body, time.Now()); err != nil {
			t.Fatal(err)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		got, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Content-Type"), string(got)
	}
	// While B is a peer, it is answered.
	if st, _, body := send(b, "GET", "/federation/v1/events?since=0", nil); st != 200 || !strings.Contains(body, "lifeline-batch") {
		t.Fatalf("a peer pulls: %d %.200s", st, body)
	}
	if err := a.db.RemovePeer(ctx, a.admin, b.fp); err != nil {
		t.Fatal(err)
	}
	before, err := a.db.Position(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for name, by := range map[string]*node{"a removed peer": b, "an unknown key": stranger} {
		for _, r := range []struct {
			method, path string
			body         []byte
		}{
			{"GET", "/federation/v1/events?since=0", nil},
			{"POST", "/federation/v1/notify", []byte(`{"until": 9}`)},
			{"POST", "/federation/v1/batches", pushed},
		} {
			st, ct, body := send(by, r.method, r.path, r.body)
			if st != http.StatusUnauthorized || ct != "application/problem+json" || strings.Contains(body, "lifeline-batch") ||
				strings.Contains(body, in.ID) || !strings.Contains(body, "signature") {
				t.Errorf("%s: %s %s: %d %s %.300s, want 401 with a problem document only", name, r.method, r.path, st, ct, body)
			}
		}
	}
	select {
	case who := <-a.woken:
		t.Errorf("a notification from %s was heeded", who)
	default:
	}
	if after, err := a.db.Position(ctx); err != nil || after != before {
		t.Errorf("A's log moved from %d to %d (%v): something of a refused push was applied", before, after, err)
	}
	if _, err := a.db.FindIncidentByID(ctx, coord.Viewer{}, bin.ID); err == nil {
		t.Error("the incident a removed peer pushed is on A")
	}
}
