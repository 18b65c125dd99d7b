package exchange

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"lifeline/coord"
)

// The test instance and clock.
var (
	testOpt = Options{Instance: "lifeline.example.org", Now: time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)}
	t0      = time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
)

// members of the test world: member id → organisation id.
var testMembers = map[string]string{
	"amal": "ministry", "hassan": "regulator", "sara": "operator", "omar": "operator",
	"lina": "cable", "jonas": "satellite", "mariam": "civil",
}

var testOrgs = []string{"cable", "civil", "ministry", "operator", "regulator", "satellite"}

func memberNames() []string {
	var m []string
	for k := range testMembers {
		m = append(m, k)
	}
	slices.Sort(m)
	return m
}

// randomMarking draws a valid marking: any level, a source, and names where
// the level uses them.
func randomMarking(r *rand.Rand) coord.Marking {
	names := memberNames()
	author := names[r.IntN(len(names))]
	m := coord.Marking{TLP: coord.TLPs[r.IntN(len(coord.TLPs))], Org: testMembers[author], Author: author}
	switch m.TLP {
	case coord.TLPAmber, coord.TLPAmberStrict:
		for _, o := range testOrgs {
			if o != m.Org && r.IntN(3) == 0 {
				m.Orgs = append(m.Orgs, o)
			}
		}
		fallthrough
	case coord.TLPRed:
		for _, n := range names {
			if n != author && r.IntN(4) == 0 {
				m.Members = append(m.Members, n)
			}
		}
	}
	m.Normalize()
	return m
}

// randomViewer draws a reader: anonymous, or a member of a verified or
// unverified organisation.
func randomViewer(r *rand.Rand) coord.Viewer {
	names := memberNames()
	i := r.IntN(len(names) + 1)
	if i == len(names) {
		return coord.Viewer{}
	}
	return coord.Viewer{MemberID: names[i], OrgID: testMembers[names[i]], Role: coord.RoleCoordinator, OrgVerified: r.IntN(3) > 0}
}

func square(lon, lat, d float64) *coord.Area {
	ring := [][]coord.Position{{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}, {lon, lat}}}
	b, _ := json.Marshal(ring)
	return &coord.Area{Type: "Polygon", Coordinates: b}
}

func ptr[T any](x T) *T { return &x }

// testIncidents are n incidents drawn from r, each valid.
func testIncidents(tb testing.TB, r *rand.Rand, n int) []coord.Incident {
	tb.Helper()
	var out []coord.Incident
	statuses := []coord.IncidentStatus{coord.IncidentReported, coord.IncidentVerified, coord.IncidentResponding, coord.IncidentRestoring, coord.IncidentResolved, coord.IncidentDismissed}
	countries := []string{"SD", "SS", "ET", "DJ", "YE", "TO"}
	for i := range n {
		kind := coord.IncidentKinds[r.IntN(len(coord.IncidentKinds))]
		created := t0.Add(time.Duration(i) * time.Hour)
		in := coord.Incident{
			ID:          fmt.Sprintf("inc-%03d", i+1),
			Title:       fmt.Sprintf("Incident %d: %s, \"quoted\" & <marked>", i+1, kind),
			Description: "Line one, with a comma.\nLine two; “typographic” quotes.",
			Kind:        kind,
			Status:      statuses[r.IntN(len(statuses))],
			Countries:   []string{countries[r.IntN(len(countries))]},
			Severity:    []string{"", coord.SeveritySevere, coord.SeverityMinor}[r.IntN(3)],
			Urgency:     []string{"", coord.UrgencyImmediate, coord.UrgencyExpected}[r.IntN(3)],
			Certainty:   []string{"", coord.CertaintyObserved, coord.CertaintyLikely}[r.IntN(3)],
			Marking:     randomMarking(r),
			Created:     created,
			Updated:     created,
			Version:     int64(i + 1),
		}
		if in.Status != coord.IncidentReported || r.IntN(2) == 0 {
			in.Updated = created.Add(90 * time.Minute)
		}
		if r.IntN(2) == 0 {
			in.Area = square(float64(i%300)-150, 10+float64(i%5), 0.5)
		}
		if r.IntN(2) == 0 {
			in.Start = ptr(created.Add(-2 * time.Hour))
			if r.IntN(2) == 0 {
				in.End = ptr(created.Add(30 * time.Hour))
			}
		}
		if r.IntN(2) == 0 {
			in.Elements = []string{"cable:seacom", "landing:djibouti"}
			in.ASNs = []uint32{64500, 37211}
		}
		if r.IntN(2) == 0 {
			in.Evidence = []coord.Evidence{
				{Kind: "file", SHA256: fmt.Sprintf("%064x", i+1), Note: "photo of the cut"},
				{Kind: "link", URL: "https://example.org/report"},
			}
		}
		if kind == coord.KindShutdown || kind == coord.KindThrottling {
			in.Shutdown = &coord.Shutdown{GeoScope: "regional", AreaName: "Khartoum, Omdurman", Type: "shutdown", Extent: "full_network",
				AffectedNetworks: []string{"Nile Mobile", "Sudani"}, OrderedBy: "Ministry", DecisionMaker: "Government",
				ActualCause: "Exams", GovJustification: "Exam cheating", GovAck: ptr(true), InfoSource: "Civil society",
				InfoSourceLink: "https://example.org/source", Services: []string{"facebook", "whatsapp", "signal"}, TelcosInvolved: []string{"Nile Mobile"},
				Election: ptr(false), Violence: ptr(true)}
		}
		if in.Status == coord.IncidentRestoring && len(in.Elements) > 0 {
			in.Restoration = []coord.Restoration{{Element: "cable:seacom", Status: coord.RepairRepairing, Timeline: []coord.RepairStep{
				{Status: coord.RepairDamaged, At: created, Member: in.Author, Org: in.Org},
				{Status: coord.RepairScheduled, At: created.Add(time.Hour), Member: in.Author, Org: in.Org, Note: "ship on its way"},
				{Status: coord.RepairRepairing, At: created.Add(2 * time.Hour), Member: in.Author, Org: in.Org},
			}}}
		}
		if err := in.Validate(); err != nil {
			tb.Fatalf("fixture incident %d: %v", i, err)
		}
		out = append(out, in)
	}
	return out
}

// xsdValidate checks doc against the schema at testdata path xsd with
// xmllint, or skips when xmllint is absent.
func xsdValidate(tb testing.TB, xsd string, doc []byte) {
	tb.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		tb.Skip("skipping schema validation: xmllint is absent (Debian package libxml2-utils)")
	}
	f := filepath.Join(tb.TempDir(), "doc.xml")
	if err := os.WriteFile(f, doc, 0o600); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command(bin, "--noout", "--nonet", "--schema", filepath.Join("testdata", xsd), f).CombinedOutput()
	if err != nil {
		tb.Fatalf("xmllint --schema %s: %v\n%s\ndocument:\n%s", xsd, err, out, doc)
	}
}

func mustEqualBytes(tb testing.TB, what string, a, b []byte) {
	tb.Helper()
	if !bytes.Equal(a, b) {
		tb.Fatalf("%s: the second export differs from the first\nfirst:\n%s\nsecond:\n%s", what, a, b)
	}
}

// testResources are n needs and n offers drawn from r, each valid.
func testResources(tb testing.TB, r *rand.Rand, n int) ([]coord.Need, []coord.Offer) {
	tb.Helper()
	cats := []string{"connectivity/satellite-terminal", "power/generator", "connectivity"}
	var needs []coord.Need
	var offers []coord.Offer
	for i := range 2 * n {
		created := t0.Add(time.Duration(i) * 17 * time.Minute)
		res := coord.Resource{
			ID:         fmt.Sprintf("res-%03d", i+1),
			Title:      fmt.Sprintf("Resource %d, \"urgent\" & <fast>", i+1),
			Category:   cats[r.IntN(len(cats))],
			Quantity:   int64(1 + r.IntN(50)),
			Unit:       []string{"terminal", "kW", "item"}[r.IntN(3)],
			Urgency:    []string{"", coord.UrgencyImmediate, coord.UrgencyFuture}[r.IntN(3)],
			Status:     []string{coord.ResourceOpen, coord.ResourceClosed}[r.IntN(2)],
			Marking:    randomMarking(r),
			Created:    created,
			Updated:    created.Add(time.Duration(r.IntN(3)) * time.Hour),
			Version:    int64(i + 1),
			Conditions: []string{"", "Fuel not included; operator must be trained."}[r.IntN(2)],
		}
		if r.IntN(2) == 0 {
			res.IncidentID = "inc-001"
		}
		if r.IntN(2) == 0 {
			res.Place = &coord.Place{Name: "Port Sudan, Red Sea", Lon: 37.2164, Lat: 19.6158}
		}
		if res.Place == nil || r.IntN(2) == 0 {
			res.Countries = []string{"SD", "SS"}[:1+r.IntN(2)]
		}
		if r.IntN(2) == 0 {
			res.LeadTime = coord.Duration(time.Duration(1+r.IntN(96)) * time.Hour)
		}
		if r.IntN(2) == 0 {
			res.ValidFrom = created.Add(time.Hour)
		}
		if r.IntN(2) == 0 {
			res.ValidUntil = created.Add(30 * 24 * time.Hour)
		}
		if i%2 == 0 {
			nd := coord.Need{Resource: res}
			if err := nd.Validate(); err != nil {
				tb.Fatalf("fixture need %d: %v", i, err)
			}
			needs = append(needs, nd)
		} else {
			of := coord.Offer{Resource: res}
			if err := of.Validate(); err != nil {
				tb.Fatalf("fixture offer %d: %v", i, err)
			}
			offers = append(offers, of)
		}
	}
	return needs, offers
}

// testMatches commits offers to needs, at every step of the lifecycle.
func testMatches(tb testing.TB, r *rand.Rand, needs []coord.Need, offers []coord.Offer) []coord.Match {
	tb.Helper()
	steps := []coord.MatchStatus{coord.MatchProposed, coord.MatchCommitted, coord.MatchDispatched, coord.MatchDelivered, coord.MatchReleased}
	var out []coord.Match
	for i := range min(len(needs), len(offers)) {
		n, o := &needs[i], &offers[i]
		m := coord.Match{
			ID: fmt.Sprintf("match-%03d", i+1), NeedID: n.ID, OfferID: o.ID, NeedOrg: n.Org, OfferOrg: o.Org,
			Quantity: 1 + int64(r.IntN(5)), Unit: n.Unit, Score: float64(r.IntN(1000)) / 1000,
			Marking: randomMarking(r), Created: n.Created,
		}
		last := r.IntN(len(steps))
		for k := 0; k <= last; k++ {
			m.Timeline = append(m.Timeline, coord.MatchStep{Status: steps[k], At: n.Created.Add(time.Duration(k) * time.Hour), Member: m.Author, Org: m.Org})
		}
		m.Status = steps[last]
		if last <= 1 && r.IntN(3) == 0 {
			m.Status = coord.MatchCancelled
			m.Timeline = append(m.Timeline, coord.MatchStep{Status: coord.MatchCancelled, At: n.Created.Add(5 * time.Hour), Member: m.Author, Org: m.Org, Note: "no longer needed"})
		}
		m.Updated = m.Timeline[len(m.Timeline)-1].At
		out = append(out, m)
	}
	return out
}
