package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"net/smtp"
	"strings"
	"time"

	"lifeline/coord"
)

// E-mail digests: a subscription whose URL is mailto:address receives its
// notifications not one by one but gathered into one message every
// Mail.Every, sent through the configured SMTP server. They are queued,
// filtered and kept exactly as webhooks' (the same outbox, the same
// visibility rule); only the last step differs.

// MailOptions configure the SMTP server digests are sent through.
type MailOptions struct {
	// Addr is the SMTP server, host:port. Empty: no digests are sent
	// (they wait in the outbox, and their log says why).
	Addr string
	// From is the sender's address.
	From string
	// Username and Password authenticate (PLAIN); net/smtp sends them
	// only over TLS (STARTTLS) or to localhost.
	Username, Password string
	// Every is how long a digest gathers notifications; 0: 1 h.
	Every time.Duration
}

// isMail reports whether a subscription's URL is an e-mail address.
func isMail(url string) bool { return strings.HasPrefix(url, "mailto:") }

// digestDue returns when a notification queued at now for a subscription
// with url is first due: at once for a webhook, after the digest's period
// for an e-mail.
func (d *Dispatcher) digestDue(url string, now time.Time) time.Time {
	if !isMail(url) {
		return now
	}
	return now.Add(d.opt.Mail.Every)
}

// sendDigests sends the e-mail notifications among ns, one message per
// subscription, and records each one's outcome; it returns the
// notifications that are webhooks'.
func (d *Dispatcher) sendDigests(ctx context.Context, ns []coord.Notification) ([]coord.Notification, error) {
	var hooks []coord.Notification
	bySub := map[string][]*coord.Notification{}
	var order []string
	for i := range ns {
		if !isMail(ns[i].URL) {
			hooks = append(hooks, ns[i])
			continue
		}
		if bySub[ns[i].SubscriptionID] == nil {
			order = append(order, ns[i].SubscriptionID)
		}
		bySub[ns[i].SubscriptionID] = append(bySub[ns[i].SubscriptionID], &ns[i])
	}
	var errs []error
	for _, id := range order {
		group := bySub[id]
		err := d.sendDigest(group)
		for _, n := range group {
			var a coord.Attempt
			if err == nil {
				a = coord.Attempt{At: d.opt.Now(), Status: coord.DeliveryDelivered}
			} else {
				a = d.failed(n, 0, err)
			}
			if rerr := d.outbox.RecordAttempt(context.WithoutCancel(ctx), n.Key, a); rerr != nil {
				errs = append(errs, rerr)
			}
		}
	}
	return hooks, errors.Join(errs...)
}

// sendDigest sends one message with every notification of group (all of
// one subscription).
func (d *Dispatcher) sendDigest(group []*coord.Notification) error {
	m := d.opt.Mail
	if m.Addr == "" {
		return errors.New("no SMTP server is configured for e-mail digests")
	}
	to, err := mail.ParseAddress(strings.TrimPrefix(group[0].URL, "mailto:"))
	if err != nil {
		return fmt.Errorf("the address %q cannot be read: %v", strings.TrimPrefix(group[0].URL, "mailto:"), err)
	}
	msg := digestMessage(m.From, to.Address, d.opt.Now(), group)
	var auth smtp.Auth
	if m.Username != "" {
		host, _, _ := strings.Cut(m.Addr, ":")
		auth = smtp.PlainAuth("", m.Username, m.Password, host)
	}
	if err := smtp.SendMail(m.Addr, auth, m.From, []string{to.Address}, msg); err != nil {
		return fmt.Errorf("the SMTP server refused the digest: %v", err)
	}
	return nil
}

// digestMessage writes the digest as a plain-text e-mail (RFC 5322): one
// paragraph per notification, with its TLP level, what happened, the
// item's title where it has one, and its idempotency key.
func digestMessage(from, to string, now time.Time, group []*coord.Notification) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nDate: %s\r\n", from, to, now.UTC().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Subject: Lifeline: %d notification(s)\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n", len(group))
	b.WriteString("What happened, as your organisation may read it. Honour each item's TLP level when you pass it on.\r\n\r\n")
	for _, n := range group {
		var p coord.NotificationPayload
		json.Unmarshal(n.Body, &p)
		var item struct {
			Title string `json:"title"`
		}
		json.Unmarshal(p.Item, &item)
		title := strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' {
				return ' '
			}
			return r
		}, item.Title)
		fmt.Fprintf(&b, "[%s] %s %s, %s\r\n", p.Event.TLP, p.Event.Type, p.Event.Subject, p.Event.Time.Format(time.RFC3339))
		if title != "" {
			fmt.Fprintf(&b, "  %s\r\n", title)
		}
		fmt.Fprintf(&b, "  key %s\r\n\r\n", n.Key)
	}
	return b.Bytes()
}
