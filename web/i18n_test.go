package web

import (
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"lifeline/coord"
	"lifeline/demo"
	"lifeline/impact"
	"lifeline/norms"
	"lifeline/web/i18n"
)

// The catalogue is complete: every language has every key of the English
// file and no other, each text takes the same arguments as the English
// one, plural texts give exactly the forms the language's rules use, and
// every key is used by a template or by the Go code — no more, no less.

// templateKey finds {{t "key" …}}, {{th "key" …}} and (t "key" …) in templates.
var templateKey = regexp.MustCompile(`[{(]\s*(?:t|th)\s+"([^"]+)"`)

// goKey finds rq.t("key", …) in the handlers.
var goKey = regexp.MustCompile(`\brq\.t\(\s*"([^"]+)"`)

// templateEnum finds {{enum "prefix" …}} in templates.
var templateEnum = regexp.MustCompile(`enum\s+"([a-z]+)"`)

// enumerations are the values each enum prefix may name: the domain's
// own lists where it has them.
func enumerations() map[string][]string {
	str := func(xs ...any) []string {
		var out []string
		for _, x := range xs {
			out = append(out, fmt.Sprint(x))
		}
		return out
	}
	of := func(xs any) []string {
		var out []string
		switch xs := xs.(type) {
		case []coord.IncidentKind:
			for _, x := range xs {
				out = append(out, string(x))
			}
		case []coord.OrgKind:
			for _, x := range xs {
				out = append(out, string(x))
			}
		case []coord.Role:
			for _, x := range xs {
				out = append(out, string(x))
			}
		case []string:
			out = xs
		}
		return out
	}
	var regionNames []string
	for _, r := range regions {
		regionNames = append(regionNames, r.Name)
	}
	return map[string][]string{
		"kind": of(coord.IncidentKinds),
		"status": str(coord.IncidentReported, coord.IncidentVerified, coord.IncidentResponding,
			coord.IncidentRestoring, coord.IncidentResolved, coord.IncidentDismissed),
		"mark":      str(coord.IncidentVerified, coord.IncidentResponding, coord.IncidentRestoring, coord.IncidentResolved, coord.IncidentDismissed),
		"severity":  str(coord.SeverityExtreme, coord.SeveritySevere, coord.SeverityModerate, coord.SeverityMinor, coord.Unknown),
		"urgency":   str(coord.UrgencyImmediate, coord.UrgencyExpected, coord.UrgencyFuture, coord.UrgencyPast, coord.Unknown),
		"certainty": str(coord.CertaintyObserved, coord.CertaintyLikely, coord.CertaintyPossible, coord.CertaintyUnlikely, coord.Unknown),
		"evidence":  {"link", "signal", "file"}, // coord.Evidence.Kind
		"repair":    str(coord.RepairDamaged, coord.RepairScheduled, coord.RepairRepairing, coord.RepairRestored),
		"resource":  str(coord.ResourceOpen, coord.ResourceClosed),
		"match": str(coord.MatchProposed, coord.MatchCommitted, coord.MatchDispatched, coord.MatchDelivered,
			coord.MatchReleased, coord.MatchCancelled),
		"move":    str(coord.MatchCommitted, coord.MatchDispatched, coord.MatchDelivered, coord.MatchReleased, coord.MatchCancelled),
		"factor":  {"category", "coverage", "quantity", "lead_time"}, // coord.Propose's factors
		"role":    of(coord.Roles),
		"orgkind": of(coord.OrgKinds),
		"hazard":  of(impact.RegionKinds),
		"region":  regionNames,
		"element": {"cable", "landing_point", "country"}, // impact.Element.Kind
		"wregion": regionsOf(impact.DefaultRegions),
		// Law and norms: the catalogue's vocabularies.
		"topic":    normTopics(),
		"normkind": norms.Kinds,
		"binds":    norms.Addressees,
	}
}

func normTopics() []string {
	var out []string
	for _, t := range norms.Topics {
		out = append(out, t.Name)
	}
	return out
}

// usedKeys lists every key the templates and the Go code use.
func usedKeys(t *testing.T) map[string]string {
	t.Helper()
	used := map[string]string{} // key → where
	enums := enumerations()
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, path)
		if err != nil {
			return err
		}
		for _, m := range templateKey.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = path
		}
		for _, m := range templateEnum.FindAllStringSubmatch(string(b), -1) {
			values, ok := enums[m[1]]
			if !ok {
				t.Errorf("%s: enum %q: the test does not know its values; add them to enumerations", path, m[1])
			}
			for _, v := range values {
				used[i18n.Key(m[1], v)] = path + " (enum " + m[1] + ")"
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for f, src := range goSources(t, ".") {
		for _, m := range goKey.FindAllStringSubmatch(src, -1) {
			used[m[1]] = f
		}
	}
	for k, where := range domainKeys(t) {
		used[k] = where.file
	}
	// Keys built in Go: error titles by status (web.go's fail), months
	// (i18n.Printer.Date), the enumerations the handlers name
	// (describeChange, elementRef).
	for _, st := range []int{400, 403, 404, 409, 500, 503} {
		used[fmt.Sprintf("error.status.%d", st)] = "web.go (fail)"
	}
	for _, k := range i18n.MonthKeys() {
		used[k] = "i18n (dates)"
	}
	used["fmt.date"], used["fmt.time"] = "i18n (dates)", "i18n (dates)"
	for _, prefix := range []string{"status", "repair", "hazard", "element"} {
		for _, v := range enums[prefix] {
			used[i18n.Key(prefix, v)] = "Go (enumName)"
		}
	}
	return used
}

func TestCatalogueKeysUsed(t *testing.T) {
	used := usedKeys(t)
	var missing, unused []string
	for k, where := range used {
		if !i18n.Has(k) {
			missing = append(missing, k+" (used in "+where+")")
		}
	}
	for _, k := range i18n.Keys() {
		if _, ok := used[k]; !ok {
			unused = append(unused, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("keys used but not in en.go:\n  %s", strings.Join(missing, "\n  "))
	}
	if len(unused) > 0 {
		t.Errorf("keys in en.go that nothing uses:\n  %s", strings.Join(unused, "\n  "))
	}
}

func TestCatalogueComplete(t *testing.T) {
	en := i18n.Catalogues["en"]
	for _, l := range i18n.Langs {
		t.Run(l.Code, func(t *testing.T) {
			msgs := i18n.Catalogues[l.Code]
			want := i18n.FormsOf(l)
			for _, k := range i18n.Keys() {
				m, ok := msgs[k]
				if !ok {
					t.Errorf("%s: missing", k)
					continue
				}
				ref := en[k]
				refArgs := argsOf(t, k, ref)
				switch m := m.(type) {
				case string:
					if _, isPlural := ref.(i18n.Plural); isPlural && len(want) > 1 {
						t.Errorf("%s: a plain text where English has a plural", k)
					}
					if got := i18n.Verbs(m); !maps.Equal(got, refArgs) {
						t.Errorf("%s: arguments %v, English has %v: %q", k, got, refArgs, m)
					}
				case i18n.Plural:
					rp, ok := ref.(i18n.Plural)
					if !ok {
						t.Errorf("%s: a plural where English has a plain text", k)
						continue
					}
					if m.Arg != rp.Arg {
						t.Errorf("%s: counts argument %d, English %d", k, m.Arg, rp.Arg)
					}
					var names []string
					for _, f := range i18n.PluralForms(m) {
						names = append(names, f.Name)
						got := i18n.Verbs(f.Text)
						// A form may leave the count out ("one country",
						// "واحد"), never another argument.
						for i, v := range refArgs {
							if i == m.Arg {
								continue
							}
							if got[i] != v {
								t.Errorf("%s (%s): argument %d is %q, English %q: %q", k, f.Name, i, got[i], v, f.Text)
							}
						}
						for i, v := range got {
							if refArgs[i] != v {
								t.Errorf("%s (%s): argument %d %q not in English (%v): %q", k, f.Name, i, v, refArgs, f.Text)
							}
						}
					}
					if !slices.Equal(names, want) {
						t.Errorf("%s: plural forms %v, %s needs %v", k, names, l.Code, want)
					}
				default:
					t.Errorf("%s: a %T; a message is a string or an i18n.Plural", k, m)
				}
			}
			for k := range msgs {
				if !i18n.Has(k) {
					t.Errorf("%s: not in en.go", k)
				}
			}
		})
	}
}

// argsOf lists the arguments of an English message, over all its forms.
func argsOf(t *testing.T, key string, m any) map[int]string {
	t.Helper()
	switch m := m.(type) {
	case string:
		return i18n.Verbs(m)
	case i18n.Plural:
		all := map[int]string{}
		for _, f := range i18n.PluralForms(m) {
			for i, v := range i18n.Verbs(f.Text) {
				all[i] = v
			}
		}
		return all
	}
	t.Fatalf("%s: a %T", key, m)
	return nil
}

// The checks above must be able to fail.
func TestVerbs(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want map[int]string
	}{
		{"%d of %d %s", map[int]string{1: "d", 2: "d", 3: "s"}},
		{"%[3]s: %[1]d من %[2]d", map[int]string{1: "d", 2: "d", 3: "s"}},
		{"100%% done", map[int]string{}},
		{"%.1f and %v", map[int]string{1: "f", 2: "v"}},
		{"under 25%", map[int]string{0: "a lone % (write %% for a percent sign)"}},
	} {
		if got := i18n.Verbs(tc.in); !maps.Equal(got, tc.want) {
			t.Errorf("i18n.Verbs(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if maps.Equal(i18n.Verbs("%[1]s %[2]s"), i18n.Verbs("%s")) {
		t.Error("a missing argument goes unnoticed")
	}
}

// keyOrFault finds what a missing message or a wrong argument leaves in a
// page: a catalogue key printed as is, or fmt's %!d(…) and %!(EXTRA …).
func keyOrFault(body string) string {
	text := htmlText(body)
	if i := strings.Index(text, "%!"); i >= 0 {
		return text[max(0, i-40):min(len(text), i+60)]
	}
	for _, k := range i18n.Keys() {
		if strings.Contains(text, k) && !allowedInText[k] {
			return k
		}
	}
	return ""
}

// allowedInText are keys that may also be words of a page's data.
var allowedInText = map[string]bool{}

var tag = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<svg.*?</svg>|<[^>]*>`)

// htmlText is the text of a page, without its markup (where ids and
// classes live) and maps.
func htmlText(body string) string { return tag.ReplaceAllString(body, " ") }

// TestPagesInEveryLanguage renders every page of the demonstration in
// each language: no key or formatting fault shows, <html> carries the
// language and its direction, the switch links every language, and the
// choice made with ?lang= is remembered by a cookie.
func TestPagesInEveryLanguage(t *testing.T) {
	in := newInstance(t)
	ctx := t.Context()
	_, g := testAtlas(t)
	if _, err := demo.Seed(ctx, in.db.Services(), in.admin, g); err != nil {
		t.Fatal(err)
	}
	b := in.browser(t)
	b.login(in.adminTok)
	first := func(path, prefix string) string {
		_, body := b.get(path)
		m := regexp.MustCompile(`href="(`+regexp.QuoteMeta(prefix)+`[^"/#?]+)"`).FindAllStringSubmatch(body, -1)
		for _, x := range m {
			if !strings.HasSuffix(x[1], "/new") {
				return x[1]
			}
		}
		t.Fatalf("%s links no %s…", path, prefix)
		return ""
	}
	paths := []string{"/", "/incidents?status=all", first("/incidents?status=all", "/incidents/"), "/incidents/new",
		"/needs", first("/needs", "/needs/"), first("/needs", "/offers/"), "/needs/new", "/offers/new",
		"/atlas", "/atlas?bbox=25,-16,62,32", "/atlas/cables", "/atlas/cables/seacom", "/atlas/landing-points/djibouti-djibouti",
		"/atlas/countries", "/atlas/countries/SD", "/atlas/search?q=zzzzqqq", "/simulate",
		"/simulate/result?cable=seacom&cable=aae-1&lp=djibouti-djibouti&shutdown=ER&lon=42.3&lat=14.9&radius_km=60&kind=sabotage",
		"/orgs", first("/orgs", "/orgs/"), "/orgs/new", "/admin/members", "/admin/federation", "/login", "/no-such-page", "/atlas?bbox=nonsense"}
	for _, l := range i18n.Langs {
		for _, p := range paths {
			sep := "?"
			if strings.Contains(p, "?") {
				sep = "&"
			}
			_, body := b.get(p + sep + "lang=" + l.Code)
			if fault := keyOrFault(body); fault != "" {
				t.Errorf("%s %s: %q shows", l.Code, p, fault)
			}
			if strings.Contains(body, "=\"\u2068") {
				t.Errorf("%s %s: a bidi isolate inside an attribute (a link broken)", l.Code, p)
			}
			if want := fmt.Sprintf(`<html lang="%s" dir="%s">`, l.Code, l.Dir()); !strings.Contains(body, want) {
				t.Errorf("%s %s: no %s", l.Code, p, want)
			}
			for _, other := range i18n.Langs {
				if !strings.Contains(body, `hreflang="`+other.Code+`"`) {
					t.Errorf("%s %s: the switch lacks %s", l.Code, p, other.Code)
				}
			}
		}
	}
	// The choice is remembered: a page asked for without ?lang= comes in
	// the last language chosen.
	b.get("/atlas?lang=ru")
	if resp, body := b.get("/needs"); !strings.Contains(body, `<html lang="ru" dir="ltr">`) || resp.Header.Get("Content-Language") != "ru" {
		t.Errorf("the choice of Russian is not remembered: Content-Language %q", resp.Header.Get("Content-Language"))
	}
}

func TestLanguageFromAcceptLanguage(t *testing.T) {
	ts := publicServer(t)
	for _, tc := range []struct{ header, want string }{
		{"", "en"},
		{"ar-SD,ar;q=0.9,en;q=0.5", "ar"},
		{"fr-CH, fr;q=0.9, en;q=0.8", "fr"},
		{"zh-CN,zh;q=0.9", "zh"},
		{"ru", "ru"},
		{"es-419,es;q=0.9", "es"},
		{"de-DE,de;q=0.9,fr;q=0.5", "fr"},
		{"sw-KE", "en"},
		{"garbage;;q=x", "en"},
	} {
		_, body := get(t, nil, ts.URL+"/atlas", "Accept-Language", tc.header)
		if !strings.Contains(body, `<html lang="`+tc.want+`"`) {
			t.Errorf("Accept-Language %q: want %s, got %.80s", tc.header, tc.want, body[strings.Index(body, "<html"):])
		}
	}
}

func TestNumbersAndDatesPerLocale(t *testing.T) {
	when := time.Date(2026, 12, 3, 14, 5, 0, 0, time.UTC)
	for _, tc := range []struct {
		lang, num, date string
	}{
		{"en", "1,234,567", "3 December 2026, 14:05 UTC"},
		{"fr", "1\u00a0234\u00a0567", // x/text carries CLDR 32: a no-break space (U+202F since CLDR 34)
			"3 décembre 2026 à 14:05 UTC"},
		{"es", "1.234.567", "3 de diciembre de 2026, 14:05 UTC"},
		{"ru", "1\u00a0234\u00a0567", "3 декабря 2026 г., 14:05 UTC"},
		{"zh", "1,234,567", "2026年12月3日 14:05（UTC）"},
		{"ar", "١٬٢٣٤٬٥٦٧", "٣ ديسمبر ٢٠٢٦، الساعة ١٤:٠٥ (UTC)"},
	} {
		l, _ := i18n.ByCode(tc.lang)
		p := l.Printer()
		if got := p.Num(1234567); got != tc.num {
			t.Errorf("%s: Num = %q, want %q", tc.lang, got, tc.num)
		}
		if got := p.Time(when); got != tc.date {
			t.Errorf("%s: Time = %q, want %q", tc.lang, got, tc.date)
		}
	}
	// In Arabic a name written left to right is isolated in its
	// sentence; in English nothing is added.
	ar, _ := i18n.ByCode("ar")
	if got := ar.Printer().T("need.proposal", "Nile Mobile (demo)", 3, "terminals"); !strings.Contains(got, "\u2068Nile Mobile (demo)\u2069") {
		t.Errorf("ar: %q does not isolate the name", got)
	}
	if got := i18n.English.Printer().T("need.proposal", "Nile Mobile (demo)", 3, "terminals"); got != "from Nile Mobile (demo): 3 terminals" {
		t.Errorf("en: %q", got)
	}
	// Plural forms, as CLDR gives them.
	for _, tc := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "1 incident."}, {"en", 2, "2 incidents."}, {"en", 0, "0 incidents."},
		{"fr", 0, "0 incident."}, {"fr", 1, "1 incident."}, {"fr", 2, "2 incidents."},
		{"ru", 1, "1 инцидент."}, {"ru", 3, "3 инцидента."}, {"ru", 5, "5 инцидентов."}, {"ru", 21, "21 инцидент."}, {"ru", 12, "12 инцидентов."},
		{"ar", 0, "لا حوادث."}, {"ar", 1, "حادث واحد."}, {"ar", 2, "حادثان."}, {"ar", 3, "٣ حوادث."}, {"ar", 11, "١١ حادثًا."}, {"ar", 100, "١٠٠ حادث."},
		{"zh", 1, "共 1 个事件。"},
	} {
		l, _ := i18n.ByCode(tc.lang)
		if got := l.Printer().T("incidents.total", tc.n); got != tc.want {
			t.Errorf("%s %d: %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
}

// The labels users hit: an organisation kind by its proper name, counts
// with their plural, and elements of an incident by their names with
// links, never as raw atlas ids.
func TestProperNamesAndPlurals(t *testing.T) {
	in := newInstance(t)
	_, g := testAtlas(t)
	if _, err := demo.Seed(t.Context(), in.db.Services(), in.admin, g); err != nil {
		t.Fatal(err)
	}
	b := in.browser(t)
	b.login(in.adminTok)
	_, orgs := b.get("/orgs?lang=en")
	for _, want := range []string{"Internet exchange point (IXP)", "not yet (1 endorsement)"} {
		if !strings.Contains(orgs, want) {
			t.Errorf("/orgs lacks %q", want)
		}
	}
	for _, bad := range []string{">Ixp<", "1 endorsements"} {
		if strings.Contains(orgs, bad) {
			t.Errorf("/orgs shows %q", bad)
		}
	}
	if _, ru := b.get("/orgs?lang=ru"); !strings.Contains(ru, "пока нет (1 рекомендация)") {
		t.Error("/orgs in Russian lacks the singular of 1 endorsement")
	}
	// Every incident that names atlas elements shows them by name.
	_, list := b.get("/incidents?status=all&lang=en")
	seen := 0
	for _, m := range regexp.MustCompile(`href="(/incidents/inc_[^"]+)"`).FindAllStringSubmatch(list, -1) {
		_, body := b.get(m[1])
		text := htmlText(body)
		if !strings.Contains(body, "<dt>Elements</dt>") {
			continue
		}
		seen++
		for _, id := range regexp.MustCompile(`(?:cable|landing_point):[a-z0-9-]+`).FindAllString(text, -1) {
			if id != "cable:seacom" { // the repair form's hint names an example id
				t.Errorf("%s shows the raw id %s", m[1], id)
			}
		}
		if !regexp.MustCompile(`<dd><a href="/atlas/(cables|landing-points)/[^"]+">(Cable|Landing point) `).MatchString(body) {
			t.Errorf("%s: elements are not named and linked", m[1])
		}
	}
	if seen == 0 {
		t.Fatal("no incident of the demonstration names an element")
	}
}

// A button's accessible name must contain its visible words (WCAG 2.5.3,
// axe's label-content-name-mismatch): the aria-label that names the member
// starts from the button's text, in every language.
func TestLabelsContainVisibleText(t *testing.T) {
	for _, l := range i18n.Langs {
		p := l.Printer()
		for visible, label := range map[string]string{"members.issue": "members.issue.label", "members.revoke": "members.revoke.label"} {
			if v, a := p.T(visible), p.T(label, "Night shift"); !strings.Contains(a, v) {
				t.Errorf("%s: %q does not contain the button's text %q", l.Code, a, v)
			}
		}
	}
}

func regionsOf(rs []impact.WorldRegion) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}
