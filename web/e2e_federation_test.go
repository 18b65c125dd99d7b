package web

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"testing"

	"lifeline/web/internal/axe"

	"github.com/chromedp/chromedp"
)

// checkFederation adds a peer on the federation page as the instance
// administrator, with the mouse and keyboard, through the fingerprint
// shown before confirming; then checks the page with axe-core and in
// every language (checkLanguages).
func checkFederation(t *testing.T, browser context.Context, srv *e2eServer) {
	ctx := tab(t, browser)
	login(t, ctx, srv.url, srv.members["admin"])
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(pub)
	fp := hex.EncodeToString(sum[:])
	run(t, ctx, "open the federation page", chromedp.Navigate(srv.url+"/admin/federation"), chromedp.WaitVisible(chromedp.ID("peer-name")))
	run(t, ctx, "describe the peer",
		chromedp.SendKeys(chromedp.ID("peer-name"), "ETC Port Sudan"),
		chromedp.SendKeys(chromedp.ID("peer-url"), "https://etc.example.org"),
		chromedp.SendKeys(chromedp.ID("peer-key"), hex.EncodeToString(pub)),
		chromedp.Click(chromedp.ID("peer-community")),
		chromedp.Submit(chromedp.ID("peer-name")),
		chromedp.WaitVisible(chromedp.ID("confirm-short")))
	if short := value(t, ctx, "the fingerprint to check", chromedp.Text(chromedp.ID("confirm-short"))); short != fp[0:4]+" "+fp[4:8]+" "+fp[8:12]+" "+fp[12:16] {
		t.Errorf("the page shows %q to check, want the key's fingerprint %s", short, fp[:16])
	}
	run(t, ctx, "confirm", chromedp.Click(chromedp.CSS("#fed-confirm button")), chromedp.WaitVisible(chromedp.ID("fed-notice")))
	if !eval[bool](t, ctx, fmt.Sprintf(`!!document.getElementById("peer-%s")`, fp)) {
		t.Fatal("the confirmed peer is not listed")
	}
	eval[bool](t, ctx, axe.Source+";true")
	res := eval[axeResult](t, ctx, `axe.run(document, {resultTypes: ["violations"]}).then(r => ({passes: r.passes.length, violations: r.violations}))`)
	for _, v := range res.Violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("federation: axe %s (%s): %s", v.ID, v.Impact, v.Help)
		}
	}
	shots := os.Getenv("LIFELINE_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	checkLanguages(t, ctx, srv.url, []struct{ name, path string }{{"federation", "/admin/federation"}}, shots)
}
