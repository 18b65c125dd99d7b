package lifeline

import (
	"fmt"
	"testing"
)

// A keyed error says the same English as Errorf, so the API, logs and the
// command line do not change; the key and the arguments are kept for a
// page to say it in another language.
func TestErrorkKeepsTheEnglish(t *testing.T) {
	why := P("why.where.place", "place %s", "Port Sudan")
	e := Errork(EINVALID, "coord.X", "err.required", "%s: required; %s", Field("title"), why)
	if got, want := e.Error(), "title: required; place Port Sudan"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if e.Key != "err.required" || len(e.Args) != 2 || e.Args[0] != Field("title") {
		t.Errorf("key %q, args %v", e.Key, e.Args)
	}
	if ph, ok := e.Args[1].(Phrase); !ok || ph.Key != "why.where.place" || fmt.Sprint(ph) != "place Port Sudan" {
		t.Errorf("the phrase argument: %#v", e.Args[1])
	}
	if ErrorMessage(e) != Errorf(EINVALID, "coord.X", "%s: required; %s", "title", "place Port Sudan").Error() {
		t.Error("Errork and Errorf say different English")
	}
}
