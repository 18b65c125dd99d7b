package exchange

import (
	"bytes"
	"encoding/xml"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"lifeline/coord"
)

// atomDoc is an Atom document read back generically, to check RFC 4287's
// rules on what a feed and an entry must hold.
type atomDoc struct {
	XMLName xml.Name `xml:"feed"`
	IDs     []string `xml:"id"`
	Titles  []string `xml:"title"`
	Updated []string `xml:"updated"`
	Authors []struct {
		Name []string `xml:"name"`
	} `xml:"author"`
	Links []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		IDs     []string `xml:"id"`
		Titles  []string `xml:"title"`
		Updated []string `xml:"updated"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Type string `xml:"type,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Content []string `xml:"content"`
	} `xml:"entry"`
}

// TestAtomFeed writes a feed of random incidents of every marking and
// checks it three ways: against the elements RFC 4287 (section 4.1.1 and
// 4.1.2) requires of a feed and of each entry, through a real feed reader
// (gofeed), and against the policy: it holds exactly the incidents the
// anonymous reader may see, newest first.
func TestAtomFeed(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 4287))
	ins := testIncidents(t, r, 60)
	opt := FeedOptions{Instance: "lifeline.example.org", Site: "https://lifeline.example.org", Path: "/feeds/incidents.atom",
		Title: "Lifeline: public incidents", Updated: testOpt.Now}
	var b bytes.Buffer
	if err := ExportAtom(&b, ins, opt); err != nil {
		t.Fatal(err)
	}
	var doc atomDoc
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.XMLName.Space != AtomNS {
		t.Errorf("namespace %q, want %q", doc.XMLName.Space, AtomNS)
	}
	// 4.1.1: exactly one id, title and updated; an author (or one in every entry).
	if len(doc.IDs) != 1 || len(doc.Titles) != 1 || len(doc.Updated) != 1 || len(doc.Authors) != 1 || len(doc.Authors[0].Name) != 1 {
		t.Fatalf("feed lacks or repeats a required element: %+v", doc)
	}
	self := false
	for _, l := range doc.Links {
		self = self || l.Rel == "self" && l.Href == "https://lifeline.example.org/feeds/incidents.atom"
	}
	if !self {
		t.Error("feed has no self link (RFC 4287 4.1.1 says it should)")
	}
	want := map[string]bool{}
	for _, in := range ins {
		if coord.CanSee(coord.Viewer{}, in.Marking) {
			want["urn:lifeline:lifeline.example.org:incident:"+in.ID] = true
		}
	}
	if len(want) == 0 || len(want) == len(ins) {
		t.Fatalf("%d of %d incidents public: the fixture does not exercise the policy", len(want), len(ins))
	}
	if len(doc.Entries) != len(want) {
		t.Errorf("%d entries, want %d", len(doc.Entries), len(want))
	}
	prev := ""
	for i, e := range doc.Entries {
		// 4.1.2: exactly one id, title, updated; content or an alternate link.
		if len(e.IDs) != 1 || len(e.Titles) != 1 || len(e.Updated) != 1 {
			t.Fatalf("entry %d lacks or repeats a required element: %+v", i, e)
		}
		alt := false
		for _, l := range e.Links {
			alt = alt || (l.Rel == "alternate" || l.Rel == "") && l.Type == "text/html"
		}
		if !alt && len(e.Content) == 0 {
			t.Errorf("entry %d has neither content nor an alternate link", i)
		}
		if _, err := time.Parse(time.RFC3339, e.Updated[0]); err != nil {
			t.Errorf("entry %d: updated %q is not an RFC 3339 date", i, e.Updated[0])
		}
		if !want[e.IDs[0]] {
			t.Errorf("LEAK: entry %s is not public", e.IDs[0])
		}
		if prev != "" && e.Updated[0] > prev {
			t.Errorf("entry %d is newer than the one before it", i)
		}
		prev = e.Updated[0]
	}

	feed, err := gofeed.NewParser().ParseString(b.String())
	if err != nil {
		t.Fatalf("a feed reader refuses the feed: %v", err)
	}
	if feed.FeedType != "atom" || feed.Title != opt.Title || len(feed.Items) != len(want) {
		t.Errorf("a feed reader reads %s %q with %d items, want atom %q with %d", feed.FeedType, feed.Title, len(feed.Items), opt.Title, len(want))
	}
	for _, it := range feed.Items {
		if !strings.HasPrefix(it.Link, "https://lifeline.example.org/incidents/") || it.UpdatedParsed == nil || it.Title == "" {
			t.Errorf("a feed reader reads an entry as %q %q %v", it.Title, it.Link, it.UpdatedParsed)
		}
	}
}

// TestAtomFeedEmpty checks that a feed with no public incident is still a
// valid feed, dated by the options, and that bad options are refused.
func TestAtomFeedEmpty(t *testing.T) {
	opt := FeedOptions{Instance: "lifeline.example.org", Site: "https://lifeline.example.org", Path: "/feeds/kinds/shutdown.atom", Title: "Shutdowns", Updated: testOpt.Now}
	var b bytes.Buffer
	if err := ExportAtom(&b, nil, opt); err != nil {
		t.Fatal(err)
	}
	feed, err := gofeed.NewParser().ParseString(b.String())
	if err != nil || len(feed.Items) != 0 || feed.UpdatedParsed == nil || !feed.UpdatedParsed.Equal(testOpt.Now) {
		t.Fatalf("empty feed: %+v, %v\n%s", feed, err, b.String())
	}
	opt.Site = "lifeline.example.org"
	if err := ExportAtom(&b, nil, opt); err == nil || !strings.Contains(err.Error(), "absolute http(s) URL") {
		t.Errorf("a site without a scheme: %v", err)
	}
}
