package web

import (
	"strings"
	"testing"
)

// The simulator takes a scenario with standing faults as the command line
// does: the page says what was down before the events, apart from what
// they failed, and keeps the standing faults in the scenario it shows; a
// mistake in a standing fault is named in the reader's language.
func TestSimulatorStandingFaults(t *testing.T) {
	send := simulatorSender(t)
	const sc = "name: EASSy after the Red Sea\nstanding:\n  - cut_cables: [aae-1, seacom]\nevents:\n  - cut_cables: [eassy]\n"
	status, body := send("en", sc)
	if status != 200 {
		t.Fatalf("status %d\n%s", status, errorExcerpt(body))
	}
	for _, want := range []string{
		"Already down before the events, as the scenario says: cables 2,",
		"Failed: cables 1,",
		"standing:",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page does not say %q\n%s", want, errorExcerpt(body))
		}
	}
	status, body = send("en", "name: EASSy alone\nevents:\n  - cut_cables: [eassy]\n")
	if status != 200 || strings.Contains(body, "Already down before the events") {
		t.Errorf("without standing faults: status %d, or the page speaks of them", status)
	}
	for lang, want := range map[string]string{
		"en": `test: standing fault 1 (cut_cables): cable "seacomm" not found; closest: SEACOM, seacom`,
		"fr": "test\u202f: panne préexistante 1 (cut_cables)\u202f: câble \"seacomm\" introuvable\u202f; noms les plus proches\u202f: SEACOM, seacom",
	} {
		status, body := send(lang, "name: test\nstanding:\n  - cut_cables: [seacomm]\nevents: []\n")
		if status != 400 || !strings.Contains(body, want) {
			t.Errorf("%s: status %d, the page does not say\n  %q\n%s", lang, status, want, errorExcerpt(body))
		}
	}
	status, body = send("en", "name: test\nstanding:\n  - earthquake: {center: [43, 12], magnitude: 7}\n")
	if want := "pasted scenario: standing fault 1 (earthquake): a fault already standing is certain"; status != 400 || !strings.Contains(body, want) {
		t.Errorf("status %d, the page does not say %q\n%s", status, want, errorExcerpt(body))
	}
}
