package coord_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"lifeline"
	"lifeline/coord"
)

func TestDropsOf(t *testing.T) {
	in := &coord.Incident{Countries: []string{"MR", "SN", "GM"}, Evidence: []coord.Evidence{
		{Kind: "signal", Signal: "bgp:country/SN", Drop: 0.3},
		{Kind: "signal", Signal: "bgp:asn/37541", Drop: 0.9}, // a network, not a country
		{Kind: "signal", Signal: "ping:country/SL", Drop: 0.7},
		{Kind: "link", URL: "https://example.org"},
	}}
	got := coord.DropsOf(in, []coord.Drop{{Country: "MR", Share: 1, Signal: "alert"}, {Country: "PT", Share: 0}, {Country: "XX", Share: 2}})
	want := []coord.Drop{{Country: "GM", Share: coord.NamedShare}, {Country: "MR", Share: 1, Signal: "alert"},
		{Country: "PT", Share: 0}, {Country: "SL", Share: 0.7, Signal: "ping:country/SL"}, {Country: "SN", Share: 0.3, Signal: "bgp:country/SN"}}
	if !slices.Equal(got, want) {
		t.Errorf("DropsOf:\n got %v\nwant %v", got, want)
	}
	for sig, want := range map[string]string{"bgp:country/SO": "SO", "bgp:asn/12880": "", "country/SO": "", "bgp:country/so": "", "bgp:country/SOM": ""} {
		if got := coord.SignalCountry(sig); got != want {
			t.Errorf("SignalCountry(%q) = %q, want %q", sig, got, want)
		}
	}
}

func TestAcceptCandidate(t *testing.T) {
	coordinator := coord.Viewer{MemberID: "author", OrgID: "src", Role: coord.RoleCoordinator, OrgVerified: true}
	in := testIncident(coord.TLPAmber)
	if err := coord.AcceptCandidate(coordinator, in, coord.CandidateAccept{Elements: []string{"segment:eassy/3", "cable:eassy", "landing_point:mogadishu-somalia"}}); err != nil {
		t.Fatal(err)
	}
	if want := []string{"cable:eassy", "segment:eassy/3", "landing_point:mogadishu-somalia"}; !slices.Equal(in.Elements, want) {
		t.Errorf("elements %v, want %v (the listed ones kept, new ones added once)", in.Elements, want)
	}
	for _, tc := range []struct {
		name string
		c    coord.CandidateAccept
		code string
		says string
	}{
		{"none", coord.CandidateAccept{}, lifeline.EINVALID, "expected 1 to 4"},
		{"country", coord.CandidateAccept{Elements: []string{"country:SO"}}, lifeline.EINVALID, "elements[0]"},
		{"bare", coord.CandidateAccept{Elements: []string{"eassy"}}, lifeline.EINVALID, "elements[0]"},
	} {
		err := coord.AcceptCandidate(coordinator, testIncident(coord.TLPAmber), tc.c)
		if lifeline.ErrorCode(err) != tc.code || !strings.Contains(lifeline.ErrorMessage(err), tc.says) {
			t.Errorf("%s: %v; want %s saying %q", tc.name, err, tc.code, tc.says)
		}
	}
	closed := testIncident(coord.TLPAmber)
	closed.Status = coord.IncidentResolved
	if err := coord.AcceptCandidate(coordinator, closed, coord.CandidateAccept{Elements: []string{"segment:eassy/3"}}); lifeline.ErrorCode(err) != lifeline.ECONFLICT {
		t.Errorf("resolved incident: %v, want ECONFLICT", err)
	}
}

func TestRecoverBySignal(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	t1, t2 := now.Add(-3*time.Hour), now.Add(-2*time.Hour)
	coordinator := coord.Viewer{MemberID: "author", OrgID: "src", Role: coord.RoleCoordinator, OrgVerified: true}
	rec := coord.SignalRecovery{Element: "cable:eassy", Affected: []string{"SO", "DJ"},
		Recovered: []coord.Drop{{Country: "DJ", Share: 0.01, At: t2}, {Country: "SO", At: t1}, {Country: "KE", At: now}}}

	// A repair under way is closed, whatever its step.
	in := testIncident(coord.TLPAmber)
	if err := coord.MoveRepair(coordinator, in, "cable:eassy", coord.RepairDamaged, "", t1); err != nil {
		t.Fatal(err)
	}
	if err := coord.ApplyIncidentUpdate(coordinator, in, coord.IncidentUpdate{Recovered: &rec}, now); err != nil {
		t.Fatal(err)
	}
	r := in.Restoration[0]
	last := r.Timeline[len(r.Timeline)-1]
	if r.Status != coord.RepairRestored || len(r.Timeline) != 2 || last.Note != "signal recovered at 2026-03-02T10:00:00Z (SO, DJ)" || !last.At.Equal(now) || last.Org != "src" {
		t.Errorf("restoration %+v; want restored, a second step saying the signal recovered at the latest recovery", r)
	}
	// Again: already restored.
	if err := coord.RecoverBySignal(coordinator, in, rec, now); lifeline.ErrorCode(err) != lifeline.ECONFLICT {
		t.Errorf("twice: %v, want ECONFLICT", err)
	}

	// An element not tracked yet gets one step.
	in = testIncident(coord.TLPAmber)
	if err := coord.RecoverBySignal(coordinator, in, rec, now); err != nil {
		t.Fatal(err)
	}
	if len(in.Restoration) != 1 || in.Restoration[0].Status != coord.RepairRestored || len(in.Restoration[0].Timeline) != 1 {
		t.Errorf("untracked element: %+v", in.Restoration)
	}

	for _, tc := range []struct {
		name string
		r    coord.SignalRecovery
		says string
	}{
		{"still down", coord.SignalRecovery{Element: "cable:eassy", Affected: []string{"SO", "DJ"}, Recovered: []coord.Drop{{Country: "DJ", At: t2}, {Country: "SO", Share: 0.4, At: t1}}}, "SO has not recovered"},
		{"no news", coord.SignalRecovery{Element: "cable:eassy", Affected: []string{"SO", "DJ"}, Recovered: []coord.Drop{{Country: "SO", At: t1}}}, "DJ has not recovered"},
		{"no time", coord.SignalRecovery{Element: "cable:eassy", Affected: []string{"SO"}, Recovered: []coord.Drop{{Country: "SO"}}}, "SO has not recovered"},
		{"no affected", coord.SignalRecovery{Element: "cable:eassy", Recovered: []coord.Drop{{Country: "SO", At: t1}}}, "affected"},
		{"other element", coord.SignalRecovery{Element: "cable:seacom", Affected: []string{"SO"}, Recovered: []coord.Drop{{Country: "SO", At: t1}}}, "not among"},
	} {
		in := testIncident(coord.TLPAmber)
		err := coord.ApplyIncidentUpdate(coordinator, in, coord.IncidentUpdate{Recovered: &tc.r}, now)
		if lifeline.ErrorCode(err) != lifeline.EINVALID || !strings.Contains(lifeline.ErrorMessage(err), tc.says) {
			t.Errorf("%s: %v; want EINVALID saying %q", tc.name, err, tc.says)
		}
		if len(in.Restoration) != 0 {
			t.Errorf("%s: refused, but the restoration changed: %+v", tc.name, in.Restoration)
		}
	}
}

func TestEvidenceDrop(t *testing.T) {
	for _, tc := range []struct {
		e  coord.Evidence
		ok bool
	}{
		{coord.Evidence{Kind: "signal", Signal: "bgp:country/SO", Drop: 0.6}, true},
		{coord.Evidence{Kind: "signal", Signal: "bgp:country/SO", Drop: 1.2}, false},
		{coord.Evidence{Kind: "signal", Signal: "bgp:country/SO", Drop: -0.1}, false},
		{coord.Evidence{Kind: "link", URL: "https://example.org", Drop: 0.5}, false},
	} {
		in := testIncident(coord.TLPClear)
		in.Evidence = []coord.Evidence{tc.e}
		if err := in.Validate(); (err == nil) != tc.ok {
			t.Errorf("%+v: %v, want ok=%v", tc.e, err, tc.ok)
		}
	}
}
