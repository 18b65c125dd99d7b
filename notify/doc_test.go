package notify_test

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"lifeline/notify"
)

// TestDocRequest checks the request of docs/notify.md: its signature is
// what Sign makes of its body with the page's secret, and, where openssl
// is installed, what the page's openssl line computes.
func TestDocRequest(t *testing.T) {
	b, err := os.ReadFile("../docs/notify.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	sig := regexp.MustCompile(`Lifeline-Signature: (t=(\d+),v1=[0-9a-f]{64})\n\n(\{.*\})\n`).FindStringSubmatch(doc)
	secret := regexp.MustCompile("secret\n`(whsec_[^`]+)`").FindStringSubmatch(doc)
	if sig == nil || secret == nil {
		t.Fatal("docs/notify.md: no signed request or no secret found")
	}
	ts, _ := strconv.ParseInt(sig[2], 10, 64)
	body := []byte(sig[3])
	if got := notify.Sign(secret[1], time.Unix(ts, 0), body); got != sig[1] {
		t.Errorf("the page's signature is %s, the code signs %s", sig[1], got)
	}
	if err := notify.Verify(secret[1], sig[1], body, time.Unix(ts, 0), time.Minute); err != nil {
		t.Error(err)
	}
	line := regexp.MustCompile("```sh\n(.*)\n```").FindStringSubmatch(doc)
	if line == nil {
		t.Fatal("docs/notify.md: no openssl line")
	}
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not installed: the page's shell line is not run")
	}
	cmd := exec.Command("bash", "-c", line[1])
	cmd.Env = append(os.Environ(), "t="+sig[2], "body="+sig[3], "secret="+secret[1])
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(strings.TrimSpace(string(out)), sig[1][strings.Index(sig[1], "v1=")+3:]) {
		t.Errorf("the page's openssl line prints %s, want the signature's v1", out)
	}
}
