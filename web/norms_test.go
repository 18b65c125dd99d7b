package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"lifeline/coord"
	"lifeline/norms"
)

// TestNormsCatalogue: the catalogue is browsable and searchable without a
// script, in every language, on an instance without coordination.
func TestNormsCatalogue(t *testing.T) {
	ts := publicServer(t)
	cat, err := norms.Default()
	if err != nil {
		t.Fatal(err)
	}
	_, all := get(t, nil, ts.URL+"/norms?lang=en")
	for _, e := range cat.Entries {
		if !strings.Contains(all, `href="/norms/`+e.ID+`"`) {
			t.Errorf("/norms does not link %s", e.ID)
		}
	}
	for _, want := range []string{"Entries: 63 of 63", "<h2>International humanitarian law</h2>", `<h3 lang="en" dir="ltr">Tampere Convention`,
		`action="/norms"`, `name="q"`, `name="kind"`, `name="binds"`, `name="topic"`, "The entries are in English"} {
		if !strings.Contains(all, want) {
			t.Errorf("/norms lacks %q", want)
		}
	}
	if strings.Contains(all, "<script") {
		t.Error("/norms uses a script")
	}
	for _, tc := range []struct {
		query     string
		want, not []string
	}{
		{"q=tampere", []string{"/norms/tampere-4", "/norms/itu-pp-res-136", "Entries: 5 of 63"}, []string{"/norms/udhr-19"}},
		{"q=Tampere+coordinator", []string{"/norms/tampere-4", "/norms/tampere-8", "Entries: 2 of 63"}, []string{"/norms/tampere-5"}},
		{"kind=judgment&group=kind", []string{"/norms/ecthr-yildirim-2012", "/norms/ecowas-amnesty-togo-2020", "<h2>Judgment</h2>"}, []string{"/norms/iccpr-4", "<h2>Treaty</h2>"}},
		{"topic=law_of_the_sea", []string{"/norms/unclos-113", "/norms/cable-convention-1884-15", "Entries: 5 of 63"}, []string{"/norms/itu-cs-35"}},
		{"binds=investigators", []string{"/norms/berkeley-protocol", "Entries: 1 of 63"}, []string{"/norms/ungp-17"}},
		{"q=no+such+words+at+all", []string{"No entry matches.", "Entries: 0 of 63"}, []string{`href="/norms/`}},
	} {
		resp, body := get(t, nil, ts.URL+"/norms?lang=en&"+tc.query)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", tc.query, resp.StatusCode)
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: the page lacks %q", tc.query, w)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(body, n) {
				t.Errorf("%s: the page shows %q", tc.query, n)
			}
		}
	}
	for _, bad := range []string{"kind=law", "binds=everyone", "topic=weather", "group=colour", "q=" + strings.Repeat("x", 201)} {
		if resp, body := get(t, nil, ts.URL+"/norms?lang=en&"+bad); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400: %.200s", bad, resp.StatusCode, body)
		}
	}
	_, fr := get(t, nil, ts.URL+"/norms?lang=fr")
	if !strings.Contains(fr, "Les entrées sont en anglais") || !strings.Contains(fr, "Droit international humanitaire") {
		t.Error("/norms in French does not say its entries are in English, or its headings are not in French")
	}
	_, layout := get(t, nil, ts.URL+"/atlas?lang=en")
	if !strings.Contains(layout, `<a href="/norms">Law and norms</a>`) {
		t.Error("the navigation does not link the catalogue")
	}
}

func TestNormPage(t *testing.T) {
	ts := publicServer(t)
	resp, body := get(t, nil, ts.URL+"/norms/iccpr-19-3?lang=en")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{
		"International Covenant on Civil and Political Rights, Article 19(3)",
		`href="https://www.ohchr.org/en/instruments-mechanisms/instruments/international-covenant-civil-and-political-rights"`,
		// The first rule's conditions in words (vocabulary.go's phrases).
		"<li>the incident is a shutdown, or the incident is a throttling (deliberate slowdown)</li>",
		"<li>it was ordered or carried out by the government or another executive authority, or it was ordered by a court, or it was ordered or carried out by the military or security forces</li>",
		"A restriction ordered by the state must pass the test of article 19(3)",
		"Where the citation was checked", "Treaty", "States parties", `href="/norms?topic=human_rights"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the entry's page lacks %q", want)
		}
	}
	if strings.Contains(body, "Incidents that engage it") {
		t.Error("an instance without coordination lists incidents")
	}
	_, unconfirmed := get(t, nil, ts.URL+"/norms/hrc-gc34-43?lang=en")
	if !strings.Contains(unconfirmed, "Not confirmed against the source:") {
		t.Error("an unconfirmed entry's page does not say so")
	}
	if resp, _ := get(t, nil, ts.URL+"/norms/no-such-entry"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown entry: status %d", resp.StatusCode)
	}
}

// TestNormPageIncidents: an entry's page lists the incidents that engage it
// among those its reader may see, and no other.
func TestNormPageIncidents(t *testing.T) {
	in := newInstance(t)
	ctx := context.Background()
	a, _ := in.db.Authenticate(ctx, in.tokA)
	mk := func(title string, tlp coord.TLP, kind coord.IncidentKind) *coord.Incident {
		inc := &coord.Incident{Title: title, Kind: kind, Countries: []string{"SD"}}
		inc.TLP = tlp
		if err := in.db.CreateIncident(ctx, a, inc); err != nil {
			t.Fatal(err)
		}
		return inc
	}
	public := mk("Nationwide shutdown ordered", coord.TLPClear, coord.KindShutdown)
	private := mk("Shutdown seen by Sudan Connect only", coord.TLPAmber, coord.KindShutdown)
	cut := mk("Cable cut off Port Sudan", coord.TLPClear, coord.KindCableCut)
	for _, tc := range []struct {
		who       string
		tok       string
		want, not []string
	}{
		{"anonymous", "", []string{public.ID}, []string{private.ID, cut.ID}},
		{"another organisation", in.tokB, []string{public.ID}, []string{private.ID, cut.ID}},
		{"the reporter's organisation", in.tokA, []string{public.ID, private.ID}, []string{cut.ID}},
	} {
		br := in.browser(t)
		if tc.tok != "" {
			br.login(tc.tok)
		}
		_, body := br.get("/norms/iccpr-19-2?lang=en")
		list := sectionOf(body, "Incidents that engage it")
		for _, id := range tc.want {
			if !strings.Contains(list, "/incidents/"+id) {
				t.Errorf("%s: the page does not list %s", tc.who, id)
			}
		}
		for _, id := range tc.not {
			if strings.Contains(body, id) {
				t.Errorf("%s: the page shows %s", tc.who, id)
			}
		}
	}
	br := in.browser(t)
	_, body := br.get("/norms/unclos-114?lang=en")
	if !strings.Contains(body, "None of the incidents you may see engages it.") {
		t.Error("an entry no visible incident engages does not say so")
	}
}

func TestIncidentBriefPage(t *testing.T) {
	in := newInstance(t)
	ctx := context.Background()
	a, _ := in.db.Authenticate(ctx, in.tokA)
	sum := sha256.Sum256([]byte("the order, as published"))
	inc := &coord.Incident{Title: "Shutdown <ordered>", Kind: coord.KindShutdown, Countries: []string{"SD"},
		Evidence: []coord.Evidence{{Kind: "file", SHA256: hex.EncodeToString(sum[:]), Note: "copy of the order"}}}
	inc.TLP = coord.TLPAmber
	if err := in.db.CreateIncident(ctx, a, inc); err != nil {
		t.Fatal(err)
	}
	br := in.browser(t)
	br.login(in.tokA)
	_, page := br.get("/incidents/" + inc.ID + "?lang=en")
	if !strings.Contains(page, `href="/incidents/`+inc.ID+`/brief"`) || !strings.Contains(page, `href="/incidents/`+inc.ID+`/brief?format=markdown"`) {
		t.Errorf("the incident page does not link its brief:\n%s", sectionOf(page, `id="norms"`))
	}
	if !strings.Contains(sectionOf(page, `id="norms"`), `href="/norms/iccpr-19-2"`) {
		t.Error("the incident page's norms do not link their entries in the catalogue")
	}
	resp, html := br.get("/incidents/" + inc.ID + "/brief")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("brief: status %d, %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{`<header><span class="tlp amber">TLP:AMBER</span></header>`, `<footer><span class="tlp amber">TLP:AMBER</span></footer>`,
		"Legal brief: Shutdown &lt;ordered&gt;", hex.EncodeToString(sum[:]), `id="iccpr-19-2"`} {
		if !strings.Contains(html, want) {
			t.Errorf("the brief lacks %q", want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "style-src 'unsafe-inline'") {
		t.Errorf("the brief's Content-Security-Policy %q does not let its own style in and nothing else", csp)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("a TLP:AMBER brief may be cached: %q", cc)
	}
	resp, md := br.get("/incidents/" + inc.ID + "/brief?format=markdown")
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/markdown") || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") {
		t.Errorf("markdown brief: %s, %s", resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	lines := strings.Split(strings.TrimSpace(md), "\n")
	if lines[0] != "**TLP:AMBER**" || lines[len(lines)-1] != "**TLP:AMBER**" {
		t.Errorf("the Markdown brief is not marked on its first and last lines: %q … %q", lines[0], lines[len(lines)-1])
	}
	if resp, _ := br.get("/incidents/" + inc.ID + "/brief?format=pdf"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("format=pdf: status %d", resp.StatusCode)
	}
	// Readers who may not see the incident get no brief of it.
	for who, tok := range map[string]string{"anonymous": "", "another organisation": in.tokB} {
		other := in.browser(t)
		if tok != "" {
			other.login(tok)
		}
		for _, q := range []string{"", "?format=markdown"} {
			resp, body := other.get("/incidents/" + inc.ID + "/brief" + q)
			if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "Shutdown") {
				t.Errorf("%s: brief%s: status %d", who, q, resp.StatusCode)
			}
		}
	}
}

// checkFile posts a file to the incident's evidence check as the browser
// does: the CSRF token first, then the file.
func checkFile(t *testing.T, br *browser, id, csrf string, content []byte, fileFirst bool) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	writeFile := func() {
		fw, err := mw.CreateFormFile("file", "order.pdf")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(content)
	}
	if fileFirst {
		writeFile()
	}
	if csrf != "" {
		mw.WriteField("csrf", csrf)
	}
	if !fileFirst {
		writeFile()
	}
	mw.Close()
	req, _ := http.NewRequest("POST", br.url+"/incidents/"+id+"/evidence/check?lang=en", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return do(t, br.c, req)
}

// TestCustody: the incident page shows each evidence item's chain of
// custody from the signed log, and checks an uploaded file against it.
func TestCustody(t *testing.T) {
	in := newInstance(t)
	ctx := context.Background()
	a, _ := in.db.Authenticate(ctx, in.tokA)
	order := []byte("%PDF-1.4 the shutdown order")
	photo := []byte("a photograph of the landing station")
	hash := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	inc := &coord.Incident{Title: "Landing station raided", Kind: coord.KindEquipmentSeizure, Countries: []string{"SD"},
		Evidence: []coord.Evidence{{Kind: "link", URL: "https://example.org/report"}}}
	inc.TLP = coord.TLPClear
	if err := in.db.CreateIncident(ctx, a, inc); err != nil {
		t.Fatal(err)
	}
	ev := append(inc.Evidence, coord.Evidence{Kind: "file", SHA256: hash(order), Note: "the order"}, coord.Evidence{Kind: "file", SHA256: hash(photo)})
	if _, err := in.db.UpdateIncident(ctx, a, inc.ID, coord.IncidentUpdate{Evidence: &ev}); err != nil {
		t.Fatal(err)
	}
	events, err := coord.EventsAbout(ctx, in.db, a, inc.ID, 0)
	if err != nil || len(events) != 2 {
		t.Fatalf("%d events about the incident: %v", len(events), err)
	}
	created, updated := events[0], events[1]

	br := in.browser(t)
	_, page := br.get("/incidents/" + inc.ID + "?lang=en")
	evidence := sectionOf(page, `id="evidence"`)
	for _, want := range []string{hash(order), hash(photo), "https://example.org/report", created.Hash, updated.Hash,
		"No. " + itoa(created.Seq), "No. " + itoa(updated.Seq), created.Author, updated.Author, `enctype="multipart/form-data"`} {
		if !strings.Contains(evidence, want) {
			t.Errorf("the chain of custody lacks %q:\n%s", want, evidence)
		}
	}
	csrf := csrfField.FindStringSubmatch(evidence)
	if csrf == nil {
		t.Fatal("the check form has no CSRF token")
	}
	if i, j := strings.Index(evidence, `name="csrf"`), strings.Index(evidence, `type="file"`); i < 0 || j < i {
		t.Error("the form does not send its token before the file")
	}

	resp, body := checkFile(t, br, inc.ID, csrf[1], photo, false)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "This file is evidence item 3 of this incident") ||
		!strings.Contains(body, "recorded in event No. "+itoa(updated.Seq)) || !strings.Contains(body, hash(photo)) {
		t.Errorf("a matching file: status %d:\n%s", resp.StatusCode, sectionOf(body, "<h1"))
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the check's result may be cached: %q", cc)
	}
	_, body = checkFile(t, br, inc.ID, csrf[1], []byte("something else"), false)
	if !strings.Contains(body, "This file matches none of the evidence of this incident that you may see.") || strings.Contains(body, "class=\"notice\"") {
		t.Errorf("a file that is not evidence:\n%s", sectionOf(body, "<h1"))
	}
	for name, tc := range map[string]struct {
		csrf      string
		fileFirst bool
	}{"no token": {"", false}, "wrong token": {"x" + csrf[1], false}, "token after the file": {csrf[1], true}} {
		if resp, _ := checkFile(t, br, inc.ID, tc.csrf, photo, tc.fileFirst); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", name, resp.StatusCode)
		}
	}

	// A TLP:AMBER incident's evidence is checked only by those who may see it.
	secret := &coord.Incident{Title: "Seizure seen by Sudan Connect", Kind: coord.KindEquipmentSeizure, Countries: []string{"SD"},
		Evidence: []coord.Evidence{{Kind: "file", SHA256: hash(order)}}}
	secret.TLP = coord.TLPAmber
	if err := in.db.CreateIncident(ctx, a, secret); err != nil {
		t.Fatal(err)
	}
	if resp, body := checkFile(t, br, secret.ID, csrf[1], order, false); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "Seizure") {
		t.Errorf("an anonymous check of a TLP:AMBER incident: status %d", resp.StatusCode)
	}
	member := in.browser(t)
	member.login(in.tokA)
	_, own := member.get("/incidents/" + secret.ID + "?lang=en")
	tok := csrfField.FindStringSubmatch(sectionOf(own, `id="evidence"`))
	if tok == nil {
		t.Fatal("no check form on the member's page")
	}
	if _, body := checkFile(t, member, secret.ID, tok[1], order, false); !strings.Contains(body, "This file is evidence item 1 of this incident") {
		t.Errorf("the reporter's check of its own evidence:\n%s", sectionOf(body, "<h1"))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
