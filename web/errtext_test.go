package web

import (
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"lifeline"
	"lifeline/coord"
	"lifeline/web/i18n"
)

// domainKey finds the catalogue keys the domain packages give their
// messages, with the English format beside each: lifeline.Errork(code,
// op, "key", "format" …) and lifeline.P("key", "format" …).
var domainKey = regexp.MustCompile(`(?:Errork\((?:[^,()]+,){2}|lifeline\.P\()\s*"([^"]+)",\s*("(?:[^"\\]|\\.)*")`)

// domainPackages are the packages whose keyed messages reach pages:
// coord, the store, federation's peers, the scenarios of impact with the
// atlas's names, and the web's own form parsing.
var domainPackages = []string{"../coord", "../store", "../federation", "../impact", "../atlas", "."}

type domainUse struct{ file, english string }

// goSources returns the text of the Go files of the package in dir, its
// tests left out, by file name.
func goSources(t *testing.T, dir string) map[string]string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	out := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = string(b)
	}
	if len(out) == 0 {
		t.Fatalf("%s: no Go files", dir)
	}
	return out
}

// domainKeys lists the keys the domain packages use, and the ones the web
// builds from the domain's values (the parties of a commitment).
func domainKeys(t *testing.T) map[string]domainUse {
	t.Helper()
	out := map[string]domainUse{}
	for _, dir := range domainPackages {
		for f, src := range goSources(t, dir) {
			for _, m := range domainKey.FindAllStringSubmatch(src, -1) {
				english, err := strconv.Unquote(m[2])
				if err != nil {
					t.Fatalf("%s: %s: %v", f, m[2], err)
				}
				if u, ok := out[m[1]]; ok && u.english != english {
					t.Errorf("%s: key %s says %q; %s says %q", f, m[1], english, u.file, u.english)
				}
				out[m[1]] = domainUse{f, english}
			}
		}
	}
	for _, party := range []string{"offer", "need", "either"} { // coord.MoveMatch
		out["err.party."+party] = domainUse{file: "../coord/match.go (party)"}
	}
	out["dm.cause"] = domainUse{file: "errtext.go"}
	out["dm.hours"] = domainUse{file: "errtext.go"}
	return out
}

// Every key the domain uses is in every language, and the English
// catalogue says what the domain says, so that the page in English and
// the API agree.
func TestCatalogueDomainKeys(t *testing.T) {
	keys := domainKeys(t)
	if len(keys) < 60 {
		t.Fatalf("found %d domain keys; the scan misses Errork calls", len(keys))
	}
	for k, u := range keys {
		for _, l := range i18n.Langs {
			if _, ok := i18n.Catalogues[l.Code][k]; !ok {
				t.Errorf("%s (used in %s): missing in %s", k, u.file, l.Code)
			}
		}
		if u.english != "" && i18n.Catalogues["en"][k] != u.english {
			t.Errorf("%s: en.go says %q, %s says %q", k, i18n.Catalogues["en"][k], u.file, u.english)
		}
	}
}

// An error is said in the reader's language from its key, its arguments
// translated; in English as the domain wrote it; a key the catalogue
// lacks, or an error without one, in English.
func TestI18nErrorText(t *testing.T) {
	fr, ar := printerOf(t, "fr"), printerOf(t, "ar")
	in := coord.Incident{Title: " "}
	err := in.Validate()
	if got, want := errorText(english, err), "title: required"; got != want {
		t.Errorf("en: %q, want %q", got, want)
	}
	if got, want := errorText(fr, err), "Titre\u202f: obligatoire"; got != want {
		t.Errorf("fr: %q, want %q", got, want)
	}
	if got, want := errorText(ar, err), "\u2068العنوان\u2069: حقل مطلوب"; got != want {
		t.Errorf("ar: %q, want %q", got, want)
	}
	plain := lifeline.Errorf(lifeline.EINVALID, "x", "no key here")
	if got := errorText(fr, plain); got != "no key here" {
		t.Errorf("an error without a key: %q", got)
	}
	unknown := lifeline.Errork(lifeline.EINVALID, "x", "err.no.such.key", "in English")
	if got := errorText(fr, unknown); got != "in English" {
		t.Errorf("a key the catalogue lacks: %q", got)
	}
	wrapped := &lifeline.Error{Code: lifeline.EINVALID, Key: "err.match.nosuch", Message: "no such match", Err: plain}
	if got, want := errorText(fr, wrapped), "Engagement introuvable: no key here"; got != want {
		t.Errorf("wrapped: %q, want %q", got, want)
	}
	if got := errorText(fr, os.ErrNotExist); got != "internal error" {
		t.Errorf("not ours: %q", got)
	}
}

func printerOf(t *testing.T, code string) *i18n.Printer {
	t.Helper()
	l, ok := i18n.ByCode(code)
	if !ok {
		t.Fatalf("no language %s", code)
	}
	return l.Printer()
}

// A form sent with a mistake comes back with the domain's message in the
// reader's language; in English, the message is the API's, unchanged.
func TestFormErrorsInReaderLanguage(t *testing.T) {
	in := newInstance(t)
	a := in.browser(t)
	a.login(in.tokA)
	// in sets the language of the browser's next pages, as the switch does.
	in_ := func(lang string) *browser { a.get("/atlas?lang=" + lang); return a }
	admin := in.browser(t)
	admin.login(in.adminTok)
	admin.get("/atlas?lang=fr")
	expect := func(what string, resp *http.Response, body string, status int, want ...string) {
		t.Helper()
		if resp.StatusCode != status {
			t.Errorf("%s: status %d, want %d: %s", what, resp.StatusCode, status, problem(body))
			return
		}
		text := html.UnescapeString(htmlText(body))
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: the page does not say %q: %s", what, w, problem(body))
			}
		}
	}
	noTitle := url.Values{"title": {" "}, "kind": {"cable_cut"}, "countries": {"SD"}, "shape": {"none"}}
	resp, body := in_("en").post("/incidents/new", "/incidents", noTitle)
	expect("incident, en", resp, body, http.StatusBadRequest, "title: required")
	resp, body = in_("fr").post("/incidents/new", "/incidents", noTitle)
	expect("incident, fr", resp, body, http.StatusBadRequest, "Titre\u202f: obligatoire")
	resp, body = in_("ar").post("/incidents/new", "/incidents", noTitle)
	expect("incident, ar", resp, body, http.StatusBadRequest, "\u2068العنوان\u2069: حقل مطلوب")

	// A mistake the web's own form parsing finds.
	atlantis := url.Values{"title": {"x"}, "kind": {"cable_cut"}, "countries": {"Atlantis"}, "shape": {"none"}}
	resp, body = in_("en").post("/incidents/new", "/incidents", atlantis)
	expect("country, en", resp, body, http.StatusBadRequest, `countries: "Atlantis" is not a country code or name`)
	resp, body = in_("fr").post("/incidents/new", "/incidents", atlantis)
	expect("country, fr", resp, body, http.StatusBadRequest, "Pays\u202f: \"Atlantis\" n’est ni un code ni un nom de pays")

	// The area drawn crosses itself: coord's check, its place in the
	// polygon said in French too.
	crossing := url.Values{"title": {"Self-crossing area"}, "kind": {"cable_cut"}, "countries": {"SD"},
		"shape": {"polygon"}, "polygon": {"30 10, 32 12, 32 10, 30 12"}}
	resp, body = in_("en").post("/incidents/new", "/incidents", crossing)
	expect("area, en", resp, body, http.StatusBadRequest, "area: polygon 0 ring 0 intersects itself at point")
	resp, body = in_("fr").post("/incidents/new", "/incidents", crossing)
	expect("area, fr", resp, body, http.StatusBadRequest, "Zone\u202f: l’anneau 0 du polygone 0 se recoupe au point")

	nowhere := url.Values{"title": {"Generators for Kassala"}, "category": {"power/generator"}, "quantity": {"4"}, "unit": {"generators"}, "tlp": {"TLP:GREEN"}}
	resp, body = in_("en").post("/needs/new", "/needs", nowhere)
	expect("need, en", resp, body, http.StatusBadRequest, "countries: a need says where, with a place or countries")
	resp, body = in_("fr").post("/needs/new", "/needs", nowhere)
	expect("need, fr", resp, body, http.StatusBadRequest, "Pays\u202f: un besoin dit où, par un lieu ou des pays")
	resp, body = in_("ar").post("/needs/new", "/needs", nowhere)
	expect("need, ar", resp, body, http.StatusBadRequest, "البلدان: يجب أن تذكر الحاجة أين هي، بمكان أو ببلدان")

	capitals := url.Values{"title": {"Terminals"}, "category": {"connectivity/satellite terminal"}, "quantity": {"6"}, "unit": {"terminals"}, "tlp": {"TLP:GREEN"}}
	resp, body = in_("en").post("/offers/new", "/offers", capitals)
	expect("offer, en", resp, body, http.StatusBadRequest, "category: expected lower-case letters")
	resp, body = in_("fr").post("/offers/new", "/offers", capitals)
	expect("offer, fr", resp, body, http.StatusBadRequest, "Catégorie\u202f: attendu des lettres minuscules, des chiffres")

	// A commitment of more than the need lacks; the reasons on the need's
	// page in French.
	resp, body = in_("en").post("/needs/new", "/needs", url.Values{"title": {"Terminals for Khartoum"}, "category": {"connectivity/satellite-terminal"},
		"quantity": {"10"}, "unit": {"terminals"}, "countries": {"SD"}, "urgency": {"Immediate"}, "lead_hours": {"48"}, "tlp": {"TLP:GREEN"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("need: status %d: %s", resp.StatusCode, problem(body))
	}
	needURL := resp.Header.Get("Location")
	b := in.browser(t)
	b.login(in.tokB)
	resp, body = b.post("/offers/new", "/offers", url.Values{"title": {"Ku-band terminals"}, "category": {"connectivity/satellite-terminal"},
		"quantity": {"20"}, "unit": {"terminals"}, "countries": {"SD"}, "lead_hours": {"24"}, "tlp": {"TLP:GREEN"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("offer: status %d: %s", resp.StatusCode, problem(body))
	}
	_, page := in_("fr").get(needURL)
	offerID := regexp.MustCompile(`name="offer_id" value="([^"]+)"`).FindStringSubmatch(page)
	if offerID == nil {
		t.Fatal("no proposal")
	}
	text := html.UnescapeString(htmlText(page))
	for _, want := range []string{"même catégorie, connectivity/satellite-terminal", "couvre 1 des 1 pays nécessaires (SD)",
		"couvre 10 des 10 terminals encore nécessaires", "arrive en 24 h, dans les 48 h que le besoin accepte", "urgence Immédiat"} {
		if !strings.Contains(text, want) {
			t.Errorf("the need's page in French does not say %q", want)
		}
	}
	if _, page := in_("en").get(needURL); !strings.Contains(page, "arrives in 24h0m0s, within the 48h0m0s the need accepts; urgency Immediate: lead time weighs most") {
		t.Error("the reasons in English changed")
	}
	tooMany := url.Values{"need_id": {strings.TrimPrefix(needURL, "/needs/")}, "offer_id": {offerID[1]}, "quantity": {"15"}}
	resp, body = in_("en").post(needURL, "/matches", tooMany)
	expect("commitment, en", resp, body, http.StatusConflict, "quantity: the need lacks only 10 terminals")
	resp, body = in_("fr").post(needURL, "/matches", tooMany)
	expect("commitment, fr", resp, body, http.StatusConflict, "Quantité\u202f: il ne manque au besoin que 10 terminals")

	// Shared with an organisation this instance does not know: the store's
	// check of the names.
	stranger := url.Values{"title": {"Fuel for Kassala"}, "category": {"power/fuel"}, "quantity": {"4"}, "unit": {"drums"},
		"countries": {"SD"}, "tlp": {"TLP:AMBER"}, "share": {"org_nowhere"}}
	resp, body = in_("en").post("/needs/new", "/needs", stranger)
	expect("sharing, en", resp, body, http.StatusBadRequest, `share_with_orgs: no organisation "org_nowhere" on this instance or its peers`)
	resp, body = in_("fr").post("/needs/new", "/needs", stranger)
	expect("sharing, fr", resp, body, http.StatusBadRequest, "Partage\u202f: aucune organisation \"org_nowhere\" sur cette instance ni chez ses pairs")

	// Evidence longer than an item of evidence may be.
	long := url.Values{"title": {"Cut near Port Sudan"}, "kind": {"cable_cut"}, "countries": {"SD"}, "shape": {"none"},
		"evidence_url": {"https://example.org/report"}, "evidence_note": {strings.Repeat("n", 4001)}}
	resp, body = in_("en").post("/incidents/new", "/incidents", long)
	expect("evidence, en", resp, body, http.StatusBadRequest, "evidence[0]: at most 4000 bytes")
	resp, body = in_("fr").post("/incidents/new", "/incidents", long)
	expect("evidence, fr", resp, body, http.StatusBadRequest, "Preuve 0\u202f: 4000 octets au plus")
	resp, body = in_("ar").post("/incidents/new", "/incidents", long)
	expect("evidence, ar", resp, body, http.StatusBadRequest, "الدليل ٠: 4000 بايت على الأكثر")

	// Organisations: the admin adds one without a name.
	resp, body = admin.post("/orgs/new", "/orgs", url.Values{"name": {""}, "kind": {"civil_society"}, "countries": {"SD"}})
	expect("organisation, fr", resp, body, http.StatusBadRequest, "Nom\u202f: obligatoire")
}

// A commitment moved from a page read before someone else moved it is a
// version conflict from the store, said in the reader's language.
func TestFormVersionConflictInReaderLanguage(t *testing.T) {
	in := newInstance(t)
	a := in.browser(t)
	a.login(in.tokA)
	b := in.browser(t)
	b.login(in.tokB)
	resp, body := a.post("/needs/new", "/needs", url.Values{"title": {"Terminals for Kassala"}, "category": {"connectivity/satellite-terminal"},
		"quantity": {"10"}, "unit": {"terminals"}, "countries": {"SD"}, "lead_hours": {"48"}, "tlp": {"TLP:GREEN"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("need: status %d: %s", resp.StatusCode, problem(body))
	}
	needURL := resp.Header.Get("Location")
	resp, body = b.post("/offers/new", "/offers", url.Values{"title": {"Ku-band terminals"}, "category": {"connectivity/satellite-terminal"},
		"quantity": {"20"}, "unit": {"terminals"}, "countries": {"SD"}, "lead_hours": {"24"}, "tlp": {"TLP:GREEN"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("offer: status %d: %s", resp.StatusCode, problem(body))
	}
	_, page := a.get(needURL)
	offerID := regexp.MustCompile(`name="offer_id" value="([^"]+)"`).FindStringSubmatch(page)
	if offerID == nil {
		t.Fatal("no proposal")
	}
	resp, body = a.post(needURL, "/matches", url.Values{"need_id": {strings.TrimPrefix(needURL, "/needs/")}, "offer_id": {offerID[1]}, "quantity": {"5"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("commitment: status %d: %s", resp.StatusCode, problem(body))
	}
	move := regexp.MustCompile(`action="(/matches/[^"]+/status)">.*?name="status" value="([^"]+)"><input type="hidden" name="version" value="([0-9]+)"`)
	// The first form of a move either party's page offers, read before
	// anyone moves the commitment.
	var who *browser
	var form []string
	for _, br := range []*browser{a, b} {
		if _, page := br.get(needURL + "?lang=fr"); move.MatchString(page) {
			who, form = br, move.FindStringSubmatch(page)
			break
		}
	}
	if form == nil {
		t.Fatal("no party's page offers to move the commitment")
	}
	stale := url.Values{"status": {form[2]}, "version": {form[3]}}
	if resp, body := who.post(needURL, form[1], stale); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first move: status %d: %s", resp.StatusCode, problem(body))
	}
	id := strings.TrimSuffix(strings.TrimPrefix(form[1], "/matches/"), "/status")
	// The store's version is the event's position: the stale form's is
	// the one expected, whatever the commitment's is now.
	arDigits := strings.Map(func(r rune) rune { return r - '0' + '٠' }, form[3])
	for _, c := range []struct {
		lang string
		want []string
	}{
		{"fr", []string{"L’engagement " + id + " a été modifié entre-temps (version ", ", attendue " + form[3] + ")"}},
		{"ar", []string{"تغيّر الالتزام \u2068" + id + "\u2069 في الأثناء (الإصدار ", "، والمتوقع " + arDigits + ")"}},
		{"en", []string{"match " + id + " changed (version ", ", expected " + form[3] + ")"}},
	} {
		who.get(needURL + "?lang=" + c.lang)
		resp, body := who.post(needURL, form[1], stale)
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("%s: status %d, want 409: %s", c.lang, resp.StatusCode, problem(body))
			continue
		}
		text := html.UnescapeString(htmlText(body))
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: the page does not say %q: %s", c.lang, w, problem(body))
			}
		}
	}
}

// An update that names no field is said in the reader's language; the
// English is the API's.
func TestI18nNothingToChange(t *testing.T) {
	v := coord.Viewer{MemberID: "m", OrgID: "o", Role: coord.RoleReporter}
	r := &coord.Resource{ID: "n1", Version: 1, Marking: coord.Marking{TLP: coord.TLPGreen, Org: "o", Author: "m"}}
	err := coord.ApplyResourceUpdate(v, r, "Need", 0, coord.ResourceUpdate{}, time.Now())
	if err == nil {
		t.Fatal("an empty update is accepted")
	}
	want := "body: nothing to change; name at least one of title, quantity"
	if got := errorText(english, err); !strings.HasPrefix(got, want) {
		t.Errorf("en: %q, want it to start %q", got, want)
	}
	if got := errorText(printerOf(t, "fr"), err); !strings.HasPrefix(got, "Rien à modifier\u202f: indiquez au moins l’un des champs title, quantity") {
		t.Errorf("fr: %q", got)
	}
}

// What was shared cannot be unshared, and an organisation's contacts are
// limited: said in the reader's language, the English the API's.
func TestI18nMarkingAndOrgErrors(t *testing.T) {
	fr, ar := printerOf(t, "fr"), printerOf(t, "ar")
	v := coord.Viewer{MemberID: "m", OrgID: "o", Role: coord.RoleCoordinator}
	old := coord.Marking{TLP: coord.TLPGreen, Org: "o", Author: "m"}
	narrower := old
	narrower.TLP = coord.TLPAmber
	err := coord.CanWiden(v, old, narrower)
	for _, c := range []struct {
		p    *i18n.Printer
		want string
	}{
		{english, "tlp: TLP:GREEN cannot be narrowed to TLP:AMBER; what was shared cannot be unshared"},
		{fr, "TLP\u202f: TLP:GREEN ne peut pas être restreint à TLP:AMBER\u202f; ce qui a été partagé ne peut pas être retiré"},
		{ar, "TLP: لا يمكن تضييق TLP:GREEN إلى TLP:AMBER؛ ما تمت مشاركته لا يمكن سحبه"},
	} {
		if got := errorText(c.p, err); got != c.want {
			t.Errorf("%s: %q, want %q", c.p.Lang.Code, got, c.want)
		}
	}
	o := &coord.Org{Name: "Relief", Kind: coord.OrgKinds[0], Contacts: make([]coord.Contact, 51)}
	err = o.Validate()
	if got := errorText(english, err); got != "contacts: at most 50" {
		t.Errorf("en: %q", got)
	}
	if got := errorText(fr, err); got != "Contacts\u202f: 50 au plus" {
		t.Errorf("fr: %q", got)
	}
}

// An area's GeoJSON with a ring left open, or a hole outside its shell,
// is said in the reader's language with its place in the polygon; the
// English is the API's.
func TestI18nAreaGeoJSON(t *testing.T) {
	fr, ar := printerOf(t, "fr"), printerOf(t, "ar")
	open := &coord.Area{Type: "Polygon", Coordinates: []byte(`[[[30,10],[32,10],[32,12],[30,12]]]`)}
	err := open.Validate()
	for _, c := range []struct {
		p    *i18n.Printer
		want string
	}{
		{english, "area: polygon 0 ring 0 is not closed: it starts at [30, 10] and ends at [30, 12]; repeat the first position at the end"},
		{fr, "Zone\u202f: l’anneau 0 du polygone 0 n’est pas fermé\u202f: il commence en [30, 10] et finit en [30, 12]\u202f; répétez le premier sommet à la fin"},
		{ar, "المنطقة: \u2068الحلقة ٠ من المضلع ٠\u2069 غير مغلقة: تبدأ عند \u2068[30, 10]\u2069"},
	} {
		if got := errorText(c.p, err); !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: %q, want it to start %q", c.p.Lang.Code, got, c.want)
		}
	}
	hole := &coord.Area{Type: "Polygon", Coordinates: []byte(`[[[30,10],[32,10],[32,12],[30,12],[30,10]],[[31,11],[35,11],[31,11.5],[31,11]]]`)}
	err = hole.Validate()
	if got, want := errorText(english, err), "area: polygon 0 ring 1 is a hole, but its edge from position 0 crosses out of the outer ring (ring 0) at [33, 11]; a hole must lie within it"; !strings.HasPrefix(got, want) {
		t.Errorf("en: %q, want it to start %q", got, want)
	}
	if got, want := errorText(fr, err), "Zone\u202f: l’anneau 1 du polygone 0 est un trou, mais son côté partant du sommet 0 sort de l’anneau extérieur (anneau 0) en [33, 11]"; !strings.HasPrefix(got, want) {
		t.Errorf("fr: %q, want it to start %q", got, want)
	}
}
