package web

import (
	"html"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// A scenario sent to the simulator with a mistake comes back with the
// mistake said in the reader's language: the event and line, the field,
// what was expected and what was found, the closest names of a cable that
// is not in the atlas. In English the message is the one the command line
// and the API give.
func TestSimulatorScenarioErrorsInReaderLanguage(t *testing.T) {
	send := simulatorSender(t)
	// In Arabic the names and numbers written left to right are isolated
	// (U+2068 … U+2069); the words are compared without the isolates,
	// which must never show as escapes inside quotes.
	bare := func(body string) string {
		if strings.Contains(body, `\u2068`) {
			t.Errorf("an isolate printed as an escape: %s", errorExcerpt(body))
		}
		return strings.NewReplacer("\u2068", "", "\u2069", "").Replace(body)
	}
	const (
		unknownField = "name: test\nevents:\n  - bogus: [seacom]\n"
		magnitude    = "name: test\nevents:\n  - earthquake: {center: [43, 12], magnitude: 12}\n"
		noCable      = "name: test\nevents:\n  - cut_cables: [seacomm]\n"
		noKind       = "name: test\nevents:\n  - note: nothing\n"
		syntax       = "name: test\nevents: [\n"
		badASN       = "name: test\nevents:\n  - ases: [x1]\n"
	)
	cases := []struct {
		what, yaml string
		status     int
		want       map[string]string
	}{
		{"an unknown field", unknownField, 400, map[string]string{
			"en": `pasted scenario: event 1, line 3: unknown field "bogus"; want one of: cut_cables, cut,`,
			"fr": "scénario collé\u202f: événement 1, ligne 3\u202f: champ inconnu \"bogus\"\u202f; champs possibles\u202f: cut_cables, cut,",
			"ar": "السيناريو الملصق: الحدث ١، السطر ٣: حقل غير معروف \"bogus\"؛ الحقول المقبولة: cut_cables, cut,",
		}},
		{"a magnitude out of range", magnitude, 400, map[string]string{
			"en": "pasted scenario: event 1 (earthquake): magnitude: want a moment magnitude in 4..10, found 12",
			"fr": "scénario collé\u202f: événement 1 (earthquake), champ magnitude\u202f: attendu\u202f: une magnitude de moment entre 4 et 10\u202f; trouvé 12",
			"ar": "السيناريو الملصق: الحدث ١ (earthquake)، الحقل magnitude: المطلوب قدر عزمي بين 4 و10، والموجود ١٢",
		}},
		{"a cable not in the atlas", noCable, 400, map[string]string{
			"en": `test: event 1 (cut_cables): cable "seacomm" not found; closest: SEACOM, seacom`,
			"fr": "test\u202f: événement 1 (cut_cables)\u202f: câble \"seacomm\" introuvable\u202f; noms les plus proches\u202f: SEACOM, seacom",
			"ar": "test: الحدث ١ (cut_cables): لم يُعثر على الكابل \"seacomm\"؛ أقرب الأسماء: SEACOM, seacom",
		}},
		{"an event without a type", noKind, 400, map[string]string{
			"en": "pasted scenario: event 1: want one of cut_cables, cut, region,",
			"fr": "scénario collé\u202f: événement 1\u202f: attendu l’un des types cut_cables, cut, region,",
			"ar": "السيناريو الملصق: الحدث ١: المطلوب نوع من: cut_cables, cut, region,",
		}},
		{"a network that is not an AS number", badASN, 400, map[string]string{
			"en": `, line 3: ases: want an AS number such as 8452 or AS8452, found "x1"`,
			"fr": ", ligne 3\u202f: ases\u202f: attendu\u202f: un numéro d’AS comme 8452 ou AS8452\u202f; trouvé \"x1\"",
			"ar": "، السطر ٣: ases: المطلوب رقم AS مثل 8452 أو AS8452، والموجود \"x1\"",
		}},
		{"YAML that does not parse", syntax, 400, map[string]string{
			"en": "pasted scenario: ",
			"fr": "scénario collé\u202f: YAML illisible\u202f: ",
			"ar": "السيناريو الملصق: تعذّرت قراءة YAML: ",
		}},
	}
	for _, c := range cases {
		for _, lang := range []string{"en", "fr", "ar"} {
			status, body := send(lang, c.yaml)
			body = bare(body)
			if status != c.status {
				t.Errorf("%s in %s: status %d, want %d", c.what, lang, status, c.status)
			}
			if !strings.Contains(body, c.want[lang]) {
				t.Errorf("%s in %s: the page does not say\n  %q\n%s", c.what, lang, c.want[lang], errorExcerpt(body))
			}
		}
	}
}

// The simulator's form says what is wrong with its region in the
// reader's language too.
func TestSimulatorFormErrorsInReaderLanguage(t *testing.T) {
	ts := publicServer(t)
	for lang, want := range map[string]string{
		"en": `region: longitude and latitude must both be numbers, found "abc" and "12"`,
		"fr": "Région\u202f: la longitude et la latitude doivent être des nombres\u202f; trouvé \"abc\" et \"12\"",
		"es": `Región: la longitud y la latitud deben ser números; se encontró "abc" y "12"`,
	} {
		resp, body := get(t, nil, ts.URL+"/simulate/result?lon=abc&lat=12&lang="+lang)
		if resp.StatusCode != 400 || !strings.Contains(html.UnescapeString(body), want) {
			t.Errorf("%s: status %d, the page does not say %q\n%s", lang, resp.StatusCode, want, errorExcerpt(html.UnescapeString(body)))
		}
	}
}

// errorExcerpt is the part of an error page around its message.
func errorExcerpt(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if len(body) > 800 {
		body = body[:800]
	}
	return body
}

// In Arabic an argument the message quotes with %q keeps its quotes and
// no isolates, which %q would print as escapes; one printed with %s is
// isolated.
func TestI18nQuotedArgumentNotIsolated(t *testing.T) {
	ar := printerOf(t, "ar")
	if got, want := ar.T("err.scenario.nolink", "XX-YY", ""), `لم يُعثر على الوصلة البرية "XX-YY"`; got != want {
		t.Errorf("%%q: %q, want %q", got, want)
	}
	if got, want := ar.T("err.scenario.nocable", `"x"`, ""), "لم يُعثر على الكابل \u2068\"x\"\u2069"; got != want {
		t.Errorf("%%s: %q, want %q", got, want)
	}
}

// simulatorSender returns a function that sends a scenario to the public
// simulator in a language, as a reader of that language's page does, and
// gives the status and the page's text.
func simulatorSender(t *testing.T) func(lang, yaml string) (int, string) {
	ts := publicServer(t)
	jar, _ := cookiejar.New(nil)
	b := &browser{t: t, c: noRedirect(jar), url: ts.URL}
	return func(lang, yaml string) (int, string) {
		t.Helper()
		b.get("/simulate?lang=" + lang)
		resp, body := b.post("/simulate", "/simulate/upload", url.Values{"yaml": {yaml}})
		return resp.StatusCode, html.UnescapeString(body)
	}
}
