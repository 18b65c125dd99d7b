package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"lifeline/coord"
)

// TestDownloadsAndFeeds reports a public and an amber incident of A, and
// checks: the pages link the downloads and name the feeds in their head;
// a download holds what its visitor may see and nothing else; the feeds
// (all, per country, per kind) hold only the public incident, whoever asks,
// and a feed reader reads them.
func TestDownloadsAndFeeds(t *testing.T) {
	in := newInstance(t)
	ctx := context.Background()
	a, err := in.db.Authenticate(ctx, in.tokA)
	if err != nil {
		t.Fatal(err)
	}
	public := &coord.Incident{Title: "Public shutdown in Sudan", Kind: coord.KindShutdown, Countries: []string{"SD"}, Marking: coord.Marking{TLP: coord.TLPClear}}
	amber := &coord.Incident{Title: "Amber cable cut", Kind: coord.KindShutdown, Countries: []string{"SD"}, Marking: coord.Marking{TLP: coord.TLPAmber}}
	for _, x := range []*coord.Incident{public, amber} {
		if err := in.db.CreateIncident(ctx, a, x); err != nil {
			t.Fatal(err)
		}
	}
	anon := in.browser(t)
	memberA := in.browser(t)
	memberA.login(in.tokA)
	memberB := in.browser(t)
	memberB.login(in.tokB)

	_, body := anon.get("/incidents?country=SD&kind=shutdown")
	for _, want := range []string{`<link rel="alternate" type="application/atom+xml" title="Public incidents" href="/feeds/incidents.atom">`,
		`href="/feeds/countries/SD.atom"`, `href="/feeds/kinds/shutdown.atom"`, `href="/export?format=stix"`, `href="/export?format=stop"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the incidents list lacks %s", want)
		}
	}
	_, body = memberA.get("/incidents/" + amber.ID)
	if !strings.Contains(body, `href="/export?format=cap&amp;incident=`+amber.ID+`"`) {
		t.Error("the incident page does not link its CAP alert")
	}
	_, body = memberA.get("/needs")
	if !strings.Contains(body, `href="/export?format=hxl&amp;kind=needs"`) {
		t.Error("the board does not link its HXL tables")
	}

	for _, c := range []struct {
		who         *browser
		name        string
		path        string
		ctype       string
		seesAmber   bool
		status      int
		disposition string
	}{
		{anon, "anonymous", "/export?format=stix", "application/stix+json;version=2.1", false, 200, "lifeline-incidents.json"},
		{memberA, "A", "/export?format=stix", "application/stix+json;version=2.1", true, 200, ""},
		{memberB, "B", "/export?format=hxl", "text/csv; charset=utf-8", false, 200, ""},
		{memberA, "A", "/export?format=hxl&country=SD", "text/csv; charset=utf-8", true, 200, ""},
		{memberA, "A", "/export?format=cap&incident=" + amber.ID, "application/cap+xml", true, 200, "lifeline-" + amber.ID + ".xml"},
		{memberB, "B", "/export?format=cap&incident=" + amber.ID, "", false, 404, ""},
		{anon, "anonymous", "/export?format=word", "", false, 400, ""},
		{anon, "anonymous", "/export?format=hxl&colour=red", "", false, 400, ""},
	} {
		resp, body := c.who.get(c.path)
		if resp.StatusCode != c.status {
			t.Errorf("%s GET %s = %d, want %d", c.name, c.path, resp.StatusCode, c.status)
			continue
		}
		if c.status != 200 {
			continue
		}
		if got := resp.Header.Get("Content-Type"); got != c.ctype {
			t.Errorf("%s GET %s: Content-Type %q, want %q", c.name, c.path, got, c.ctype)
		}
		if !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(resp.Header.Get("Content-Disposition"), c.disposition) {
			t.Errorf("%s GET %s: Content-Disposition %q", c.name, c.path, resp.Header.Get("Content-Disposition"))
		}
		if got := strings.Contains(body, amber.ID); got != c.seesAmber {
			t.Errorf("%s GET %s: holds the amber incident = %v, want %v", c.name, c.path, got, c.seesAmber)
		}
	}

	for _, path := range []string{"/feeds/incidents.atom", "/feeds/countries/SD.atom", "/feeds/kinds/shutdown.atom"} {
		for _, who := range []*browser{anon, memberA} {
			resp, body := who.get(path)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/atom+xml; charset=utf-8" {
				t.Fatalf("GET %s = %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			f, err := gofeed.NewParser().ParseString(body)
			if err != nil {
				t.Fatalf("%s: a feed reader refuses it: %v", path, err)
			}
			if len(f.Items) != 1 || f.Items[0].Title != public.Title || !strings.HasSuffix(f.Items[0].Link, "/incidents/"+public.ID) {
				t.Errorf("%s: %d items, want the public incident alone", path, len(f.Items))
			}
			if strings.Contains(body, amber.ID) {
				t.Errorf("LEAK: %s names the amber incident", path)
			}
		}
	}
	for _, path := range []string{"/feeds/countries/ET.atom", "/feeds/kinds/cable_cut.atom"} {
		_, body := anon.get(path)
		if f, err := gofeed.NewParser().ParseString(body); err != nil || len(f.Items) != 0 {
			t.Errorf("%s: %v, want an empty feed", path, err)
		}
	}
	for _, path := range []string{"/feeds/countries/XX.atom", "/feeds/countries/sd.atom", "/feeds/kinds/picnic.atom", "/feeds/kinds/shutdown.rss"} {
		if resp, _ := anon.get(path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, resp.StatusCode)
		}
	}
}
