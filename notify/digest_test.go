package notify_test

import (
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"lifeline/coord"
	"lifeline/notify"
	"lifeline/store/sqlite"
	"lifeline/store/storetest"
)

// smtpServer is a real SMTP server (go-smtp) on loopback that keeps the
// messages it accepts.
type smtpServer struct {
	mu   sync.Mutex
	msgs []smtpMessage
}

type smtpMessage struct {
	from string
	to   []string
	data string
}

type smtpSession struct {
	srv *smtpServer
	msg smtpMessage
}

func (s *smtpSession) Reset()        { s.msg = smtpMessage{} }
func (s *smtpSession) Logout() error { return nil }
func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.msg.from = from
	return nil
}
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.msg.to = append(s.msg.to, to)
	return nil
}
func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.msg.data = string(b)
	s.srv.mu.Lock()
	s.srv.msgs = append(s.srv.msgs, s.msg)
	s.srv.mu.Unlock()
	return nil
}

func startSMTP(t *testing.T) (*smtpServer, string) {
	t.Helper()
	ss := &smtpServer{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{srv: ss}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ss, ln.Addr().String()
}

// TestEmailDigest subscribes an organisation's address to incidents, with
// a digest period, reports incidents of several markings, and checks that
// one message reaches the SMTP server once the period is over, holding
// exactly the incidents the organisation may read, each with its TLP
// level; before the period nothing is sent.
func TestEmailDigest(t *testing.T) {
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "lifeline.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w := storetest.NewWorld(t, db)
	mailSrv, addr := startSMTP(t)
	admin := orgAdmin(t, db, w.Other.OrgID)
	sub := &coord.Subscription{URL: "mailto:ops@relief.example.org", Filter: coord.SubscriptionFilter{Incidents: true}}
	if _, err := db.CreateSubscription(ctx, admin, sub); err != nil {
		t.Fatal(err)
	}
	var readable, hidden []*coord.Incident
	for i, m := range []coord.Marking{{TLP: coord.TLPClear}, {TLP: coord.TLPGreen}, {TLP: coord.TLPAmber}, {TLP: coord.TLPAmber, Orgs: []string{w.Other.OrgID}}, {TLP: coord.TLPRed, Members: []string{w.Other.MemberID}}} {
		in := &coord.Incident{Title: "Outage " + string(rune('A'+i)), Kind: coord.KindPowerOutage, Marking: m}
		if err := db.CreateIncident(ctx, w.Author, in); err != nil {
			t.Fatal(err)
		}
		if coord.CanSee(coord.OrgViewer(&coord.Org{ID: w.Other.OrgID, Verified: true}), in.Marking) {
			readable = append(readable, in)
		} else {
			hidden = append(hidden, in)
		}
	}
	now := time.Now()
	clock := func() time.Time { return now }
	d := notify.New(db, db.Services(), notify.Options{Now: clock, Mail: notify.MailOptions{Addr: addr, From: "lifeline@lifeline.example.org", Every: time.Hour}})
	if _, err := d.Scan(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Deliver(ctx); err != nil {
		t.Fatal(err)
	}
	if len(mailSrv.msgs) != 0 {
		t.Fatalf("a digest was sent before its period: %d messages", len(mailSrv.msgs))
	}
	now = now.Add(61 * time.Minute)
	if _, err := d.Deliver(ctx); err != nil {
		t.Fatal(err)
	}
	mailSrv.mu.Lock()
	defer mailSrv.mu.Unlock()
	if len(mailSrv.msgs) != 1 {
		t.Fatalf("%d messages, want one digest", len(mailSrv.msgs))
	}
	m := mailSrv.msgs[0]
	if m.from != "lifeline@lifeline.example.org" || len(m.to) != 1 || m.to[0] != "ops@relief.example.org" {
		t.Errorf("envelope from %s to %v", m.from, m.to)
	}
	for _, in := range readable {
		if !strings.Contains(m.data, in.ID) || !strings.Contains(m.data, "["+string(in.TLP)+"] incident.created "+in.ID) {
			t.Errorf("the digest lacks %s %s:\n%s", in.TLP, in.ID, m.data)
		}
	}
	for _, in := range hidden {
		if strings.Contains(m.data, in.ID) || strings.Contains(m.data, in.Title) {
			t.Errorf("LEAK: the digest holds %s %s", in.TLP, in.ID)
		}
	}
	if len(readable) < 2 || len(hidden) < 2 {
		t.Fatalf("%d readable, %d hidden: the markings do not exercise the policy", len(readable), len(hidden))
	}
	ds, err := db.FindDeliveries(ctx, admin, sub.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, dl := range ds {
		if dl.Status != coord.DeliveryDelivered {
			t.Errorf("delivery %s: %s %s", dl.Subject, dl.Status, dl.LastError)
		}
	}
}
