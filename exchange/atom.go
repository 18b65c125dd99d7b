package exchange

import (
	"encoding/xml"
	"io"
	"slices"
	"strings"
	"time"

	"lifeline"
	"lifeline/coord"
)

// Atom (RFC 4287) feeds of public incidents: what anybody may read, for
// feed readers, news desks and the alerting tools that poll a feed rather
// than an API. A feed is read as the anonymous reader, so it holds only
// what coord.CanSee shows to anyone (TLP:CLEAR), whoever asks for it.

// AtomNS is the namespace of Atom 1.0.
const AtomNS = "http://www.w3.org/2005/Atom"

// MaxFeedEntries bounds the entries of a feed: the most recently updated.
const MaxFeedEntries = 100

// Feed is an Atom feed document.
type Feed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID       string      `xml:"id"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	Updated  string      `xml:"updated"`
	Author   AtomPerson  `xml:"author"`
	Links    []AtomLink  `xml:"link"`
	Entries  []AtomEntry `xml:"entry"`
}

// AtomPerson is an author.
type AtomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

// AtomLink is a link of a feed or an entry.
type AtomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

// AtomCategory is a category of an entry: the incident's kind, or one of
// its countries.
type AtomCategory struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr,omitempty"`
	Label  string `xml:"label,attr,omitempty"`
}

// AtomText is a text construct (type text).
type AtomText struct {
	Type string `xml:"type,attr,omitempty"`
	Text string `xml:",chardata"`
}

// AtomEntry is one incident.
type AtomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published,omitempty"`
	Links      []AtomLink     `xml:"link"`
	Categories []AtomCategory `xml:"category"`
	Summary    *AtomText      `xml:"summary,omitempty"`
}

// FeedOptions say what a feed is.
type FeedOptions struct {
	// Instance is the host name of the instance (see Options); the feed's
	// author and the root of its entries' ids.
	Instance string
	// Site is the absolute URL of the web interface, such as
	// "https://lifeline.example.org"; entries link to its incident pages.
	Site string
	// Path is the feed's own path under Site, such as
	// "/feeds/incidents.atom"; it is the feed's id and its self link.
	Path string
	// Title names the feed.
	Title string
	// Updated is when the feed changed when it has no entries (its
	// newest entry's time otherwise).
	Updated time.Time
}

// KindScheme is the scheme of the categories that name an incident's kind.
const KindScheme = "urn:lifeline:kind"

// CountryScheme is the scheme of the categories that name a country.
const CountryScheme = "urn:iso:std:iso:3166:-1:alpha-2"

// ExportAtom writes an Atom feed of the incidents anybody may see among
// incidents (the anonymous reader: TLP:CLEAR), the most recently updated
// first, at most MaxFeedEntries. Each entry links to the incident's page
// and to its CAP alert in the API, names its kind and countries as
// categories, and has the description as summary.
func ExportAtom(w io.Writer, incidents []coord.Incident, opt FeedOptions) error {
	const op = "exchange.ExportAtom"
	if err := (Options{Instance: opt.Instance, Now: opt.Updated}).check(op); err != nil {
		return err
	}
	if !strings.HasPrefix(opt.Site, "http://") && !strings.HasPrefix(opt.Site, "https://") || !strings.HasPrefix(opt.Path, "/") {
		return lifeline.Errorf(lifeline.EINVALID, op, "site and path: expected an absolute http(s) URL and a path, found %q and %q", opt.Site, opt.Path)
	}
	site := strings.TrimSuffix(opt.Site, "/")
	ins := visible(coord.Viewer{}, incidents, incidentMarking)
	slices.SortStableFunc(ins, func(a, b *coord.Incident) int {
		if c := b.Updated.Compare(a.Updated); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if len(ins) > MaxFeedEntries {
		ins = ins[:MaxFeedEntries]
	}
	updated := opt.Updated
	if len(ins) > 0 {
		updated = ins[0].Updated
	}
	f := Feed{ID: site + opt.Path, Title: opt.Title, Updated: atomTime(updated),
		Author: AtomPerson{Name: opt.Instance, URI: site + "/"},
		Links: []AtomLink{{Rel: "self", Type: "application/atom+xml", Href: site + opt.Path},
			{Rel: "alternate", Type: "text/html", Href: site + "/incidents"}},
		Entries: []AtomEntry{}}
	for _, in := range ins {
		e := AtomEntry{ID: "urn:lifeline:" + opt.Instance + ":incident:" + in.ID, Title: in.Title,
			Updated: atomTime(in.Updated), Published: atomTime(in.Created),
			Links: []AtomLink{{Rel: "alternate", Type: "text/html", Href: site + "/incidents/" + in.ID},
				{Rel: "alternate", Type: "application/cap+xml", Href: site + "/api/v1/incidents/" + in.ID + "?format=cap"}},
			Categories: []AtomCategory{{Term: string(in.Kind), Scheme: KindScheme, Label: kindEvents[in.Kind]}}}
		for _, c := range in.Countries {
			e.Categories = append(e.Categories, AtomCategory{Term: c, Scheme: CountryScheme})
		}
		if in.Description != "" {
			e.Summary = &AtomText{Type: "text", Text: in.Description}
		}
		f.Entries = append(f.Entries, e)
	}
	return encodeXML(w, f)
}

// atomTime writes t as RFC 3339 in UTC, as Atom's date constructs ask.
func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }
