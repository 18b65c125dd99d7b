package norms

import (
	"bytes"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"lifeline"
	"lifeline/geo"
)

func mustDefault(tb testing.TB) *Catalogue {
	tb.Helper()
	c, err := Default()
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// TestCatalogueIntegrity checks the embedded catalogue independently of the
// decoder's own validation: every entry has what a reviewer needs, ids are
// unique, and every condition names a known field and value.
func TestCatalogueIntegrity(t *testing.T) {
	c := mustDefault(t)
	if n := len(c.Entries); n < 40 {
		t.Errorf("%d entries; the catalogue must hold at least 40", n)
	}
	seen := map[string]bool{}
	for _, e := range c.Entries {
		if seen[e.ID] {
			t.Errorf("id %s used twice", e.ID)
		}
		seen[e.ID] = true
		u, err := url.Parse(e.SourceURL)
		if err != nil || u.Host == "" || !strings.HasPrefix(e.SourceURL, "http") {
			t.Errorf("%s: source_url %q is not a URL", e.ID, e.SourceURL)
		}
		if strings.TrimSpace(e.Citation) == "" || strings.TrimSpace(e.Instrument) == "" || strings.TrimSpace(e.Summary) == "" {
			t.Errorf("%s: citation, instrument or summary missing", e.ID)
		}
		if _, err := time.Parse(time.DateOnly, e.Date); err != nil {
			t.Errorf("%s: date %q", e.ID, e.Date)
		}
		if !strings.Contains(e.Checked, "http") && !strings.Contains(e.Checked, "Not found") {
			t.Errorf("%s: checked does not say where the citation was read: %q", e.ID, e.Checked)
		}
		if len(e.Applies) == 0 {
			t.Errorf("%s: no conditions", e.ID)
		}
		for i, r := range e.Applies {
			if len(r.When) == 0 || r.Because == "" {
				t.Errorf("%s: rule %d has no clause or no sentence", e.ID, i)
			}
			for field, values := range r.When {
				f, ok := FieldByName(field)
				if !ok {
					t.Errorf("%s: rule %d tests unknown field %q", e.ID, i, field)
					continue
				}
				for _, v := range values {
					if !f.Has(v) {
						t.Errorf("%s: rule %d: %s has no value %q", e.ID, i, field, v)
					}
				}
			}
		}
		// Quotations are marked and followed by their reference.
		if strings.Count(e.Summary, "“") != strings.Count(e.Summary, "”") {
			t.Errorf("%s: unbalanced quotation marks in the summary", e.ID)
		}
	}
}

// TestCoverage holds the catalogue to the instruments it must cover.
func TestCoverage(t *testing.T) {
	c := mustDefault(t)
	for _, id := range []string{
		"udhr-19", "iccpr-19-2", "iccpr-19-3", "iccpr-4", "hrc-gc34-22", "hrc-gc29-2", "hrc-gc37-34",
		"hrc-res-32-13-op10", "ohchr-a-hrc-50-55-states", "achpr-declaration-2019-p38-2",
		"ecthr-yildirim-2012", "ecthr-cengiz-2015", "ecthr-kharitonov-2020", "ecowas-amnesty-togo-2020", "achr-13",
		"api-48", "api-52-2", "api-54-2", "api-57", "cihl-rule-7", "icrc-cyber-position-2019",
		"itu-cs-33", "itu-cs-34-2", "itu-cs-35", "itu-cs-38", "itu-cs-40", "itu-pp-res-136",
		"tampere-4", "tampere-5", "tampere-8", "tampere-9", "unclos-113", "unclos-114", "unclos-115",
		"cable-convention-1884-2", "gge-2015-13f", "ungp-11", "berkeley-protocol",
	} {
		if _, ok := c.Entry(id); !ok {
			t.Errorf("the catalogue lacks %s", id)
		}
	}
	kinds := map[string]bool{}
	for _, e := range c.Entries {
		kinds[e.Kind] = true
	}
	for _, k := range Kinds {
		if !kinds[k] {
			t.Errorf("no entry of kind %s", k)
		}
	}
}

// TestRegionTable holds the membership table to its data: every region of
// the vocabulary has a table, every code is an ISO 3166-1 alpha-2 code the
// geo package knows (or EH, the Sahrawi Republic, an African Union member),
// no state is listed twice in one system, periods are valid dates in order,
// and every table names its source and the day it was checked.
func TestRegionTable(t *testing.T) {
	for _, r := range regionNames() {
		tab, ok := regions[r]
		if !ok || len(tab.members) == 0 {
			t.Errorf("region %s has no members", r)
			continue
		}
		if !strings.Contains(tab.source, "http") {
			t.Errorf("region %s: the source does not say where the list was read: %q", r, tab.source)
		}
		if _, err := time.Parse(time.DateOnly, tab.checked); err != nil {
			t.Errorf("region %s: checked %q is not a date", r, tab.checked)
		}
		seen := map[string]bool{}
		for _, m := range tab.members {
			if len(m.country) != 2 || strings.ToUpper(m.country) != m.country {
				t.Errorf("region %s: %q is not an upper-case alpha-2 code", r, m.country)
			}
			if _, ok := geo.Lookup(m.country); !ok && m.country != "EH" {
				t.Errorf("region %s: unknown country %s", r, m.country)
			}
			if seen[m.country] {
				t.Errorf("region %s: %s listed twice", r, m.country)
			}
			seen[m.country] = true
			var from, until time.Time
			var err error
			if m.from != "" {
				if from, err = time.Parse(time.DateOnly, m.from); err != nil {
					t.Errorf("region %s: %s: from %q", r, m.country, m.from)
				}
			}
			if m.until != "" {
				if until, err = time.Parse(time.DateOnly, m.until); err != nil {
					t.Errorf("region %s: %s: until %q", r, m.country, m.until)
				}
			}
			if m.from != "" && m.until != "" && until.Before(from) {
				t.Errorf("region %s: %s: until %s is before from %s", r, m.country, m.until, m.from)
			}
		}
	}
	if len(regions) != len(regionNames()) {
		t.Errorf("%d membership tables for %d regions", len(regions), len(regionNames()))
	}
	// The counts the sources give (docs/norms.md, "Regional membership").
	bound := func(r, d string) int {
		n := 0
		for _, m := range regions[r].members {
			if memberAt(r, m.country, day(d), day(d)) {
				n++
			}
		}
		return n
	}
	for _, tc := range []struct {
		region, day string
		want        int
	}{
		{"african_charter", "2026-01-01", 54}, // the AU's 55 members but Morocco
		{"ecowas", "2024-06-01", 15},
		{"ecowas", "2025-06-01", 12},
		{"echr", "2022-01-01", 47},
		{"echr", "2023-01-01", 46},
		{"achr", "2026-01-01", 23}, // the Inter-American Court's list
		{"achr", "2010-01-01", 24},
	} {
		if got := bound(tc.region, tc.day); got != tc.want {
			t.Errorf("%s on %s: %d states bound, the sources say %d", tc.region, tc.day, got, tc.want)
		}
	}
}

// Memberships begin and end on the days the table gives.
func TestRegions(t *testing.T) {
	for _, tc := range []struct {
		region, country string
		at              string
		want            bool
	}{
		{"echr", "RU", "2012-12-19", true},
		{"echr", "RU", "2022-09-16", false},
		{"echr", "FR", "2026-01-01", true},
		{"achr", "VE", "2019-01-21", false},
		{"achr", "VE", "2010-01-01", true},
		{"achr", "TT", "1999-05-27", true},
		{"achr", "TT", "1999-05-28", false},
		{"ecowas", "ML", "2025-01-28", true},
		{"ecowas", "ML", "2025-02-01", false},
		{"african_charter", "MA", "2026-01-01", false},
		{"african_charter", "ET", "2026-01-01", true},
	} {
		if got := memberAt(tc.region, tc.country, day(tc.at), day(tc.at)); got != tc.want {
			t.Errorf("memberAt(%s, %s, %s) = %v", tc.region, tc.country, tc.at, got)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	entry := func(s string) string {
		return `{"schema": 1, "entries": [` + s + `]}`
	}
	good := `{"id": "x-1", "instrument": "I", "citation": "Article 1", "kind": "treaty", "topic": "itu_law", "date": "2000-01-01",
		"binds": ["states"], "summary": "S", "source_url": "https://example.org/", "checked": "read at https://example.org/",
		"applies": [{"when": {"kind": ["shutdown"]}, "because": "B"}]}`
	if _, err := Decode(strings.NewReader(entry(good)), "t.json"); err != nil {
		t.Fatalf("a minimal valid catalogue: %v", err)
	}
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"syntax", "{\"schema\": 1,\n \"entries\": [\n}", "t.json: line 3: invalid character '}'"},
		{"truncated", `{"schema": 1, "entries": [`, "ends before the catalogue object"},
		{"unknown field", entry(strings.Replace(good, `"id"`, `"identifier": "a", "id"`, 1)), `unknown field "identifier"`},
		{"type", entry(strings.Replace(good, `"date": "2000-01-01"`, `"date": 2000`, 1)), "field entries.date: expected string, found a JSON number"},
		{"schema", `{"schema": 2, "entries": []}`, "schema: expected 1, found 2"},
		{"empty", `{"schema": 1, "entries": []}`, "expected at least one entry"},
		{"trailing", entry(good) + "{}", "unexpected data after the catalogue object"},
		{"bad id", entry(strings.Replace(good, `"x-1"`, `"X 1"`, 1)), `entry 1 ("X 1"): id: expected lower-case letters`},
		{"no citation", entry(strings.Replace(good, `"Article 1"`, `""`, 1)), `entry 1 ("x-1"): citation: required`},
		{"kind", entry(strings.Replace(good, `"treaty"`, `"law"`, 1)), `kind: expected one of treaty, customary_rule`},
		{"topic", entry(strings.Replace(good, `"itu_law"`, `"telecoms"`, 1)), `topic: expected one of human_rights, regional_systems`},
		{"date", entry(strings.Replace(good, `"2000-01-01"`, `"1 Jan 2000"`, 1)), `date: expected YYYY-MM-DD, found "1 Jan 2000"`},
		{"binds", entry(strings.Replace(good, `["states"]`, `["everyone"]`, 1)), `binds[0]: expected one of states`},
		{"url", entry(strings.Replace(good, `"https://example.org/"`, `"example.org"`, 1)), `source_url: expected an http(s) URL`},
		{"no rules", entry(strings.Replace(good, `[{"when": {"kind": ["shutdown"]}, "because": "B"}]`, `[]`, 1)), "applies: expected at least one rule"},
		{"unknown condition field", entry(strings.Replace(good, `"kind": ["shutdown"]`, `"weather": ["rain"]`, 1)), `applies[0].when: unknown field "weather"`},
		{"unknown condition value", entry(strings.Replace(good, `["shutdown"]`, `["blackout"]`, 1)), `applies[0].when.kind: expected one of cable_cut`},
		{"empty clause", entry(strings.Replace(good, `["shutdown"]`, `[]`, 1)), `applies[0].when.kind: expected at least one value`},
		{"no clause", entry(strings.Replace(good, `{"kind": ["shutdown"]}`, `{}`, 1)), `applies[0].when: expected at least one clause`},
		{"no because", entry(strings.Replace(good, `"because": "B"`, `"because": " "`, 1)), `applies[0].because: required`},
		{"duplicate", entry(good + "," + good), `entry 2: id "x-1" is already used by entry 1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Decode(strings.NewReader(tc.doc), "t.json")
			if err == nil || c != nil {
				t.Fatalf("Decode accepted it: %v", c)
			}
			if lifeline.ErrorCode(err) != lifeline.EINVALID || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v (code %s); want EINVALID containing %q", err, lifeline.ErrorCode(err), tc.want)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(embedded)
	f.Add([]byte(`{"schema": 1, "entries": [{"id": "a", "instrument": "I", "citation": "C", "kind": "treaty", "topic": "evidence", "date": "2000-01-01", "binds": ["states"], "summary": "S", "source_url": "https://e.org/", "checked": "x", "applies": [{"when": {"kind": ["shutdown"]}, "because": "B"}]}]}`))
	f.Add([]byte(`{"schema": 1, "entries": [{"applies": [{"when": {"kind": null}}]}]}`))
	f.Add([]byte("{\n\"schema\": 1,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Decode(bytes.NewReader(data), "fuzz.json")
		if err != nil {
			if c != nil {
				t.Fatal("an error with a catalogue")
			}
			if lifeline.ErrorCode(err) != lifeline.EINVALID {
				t.Fatalf("error of code %s: %v", lifeline.ErrorCode(err), err)
			}
			return
		}
		for i := range c.Entries {
			e := &c.Entries[i]
			if err := e.validate(); err != nil {
				t.Fatalf("accepted an invalid entry: %v", err)
			}
			if got, ok := c.Entry(e.ID); !ok || got != e {
				t.Fatalf("Entry(%q) does not find it", e.ID)
			}
		}
	})
}

// randomIncident draws an incident from the vocabulary.
func randomIncident(r *rand.Rand) Incident {
	pick := func(field string) string {
		f, _ := FieldByName(field)
		return f.Values[r.IntN(len(f.Values))].Name
	}
	countries := []string{"ET", "TG", "NG", "TR", "RU", "VE", "CO", "UA", "SD", "TO", "PS", "HT", "FR", "US"}
	in := Incident{Kind: pick("kind"), Start: day("2024-03-01")}
	for range 1 + r.IntN(2) {
		in.Countries = append(in.Countries, countries[r.IntN(len(countries))])
	}
	if r.IntN(2) == 0 {
		in.Elements = append(in.Elements, []string{"cable:x", "landing_point:y", "as:1", "link:z"}[r.IntN(4)])
	}
	if r.IntN(3) == 0 {
		in.AttributedTo = pick("actor")
	}
	if r.IntN(2) == 0 {
		s := &Shutdown{OrderedBy: pick("actor"), GovJustification: pick("justification"), ActualCause: pick("actual_cause"),
			GeoScope: pick("geo_scope"), Type: pick("shutdown_type"), Extent: pick("extent")}
		if r.IntN(2) == 0 {
			s.TelcosInvolved = []string{"T"}
		}
		in.Shutdown = s
	}
	return in
}

func randomSituation(r *rand.Rand, in Incident) Situation {
	f, _ := FieldByName("situation")
	return Situation{Country: in.Countries[r.IntN(len(in.Countries))], Kind: f.Values[r.IntN(len(f.Values))].Name,
		From: "2024-01-01", Source: "test"}
}

// TestAddingContextKeepsEntries is the monotonicity property: recording one
// more situation never removes an entry whose conditions do not mention the
// situation (nor, since conditions only ask for presence, any entry).
func TestAddingContextKeepsEntries(t *testing.T) {
	c := mustDefault(t)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		in := randomIncident(r)
		var sits []Situation
		for range r.IntN(3) {
			sits = append(sits, randomSituation(r, in))
		}
		before, err := c.Apply(in, sits)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		more := append(slices.Clone(sits), randomSituation(r, in))
		after, err := c.Apply(in, more)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		kept := map[string]bool{}
		for _, fd := range after.Findings {
			kept[fd.ID] = true
		}
		for _, fd := range before.Findings {
			e, _ := c.Entry(fd.ID)
			if !kept[fd.ID] {
				if !e.Mentions("situation") {
					t.Fatalf("case %d: adding %+v removed %s, whose conditions do not mention the situation", i, more[len(more)-1], fd.ID)
				}
				t.Fatalf("case %d: adding context removed %s", i, fd.ID)
			}
		}
	}
}

// TestAddingFactsKeepsEntries: conditions only ask for the presence of a
// value, so one more affected country or element never removes an entry.
func TestAddingFactsKeepsEntries(t *testing.T) {
	c := mustDefault(t)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 1000 {
		in := randomIncident(r)
		sits := []Situation{randomSituation(r, in)}
		before, err := c.Apply(in, sits)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		more := in
		more.Countries = append(slices.Clone(in.Countries), []string{"ET", "FR", "VE", "UA"}[r.IntN(4)])
		more.Elements = append(slices.Clone(in.Elements), []string{"cable:y", "as:2"}[r.IntN(2)])
		after, err := c.Apply(more, sits)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		kept := map[string]bool{}
		for _, fd := range after.Findings {
			kept[fd.ID] = true
		}
		for _, fd := range before.Findings {
			if !kept[fd.ID] {
				t.Fatalf("case %d: adding a country and an element removed %s", i, fd.ID)
			}
		}
	}
}
