// Package ristest runs a RIS Live-compatible WebSocket server on 127.0.0.1
// for tests: it sends a given sequence of messages to its subscriber, and
// can be made to misbehave as real servers and networks do — drop the
// connection without a close frame (code 1006), lose what it sent while
// the client was away, go silent, or start a message it never finishes.
package ristest

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"lifeline/watch/rislive"
)

// Server serves Messages, in order, to one client at a time. Each
// connection continues where the previous one stopped (as if the server
// had kept the client's place), unless LoseOnDisconnect says otherwise.
type Server struct {
	// URL is the WebSocket endpoint, ws://127.0.0.1:PORT/v1/ws/.
	URL string

	mu      sync.Mutex
	msgs    [][]byte
	next    int // index of the next message to send
	subs    []rislive.Subscription
	conns   map[string]net.Conn
	lose    int
	silent  bool // send nothing more, answer no ping
	loris   bool // start a message and never finish it
	pause   chan struct{}
	pauseAt int
	times   []time.Time // data times of msgs, for pacing
	speed   float64
	t0      time.Time // when the first message went out
	ln      net.Listener
	srv     *http.Server
	connect int
}

// New starts a server of msgs. Close stops it.
func New(msgs [][]byte) *Server {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic("ristest: " + err.Error())
	}
	s := &Server{msgs: msgs, conns: make(map[string]net.Conn), ln: &trackingListener{Listener: ln}}
	s.ln.(*trackingListener).s = s
	s.URL = "ws://" + ln.Addr().String() + "/v1/ws/?client=test"
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(s.ln)
	return s
}

// NewPaced starts a server that sends each message no earlier than its
// data time, counted from the first message's, divided by speed: a replay
// at speed times real time.
func NewPaced(msgs [][]byte, times []time.Time, speed float64) *Server {
	s := New(msgs)
	s.mu.Lock()
	s.times, s.speed = times, speed
	s.mu.Unlock()
	return s
}

// Close stops the server and drops every connection.
func (s *Server) Close() {
	s.srv.Close()
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
}

// trackingListener records the connections, so that Disconnect can cut
// one at the TCP level.
type trackingListener struct {
	net.Listener
	s *Server
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.s.mu.Lock()
		l.s.conns[c.RemoteAddr().String()] = c
		l.s.mu.Unlock()
	}
	return c, err
}

// Sent returns how many messages have been written so far.
func (s *Server) Sent() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.next
}

// Connections returns how many clients have connected.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connect
}

// Subscriptions returns the subscriptions received, in order.
func (s *Server) Subscriptions() []rislive.Subscription {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]rislive.Subscription(nil), s.subs...)
}

// PauseAt makes the server stop before sending message i, until the
// returned function is called: a test can then act at a known point of
// the stream.
func (s *Server) PauseAt(i int) (resume func()) {
	ch := make(chan struct{})
	s.mu.Lock()
	s.pause, s.pauseAt = ch, i
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		if s.pause == ch {
			s.pause = nil
		}
		s.mu.Unlock()
		close(ch)
	}
}

// Disconnect cuts the current connections as a network failure does: no
// close frame (the client sees code 1006). The TCP stream is half-closed,
// then closed two seconds later; what the client had not read by then may
// be lost, so tests that count messages disconnect at a pause (PauseAt)
// once the client has what was sent. The next lose messages are then
// lost, as RIS Live loses what it would have sent while the client was
// away.
func (s *Server) Disconnect(lose int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lose = lose
	for k, c := range s.conns {
		if tc, ok := c.(*net.TCPConn); ok {
			tc.CloseWrite()
			time.AfterFunc(2*time.Second, func() { tc.Close() })
		} else {
			c.Close()
		}
		delete(s.conns, k)
	}
}

// GoSilent makes the server stop sending and stop answering pings while
// keeping the connection open: the silent stall clients must detect.
// Connections after the next one behave again.
func (s *Server) GoSilent() {
	s.mu.Lock()
	s.silent = true
	s.mu.Unlock()
}

// StartLoris makes the server begin a message it never finishes: a frame
// header announcing 1,000 bytes, then 10 of them, then nothing.
func (s *Server) StartLoris() {
	s.mu.Lock()
	s.loris = true
	s.mu.Unlock()
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer conn.CloseNow()
	conn.SetReadLimit(1 << 16)
	// The request's context does not end with a hijacked connection: the
	// reader ends this one when the client goes.
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	s.mu.Lock()
	s.connect++
	s.next += s.lose
	s.lose = 0
	s.mu.Unlock()
	// The reader answers pings and takes subscriptions.
	subscribed := make(chan struct{})
	var once sync.Once
	var mute atomic.Bool // this connection has gone silent
	var wmu sync.Mutex
	go func() {
		defer cancel()
		for {
			_, b, err := conn.Read(ctx)
			if err != nil {
				return
			}
			var m struct {
				Type string               `json:"type"`
				Data rislive.Subscription `json:"data"`
			}
			if json.Unmarshal(b, &m) != nil {
				continue
			}
			switch m.Type {
			case "ris_subscribe":
				s.mu.Lock()
				s.subs = append(s.subs, m.Data)
				s.mu.Unlock()
				once.Do(func() { close(subscribed) })
			case "ping":
				if !mute.Load() {
					wmu.Lock()
					conn.Write(ctx, websocket.MessageText, []byte(`{"type":"pong","data":null}`))
					wmu.Unlock()
				}
			}
		}
	}()
	select {
	case <-subscribed:
	case <-ctx.Done():
		return
	}
	for {
		s.mu.Lock()
		pause, silent, loris := s.pause, s.silent, s.loris
		if s.next < s.pauseAt {
			pause = nil
		}
		s.silent, s.loris = false, false
		if silent || loris {
			// Only this connection misbehaves.
			mute.Store(true)
			s.mu.Unlock()
			if loris {
				raw := s.rawConn(r.RemoteAddr)
				if raw != nil {
					wmu.Lock()
					raw.Write(append([]byte{0x81, 126, 0x03, 0xe8}, make([]byte, 10)...))
					wmu.Unlock()
				}
			}
			<-ctx.Done()
			return
		}
		if pause != nil {
			s.mu.Unlock()
			select {
			case <-pause:
				continue
			case <-ctx.Done():
				return
			}
		}
		if s.next >= len(s.msgs) {
			s.mu.Unlock()
			select {
			case <-ctx.Done():
				return
			case <-time.After(10 * time.Millisecond):
				continue
			}
		}
		if s.speed > 0 {
			if s.t0.IsZero() {
				s.t0 = time.Now()
			}
			due := s.t0.Add(time.Duration(float64(s.times[s.next].Sub(s.times[0])) / s.speed))
			if wait := time.Until(due); wait > 0 {
				s.mu.Unlock()
				select {
				case <-ctx.Done():
					return
				case <-time.After(wait):
				}
				continue
			}
		}
		m := s.msgs[s.next]
		s.next++
		s.mu.Unlock()
		wmu.Lock()
		err := conn.Write(ctx, websocket.MessageText, m)
		wmu.Unlock()
		if err != nil {
			// Not sent: the next connection starts with it.
			s.mu.Lock()
			s.next--
			s.mu.Unlock()
			return
		}
	}
}

func (s *Server) rawConn(remote string) net.Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns[remote]
}
