package web

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"html"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lifeline/coord"
	"lifeline/federation"
	"lifeline/store/sqlite"
	"lifeline/web/i18n"
)

// shortOf is a key's fingerprint as people compare it, computed here from
// its definition (the first 64 bits of the SHA-256 of the key, in four
// groups) rather than by the code under test.
func shortOf(key ed25519.PublicKey) (full, short string) {
	h := sha256.Sum256(key)
	full = hex.EncodeToString(h[:])
	return full, full[0:4] + " " + full[4:8] + " " + full[8:12] + " " + full[12:16]
}

func newKey(t testing.TB) ed25519.PublicKey {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

// TestFederationPage: the instance administrators' page of peers lists
// each peer with what was exchanged, adds one only after showing the
// fingerprint of its key, suspends, resumes and removes it, through the
// store's own peer functions; to anyone else it does not exist.
func TestFederationPage(t *testing.T) {
	in := newInstance(t)
	ctx := t.Context()
	admin := in.browser(t)
	admin.login(in.adminTok)
	peers := func() []*federation.PeerStatus {
		t.Helper()
		ps, err := in.db.FindPeers(ctx, in.admin)
		if err != nil {
			t.Fatal(err)
		}
		return ps
	}

	// Not an instance administrator: the page is not there.
	anon := in.browser(t)
	if resp, _ := anon.get("/admin/federation"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("anonymous: status %d, want a redirect to log in", resp.StatusCode)
	}
	orgAdmin := in.browser(t)
	orgAdmin.login(in.tokA)
	_, missing := orgAdmin.get("/no-such-page")
	if resp, body := orgAdmin.get("/admin/federation"); resp.StatusCode != http.StatusNotFound ||
		strings.ReplaceAll(body, "/admin/federation", "/no-such-page") != missing {
		t.Errorf("an organisation's administrator: status %d, want the page of a missing page", resp.StatusCode)
	}
	if _, body := orgAdmin.get("/"); strings.Contains(body, `href="/admin/federation"`) {
		t.Error("the navigation links the federation page for an organisation's administrator")
	}
	if _, body := admin.get("/"); !strings.Contains(body, `href="/admin/federation"`) {
		t.Error("the navigation does not link the federation page for the instance administrator")
	}

	// This instance's own fingerprint, to give to peers.
	self, err := in.db.PublicKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	selfFull, selfShort := shortOf(self)
	resp, body := admin.get("/admin/federation")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, selfShort) || !strings.Contains(body, selfFull) ||
		!strings.Contains(html.UnescapeString(body), base64.StdEncoding.EncodeToString(self)) {
		t.Fatalf("the page: status %d, without this instance's fingerprint %s and key", resp.StatusCode, selfShort)
	}
	if !strings.Contains(body, "No peers yet") {
		t.Error("an instance without peers does not say so")
	}

	// Adding a peer: first the fingerprint, nothing added yet.
	key := newKey(t)
	full, short := shortOf(key)
	form := url.Values{"name": {"ETC Port Sudan"}, "url": {"https://etc.example.org"}, "key": {base64.StdEncoding.EncodeToString(key)},
		"orgs": {"org_remote1, org_remote2"}, "community": {"1"}}
	resp, body = admin.post("/admin/federation", "/admin/federation", form)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="confirm-short">`+short+"<") || !strings.Contains(body, full) {
		t.Fatalf("first step: status %d, the fingerprint %s not shown to confirm:\n%.2000s", resp.StatusCode, short, body)
	}
	if n := len(peers()); n != 0 {
		t.Fatalf("%d peers after the first step, want none before confirmation", n)
	}
	// A confirmation of another key's fingerprint adds nothing.
	other, _ := shortOf(newKey(t))
	bad := cloneValues(form)
	bad.Set("confirm", other)
	if resp, body := admin.post("/admin/federation", "/admin/federation", bad); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "not the one whose fingerprint was shown") {
		t.Errorf("confirming another fingerprint: status %d", resp.StatusCode)
	}
	// Nor a form without its CSRF token, nor one sent by a non-admin.
	good := cloneValues(form)
	good.Set("confirm", full)
	noCSRF := cloneValues(good)
	noCSRF.Set("csrf", "x")
	if resp, _ := admin.post("", "/admin/federation", noCSRF); resp.StatusCode != http.StatusForbidden {
		t.Errorf("without the CSRF token: status %d, want 403", resp.StatusCode)
	}
	byOrgAdmin := cloneValues(good)
	byOrgAdmin.Del("csrf")
	if resp, _ := orgAdmin.post("/", "/admin/federation", byOrgAdmin); resp.StatusCode != http.StatusNotFound {
		t.Errorf("sent by an organisation's administrator: status %d, want 404", resp.StatusCode)
	}
	if n := len(peers()); n != 0 {
		t.Fatalf("%d peers after refused forms, want none", n)
	}
	// A key that is not one.
	broken := cloneValues(form)
	broken.Set("key", "not a key")
	if resp, body := admin.post("/admin/federation", "/admin/federation", broken); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Ed25519") {
		t.Errorf("a broken key: status %d, the error does not say what a key is", resp.StatusCode)
	}
	resp, body = admin.post("/admin/federation", "/admin/federation", good)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "ETC Port Sudan is a peer") {
		t.Fatalf("confirmed: status %d:\n%.2000s", resp.StatusCode, body)
	}
	ps := peers()
	if len(ps) != 1 || ps[0].Fingerprint != full || ps[0].Name != "ETC Port Sudan" || ps[0].URL != "https://etc.example.org" ||
		!ps[0].Community || strings.Join(ps[0].Orgs, " ") != "org_remote1 org_remote2" || ps[0].Suspended {
		t.Fatalf("the peer as the store keeps it: %+v", ps)
	}
	// The same key twice is refused with the store's reason.
	if resp, body := admin.post("/admin/federation", "/admin/federation", good); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "already known") {
		t.Errorf("the same key again: status %d", resp.StatusCode)
	}

	// A real exchange: a second instance sends a batch, and a forged one
	// is refused with its reason.
	remote, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "remote.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer remote.Close()
	rinst, err := remote.Init(ctx, "Remote", "root", 0)
	if err != nil {
		t.Fatal(err)
	}
	rootV, err := remote.Authenticate(ctx, rinst.Token)
	if err != nil {
		t.Fatal(err)
	}
	// Items written there, public, to be received here.
	far := &coord.Incident{Title: "Cut reported at the field office", Kind: coord.KindCableCut, Countries: []string{"SD"}}
	far.TLP = coord.TLPClear
	if err := remote.CreateIncident(ctx, rootV, far); err != nil {
		t.Fatal(err)
	}
	farNeed := &coord.Need{Resource: coord.Resource{Title: "generators", Category: "power/generator", Quantity: 2, Unit: "unit", Countries: []string{"SD"}}}
	farNeed.TLP = coord.TLPClear
	if err := remote.CreateNeed(ctx, rootV, farNeed); err != nil {
		t.Fatal(err)
	}
	farOffer := &coord.Offer{Resource: coord.Resource{Title: "generators", Category: "power/generator", Quantity: 2, Unit: "unit"}}
	farOffer.TLP = coord.TLPClear
	if err := remote.CreateOffer(ctx, rootV, farOffer); err != nil {
		t.Fatal(err)
	}
	rkey, err := remote.PublicKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rfull, rshort := shortOf(rkey)
	add := url.Values{"name": {"Field office"}, "key": {hex.EncodeToString(rkey)}, "confirm": {rfull}}
	if resp, body := admin.post("/admin/federation", "/admin/federation", add); resp.StatusCode != http.StatusOK {
		t.Fatalf("adding a peer reached by bundles: status %d: %.1000s", resp.StatusCode, body)
	}
	if err := remote.AddPeer(ctx, coord.System, &federation.Peer{Name: "us", Key: self}); err != nil {
		t.Fatal(err)
	}
	wire, _, err := remote.Outgoing(ctx, selfFull, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.db.Receive(ctx, wire); err != nil {
		t.Fatal(err)
	}
	if _, err := in.db.Receive(ctx, []byte("lifeline-batch 1\n{\"sender\":\""+rfull+"\"}\nAAAA\n")); err == nil {
		t.Fatal("a forged batch was accepted")
	}
	ps = peers()
	if len(ps) != 2 || ps[1].Refused != 1 || ps[1].LastError == "" || ps[1].LastContact.IsZero() {
		t.Fatalf("the store did not record the exchange: %+v", ps[1])
	}
	// Items say where they came from; one written here says nothing.
	for _, path := range []string{"/incidents/" + far.ID, "/needs/" + farNeed.ID, "/offers/" + farOffer.ID} {
		resp, body := orgAdmin.get(path)
		if want := `<p class="origin" id="origin">Written on Field office, a peer of this instance; its fingerprint: <span dir="ltr" title="` + rfull + `">` + rshort + `</span></p>`; resp.StatusCode != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("%s: status %d, does not say where it came from (%s)", path, resp.StatusCode, want)
		}
	}
	local := &coord.Incident{Title: "Written here", Kind: coord.KindCableCut, Countries: []string{"SD"}}
	local.TLP = coord.TLPClear
	if err := in.db.CreateIncident(ctx, in.admin, local); err != nil {
		t.Fatal(err)
	}
	if _, body := orgAdmin.get("/incidents/" + local.ID); strings.Contains(body, `id="origin"`) {
		t.Error("an incident written here names an origin")
	}
	pos, err := in.db.Position(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, body = admin.get("/admin/federation")
	sec := section(t, body, "peer-"+rfull)
	for _, want := range []string{rshort, "reached by offline bundles only", "Outside the community", "Exchanging",
		"0 minutes since the last batch accepted from it", english.Num(pos) + " events written here since the last bundle for it",
		"Batches refused</dt><dd class=\"fed-refused\">1<br>", escaped(ps[1].LastError)} {
		if !strings.Contains(sec, want) {
			t.Errorf("the bundle peer's section lacks %q:\n%s", want, sec)
		}
	}
	sec = section(t, body, "peer-"+full)
	for _, want := range []string{short, "https://etc.example.org", "org_remote1", "org_remote2", "In this instance&#39;s community", "Never"} {
		if !strings.Contains(sec, want) {
			t.Errorf("the first peer's section lacks %q:\n%s", want, sec)
		}
	}

	// What the puller knows shows where it pulls.
	a, g := testAtlas(t)
	h, err := New(Config{Atlas: a, Graph: g, Services: services(in.db), Federation: &Federation{Service: in.db,
		Pulls: func() map[string]PullState {
			return map[string]PullState{full: {Failures: 3, LastError: "pull from ETC Port Sudan: connection refused"}}
		}}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	defer ts.Close()
	jar, _ := cookiejar.New(nil)
	b2 := &browser{t: t, c: noRedirect(jar), url: ts.URL}
	b2.login(in.adminTok)
	_, body = b2.get("/admin/federation")
	if sec := section(t, body, "peer-"+full); !strings.Contains(sec, `Failed pulls in a row</dt><dd class="fed-failures">3<br>`) || !strings.Contains(sec, "connection refused") {
		t.Errorf("the pull failures do not show:\n%s", sec)
	}

	// Suspend and resume.
	fp := "/admin/federation/" + full
	if resp, body := orgAdmin.post("/", fp+"/suspend", url.Values{}); resp.StatusCode != http.StatusNotFound || peers()[0].Suspended {
		t.Errorf("an organisation's administrator suspends: status %d: %.300s", resp.StatusCode, body)
	}
	resp, body = admin.post("/admin/federation", fp+"/suspend", url.Values{})
	if resp.StatusCode != http.StatusOK || !peers()[0].Suspended || !strings.Contains(section(t, body, "peer-"+full), "Suspended: nothing is exchanged") {
		t.Fatalf("suspend: status %d, suspended %v", resp.StatusCode, peers()[0].Suspended)
	}
	if _, ok := in.db.PeerKey(ctx, full); ok {
		t.Error("a suspended peer's key is still accepted")
	}
	resp, body = admin.post("/admin/federation", fp+"/resume", url.Values{})
	if resp.StatusCode != http.StatusOK || peers()[0].Suspended || !strings.Contains(body, "Exchange with ETC Port Sudan resumes") {
		t.Fatalf("resume: status %d, suspended %v", resp.StatusCode, peers()[0].Suspended)
	}
	if resp, _ := admin.post("/admin/federation", "/admin/federation/"+strings.Repeat("0", 64)+"/suspend", url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("suspending no peer: status %d, want 404", resp.StatusCode)
	}

	// Remove, only once confirmed.
	if resp, _ := admin.post("/admin/federation", fp+"/remove", url.Values{}); resp.StatusCode != http.StatusBadRequest || len(peers()) != 2 {
		t.Errorf("remove without confirmation: status %d, %d peers", resp.StatusCode, len(peers()))
	}
	resp, body = admin.post("/admin/federation", fp+"/remove", url.Values{"confirm": {"yes"}})
	if resp.StatusCode != http.StatusOK || len(peers()) != 1 || strings.Contains(body, "peer-"+full) || !strings.Contains(body, "ETC Port Sudan is no longer a peer") {
		t.Errorf("remove: status %d, %d peers", resp.StatusCode, len(peers()))
	}
	if _, ok := in.db.PeerKey(ctx, full); ok {
		t.Error("a removed peer's key is still accepted")
	}
}

// section returns the <section> with the id.
func section(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `<section class="peer" id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no section %s", id)
	}
	j := strings.Index(body[i:], "</section>")
	return body[i : i+j]
}

func escaped(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// TestFederationAgo: the lag reads in minutes, then hours, then days.
func TestFederationAgo(t *testing.T) {
	rq := &request{printer: i18n.English.Printer()}
	for d, want := range map[time.Duration]string{
		-time.Minute:     "0 minutes",
		90 * time.Second: "1 minute",
		59 * time.Minute: "59 minutes",
		3 * time.Hour:    "3 hours",
		47 * time.Hour:   "47 hours",
		72 * time.Hour:   "3 days",
	} {
		if got := ago(rq, d); got != want {
			t.Errorf("%v: %q, want %q", d, got, want)
		}
	}
}

// TestFederationLabelsContainVisibleText: the buttons' accessible names
// start from their visible words (WCAG 2.5.3), in every language.
func TestFederationLabelsContainVisibleText(t *testing.T) {
	for _, l := range i18n.Langs {
		p := l.Printer()
		for visible, label := range map[string]string{"fed.suspend": "fed.suspend.label", "fed.resume": "fed.resume.label", "fed.remove": "fed.remove.label"} {
			if v, a := p.T(visible), p.T(label, "ETC"); !strings.Contains(a, v) {
				t.Errorf("%s: %q does not contain the button's text %q", l.Code, a, v)
			}
		}
	}
}

// The peer form's mistakes come back in the reader's language: a key that
// is not one, an address that is not https, and a peer already known, from
// the store. In English, the words of the command line and the API.
func TestFederationFormErrorsInReaderLanguage(t *testing.T) {
	in := newInstance(t)
	admin := in.browser(t)
	admin.login(in.adminTok)
	key, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	fp := federation.Fingerprint(key)
	form := func(k, v string) url.Values {
		f := url.Values{"name": {"ETC Port Sudan"}, "url": {"https://etc.example.org"}, "key": {base64.StdEncoding.EncodeToString(key)}, "confirm": {fp}}
		f.Set(k, v)
		return f
	}
	post := func(lang string, f url.Values, status int, want string) {
		t.Helper()
		admin.get("/admin/federation?lang=" + lang)
		resp, body := admin.post("/admin/federation", "/admin/federation", f)
		if resp.StatusCode != status {
			t.Errorf("%s: status %d, want %d: %s", lang, resp.StatusCode, status, problem(body))
			return
		}
		if text := html.UnescapeString(htmlText(body)); !strings.Contains(text, want) {
			t.Errorf("%s: the page does not say %q: %s", lang, want, problem(body))
		}
	}
	post("en", form("key", "not a key"), http.StatusBadRequest, "key: expected an Ed25519 public key as 64 hex digits or 44 base64 characters, found 9 characters")
	post("fr", form("key", "not a key"), http.StatusBadRequest, "Clé publique\u202f: attendu une clé publique Ed25519 de 64 chiffres hexadécimaux ou 44 caractères base64, trouvé 9 caractères")
	post("ar", form("url", "http://etc.example.org"), http.StatusBadRequest, "العنوان: المتوقع عنوان https://")
	post("fr", form("url", "https://etc.example.org"), http.StatusOK, "ETC Port Sudan")
	post("fr", form("name", "Again"), http.StatusBadRequest, "Un pair avec cette clé ("+federation.ShortFingerprint(key)+") est déjà connu")
	post("en", form("name", "Again"), http.StatusBadRequest, "a peer with this key ("+federation.ShortFingerprint(key)+") is already known")
}
