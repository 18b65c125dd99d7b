package coord_test

import (
	"strings"
	"testing"
	"time"

	"lifeline"
	"lifeline/coord"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func newIncident(t testing.TB, tlp coord.TLP) *coord.Incident {
	t.Helper()
	in := &coord.Incident{ID: "inc1", Title: "Cable cut off Port Sudan", Kind: coord.KindCableCut, Countries: []string{"SD"}}
	in.TLP = tlp
	if tlp == coord.TLPAmber || tlp == coord.TLPAmberStrict {
		in.Orgs = []string{"named"}
	}
	in.Members = []string{"rcpt"}
	if err := coord.NewIncident(vAuthor, in, now); err != nil {
		t.Fatal(err)
	}
	return in
}

func TestIncidentValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*coord.Incident)
		field string
	}{
		{"title", func(in *coord.Incident) { in.Title = " " }, "title"},
		{"kind", func(in *coord.Incident) { in.Kind = "earthquake" }, "kind"},
		{"country", func(in *coord.Incident) { in.Countries = []string{"Sudan"} }, "countries[0]"},
		{"severity", func(in *coord.Incident) { in.Severity = "High" }, "severity"},
		{"evidence hash", func(in *coord.Incident) { in.Evidence = []coord.Evidence{{Kind: "file", SHA256: "xyz"}} }, "evidence[0].sha256"},
		{"evidence link", func(in *coord.Incident) { in.Evidence = []coord.Evidence{{Kind: "link", URL: "javascript:x"}} }, "evidence[0].url"},
		{"end before start", func(in *coord.Incident) { s, e := now, now.Add(-time.Hour); in.Start, in.End = &s, &e }, "end"},
		{"shutdown type", func(in *coord.Incident) { in.Shutdown = &coord.Shutdown{Type: "partial"} }, "shutdown.shutdown_type"},
		{"area", func(in *coord.Incident) {
			in.Area = &coord.Area{Type: "Polygon", Coordinates: []byte(`[[[0,0],[1,0],[1,1]]]`)}
		}, "area"},
		{"tlp", func(in *coord.Incident) { in.TLP = "TLP:WHITE" }, "tlp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := newIncident(t, coord.TLPAmber)
			tt.edit(in)
			err := in.Validate()
			if lifeline.ErrorCode(err) != lifeline.EINVALID || !strings.Contains(err.Error(), tt.field) {
				t.Errorf("Validate() = %v, want EINVALID naming %q", err, tt.field)
			}
		})
	}
}

func TestNewIncidentNeedsReporter(t *testing.T) {
	in := &coord.Incident{Title: "x", Kind: coord.KindOther}
	for _, v := range []coord.Viewer{vAnon, vNamedOrg} {
		if err := coord.NewIncident(v, in, now); lifeline.ErrorCode(err) != lifeline.EFORBIDDEN {
			t.Errorf("NewIncident by %+v = %v, want EFORBIDDEN", v, err)
		}
	}
}

func TestIncidentLifecycle(t *testing.T) {
	namedCoord := coord.Viewer{MemberID: "n2", OrgID: "named", Role: coord.RoleCoordinator, OrgVerified: true}
	unverifiedNamed := coord.Viewer{MemberID: "n3", OrgID: "named", Role: coord.RoleCoordinator}
	tests := []struct {
		name string
		tlp  coord.TLP
		from coord.IncidentStatus
		to   coord.IncidentStatus
		v    coord.Viewer
		code string
	}{
		{"named verified org verifies", coord.TLPAmber, coord.IncidentReported, coord.IncidentVerified, namedCoord, ""},
		{"source cannot verify its own report", coord.TLPAmber, coord.IncidentReported, coord.IncidentVerified, vColleague, lifeline.EFORBIDDEN},
		{"unverified org cannot verify", coord.TLPAmber, coord.IncidentReported, coord.IncidentVerified, unverifiedNamed, lifeline.EFORBIDDEN},
		{"other verified org verifies a green report", coord.TLPGreen, coord.IncidentReported, coord.IncidentVerified, coord.Viewer{MemberID: "o2", OrgID: "other", Role: coord.RoleCoordinator, OrgVerified: true}, ""},
		{"another verified org's admin moves a green incident", coord.TLPGreen, coord.IncidentVerified, coord.IncidentResponding, vOther, ""},
		{"skipping a step", coord.TLPAmber, coord.IncidentReported, coord.IncidentResponding, vColleague, lifeline.ECONFLICT},
		{"source responds", coord.TLPAmber, coord.IncidentVerified, coord.IncidentResponding, vColleague, ""},
		{"source restores", coord.TLPAmber, coord.IncidentResponding, coord.IncidentRestoring, vColleague, ""},
		{"source resolves", coord.TLPAmber, coord.IncidentRestoring, coord.IncidentResolved, vColleague, ""},
		{"dismiss a report", coord.TLPAmber, coord.IncidentReported, coord.IncidentDismissed, vColleague, ""},
		{"resolved is final", coord.TLPAmber, coord.IncidentResolved, coord.IncidentDismissed, vColleague, lifeline.ECONFLICT},
		{"reporter cannot move", coord.TLPAmber, coord.IncidentVerified, coord.IncidentResponding, vAuthor, lifeline.EFORBIDDEN},
		{"unseen incident is not found, admin or not", coord.TLPAmber, coord.IncidentReported, coord.IncidentVerified, vAdmin, lifeline.ENOTFOUND},
		{"red: colleague cannot see", coord.TLPRed, coord.IncidentVerified, coord.IncidentResponding, vColleague, lifeline.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := newIncident(t, tt.tlp)
			in.Status = tt.from
			err := coord.CanMoveIncident(tt.v, in, tt.to)
			if got := lifeline.ErrorCode(err); got != tt.code {
				t.Errorf("CanMoveIncident = %v (code %q), want code %q", err, got, tt.code)
			}
		})
	}
}

func TestMoveRepair(t *testing.T) {
	in := newIncident(t, coord.TLPAmber)
	if err := coord.MoveRepair(vColleague, in, "cable:eassy", coord.RepairDamaged, "", now); lifeline.ErrorCode(err) != lifeline.EINVALID {
		t.Fatalf("repair of an element the incident does not list: %v, want EINVALID", err)
	}
	in.Elements = []string{"cable:eassy"}
	steps := []struct {
		v    coord.Viewer
		to   coord.RepairStatus
		code string
	}{
		{vColleague, coord.RepairScheduled, lifeline.ECONFLICT}, // not tracked yet
		{vColleague, coord.RepairDamaged, ""},
		{vColleague, coord.RepairRepairing, lifeline.ECONFLICT}, // skips scheduling
		{vAuthor, coord.RepairScheduled, lifeline.EFORBIDDEN},   // reporter only
		{vColleague, coord.RepairScheduled, ""},
		{vColleague, coord.RepairRepairing, ""},
		{vColleague, coord.RepairRestored, ""},
		{vOther, coord.RepairDamaged, lifeline.ENOTFOUND},
	}
	for i, s := range steps {
		err := coord.MoveRepair(s.v, in, "cable:eassy", s.to, "", now.Add(time.Duration(i)*time.Hour))
		if got := lifeline.ErrorCode(err); got != s.code {
			t.Fatalf("step %d to %s: %v (code %q), want %q", i, s.to, err, got, s.code)
		}
	}
	if err := coord.ApplyIncidentUpdate(vColleague, in, coord.IncidentUpdate{Elements: &[]string{"cable:other"}}, now); lifeline.ErrorCode(err) != lifeline.EINVALID {
		t.Errorf("dropping a tracked element: %v, want EINVALID", err)
	}
	in.Elements = []string{"cable:eassy"}
	r := in.Restoration[0]
	if r.Status != coord.RepairRestored || len(r.Timeline) != 4 {
		t.Fatalf("restoration = %+v, want restored after 4 steps", r)
	}
	if !r.Timeline[3].At.After(r.Timeline[0].At) {
		t.Error("timeline is not in time order")
	}
}

func TestApplyIncidentUpdate(t *testing.T) {
	in := newIncident(t, coord.TLPAmber)
	in.Version = 3
	title := "Two cables cut"
	if err := coord.ApplyIncidentUpdate(vAuthor, in, coord.IncidentUpdate{Title: &title, IfVersion: 3}, now); err != nil {
		t.Fatal(err)
	}
	if in.Title != title {
		t.Errorf("title = %q", in.Title)
	}
	if err := coord.ApplyIncidentUpdate(vAuthor, in, coord.IncidentUpdate{Title: &title, IfVersion: 2}, now); lifeline.ErrorCode(err) != lifeline.ECONFLICT {
		t.Errorf("stale version: %v, want ECONFLICT", err)
	}
	if err := coord.ApplyIncidentUpdate(vNamedOrg, in, coord.IncidentUpdate{Title: &title}, now); lifeline.ErrorCode(err) != lifeline.EFORBIDDEN {
		t.Errorf("viewer edits: %v, want EFORBIDDEN", err)
	}
	green := coord.TLPGreen
	if err := coord.ApplyIncidentUpdate(vColleague, in, coord.IncidentUpdate{TLP: &green, ShareWithOrgs: &[]string{}}, now); err != nil {
		t.Fatalf("widen to green: %v", err)
	}
	if in.TLP != coord.TLPGreen || len(in.Orgs) != 0 {
		t.Errorf("marking = %+v, want TLP:GREEN without orgs", in.Marking)
	}
}
