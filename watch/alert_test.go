package watch

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"lifeline"
)

// ev returns a detected event of kind k about e from minute a to minute b
// after t0, raised two 5-minute bins after its start.
func ev(k Kind, e Entity, a, b int, drop float64) Event {
	start := t0.Add(time.Duration(a) * time.Minute)
	return Event{Key: Key{Kind: k, Entity: e}, Start: start, End: t0.Add(time.Duration(b) * time.Minute),
		Raised: start.Add(10 * time.Minute), Level: LevelWarning, Baseline: 100, Lowest: 100 * (1 - drop),
		Severity: drop * 100 * float64(b-a)}
}

func TestAlertsCorroboration(t *testing.T) {
	d := newTestDetector(t, DefaultConfig())
	ir := Country("IR")
	alerts := d.Alerts([]Event{
		ev(KindBGP, ir, 60, 120, 0.5),
		ev(KindProbing, ir, 70, 130, 0.8),
		ev(KindBGP, ir, 300, 330, 0.3), // alone later: suspected
		ev(KindBGP, Country("SY"), 60, 90, 0.9),
	}, nil)
	if len(alerts) != 3 {
		t.Fatalf("%d alerts, want 3: %+v", len(alerts), alerts)
	}
	a := alerts[0]
	if a.Entity != ir || a.Status != StatusConfirmed || !slices.Equal(a.Kinds, []Kind{KindBGP, KindProbing}) {
		t.Errorf("first alert %v %v %v, want country/IR confirmed by bgp and probing", a.Entity, a.Status, a.Kinds)
	}
	if want := t0.Add(80 * time.Minute); !a.Confirmed.Equal(want) {
		t.Errorf("confirmed at %s, want %s, when the second kind was raised", a.Confirmed, want)
	}
	if !a.Start.Equal(t0.Add(60*time.Minute)) || !a.End.Equal(t0.Add(130*time.Minute)) {
		t.Errorf("span %s–%s, want the union of the events", a.Start, a.End)
	}
	// The score multiplies the severities of the kinds that fired.
	if want := (0.5 * 100 * 60) * (0.8 * 100 * 60); a.Score != want {
		t.Errorf("score %v, want %v", a.Score, want)
	}
	if a.Drop != 0.8 {
		t.Errorf("drop %v, want the largest, 0.8", a.Drop)
	}
	if alerts[1].Entity != Country("SY") || alerts[1].Status != StatusSuspected {
		t.Errorf("second alert %v %v, want country/SY suspected", alerts[1].Entity, alerts[1].Status)
	}
	if alerts[2].Status != StatusSuspected || !alerts[2].Confirmed.IsZero() {
		t.Errorf("later lone event: %v confirmed %s, want suspected", alerts[2].Status, alerts[2].Confirmed)
	}
}

func TestAlertsSameKindDoesNotConfirm(t *testing.T) {
	d := newTestDetector(t, DefaultConfig())
	imported := ev(KindBGP, Country("IR"), 60, 120, 0)
	imported.Source, imported.Baseline = "ioda", 0
	alerts := d.Alerts([]Event{ev(KindBGP, Country("IR"), 65, 120, 0.5), imported}, nil)
	if len(alerts) != 1 || alerts[0].Status != StatusSuspected || len(alerts[0].Events) != 2 {
		t.Fatalf("alerts %+v, want one suspected alert of two bgp events", alerts)
	}
}

// countries is a CountryOf for the tests: AS 6450x are in IR, 6451x in SY.
func countries(asn uint32) (string, bool) {
	switch asn / 10 {
	case 6450:
		return "IR", true
	case 6451:
		return "SY", true
	}
	return "", false
}

func TestHints(t *testing.T) {
	cfg := DefaultConfig()
	cfg.CountryOf = countries
	d := newTestDetector(t, cfg)
	var observed []Entity
	for n := uint32(64500); n < 64506; n++ {
		observed = append(observed, ASN(n))
	}
	for n := uint32(64510); n < 64516; n++ {
		observed = append(observed, ASN(n))
	}
	observed = append(observed, Country("IR"), Country("SY"))
	events := []Event{
		// Four networks of IR fall between 12:00 and 12:10, and the country.
		ev(KindBGP, ASN(64500), 720, 900, 0.9),
		ev(KindBGP, ASN(64501), 725, 900, 0.9),
		ev(KindBGP, ASN(64502), 730, 900, 0.9),
		ev(KindProbing, ASN(64503), 725, 880, 0.9),
		ev(KindBGP, Country("IR"), 720, 900, 0.7),
		// One network of SY falls alone, at 07:40, and drags its country.
		ev(KindBGP, ASN(64512), 460, 520, 1),
		ev(KindBGP, Country("SY"), 460, 520, 0.1),
		// A network of unknown country.
		ev(KindBGP, ASN(13335), 100, 200, 0.5),
	}
	alerts := d.Alerts(events, observed)
	hints := make(map[Entity]Alert)
	for _, a := range alerts {
		hints[a.Entity] = a
	}
	for _, c := range []struct {
		e      Entity
		hint   Hint
		reason string
	}{
		{ASN(64500), HintShutdown, "4 of 6 observed networks in IR fell within 15m"},
		{ASN(64503), HintShutdown, "round hour (12:00 UTC)"},
		{Country("IR"), HintShutdown, "4 networks of IR fell together"},
		{ASN(64512), HintOutage, "no other of the 5 observed networks in SY"},
		{Country("SY"), HintOutage, "only asn/64512 of the 6 observed networks in SY fell"},
		{ASN(13335), HintOutage, "country is unknown"},
	} {
		a, ok := hints[c.e]
		if !ok {
			t.Errorf("no alert for %s", c.e)
			continue
		}
		if a.Hint != c.hint || !strings.Contains(strings.Join(a.Reasons, "; "), c.reason) {
			t.Errorf("%s: hint %q reasons %q, want %q with %q", c.e, a.Hint, a.Reasons, c.hint, c.reason)
		}
	}
	if a := hints[ASN(64512)]; a.Country != "SY" {
		t.Errorf("AS64512 country %q, want SY from CountryOf", a.Country)
	}

	// Drafts: one shutdown draft for IR with its four networks, one outage
	// draft for AS64512 with its country's fall, one for AS13335.
	drafts := Drafts(alerts)
	var shutdown []Draft
	for _, dr := range drafts {
		if dr.Kind == HintShutdown {
			shutdown = append(shutdown, dr)
		}
	}
	if len(drafts) != 3 || len(shutdown) != 1 {
		t.Fatalf("%d drafts with %d shutdowns, want 3 with 1: %+v", len(drafts), len(shutdown), drafts)
	}
	if sy := drafts[1]; sy.Title != "Outage: AS64512 (SY), 2024-01-01 07:40 UTC for 1h" || len(sy.Evidence) != 2 {
		t.Errorf("outage draft %q with %d evidence, want AS64512 (SY) with its and its country's event", sy.Title, len(sy.Evidence))
	}
	s := shutdown[0]
	if !slices.Equal(s.Countries, []string{"IR"}) || !slices.Equal(s.ASNs, []uint32{64500, 64501, 64502, 64503}) || len(s.Evidence) != 5 {
		t.Errorf("shutdown draft countries %v ASNs %v with %d evidence, want IR, four ASNs, five events", s.Countries, s.ASNs, len(s.Evidence))
	}
	if s.Title != "Possible shutdown: IR (4 networks), 2024-01-01 12:00 UTC for 3h" {
		t.Errorf("title %q", s.Title)
	}
}

func TestHintCountryWithoutNetworks(t *testing.T) {
	d := newTestDetector(t, DefaultConfig())
	crit := ev(KindBGP, Country("ET"), 600, 900, 0.95) // 10:00
	crit.Level = LevelCritical
	off := ev(KindBGP, Country("MM"), 615, 900, 0.95) // 10:15
	off.Level = LevelCritical
	alerts := d.Alerts([]Event{crit, off}, []Entity{Country("ET"), Country("MM")})
	if alerts[0].Hint != HintShutdown || alerts[1].Hint != "" {
		t.Errorf("hints %q and %q, want shutdown for the critical fall at 10:00 and none at 10:15", alerts[0].Hint, alerts[1].Hint)
	}
}

func TestRoundHour(t *testing.T) {
	for _, c := range []struct {
		hm   string
		want string
	}{
		{"10:00", "10:00"}, {"09:55", "10:00"}, {"10:05", "10:00"}, {"10:30", "10:30"},
		{"10:10", ""}, {"10:20", ""}, {"10:45", ""},
	} {
		tm, _ := time.Parse("15:04", c.hm)
		got := roundHour(tm)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("roundHour(%s) = %q, want %q", c.hm, got, c.want)
		}
	}
}

type drafter struct {
	got  []Draft
	fail int // fail on this call, counting from 1
}

func (f *drafter) DraftIncident(_ context.Context, d Draft) (string, error) {
	f.got = append(f.got, d)
	if len(f.got) == f.fail {
		return "", lifeline.Errorf(lifeline.EINVALID, "test", "no")
	}
	return "inc-" + d.Start.Format("1504"), nil
}

func TestSubmit(t *testing.T) {
	drafts := []Draft{{Start: t0}, {Start: t0.Add(time.Hour)}, {Start: t0.Add(2 * time.Hour)}}
	f := &drafter{}
	ids, err := Submit(context.Background(), f, drafts)
	if err != nil || !slices.Equal(ids, []string{"inc-0000", "inc-0100", "inc-0200"}) {
		t.Fatalf("ids %v, err %v", ids, err)
	}
	f = &drafter{fail: 2}
	ids, err = Submit(context.Background(), f, drafts)
	if lifeline.ErrorCode(err) != lifeline.EINVALID || len(ids) != 1 || len(f.got) != 2 {
		t.Errorf("failing drafter: ids %v, %d calls, err %v; want one id, two calls, the drafter's error", ids, len(f.got), err)
	}
	var le *lifeline.Error
	if !errors.As(err, &le) {
		t.Errorf("error %v does not wrap the drafter's", err)
	}
}
