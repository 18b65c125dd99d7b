package demo_test

import (
	"context"
	"path/filepath"
	"testing"

	"lifeline"
	"lifeline/atlas/starter"
	"lifeline/coord"
	"lifeline/demo"
	"lifeline/impact"
	"lifeline/store"
	"lifeline/store/sqlite"
)

func seeded(t *testing.T) (*store.DB, coord.Viewer, *demo.Result, coord.Services, *impact.Graph) {
	return seededAs(t, nil)
}

// seededAs seeds a fresh instance as its admin member, or as the viewer
// as returns (coord.System: what lifeline serve --demo has at hand).
func seededAs(t *testing.T, as func(admin coord.Viewer) coord.Viewer) (*store.DB, coord.Viewer, *demo.Result, coord.Services, *impact.Graph) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	inst, err := db.Init(ctx, "Demo", "Admin", 0)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := db.Authenticate(ctx, inst.Token)
	if err != nil {
		t.Fatal(err)
	}
	a, err := starter.Load()
	if err != nil {
		t.Fatal(err)
	}
	g, err := impact.NewGraph(a, impact.Options{})
	if err != nil {
		t.Fatal(err)
	}
	svc := db.Services()
	seeder := admin
	if as != nil {
		seeder = as(admin)
	}
	res, err := demo.Seed(ctx, svc, seeder, g)
	if err != nil {
		t.Fatal(err)
	}
	return db, admin, res, svc, g
}

func TestSeed(t *testing.T) {
	ctx := context.Background()
	db, admin, res, svc, g := seeded(t)
	if res.Orgs != 11 || len(res.Members) != 11 || res.Incidents != 4 || res.Needs != 4 || res.Offers != 4 || res.Matches != 3 {
		t.Errorf("seeded %+v", res)
	}
	// One organisation of every kind.
	orgs, err := db.FindOrgs(ctx, admin, coord.ListFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[coord.OrgKind]bool{}
	for _, o := range orgs.Items {
		kinds[o.Kind] = true
	}
	for _, k := range coord.OrgKinds {
		if !kinds[k] {
			t.Errorf("no organisation of kind %s", k)
		}
	}
	// Every member can log in.
	viewers := map[string]coord.Viewer{}
	for _, m := range res.Members {
		v, err := db.Authenticate(ctx, m.Token)
		if err != nil {
			t.Fatalf("%s cannot log in: %v", m.Name, err)
		}
		viewers[m.Org] = v
	}
	// The incidents come from scenarios on the atlas: the Red Sea one
	// names the cables the region cuts and the countries it affects.
	anon, err := db.FindIncidents(ctx, coord.Viewer{}, coord.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(anon.Items) != 2 {
		t.Fatalf("anonymous visitors see %d incidents, want the 2 TLP:CLEAR ones", len(anon.Items))
	}
	// The national shutdown is listed under its one country.
	all, err := db.FindIncidents(ctx, admin, coord.ListFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	shutdowns := 0
	for _, in := range all.Items {
		if in.Kind == coord.KindShutdown {
			shutdowns++
			if len(in.Countries) != 1 || in.Countries[0] != "SD" {
				t.Errorf("the national shutdown in Sudan is listed under %v, want [SD] alone", in.Countries)
			}
		}
	}
	if shutdowns != 1 {
		t.Errorf("the instance admin sees %d shutdowns, want the demonstration's one (TLP:GREEN)", shutdowns)
	}
	red := anon.Items[0]
	if len(red.Elements) == 0 || len(red.Countries) < 2 || red.Area == nil || red.Status != coord.IncidentResponding || len(red.Restoration) == 0 {
		t.Errorf("Red Sea incident: elements %v, countries %v, status %s, %d repairs", red.Elements, red.Countries, red.Status, len(red.Restoration))
	}
	if anon.Items[1].Status != coord.IncidentResolved {
		t.Errorf("eruption incident is %s, want resolved", anon.Items[1].Status)
	}
	// The TLP:AMBER incident is seen by the organisations it names, not by
	// the others.
	hum, _ := db.FindIncidents(ctx, viewers["Field Relief Network (demo)"], coord.ListFilter{})
	civil, _ := db.FindIncidents(ctx, viewers["Open Access Watch (demo)"], coord.ListFilter{})
	if len(hum.Items) != 4 || len(civil.Items) != 3 {
		t.Errorf("humanitarian sees %d incidents (want 4), civil society %d (want 3)", len(hum.Items), len(civil.Items))
	}
	// Commitments at several steps.
	ms, err := db.FindMatches(ctx, viewers["Field Relief Network (demo)"], coord.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[coord.MatchStatus]bool{}
	for _, m := range ms.Items {
		statuses[m.Status] = true
		if len(m.Factors) == 0 {
			t.Errorf("match %s has no explanation", m.ID)
		}
	}
	if !statuses[coord.MatchDispatched] {
		t.Errorf("the humanitarian network's terminals are not dispatched: %v", statuses)
	}
	// Seeding twice is refused and changes nothing.
	_, err = demo.Seed(ctx, svc, admin, g)
	if lifeline.ErrorCode(err) != lifeline.ECONFLICT {
		t.Errorf("second seed: %v, want ECONFLICT", err)
	}
	if all, _ := db.FindOrgs(ctx, admin, coord.ListFilter{Limit: 100}); len(all.Items) != len(orgs.Items) {
		t.Error("a refused seed added organisations")
	}
}

func TestSeedNeedsAnAdmin(t *testing.T) {
	_, _, res, svc, g := seeded(t)
	ctx := context.Background()
	v, err := svc.Members.Authenticate(ctx, res.Members[0].Token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, svc, v, g); lifeline.ErrorCode(err) != lifeline.EFORBIDDEN {
		t.Errorf("seed by a coordinator: %v, want EFORBIDDEN", err)
	}
}

func TestSeedAsTheInstance(t *testing.T) {
	_, _, res, _, _ := seededAs(t, func(coord.Viewer) coord.Viewer { return coord.System })
	if res.Incidents != 4 || res.Matches != 3 {
		t.Errorf("seeded %+v", res)
	}
}
